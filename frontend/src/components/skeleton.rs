//! Placeholder rows shown while a table loads, the same height as real rows so the page
//! does not jump when data arrives.

use yew::prelude::*;

use crate::i18n::{use_i18n, Key};

#[derive(Properties, PartialEq)]
pub struct TableSkeletonProps {
    #[prop_or(5)]
    pub rows: usize,
    pub columns: usize,
}

#[component]
pub fn TableSkeleton(props: &TableSkeletonProps) -> Html {
    let i18n = use_i18n();
    html! {
        <tbody class="skeleton" aria-busy="true" aria-label={i18n.t(Key::Loading)} data-testid="loading">
            { for (0..props.rows).map(|row| html! {
                <tr>
                    { for (0..props.columns).map(|col| {
                        // Vary the widths a little so it reads as text, not as a grid.
                        let width = 40 + ((row * 7 + col * 13) % 45);
                        html! { <td><span class="skeleton-bar" style={format!("width:{width}%")} /></td> }
                    }) }
                </tr>
            }) }
        </tbody>
    }
}
