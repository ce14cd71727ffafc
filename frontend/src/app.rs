//! The root component: language, session, router and toasts, in that order, around the
//! routes.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::toast::ToastProvider;
use crate::i18n::LangProvider;
use crate::routes::{switch, Route};
use crate::session::SessionProvider;

#[component]
pub fn App() -> Html {
    html! {
        <LangProvider>
            <SessionProvider>
                <BrowserRouter>
                    <ToastProvider>
                        <Switch<Route> render={switch} />
                    </ToastProvider>
                </BrowserRouter>
            </SessionProvider>
        </LangProvider>
    }
}
