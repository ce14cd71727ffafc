//! The form being designed, as typed: a [`Draft`] changed only through [`DraftAction`]s,
//! so the field list, the settings and the save button all work on one value.
//!
//! Pure data and rules (no Yew, no I/O), with unit tests at the bottom.

use std::rc::Rc;

use leadflow_shared::Channel;
use yew::Reducible;

use crate::api::forms::{Form, FormField, FormInput};

/// The lead fields a form can ask for, in the order forms usually list them.
pub const LEAD_FIELDS: [&str; 9] = [
    "personName",
    "company",
    "title",
    "email",
    "phone",
    "province",
    "city",
    "industry",
    "companySize",
];

/// Prefix of a field kept in the lead's custom fields.
pub const CUSTOM_PREFIX: &str = "custom:";

/// What a visitor sees after submitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterSubmit {
    /// Our thank-you page with the form's message (or the default one).
    Message,
    /// A page on the company's own site.
    Redirect,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// `None` until the form is saved the first time.
    pub id: Option<String>,
    pub name: String,
    pub fields: Vec<FormField>,
    pub source: Channel,
    pub after: AfterSubmit,
    pub message: String,
    pub url: String,
    pub active: bool,
}

pub enum DraftAction {
    Name(String),
    Source(Channel),
    After(AfterSubmit),
    Message(String),
    Url(String),
    Active(bool),
    /// Adds a field unless one with that name is already on the form.
    Add(FormField),
    Label(usize, String),
    Required(usize, bool),
    /// Moves the field at the index one place up (`-1`) or down (`1`).
    Move(usize, isize),
    Remove(usize),
}

/// Trimmed text, `None` when blank.
fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// `" Budget (CNY) "` → `"custom:budget_cny"`: the name a custom field is stored under
/// (ASCII letters, digits and `_`, at most 40, as the server accepts). `None` when nothing
/// usable is left; the label, not the name, is what visitors read.
pub fn custom_name(typed: &str) -> Option<String> {
    let mut slug = String::new();
    for c in typed.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('_') && !slug.is_empty() {
            slug.push('_');
        }
    }
    let slug: String = slug.chars().take(40).collect();
    let slug = slug.trim_end_matches('_');
    (!slug.is_empty()).then(|| format!("{CUSTOM_PREFIX}{slug}"))
}

impl Draft {
    /// A new form: the person's name, required, which every form must ask for.
    pub fn new(name_label: &str) -> Draft {
        Draft {
            id: None,
            name: String::new(),
            fields: vec![FormField {
                name: "personName".into(),
                label: name_label.to_owned(),
                required: true,
            }],
            source: Channel::WebForm,
            after: AfterSubmit::Message,
            message: String::new(),
            url: String::new(),
            active: true,
        }
    }

    pub fn from_form(form: &Form) -> Draft {
        Draft {
            id: Some(form.id.clone()),
            name: form.name.clone(),
            fields: form.fields.clone(),
            source: form.source,
            after: if form.thank_you_url.is_some() {
                AfterSubmit::Redirect
            } else {
                AfterSubmit::Message
            },
            message: form.thank_you_message.clone().unwrap_or_default(),
            url: form.thank_you_url.clone().unwrap_or_default(),
            active: form.active,
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.fields.iter().any(|f| f.name == name)
    }

    /// Lead fields not on the form yet, for the "add" menu.
    pub fn missing_lead_fields(&self) -> Vec<&'static str> {
        LEAD_FIELDS.into_iter().filter(|n| !self.has(n)).collect()
    }

    pub fn input(&self) -> FormInput {
        FormInput {
            id: self.id.clone(),
            name: self.name.trim().to_owned(),
            fields: self
                .fields
                .iter()
                .map(|f| FormField {
                    name: f.name.clone(),
                    label: f.label.trim().to_owned(),
                    required: f.required,
                })
                .collect(),
            source: self.source,
            thank_you_url: match self.after {
                AfterSubmit::Redirect => optional(&self.url),
                AfterSubmit::Message => None,
            },
            thank_you_message: match self.after {
                AfterSubmit::Message => optional(&self.message),
                AfterSubmit::Redirect => None,
            },
            active: self.id.as_ref().map(|_| self.active),
        }
    }

