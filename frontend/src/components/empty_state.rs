//! A calm, centred explanation for a screen with nothing to show yet.

use yew::prelude::*;

use crate::components::icon::{Icon, IconName};

#[derive(Properties, PartialEq)]
pub struct EmptyStateProps {
    pub icon: IconName,
    pub title: AttrValue,
    pub hint: AttrValue,
    /// An optional badge above the title, e.g. "Coming soon".
    #[prop_or_default]
    pub badge: Option<AttrValue>,
    /// Actions, e.g. a "New user" button.
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn EmptyState(props: &EmptyStateProps) -> Html {
    html! {
        <div class="empty-state" data-testid="empty-state">
            <div class="empty-state-icon"><Icon name={props.icon} size={22} /></div>
            if let Some(badge) = &props.badge {
                <span class="badge badge-accent">{ badge.clone() }</span>
            }
            <h2 class="empty-state-title">{ props.title.clone() }</h2>
            <p class="empty-state-hint">{ props.hint.clone() }</p>
            <div class="empty-state-actions">{ props.children.clone() }</div>
        </div>
    }
}
