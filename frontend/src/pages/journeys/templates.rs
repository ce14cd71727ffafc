//! Email templates: the list, and an editor with the variables a click away, a live
//! preview rendered by the server as a sample lead would receive it (unknown variables
//! are named there before saving), and a test send to any address.

use gloo::timers::callback::Timeout;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::DesignersOnly;
use crate::api::journeys::{self, EmailPreview, EmailTemplate};
use crate::api::types::UserError;
use crate::api::{use_client, ApiError};
use crate::components::error_notice::{ErrorNotice, SuccessNotice};
use crate::components::form::{input_value, FormErrors};
use crate::components::icon::{Icon, IconName};
use crate::components::page_header::PageHeader;
use crate::i18n::{use_i18n, Key};
use crate::routes::Route;

/// Wait this long after the last keystroke before asking for a preview.
const PREVIEW_DEBOUNCE_MS: u32 = 350;
const VARIABLES: [&str; 3] = ["{{name}}", "{{company}}", "{{owner_name}}"];

#[component]
pub fn EmailTemplatesPage() -> Html {
    html! { <DesignersOnly><Templates /></DesignersOnly> }
}

#[component]
fn Templates() -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let list = use_state(|| None::<Result<Vec<EmailTemplate>, ApiError>>);
    let reload = use_state(|| 0u32);
    // `None`: a new template.
    let selected = use_state(|| None::<String>);
    {
        let (client, list) = (client.clone(), list.clone());
        use_effect_with(*reload, move |_| {
            spawn_local(async move { list.set(Some(journeys::templates(&client).await)) });
        });
    }
    let retry = {
        let reload = reload.clone();
        Callback::from(move |()| reload.set(*reload + 1))
    };
    let on_saved = {
        let (reload, selected) = (reload.clone(), selected.clone());
        Callback::from(move |t: EmailTemplate| {
            selected.set(Some(t.id));
            reload.set(*reload + 1);
        })
    };
    let new_template = {
        let selected = selected.clone();
        Callback::from(move |_: MouseEvent| selected.set(None))
    };
    let body = match &*list {
        None => {
            html! { <div class="card card-pad muted" aria-busy="true">{ i18n.t(Key::Loading) }</div> }
        }
        Some(Err(err)) => html! { <ErrorNotice error={err.clone()} on_retry={retry} /> },
        Some(Ok(items)) => {
            let current = selected
                .as_ref()
                .and_then(|id| items.iter().find(|t| &t.id == id))
                .cloned();
            let editor_key = current
                .as_ref()
                .map_or_else(|| "new".to_owned(), |t| t.id.clone());
            html! {
                <div class="tpl-layout">
                    <nav class="card tpl-list" data-testid="template-list">
                        <button type="button" class={classes!("tpl-item", "tpl-new", selected.is_none().then_some("is-active"))}
                                data-testid="template-new" onclick={new_template}>
                            <Icon name={IconName::Plus} /><span>{ i18n.t(Key::TplNew) }</span>
                        </button>
                        { for items.iter().map(|t| {
                            let select = {
                                let (selected, id) = (selected.clone(), t.id.clone());
                                Callback::from(move |_: MouseEvent| selected.set(Some(id.clone())))
                            };
                            let active = selected.as_deref() == Some(t.id.as_str());
                            html! {
                                <button type="button" class={classes!("tpl-item", active.then_some("is-active"))}
                                        data-testid="template-item" data-name={t.name.clone()} onclick={select}>
                                    <strong>{ t.name.clone() }</strong>
                                    <span class="muted">{ t.subject.clone() }</span>
                                </button>
                            }
                        }) }
                    </nav>
                    <TemplateEditor key={editor_key}
                                    template={current} {on_saved} />
                </div>
            }
        }
    };
    html! {
        <section class="page" data-testid="page-templates">
            <PageHeader title={i18n.t(Key::TplTitle)} subtitle={AttrValue::from(i18n.t(Key::TplSubtitle))}>
                <Link<Route> to={Route::Journeys} classes="btn btn-ghost">
                    <Icon name={IconName::ArrowLeft} /><span>{ i18n.t(Key::NavJourneys) }</span>
                </Link<Route>>
            </PageHeader>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    template: Option<EmailTemplate>,
    on_saved: Callback<EmailTemplate>,
}

