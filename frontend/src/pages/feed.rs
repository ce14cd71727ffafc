//! The live assignment feed: every change of owner in the chosen scope, newest first,
//! as it happens.
//!
//! The page loads the newest fifty (`assignmentFeed`), then subscribes to
//! `assignmentEvents` after the newest cursor it has. Each event that arrives moves that
//! cursor, and every reconnect of the socket asks from it again, so a dropped connection
//! misses nothing. Events that arrive live are prepended with a short highlight.
//!
//! Scopes follow the role: a rep sees their own (`MINE`), a manager also their teams'
//! (`TEAM`), an admin everyone's (`ALL`); only the scopes a role may use are offered.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Interval;
use leadflow_shared::{FeedScope, Role};
use serde_json::json;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::feed::{self, AssignmentEvent, LiveAssignment};
use crate::api::subscription::{subscribe_with, Subscription, SubscriptionEvent};
use crate::api::types::UserRef;
use crate::api::{use_client, ApiError};
use crate::components::empty_state::EmptyState;
use crate::components::error_notice::ErrorNotice;
use crate::components::icon::IconName;
use crate::components::page_header::PageHeader;
use crate::components::skeleton::TableSkeleton;
use crate::i18n::{assignment_reason_key, feed_scope_key, use_i18n, I18n, Key};
use crate::routes::Route;
use crate::session::use_session;

/// Rows kept on screen; older ones fall off the bottom.
const MAX_ROWS: usize = 300;
/// How often "3 minutes ago" is brought up to date.
const TICK_MS: u32 = 30_000;

/// The scopes a role may watch, narrowest first.
fn allowed_scopes(role: Role) -> &'static [FeedScope] {
    match role {
        Role::Admin => &[FeedScope::Mine, FeedScope::Team, FeedScope::All],
        Role::Manager => &[FeedScope::Mine, FeedScope::Team],
        Role::Rep | Role::Marketer => &[FeedScope::Mine],
    }
}

/// The widest scope a role may watch: what a lead-giver wants to see first.
fn default_scope(role: Role) -> FeedScope {
    allowed_scopes(role)
        .last()
        .copied()
        .unwrap_or(FeedScope::Mine)
}

#[derive(Debug, Clone, PartialEq)]
struct FeedRow {
    event: AssignmentEvent,
    /// Arrived while the page was open: highlighted once.
    live: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct FeedState {
    rows: Vec<FeedRow>,
    loading: bool,
    loaded: bool,
    error: Option<ApiError>,
    /// The socket is up (after the first page arrived).
    connected: bool,
}

enum FeedAction {
    Loading,
    Loaded(Vec<AssignmentEvent>),
    Failed(ApiError),
    Arrived(Box<AssignmentEvent>),
    Connected(bool),
}

impl Reducible for FeedState {
    type Action = FeedAction;

    fn reduce(self: Rc<Self>, action: FeedAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            FeedAction::Loading => {
                next.loading = true;
                next.connected = false;
                next.error = None;
            }
            FeedAction::Loaded(events) => {
                next.rows = events
                    .into_iter()
                    .map(|event| FeedRow { event, live: false })
                    .collect();
                next.loading = false;
                next.loaded = true;
            }
            FeedAction::Failed(err) => {
                next.loading = false;
                next.connected = false;
                next.error = Some(err);
            }
            FeedAction::Arrived(event) => {
                // A reconnect may replay what the first page already had.
                if next.rows.iter().any(|r| r.event.cursor == event.cursor) {
                    return self;
                }
                next.rows.insert(
                    0,
                    FeedRow {
                        event: *event,
                        live: true,
                    },
                );
                next.rows.truncate(MAX_ROWS);
            }
            FeedAction::Connected(up) => next.connected = up,
        }
        Rc::new(next)
    }
}

