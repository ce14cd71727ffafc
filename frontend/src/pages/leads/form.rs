//! The "New lead" dialog: a person, how to reach them, where they are and where they came
//! from, sent through `leadCapture` like any other capture, so duplicates are merged.
//!
//! Each opening of the dialog gets its own idempotency key: a double click, or a retry
//! after a lost answer, returns the first result instead of creating a second lead.
//! `userErrors` appear beside their field, translated from the code, with the server's
//! own sentence underneath as the detail.

use std::rc::Rc;

use leadflow_shared::Channel;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::leads::{self, CaptureOutcome, DuplicateMatch, LeadCaptureInput};
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::form::{
    input_value, select_value, split_list, Field, FormAlert, FormErrors,
};
use crate::i18n::{channel_key, use_i18n, Key};

/// What the dialog reports when the server took the lead.
#[derive(Debug, Clone, PartialEq)]
pub struct Captured {
    pub lead_id: String,
    pub outcome: CaptureOutcome,
    pub matched_by: Option<DuplicateMatch>,
    /// Tells two captures into the same lead apart (the idempotency key).
    pub nonce: String,
}

/// The channel a lead typed in by hand most often came through: a call or a visit.
const DEFAULT_SOURCE: Channel = Channel::Inbound;

/// The form as typed; parsed on submit.
#[derive(Debug, Clone, PartialEq)]
struct Draft {
    person_name: String,
    company: String,
    title: String,
    email: String,
    phone: String,
    province: String,
    city: String,
    industry: String,
    source: Channel,
    tags: String,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            person_name: String::new(),
            company: String::new(),
            title: String::new(),
            email: String::new(),
            phone: String::new(),
            province: String::new(),
            city: String::new(),
            industry: String::new(),
            source: DEFAULT_SOURCE,
            tags: String::new(),
        }
    }
}

/// Trimmed text, `None` when blank.
fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

impl Draft {
    fn input(&self, idempotency_key: &str) -> LeadCaptureInput {
        LeadCaptureInput {
            person_name: self.person_name.trim().to_owned(),
            title: optional(&self.title),
            company: optional(&self.company),
            email: optional(&self.email),
            phone: optional(&self.phone),
            industry: optional(&self.industry),
            province: optional(&self.province),
            city: optional(&self.city),
            source: self.source,
            tags: split_list(&self.tags),
            idempotency_key: idempotency_key.to_owned(),
        }
    }
}

struct Edit(fn(&mut Draft, String), String);

impl Reducible for Draft {
    type Action = Edit;

    fn reduce(self: Rc<Self>, Edit(apply, value): Edit) -> Rc<Self> {
        let mut next = (*self).clone();
        apply(&mut next, value);
        Rc::new(next)
    }
}

/// Fields this form shows; `userErrors` about anything else go above the form.
const FIELDS: [&str; 10] = [
    "personName",
    "company",
    "title",
    "email",
    "phone",
    "province",
    "city",
    "industry",
    "source",
    "tags",
];

/// A key unique enough for one user's captures: time plus 53 random bits.
fn new_idempotency_key() -> String {
    let now = js_sys::Date::now() as u64;
    let random = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
    format!("spa-{now:x}-{random:x}")
}

#[derive(Properties, PartialEq)]
pub struct LeadFormProps {
    pub on_captured: Callback<Captured>,
    pub on_cancel: Callback<()>,
}

