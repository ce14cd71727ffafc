//! Step 3 of an import: follow it live. The `importProgress` subscription sends the
//! job's state at once and after every committed chunk; the bar shows rows done of the
//! total, the counters what became of them. When it is over the summary stays, with the
//! first failed rows (by file line) and their full download.

use std::rc::Rc;

use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::files;
use crate::api::imports::{self, ImportJob, ImportProgressData, ImportStatus};
use crate::api::subscription::{subscribe, Subscription, SubscriptionEvent};
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::icon::{Icon, IconName};
use crate::i18n::{use_i18n, Key};
use crate::routes::Route;

#[derive(Properties, PartialEq)]
pub struct ImportProgressProps {
    /// The job as `importStart` returned it; the subscription takes over from there.
    pub job: ImportJob,
    pub on_another: Callback<()>,
}

#[component]
pub fn ImportProgress(props: &ImportProgressProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let job = use_state(|| props.job.clone());
    let reconnecting = use_state(|| false);
    let failure = use_state(|| None::<ApiError>);
    let live: Rc<std::cell::RefCell<Option<Subscription>>> = use_mut_ref(|| None);

    {
        let (client, job, reconnecting, failure, live) = (
            client.clone(),
            job.clone(),
            reconnecting.clone(),
            failure.clone(),
            live.clone(),
        );
        use_effect_with(props.job.id.clone(), move |id| {
            let on_event =
                Callback::from(
                    move |event: SubscriptionEvent<ImportProgressData>| match event {
                        SubscriptionEvent::Connected => reconnecting.set(false),
                        SubscriptionEvent::Data(data) => job.set(data.import_progress.import_job),
                        SubscriptionEvent::Reconnecting => reconnecting.set(true),
                        SubscriptionEvent::Failed(err) => failure.set(Some(err)),
                    },
                );
            *live.borrow_mut() = Some(subscribe(
                client,
                imports::progress_document(),
                serde_json::json!({ "id": id }),
                on_event,
            ));
            move || {
                live.borrow_mut().take();
            }
        });
    }

    let finished = job.status.is_finished();
    let percent = job.percent();
    let total = job
        .total_rows
        .map_or_else(|| "…".to_owned(), |t| t.to_string());
    let done = job.rows_done.to_string();
    let title = match job.status {
        ImportStatus::Done => Key::ImportDone,
        ImportStatus::Failed => Key::ImportFailed,
        ImportStatus::Uploaded | ImportStatus::Queued => Key::ImportQueued,
        ImportStatus::Running => Key::ImportRunning,
    };
    let another = {
        let on_another = props.on_another.clone();
        Callback::from(move |_: MouseEvent| on_another.emit(()))
    };
    let counter = |key: Key, value: i32, class: &'static str, testid: &'static str| {
        html! {
            <div class={classes!("import-count", class)} data-testid={testid}>
                <span class="import-count-value">{ value }</span>
                <span class="import-count-label">{ i18n.t(key) }</span>
            </div>
        }
    };

    html! {
        <div class="card card-pad import-progress" data-testid="import-progress"
             data-status={format!("{:?}", job.status).to_lowercase()}>
            <div class="import-progress-head">
                <strong data-testid="import-progress-title">
                    if finished && job.status == ImportStatus::Done { <Icon name={IconName::Check} /> }
                    { i18n.t(title) }
                </strong>
                <span class="muted" data-testid="import-rows-done">
                    { i18n.tf(Key::ImportRowsDone, &[("done", &done), ("total", &total)]) }
                </span>
            </div>
            <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100"
                 aria-valuenow={percent.to_string()} data-testid="import-bar">
                <div class={classes!("progress-fill", finished.then_some("is-done"))}
                     style={format!("width: {percent}%")} />
            </div>
            <div class="import-counts">
                { counter(Key::ImportCreated, job.rows_created, "", "import-created") }
                { counter(Key::ImportMerged, job.rows_merged, "", "import-merged") }
                { counter(Key::ImportSkipped, job.rows_skipped, "", "import-skipped") }
                { counter(Key::ImportFailedRows, job.rows_failed, if job.rows_failed > 0 { "is-bad" } else { "" }, "import-failed") }
            </div>
            if *reconnecting && !finished {
                <p class="muted" role="status">{ i18n.t(Key::ImportReconnecting) }</p>
            }
            if let Some(err) = &*failure {
                <ErrorNotice error={err.clone()} />
            }
            if let Some(why) = job.error.clone().filter(|_| job.status == ImportStatus::Failed) {
                <div class="notice notice-error" role="alert"><div class="notice-body"><span>{ why }</span></div></div>
            }
            if finished && job.rows_failed > 0 {
                <RowErrors job={(*job).clone()} />
            }
            if finished {
                <div class="import-actions">
                    <Link<Route> to={Route::Leads} classes="btn btn-primary">{ i18n.t(Key::ImportViewLeads) }</Link<Route>>
                    <button type="button" class="btn btn-secondary" data-testid="import-another" onclick={another}>
                        { i18n.t(Key::ImportAnother) }
                    </button>
                </div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct RowErrorsProps {
    job: ImportJob,
}

/// The first failed rows, and the download of all of them.
#[component]
fn RowErrors(props: &RowErrorsProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let busy = use_state(|| false);
    let failure = use_state(|| None::<ApiError>);
    let download = {
        let (busy, failure, url) = (busy.clone(), failure.clone(), props.job.errors_url.clone());
        let file_name = format!("import-errors-{}.csv", props.job.id);
        Callback::from(move |_: MouseEvent| {
            let (client, busy, failure, url, file_name) = (
                client.clone(),
                busy.clone(),
                failure.clone(),
                url.clone(),
                file_name.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                let result = files::download(&client, &url, &file_name).await;
                busy.set(false);
                failure.set(result.err());
            });
        })
    };
    html! {
        <div class="import-row-errors" data-testid="import-row-errors">
            <div class="import-row-errors-head">
                <strong>{ i18n.t(Key::ImportRowErrors) }</strong>
                <button type="button" class="btn btn-secondary btn-sm" data-testid="import-download-errors"
                        disabled={*busy} aria-busy={busy.to_string()} onclick={download}>
                    { i18n.t(Key::ImportDownloadErrors) }
                </button>
            </div>
            if let Some(err) = &*failure {
                <ErrorNotice error={err.clone()} />
            }
            <ul class="row-error-list">
                { for props.job.row_errors.iter().map(|e| {
                    let row = e.row.to_string();
                    html! {
                        <li data-testid="import-row-error">
                            <span class="row-error-line">{ i18n.tf(Key::ImportRowNumber, &[("n", &row)]) }</span>
                            <span>{ e.message.clone() }</span>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}
