//! One lead: who they are, the facts the team knows, and everything that happened to
//! them — plus the work panel: edit the facts ([`super::facts`]), log an activity
//! ([`super::activity`]) and its tasks ([`super::tasks`]). After any of those the lead is
//! fetched again quietly (no skeleton), so the timeline and facts show the result.
//!
//! Arriving from the "New lead" form, the page also says whether the capture made a new
//! lead or was merged into this one (the form's answer travels as history state).

use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::activity::LogActivity;
use super::badges::{owner_html, ScoreMeter, StageBadge};
use super::facts::FactsPanel;
use super::form::Captured;
use super::match_key;
use super::ownership::OwnershipCard;
use super::qualification::QualificationCards;
use super::score::ScoreCard;
use super::tasks::LeadTasks;
use super::timeline::Timeline;
use crate::api::leads::{self, CaptureOutcome, LeadDetail};
use crate::api::{use_client, ApiError};
use crate::components::empty_state::EmptyState;
use crate::components::error_notice::{ErrorNotice, SuccessNotice};
use crate::components::icon::{Icon, IconName};
use crate::i18n::{use_i18n, Key};
use crate::routes::Route;

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Loaded(Box<LeadDetail>),
    /// `lead` answered `null`: no such lead, or not one this user may see.
    Missing,
    Failed(ApiError),
}

#[derive(Properties, PartialEq)]
pub struct LeadDetailPageProps {
    pub id: String,
}

