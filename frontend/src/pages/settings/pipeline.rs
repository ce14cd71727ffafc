//! The Pipeline tab: how leads qualify and how deals move.
//!
//! - Lifecycle: whether BANT is required before a lead becomes an SQL, and the lost
//!   reasons reps pick from (`lifecycleSettingsSave`).
//! - The default pipeline's stages: name, probability and kind, added, removed and
//!   reordered, saved at once with `pipelineSave`; the server checks them (one won and
//!   one lost stage...) and names each problem by its path, e.g.
//!   `stages[2].probability`, shown beside that input.
//!
//! Administrators edit; everyone else reads the same screen with the inputs disabled.

use leadflow_shared::pipeline::{default_stages, StageKind};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::pipeline::{
    self, LifecycleSettings, Pipeline, PipelineMeta, PipelineSaveInput, PipelineStageInput,
};
use crate::api::{use_client, ApiError};
use crate::components::error_notice::{ErrorNotice, SuccessNotice};
use crate::components::form::{input_value, select_value, FormAlert, FormErrors};
use crate::components::icon::{Icon, IconName};
use crate::i18n::{use_i18n, I18n, Key};

#[derive(Properties, PartialEq)]
pub struct PipelineTabProps {
    pub can_edit: bool,
}

#[component]
pub fn PipelineTab(props: &PipelineTabProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let meta = use_state(|| None::<Result<PipelineMeta, ApiError>>);
    let reload = use_state(|| 0u32);
    {
        let (client, meta) = (client.clone(), meta.clone());
        use_effect_with(*reload, move |_| {
            spawn_local(async move { meta.set(Some(pipeline::meta(&client).await)) });
        });
    }
    let retry = {
        let reload = reload.clone();
        Callback::from(move |()| reload.set(*reload + 1))
    };
    let body = match &*meta {
        None => html! {
            <div class="card card-pad" aria-busy="true" data-testid="loading">
                { for (0..5).map(|i| html! {
                    <span class="skeleton-bar skeleton-line" style={format!("width:{}%", 40 + i * 11)} />
                }) }
            </div>
        },
        Some(Err(err)) => html! { <ErrorNotice error={err.clone()} on_retry={retry} /> },
        Some(Ok(meta)) => {
            let default = meta
                .pipelines
                .iter()
                .find(|p| p.is_default)
                .or(meta.pipelines.first())
                .cloned();
            html! {
                <>
                    <LifecycleForm settings={meta.lifecycle_settings.clone()} can_edit={props.can_edit} />
                    <StagesForm key={default.as_ref().map(|p| p.id.clone()).unwrap_or_default()}
                                pipeline={default.clone()} can_edit={props.can_edit} />
                </>
            }
        }
    };
    html! {
        <div class="tab-panel pipeline-settings" data-testid="pipeline-settings">
            if !props.can_edit {
                <p class="notice notice-info muted" data-testid="pipeline-settings-readonly">{ i18n.t(Key::PipelineSettingsReadOnly) }</p>
            }
            { body }
        </div>
    }
}

/// The server's words for one path, translated, with its detail.
fn path_error(i18n: &I18n, errors: &FormErrors, path: &str) -> Html {
    match errors.for_field(i18n, path) {
        Some(message) => html! {
            <p class="field-error" data-testid={format!("field-error-{path}")}>
                { message }
                if let Some(detail) = errors.detail_for_field(path) {
                    <span class="field-error-detail">{ detail }</span>
                }
            </p>
        },
        None => Html::default(),
    }
}

#[derive(Properties, PartialEq)]
struct LifecycleFormProps {
    settings: LifecycleSettings,
    can_edit: bool,
}

