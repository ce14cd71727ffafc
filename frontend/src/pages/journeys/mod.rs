//! Nurture journeys: the list of journeys, the designer, and the email templates they
//! send.
//!
//! - [`graph`]: editing the shared `JourneyDefinition` as the canvas does, and its
//!   geometry;
//! - [`editor`]: the designer's state and the pointer state machine behind drags;
//! - [`canvas`], [`panel`], [`designer`]: what the marketer sees;
//! - [`dry_run`]: real leads walked through the draft with the shared `step()`;
//! - [`templates`]: the email template editor with preview and test send.
//!
//! Journeys are designed by admins and marketers; other roles get a plain notice.

mod canvas;
mod designer;
mod dry_run;
mod editor;
mod graph;
mod panel;
pub mod templates;

use leadflow_shared::Role;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::journeys::{self, Journey, JourneyStatus};
use crate::api::{use_client, ApiError};
use crate::components::empty_state::EmptyState;
use crate::components::error_notice::ErrorNotice;
use crate::components::form::input_value;
use crate::components::icon::{Icon, IconName};
use crate::components::page_header::PageHeader;
use crate::i18n::{use_i18n, user_error_key, I18n, Key};
use crate::routes::Route;
use crate::session::use_session;

pub use designer::JourneyDesignerPage;

/// The status as a coloured badge.
pub fn status_badge(i18n: &I18n, status: JourneyStatus) -> Html {
    let (key, class, slug) = match status {
        JourneyStatus::Draft => (Key::JrnStatusDraft, "badge-neutral", "draft"),
        JourneyStatus::Active => (Key::JrnStatusActive, "badge-success", "active"),
        JourneyStatus::Paused => (Key::JrnStatusPaused, "badge-warning", "paused"),
    };
    html! { <span class={classes!("badge", class)} data-testid="journey-status" data-status={slug}>{ i18n.t(key) }</span> }
}

