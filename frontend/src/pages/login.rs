//! Sign-in: email and password, the language switch, and a clear message when it fails.

use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{auth, use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::form::{input_value, Field, FormErrors};
use crate::components::icon::{Icon, IconName};
use crate::components::lang_switch::LangSwitch;
use crate::i18n::{use_i18n, Key};
use crate::routes::Route;
use crate::session::{use_session, SessionAction};

#[component]
pub fn LoginPage() -> Html {
    let session = use_session();
    let client = use_client();
    let i18n = use_i18n();
    let email = use_state(String::new);
    let password = use_state(String::new);
    let busy = use_state(|| false);
    let errors = use_state(FormErrors::default);
    let failure = use_state(|| None::<ApiError>);

    if session.signed_in() {
        return html! { <Redirect<Route> to={Route::Leads} /> };
    }

    let onsubmit = {
        let (email, password, busy, errors, failure) = (
            email.clone(),
            password.clone(),
            busy.clone(),
            errors.clone(),
            failure.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            failure.set(None);
            let (client, email, password, busy, errors, failure) = (
                client.clone(),
                (*email).trim().to_owned(),
                (*password).clone(),
                busy.clone(),
                errors.clone(),
                failure.clone(),
            );
            spawn_local(async move {
                match auth::login(&client, &email, &password).await {
                    Ok(payload) => match payload.session() {
                        Some((tokens, user)) => {
                            errors.set(FormErrors::default());
                            client.dispatch(SessionAction::SignedIn { tokens, user });
                        }
                        None => errors.set(FormErrors::new(payload.user_errors)),
                    },
                    Err(err) => failure.set(Some(err)),
                }
                busy.set(false);
            });
        })
    };

    let on_email = {
        let email = email.clone();
        Callback::from(move |e: InputEvent| email.set(input_value(&e)))
    };
    let on_password = {
        let password = password.clone();
        Callback::from(move |e: InputEvent| password.set(input_value(&e)))
    };

    // Credentials errors concern the pair, so they go above the form, not under a field.
    let general = errors.general(&i18n, &[]);

    html! {
        <div class="login-page" data-testid="login-page">
            <div class="login-lang"><LangSwitch /></div>
            <div class="login-card card">
                <div class="login-brand">
                    <span class="brand-mark brand-mark-lg" aria-hidden="true">{ "L" }</span>
                    <h1 class="login-title">{ i18n.t(Key::LoginTitle) }</h1>
                    <p class="login-subtitle">{ i18n.t(Key::AppTagline) }</p>
                </div>
                <form class="form" {onsubmit}>
                    if !general.is_empty() {
                        <div class="notice notice-error" role="alert" data-testid="login-error">
                            <Icon name={IconName::Alert} />
                            <div class="notice-body">
                                { for general.iter().map(|m| html! { <span>{ m.clone() }</span> }) }
                            </div>
                        </div>
                    }
                    if let Some(err) = &*failure {
                        <ErrorNotice error={err.clone()} />
                    }
                    <Field id="login-email" label={i18n.t(Key::Email)}>
                        <input id="login-email" data-testid="login-email" class="input" type="email"
                               name="email" autocomplete="username" required=true autofocus=true
                               placeholder={i18n.t(Key::EmailPlaceholder)}
                               value={(*email).clone()} oninput={on_email} />
                    </Field>
                    <Field id="login-password" label={i18n.t(Key::Password)}>
                        <input id="login-password" data-testid="login-password" class="input" type="password"
                               name="password" autocomplete="current-password" required=true
                               value={(*password).clone()} oninput={on_password} />
                    </Field>
                    <button type="submit" class="btn btn-primary btn-block" data-testid="login-submit"
                            disabled={*busy} aria-busy={busy.to_string()}>
                        { if *busy { i18n.t(Key::SigningIn) } else { i18n.t(Key::SignIn) } }
                    </button>
                </form>
                <p class="login-help">{ i18n.t(Key::LoginHelp) }</p>
            </div>
        </div>
    }
}