#[component]
fn LifecycleForm(props: &LifecycleFormProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let draft = use_state(|| props.settings.clone());
    let new_reason = use_state(String::new);
    let errors = use_state(FormErrors::default);
    let failure = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let flash = use_state(|| None::<String>);

    let onsubmit = {
        let (draft, errors, failure, busy, flash, i18n) = (
            draft.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
            flash.clone(),
            i18n.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            failure.set(None);
            flash.set(None);
            let mut settings = (*draft).clone();
            settings.lost_reasons = settings
                .lost_reasons
                .iter()
                .map(|r| r.trim().to_owned())
                .collect();
            let (client, draft, errors, failure, busy, flash, i18n) = (
                client.clone(),
                draft.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                flash.clone(),
                i18n.clone(),
            );
            spawn_local(async move {
                let result = pipeline::save_lifecycle(&client, &settings).await;
                busy.set(false);
                match result {
                    Ok(payload) if payload.user_errors.is_empty() => {
                        errors.set(FormErrors::default());
                        if let Some(saved) = payload.settings {
                            draft.set(saved);
                        }
                        flash.set(Some(i18n.t(Key::LifecycleSaved).to_owned()));
                    }
                    Ok(payload) => errors.set(FormErrors::new(payload.user_errors)),
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };
    let on_bant = {
        let draft = draft.clone();
        Callback::from(move |_: Event| {
            let mut next = (*draft).clone();
            next.bant_required = !next.bant_required;
            draft.set(next);
        })
    };
    let on_new = {
        let new_reason = new_reason.clone();
        Callback::from(move |e: InputEvent| new_reason.set(input_value(&e)))
    };
    let add = {
        let (draft, new_reason) = (draft.clone(), new_reason.clone());
        Callback::from(move |_: MouseEvent| {
            let reason = new_reason.trim().to_owned();
            if reason.is_empty() || draft.lost_reasons.contains(&reason) {
                return;
            }
            let mut next = (*draft).clone();
            next.lost_reasons.push(reason);
            draft.set(next);
            new_reason.set(String::new());
        })
    };
    let shown: Vec<String> = std::iter::once("bantRequired".to_owned())
        .chain(std::iter::once("lostReasons".to_owned()))
        .chain((0..draft.lost_reasons.len()).map(|i| format!("lostReasons[{i}]")))
        .collect();
    let shown_refs: Vec<&str> = shown.iter().map(String::as_str).collect();

    html! {
        <form class="card card-pad" data-testid="lifecycle-form" {onsubmit}>
            <h2 class="section-title">{ i18n.t(Key::LifecycleTitle) }</h2>
            <fieldset class="plain-fieldset" disabled={!props.can_edit}>
                <FormAlert messages={errors.general(&i18n, &shown_refs)} />
                if let Some(err) = &*failure {
                    <ErrorNotice error={err.clone()} />
                }
                <label class="switch" data-testid="bant-required-switch">
                    <input type="checkbox" data-testid="bant-required" checked={draft.bant_required} onchange={on_bant} />
                    <span class="switch-track"><span class="switch-thumb" /></span>
                    { i18n.t(Key::BantRequiredLabel) }
                </label>
                <p class="field-hint">{ i18n.t(Key::BantRequiredHint) }</p>
                { path_error(&i18n, &errors, "bantRequired") }

                <h3 class="subsection-title">{ i18n.t(Key::LostReasons) }</h3>
                { path_error(&i18n, &errors, "lostReasons") }
                <ul class="reason-list" data-testid="lost-reasons">
                    { for draft.lost_reasons.iter().enumerate().map(|(i, reason)| {
                        let oninput = {
                            let draft = draft.clone();
                            Callback::from(move |e: InputEvent| {
                                let mut next = (*draft).clone();
                                if let Some(slot) = next.lost_reasons.get_mut(i) {
                                    *slot = input_value(&e);
                                }
                                draft.set(next);
                            })
                        };
                        let remove = {
                            let draft = draft.clone();
                            Callback::from(move |_: MouseEvent| {
                                let mut next = (*draft).clone();
                                if i < next.lost_reasons.len() {
                                    next.lost_reasons.remove(i);
                                }
                                draft.set(next);
                            })
                        };
                        html! {
                            <li class="reason-row" data-testid="lost-reason-row">
                                <input class="input input-sm" type="text" maxlength="64" value={reason.clone()}
                                       aria-label={i18n.t(Key::LostReason)} data-testid="lost-reason-value" {oninput} />
                                if props.can_edit {
                                    <button type="button" class="btn btn-ghost btn-sm btn-danger-text" data-testid="lost-reason-remove"
                                            aria-label={i18n.tf(Key::RemoveNamed, &[("name", reason)])} onclick={remove}>
                                        <Icon name={IconName::Trash} />
                                    </button>
                                }
                                { path_error(&i18n, &errors, &format!("lostReasons[{i}]")) }
                            </li>
                        }
                    }) }
                </ul>
                if props.can_edit {
                    <div class="reason-add">
                        <input class="input input-sm" type="text" maxlength="64" data-testid="lost-reason-new"
                               placeholder={i18n.t(Key::LostReasonNew)} value={(*new_reason).clone()} oninput={on_new} />
                        <button type="button" class="btn btn-secondary btn-sm" data-testid="lost-reason-add" onclick={add}>
                            <Icon name={IconName::Plus} />{ i18n.t(Key::Add) }
                        </button>
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary" data-testid="lifecycle-save"
                                disabled={*busy} aria-busy={busy.to_string()}>
                            { i18n.t(if *busy { Key::Saving } else { Key::Save }) }
                        </button>
                    </div>
                }
            </fieldset>
            if let Some(message) = &*flash {
                <SuccessNotice message={message.clone()} />
            }
        </form>
    }
}

/// One stage as edited.
#[derive(Debug, Clone, PartialEq)]
struct StageRow {
    id: Option<String>,
    name: String,
    probability: String,
    kind: StageKind,
}

fn rows_of(pipeline: Option<&Pipeline>) -> Vec<StageRow> {
    match pipeline {
        Some(p) => p
            .stages
            .iter()
            .map(|s| StageRow {
                id: Some(s.id.clone()),
                name: s.name.clone(),
                probability: s.probability.to_string(),
                kind: s.kind,
            })
            .collect(),
        None => default_stages()
            .into_iter()
            .map(|s| StageRow {
                id: None,
                name: s.name,
                probability: s.probability.to_string(),
                kind: s.kind,
            })
            .collect(),
    }
}

/// The rows as `pipelineSave` stages; an unreadable probability goes as -1, which the
/// server refuses at its path.
fn stage_inputs(rows: &[StageRow]) -> Vec<PipelineStageInput> {
    rows.iter()
        .map(|r| PipelineStageInput {
            id: r.id.clone(),
            name: r.name.trim().to_owned(),
            probability: r.probability.trim().parse().unwrap_or(-1),
            kind: r.kind,
        })
        .collect()
}

/// Moves row `i` by `delta` (−1 up, +1 down) when there is room.
fn shift(rows: &mut [StageRow], i: usize, delta: isize) {
    let j = i as isize + delta;
    if j >= 0 && (j as usize) < rows.len() && i < rows.len() {
        rows.swap(i, j as usize);
    }
}

const KINDS: [(StageKind, Key); 3] = [
    (StageKind::Open, Key::StageKindOpen),
    (StageKind::Won, Key::StageKindWon),
    (StageKind::Lost, Key::StageKindLost),
];

#[derive(Properties, PartialEq)]
struct StagesFormProps {
    pipeline: Option<Pipeline>,
    can_edit: bool,
}

#[component]
fn StagesForm(props: &StagesFormProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let name = use_state(|| {
        props
            .pipeline
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_else(|| i18n.t(Key::DefaultPipelineName).to_owned())
    });
    let rows = use_state(|| rows_of(props.pipeline.as_ref()));
    let pipeline_id = use_state(|| props.pipeline.as_ref().map(|p| p.id.clone()));
    let errors = use_state(FormErrors::default);
    let failure = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let flash = use_state(|| None::<String>);

    let onsubmit = {
        let (name, rows, pipeline_id, errors, failure, busy, flash, i18n) = (
            name.clone(),
            rows.clone(),
            pipeline_id.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
            flash.clone(),
            i18n.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            failure.set(None);
            flash.set(None);
            let input = PipelineSaveInput {
                id: (*pipeline_id).clone(),
                name: name.trim().to_owned(),
                stages: stage_inputs(&rows),
            };
            let (client, rows, pipeline_id, errors, failure, busy, flash, i18n) = (
                client.clone(),
                rows.clone(),
                pipeline_id.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                flash.clone(),
                i18n.clone(),
            );
            spawn_local(async move {
                let result = pipeline::save_pipeline(&client, &input).await;
                busy.set(false);
                match result {
                    Ok(payload) if payload.user_errors.is_empty() => {
                        errors.set(FormErrors::default());
                        if let Some(saved) = payload.pipeline {
                            rows.set(rows_of(Some(&saved)));
                            pipeline_id.set(Some(saved.id.clone()));
                        }
                        flash.set(Some(i18n.t(Key::PipelineSaved).to_owned()));
                    }
                    Ok(payload) => errors.set(FormErrors::new(payload.user_errors)),
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };
    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| name.set(input_value(&e)))
    };
    let add = {
        let rows = rows.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*rows).clone();
            // New stages are open; they go before the closing (won, lost) stages.
            let at = next
                .iter()
                .position(|r| r.kind != StageKind::Open)
                .unwrap_or(next.len());
            next.insert(
                at,
                StageRow {
                    id: None,
                    name: String::new(),
                    probability: "50".into(),
                    kind: StageKind::Open,
                },
            );
            rows.set(next);
        })
    };
    let edit_row = |i: usize, apply: fn(&mut StageRow, String)| {
        let rows = rows.clone();
        move |value: String| {
            let mut next = (*rows).clone();
            if let Some(row) = next.get_mut(i) {
                apply(row, value);
            }
            rows.set(next);
        }
    };
    let row_action = |i: usize, apply: fn(&mut Vec<StageRow>, usize)| {
        let rows = rows.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*rows).clone();
            apply(&mut next, i);
            rows.set(next);
        })
    };
    let count = rows.len();
    let mut shown: Vec<String> = vec!["name".into(), "stages".into()];
    for i in 0..count {
        for f in ["name", "probability", "kind"] {
            shown.push(format!("stages[{i}].{f}"));
        }
        shown.push(format!("stages[{i}]"));
    }
    let shown_refs: Vec<&str> = shown.iter().map(String::as_str).collect();

    html! {
        <form class="card card-pad" data-testid="stages-form" novalidate=true {onsubmit}>
            <h2 class="section-title">{ i18n.t(Key::PipelineStagesTitle) }</h2>
            <p class="field-hint">{ i18n.t(Key::PipelineStagesHint) }</p>
            <fieldset class="plain-fieldset" disabled={!props.can_edit}>
                <FormAlert messages={errors.general(&i18n, &shown_refs)} />
                if let Some(err) = &*failure {
                    <ErrorNotice error={err.clone()} />
                }
                <div class="field">
                    <label class="field-label" for="pipeline-name">{ i18n.t(Key::PipelineName) }</label>
                    <input id="pipeline-name" class="input" type="text" maxlength="60" data-testid="pipeline-name"
                           value={(*name).clone()} oninput={on_name} />
                    { path_error(&i18n, &errors, "name") }
                </div>
                { path_error(&i18n, &errors, "stages") }
                <div class="table-wrap">
                    <table class="table stages-table" data-testid="stages-table">
                        <thead><tr>
                            <th scope="col">{ i18n.t(Key::StageName) }</th>
                            <th scope="col">{ i18n.t(Key::StageProbability) }</th>
                            <th scope="col">{ i18n.t(Key::StageKind) }</th>
                            if props.can_edit { <th scope="col"><span class="visually-hidden">{ i18n.t(Key::Actions) }</span></th> }
                        </tr></thead>
                        <tbody>
                            { for rows.iter().enumerate().map(|(i, row)| {
                                let on_stage_name = { let set = edit_row(i, |r, v| r.name = v); Callback::from(move |e: InputEvent| set(input_value(&e))) };
                                let on_probability = { let set = edit_row(i, |r, v| r.probability = v); Callback::from(move |e: InputEvent| set(input_value(&e))) };
                                let on_kind = {
                                    let set = edit_row(i, |r, v| r.kind = StageKind::parse(&v).unwrap_or(r.kind));
                                    Callback::from(move |e: Event| set(select_value(&e)))
                                };
                                let up = row_action(i, |rows, i| shift(rows, i, -1));
                                let down = row_action(i, |rows, i| shift(rows, i, 1));
                                let remove = row_action(i, |rows, i| { if i < rows.len() { rows.remove(i); } });
                                let at = |f: &str| format!("stages[{i}].{f}");
                                html! {
                                    <tr data-testid="stage-row" data-kind={row.kind.as_str()}>
                                        <td>
                                            <input class="input input-sm" type="text" maxlength="40" data-testid="stage-name"
                                                   aria-label={i18n.t(Key::StageName)} value={row.name.clone()} oninput={on_stage_name} />
                                            { path_error(&i18n, &errors, &at("name")) }
                                            { path_error(&i18n, &errors, &format!("stages[{i}]")) }
                                        </td>
                                        <td>
                                            <span class="input-unit">
                                                <input class="input input-sm num" type="number" min="0" max="100" step="1"
                                                       data-testid="stage-probability" aria-label={i18n.t(Key::StageProbability)}
                                                       value={row.probability.clone()} oninput={on_probability} />
                                                <span class="muted">{ "%" }</span>
                                            </span>
                                            { path_error(&i18n, &errors, &at("probability")) }
                                        </td>
                                        <td>
                                            <select class="input input-sm" data-testid="stage-kind" aria-label={i18n.t(Key::StageKind)}
                                                    onchange={on_kind}>
                                                { for KINDS.iter().map(|(kind, label)| html! {
                                                    <option value={kind.as_str()} selected={row.kind == *kind}>{ i18n.t(*label) }</option>
                                                }) }
                                            </select>
                                            { path_error(&i18n, &errors, &at("kind")) }
                                        </td>
                                        if props.can_edit {
                                            <td class="stage-actions">
                                                <button type="button" class="btn btn-ghost btn-sm" data-testid="stage-up" disabled={i == 0}
                                                        aria-label={i18n.t(Key::MoveUp)} onclick={up}><Icon name={IconName::ArrowUp} /></button>
                                                <button type="button" class="btn btn-ghost btn-sm" data-testid="stage-down" disabled={i + 1 == count}
                                                        aria-label={i18n.t(Key::MoveDown)} onclick={down}><Icon name={IconName::ArrowDown} /></button>
                                                <button type="button" class="btn btn-ghost btn-sm btn-danger-text" data-testid="stage-remove"
                                                        aria-label={i18n.tf(Key::RemoveNamed, &[("name", &row.name)])} onclick={remove}>
                                                    <Icon name={IconName::Trash} />
                                                </button>
                                            </td>
                                        }
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
                if props.can_edit {
                    <div class="form-actions form-actions-split">
                        <button type="button" class="btn btn-secondary btn-sm" data-testid="stage-add" onclick={add}>
                            <Icon name={IconName::Plus} />{ i18n.t(Key::StageAdd) }
                        </button>
                        <button type="submit" class="btn btn-primary" data-testid="pipeline-save"
                                disabled={*busy} aria-busy={busy.to_string()}>
                            { i18n.t(if *busy { Key::Saving } else { Key::Save }) }
                        </button>
                    </div>
                }
            </fieldset>
            if let Some(message) = &*flash {
                <SuccessNotice message={message.clone()} />
            }
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_reorder_within_bounds() {
        let mut rows = rows_of(None);
        let first = rows[0].name.clone();
        shift(&mut rows, 0, -1);
        assert_eq!(rows[0].name, first, "the first cannot go up");
        shift(&mut rows, 0, 1);
        assert_eq!(rows[1].name, first);
        let last = rows.len() - 1;
        let name = rows[last].name.clone();
        shift(&mut rows, last, 1);
        assert_eq!(rows[last].name, name, "the last cannot go down");
    }

    #[test]
    fn unreadable_probabilities_are_sent_for_the_server_to_name() {
        let mut rows = rows_of(None);
        rows[1].probability = "abc".into();
        rows[2].probability = " 55 ".into();
        let inputs = stage_inputs(&rows);
        assert_eq!(inputs[1].probability, -1);
        assert_eq!(inputs[2].probability, 55);
        assert!(inputs.iter().all(|s| s.id.is_none()));
    }
}
