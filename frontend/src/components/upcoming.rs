//! The page body for an area that a later milestone builds: says so plainly, and what
//! the area will do.

use yew::prelude::*;

use crate::components::empty_state::EmptyState;
use crate::components::icon::IconName;
use crate::components::page_header::PageHeader;
use crate::i18n::{use_i18n, Key};

#[derive(Properties, PartialEq)]
pub struct UpcomingProps {
    pub title: Key,
    pub empty_title: Key,
    pub empty_hint: Key,
    pub icon: IconName,
    /// `data-testid` of the page, e.g. `page-leads`.
    pub testid: AttrValue,
}

#[component]
pub fn Upcoming(props: &UpcomingProps) -> Html {
    let i18n = use_i18n();
    html! {
        <section class="page" data-testid={props.testid.clone()}>
            <PageHeader title={i18n.t(props.title)} />
            <div class="card">
                <EmptyState icon={props.icon} badge={AttrValue::from(i18n.t(Key::ComingSoon))}
                            title={i18n.t(props.empty_title)} hint={i18n.t(props.empty_hint)} />
            </div>
        </section>
    }
}
