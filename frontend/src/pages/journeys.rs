//! The nurture journeys and their designer. Not built yet: the page says which milestone brings it.

use yew::prelude::*;

use crate::components::icon::IconName;
use crate::components::upcoming::Upcoming;
use crate::i18n::Key;

#[component]
pub fn JourneysPage() -> Html {
    html! {
        <Upcoming title={Key::NavJourneys} empty_title={Key::JourneysEmptyTitle}
                  empty_hint={Key::JourneysEmptyHint} icon={IconName::Journeys} testid="page-journeys" />
    }
}
