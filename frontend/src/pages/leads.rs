//! The lead list, filters and bulk actions. Not built yet: the page says which milestone brings it.

use yew::prelude::*;

use crate::components::icon::IconName;
use crate::components::upcoming::Upcoming;
use crate::i18n::Key;

#[component]
pub fn LeadsPage() -> Html {
    html! {
        <Upcoming title={Key::NavLeads} empty_title={Key::LeadsEmptyTitle}
                  empty_hint={Key::LeadsEmptyHint} icon={IconName::Leads} testid="page-leads" />
    }
}
