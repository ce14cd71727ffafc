//! The title row at the top of every page, with room for actions on the right.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PageHeaderProps {
    pub title: AttrValue,
    #[prop_or_default]
    pub subtitle: Option<AttrValue>,
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn PageHeader(props: &PageHeaderProps) -> Html {
    html! {
        <header class="page-header">
            <div>
                <h1 class="page-title">{ props.title.clone() }</h1>
                if let Some(subtitle) = &props.subtitle {
                    <p class="page-subtitle">{ subtitle.clone() }</p>
                }
            </div>
            <div class="page-actions">{ props.children.clone() }</div>
        </header>
    }
}
