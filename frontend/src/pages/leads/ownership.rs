//! The "Owner & SLA" card of a lead: who owns it, how the first-contact clock of that
//! owner stands, and every change of owner with its reason.
//!
//! While the clock runs it counts down to the next threshold (reminder, escalation,
//! recycle) and lists all three in the user's time; a met clock says when the first
//! contact was. Managers and admins can release the lead to the pool here (the existing
//! `leadsAssign` with no owner); anyone who may claim sees "Claim" on a pool lead.
//!
//! The card asks for its data apart from the page (like the score card), so the rest of
//! the page never waits on it.

use leadflow_shared::sla::SlaState;
use yew::platform::spawn_local;
use yew::prelude::*;

use gloo::timers::callback::Interval;

use super::bulk::can_assign;
use crate::api::leads::{self, Assignment, LeadOwnership, LeadSla};
use crate::api::types::UserRef;
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::toast::{use_toaster, Toast};
use crate::i18n::{assignment_reason_key, sla_state_key, use_i18n, I18n, Key};
use crate::pages::feed::{owner_change, rule_label_text};
use crate::pages::pool::{can_claim, ClaimButton};
use crate::session::use_session;

/// How often the countdown is brought up to date.
const TICK_MS: u32 = 30_000;

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Loaded(Box<LeadOwnership>),
    Failed(ApiError),
}

#[derive(Properties, PartialEq)]
pub struct OwnershipCardProps {
    pub lead_id: String,
    pub lead_name: String,
    /// The owner as the page knows it, shown while the card loads.
    pub owner: Option<UserRef>,
    /// Changes whenever the lead changed, so the card asks again.
    pub revision: String,
    /// The owner changed here: the page loads the lead again.
    pub on_changed: Callback<()>,
}

