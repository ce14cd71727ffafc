//! How a page shows an [`ApiError`]: what happened, and what to do next.

use yew::prelude::*;

use crate::api::ApiError;
use crate::components::icon::{Icon, IconName};
use crate::i18n::{use_i18n, Key};

#[derive(Properties, PartialEq)]
pub struct ErrorNoticeProps {
    pub error: ApiError,
    /// Offered as a "Try again" button when the error is one that retrying can fix.
    #[prop_or_default]
    pub on_retry: Option<Callback<()>>,
}

#[component]
pub fn ErrorNotice(props: &ErrorNoticeProps) -> Html {
    let i18n = use_i18n();
    let retry = props
        .on_retry
        .clone()
        .filter(|_| props.error.retryable())
        .map(|cb| {
            html! {
                <button type="button" class="btn btn-secondary btn-sm"
                        onclick={Callback::from(move |_: MouseEvent| cb.emit(()))}>
                    { i18n.t(Key::Retry) }
                </button>
            }
        });
    html! {
        <div class="notice notice-error" role="alert" data-testid="error-notice"
             title={props.error.detail().map(str::to_owned)}>
            <Icon name={IconName::Alert} />
            <div class="notice-body">
                <strong>{ i18n.t(props.error.title()) }</strong>
                <span>{ i18n.t(props.error.hint()) }</span>
            </div>
            { for retry }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SuccessNoticeProps {
    pub message: AttrValue,
    #[prop_or_default]
    pub on_dismiss: Option<Callback<()>>,
}

/// A quiet confirmation that something worked.
#[component]
pub fn SuccessNotice(props: &SuccessNoticeProps) -> Html {
    let i18n = use_i18n();
    let dismiss = props.on_dismiss.clone().map(|cb| {
        html! {
            <button type="button" class="btn btn-ghost btn-sm" aria-label={i18n.t(Key::Close)}
                    onclick={Callback::from(move |_: MouseEvent| cb.emit(()))}>{ "×" }</button>
        }
    });
    html! {
        <div class="notice notice-success" role="status" data-testid="success-notice">
            <Icon name={IconName::Check} />
            <div class="notice-body"><span>{ props.message.clone() }</span></div>
            { for dismiss }
        </div>
    }
}
