//! The predictive win score, for admins: whether there is enough closed history to learn
//! from, how well the last model did on leads it never saw, and "Retrain now".
//!
//! Below the minimum number of closed leads the server refuses to guess; the panel says
//! how many there are and how many are needed instead of showing an empty score.

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::scoring::{self, PredictiveInfo};
use crate::api::types::UserError;
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::i18n::{use_i18n, Key};

/// How to read an AUC, in a word a sales manager understands.
pub fn auc_key(auc: f64) -> Key {
    match auc {
        a if a >= 0.8 => Key::AucStrong,
        a if a >= 0.7 => Key::AucUseful,
        a if a >= 0.6 => Key::AucWeak,
        _ => Key::AucGuess,
    }
}

#[component]
pub fn PredictivePanel() -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let info = use_state(|| None::<Result<PredictiveInfo, ApiError>>);
    let reload = use_state(|| 0u32);
    let busy = use_state(|| false);
    let refused = use_state(Vec::<UserError>::new);
    let failure = use_state(|| None::<ApiError>);

    {
        let (client, info) = (client.clone(), info.clone());
        use_effect_with(*reload, move |_| {
            spawn_local(async move { info.set(Some(scoring::predictive(&client).await)) });
        });
    }

    let retrain = {
        let (client, info, busy, refused, failure) = (
            client.clone(),
            info.clone(),
            busy.clone(),
            refused.clone(),
            failure.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            busy.set(true);
            failure.set(None);
            refused.set(Vec::new());
            let (client, info, busy, refused, failure) = (
                client.clone(),
                info.clone(),
                busy.clone(),
                refused.clone(),
                failure.clone(),
            );
            spawn_local(async move {
                let result = scoring::train(&client).await;
                busy.set(false);
                match result {
                    Ok(payload) => {
                        if let Some(model) = payload.model {
                            info.set(Some(Ok(model)));
                        }
                        refused.set(payload.user_errors);
                    }
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };

    let body = match &*info {
        None => html! {
            <div aria-busy="true" data-testid="loading">
                <span class="skeleton-bar skeleton-line" style="width:70%" />
                <span class="skeleton-bar skeleton-line" style="width:45%" />
            </div>
        },
        Some(Err(err)) => {
            let reload = reload.clone();
            html! { <ErrorNotice error={err.clone()} on_retry={Callback::from(move |()| reload.set(*reload + 1))} /> }
        }
        Some(Ok(info)) => status(&i18n, info),
    };

    html! {
        <section class="card card-pad predictive-panel" data-testid="predictive-panel" aria-labelledby="predictive-title">
            <div class="section-head">
                <h2 id="predictive-title" class="section-title">{ i18n.t(Key::PredictiveTitle) }</h2>
                <button type="button" class="btn btn-secondary btn-sm" data-testid="predictive-retrain"
                        disabled={*busy || info.is_none()} aria-busy={busy.to_string()} onclick={retrain}>
                    { i18n.t(if *busy { Key::Retraining } else { Key::RetrainNow }) }
                </button>
            </div>
            <p class="section-hint">{ i18n.t(Key::PredictiveHint) }</p>
            { body }
            if !refused.is_empty() {
                <ul class="rule-errors" role="alert" data-testid="predictive-refused">
                    { for refused.iter().map(|e| html! {
                        <li>
                            <strong>{ i18n.t(Key::RetrainRefused) }</strong>
                            if !e.message.trim().is_empty() {
                                <span class="rule-error-detail">{ e.message.clone() }</span>
                            }
                        </li>
                    }) }
                </ul>
            }
            if let Some(err) = &*failure {
                <ErrorNotice error={err.clone()} />
            }
        </section>
    }
}

/// Ready: how good the model is and when it learned. Not ready: why, in numbers.
fn status(i18n: &crate::i18n::I18n, info: &PredictiveInfo) -> Html {
    let closed = info.closed_leads.to_string();
    let needed = info.needed.to_string();
    let evaluation = info.evaluation.as_ref().filter(|_| info.ready);
    let Some(e) = evaluation else {
        // Too few closed leads is said in numbers; anything else (too few won or lost,
        // never trained) in the server's own words underneath.
        let too_few = info.closed_leads < info.needed;
        let headline = if too_few {
            i18n.tf(
                Key::PredictiveNotEnough,
                &[("closed", &closed), ("needed", &needed)],
            )
        } else {
            i18n.t(Key::PredictiveNotTrained).to_owned()
        };
        return html! {
            <div class="predictive-status is-waiting" data-testid="predictive-not-ready">
                <strong>{ headline }</strong>
                if !too_few && !info.message.trim().is_empty() {
                    <span class="muted predictive-message">{ info.message.clone() }</span>
                }
            </div>
        };
    };
    let auc = match e.auc {
        Some(auc) => html! {
            <span>
                <span class="num" data-testid="predictive-auc">{ format!("{auc:.2}") }</span>
                <span class="muted">{ format!(" · {}", i18n.t(auc_key(auc))) }</span>
            </span>
        },
        None => html! { <span class="muted">{ i18n.t(Key::AucUnknown) }</span> },
    };
    let won_rate = format!("{:.0}%", e.won_rate * 100.0);
    let rows: Vec<(Key, Html)> = vec![
        (Key::PredictiveAuc, auc),
        (
            Key::PredictiveTrainedOn,
            html! { { i18n.tf(Key::PredictiveTrainedOnValue, &[
                ("trained", &e.trained_on.to_string()),
                ("held", &e.held_out.to_string()),
            ]) } },
        ),
        (
            Key::PredictiveHistory,
            html! { { i18n.tf(Key::PredictiveHistoryValue, &[
                ("closed", &e.closed.to_string()),
                ("won", &e.won.to_string()),
                ("rate", &won_rate),
            ]) } },
        ),
        (
            Key::PredictiveTrainedAt,
            match &info.trained_at {
                Some(at) => html! { <span title={i18n.datetime(at)}>{ i18n.relative(at) }</span> },
                None => html! { <span class="muted">{ "—" }</span> },
            },
        ),
    ];
    html! {
        <dl class="facts predictive-facts" data-testid="predictive-ready">
            { for rows.into_iter().map(|(label, value)| html! {
                <div class="fact">
                    <dt>{ i18n.t(label) }</dt>
                    <dd>{ value }</dd>
                </div>
            }) }
        </dl>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_is_put_into_words() {
        assert_eq!(auc_key(0.91), Key::AucStrong);
        assert_eq!(auc_key(0.74), Key::AucUseful);
        assert_eq!(auc_key(0.62), Key::AucWeak);
        assert_eq!(auc_key(0.5), Key::AucGuess);
    }
}