#[component]
pub fn OwnershipCard(props: &OwnershipCardProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let toaster = use_toaster();
    let session = use_session();
    let role = session.me.as_ref().map(|u| u.role);
    let load = use_state(|| Load::Loading);
    let releasing = use_state(|| false);
    // Bumped every half minute: the re-render brings the countdown up to date.
    let tick = use_state(|| 0u32);

    {
        let (client, load) = (client.clone(), load.clone());
        use_effect_with(
            (props.lead_id.clone(), props.revision.clone()),
            move |(id, _)| {
                let id = id.clone();
                spawn_local(async move {
                    load.set(match leads::ownership(&client, &id).await {
                        Ok(Some(o)) => Load::Loaded(Box::new(o)),
                        // Gone or no longer visible: the page itself will say so.
                        Ok(None) => Load::Failed(ApiError::Forbidden),
                        Err(err) => Load::Failed(err),
                    });
                });
            },
        );
    }
    {
        let tick = tick.clone();
        use_effect_with((), move |_| {
            let interval = Interval::new(TICK_MS, move || tick.set(tick.wrapping_add(1)));
            move || drop(interval)
        });
    }

    let owner = match &*load {
        Load::Loaded(o) => o.owner.clone(),
        _ => props.owner.clone(),
    };

    let release = {
        let (client, toaster, i18n, releasing) = (
            client.clone(),
            toaster.clone(),
            i18n.clone(),
            releasing.clone(),
        );
        let (id, name, on_changed) = (
            props.lead_id.clone(),
            props.lead_name.clone(),
            props.on_changed.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            if *releasing {
                return;
            }
            releasing.set(true);
            let (client, toaster, i18n, releasing, id, name, on_changed) = (
                client.clone(),
                toaster.clone(),
                i18n.clone(),
                releasing.clone(),
                id.clone(),
                name.clone(),
                on_changed.clone(),
            );
            spawn_local(async move {
                match leads::assign(&client, std::slice::from_ref(&id), None, None).await {
                    Ok(payload) if payload.user_errors.is_empty() => {
                        toaster.show(Toast::success(
                            i18n.tf(Key::ReleasedToast, &[("name", &name)]),
                        ));
                        on_changed.emit(());
                    }
                    Ok(payload) => {
                        let mut toast = Toast::error(i18n.t(Key::ReleaseFailed));
                        if let Some(error) = payload.user_errors.first() {
                            toast = toast.with_body(error.message.clone());
                        }
                        toaster.show(toast);
                    }
                    Err(err) => toaster.show(
                        Toast::error(i18n.t(Key::ReleaseFailed)).with_body(i18n.t(err.hint())),
                    ),
                }
                releasing.set(false);
            });
        })
    };
    let on_claimed = {
        let on_changed = props.on_changed.clone();
        Callback::from(move |_| on_changed.emit(()))
    };

    let action = match &owner {
        Some(_) if can_assign(role) => html! {
            <button type="button" class="btn btn-secondary btn-sm" data-testid="lead-release"
                    disabled={*releasing} aria-busy={releasing.to_string()} onclick={release}>
                { i18n.t(if *releasing { Key::Releasing } else { Key::ReleaseToPool }) }
            </button>
        },
        None if can_claim(role) => html! {
            <ClaimButton lead_id={props.lead_id.clone()} lead_name={props.lead_name.clone()} small=true
                         on_done={on_claimed} />
        },
        _ => Html::default(),
    };

    let body = match &*load {
        Load::Loading => html! {
            <span class="skeleton-bar skeleton-line" style="width:60%" />
        },
        Load::Failed(err) => html! { <ErrorNotice error={err.clone()} /> },
        Load::Loaded(o) => html! { <>
            { sla_view(&i18n, o.sla.as_ref()) }
            <h3 class="subsection-title">{ i18n.t(Key::AssignmentHistory) }</h3>
            { assignments_view(&i18n, &o.assignments) }
        </> },
    };

    html! {
        <section class="card card-pad ownership" aria-labelledby="lead-ownership-title" data-testid="lead-ownership">
            <div class="section-head">
                <h2 id="lead-ownership-title" class="section-title">{ i18n.t(Key::OwnerAndSla) }</h2>
                { action }
            </div>
            <div class="ownership-owner" data-testid="lead-ownership-owner">
                <span class="ownership-label">{ i18n.t(Key::Owner) }</span>
                { person(&i18n, owner.as_ref()) }
            </div>
            { body }
        </section>
    }
}

/// A person's name, or the pool when there is nobody.
fn person(i18n: &I18n, user: Option<&UserRef>) -> Html {
    match user {
        Some(user) => html! { <span class="owner">{ user.name.clone() }</span> },
        None => html! { <span class="owner owner-pool">{ i18n.t(Key::OwnerPool) }</span> },
    }
}

/// Milliseconds since the epoch, or `None` for an unreadable time.
fn millis(rfc3339: &str) -> Option<f64> {
    let ms = js_sys::Date::parse(rfc3339);
    (!ms.is_nan()).then_some(ms)
}

