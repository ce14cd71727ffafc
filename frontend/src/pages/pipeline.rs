//! The opportunity kanban. Not built yet: the page says which milestone brings it.

use yew::prelude::*;

use crate::components::icon::IconName;
use crate::components::upcoming::Upcoming;
use crate::i18n::Key;

#[component]
pub fn PipelinePage() -> Html {
    html! {
        <Upcoming title={Key::NavPipeline} empty_title={Key::PipelineEmptyTitle}
                  empty_hint={Key::PipelineEmptyHint} icon={IconName::Pipeline} testid="page-pipeline" />
    }
}
