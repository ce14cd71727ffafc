//! The designer's field list: each field with its label, a required checkbox, up / down
//! and remove; below it, adding a lead field or a custom one.

use yew::prelude::*;

use super::draft::{custom_name, DraftAction, CUSTOM_PREFIX};
use crate::api::forms::FormField;
use crate::components::form::{input_value, select_value};
use crate::components::icon::{Icon, IconName};
use crate::i18n::{lead_field_key, use_i18n, I18n, Key};

/// What the field is, in words: the lead field's name, or the custom name.
fn field_kind(i18n: &I18n, name: &str) -> String {
    match lead_field_key(name) {
        Some(key) => i18n.t(key).to_owned(),
        None => name.to_owned(),
    }
}

#[derive(Properties, PartialEq)]
pub struct FieldListProps {
    pub fields: Vec<FormField>,
    /// Lead fields not on the form yet.
    pub missing: Vec<&'static str>,
    pub on_action: Callback<DraftAction>,
}

#[component]
pub fn FieldList(props: &FieldListProps) -> Html {
    let i18n = use_i18n();
    let count = props.fields.len();
    html! {
        <div class="form-fields" data-testid="form-fields">
            if props.fields.is_empty() {
                <p class="muted">{ i18n.t(Key::NoFieldsYet) }</p>
            } else {
                <ol class="field-rows">
                    { for props.fields.iter().enumerate().map(|(at, field)| html! {
                        <FieldRow key={field.name.clone()} field={field.clone()} {at}
                                  last={at + 1 == count} on_action={props.on_action.clone()} />
                    }) }
                </ol>
            }
            <AddFields missing={props.missing.clone()} on_action={props.on_action.clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct FieldRowProps {
    field: FormField,
    at: usize,
    last: bool,
    on_action: Callback<DraftAction>,
}

#[component]
fn FieldRow(props: &FieldRowProps) -> Html {
    let i18n = use_i18n();
    let at = props.at;
    let send = |make: fn(usize) -> DraftAction| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(make(at)))
    };
    let on_label = {
        let cb = props.on_action.clone();
        Callback::from(move |e: InputEvent| cb.emit(DraftAction::Label(at, input_value(&e))))
    };
    let on_required = {
        let (cb, required) = (props.on_action.clone(), props.field.required);
        Callback::from(move |_: Event| cb.emit(DraftAction::Required(at, !required)))
    };
    let label_id = format!("form-field-label-{at}");
    let kind = field_kind(&i18n, &props.field.name);
    html! {
        <li class="field-row" data-testid="form-field-row" data-name={props.field.name.clone()}>
            <div class="field-row-kind">
                <span class="cell-primary">{ kind.clone() }</span>
                <code class="cell-secondary mono">{ props.field.name.clone() }</code>
            </div>
            <label class="visually-hidden" for={label_id.clone()}>{ format!("{} · {}", i18n.t(Key::FieldLabel), kind) }</label>
            <input id={label_id} class="input field-row-label" type="text" data-testid="form-field-label"
                   placeholder={i18n.t(Key::FieldLabel)} value={props.field.label.clone()} oninput={on_label} />
            <label class="check">
                <input type="checkbox" data-testid="form-field-required" checked={props.field.required}
                       onchange={on_required} />
                <span>{ i18n.t(Key::Required) }</span>
            </label>
            <div class="row-actions">
                <button type="button" class="btn btn-ghost btn-sm" data-testid="form-field-up" disabled={at == 0}
                        title={i18n.t(Key::MoveUp)} aria-label={i18n.t(Key::MoveUp)}
                        onclick={send(|at| DraftAction::Move(at, -1))}><Icon name={IconName::ArrowUp} /></button>
                <button type="button" class="btn btn-ghost btn-sm" data-testid="form-field-down" disabled={props.last}
                        title={i18n.t(Key::MoveDown)} aria-label={i18n.t(Key::MoveDown)}
                        onclick={send(|at| DraftAction::Move(at, 1))}><Icon name={IconName::ArrowDown} /></button>
                <button type="button" class="btn btn-ghost btn-sm btn-danger-text" data-testid="form-field-remove"
                        title={i18n.t(Key::Remove)} aria-label={i18n.t(Key::Remove)}
                        onclick={send(DraftAction::Remove)}><Icon name={IconName::Trash} /></button>
            </div>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct AddFieldsProps {
    missing: Vec<&'static str>,
    on_action: Callback<DraftAction>,
}

/// "Add a lead field" (a menu of the ones not on the form) and "Add custom field".
#[component]
fn AddFields(props: &AddFieldsProps) -> Html {
    let i18n = use_i18n();
    let chosen = use_state(String::new);
    let custom = use_state(String::new);
    // The menu's value, or its first entry when nothing was picked (or it was just added).
    let pick = if props.missing.contains(&chosen.as_str()) {
        (*chosen).clone()
    } else {
        props
            .missing
            .first()
            .map(|s| (*s).to_owned())
            .unwrap_or_default()
    };

    let on_pick = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| chosen.set(select_value(&e)))
    };
    let add_lead_field = {
        let (cb, i18n, pick) = (props.on_action.clone(), i18n.clone(), pick.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(key) = lead_field_key(&pick) {
                cb.emit(DraftAction::Add(FormField {
                    name: pick.clone(),
                    label: i18n.t(key).to_owned(),
                    required: false,
                }));
            }
        })
    };
    let slug = custom_name(&custom);
    let add_custom = {
        let (cb, custom, slug) = (props.on_action.clone(), custom.clone(), slug.clone());
        Callback::from(move |()| {
            if let Some(name) = &slug {
                cb.emit(DraftAction::Add(FormField {
                    name: name.clone(),
                    label: custom.trim().to_owned(),
                    required: false,
                }));
                custom.set(String::new());
            }
        })
    };
    let on_custom = {
        let custom = custom.clone();
        Callback::from(move |e: InputEvent| custom.set(input_value(&e)))
    };
    // Enter in the custom name adds it rather than submitting the whole form.
    let on_custom_key = {
        let add = add_custom.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                add.emit(());
            }
        })
    };
    let custom_hint = slug.clone().unwrap_or_else(|| format!("{CUSTOM_PREFIX}…"));

    html! {
        <div class="add-fields">
            <div class="field">
                <label class="field-label" for="form-add-field">{ i18n.t(Key::AddLeadField) }</label>
                <div class="input-with-button">
                    <select id="form-add-field" class="input" data-testid="form-add-field"
                            disabled={props.missing.is_empty()} onchange={on_pick}>
                        { for props.missing.iter().map(|name| html! {
                            <option value={*name} selected={*name == pick}>
                                { lead_field_key(name).map(|k| i18n.t(k)).unwrap_or(name) }
                            </option>
                        }) }
                    </select>
                    <button type="button" class="btn btn-secondary" data-testid="form-add-field-button"
                            disabled={props.missing.is_empty()} onclick={add_lead_field}>
                        <Icon name={IconName::Plus} />{ i18n.t(Key::AddField) }
                    </button>
                </div>
            </div>
            <div class="field">
                <label class="field-label" for="form-custom-name">{ i18n.t(Key::CustomFieldName) }</label>
                <div class="input-with-button">
                    <input id="form-custom-name" class="input" type="text" data-testid="form-custom-name"
                           autocomplete="off" placeholder={i18n.t(Key::CustomFieldPlaceholder)}
                           value={(*custom).clone()} oninput={on_custom} onkeydown={on_custom_key} />
                    <button type="button" class="btn btn-secondary" data-testid="form-add-custom"
                            disabled={slug.is_none()} onclick={add_custom.reform(|_: MouseEvent| ())}>
                        <Icon name={IconName::Plus} />{ i18n.t(Key::AddCustomField) }
                    </button>
                </div>
                <p class="field-hint">{ i18n.t(Key::CustomFieldHint) }{ " · " }<code class="mono">{ custom_hint }</code></p>
            </div>
        </div>
    }
}
