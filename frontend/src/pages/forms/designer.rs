//! The form designer: name, fields, source channel, what happens after submitting, and
//! (for a saved form) whether it takes submissions and how to put it on a website.
//!
//! Saving sends the whole definition through `formCreate` or `formUpdate`; the server's
//! `userErrors` appear beside the name, or above the fields for rules about the field
//! list (a required name, an email or a phone), with the server's sentence as detail.

use leadflow_shared::Channel;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::draft::{AfterSubmit, Draft, DraftAction};
use super::fields::FieldList;
use super::share::ShareForm;
use crate::api::forms::{self, Form};
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::form::{input_value, select_value, Field, FormAlert, FormErrors};
use crate::i18n::{channel_key, use_i18n, Key};

/// Input fields this form shows errors beside; others go above it.
const SHOWN: [&str; 4] = ["name", "fields", "thankYouUrl", "thankYouMessage"];

#[derive(Properties, PartialEq)]
pub struct FormDesignerProps {
    /// The saved form to edit, or `None` for a new one.
    pub form: Option<Form>,
    pub on_saved: Callback<Form>,
    pub on_close: Callback<()>,
}

#[component]
pub fn FormDesigner(props: &FormDesignerProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let draft = {
        let (form, name_label) = (props.form.clone(), i18n.t(Key::Name));
        use_reducer(move || match &form {
            Some(form) => Draft::from_form(form),
            None => Draft::new(name_label),
        })
    };
    let errors = use_state(FormErrors::default);
    let failure = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);

    let on_action = {
        let draft = draft.dispatcher();
        Callback::from(move |action: DraftAction| draft.dispatch(action))
    };
    let text = |make: fn(String) -> DraftAction| {
        let draft = draft.dispatcher();
        Callback::from(move |e: InputEvent| draft.dispatch(make(input_value(&e))))
    };
    let on_source = {
        let draft = draft.dispatcher();
        Callback::from(move |e: Event| {
            let channel = Channel::parse(&select_value(&e)).unwrap_or(Channel::WebForm);
            draft.dispatch(DraftAction::Source(channel))
        })
    };
    let after = |choice: AfterSubmit| {
        let draft = draft.dispatcher();
        Callback::from(move |_: Event| draft.dispatch(DraftAction::After(choice)))
    };
    let on_active = {
        let (draft, active) = (draft.dispatcher(), draft.active);
        Callback::from(move |_: Event| draft.dispatch(DraftAction::Active(!active)))
    };
    let onsubmit = {
        let (draft, errors, failure, busy) =
            (draft.clone(), errors.clone(), failure.clone(), busy.clone());
        let on_saved = props.on_saved.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            failure.set(None);
            let input = draft.input();
            let (client, errors, failure, busy, on_saved) = (
                client.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                on_saved.clone(),
            );
            spawn_local(async move {
                let result = forms::save(&client, &input).await;
                busy.set(false);
                match result {
                    Ok(payload) => match payload.form {
                        Some(form) if payload.user_errors.is_empty() => {
                            errors.set(FormErrors::default());
                            on_saved.emit(form);
                        }
                        _ => errors.set(FormErrors::new(payload.user_errors)),
                    },
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let err = |field: &str| errors.for_field(&i18n, field);
    let detail = |field: &str| errors.detail_for_field(field);
    let fields_error = err("fields");
    let title = if props.form.is_some() {
        Key::EditForm
    } else {
        Key::NewForm
    };

    html! {
        <div class="form-designer-grid">
            <form class="card card-pad form-designer" data-testid="form-designer" {onsubmit}>
                <header class="designer-head">
                    <h2 class="section-title">{ i18n.t(title) }</h2>
                    if props.form.is_some() {
                        <label class="switch" data-testid="form-active-switch">
                            <input type="checkbox" role="switch" data-testid="form-active"
                                   checked={draft.active} onchange={on_active} />
                            <span class="switch-track" aria-hidden="true"><span class="switch-thumb" /></span>
                            <span>{ i18n.t(Key::AcceptSubmissions) }</span>
                        </label>
                    }
                </header>
                <FormAlert messages={errors.general(&i18n, &SHOWN)} />
                if let Some(failure) = &*failure {
                    <ErrorNotice error={failure.clone()} />
                }
                <div class="form-grid">
                    <Field id="form-name" label={i18n.t(Key::FormName)} error={err("name")} detail={detail("name")}>
                        <input id="form-name" data-testid="form-name" class="input" type="text" required=true
                               autocomplete="off" placeholder={i18n.t(Key::FormNamePlaceholder)}
                               value={draft.name.clone()} oninput={text(DraftAction::Name)} />
                    </Field>
                    <Field id="form-source" label={i18n.t(Key::Source)}>
                        <select id="form-source" data-testid="form-source" class="input" onchange={on_source}>
                            { for Channel::ALL.into_iter().map(|c| html! {
                                <option value={c.as_str()} selected={c == draft.source}>{ i18n.t(channel_key(c)) }</option>
                            }) }
                        </select>
                    </Field>
                </div>
                <fieldset class="designer-section">
                    <legend class="field-label">{ i18n.t(Key::FormFields) }</legend>
                    <p class="field-hint">{ i18n.t(Key::FieldsHint) }</p>
                    if let Some(message) = fields_error {
                        <p class="field-error" data-testid="field-error-form-fields">
                            { message }
                            if let Some(detail) = detail("fields") {
                                <span class="field-error-detail">{ detail }</span>
                            }
                        </p>
                    }
                    <FieldList fields={draft.fields.clone()} missing={draft.missing_lead_fields()} {on_action} />
                </fieldset>
                <fieldset class="designer-section">
                    <legend class="field-label">{ i18n.t(Key::AfterSubmit) }</legend>
                    <div class="segmented-choice">
                        <label class="check">
                            <input type="radio" name="form-after" data-testid="form-after-message"
                                   checked={draft.after == AfterSubmit::Message} onchange={after(AfterSubmit::Message)} />
                            <span>{ i18n.t(Key::ShowMessage) }</span>
                        </label>
                        <label class="check">
                            <input type="radio" name="form-after" data-testid="form-after-url"
                                   checked={draft.after == AfterSubmit::Redirect} onchange={after(AfterSubmit::Redirect)} />
                            <span>{ i18n.t(Key::RedirectToUrl) }</span>
                        </label>
                    </div>
                    if draft.after == AfterSubmit::Message {
                        <Field id="form-thanks-message" label={i18n.t(Key::ThankYouMessage)}
                               error={err("thankYouMessage")} detail={detail("thankYouMessage")}>
                            <textarea id="form-thanks-message" data-testid="form-thanks-message" class="input" rows="2"
                                      placeholder={i18n.t(Key::ThankYouMessagePlaceholder)}
                                      value={draft.message.clone()} oninput={text(DraftAction::Message)} />
                        </Field>
                    } else {
                        <Field id="form-thanks-url" label={i18n.t(Key::ThankYouUrl)}
                               error={err("thankYouUrl")} detail={detail("thankYouUrl")}>
                            <input id="form-thanks-url" data-testid="form-thanks-url" class="input" type="url"
                                   autocomplete="off" placeholder="https://"
                                   value={draft.url.clone()} oninput={text(DraftAction::Url)} />
                        </Field>
                    }
                </fieldset>
                <div class="form-actions">
                    <button type="button" class="btn btn-secondary" data-testid="form-close" onclick={close}>
                        { i18n.t(Key::Close) }
                    </button>
                    <button type="submit" class="btn btn-primary" data-testid="form-save"
                            disabled={*busy} aria-busy={busy.to_string()}>
                        { i18n.t(if *busy { Key::Saving } else { Key::Save }) }
                    </button>
                </div>
            </form>
            <aside class="card card-pad">
                if let Some(form) = &props.form {
                    <ShareForm form={form.clone()} />
                } else {
                    <h3 class="section-title">{ i18n.t(Key::ShareForm) }</h3>
                    <p class="muted">{ i18n.t(Key::SaveFirstHint) }</p>
                }
            </aside>
        </div>
    }
}