fn sla_view(i18n: &I18n, sla: Option<&LeadSla>) -> Html {
    let Some(sla) = sla else {
        return html! {
            <div class="sla" data-testid="lead-sla" data-state="none">
                <p class="muted sla-none">{ i18n.t(Key::LeadSlaNone) }</p>
            </div>
        };
    };
    let now = js_sys::Date::now();
    let thresholds = [
        (Key::LeadSlaRemindAt, Key::LeadSlaNextRemind, &sla.remind_at),
        (
            Key::LeadSlaEscalateAt,
            Key::LeadSlaNextEscalate,
            &sla.escalate_at,
        ),
        (
            Key::LeadSlaRecycleAt,
            Key::LeadSlaNextRecycle,
            &sla.recycle_at,
        ),
    ];
    let passed = |at: &str| millis(at).is_some_and(|ms| ms <= now);
    let summary = if sla.state.is_open() {
        // The first threshold still ahead; past them all, the recycle is due.
        let (_, next_key, at) = thresholds
            .iter()
            .find(|(_, _, at)| !passed(at))
            .copied()
            .unwrap_or(thresholds[2]);
        html! {
            <p class="sla-next" data-testid="lead-sla-next">
                <time datetime={at.clone()} title={i18n.datetime(at)}>
                    { i18n.tf(next_key, &[("when", &i18n.relative(at))]) }
                </time>
            </p>
        }
    } else if let (SlaState::Met, Some(met)) = (sla.state, &sla.met_at) {
        html! {
            <p class="sla-next">
                <time datetime={met.clone()}>{ i18n.tf(Key::LeadSlaMetAt, &[("when", &i18n.datetime(met))]) }</time>
            </p>
        }
    } else {
        html! {
            <p class="muted sla-next">{ i18n.tf(Key::LeadSlaStartedAt, &[("when", &i18n.datetime(&sla.started_at))]) }</p>
        }
    };
    html! {
        <div class={classes!("sla", format!("sla-{}", sla.state.as_str()))} data-testid="lead-sla"
             data-state={sla.state.as_str()}>
            <div class="sla-head">
                <span class="sla-title">{ i18n.t(Key::LeadSlaTitle) }</span>
                <span class={classes!("badge", "sla-state", format!("sla-state-{}", sla.state.as_str()))}
                      data-testid="lead-sla-state">
                    { i18n.t(sla_state_key(sla.state)) }
                </span>
            </div>
            { summary }
            if sla.state.is_open() {
                <ol class="sla-steps">
                    { for thresholds.iter().map(|(label, _, at)| html! {
                        <li class={classes!("sla-step", passed(at).then_some("is-passed"))}>
                            <span class="sla-step-dot" aria-hidden="true" />
                            <span class="sla-step-label">{ i18n.t(*label) }</span>
                            <time class="sla-step-time" datetime={(*at).clone()}>{ i18n.datetime(at) }</time>
                        </li>
                    }) }
                </ol>
            }
            <p class="sla-policy">{ i18n.tf(Key::LeadSlaPolicyName, &[("name", &sla.policy_name)]) }</p>
        </div>
    }
}

fn assignments_view(i18n: &I18n, assignments: &[Assignment]) -> Html {
    if assignments.is_empty() {
        return html! {
            <p class="muted assignments-empty" data-testid="lead-assignments">{ i18n.t(Key::AssignmentsEmpty) }</p>
        };
    }
    html! {
        <ol class="assignments" data-testid="lead-assignments">
            { for assignments.iter().map(|a| html! {
                <li key={a.id.clone()} class="assignment" data-testid="lead-assignment" data-reason={a.reason.as_str()}>
                    <div class="assignment-head">
                        <span class="assignment-change">
                            { owner_change(i18n, a.from.as_ref(), a.to.as_ref()) }
                        </span>
                        <span class={classes!("badge", "reason", format!("reason-{}", a.reason.as_str()))}>
                            { i18n.t(assignment_reason_key(a.reason)) }
                        </span>
                    </div>
                    <div class="assignment-meta">
                        if let Some(actor) = &a.actor {
                            <span>{ i18n.tf(Key::EventBy, &[("name", &actor.name)]) }</span>
                            <span aria-hidden="true">{ " · " }</span>
                        }
                        <time datetime={a.created_at.clone()} title={i18n.datetime(&a.created_at)}>
                            { i18n.relative(&a.created_at) }
                        </time>
                    </div>
                    if let Some(rule) = &a.rule_label {
                        <div class="assignment-rule" data-testid="lead-assignment-rule">
                            <span class="assignment-rule-label">{ i18n.t(Key::FeedRule) }</span>
                            { rule_label_text(i18n, rule) }
                        </div>
                    }
                    if let Some(note) = a.note.as_ref().filter(|n| !n.trim().is_empty()) {
                        // A rule's note is the engine's account of the decision: detail.
                        <div class={classes!("assignment-note", a.rule_label.is_some().then_some("is-explanation"))}>
                            { note.clone() }
                        </div>
                    }
                </li>
            }) }
        </ol>
    }
}
