//! The funnel, source ROI and rep analytics. Not built yet: the page says which milestone brings it.

use yew::prelude::*;

use crate::components::icon::IconName;
use crate::components::upcoming::Upcoming;
use crate::i18n::Key;

#[component]
pub fn DashboardsPage() -> Html {
    html! {
        <Upcoming title={Key::NavDashboards} empty_title={Key::DashboardsEmptyTitle}
                  empty_hint={Key::DashboardsEmptyHint} icon={IconName::Dashboards} testid="page-dashboards" />
    }
}
