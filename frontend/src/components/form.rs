//! Form building blocks: a labelled [`Field`] that shows its error beside the input, and
//! [`FormErrors`], which sorts a mutation's `userErrors` onto the fields they name.

use yew::prelude::*;

use crate::api::types::UserError;
use crate::i18n::{user_error_key, I18n};

/// The `userErrors` of the last submit, looked up by field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FormErrors {
    errors: Vec<UserError>,
}

impl FormErrors {
    pub fn new(errors: Vec<UserError>) -> Self {
        FormErrors { errors }
    }

    /// A local (client-side) problem with `field`, reported like a server one.
    pub fn local(field: &str, code: leadflow_shared::UserErrorCode) -> Self {
        FormErrors::new(vec![UserError {
            field: Some(field.to_owned()),
            message: String::new(),
            code,
        }])
    }

    /// The translated message for `field`, if the server complained about it.
    pub fn for_field(&self, i18n: &I18n, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field.as_deref() == Some(field))
            .map(|e| i18n.t(user_error_key(e.code)).to_owned())
    }

    /// The server's own sentence about `field`: the detail under the translated message
    /// (it says *which* rule was broken, e.g. "give an email or a phone number").
    pub fn detail_for_field(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field.as_deref() == Some(field))
            .map(|e| e.message.trim().to_owned())
            .filter(|m| !m.is_empty())
    }

    /// Messages not tied to one of `shown_fields`; shown at the top of the form.
    pub fn general(&self, i18n: &I18n, shown_fields: &[&str]) -> Vec<String> {
        self.errors
            .iter()
            .filter(|e| {
                e.field
                    .as_deref()
                    .is_none_or(|f| !shown_fields.contains(&f))
            })
            .map(|e| i18n.t(user_error_key(e.code)).to_owned())
            .collect()
    }
}

#[derive(Properties, PartialEq)]
pub struct FieldProps {
    /// The input's id; the label points at it and the error gets `<id>-error`.
    pub id: AttrValue,
    pub label: AttrValue,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<String>,
    /// Shown small under the error: the server's wording, for the specifics.
    #[prop_or_default]
    pub detail: Option<String>,
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn Field(props: &FieldProps) -> Html {
    html! {
        <div class={classes!("field", props.error.is_some().then_some("has-error"))}>
            <label class="field-label" for={props.id.clone()}>{ props.label.clone() }</label>
            { props.children.clone() }
            if let Some(error) = &props.error {
                <p class="field-error" id={format!("{}-error", props.id)} data-testid={format!("field-error-{}", props.id)}>
                    { error.clone() }
                    if let Some(detail) = &props.detail {
                        <span class="field-error-detail">{ detail.clone() }</span>
                    }
                </p>
            } else if let Some(hint) = &props.hint {
                <p class="field-hint">{ hint.clone() }</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct FormAlertProps {
    pub messages: Vec<String>,
}

/// Errors that belong to the whole form rather than one field.
#[component]
pub fn FormAlert(props: &FormAlertProps) -> Html {
    if props.messages.is_empty() {
        return Html::default();
    }
    html! {
        <div class="notice notice-error" role="alert" data-testid="form-error">
            <div class="notice-body">
                { for props.messages.iter().map(|m| html! { <span>{ m.clone() }</span> }) }
            </div>
        </div>
    }
}

/// `"a, b，c、d"` → `["a", "b", "c", "d"]`; accepts Chinese commas too.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The text an input event carries.
pub fn input_value(e: &InputEvent) -> String {
    use yew::TargetCast;
    e.target_unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}

/// The value a `<select>` change carries.
pub fn select_value(e: &Event) -> String {
    use yew::TargetCast;
    e.target_unchecked_into::<web_sys::HtmlSelectElement>()
        .value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_list_accepts_latin_and_chinese_separators() {
        assert_eq!(
            split_list(" 华东, 华南，华北、 ,西南 "),
            vec!["华东", "华南", "华北", "西南"]
        );
        assert!(split_list(" , ").is_empty());
    }
}
