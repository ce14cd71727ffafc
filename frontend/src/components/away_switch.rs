//! "I'm away" under the signed-in user's name: while it is on, routing skips them and
//! their first-contact clocks wait. Hidden when the server cannot say (an older server).

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{use_client, users};
use crate::components::toast::{use_toaster, Toast};
use crate::i18n::{use_i18n, Key};
use crate::session::use_session;

#[component]
pub fn AwaySwitch() -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let toaster = use_toaster();
    let session = use_session();
    let me = session.me.as_ref().map(|u| u.id.clone());
    // `None` until the server said (or if it cannot).
    let away = use_state(|| None::<bool>);
    let busy = use_state(|| false);

    {
        let (client, away) = (client.clone(), away.clone());
        use_effect_with(me.clone(), move |me| {
            if me.is_some() {
                spawn_local(async move {
                    match users::my_away(&client).await {
                        Ok(state) => away.set(Some(state.away)),
                        Err(err) => gloo::console::warn!(format!("away state: {err:?}")),
                    }
                });
            }
        });
    }

    let (Some(me), Some(current)) = (me, *away) else {
        return Html::default();
    };

    let on_change = {
        let (client, away, busy, toaster, i18n) = (
            client.clone(),
            away.clone(),
            busy.clone(),
            toaster.clone(),
            i18n.clone(),
        );
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let wanted = input.checked();
            let (client, away, busy, toaster, i18n, me) = (
                client.clone(),
                away.clone(),
                busy.clone(),
                toaster.clone(),
                i18n.clone(),
                me.clone(),
            );
            away.set(Some(wanted));
            busy.set(true);
            spawn_local(async move {
                let refused = match users::set_away(&client, &me, wanted).await {
                    Ok(payload) => match (payload.user, payload.user_errors.first()) {
                        (Some(user), None) => {
                            away.set(Some(user.away));
                            None
                        }
                        (_, error) => Some(error.map(|e| e.message.clone())),
                    },
                    Err(err) => Some(Some(i18n.t(err.hint()).to_owned())),
                };
                if let Some(message) = refused {
                    away.set(Some(!wanted));
                    let mut toast = Toast::error(i18n.t(Key::AwayFailed));
                    if let Some(message) = message {
                        toast = toast.with_body(message);
                    }
                    toaster.show(toast);
                }
                busy.set(false);
            });
        })
    };

    html! {
        <label class={classes!("switch", "away-switch", current.then_some("is-away"))} title={i18n.t(Key::AwayHint)}
               data-testid="away-toggle">
            <input type="checkbox" checked={current} disabled={*busy} onchange={on_change}
                   data-testid="away-input" />
            <span class="switch-track" aria-hidden="true"><span class="switch-thumb" /></span>
            <span>{ i18n.t(Key::Away) }</span>
        </label>
    }
}
