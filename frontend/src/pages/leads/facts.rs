//! The facts panel of a lead: what the team knows, read-only, and an Edit mode that
//! saves through `leadUpdate` with the lead's `version`.
//!
//! When someone else changed the lead in the meantime the server answers CONFLICT and
//! nothing is written; the panel says so and offers a Reload, which brings their change
//! in (the edit is dropped rather than silently overwriting theirs).

use std::rc::Rc;

use leadflow_shared::UserErrorCode;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::badges::region;
use crate::api::activities::{self, LeadUpdateInput};
use crate::api::leads::LeadDetail;
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::form::{input_value, Field, FormAlert, FormErrors};
use crate::components::icon::{Icon, IconName};
use crate::i18n::{channel_key, use_i18n, I18n, Key};

#[derive(Properties, PartialEq)]
pub struct FactsPanelProps {
    pub lead: LeadDetail,
    /// Called after a save (to show the new facts) and by Reload after a conflict.
    pub on_reload: Callback<()>,
}

#[component]
pub fn FactsPanel(props: &FactsPanelProps) -> Html {
    let i18n = use_i18n();
    let editing = use_state(|| false);
    let edit = {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(true))
    };
    let done = {
        let (editing, reload) = (editing.clone(), props.on_reload.clone());
        Callback::from(move |reload_lead: bool| {
            editing.set(false);
            if reload_lead {
                reload.emit(());
            }
        })
    };
    html! {
        <section class="card card-pad" aria-labelledby="lead-facts-title">
            <div class="section-head">
                <h2 id="lead-facts-title" class="section-title">{ i18n.t(Key::LeadFacts) }</h2>
                if !*editing {
                    <button type="button" class="btn btn-ghost btn-sm" data-testid="lead-edit" onclick={edit}>
                        { i18n.t(Key::Edit) }
                    </button>
                }
            </div>
            if *editing {
                <LeadEditForm lead={props.lead.clone()} on_done={done} />
            } else {
                { facts(&i18n, &props.lead) }
            }
        </section>
    }
}

/// The read-only facts: a definition list, "—" for what nobody knows yet.
fn facts(i18n: &I18n, lead: &LeadDetail) -> Html {
    let text = |value: Option<String>| match value {
        Some(v) if !v.trim().is_empty() => html! { { v } },
        _ => html! { <span class="muted">{ "—" }</span> },
    };
    let phone = match (&lead.phone, &lead.phone_e164) {
        (None, None) => text(None),
        (raw, e164) => html! {
            <>
                <span>{ raw.clone().or_else(|| e164.clone()).unwrap_or_default() }</span>
                if let Some(e164) = e164 {
                    <span class="fact-secondary mono" data-testid="lead-phone-e164">{ e164.clone() }</span>
                }
            </>
        },
    };
    let tags = if lead.tags.is_empty() {
        text(None)
    } else {
        html! {
            <span class="chips">{ for lead.tags.iter().map(|t| html! { <span class="chip">{ t.clone() }</span> }) }</span>
        }
    };
    let size = lead
        .company_size
        .map(|n| i18n.tf(Key::Employees, &[("n", &n.to_string())]));
    let first_contacted = match &lead.first_contacted_at {
        Some(at) => html! {
            <span title={i18n.relative(at)} data-testid="lead-first-contacted">{ i18n.datetime(at) }</span>
        },
        None => html! {
            <span class="muted" data-testid="lead-first-contacted">{ i18n.t(Key::NotContactedYet) }</span>
        },
    };
    let rows: Vec<(Key, Html)> = vec![
        (Key::Email, text(lead.email.clone())),
        (Key::Phone, phone),
        (
            Key::Region,
            text(region(lead.province.as_deref(), lead.city.as_deref())),
        ),
        (Key::Industry, text(lead.industry.clone())),
        (Key::CompanySize, text(size)),
        (
            Key::Source,
            text(Some(i18n.t(channel_key(lead.source)).to_owned())),
        ),
        (Key::Tags, tags),
        (Key::FirstContacted, first_contacted),
        (
            Key::Created,
            html! { <span title={i18n.relative(&lead.created_at)}>{ i18n.datetime(&lead.created_at) }</span> },
        ),
        (
            Key::Updated,
            html! { <span title={i18n.datetime(&lead.updated_at)}>{ i18n.relative(&lead.updated_at) }</span> },
        ),
    ];
    html! {
        <dl class="facts" data-testid="lead-facts">
            { for rows.into_iter().map(|(label, value)| html! {
                <div class="fact">
                    <dt>{ i18n.t(label) }</dt>
                    <dd>{ value }</dd>
                </div>
            }) }
        </dl>
    }
}

