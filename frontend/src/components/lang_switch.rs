//! The zh-CN / English switch, shown in the shell and on the login page.

use yew::prelude::*;

use crate::i18n::{use_i18n, Key, Lang};

#[component]
pub fn LangSwitch() -> Html {
    let i18n = use_i18n();
    html! {
        <div class="segmented" role="group" aria-label={i18n.t(Key::Language)}>
            { for Lang::ALL.iter().map(|lang| {
                let lang = *lang;
                let pressed = i18n.lang == lang;
                let onclick = {
                    let i18n = i18n.clone();
                    Callback::from(move |_: MouseEvent| i18n.set_lang(lang))
                };
                let testid = match lang { Lang::ZhCn => "lang-zh", Lang::En => "lang-en" };
                html! {
                    <button type="button" class={classes!("segmented-item", pressed.then_some("is-active"))}
                            aria-pressed={pressed.to_string()} lang={lang.tag()}
                            data-testid={testid} {onclick}>
                        { lang.native_name() }
                    </button>
                }
            }) }
        </div>
    }
}