#[component]
pub fn FeedPage() -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let session = use_session();
    let role = session.me.as_ref().map(|u| u.role);
    let chosen = use_state(|| None::<FeedScope>);
    let state = use_reducer(FeedState::default);
    let retry = use_state(|| 0u32);
    let generation = use_mut_ref(|| 0u32);
    let live: Rc<RefCell<Option<Subscription>>> = use_mut_ref(|| None);
    let tick = use_state(|| 0u32);

    // The scope shown: the one chosen if the role allows it, else the role's widest.
    let scope = role.map(|role| {
        chosen
            .filter(|s| allowed_scopes(role).contains(s))
            .unwrap_or_else(|| default_scope(role))
    });

    // Relative times stay true while the page is open.
    {
        let tick = tick.clone();
        use_effect_with((), move |_| {
            let interval = Interval::new(TICK_MS, move || tick.set(tick.wrapping_add(1)));
            move || drop(interval)
        });
    }

    // The first page, then live from its newest cursor; again for another scope.
    {
        let (client, dispatcher, generation, live) = (
            client.clone(),
            state.dispatcher(),
            generation.clone(),
            live.clone(),
        );
        use_effect_with((scope, *retry), move |(scope, _)| {
            let mine = {
                let mut g = generation.borrow_mut();
                *g += 1;
                *g
            };
            live.borrow_mut().take();
            if let Some(scope) = *scope {
                dispatcher.dispatch(FeedAction::Loading);
                let (generation, live) = (generation.clone(), live.clone());
                spawn_local(async move {
                    let result = feed::latest(&client, scope).await;
                    if *generation.borrow() != mine {
                        return;
                    }
                    let events = match result {
                        Ok(events) => events,
                        Err(err) => return dispatcher.dispatch(FeedAction::Failed(err)),
                    };
                    let cursor = Rc::new(RefCell::new(events.first().map(|e| e.cursor.clone())));
                    dispatcher.dispatch(FeedAction::Loaded(events));
                    let variables = {
                        let cursor = cursor.clone();
                        move || json!({ "scope": scope, "after": *cursor.borrow() })
                    };
                    let on_event = Callback::from(
                        move |event: SubscriptionEvent<LiveAssignment>| match event {
                            SubscriptionEvent::Connected => {
                                dispatcher.dispatch(FeedAction::Connected(true))
                            }
                            SubscriptionEvent::Data(LiveAssignment {
                                assignment_events: event,
                            }) => {
                                *cursor.borrow_mut() = Some(event.cursor.clone());
                                dispatcher.dispatch(FeedAction::Arrived(Box::new(event)));
                            }
                            SubscriptionEvent::Reconnecting => {
                                dispatcher.dispatch(FeedAction::Connected(false))
                            }
                            SubscriptionEvent::Failed(err) => {
                                dispatcher.dispatch(FeedAction::Failed(err))
                            }
                        },
                    );
                    *live.borrow_mut() = Some(subscribe_with(
                        client,
                        feed::live_document(),
                        variables,
                        on_event,
                    ));
                });
            }
            move || {
                *generation.borrow_mut() += 1;
                live.borrow_mut().take();
            }
        });
    }

    let on_retry = {
        let retry = retry.clone();
        Callback::from(move |()| retry.set(*retry + 1))
    };

    let switcher = match (role, scope) {
        (Some(role), Some(scope)) if allowed_scopes(role).len() > 1 => html! {
            <div class="segmented" role="group" aria-label={i18n.t(Key::FeedScope)} data-testid="feed-scope">
                { for allowed_scopes(role).iter().map(|s| {
                    let pressed = *s == scope;
                    let onclick = {
                        let (chosen, s) = (chosen.clone(), *s);
                        Callback::from(move |_: MouseEvent| chosen.set(Some(s)))
                    };
                    html! {
                        <button type="button" class={classes!("segmented-item", pressed.then_some("is-active"))}
                                aria-pressed={pressed.to_string()} data-scope={format!("{s:?}").to_uppercase()}
                                {onclick}>
                            { i18n.t(feed_scope_key(*s)) }
                        </button>
                    }
                }) }
            </div>
        },
        _ => Html::default(),
    };
    let status = if state.connected {
        html! {
            <span class="live live-on" data-testid="feed-live">
                <span class="live-dot" aria-hidden="true" />{ i18n.t(Key::Live) }
            </span>
        }
    } else if state.loaded && state.error.is_none() {
        html! {
            <span class="live live-off" data-testid="feed-live">
                <span class="live-dot" aria-hidden="true" />{ i18n.t(Key::Offline) }
            </span>
        }
    } else {
        Html::default()
    };

    let first_load = !state.loaded && state.error.is_none();
    let body = if first_load {
        html! {
            <div class="card table-wrap">
                <table class="table table-fixed feed-table" aria-busy="true">
                    <FeedHead />
                    <TableSkeleton columns={7} rows={8} />
                </table>
            </div>
        }
    } else if state.rows.is_empty() && state.loaded {
        html! {
            <div class="card">
                <EmptyState icon={IconName::Activity} title={i18n.t(Key::FeedEmptyTitle)} hint={i18n.t(Key::FeedEmptyHint)} />
            </div>
        }
    } else if state.loaded {
        html! {
            <div class="card table-wrap">
                <table class="table table-fixed feed-table" data-testid="feed-table">
                    <FeedHead />
                    <tbody class={classes!(state.loading.then_some("is-stale"))} aria-live="polite">
                        { for state.rows.iter().map(|row| feed_row(&i18n, row)) }
                    </tbody>
                </table>
            </div>
        }
    } else {
        Html::default()
    };

    html! {
        <section class="page" data-testid="page-feed">
            <PageHeader title={i18n.t(Key::NavFeed)} subtitle={AttrValue::from(i18n.t(Key::FeedSubtitle))}>
                { status }
                { switcher }
            </PageHeader>
            if let Some(err) = &state.error {
                <ErrorNotice error={err.clone()} on_retry={on_retry} />
            }
            { body }
        </section>
    }
}

