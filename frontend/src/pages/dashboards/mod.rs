//! Dashboards: where the funnel leaks, which sources pay, how fast reps answer.
//!
//! One `analytics` request fetches every widget for the filters in the address bar
//! ([`filters`]); the widgets ([`widgets`]) draw with `plotters` on canvases
//! ([`chart`]) and every bar, step and table count opens the lead list behind it.
//!
//! Managers and admins see their whole scope, with a "Team / Mine" switch; a rep sees
//! "My performance" — the same widgets with the owner fixed to themselves (the server
//! scopes a rep to their own leads either way). Numbers refresh by themselves a few
//! seconds after the assignment feed reports a new lead, at most every
//! [`LIVE_REFRESH_MS`]. The page prints cleanly: the stylesheet hides the navigation
//! and filters and lays charts out full width.

mod card;
mod chart;
mod filter_bar;
mod filters;
mod format;
mod widgets;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use leadflow_shared::analytics::{AnalyticsFilter, AnalyticsWidget, TrendBucket};
use leadflow_shared::{FeedScope, Role};
use serde_json::json;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::analytics::{self, CampaignOption, Report};
use crate::api::feed::{self, LiveAssignment};
use crate::api::subscription::{subscribe, Subscription, SubscriptionEvent};
use crate::api::types::{Team, UserError};
use crate::api::{files, teams, use_client, users, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::icon::{Icon, IconName};
use crate::components::page_header::PageHeader;
use crate::i18n::{use_i18n, user_error_key, Key};
use crate::routes::Route;
use crate::session::use_session;
use filter_bar::{FilterBar, Options};
use filters::{browser_today, DashParams, DashQuery};
use widgets::{
    CampaignsWidget, CycleWidget, FunnelWidget, Kpis, LeaderboardWidget, LostWidget, SlaWidget,
    SourcesWidget, SpeedWidget, TrendWidget,
};

/// The quiet time after a live event before the numbers are fetched again; events
/// meanwhile join the same refresh.
pub const LIVE_REFRESH_MS: u32 = 5_000;

#[derive(Debug, Clone, PartialEq, Default)]
struct Loaded {
    report: Option<Rc<Report>>,
    /// The filter `report` is for.
    filter: Option<AnalyticsFilter>,
    loading: bool,
    error: Option<ApiError>,
    refused: Vec<UserError>,
    /// When the numbers were fetched (local time, for "Updated 10:42").
    updated: Option<String>,
}

#[hook]
fn use_dash_params() -> (DashParams, Callback<DashParams>) {
    let location = use_location();
    let navigator = use_navigator();
    let params = location
        .and_then(|l| l.query::<DashQuery>().ok())
        .map(|q| DashParams::from_query(&q))
        .unwrap_or_default();
    let set = Callback::from(move |next: DashParams| {
        if let Some(navigator) = &navigator {
            if let Err(err) = navigator.replace_with_query(&Route::Dashboards, next.to_query()) {
                gloo::console::warn!(format!(
                    "could not write the dashboard filters to the URL: {err}"
                ));
            }
        }
    });
    (params, set)
}

fn clock_now() -> String {
    let now = js_sys::Date::new_0();
    format!("{:02}:{:02}", now.get_hours(), now.get_minutes())
}

#[component]
pub fn DashboardsPage() -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let session = use_session();
    let (params, set_params) = use_dash_params();
    let me = session.me.clone();
    let role = me.as_ref().map(|u| u.role);
    let is_rep = role == Some(Role::Rep);

    // A rep's view is always their own; the server would refuse anyone else anyway.
    let mut effective = params.clone();
    if is_rep {
        effective.owner = me.as_ref().map(|u| u.id.clone());
        effective.team = None;
    }
    let (today, offset) = browser_today();
    let filter = effective.filter(today, offset);

    let loaded = use_state(Loaded::default);
    let refresh = use_state(|| 0u32);
    let generation = use_mut_ref(|| 0u64);
    // Asks for the numbers again (retry, live events).
    let bump = {
        let (refresh, counter) = (refresh.clone(), use_mut_ref(|| Cell::new(0u32)));
        Callback::from(move |()| {
            counter.borrow().set(counter.borrow().get() + 1);
            refresh.set(counter.borrow().get());
        })
    };

    // Fetch whenever the filter changes or a refresh is asked for; answers to
    // superseded requests are dropped.
    {
        let (client, loaded, generation) = (client.clone(), loaded.clone(), generation.clone());
        let ready = me.is_some();
        use_effect_with(
            (filter.clone(), *refresh, ready),
            move |(filter, _, ready)| {
                if *ready {
                    let filter = filter.clone();
                    *generation.borrow_mut() += 1;
                    let mine = *generation.borrow();
                    loaded.set(Loaded {
                        loading: true,
                        error: None,
                        ..(*loaded).clone()
                    });
                    spawn_local(async move {
                        let result = analytics::report(&client, &filter).await;
                        if *generation.borrow() != mine {
                            return;
                        }
                        let previous = (*loaded).clone();
                        loaded.set(match result {
                            Ok(answer) if answer.user_errors.is_empty() => Loaded {
                                report: answer.report.map(Rc::new),
                                filter: Some(filter),
                                loading: false,
                                error: None,
                                refused: Vec::new(),
                                updated: Some(clock_now()),
                            },
                            Ok(answer) => Loaded {
                                loading: false,
                                refused: answer.user_errors,
                                report: None,
                                ..previous
                            },
                            Err(err) => Loaded {
                                loading: false,
                                error: Some(err),
                                ..previous
                            },
                        });
                    });
                }
            },
        );
    }

    // The choices of the filter bar.
    let options = use_state(Options::default);
    {
        let (client, options) = (client.clone(), options.clone());
        use_effect_with(role, move |role| {
            let role = *role;
            if role.is_some() {
                spawn_local(async move {
                    let teams: Vec<Team> = teams::list(&client).await.unwrap_or_default();
                    let campaigns: Vec<CampaignOption> =
                        analytics::campaigns(&client).await.unwrap_or_default();
                    let people = if matches!(role, Some(Role::Admin | Role::Manager)) {
                        users::pickable(&client, None).await.unwrap_or_default()
                    } else {
                        Vec::new()
                    };
                    options.set(Options {
                        teams,
                        campaigns,
                        people,
                    });
                });
            }
        });
    }

    // Live: new assignments in the viewer's scope mean new numbers soon.
    let live = use_state(|| false);
    {
        let (client, bump, live) = (client.clone(), bump.clone(), live.clone());
        let pending: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
        let scope = match role {
            Some(Role::Admin | Role::Marketer) => Some(FeedScope::All),
            Some(Role::Manager) => Some(FeedScope::Team),
            Some(Role::Rep) => Some(FeedScope::Mine),
            None => None,
        };
        use_effect_with(scope, move |scope| {
            let subscription: Option<Subscription> = scope.map(|scope| {
                let on_event =
                    Callback::from(
                        move |event: SubscriptionEvent<LiveAssignment>| match event {
                            SubscriptionEvent::Connected => live.set(true),
                            SubscriptionEvent::Reconnecting | SubscriptionEvent::Failed(_) => {
                                live.set(false)
                            }
                            SubscriptionEvent::Data(_) => {
                                if pending.borrow().is_some() {
                                    return;
                                }
                                let (bump, pending_inner) = (bump.clone(), pending.clone());
                                *pending.borrow_mut() =
                                    Some(Timeout::new(LIVE_REFRESH_MS, move || {
                                        pending_inner.borrow_mut().take();
                                        bump.emit(());
                                    }));
                            }
                        },
                    );
                subscribe(
                    client.clone(),
                    feed::live_document(),
                    json!({ "scope": scope, "after": null }),
                    on_event,
                )
            });
            move || drop(subscription)
        });
    }

    let on_csv = {
        let (client, filter) = (client.clone(), filter.clone());
        Callback::from(move |widget: AnalyticsWidget| {
            let (client, filter) = (client.clone(), filter.clone());
            spawn_local(async move {
                let path = analytics::csv_path(widget, &filter);
                let name = format!(
                    "{}-{}-{}.csv",
                    widget.slug(),
                    filter.from.format("%Y%m%d"),
                    filter.to.format("%Y%m%d")
                );
                if let Err(err) = files::download(&client, &path, &name).await {
                    gloo::console::warn!(format!("CSV download failed: {err:?}"));
                    let _ = gloo::utils::window().alert_with_message(&format!("{err:?}"));
                }
            });
        })
    };
    let on_bucket = {
        let (params, set_params) = (params.clone(), set_params.clone());
        Callback::from(move |bucket: TrendBucket| {
            set_params.emit(DashParams {
                bucket: Some(bucket),
                ..params.clone()
            })
        })
    };
    let on_print = Callback::from(|_: MouseEvent| {
        let _ = gloo::utils::window().print();
    });
    let on_retry = bump.reform(|_: ()| ());

    let title = if is_rep {
        Key::DashMyPerformance
    } else {
        Key::NavDashboards
    };
    let (from_day, to_day) = effective.days(today);
    let subtitle = i18n.tf(
        Key::DashRangeSubtitle,
        &[("from", &from_day.to_string()), ("to", &to_day.to_string())],
    );
    let state = (*loaded).clone();
    let shown_filter = state.filter.clone().unwrap_or_else(|| filter.clone());
    let updated = state
        .updated
        .as_ref()
        .map(|t| i18n.tf(Key::DashUpdated, &[("time", t)]));

    let body = match (&state.report, &state.error) {
        (_, Some(err)) if state.report.is_none() => {
            html! { <ErrorNotice error={err.clone()} on_retry={on_retry.clone()} /> }
        }
        (Some(report), _) => {
            let w = |report: &Rc<Report>| (report.clone(), shown_filter.clone(), on_csv.clone());
            let (report, f, on_csv) = w(report);
            html! {
                <div class={classes!("dash-grid", state.loading.then_some("is-stale"))} data-testid="dash-grid"
                     aria-busy={state.loading.to_string()}>
                    <Kpis report={report.clone()} filter={f.clone()} on_csv={on_csv.clone()} />
                    <FunnelWidget report={report.clone()} filter={f.clone()} on_csv={on_csv.clone()} />
                    <TrendWidget report={report.clone()} filter={f.clone()} on_csv={on_csv.clone()} {on_bucket} />
                    <SourcesWidget report={report.clone()} filter={f.clone()} on_csv={on_csv.clone()} />
                    <CampaignsWidget report={report.clone()} filter={f.clone()} on_csv={on_csv.clone()} />
                    <SpeedWidget report={report.clone()} filter={f.clone()} on_csv={on_csv.clone()} />
                    <SlaWidget report={report.clone()} filter={f.clone()} on_csv={on_csv.clone()} />
                    <LeaderboardWidget report={report.clone()} filter={f.clone()} on_csv={on_csv.clone()} />
                    <CycleWidget report={report.clone()} filter={f.clone()} on_csv={on_csv.clone()} />
                    <LostWidget report={report.clone()} filter={f.clone()} on_csv={on_csv.clone()} />
                </div>
            }
        }
        (None, _) if !state.refused.is_empty() => Html::default(),
        (None, _) => html! {
            <div class="dash-loading" data-testid="dash-loading" aria-busy="true">
                { for (0..4).map(|_| html! { <div class="card widget skeleton-block"></div> }) }
            </div>
        },
    };

    html! {
        <div class="page page-wide dashboards" data-testid="page-dashboards"
             data-view={if is_rep { "mine" } else { "team" }}>
            <PageHeader title={i18n.t(title)} subtitle={subtitle}>
                if let Some(updated) = updated {
                    <span class={classes!("dash-updated", (*live).then_some("is-live"))} data-testid="dash-updated">
                        if *live { <span class="live-dot" aria-hidden="true"></span> }
                        { updated }
                    </span>
                }
                <button type="button" class="btn btn-secondary no-print" data-testid="dash-print" onclick={on_print}>
                    <Icon name={IconName::Forms} />
                    <span>{ i18n.t(Key::DashPrint) }</span>
                </button>
            </PageHeader>
            <FilterBar params={params.clone()} on_change={set_params} options={(*options).clone()}
                       role={role} me={me.as_ref().map(|u| u.id.clone())} {today} />
            { for state.refused.iter().map(|e| html! {
                <div class="notice notice-error" role="alert" data-testid="dash-refused">
                    <Icon name={IconName::Alert} />
                    <div class="notice-body">
                        <strong>{ i18n.t(user_error_key(e.code)) }</strong>
                        <span>{ e.message.clone() }</span>
                    </div>
                </div>
            }) }
            { body }
        </div>
    }
}