#[component]
pub fn LeadForm(props: &LeadFormProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let draft = use_reducer(Draft::default);
    let errors = use_state(FormErrors::default);
    let failure = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let key = use_state(new_idempotency_key);
    let first_input = use_node_ref();

    {
        let first_input = first_input.clone();
        use_effect_with((), move |_| {
            if let Some(input) = first_input.cast::<web_sys::HtmlElement>() {
                let _ = input.focus();
            }
        });
    }

    let on_input = |apply: fn(&mut Draft, String)| {
        let draft = draft.dispatcher();
        Callback::from(move |e: InputEvent| draft.dispatch(Edit(apply, input_value(&e))))
    };

    let onsubmit = {
        let (draft, errors, failure, busy, key) = (
            draft.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
            key.clone(),
        );
        let on_captured = props.on_captured.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            failure.set(None);
            let input = draft.input(&key);
            let (client, errors, failure, busy, on_captured) = (
                client.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                on_captured.clone(),
            );
            spawn_local(async move {
                let result = leads::capture(&client, &input).await;
                busy.set(false);
                match result {
                    Ok(payload) => match (payload.lead_id, payload.outcome) {
                        (Some(lead_id), Some(outcome)) if payload.user_errors.is_empty() => {
                            on_captured.emit(Captured {
                                lead_id,
                                outcome,
                                matched_by: payload.matched_by,
                                nonce: input.idempotency_key,
                            })
                        }
                        _ => errors.set(FormErrors::new(payload.user_errors)),
                    },
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };
    let on_source = {
        let draft = draft.dispatcher();
        Callback::from(move |e: Event| {
            draft.dispatch(Edit(
                |d, v| d.source = Channel::parse(&v).unwrap_or(DEFAULT_SOURCE),
                select_value(&e),
            ))
        })
    };
    let cancel = {
        let cb = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let onkeydown = {
        let cb = props.on_cancel.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                cb.emit(());
            }
        })
    };
    let err = |field: &str| errors.for_field(&i18n, field);
    let detail = |field: &str| errors.detail_for_field(field);
    let invalid = |field: &str| errors.for_field(&i18n, field).is_some().then_some("true");
    // A plain text input bound to one draft field.
    let text_field = |id: &'static str,
                      field: &'static str,
                      label: Key,
                      value: &str,
                      apply: fn(&mut Draft, String)| {
        html! {
            <Field id={id} label={i18n.t(label)} error={err(field)} detail={detail(field)}>
                <input id={id} data-testid={id} class="input" type="text" autocomplete="off"
                       aria-invalid={invalid(field)} value={value.to_owned()} oninput={on_input(apply)} />
            </Field>
        }
    };

    html! {
        <div class="dialog-backdrop" {onkeydown}>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="lead-form-title">
                <form class="form" data-testid="lead-form" {onsubmit}>
                    <header class="dialog-header">
                        <h2 id="lead-form-title" class="dialog-title">{ i18n.t(Key::NewLead) }</h2>
                    </header>
                    <div class="dialog-body">
                        <FormAlert messages={errors.general(&i18n, &FIELDS)} />
                        if let Some(failure) = &*failure {
                            <ErrorNotice error={failure.clone()} />
                        }
                        <div class="form-grid">
                            <Field id="lead-name" label={i18n.t(Key::Name)} error={err("personName")} detail={detail("personName")}>
                                <input id="lead-name" data-testid="lead-name" class="input" type="text" required=true
                                       ref={first_input} autocomplete="off" aria-invalid={invalid("personName")}
                                       placeholder={i18n.t(Key::PersonNamePlaceholder)}
                                       value={draft.person_name.clone()} oninput={on_input(|d, v| d.person_name = v)} />
                            </Field>
                            { text_field("lead-company", "company", Key::Company, &draft.company, |d, v| d.company = v) }
                            { text_field("lead-title", "title", Key::JobTitle, &draft.title, |d, v| d.title = v) }
                            <Field id="lead-source" label={i18n.t(Key::Source)} error={err("source")} detail={detail("source")}>
                                <select id="lead-source" data-testid="lead-source-input" class="input" onchange={on_source}>
                                    { for Channel::ALL.into_iter().map(|c| html! {
                                        <option value={c.as_str()} selected={c == draft.source}>{ i18n.t(channel_key(c)) }</option>
                                    }) }
                                </select>
                            </Field>
                            <Field id="lead-phone" label={i18n.t(Key::Phone)} error={err("phone")} detail={detail("phone")}
                                   hint={AttrValue::from(i18n.t(Key::ReachHint))}>
                                <input id="lead-phone" data-testid="lead-phone" class="input" type="tel" autocomplete="off"
                                       inputmode="tel" aria-invalid={invalid("phone")} placeholder={i18n.t(Key::PhonePlaceholder)}
                                       value={draft.phone.clone()} oninput={on_input(|d, v| d.phone = v)} />
                            </Field>
                            <Field id="lead-email" label={i18n.t(Key::Email)} error={err("email")} detail={detail("email")}>
                                <input id="lead-email" data-testid="lead-email" class="input" type="email" autocomplete="off"
                                       aria-invalid={invalid("email")} placeholder={i18n.t(Key::EmailPlaceholder)}
                                       value={draft.email.clone()} oninput={on_input(|d, v| d.email = v)} />
                            </Field>
                            { text_field("lead-province", "province", Key::Province, &draft.province, |d, v| d.province = v) }
                            { text_field("lead-city", "city", Key::City, &draft.city, |d, v| d.city = v) }
                            { text_field("lead-industry", "industry", Key::Industry, &draft.industry, |d, v| d.industry = v) }
                            <Field id="lead-tags" label={i18n.t(Key::Tags)} error={err("tags")} detail={detail("tags")}
                                   hint={AttrValue::from(i18n.t(Key::CommaSeparated))}>
                                <input id="lead-tags" data-testid="lead-tags" class="input" type="text" autocomplete="off"
                                       aria-invalid={invalid("tags")} value={draft.tags.clone()}
                                       oninput={on_input(|d, v| d.tags = v)} />
                            </Field>
                        </div>
                    </div>
                    <footer class="dialog-footer">
                        <button type="button" class="btn btn-secondary" data-testid="lead-cancel" onclick={cancel}>
                            { i18n.t(Key::Cancel) }
                        </button>
                        <button type="submit" class="btn btn-primary" data-testid="lead-submit"
                                disabled={*busy} aria-busy={busy.to_string()}>
                            { i18n.t(if *busy { Key::Saving } else { Key::Create }) }
                        </button>
                    </footer>
                </form>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_fields_are_left_out_and_tags_split_on_chinese_commas() {
        let draft = Draft {
            person_name: " 张伟 ".into(),
            phone: "+86 138-0013-8000".into(),
            company: "  ".into(),
            tags: "展会，重点客户, 展会".into(),
            ..Draft::default()
        };
        let input = draft.input("k1");
        assert_eq!(input.person_name, "张伟");
        assert_eq!(input.company, None);
        assert_eq!(input.phone.as_deref(), Some("+86 138-0013-8000"));
        assert_eq!(input.tags, vec!["展会", "重点客户", "展会"]);
        assert_eq!(input.source, DEFAULT_SOURCE);
        assert_eq!(input.idempotency_key, "k1");
    }
}