/// The details as typed in the edit form.
#[derive(Debug, Clone, PartialEq)]
struct Draft {
    person_name: String,
    title: String,
    company: String,
    email: String,
    phone: String,
    province: String,
    city: String,
    industry: String,
    company_size: String,
}

fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

impl Draft {
    fn of(lead: &LeadDetail) -> Draft {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        Draft {
            person_name: lead.person_name.clone(),
            title: s(&lead.title),
            company: s(&lead.company),
            email: s(&lead.email),
            phone: s(&lead.phone),
            province: s(&lead.province),
            city: s(&lead.city),
            industry: s(&lead.industry),
            company_size: lead.company_size.map(|n| n.to_string()).unwrap_or_default(),
        }
    }

    /// The update, or the field that cannot be sent as typed.
    fn input(&self, id: &str, version: i32) -> Result<LeadUpdateInput, &'static str> {
        let company_size = match optional(&self.company_size) {
            None => None,
            Some(n) => Some(n.parse::<i32>().map_err(|_| "companySize")?),
        };
        Ok(LeadUpdateInput {
            id: id.to_owned(),
            version,
            person_name: self.person_name.trim().to_owned(),
            title: optional(&self.title),
            company: optional(&self.company),
            email: optional(&self.email),
            phone: optional(&self.phone),
            industry: optional(&self.industry),
            province: optional(&self.province),
            city: optional(&self.city),
            company_size,
        })
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

const FIELDS: [&str; 9] = [
    "personName",
    "title",
    "company",
    "email",
    "phone",
    "province",
    "city",
    "industry",
    "companySize",
];

#[derive(Properties, PartialEq)]
struct LeadEditFormProps {
    lead: LeadDetail,
    /// `true`: saved (or the user chose to reload), show the lead afresh; `false`: cancelled.
    on_done: Callback<bool>,
}

#[component]
fn LeadEditForm(props: &LeadEditFormProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let draft = {
        let lead = props.lead.clone();
        use_reducer(move || Draft::of(&lead))
    };
    let errors = use_state(FormErrors::default);
    let failure = use_state(|| None::<ApiError>);
    let conflict = use_state(|| false);
    let busy = use_state(|| false);

    let on_input = |apply: fn(&mut Draft, String)| {
        let draft = draft.dispatcher();
        Callback::from(move |e: InputEvent| draft.dispatch(Edit(apply, input_value(&e))))
    };
    let onsubmit = {
        let (draft, errors, failure, conflict, busy) = (
            draft.clone(),
            errors.clone(),
            failure.clone(),
            conflict.clone(),
            busy.clone(),
        );
        let (id, version, on_done) = (
            props.lead.id.clone(),
            props.lead.version,
            props.on_done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let input = match draft.input(&id, version) {
                Ok(input) => input,
                Err(field) => {
                    errors.set(FormErrors::local(field, UserErrorCode::Invalid));
                    return;
                }
            };
            busy.set(true);
            failure.set(None);
            let (client, errors, failure, conflict, busy, on_done) = (
                client.clone(),
                errors.clone(),
                failure.clone(),
                conflict.clone(),
                busy.clone(),
                on_done.clone(),
            );
            spawn_local(async move {
                let result = activities::update_lead(&client, &input).await;
                busy.set(false);
                match result {
                    Ok(payload) if payload.user_errors.is_empty() => on_done.emit(true),
                    Ok(payload) => {
                        let conflicted = payload
                            .user_errors
                            .iter()
                            .any(|e| e.code == UserErrorCode::Conflict);
                        conflict.set(conflicted);
                        if !conflicted {
                            errors.set(FormErrors::new(payload.user_errors));
                        }
                    }
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };
    let cancel = {
        let cb = props.on_done.clone();
        Callback::from(move |_: MouseEvent| cb.emit(false))
    };
    let reload = {
        let cb = props.on_done.clone();
        Callback::from(move |_: MouseEvent| cb.emit(true))
    };
    let err = |field: &str| errors.for_field(&i18n, field);
    let detail = |field: &str| errors.detail_for_field(field);
    let text_field = |id: &'static str,
                      field: &'static str,
                      label: Key,
                      kind: &'static str,
                      value: &str,
                      apply: fn(&mut Draft, String)| {
        html! {
            <Field id={id} label={i18n.t(label)} error={err(field)} detail={detail(field)}>
                <input id={id} data-testid={id} class="input" type={kind} autocomplete="off"
                       aria-invalid={err(field).map(|_| "true")} value={value.to_owned()} oninput={on_input(apply)} />
            </Field>
        }
    };

    html! {
        <form class="form lead-edit" data-testid="lead-edit-form" {onsubmit}>
            if *conflict {
                <div class="notice notice-error" role="alert" data-testid="lead-conflict">
                    <Icon name={IconName::Alert} />
                    <div class="notice-body"><span>{ i18n.t(Key::ConflictMessage) }</span></div>
                    <button type="button" class="btn btn-secondary btn-sm" data-testid="lead-conflict-reload" onclick={reload}>
                        { i18n.t(Key::Reload) }
                    </button>
                </div>
            }
            <FormAlert messages={errors.general(&i18n, &FIELDS)} />
            if let Some(failure) = &*failure {
                <ErrorNotice error={failure.clone()} />
            }
            { text_field("edit-person-name", "personName", Key::Name, "text", &draft.person_name, |d, v| d.person_name = v) }
            { text_field("edit-title", "title", Key::JobTitle, "text", &draft.title, |d, v| d.title = v) }
            { text_field("edit-company", "company", Key::Company, "text", &draft.company, |d, v| d.company = v) }
            { text_field("edit-email", "email", Key::Email, "email", &draft.email, |d, v| d.email = v) }
            { text_field("edit-phone", "phone", Key::Phone, "tel", &draft.phone, |d, v| d.phone = v) }
            <div class="form-grid">
                { text_field("edit-province", "province", Key::Province, "text", &draft.province, |d, v| d.province = v) }
                { text_field("edit-city", "city", Key::City, "text", &draft.city, |d, v| d.city = v) }
            </div>
            { text_field("edit-industry", "industry", Key::Industry, "text", &draft.industry, |d, v| d.industry = v) }
            { text_field("edit-company-size", "companySize", Key::CompanySize, "number", &draft.company_size, |d, v| d.company_size = v) }
            <div class="form-actions">
                <button type="button" class="btn btn-secondary" data-testid="lead-edit-cancel" onclick={cancel}>
                    { i18n.t(Key::Cancel) }
                </button>
                <button type="submit" class="btn btn-primary" data-testid="lead-edit-save"
                        disabled={*busy || *conflict} aria-busy={busy.to_string()}>
                    { i18n.t(if *busy { Key::Saving } else { Key::Save }) }
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft {
            person_name: " 陈静 ".into(),
            title: "采购总监".into(),
            company: " ".into(),
            email: String::new(),
            phone: "13912345678".into(),
            province: String::new(),
            city: "宁波".into(),
            industry: String::new(),
            company_size: " 250 ".into(),
        }
    }

    #[test]
    fn blanks_clear_and_the_version_travels() {
        let input = draft().input("l1", 7).ok();
        let input = input.as_ref();
        assert_eq!(input.map(|i| i.version), Some(7));
        assert_eq!(input.map(|i| i.person_name.as_str()), Some("陈静"));
        assert_eq!(input.and_then(|i| i.company.clone()), None);
        assert_eq!(input.and_then(|i| i.company_size), Some(250));
    }

    #[test]
    fn a_company_size_that_is_not_a_number_is_refused_locally() {
        let mut d = draft();
        d.company_size = "about 50".into();
        assert_eq!(d.input("l1", 1).err(), Some("companySize"));
    }
}