#[component]
pub fn LeadDetailPage(props: &LeadDetailPageProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let location = use_location();
    let load = use_state(|| Load::Loading);
    let retry = use_state(|| 0u32);
    let captured = location.and_then(|l| l.state::<Captured>());
    let nonce = captured.as_ref().map(|c| c.nonce.clone());
    let dismissed = use_state(|| None::<String>);

    // Load again for another id, a new capture into this one, or "Try again".
    {
        let (client, load) = (client.clone(), load.clone());
        use_effect_with(
            (props.id.clone(), nonce.clone(), *retry),
            move |(id, _, _)| {
                let id = id.clone();
                load.set(Load::Loading);
                spawn_local(async move {
                    load.set(match leads::get(&client, &id).await {
                        Ok(Some(lead)) => Load::Loaded(Box::new(lead)),
                        Ok(None) => Load::Missing,
                        Err(err) => Load::Failed(err),
                    });
                });
            },
        );
    }

    // Fetch again after a change made here, keeping the page on screen meanwhile.
    let refresh = {
        let (client, load, id) = (client.clone(), load.clone(), props.id.clone());
        Callback::from(move |()| {
            let (client, load, id) = (client.clone(), load.clone(), id.clone());
            spawn_local(async move {
                match leads::get(&client, &id).await {
                    Ok(Some(lead)) => load.set(Load::Loaded(Box::new(lead))),
                    Ok(None) => load.set(Load::Missing),
                    Err(err) => load.set(Load::Failed(err)),
                }
            });
        })
    };

    let notice = captured
        .filter(|c| c.lead_id == props.id && *dismissed != Some(c.nonce.clone()))
        .map(|c| {
            let message = match (c.outcome, c.matched_by) {
                (CaptureOutcome::Created, _) => i18n.t(Key::LeadCreated).to_owned(),
                (CaptureOutcome::Merged, Some(by)) => {
                    i18n.tf(Key::LeadMergedBy, &[("by", i18n.t(match_key(by)))])
                }
                (CaptureOutcome::Merged, None) => i18n.t(Key::LeadMerged).to_owned(),
            };
            let dismiss = {
                let (dismissed, nonce) = (dismissed.clone(), c.nonce.clone());
                Callback::from(move |_| dismissed.set(Some(nonce.clone())))
            };
            html! { <SuccessNotice message={message} on_dismiss={dismiss} /> }
        });

    let body = match &*load {
        Load::Loading => html! { <DetailSkeleton /> },
        Load::Failed(err) => {
            let retry = retry.clone();
            html! { <ErrorNotice error={err.clone()} on_retry={Callback::from(move |_| retry.set(*retry + 1))} /> }
        }
        Load::Missing => html! {
            <div class="card" data-testid="lead-not-found">
                <EmptyState icon={IconName::Compass} title={i18n.t(Key::LeadNotFoundTitle)} hint={i18n.t(Key::LeadNotFoundHint)}>
                    <Link<Route> to={Route::Leads} classes="btn btn-primary">{ i18n.t(Key::AllLeads) }</Link<Route>>
                </EmptyState>
            </div>
        },
        Load::Loaded(lead) => html! {
            <>
                <LeadHeader lead={(**lead).clone()} />
                { for notice }
                <div class="lead-detail-grid">
                    <div class="lead-detail-column">
                        <FactsPanel key={format!("{}-{}", lead.id, lead.version)} lead={(**lead).clone()}
                                    on_reload={refresh.clone()} />
                        <QualificationCards lead_id={lead.id.clone()} person_name={lead.person_name.clone()}
                                            company={lead.company.clone()} on_changed={refresh.clone()}
                                            revision={format!("{}-{}", lead.version, lead.updated_at)} />
                        <OwnershipCard lead_id={lead.id.clone()} lead_name={lead.person_name.clone()}
                                       owner={lead.owner.clone()} on_changed={refresh.clone()}
                                       revision={format!("{}-{:?}", lead.updated_at, lead.owner.as_ref().map(|o| &o.id))} />
                        <ScoreCard lead_id={lead.id.clone()}
                                   revision={format!("{}-{}", lead.updated_at, lead.timeline.len())} />
                        <LeadTasks lead_id={lead.id.clone()} tasks={lead.tasks.clone()} on_changed={refresh.clone()} />
                    </div>
                    <div class="lead-detail-column">
                        <LogActivity lead_id={lead.id.clone()} on_logged={refresh.clone()} />
                        <section class="card card-pad" aria-labelledby="lead-timeline-title">
                            <h2 id="lead-timeline-title" class="section-title">{ i18n.t(Key::Timeline) }</h2>
                            <Timeline events={lead.timeline.clone()} />
                        </section>
                    </div>
                </div>
            </>
        },
    };

    html! {
        <section class="page lead-detail" data-testid="page-lead-detail">
            <Link<Route> to={Route::Leads} classes="back-link">
                <Icon name={IconName::ArrowLeft} />{ i18n.t(Key::AllLeads) }
            </Link<Route>>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct LeadHeaderProps {
    lead: LeadDetail,
}

/// Name, role at the company, stage, owner and score, in one calm block.
#[component]
fn LeadHeader(props: &LeadHeaderProps) -> Html {
    let i18n = use_i18n();
    let lead = &props.lead;
    let role: Vec<&str> = [lead.title.as_deref(), lead.company.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    html! {
        <header class="lead-header" data-testid="lead-header">
            <div class="lead-header-main">
                <div class="lead-title-row">
                    <h1 class="page-title" data-testid="lead-name">{ lead.person_name.clone() }</h1>
                    <StageBadge stage={lead.stage} />
                </div>
                if !role.is_empty() {
                    <p class="page-subtitle">{ role.join(" · ") }</p>
                }
            </div>
            <dl class="lead-header-stats">
                <div>
                    <dt>{ i18n.t(Key::Owner) }</dt>
                    <dd data-testid="lead-owner">{ owner_html(&i18n, lead.owner.as_ref()) }</dd>
                </div>
                <div>
                    <dt>{ i18n.t(Key::Score) }</dt>
                    <dd><ScoreMeter score={lead.total_score} /></dd>
                </div>
                <div>
                    <dt>{ i18n.t(Key::FitScore) }</dt>
                    <dd class="num">{ lead.fit_score }</dd>
                </div>
                <div>
                    <dt>{ i18n.t(Key::EngagementScore) }</dt>
                    <dd class="num">{ lead.engagement_score }</dd>
                </div>
            </dl>
        </header>
    }
}

/// Grey blocks in the shape of the page while it loads.
#[component]
fn DetailSkeleton() -> Html {
    let i18n = use_i18n();
    html! {
        <div aria-busy="true" aria-label={i18n.t(Key::Loading)} data-testid="loading">
            <div class="lead-header">
                <div class="lead-header-main">
                    <span class="skeleton-bar" style="width:220px;height:22px" />
                    <span class="skeleton-bar" style="width:320px;margin-top:10px" />
                </div>
            </div>
            <div class="lead-detail-grid">
                { for (0..2).map(|_| html! {
                    <div class="card card-pad">
                        { for (0..6).map(|i| html! {
                            <span class="skeleton-bar skeleton-line" style={format!("width:{}%", 45 + (i * 17) % 45)} />
                        }) }
                    </div>
                }) }
            </div>
        </div>
    }
}
