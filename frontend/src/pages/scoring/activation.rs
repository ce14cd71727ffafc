//! After a version is activated the server re-scores every open lead in the background;
//! this card follows the run on `rescoreProgress` until it is done. The subscription may
//! connect after the run has moved on (or even finished), so once connected the run is
//! also read once with `rescoreRun`, and whichever report is further along wins.

use std::cell::RefCell;
use std::rc::Rc;

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::scoring::{self, RescoreProgressData, RescoreRun, RescoreStatus};
use crate::api::subscription::{subscribe, Subscription, SubscriptionEvent};
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::icon::{Icon, IconName};
use crate::i18n::{use_i18n, Key};

#[derive(Properties, PartialEq)]
pub struct RescoreProgressProps {
    /// The run as `scoringModelActivate` returned it.
    pub run: RescoreRun,
    /// Told once, when the run is over (done or failed).
    pub on_finished: Callback<RescoreRun>,
    pub on_dismiss: Callback<()>,
}

#[component]
pub fn RescoreProgress(props: &RescoreProgressProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let run = use_reducer(|| Latest(props.run.clone()));
    let reconnecting = use_state(|| false);
    let failure = use_state(|| None::<ApiError>);
    let live: Rc<RefCell<Option<Subscription>>> = use_mut_ref(|| None);

    {
        let (client, run_handle, reconnecting, failure, live) = (
            client.clone(),
            run.dispatcher(),
            reconnecting.clone(),
            failure.clone(),
            live.clone(),
        );
        use_effect_with(props.run.id.clone(), move |id| {
            let id = id.clone();
            let on_event = {
                let (client, id) = (client.clone(), id.clone());
                Callback::from(
                    move |event: SubscriptionEvent<RescoreProgressData>| match event {
                        SubscriptionEvent::Connected => {
                            reconnecting.set(false);
                            let (client, id, run) =
                                (client.clone(), id.clone(), run_handle.clone());
                            spawn_local(async move {
                                if let Ok(Some(now)) = scoring::rescore_run(&client, &id).await {
                                    run.dispatch(now);
                                }
                            });
                        }
                        SubscriptionEvent::Data(data) => run_handle.dispatch(data.rescore_progress),
                        SubscriptionEvent::Reconnecting => reconnecting.set(true),
                        SubscriptionEvent::Failed(err) => failure.set(Some(err)),
                    },
                )
            };
            *live.borrow_mut() = Some(subscribe(
                client,
                scoring::progress_document(),
                serde_json::json!({ "id": id }),
                on_event,
            ));
            move || {
                live.borrow_mut().take();
            }
        });
    }

    // Tell the page once the run is over, so it can show the new active version.
    {
        let (on_finished, current) = (props.on_finished.clone(), run.0.clone());
        use_effect_with(current.is_finished(), move |finished| {
            if *finished {
                on_finished.emit(current);
            }
        });
    }

    let current = &run.0;
    let finished = current.is_finished();
    let percent = current.percent();
    let version = current.model_version.to_string();
    let (done, total) = (current.done.to_string(), current.total.to_string());
    let (title, detail) = match current.status {
        RescoreStatus::Running => (
            i18n.tf(Key::RescoreRunning, &[("version", &version)]),
            i18n.tf(Key::RescoreCount, &[("done", &done), ("total", &total)]),
        ),
        RescoreStatus::Done => (
            i18n.tf(Key::RescoreDone, &[("version", &version)]),
            i18n.tf(
                Key::RescoreDoneCount,
                &[("total", &total), ("changed", &current.changed.to_string())],
            ),
        ),
        RescoreStatus::Failed => (
            i18n.t(Key::RescoreFailed).to_owned(),
            i18n.t(Key::RescoreFailedHint).to_owned(),
        ),
    };
    let dismiss = {
        let cb = props.on_dismiss.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let status = match current.status {
        RescoreStatus::Running => "running",
        RescoreStatus::Done => "done",
        RescoreStatus::Failed => "failed",
    };

    html! {
        <div class={classes!("card", "card-pad", "rescore-progress", (current.status == RescoreStatus::Failed).then_some("is-failed"))}
             data-testid="rescore-progress" data-status={status} role="status">
            <div class="rescore-head">
                <strong data-testid="rescore-title">
                    if current.status == RescoreStatus::Done { <Icon name={IconName::Check} /> }
                    { title }
                </strong>
                <span class="muted" data-testid="rescore-count">{ detail }</span>
                if finished {
                    <button type="button" class="btn btn-ghost btn-sm" aria-label={i18n.t(Key::Close)}
                            data-testid="rescore-dismiss" onclick={dismiss}>{ "×" }</button>
                }
            </div>
            <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100"
                 aria-valuenow={percent.to_string()} data-testid="rescore-bar">
                <div class={classes!("progress-fill", finished.then_some("is-done"))}
                     style={format!("width: {percent}%")} />
            </div>
            if *reconnecting && !finished {
                <p class="muted">{ i18n.t(Key::ImportReconnecting) }</p>
            }
            if let Some(err) = &*failure {
                <ErrorNotice error={err.clone()} />
            }
        </div>
    }
}

/// The furthest report of the run seen so far.
#[derive(Debug, Clone, PartialEq)]
struct Latest(RescoreRun);

impl Reducible for Latest {
    type Action = RescoreRun;

    fn reduce(self: Rc<Self>, report: RescoreRun) -> Rc<Self> {
        if report.id != self.0.id {
            return self;
        }
        Rc::new(Latest(self.0.clone().latest(report)))
    }
}
