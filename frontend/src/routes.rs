//! Every address the SPA answers, as one [`Route`] enum, and the [`switch`] that turns
//! a route into its page. Pages behind sign-in are wrapped in the [`Shell`], which also
//! sends signed-out visitors to `/login`.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::shell::Shell;
use crate::pages::{
    dashboards::DashboardsPage,
    duplicates::DuplicatesPage,
    feed::FeedPage,
    forms::FormsPage,
    journeys::{templates::EmailTemplatesPage, JourneyPage, JourneysPage},
    lead_import::ImportPage,
    leads::{detail::LeadDetailPage, LeadsPage},
    login::LoginPage,
    not_found::NotFoundPage,
    pipeline::PipelinePage,
    pool::PoolPage,
    routing::RoutingPage,
    scoring::ScoringPage,
    settings::{SettingsPage, SettingsTab},
};

#[derive(Debug, Clone, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/login")]
    Login,
    #[at("/leads")]
    Leads,
    #[at("/leads/import")]
    LeadImport,
    #[at("/leads/duplicates")]
    LeadDuplicates,
    #[at("/leads/:id")]
    LeadDetail { id: String },
    #[at("/pool")]
    Pool,
    #[at("/feed")]
    Feed,
    #[at("/pipeline")]
    Pipeline,
    #[at("/journeys")]
    Journeys,
    #[at("/journeys/templates")]
    EmailTemplates,
    #[at("/journeys/:id")]
    Journey { id: String },
    #[at("/forms")]
    Forms,
    #[at("/scoring")]
    Scoring,
    #[at("/routing")]
    Routing,
    #[at("/dashboards")]
    Dashboards,
    #[at("/settings")]
    Settings,
    #[at("/settings/users")]
    SettingsUsers,
    #[at("/settings/teams")]
    SettingsTeams,
    #[at("/settings/api-keys")]
    SettingsApiKeys,
    #[at("/settings/sla")]
    SettingsSla,
    #[at("/settings/pipeline")]
    SettingsPipeline,
    #[not_found]
    #[at("/404")]
    NotFound,
}

pub fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Redirect<Route> to={Route::Leads} /> },
        Route::Settings => html! { <Redirect<Route> to={Route::SettingsUsers} /> },
        Route::Login => html! { <LoginPage /> },
        Route::Leads => html! { <Shell><LeadsPage /></Shell> },
        Route::LeadImport => html! { <Shell><ImportPage /></Shell> },
        Route::LeadDuplicates => html! { <Shell><DuplicatesPage /></Shell> },
        Route::LeadDetail { id } => html! { <Shell><LeadDetailPage {id} /></Shell> },
        Route::Pool => html! { <Shell><PoolPage /></Shell> },
        Route::Feed => html! { <Shell><FeedPage /></Shell> },
        Route::Pipeline => html! { <Shell><PipelinePage /></Shell> },
        Route::Journeys => html! { <Shell><JourneysPage /></Shell> },
        Route::EmailTemplates => html! { <Shell><EmailTemplatesPage /></Shell> },
        Route::Journey { id } => html! { <Shell><JourneyPage {id} /></Shell> },
        Route::Forms => html! { <Shell><FormsPage /></Shell> },
        Route::Scoring => html! { <Shell><ScoringPage /></Shell> },
        Route::Routing => html! { <Shell><RoutingPage /></Shell> },
        Route::Dashboards => html! { <Shell><DashboardsPage /></Shell> },
        Route::SettingsUsers => html! { <Shell><SettingsPage tab={SettingsTab::Users} /></Shell> },
        Route::SettingsTeams => html! { <Shell><SettingsPage tab={SettingsTab::Teams} /></Shell> },
        Route::SettingsApiKeys => {
            html! { <Shell><SettingsPage tab={SettingsTab::ApiKeys} /></Shell> }
        }
        Route::SettingsSla => html! { <Shell><SettingsPage tab={SettingsTab::Sla} /></Shell> },
        Route::SettingsPipeline => {
            html! { <Shell><SettingsPage tab={SettingsTab::Pipeline} /></Shell> }
        }
        Route::NotFound => html! { <NotFoundPage /> },
    }
}
