//! How a saved form gets onto a website: the hosted page's address (opens in a new tab)
//! and the embed snippet in a monospace box with a Copy button.

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::forms::{origin, Form};
use crate::components::icon::{Icon, IconName};
use crate::i18n::{use_i18n, Key};

#[derive(Properties, PartialEq)]
pub struct ShareFormProps {
    pub form: Form,
}

#[component]
pub fn ShareForm(props: &ShareFormProps) -> Html {
    let i18n = use_i18n();
    let copied = use_state(|| false);
    let snippet_ref = use_node_ref();
    let url = format!("{}{}", origin(), props.form.path);

    // Copying also selects the text, so Ctrl+C works where the clipboard API does not.
    let copy = {
        let (snippet, copied, snippet_ref) = (
            props.form.embed_snippet.clone(),
            copied.clone(),
            snippet_ref.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = snippet_ref.cast::<web_sys::HtmlTextAreaElement>() {
                el.select();
            }
            let promise = gloo::utils::window()
                .navigator()
                .clipboard()
                .write_text(&snippet);
            let copied = copied.clone();
            spawn_local(async move {
                if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                    copied.set(true);
                }
            });
        })
    };
    let rows = props
        .form
        .embed_snippet
        .lines()
        .count()
        .clamp(4, 14)
        .to_string();

    html! {
        <section class="share-form" aria-labelledby="share-form-title" data-testid="form-share">
            <h3 id="share-form-title" class="section-title">{ i18n.t(Key::ShareForm) }</h3>
            <div class="field">
                <span class="field-label">{ i18n.t(Key::HostedPage) }</span>
                <div class="input-with-button">
                    <a class="hosted-link mono" href={url.clone()} target="_blank" rel="noopener"
                       data-testid="form-hosted-link">{ url.clone() }</a>
                    <a class="btn btn-secondary" href={url} target="_blank" rel="noopener">
                        <Icon name={IconName::External} />{ i18n.t(Key::OpenPage) }
                    </a>
                </div>
                <p class="field-hint">{ i18n.t(Key::HostedPageHint) }</p>
            </div>
            <div class="field">
                <div class="snippet-head">
                    <label class="field-label" for="form-embed-snippet">{ i18n.t(Key::EmbedSnippet) }</label>
                    <button type="button" class="btn btn-secondary btn-sm" data-testid="form-copy-snippet" onclick={copy}>
                        <Icon name={if *copied { IconName::Check } else { IconName::Copy }} />
                        { i18n.t(if *copied { Key::Copied } else { Key::Copy }) }
                    </button>
                </div>
                <textarea id="form-embed-snippet" ref={snippet_ref} class="input mono snippet" readonly=true
                          spellcheck="false" {rows} data-testid="form-embed-snippet"
                          value={props.form.embed_snippet.clone()} />
                <p class="field-hint">{ i18n.t(Key::EmbedSnippetHint) }</p>
            </div>
        </section>
    }
}