#[component]
fn TemplateEditor(props: &EditorProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let t = props.template.clone();
    let name = use_state(|| t.as_ref().map(|t| t.name.clone()).unwrap_or_default());
    let subject = use_state(|| t.as_ref().map(|t| t.subject.clone()).unwrap_or_default());
    let body = use_state(|| t.as_ref().map(|t| t.body.clone()).unwrap_or_default());
    let errors = use_state(FormErrors::default);
    let preview = use_state(|| None::<Result<EmailPreview, Vec<UserError>>>);
    let busy = use_state(|| false);
    let failure = use_state(|| None::<ApiError>);
    let notice = use_state(|| None::<String>);
    let to = use_state(String::new);
    let send_errors = use_state(FormErrors::default);
    let body_ref = use_node_ref();

    // The preview follows the text, a moment after typing stops.
    {
        let (client, preview) = (client.clone(), preview.clone());
        use_effect_with(
            ((*subject).clone(), (*body).clone()),
            move |(subject, body)| {
                let (subject, body) = (subject.clone(), body.clone());
                let timeout = Timeout::new(PREVIEW_DEBOUNCE_MS, move || {
                    spawn_local(async move {
                        if let Ok(payload) = journeys::preview(&client, &subject, &body).await {
                            match payload.preview {
                                Some(p) if payload.user_errors.is_empty() => {
                                    preview.set(Some(Ok(p)))
                                }
                                _ => preview.set(Some(Err(payload.user_errors))),
                            }
                        }
                    });
                });
                move || drop(timeout)
            },
        );
    }

    let text = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(input_value(&e)))
    };
    let insert = |var: &'static str| {
        let (body, body_ref) = (body.clone(), body_ref.clone());
        Callback::from(move |_: MouseEvent| {
            let area = body_ref.cast::<web_sys::HtmlTextAreaElement>();
            let at = area
                .as_ref()
                .and_then(|a| a.selection_start().ok().flatten())
                .map(|n| n as usize);
            let mut text: Vec<u16> = body.encode_utf16().collect();
            let at = at.unwrap_or(text.len()).min(text.len());
            let tail = text.split_off(at);
            text.extend(var.encode_utf16());
            text.extend(tail);
            body.set(String::from_utf16_lossy(&text));
            if let Some(a) = area {
                let _ = a.focus();
            }
        })
    };
    let save = {
        let (client, id, name, subject, body, errors, busy, failure, notice, on_saved) = (
            client.clone(),
            t.as_ref().map(|t| t.id.clone()),
            name.clone(),
            subject.clone(),
            body.clone(),
            errors.clone(),
            busy.clone(),
            failure.clone(),
            notice.clone(),
            props.on_saved.clone(),
        );
        let i18n = i18n.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (client, id, errors, busy, failure, notice, on_saved) = (
                client.clone(),
                id.clone(),
                errors.clone(),
                busy.clone(),
                failure.clone(),
                notice.clone(),
                on_saved.clone(),
            );
            let (n, s, b) = ((*name).clone(), (*subject).clone(), (*body).clone());
            let i18n = i18n.clone();
            busy.set(true);
            failure.set(None);
            notice.set(None);
            spawn_local(async move {
                let result = journeys::save_template(&client, id.as_deref(), &n, &s, &b).await;
                busy.set(false);
                match result {
                    Ok(payload) => match payload.template {
                        Some(saved) if payload.user_errors.is_empty() => {
                            errors.set(FormErrors::default());
                            notice.set(Some(i18n.tf(Key::TplSaved, &[("name", &saved.name)])));
                            on_saved.emit(saved);
                        }
                        _ => errors.set(FormErrors::new(payload.user_errors)),
                    },
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };
    let test_send = {
        let (client, id, to, send_errors, failure, notice) = (
            client.clone(),
            t.as_ref().map(|t| t.id.clone()),
            to.clone(),
            send_errors.clone(),
            failure.clone(),
            notice.clone(),
        );
        let i18n = i18n.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(id) = id.clone() else { return };
            let (client, address, send_errors, failure, notice) = (
                client.clone(),
                (*to).trim().to_owned(),
                send_errors.clone(),
                failure.clone(),
                notice.clone(),
            );
            let i18n = i18n.clone();
            spawn_local(async move {
                match journeys::test_send(&client, &id, &address).await {
                    Ok(p) if p.sent && p.user_errors.is_empty() => {
                        send_errors.set(FormErrors::default());
                        notice.set(Some(i18n.tf(Key::TplTestSent, &[("to", &address)])));
                    }
                    Ok(p) => send_errors.set(FormErrors::new(p.user_errors)),
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };

    let field_error = |field: &str| {
        errors.for_field(&i18n, field).map(|m| {
            let detail = errors.detail_for_field(field).unwrap_or_default();
            html! { <span class="field-error" data-testid={format!("tpl-error-{field}")}>{ format!("{m} {detail}") }</span> }
        })
    };
    let preview_view = match &*preview {
        None => html! { <p class="muted">{ i18n.t(Key::TplPreviewEmpty) }</p> },
        Some(Ok(p)) => html! {
            <div class="tpl-mail" data-testid="tpl-preview">
                <div class="tpl-mail-subject" data-testid="tpl-preview-subject">{ p.subject.clone() }</div>
                <div class="tpl-mail-body" data-testid="tpl-preview-body">{ p.text.clone() }</div>
            </div>
        },
        Some(Err(errs)) => html! {
            <div class="notice notice-error" data-testid="tpl-preview-errors">
                <Icon name={IconName::Alert} />
                <div class="notice-body">{ for errs.iter().map(|e| html! { <span>{ e.message.clone() }</span> }) }</div>
            </div>
        },
    };

    html! {
        <div class="tpl-editor">
            <form class="card card-pad tpl-form" data-testid="template-form" onsubmit={save}>
                if let Some(err) = &*failure { <ErrorNotice error={err.clone()} /> }
                if let Some(m) = &*notice { <SuccessNotice message={m.clone()} /> }
                <label class="field"><span class="field-label">{ i18n.t(Key::TplName) }</span>
                    <input class="input" data-testid="tpl-name" value={(*name).clone()} oninput={text(&name)}
                           placeholder={i18n.t(Key::TplNamePlaceholder)} />
                    { for field_error("name") }</label>
                <label class="field"><span class="field-label">{ i18n.t(Key::TplSubject) }</span>
                    <input class="input" data-testid="tpl-subject" value={(*subject).clone()} oninput={text(&subject)} />
                    { for field_error("subject") }</label>
                <div class="field">
                    <span class="field-label">{ i18n.t(Key::TplBody) }</span>
                    <div class="tpl-vars">
                        <span class="muted">{ i18n.t(Key::TplInsert) }</span>
                        { for VARIABLES.iter().map(|v| html! {
                            <button type="button" class="chip" onclick={insert(v)}>{ *v }</button>
                        }) }
                    </div>
                    <textarea ref={body_ref} class="input tpl-body" rows="12" data-testid="tpl-body" value={(*body).clone()}
                              oninput={text(&body)} />
                    { for field_error("body") }
                    <span class="field-hint">{ i18n.t(Key::TplBodyHint) }</span>
                </div>
                <div class="tpl-actions">
                    <button type="submit" class="btn btn-primary" data-testid="tpl-save" disabled={*busy}>{ i18n.t(Key::TplSave) }</button>
                </div>
            </form>
            <div class="tpl-side">
                <div class="card card-pad">
                    <h3 class="tpl-side-title">{ i18n.t(Key::TplPreview) }</h3>
                    { preview_view }
                </div>
                <div class="card card-pad">
                    <h3 class="tpl-side-title">{ i18n.t(Key::TplTestSend) }</h3>
                    if t.is_some() {
                        <div class="jd-row">
                            <input class="input" type="email" data-testid="tpl-test-to" value={(*to).clone()} oninput={text(&to)}
                                   placeholder={i18n.t(Key::EmailPlaceholder)} />
                            <button type="button" class="btn btn-secondary" data-testid="tpl-test-send" onclick={test_send}>{ i18n.t(Key::TplSend) }</button>
                        </div>
                        if let Some(m) = send_errors.for_field(&i18n, "to") {
                            <span class="field-error" data-testid="tpl-test-error">{ format!("{m} {}", send_errors.detail_for_field("to").unwrap_or_default()) }</span>
                        }
                    } else {
                        <p class="muted">{ i18n.t(Key::TplSaveFirst) }</p>
                    }
                </div>
            </div>
        </div>
    }
}
