//! Settings: users, teams, API keys, SLA policies and the pipeline, one tab each, for
//! administrators.
//!
//! Managers also read the SLA policies; other roles see a calm explanation instead of a
//! wall of FORBIDDEN errors. Everyone reads the Pipeline tab (stages, lost reasons).

mod api_keys;
mod pipeline;
mod sla;
mod teams;
mod user_form;
mod users;

use leadflow_shared::Role;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::empty_state::EmptyState;
use crate::components::icon::{Icon, IconName};
use crate::components::page_header::PageHeader;
use crate::i18n::{use_i18n, Key};
use crate::routes::Route;
use crate::session::use_session;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsTab {
    Users,
    Teams,
    ApiKeys,
    Sla,
    Pipeline,
}

impl SettingsTab {
    const ALL: [SettingsTab; 5] = [
        SettingsTab::Users,
        SettingsTab::Teams,
        SettingsTab::ApiKeys,
        SettingsTab::Sla,
        SettingsTab::Pipeline,
    ];

    fn route(self) -> Route {
        match self {
            SettingsTab::Users => Route::SettingsUsers,
            SettingsTab::Teams => Route::SettingsTeams,
            SettingsTab::ApiKeys => Route::SettingsApiKeys,
            SettingsTab::Sla => Route::SettingsSla,
            SettingsTab::Pipeline => Route::SettingsPipeline,
        }
    }

    fn label(self) -> Key {
        match self {
            SettingsTab::Users => Key::TabUsers,
            SettingsTab::Teams => Key::TabTeams,
            SettingsTab::ApiKeys => Key::TabApiKeys,
            SettingsTab::Sla => Key::TabSla,
            SettingsTab::Pipeline => Key::TabPipeline,
        }
    }

    fn icon(self) -> IconName {
        match self {
            SettingsTab::Users => IconName::Users,
            SettingsTab::Teams => IconName::Leads,
            SettingsTab::ApiKeys => IconName::Key,
            SettingsTab::Sla => IconName::Clock,
            SettingsTab::Pipeline => IconName::Pipeline,
        }
    }

    fn testid(self) -> &'static str {
        match self {
            SettingsTab::Users => "tab-users",
            SettingsTab::Teams => "tab-teams",
            SettingsTab::ApiKeys => "tab-api-keys",
            SettingsTab::Sla => "tab-sla",
            SettingsTab::Pipeline => "tab-pipeline",
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct SettingsPageProps {
    pub tab: SettingsTab,
}

#[component]
pub fn SettingsPage(props: &SettingsPageProps) -> Html {
    let i18n = use_i18n();
    let session = use_session();
    let navigator = use_navigator();

    let body = match session.me.as_ref().map(|me| me.role) {
        // Still finding out who we are; the shell is loading `me`.
        None => {
            html! { <div class="card card-pad muted" aria-busy="true">{ i18n.t(Key::Loading) }</div> }
        }
        Some(Role::Admin) => match props.tab {
            SettingsTab::Users => html! { <users::UsersTab /> },
            SettingsTab::Teams => html! { <teams::TeamsTab /> },
            SettingsTab::ApiKeys => html! { <api_keys::ApiKeysTab /> },
            SettingsTab::Sla => html! { <sla::SlaTab can_edit={true} /> },
            SettingsTab::Pipeline => html! { <pipeline::PipelineTab can_edit={true} /> },
        },
        // Managers read the SLA policies their teams work under.
        Some(Role::Manager) if props.tab == SettingsTab::Sla => {
            html! { <sla::SlaTab can_edit={false} /> }
        }
        // Everyone reads how leads qualify and how deals move.
        Some(_) if props.tab == SettingsTab::Pipeline => {
            html! { <pipeline::PipelineTab can_edit={false} /> }
        }
        Some(_) => html! {
            <div class="card">
                <EmptyState icon={IconName::Settings} title={i18n.t(Key::SettingsAdminOnlyTitle)}
                            hint={i18n.t(Key::SettingsAdminOnlyHint)} />
            </div>
        },
    };

    html! {
        <section class="page" data-testid="page-settings">
            <PageHeader title={i18n.t(Key::NavSettings)} subtitle={AttrValue::from(i18n.t(Key::SettingsSubtitle))} />
            <nav class="tabs" aria-label={i18n.t(Key::NavSettings)}>
                { for SettingsTab::ALL.into_iter().map(|tab| {
                    let active = tab == props.tab;
                    let onclick = {
                        let navigator = navigator.clone();
                        Callback::from(move |e: MouseEvent| {
                            if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
                                return;
                            }
                            if let Some(navigator) = &navigator {
                                e.prevent_default();
                                navigator.push(&tab.route());
                            }
                        })
                    };
                    html! {
                        <a href={tab.route().to_path()} class={classes!("tab", active.then_some("is-active"))}
                           aria-current={active.then_some("page")} data-testid={tab.testid()} {onclick}>
                            <Icon name={tab.icon()} />
                            { i18n.t(tab.label()) }
                        </a>
                    }
                }) }
            </nav>
            { body }
        </section>
    }
}
