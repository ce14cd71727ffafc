//! What any unknown address shows.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::empty_state::EmptyState;
use crate::components::icon::IconName;
use crate::i18n::{use_i18n, Key};
use crate::routes::Route;

#[component]
pub fn NotFoundPage() -> Html {
    let i18n = use_i18n();
    html! {
        <div class="centered-page" data-testid="page-not-found">
            <div class="card card-narrow">
                <EmptyState icon={IconName::Compass} badge={AttrValue::from("404")}
                            title={i18n.t(Key::NotFoundTitle)} hint={i18n.t(Key::NotFoundHint)}>
                    <Link<Route> to={Route::Leads} classes="btn btn-primary">{ i18n.t(Key::GoToLeads) }</Link<Route>>
                </EmptyState>
            </div>
        </div>
    }
}