/// Admins and marketers design journeys; everyone else is told whom to ask.
#[derive(Properties, PartialEq)]
pub struct GateProps {
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn DesignersOnly(props: &GateProps) -> Html {
    let i18n = use_i18n();
    let session = use_session();
    match session.me.as_ref().map(|me| me.role) {
        None => {
            html! { <div class="card card-pad muted" aria-busy="true">{ i18n.t(Key::Loading) }</div> }
        }
        Some(Role::Admin | Role::Marketer) => props.children.clone(),
        Some(_) => html! {
            <section class="page" data-testid="page-journeys">
                <PageHeader title={i18n.t(Key::NavJourneys)} />
                <div class="card" data-testid="journeys-designers-only">
                    <EmptyState icon={IconName::Journeys} title={i18n.t(Key::JrnDesignersOnlyTitle)}
                                hint={i18n.t(Key::JrnDesignersOnlyHint)} />
                </div>
            </section>
        },
    }
}

#[component]
pub fn JourneysPage() -> Html {
    html! { <DesignersOnly><JourneyList /></DesignersOnly> }
}

#[component]
pub fn JourneyPage(props: &designer::DesignerPageProps) -> Html {
    html! { <DesignersOnly><JourneyDesignerPage id={props.id.clone()} /></DesignersOnly> }
}

#[component]
fn JourneyList() -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let navigator = use_navigator();
    let list = use_state(|| None::<Result<Vec<Journey>, ApiError>>);
    let reload = use_state(|| 0u32);
    let name = use_state(String::new);
    let days = use_state(|| "30".to_owned());
    let busy = use_state(|| false);
    let errors = use_state(Vec::<String>::new);
    {
        let (client, list) = (client.clone(), list.clone());
        use_effect_with(*reload, move |_| {
            spawn_local(async move { list.set(Some(journeys::list(&client).await)) });
        });
    }
    let retry = {
        let reload = reload.clone();
        Callback::from(move |()| reload.set(*reload + 1))
    };
    let create = |from_template: bool| {
        let (client, navigator, name, days, busy, errors) = (
            client.clone(),
            navigator.clone(),
            name.clone(),
            days.clone(),
            busy.clone(),
            errors.clone(),
        );
        let i18n = i18n.clone();
        Callback::from(move |_: MouseEvent| {
            let (client, navigator, busy, errors) = (
                client.clone(),
                navigator.clone(),
                busy.clone(),
                errors.clone(),
            );
            let i18n = i18n.clone();
            let title = if name.trim().is_empty() {
                i18n.t(if from_template {
                    Key::JrnReactivateName
                } else {
                    Key::JrnUntitled
                })
                .to_owned()
            } else {
                name.trim().to_owned()
            };
            let days: i32 = days.trim().parse().unwrap_or(30);
            busy.set(true);
            errors.set(Vec::new());
            spawn_local(async move {
                let result = if from_template {
                    journeys::create_reactivation(&client, &title, days).await
                } else {
                    journeys::create(&client, &title, &graph::blank()).await
                };
                busy.set(false);
                match result {
                    Ok(payload) => match payload.journey {
                        Some(j) if payload.user_errors.is_empty() => {
                            if let Some(nav) = &navigator {
                                nav.push(&Route::Journey { id: j.id });
                            }
                        }
                        _ => errors.set(
                            payload
                                .user_errors
                                .iter()
                                .map(|e| {
                                    format!("{} {}", i18n.t(user_error_key(e.code)), e.message)
                                })
                                .collect(),
                        ),
                    },
                    Err(err) => errors.set(vec![i18n.t(err.title()).to_owned()]),
                }
            });
        })
    };
    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| name.set(input_value(&e)))
    };
    let on_days = {
        let days = days.clone();
        Callback::from(move |e: InputEvent| days.set(input_value(&e)))
    };

    let table = match &*list {
        None => {
            html! { <div class="card card-pad muted" aria-busy="true" data-testid="loading">{ i18n.t(Key::Loading) }</div> }
        }
        Some(Err(err)) => html! { <ErrorNotice error={err.clone()} on_retry={retry} /> },
        Some(Ok(items)) if items.is_empty() => html! {
            <div class="card" data-testid="journeys-empty">
                <EmptyState icon={IconName::Journeys} title={i18n.t(Key::JrnEmptyTitle)} hint={i18n.t(Key::JrnEmptyHint)} />
            </div>
        },
        Some(Ok(items)) => html! {
            <div class="card table-wrap">
                <table class="table" data-testid="journeys-table">
                    <thead><tr>
                        <th>{ i18n.t(Key::JrnName) }</th>
                        <th>{ i18n.t(Key::JrnStatus) }</th>
                        <th>{ i18n.t(Key::JrnVersion) }</th>
                        <th class="num">{ i18n.t(Key::JrnInJourney) }</th>
                        <th class="num">{ i18n.t(Key::JrnEnteredTotal) }</th>
                        <th>{ i18n.t(Key::JrnUpdated) }</th>
                    </tr></thead>
                    <tbody>
                        { for items.iter().map(|j| html! {
                            <tr data-testid="journey-row" data-id={j.id.clone()} data-name={j.name.clone()}>
                                <td class="cell-primary">
                                    <Link<Route> to={Route::Journey { id: j.id.clone() }} classes="row-link">{ j.name.clone() }</Link<Route>>
                                    if !j.problems.is_empty() {
                                        <span class="jd-list-problems" title={i18n.t(Key::JrnFixFirst)}>
                                            { i18n.tf(Key::JrnProblemCount, &[("n", &j.problems.len().to_string())]) }
                                        </span>
                                    }
                                </td>
                                <td>{ status_badge(&i18n, j.status) }</td>
                                <td data-testid="journey-version">{ j.active_version.map_or_else(|| "—".to_owned(), |v| format!("v{v}")) }</td>
                                <td class="num" data-testid="journey-enrolled">{ j.enrolled_count }</td>
                                <td class="num">{ j.entered_total() }</td>
                                <td class="muted">{ i18n.relative(&j.updated_at) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        },
    };

    html! {
        <section class="page" data-testid="page-journeys">
            <PageHeader title={i18n.t(Key::JrnTitle)} subtitle={AttrValue::from(i18n.t(Key::JrnSubtitle))}>
                <Link<Route> to={Route::EmailTemplates} classes="btn btn-secondary">
                    <Icon name={IconName::Forms} /><span>{ i18n.t(Key::JrnTemplatesNav) }</span>
                </Link<Route>>
            </PageHeader>
            <div class="card card-pad jd-create" data-testid="journey-create">
                <label class="field">
                    <span class="field-label">{ i18n.t(Key::JrnNewName) }</span>
                    <input class="input" data-testid="journey-new-name" value={(*name).clone()} oninput={on_name}
                           placeholder={i18n.t(Key::JrnNewNamePlaceholder)} />
                </label>
                <button type="button" class="btn btn-primary" data-testid="journey-new-blank" disabled={*busy} onclick={create(false)}>
                    <Icon name={IconName::Plus} /><span>{ i18n.t(Key::JrnNewBlank) }</span>
                </button>
                <span class="jd-create-or muted">{ i18n.t(Key::JrnOr) }</span>
                <label class="field jd-create-days">
                    <span class="field-label">{ i18n.t(Key::JrnInactiveDays) }</span>
                    <input class="input" type="number" min="1" data-testid="journey-new-days" value={(*days).clone()} oninput={on_days} />
                </label>
                <button type="button" class="btn btn-secondary" data-testid="journey-new-reactivation" disabled={*busy} onclick={create(true)}>
                    <span>{ i18n.t(Key::JrnNewReactivation) }</span>
                </button>
                if !errors.is_empty() {
                    <div class="field-error" role="alert">{ for errors.iter().map(|m| html! { <div>{ m.clone() }</div> }) }</div>
                }
            </div>
            { table }
        </section>
    }
}
