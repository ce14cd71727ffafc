//! One lead: who they are, the facts the team knows, and everything that happened to
//! them. Arriving from the "New lead" form, the page also says whether the capture made
//! a new lead or was merged into this one (the form's answer travels as history state).

use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::badges::{owner_html, region, ScoreMeter, StageBadge};
use super::form::Captured;
use super::match_key;
use super::timeline::Timeline;
use crate::api::leads::{self, CaptureOutcome, LeadDetail};
use crate::api::{use_client, ApiError};
use crate::components::empty_state::EmptyState;
use crate::components::error_notice::{ErrorNotice, SuccessNotice};
use crate::components::icon::{Icon, IconName};
use crate::i18n::{channel_key, use_i18n, I18n, Key};
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
                    <section class="card card-pad" aria-labelledby="lead-facts-title">
                        <h2 id="lead-facts-title" class="section-title">{ i18n.t(Key::LeadFacts) }</h2>
                        { facts(&i18n, lead) }
                    </section>
                    <section class="card card-pad" aria-labelledby="lead-timeline-title">
                        <h2 id="lead-timeline-title" class="section-title">{ i18n.t(Key::Timeline) }</h2>
                        <Timeline events={lead.timeline.clone()} />
                    </section>
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

/// The facts panel: a definition list, "—" for what nobody knows yet.
fn facts(i18n: &I18n, lead: &LeadDetail) -> Html {
    let text = |value: Option<String>| match value {
        Some(v) if !v.trim().is_empty() => html! { { v } },
        _ => html! { <span class="muted">{ "—" }</span> },
    };
    let phone = match (&lead.phone, &lead.phone_e164) {
        (None, None) => text(None),
        (raw, e164) => html! {
            <>
                <span>{ raw.clone().or_else(|| e164.clone()).unwrap_or_default() }</span>
                if let Some(e164) = e164 {
                    <span class="fact-secondary mono" data-testid="lead-phone-e164">{ e164.clone() }</span>
                }
            </>
        },
    };
    let tags = if lead.tags.is_empty() {
        text(None)
    } else {
        html! {
            <span class="chips">{ for lead.tags.iter().map(|t| html! { <span class="chip">{ t.clone() }</span> }) }</span>
        }
    };
    let size = lead
        .company_size
        .map(|n| i18n.tf(Key::Employees, &[("n", &n.to_string())]));
    let rows: Vec<(Key, Html)> = vec![
        (Key::Email, text(lead.email.clone())),
        (Key::Phone, phone),
        (
            Key::Region,
            text(region(lead.province.as_deref(), lead.city.as_deref())),
        ),
        (Key::Industry, text(lead.industry.clone())),
        (Key::CompanySize, text(size)),
        (
            Key::Source,
            text(Some(i18n.t(channel_key(lead.source)).to_owned())),
        ),
        (Key::Tags, tags),
        (
            Key::Created,
            html! { <span title={i18n.relative(&lead.created_at)}>{ i18n.datetime(&lead.created_at) }</span> },
        ),
        (
            Key::Updated,
            html! { <span title={i18n.datetime(&lead.updated_at)}>{ i18n.relative(&lead.updated_at) }</span> },
        ),
    ];
    html! {
        <dl class="facts" data-testid="lead-facts">
            { for rows.into_iter().map(|(label, value)| html! {
                <div class="fact">
                    <dt>{ i18n.t(label) }</dt>
                    <dd>{ value }</dd>
                </div>
            }) }
        </dl>
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