    fn apply(&mut self, action: DraftAction) {
        match action {
            DraftAction::Name(v) => self.name = v,
            DraftAction::Source(v) => self.source = v,
            DraftAction::After(v) => self.after = v,
            DraftAction::Message(v) => self.message = v,
            DraftAction::Url(v) => self.url = v,
            DraftAction::Active(v) => self.active = v,
            DraftAction::Add(field) => {
                if !self.has(&field.name) {
                    self.fields.push(field);
                }
            }
            DraftAction::Label(at, v) => {
                if let Some(f) = self.fields.get_mut(at) {
                    f.label = v;
                }
            }
            DraftAction::Required(at, v) => {
                if let Some(f) = self.fields.get_mut(at) {
                    f.required = v;
                }
            }
            DraftAction::Move(at, by) => {
                let to = at as isize + by;
                if at < self.fields.len() && to >= 0 && (to as usize) < self.fields.len() {
                    self.fields.swap(at, to as usize);
                }
            }
            DraftAction::Remove(at) => {
                if at < self.fields.len() {
                    self.fields.remove(at);
                }
            }
        }
    }
}

impl Reducible for Draft {
    type Action = DraftAction;

    fn reduce(self: Rc<Self>, action: DraftAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str) -> FormField {
        FormField {
            name: name.into(),
            label: name.into(),
            required: false,
        }
    }

    #[test]
    fn fields_are_added_once_moved_within_bounds_and_removed() {
        let mut d = Draft::new("姓名");
        d.apply(DraftAction::Add(field("phone")));
        d.apply(DraftAction::Add(field("company")));
        d.apply(DraftAction::Add(field("phone")));
        let names = |d: &Draft| d.fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&d), ["personName", "phone", "company"]);
        d.apply(DraftAction::Move(2, -1));
        assert_eq!(names(&d), ["personName", "company", "phone"]);
        d.apply(DraftAction::Move(0, -1));
        d.apply(DraftAction::Move(2, 1));
        assert_eq!(names(&d), ["personName", "company", "phone"]);
        d.apply(DraftAction::Remove(1));
        assert_eq!(names(&d), ["personName", "phone"]);
        assert!(!d.missing_lead_fields().contains(&"phone"));
        assert!(d.missing_lead_fields().contains(&"company"));
    }

    #[test]
    fn the_input_keeps_only_the_chosen_thank_you_and_trims() {
        let mut d = Draft::new(" 姓名 ");
        d.apply(DraftAction::Name(" Demo ".into()));
        d.apply(DraftAction::Message("Thanks".into()));
        d.apply(DraftAction::Url("https://example.cn/thanks".into()));
        let input = d.input();
        assert_eq!(input.name, "Demo");
        assert_eq!(input.fields[0].label, "姓名");
        assert_eq!(input.thank_you_message.as_deref(), Some("Thanks"));
        assert_eq!(input.thank_you_url, None);
        assert_eq!(input.active, None);
        d.apply(DraftAction::After(AfterSubmit::Redirect));
        let input = d.input();
        assert_eq!(input.thank_you_message, None);
        assert_eq!(
            input.thank_you_url.as_deref(),
            Some("https://example.cn/thanks")
        );
    }

    #[test]
    fn custom_names_become_slugs() {
        assert_eq!(
            custom_name(" Budget (CNY) ").as_deref(),
            Some("custom:budget_cny")
        );
        assert_eq!(custom_name("预算 2024").as_deref(), Some("custom:2024"));
        assert_eq!(custom_name("预算"), None);
        assert_eq!(custom_name(" - "), None);
    }
}
