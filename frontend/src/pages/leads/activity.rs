//! "Log activity": a call, email, visit or note with its outcome, sent through
//! `leadLogActivity`. The first call, email or visit also sets "First contacted", which
//! speed-to-lead measures; the page reloads the lead to show both.

use leadflow_shared::{ActivityKind, ActivityOutcome};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::activities::{self, ActivityInput};
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::form::{select_value, Field, FormAlert, FormErrors};
use crate::i18n::{activity_kind_key, outcome_key, use_i18n, Key};

/// Every outcome, in the order a rep meets them.
const OUTCOMES: [ActivityOutcome; 6] = [
    ActivityOutcome::Connected,
    ActivityOutcome::NoAnswer,
    ActivityOutcome::LeftMessage,
    ActivityOutcome::Interested,
    ActivityOutcome::NotInterested,
    ActivityOutcome::BadContact,
];

/// The wire name (`"CONNECTED"`), used as the option value and test id.
fn wire<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[derive(Properties, PartialEq)]
pub struct LogActivityProps {
    pub lead_id: String,
    /// Called once the server took it, to refresh the timeline.
    pub on_logged: Callback<()>,
}

#[component]
pub fn LogActivity(props: &LogActivityProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let kind = use_state(|| ActivityKind::Call);
    let outcome = use_state(|| None::<ActivityOutcome>);
    let note = use_state(String::new);
    let errors = use_state(FormErrors::default);
    let failure = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);

    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            let value = select_value(&e);
            if let Some(k) = ActivityKind::ALL.into_iter().find(|k| wire(*k) == value) {
                kind.set(k);
            }
        })
    };
    let on_outcome = {
        let outcome = outcome.clone();
        Callback::from(move |e: Event| {
            let value = select_value(&e);
            outcome.set(OUTCOMES.into_iter().find(|o| wire(*o) == value));
        })
    };
    let on_note = {
        let note = note.clone();
        Callback::from(move |e: InputEvent| {
            use yew::TargetCast;
            note.set(
                e.target_unchecked_into::<web_sys::HtmlTextAreaElement>()
                    .value(),
            )
        })
    };
    let onsubmit = {
        let (kind, outcome, note, errors, failure, busy) = (
            kind.clone(),
            outcome.clone(),
            note.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
        );
        let (lead_id, on_logged) = (props.lead_id.clone(), props.on_logged.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            failure.set(None);
            let text = note.trim().to_owned();
            let input = ActivityInput {
                lead_id: lead_id.clone(),
                kind: *kind,
                outcome: *outcome,
                note: (!text.is_empty()).then_some(text),
            };
            let (client, outcome, note, errors, failure, busy, on_logged) = (
                client.clone(),
                outcome.clone(),
                note.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                on_logged.clone(),
            );
            spawn_local(async move {
                let result = activities::log_activity(&client, &input).await;
                busy.set(false);
                match result {
                    Ok(payload) if payload.user_errors.is_empty() => {
                        errors.set(FormErrors::default());
                        outcome.set(None);
                        note.set(String::new());
                        on_logged.emit(());
                    }
                    Ok(payload) => errors.set(FormErrors::new(payload.user_errors)),
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };
    let err = |field: &str| errors.for_field(&i18n, field);
    let detail = |field: &str| errors.detail_for_field(field);

    html! {
        <form class="card card-pad form log-activity" data-testid="log-activity" {onsubmit}>
            <h2 class="section-title">{ i18n.t(Key::LogActivity) }</h2>
            <FormAlert messages={errors.general(&i18n, &["kind", "outcome", "note"])} />
            if let Some(failure) = &*failure {
                <ErrorNotice error={failure.clone()} />
            }
            <div class="form-grid">
                <Field id="activity-kind" label={i18n.t(Key::ActivityType)} error={err("kind")}>
                    <select id="activity-kind" data-testid="activity-kind" class="input" onchange={on_kind}>
                        { for ActivityKind::ALL.into_iter().map(|k| html! {
                            <option value={wire(k)} selected={k == *kind}>{ i18n.t(activity_kind_key(k)) }</option>
                        }) }
                    </select>
                </Field>
                <Field id="activity-outcome" label={i18n.t(Key::Outcome)} error={err("outcome")}>
                    <select id="activity-outcome" data-testid="activity-outcome" class="input" onchange={on_outcome}>
                        <option value="" selected={outcome.is_none()}>{ i18n.t(Key::NoOutcome) }</option>
                        { for OUTCOMES.into_iter().map(|o| html! {
                            <option value={wire(o)} selected={Some(o) == *outcome}>{ i18n.t(outcome_key(o)) }</option>
                        }) }
                    </select>
                </Field>
            </div>
            <Field id="activity-note" label={i18n.t(Key::NoteLabel)} error={err("note")} detail={detail("note")}>
                <textarea id="activity-note" data-testid="activity-note" class="input" rows="3"
                          placeholder={i18n.t(Key::NotePlaceholder)} value={(*note).clone()} oninput={on_note} />
            </Field>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="activity-submit"
                        disabled={*busy} aria-busy={busy.to_string()}>
                    { i18n.t(if *busy { Key::Saving } else { Key::LogIt }) }
                </button>
            </div>
        </form>
    }
}
