//! Importing leads from a CSV file, in three steps on one page (`/leads/import`):
//!
//! 1. [`picker`]: choose a file; it is uploaded (`POST /imports/upload`) and previewed.
//! 2. [`setup`]: the preview with its detected encoding, one field [`mapping`] per
//!    column (prefilled from the server's guess), and the [`options`]: what a
//!    duplicate row does and which source the leads count for. "Start" queues it.
//! 3. [`progress`]: a bar fed by the `importProgress` subscription, then the summary
//!    with the first failed rows and their download.
//!
//! Only admins, managers and marketers import; others get a plain notice.

mod mapping;
mod options;
mod picker;
mod progress;
mod setup;

use leadflow_shared::Role;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::files::{self, UploadError};
use crate::api::imports::{self, ImportJob, ImportPreview};
use crate::api::use_client;
use crate::components::empty_state::EmptyState;
use crate::components::icon::{Icon, IconName};
use crate::components::page_header::PageHeader;
use crate::i18n::{use_i18n, Key};
use crate::routes::Route;
use crate::session::use_session;
use picker::{FilePicker, PickError};
use progress::ImportProgress;
use setup::ImportSetup;

/// The roles the server lets import (`IMPORTERS`).
const IMPORTERS: [Role; 3] = [Role::Admin, Role::Manager, Role::Marketer];

/// Where the page is.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Pick(Option<PickError>),
    Uploading(String),
    Setup(Box<ImportPreview>),
    Running(Box<ImportJob>),
}

#[component]
pub fn ImportPage() -> Html {
    let i18n = use_i18n();
    let session = use_session();
    let role = session.me.as_ref().map(|me| me.role);

    let back = html! {
        <Link<Route> to={Route::Leads} classes="btn btn-ghost">
            <Icon name={IconName::ArrowLeft} />{ i18n.t(Key::AllLeads) }
        </Link<Route>>
    };
    let body = match role {
        None => {
            html! { <div class="card card-pad muted" aria-busy="true">{ i18n.t(Key::Loading) }</div> }
        }
        Some(role) if IMPORTERS.contains(&role) => html! { <ImportFlow /> },
        Some(_) => html! {
            <div class="card" data-testid="import-not-allowed">
                <EmptyState icon={IconName::Leads} title={i18n.t(Key::ImportersOnlyTitle)}
                            hint={i18n.t(Key::ImportersOnlyHint)} />
            </div>
        },
    };
    html! {
        <section class="page" data-testid="page-import">
            <PageHeader title={i18n.t(Key::ImportTitle)} subtitle={AttrValue::from(i18n.t(Key::ImportSubtitle))}>
                { back }
            </PageHeader>
            { body }
        </section>
    }
}

/// The three steps, for someone allowed to import.
#[component]
fn ImportFlow() -> Html {
    let client = use_client();
    let step = use_state(|| Step::Pick(None));

    let on_picked = {
        let step = step.clone();
        Callback::from(move |file: web_sys::File| {
            let (client, step) = (client.clone(), step.clone());
            step.set(Step::Uploading(file.name()));
            spawn_local(async move {
                let uploaded = files::upload_import(&client, &file).await;
                let next = match uploaded {
                    Err(UploadError::TooLarge(detail)) => {
                        Step::Pick(Some(PickError::TooLarge(detail)))
                    }
                    Err(UploadError::Invalid(detail)) => {
                        Step::Pick(Some(PickError::Unreadable(detail)))
                    }
                    Err(UploadError::Api(err)) => Step::Pick(Some(PickError::Api(err))),
                    Ok(upload_id) => match imports::preview(&client, &upload_id).await {
                        Ok(Some(preview)) => Step::Setup(Box::new(preview)),
                        Ok(None) => Step::Pick(Some(PickError::Gone)),
                        Err(err) => Step::Pick(Some(PickError::Api(err))),
                    },
                };
                step.set(next);
            });
        })
    };
    let restart = {
        let step = step.clone();
        Callback::from(move |()| step.set(Step::Pick(None)))
    };
    let on_started = {
        let step = step.clone();
        Callback::from(move |job: ImportJob| step.set(Step::Running(Box::new(job))))
    };

    match &*step {
        Step::Pick(error) => {
            html! { <FilePicker {on_picked} uploading={None::<String>} error={error.clone()} /> }
        }
        Step::Uploading(name) => {
            html! { <FilePicker {on_picked} uploading={Some(name.clone())} error={None::<PickError>} /> }
        }
        Step::Setup(preview) => html! {
            <ImportSetup preview={(**preview).clone()} {on_started} on_restart={restart} />
        },
        Step::Running(job) => {
            html! { <ImportProgress job={(**job).clone()} on_another={restart} /> }
        }
    }
}
