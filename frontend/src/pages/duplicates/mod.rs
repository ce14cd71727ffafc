//! Duplicates (`/leads/duplicates`): pairs of leads that are probably one person, with
//! why the server thinks so. "Review" opens the side-by-side [`review`], where a person
//! picks each field's surviving value and the lead that lives on, then merges.

mod review;

use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::duplicates::{self, DuplicateLead, DuplicatePair};
use crate::api::{use_client, ApiError};
use crate::components::empty_state::EmptyState;
use crate::components::error_notice::ErrorNotice;
use crate::components::icon::{Icon, IconName};
use crate::components::page_header::PageHeader;
use crate::components::skeleton::TableSkeleton;
use crate::i18n::{use_i18n, Key};
use crate::pages::leads::match_key;
use crate::routes::Route;
use review::MergeReview;

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Loaded(Vec<DuplicatePair>),
    Failed(ApiError),
}

#[component]
pub fn DuplicatesPage() -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let load = use_state(|| Load::Loading);
    let retry = use_state(|| 0u32);
    let reviewing = use_state(|| None::<DuplicatePair>);

    {
        let load = load.clone();
        use_effect_with(*retry, move |_| {
            load.set(Load::Loading);
            spawn_local(async move {
                load.set(match duplicates::list(&client).await {
                    Ok(pairs) => Load::Loaded(pairs),
                    Err(err) => Load::Failed(err),
                });
            });
        });
    }
    let close = {
        let reviewing = reviewing.clone();
        Callback::from(move |()| reviewing.set(None))
    };

    let body = match &*load {
        Load::Loading => html! { <div class="card"><TableSkeleton rows={4} columns={4} /></div> },
        Load::Failed(err) => {
            let retry = retry.clone();
            html! { <ErrorNotice error={err.clone()} on_retry={Callback::from(move |_| retry.set(*retry + 1))} /> }
        }
        Load::Loaded(pairs) if pairs.is_empty() => html! {
            <div class="card" data-testid="duplicates-empty">
                <EmptyState icon={IconName::Check} title={i18n.t(Key::DuplicatesEmptyTitle)}
                            hint={i18n.t(Key::DuplicatesEmptyHint)} />
            </div>
        },
        Load::Loaded(pairs) => {
            let row = |pair: &DuplicatePair| {
                let onclick = {
                    let (reviewing, pair) = (reviewing.clone(), pair.clone());
                    Callback::from(move |_: MouseEvent| reviewing.set(Some(pair.clone())))
                };
                html! {
                    <tr data-testid="duplicate-pair">
                        <td>{ lead_cell(&pair.a) }</td>
                        <td>{ lead_cell(&pair.b) }</td>
                        <td><span class="badge">{ i18n.t(match_key(pair.reason)) }</span></td>
                        <td class="actions-col">
                            <button type="button" class="btn btn-secondary btn-sm" data-testid="duplicate-review" {onclick}>
                                { i18n.t(Key::Review) }
                            </button>
                        </td>
                    </tr>
                }
            };
            html! {
                <div class="card table-wrap">
                    <table class="table" data-testid="duplicates-table">
                        <thead>
                            <tr>
                                <th>{ i18n.t(Key::LeadA) }</th>
                                <th>{ i18n.t(Key::LeadB) }</th>
                                <th>{ i18n.t(Key::DuplicateReason) }</th>
                                <th class="actions-col" />
                            </tr>
                        </thead>
                        <tbody>{ for pairs.iter().map(row) }</tbody>
                    </table>
                </div>
            }
        }
    };

    html! {
        <section class="page" data-testid="page-duplicates">
            <PageHeader title={i18n.t(Key::NavDuplicates)} subtitle={AttrValue::from(i18n.t(Key::DuplicatesSubtitle))}>
                <Link<Route> to={Route::Leads} classes="btn btn-ghost">
                    <Icon name={IconName::ArrowLeft} />{ i18n.t(Key::AllLeads) }
                </Link<Route>>
            </PageHeader>
            { body }
            if let Some(pair) = &*reviewing {
                <MergeReview pair={pair.clone()} on_close={close} />
            }
        </section>
    }
}

/// Name, then company and contact, small.
fn lead_cell(lead: &DuplicateLead) -> Html {
    let secondary: Vec<&str> = [
        lead.company.as_deref(),
        lead.phone.as_deref(),
        lead.email.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.trim().is_empty())
    .collect();
    html! {
        <div>
            <Link<Route> to={Route::LeadDetail { id: lead.id.clone() }} classes="cell-primary">
                { lead.person_name.clone() }
            </Link<Route>>
            <div class="cell-secondary muted">{ secondary.join(" · ") }</div>
        </div>
    }
}
