//! The API keys tab: create a key with a name and scopes, copy its secret (shown once),
//! revoke keys that leaked or are no longer used.

use leadflow_shared::ApiScope;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::types::ApiKey;
use crate::api::{api_keys, use_client, ApiError};
use crate::components::empty_state::EmptyState;
use crate::components::error_notice::ErrorNotice;
use crate::components::form::{input_value, Field, FormAlert, FormErrors};
use crate::components::icon::{Icon, IconName};
use crate::components::skeleton::TableSkeleton;
use crate::i18n::{scope_key, use_i18n, Key};

fn scope_testid(scope: ApiScope) -> String {
    let wire = serde_json::to_value(scope)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    format!("apikey-scope-{wire}")
}

#[component]
pub fn ApiKeysTab() -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let list = use_state(|| None::<Result<Vec<ApiKey>, ApiError>>);
    let reload = use_state(|| 0u32);
    let name = use_state(String::new);
    let scopes = use_state(Vec::<ApiScope>::new);
    let errors = use_state(FormErrors::default);
    let failure = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let secret = use_state(|| None::<(String, String)>);

    {
        let (client, list) = (client.clone(), list.clone());
        use_effect_with(*reload, move |_| {
            spawn_local(async move { list.set(Some(api_keys::list(&client).await)) });
        });
    }

    let onsubmit = {
        let (client, name, scopes, errors, failure, busy, reload, secret) = (
            client.clone(),
            name.clone(),
            scopes.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
            reload.clone(),
            secret.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            if scopes.is_empty() {
                errors.set(FormErrors::local(
                    "scopes",
                    leadflow_shared::UserErrorCode::Required,
                ));
                return;
            }
            busy.set(true);
            failure.set(None);
            let key_name = name.trim().to_owned();
            let chosen: Vec<ApiScope> = ApiScope::ALL
                .into_iter()
                .filter(|s| scopes.contains(s))
                .collect();
            let (client, name, scopes, errors, failure, busy, reload, secret) = (
                client.clone(),
                name.clone(),
                scopes.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                reload.clone(),
                secret.clone(),
            );
            spawn_local(async move {
                match api_keys::create(&client, &key_name, &chosen).await {
                    Ok(payload) if payload.user_errors.is_empty() && payload.secret.is_some() => {
                        errors.set(FormErrors::default());
                        secret.set(payload.secret.map(|s| (key_name, s)));
                        name.set(String::new());
                        scopes.set(Vec::new());
                        reload.set(*reload + 1);
                    }
                    Ok(payload) => errors.set(FormErrors::new(payload.user_errors)),
                    Err(err) => failure.set(Some(err)),
                }
                busy.set(false);
            });
        })
    };

    let revoke = {
        let (client, reload, failure, i18n) = (
            client.clone(),
            reload.clone(),
            failure.clone(),
            i18n.clone(),
        );
        Callback::from(move |key: ApiKey| {
            if !gloo::dialogs::confirm(&i18n.tf(Key::RevokeConfirm, &[("name", &key.name)])) {
                return;
            }
            let (client, reload, failure) = (client.clone(), reload.clone(), failure.clone());
            spawn_local(async move {
                match api_keys::revoke(&client, &key.id).await {
                    Ok(_) => reload.set(*reload + 1),
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };

    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| name.set(input_value(&e)))
    };
    let retry = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let scope_error = errors.for_field(&i18n, "scopes").map(|msg| {
        if scopes.is_empty() {
            i18n.t(Key::ScopesRequired).to_owned()
        } else {
            msg
        }
    });

    let head = html! {
        <thead><tr>
        <th scope="col">{ i18n.t(Key::ApiKeyName) }</th>
        <th scope="col">{ i18n.t(Key::Scopes) }</th>
        <th scope="col">{ i18n.t(Key::Created) }</th>
        <th scope="col">{ i18n.t(Key::LastUsed) }</th>
        <th scope="col" class="actions-col"><span class="visually-hidden">{ i18n.t(Key::Actions) }</span></th>
        </tr></thead>
    };
    let table = match &*list {
        None => html! {
            <div class="card table-wrap"><table class="table">{ head }<TableSkeleton columns={5} rows={3} /></table></div>
        },
        Some(Err(err)) => html! { <ErrorNotice error={err.clone()} on_retry={retry} /> },
        Some(Ok(keys)) if keys.is_empty() => html! {
            <div class="card">
                <EmptyState icon={IconName::Key} title={i18n.t(Key::ApiKeysEmptyTitle)} hint={i18n.t(Key::ApiKeysEmptyHint)} />
            </div>
        },
        Some(Ok(keys)) => html! {
            <div class="card table-wrap">
                <table class="table" data-testid="apikeys-table">
                    { head.clone() }
                    <tbody>
                        { for keys.iter().map(|key| {
                            let onclick = {
                                let (revoke, key) = (revoke.clone(), key.clone());
                                Callback::from(move |_: MouseEvent| revoke.emit(key.clone()))
                            };
                            let revoked = key.revoked_at.is_some();
                            html! {
                                <tr key={key.id.clone()} data-testid="apikey-row" data-name={key.name.clone()}
                                    class={classes!(revoked.then_some("is-muted"))}>
                                    <td>
                                        <div class="cell-primary">{ key.name.clone() }</div>
                                        <code class="cell-secondary mono">{ format!("{}…", key.prefix) }</code>
                                    </td>
                                    <td>
                                        <div class="chips">
                                            { for key.scopes.iter().map(|s| html! {
                                                <span class="chip" title={s.as_str()}>{ i18n.t(scope_key(*s)) }</span>
                                            }) }
                                        </div>
                                    </td>
                                    <td class="cell-secondary">{ i18n.datetime(&key.created_at) }</td>
                                    <td class="cell-secondary">
                                        { key.last_used_at.as_deref().map(|t| i18n.datetime(t)).unwrap_or_else(|| i18n.t(Key::Never).to_owned()) }
                                    </td>
                                    <td class="actions-col">
                                        if revoked {
                                            <span class="status status-off"><span class="status-dot" aria-hidden="true" />{ i18n.t(Key::Revoked) }</span>
                                        } else {
                                            <button type="button" class="btn btn-ghost btn-sm btn-danger-text"
                                                    data-testid="apikey-revoke" {onclick}>{ i18n.t(Key::Revoke) }</button>
                                        }
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        },
    };

    html! {
        <div class="tab-panel" data-testid="apikeys-tab">
            if let Some((key_name, value)) = &*secret {
                <SecretBox name={key_name.clone()} secret={value.clone()} on_done={{
                    let secret = secret.clone();
                    Callback::from(move |_| secret.set(None))
                }} />
            }
            <form class="card card-pad inline-form" data-testid="apikey-form" {onsubmit}>
                <h2 class="section-title">{ i18n.t(Key::ApiKeyNew) }</h2>
                <FormAlert messages={errors.general(&i18n, &["name", "scopes"])} />
                if let Some(err) = &*failure {
                    <ErrorNotice error={err.clone()} />
                }
                <div class="inline-form-row">
                    <Field id="apikey-name" label={i18n.t(Key::ApiKeyName)} error={errors.for_field(&i18n, "name")}>
                        <input id="apikey-name" data-testid="apikey-name" class="input" type="text" required=true
                               autocomplete="off" placeholder={i18n.t(Key::ApiKeyNamePlaceholder)}
                               value={(*name).clone()} oninput={on_name} />
                    </Field>
                    <fieldset class={classes!("field", "scopes", scope_error.is_some().then_some("has-error"))}>
                        <legend class="field-label">{ i18n.t(Key::Scopes) }</legend>
                        <div class="checks">
                            { for ApiScope::ALL.into_iter().map(|scope| {
                                let checked = scopes.contains(&scope);
                                let onchange = {
                                    let scopes = scopes.clone();
                                    Callback::from(move |_: Event| {
                                        let mut next = (*scopes).clone();
                                        if let Some(at) = next.iter().position(|s| *s == scope) {
                                            next.remove(at);
                                        } else {
                                            next.push(scope);
                                        }
                                        scopes.set(next);
                                    })
                                };
                                html! {
                                    <label class="check">
                                        <input type="checkbox" data-testid={scope_testid(scope)} {checked} {onchange} />
                                        <span>{ i18n.t(scope_key(scope)) }</span>
                                        <code class="mono muted">{ scope.as_str() }</code>
                                    </label>
                                }
                            }) }
                        </div>
                        if let Some(msg) = scope_error {
                            <p class="field-error" data-testid="field-error-scopes">{ msg }</p>
                        }
                    </fieldset>
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" data-testid="apikey-create" disabled={*busy}>
                        <Icon name={IconName::Plus} />{ i18n.t(if *busy { Key::Saving } else { Key::Create }) }
                    </button>
                </div>
            </form>
            { table }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SecretBoxProps {
    name: String,
    secret: String,
    on_done: Callback<()>,
}

/// The freshly created key, shown this once, with a copy button and a plain warning.
#[component]
fn SecretBox(props: &SecretBoxProps) -> Html {
    let i18n = use_i18n();
    let copied = use_state(|| false);
    let input = use_node_ref();
    let copy = {
        let (secret, copied, input) = (props.secret.clone(), copied.clone(), input.clone());
        Callback::from(move |_: MouseEvent| {
            // Select the text too, so Ctrl+C works where the clipboard API is unavailable.
            if let Some(el) = input.cast::<web_sys::HtmlInputElement>() {
                el.select();
            }
            let promise = gloo::utils::window()
                .navigator()
                .clipboard()
                .write_text(&secret);
            let copied = copied.clone();
            spawn_local(async move {
                if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                    copied.set(true);
                }
            });
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        use yew::TargetCast;
        e.target_unchecked_into::<web_sys::HtmlInputElement>()
            .select();
    });
    let done = {
        let cb = props.on_done.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <section class="secret-box" role="region" aria-labelledby="secret-title" data-testid="apikey-secret-box">
            <div class="secret-head">
                <Icon name={IconName::Alert} size={18} />
                <div>
                    <h2 id="secret-title" class="section-title">{ i18n.t(Key::SecretTitle) }{ " · " }{ props.name.clone() }</h2>
                    <p class="secret-warning">{ i18n.t(Key::SecretWarning) }</p>
                </div>
            </div>
            <div class="secret-row">
                <input ref={input} class="input mono secret-value" type="text" readonly=true
                       aria-label={i18n.t(Key::SecretTitle)} value={props.secret.clone()}
                       data-testid="apikey-secret" onfocus={select_all} />
                <button type="button" class="btn btn-secondary" data-testid="apikey-copy" onclick={copy}>
                    <Icon name={if *copied { IconName::Check } else { IconName::Copy }} />
                    { i18n.t(if *copied { Key::Copied } else { Key::Copy }) }
                </button>
                <button type="button" class="btn btn-primary" data-testid="apikey-done" onclick={done}>
                    { i18n.t(Key::Done) }
                </button>
            </div>
        </section>
    }
}