#[component]
fn FeedHead() -> Html {
    let i18n = use_i18n();
    html! {
        <thead>
            <tr>
                <th scope="col" class="c-time">{ i18n.t(Key::FeedTime) }</th>
                <th scope="col" class="c-lead">{ i18n.t(Key::FeedLead) }</th>
                <th scope="col" class="c-company">{ i18n.t(Key::Company) }</th>
                <th scope="col" class="c-change">{ i18n.t(Key::FeedChange) }</th>
                <th scope="col" class="c-reason">{ i18n.t(Key::FeedReason) }</th>
                <th scope="col" class="c-rule">{ i18n.t(Key::FeedRule) }</th>
                <th scope="col" class="c-actor">{ i18n.t(Key::FeedActor) }</th>
            </tr>
        </thead>
    }
}

/// A routing rule's label as people read it: the server names the fallback `fallback`.
pub fn rule_label_text(i18n: &I18n, label: &str) -> String {
    if label == "fallback" {
        i18n.t(Key::RoutingFallback).to_owned()
    } else {
        label.to_owned()
    }
}

/// A person's name, or the pool when there is nobody.
fn person(i18n: &I18n, user: Option<&UserRef>) -> Html {
    match user {
        Some(user) => html! { <span class="owner">{ user.name.clone() }</span> },
        None => html! { <span class="owner owner-pool">{ i18n.t(Key::OwnerPool) }</span> },
    }
}

/// "From → to"; a lead that went (or stayed) nowhere but the pool reads "→ Pool", not
/// "Pool → Pool".
pub fn owner_change(i18n: &I18n, from: Option<&UserRef>, to: Option<&UserRef>) -> Html {
    html! { <>
        if from.is_some() || to.is_some() {
            { person(i18n, from) }
        }
        <span class="feed-arrow" aria-hidden="true">{ " → " }</span>
        { person(i18n, to) }
    </> }
}

fn feed_row(i18n: &I18n, row: &FeedRow) -> Html {
    let event = &row.event;
    let a = &event.assignment;
    let dash = || html! { <span class="muted">{ "—" }</span> };
    html! {
        <tr key={event.cursor.clone()} class={classes!(row.live.then_some("is-new"))} data-testid="feed-row"
            data-reason={a.reason.as_str()}>
            <td class="cell-time">
                <time datetime={a.created_at.clone()} title={i18n.datetime(&a.created_at)}>{ i18n.relative(&a.created_at) }</time>
            </td>
            <td>
                if let Some(lead) = &event.lead {
                    <Link<Route> to={Route::LeadDetail { id: lead.id.clone() }} classes="cell-primary row-link">
                        { lead.person_name.clone() }
                    </Link<Route>>
                } else {
                    <span class="muted">{ i18n.t(Key::FeedHiddenLead) }</span>
                }
            </td>
            <td>
                if let Some(company) = event.lead.as_ref().and_then(|l| l.company.clone()) {
                    <div class="cell-text" title={company.clone()}>{ company }</div>
                } else { { dash() } }
            </td>
            <td class="feed-change">
                <div class="cell-text">
                    { owner_change(i18n, a.from.as_ref(), a.to.as_ref()) }
                </div>
            </td>
            <td>
                <span class={classes!("badge", "reason", format!("reason-{}", a.reason.as_str()))}>
                    { i18n.t(assignment_reason_key(a.reason)) }
                </span>
            </td>
            <td>
                if let Some(rule) = event.rule_label.as_deref().map(|r| rule_label_text(i18n, r)) {
                    <div class="cell-text" title={rule.clone()}>{ rule }</div>
                } else { { dash() } }
            </td>
            <td>
                <div class="cell-text">
                    if let Some(actor) = &a.actor {
                        { actor.name.clone() }
                    } else {
                        <span class="muted">{ i18n.t(Key::FeedAutomatic) }</span>
                    }
                </div>
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::leads::Assignment;
    use leadflow_shared::AssignmentReason;

    fn event(cursor: &str) -> AssignmentEvent {
        AssignmentEvent {
            cursor: cursor.into(),
            assignment: Assignment {
                id: cursor.into(),
                from: None,
                to: None,
                reason: AssignmentReason::Rule,
                actor: None,
                note: None,
                rule_label: None,
                created_at: "2026-05-01T01:00:00Z".into(),
            },
            lead: None,
            rule_label: None,
        }
    }

    #[test]
    fn roles_watch_only_their_scopes() {
        assert_eq!(allowed_scopes(Role::Rep), &[FeedScope::Mine]);
        assert_eq!(default_scope(Role::Manager), FeedScope::Team);
        assert_eq!(default_scope(Role::Admin), FeedScope::All);
        assert!(!allowed_scopes(Role::Manager).contains(&FeedScope::All));
    }

    #[test]
    fn live_events_go_on_top_once() {
        let state = Rc::new(FeedState::default())
            .reduce(FeedAction::Loaded(vec![event("c2"), event("c1")]))
            .reduce(FeedAction::Arrived(Box::new(event("c3"))))
            // A reconnect replaying what is already shown changes nothing.
            .reduce(FeedAction::Arrived(Box::new(event("c2"))));
        let cursors: Vec<_> = state.rows.iter().map(|r| r.event.cursor.as_str()).collect();
        assert_eq!(cursors, ["c3", "c2", "c1"]);
        assert!(state.rows[0].live && !state.rows[1].live);
    }
}
