//! The claim pool of unassigned leads. Not built yet: the page says which milestone brings it.

use yew::prelude::*;

use crate::components::icon::IconName;
use crate::components::upcoming::Upcoming;
use crate::i18n::Key;

#[component]
pub fn PoolPage() -> Html {
    html! {
        <Upcoming title={Key::NavPool} empty_title={Key::PoolEmptyTitle}
                  empty_hint={Key::PoolEmptyHint} icon={IconName::Pool} testid="page-pool" />
    }
}
