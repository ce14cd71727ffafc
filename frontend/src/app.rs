//! The root component: language, session and router, in that order, around the routes.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::i18n::LangProvider;
use crate::routes::{switch, Route};
use crate::session::SessionProvider;

#[component]
pub fn App() -> Html {
    html! {
        <LangProvider>
            <SessionProvider>
                <BrowserRouter>
                    <Switch<Route> render={switch} />
                </BrowserRouter>
            </SessionProvider>
        </LangProvider>
    }
}
