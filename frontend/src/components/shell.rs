//! The frame around every signed-in page: sidebar navigation, the notification bell, who
//! is signed in (with their away switch), the language switch and sign-out. Signed-out
//! visitors are sent to `/login` from here.

use leadflow_shared::Role;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{auth, use_client, ApiError};
use crate::components::away_switch::AwaySwitch;
use crate::components::icon::{Icon, IconName};
use crate::components::lang_switch::LangSwitch;
use crate::components::notifications::NotificationBell;
use crate::i18n::{role_key, use_i18n, Key};
use crate::routes::Route;
use crate::session::{use_session, SessionAction, Tokens};

#[derive(Properties, PartialEq)]
pub struct ShellProps {
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn Shell(props: &ShellProps) -> Html {
    let session = use_session();
    let client = use_client();
    let i18n = use_i18n();
    let route = use_route::<Route>().unwrap_or(Route::Leads);

    // After a reload we have tokens but not the user; ask the server who we are.
    {
        let client = client.clone();
        let needs_me = session.signed_in() && session.me.is_none();
        use_effect_with(needs_me, move |needs_me| {
            if *needs_me {
                spawn_local(async move {
                    match auth::me(&client).await {
                        Ok(user) => client.dispatch(SessionAction::Me(user)),
                        // The client already signed out; other errors leave the name blank.
                        Err(ApiError::Unauthenticated) => {}
                        Err(err) => gloo::console::warn!(format!("me failed: {err:?}")),
                    }
                });
            }
        });
    }

    if !session.signed_in() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }

    let sign_out = {
        let client = client.clone();
        Callback::from(move |_: MouseEvent| {
            let tokens = Tokens::stored();
            client.sign_out_locally();
            if let Some(tokens) = tokens {
                let client = client.clone();
                spawn_local(async move {
                    // Best effort: the session is already gone from this browser.
                    let _ = auth::logout(&client, &tokens.refresh_token).await;
                });
            }
        })
    };

    // Designers' areas are listed only for the roles that may use them; every other
    // entry is for everyone (pages explain what a role cannot do there).
    let role = session.me.as_ref().map(|u| u.role);
    let designs_scoring = matches!(role, Some(Role::Admin | Role::Marketer));
    let reads_routing = matches!(role, Some(Role::Admin | Role::Marketer | Role::Manager));
    // Everyone who is given leads follows the feed: reps their own, managers their teams'.
    let watches_feed = matches!(role, Some(Role::Admin | Role::Manager | Role::Rep));
    let nav = [
        (Route::Leads, Key::NavLeads, IconName::Leads, "nav-leads"),
        (Route::Pool, Key::NavPool, IconName::Pool, "nav-pool"),
        (Route::Feed, Key::NavFeed, IconName::Activity, "nav-feed"),
        (
            Route::Pipeline,
            Key::NavPipeline,
            IconName::Pipeline,
            "nav-pipeline",
        ),
        (
            Route::Journeys,
            Key::NavJourneys,
            IconName::Journeys,
            "nav-journeys",
        ),
        (Route::Forms, Key::NavForms, IconName::Forms, "nav-forms"),
        (
            Route::Scoring,
            Key::NavScoring,
            IconName::Scoring,
            "nav-scoring",
        ),
        (
            Route::Routing,
            Key::NavRouting,
            IconName::Routing,
            "nav-routing",
        ),
        (
            Route::Dashboards,
            // A rep's dashboard is their own numbers.
            if role == Some(Role::Rep) {
                Key::DashMyPerformance
            } else {
                Key::NavDashboards
            },
            IconName::Dashboards,
            "nav-dashboards",
        ),
        (
            Route::SettingsUsers,
            Key::NavSettings,
            IconName::Settings,
            "nav-settings",
        ),
    ];
    let in_settings = matches!(
        route,
        Route::Settings
            | Route::SettingsUsers
            | Route::SettingsTeams
            | Route::SettingsApiKeys
            | Route::SettingsSla
    );

    let me = session.me.as_ref();
    let initials: String = me
        .map(|u| u.name.chars().take(1).collect::<String>().to_uppercase())
        .unwrap_or_default();

    html! {
        <div class="shell" data-testid="app-shell">
            <a class="skip-link" href="#main">{ i18n.t(Key::SkipToContent) }</a>
            <aside class="sidebar">
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true">{ "L" }</span>
                    <span class="brand-name">{ i18n.t(Key::AppName) }</span>
                    <NotificationBell />
                </div>
                <nav class="nav" aria-label={i18n.t(Key::MainNavigation)}>
                    { for nav.into_iter().filter(|(to, ..)| !matches!(to, Route::Scoring | Route::Journeys) || designs_scoring).filter(|(to, ..)| *to != Route::Routing || reads_routing)
                        .filter(|(to, ..)| *to != Route::Feed || watches_feed).map(|(to, key, icon, testid)| {
                        let active = match to {
                            Route::SettingsUsers => in_settings,
                            Route::Leads => matches!(route, Route::Leads | Route::LeadDetail { .. }),
                            Route::Journeys => matches!(route, Route::Journeys | Route::Journey { .. } | Route::EmailTemplates),
                            _ => to == route,
                        };
                        html! {
                            <NavLink {to} {active} {icon} label={i18n.t(key)} testid={testid} />
                        }
                    }) }
                </nav>
                <div class="sidebar-foot">
                    <div class="me" data-testid="current-user">
                        <span class="avatar" aria-hidden="true">{ initials }</span>
                        <span class="me-text">
                            <span class="me-name">{ me.map(|u| u.name.clone()).unwrap_or_default() }</span>
                            <span class="me-role">{ me.map(|u| i18n.t(role_key(u.role))).unwrap_or_default() }</span>
                        </span>
                    </div>
                    <AwaySwitch />
                    <div class="sidebar-actions">
                        <LangSwitch />
                        <button type="button" class="btn btn-ghost btn-sm" data-testid="sign-out" onclick={sign_out}>
                            <Icon name={IconName::SignOut} />
                            <span>{ i18n.t(Key::SignOut) }</span>
                        </button>
                    </div>
                </div>
            </aside>
            <main id="main" class="content" tabindex="-1">
                { props.children.clone() }
            </main>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct NavLinkProps {
    to: Route,
    active: bool,
    icon: IconName,
    label: AttrValue,
    testid: AttrValue,
}

/// A sidebar entry: a real link (so middle-click and keyboard work) that navigates in-app.
#[component]
fn NavLink(props: &NavLinkProps) -> Html {
    let navigator = use_navigator();
    let onclick = {
        let to = props.to.clone();
        Callback::from(move |e: MouseEvent| {
            if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
                return;
            }
            if let Some(navigator) = &navigator {
                e.prevent_default();
                navigator.push(&to);
            }
        })
    };
    html! {
        <a href={props.to.to_path()} class={classes!("nav-item", props.active.then_some("is-active"))}
           aria-current={props.active.then_some("page")} data-testid={props.testid.clone()} {onclick}>
            <Icon name={props.icon} />
            <span>{ props.label.clone() }</span>
        </a>
    }
}
