//! Step 1 of an import: choose a CSV file. Choosing uploads it at once; meanwhile the
//! page shows a spinner with the file's name, and a refused file says why.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api::ApiError;
use crate::components::error_notice::ErrorNotice;
use crate::components::icon::{Icon, IconName};
use crate::i18n::{use_i18n, Key};

/// Why the last file did not get to the preview.
#[derive(Debug, Clone, PartialEq)]
pub enum PickError {
    /// 413, with the server's sentence naming the limit.
    TooLarge(String),
    /// Not readable as CSV, with the server's reason.
    Unreadable(String),
    /// The upload vanished before its preview (expired or cleaned up).
    Gone,
    Api(ApiError),
}

#[derive(Properties, PartialEq)]
pub struct FilePickerProps {
    pub on_picked: Callback<web_sys::File>,
    /// The name of the file being uploaded, if one is.
    pub uploading: Option<String>,
    pub error: Option<PickError>,
}

#[component]
pub fn FilePicker(props: &FilePickerProps) -> Html {
    let i18n = use_i18n();
    let onchange = {
        let on_picked = props.on_picked.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                on_picked.emit(file);
            }
            // The same file can be chosen again after fixing it.
            input.set_value("");
        })
    };
    let problem = |title: Key, detail: &str| {
        html! {
            <div class="notice notice-error" role="alert" data-testid="import-file-error">
                <Icon name={IconName::Alert} />
                <div class="notice-body">
                    <strong>{ i18n.t(title) }</strong>
                    if !detail.is_empty() { <span>{ detail.to_owned() }</span> }
                </div>
            </div>
        }
    };
    let error = match &props.error {
        None => Html::default(),
        Some(PickError::TooLarge(detail)) => problem(Key::ImportTooLarge, detail),
        Some(PickError::Unreadable(detail)) => problem(Key::ImportUnreadable, detail),
        Some(PickError::Gone) => problem(Key::ImportUploadGone, ""),
        Some(PickError::Api(err)) => html! { <ErrorNotice error={err.clone()} /> },
    };

    html! {
        <div class="card card-pad import-picker" data-testid="import-picker">
            { error }
            if let Some(name) = &props.uploading {
                <div class="import-uploading" role="status" aria-live="polite" data-testid="import-uploading">
                    <span class="spinner" aria-hidden="true" />
                    <span>{ i18n.tf(Key::ImportUploading, &[("name", name)]) }</span>
                </div>
            } else {
                <label class="file-drop">
                    <Icon name={IconName::Plus} />
                    <strong>{ i18n.t(Key::ImportChooseFile) }</strong>
                    <span class="muted">{ i18n.t(Key::ImportFileHint) }</span>
                    <input type="file" class="file-input" accept=".csv,text/csv"
                           data-testid="import-file" {onchange} />
                </label>
            }
        </div>
    }
}
