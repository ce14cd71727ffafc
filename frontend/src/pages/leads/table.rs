//! The lead table: one dense row per lead, the whole row opens the lead. Column widths
//! are fixed in the stylesheet so arriving rows never make them dance; on a tablet the
//! region and source columns fold away.
//!
//! The first column selects rows for the bulk actions; a click there (or on its padding)
//! never opens the lead. The header box selects every loaded row, and shows "some" as
//! indeterminate. A page may add one action per row (the Pool page's "Claim") as a last
//! column, which never opens the lead either.

use std::collections::BTreeSet;

use yew::prelude::*;
use yew_router::prelude::*;

use super::badges::{owner_html, region, ScoreMeter, StageBadge};
use crate::api::leads::LeadRow;
use crate::components::skeleton::TableSkeleton;
use crate::i18n::{channel_key, use_i18n, Key};
use crate::routes::Route;

/// Columns, for the skeleton.
const COLUMNS: usize = 10;

#[derive(Properties, PartialEq)]
pub struct LeadTableProps {
    pub rows: Vec<LeadRow>,
    /// First load: skeleton rows instead of data.
    pub loading: bool,
    /// New filters are loading: the old rows stay, dimmed, so nothing jumps.
    #[prop_or_default]
    pub stale: bool,
    /// Ids of the ticked rows.
    #[prop_or_default]
    pub selected: BTreeSet<String>,
    /// A row's box was ticked or unticked: its id and the new state.
    #[prop_or_default]
    pub on_select: Callback<(String, bool)>,
    /// The header box: `true` ticks every loaded row, `false` clears.
    #[prop_or_default]
    pub on_select_all: Callback<bool>,
    /// Draws a last cell of actions for a row, e.g. a "Claim" button.
    #[prop_or_default]
    pub row_action: Option<Callback<LeadRow, Html>>,
}

/// Clicks in the selection cell stay there: they must not reach the row and open it.
fn stay_in_cell() -> Callback<MouseEvent> {
    Callback::from(|e: MouseEvent| e.stop_propagation())
}

#[component]
pub fn LeadTable(props: &LeadTableProps) -> Html {
    let i18n = use_i18n();
    let header_box = use_node_ref();
    let ticked = props
        .rows
        .iter()
        .filter(|r| props.selected.contains(&r.id))
        .count();
    let all = !props.rows.is_empty() && ticked == props.rows.len();
    let some = ticked > 0 && !all;
    // `indeterminate` is a property only, not an attribute.
    {
        let header_box = header_box.clone();
        use_effect_with(some, move |some| {
            if let Some(input) = header_box.cast::<web_sys::HtmlInputElement>() {
                input.set_indeterminate(*some);
            }
        });
    }
    let on_all = {
        let cb = props.on_select_all.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            cb.emit(input.checked());
        })
    };
    let columns = COLUMNS + usize::from(props.row_action.is_some());
    let body = if props.loading {
        html! { <TableSkeleton {columns} rows={8} /> }
    } else {
        html! {
            <tbody class={classes!(props.stale.then_some("is-stale"))} aria-busy={props.stale.to_string()}>
                { for props.rows.iter().map(|lead| html! {
                    <LeadRowView key={lead.id.clone()} lead={lead.clone()}
                                 selected={props.selected.contains(&lead.id)} on_select={props.on_select.clone()}
                                 action={props.row_action.clone()} />
                }) }
            </tbody>
        }
    };
    html! {
        <div class="card table-wrap">
            <table class="table table-fixed lead-table" data-testid="lead-table">
                <thead>
                    <tr>
                        <th scope="col" class="c-select" onclick={stay_in_cell()}>
                            <label class="select-box">
                                <input type="checkbox" ref={header_box} data-testid="select-all"
                                       aria-label={i18n.t(Key::SelectAllRows)} checked={all}
                                       disabled={props.loading || props.rows.is_empty()} onchange={on_all} />
                            </label>
                        </th>
                        <th scope="col" class="c-name">{ i18n.t(Key::Name) }</th>
                        <th scope="col" class="c-company">{ i18n.t(Key::Company) }</th>
                        <th scope="col" class="c-contact">{ i18n.t(Key::Contact) }</th>
                        <th scope="col" class="c-region opt">{ i18n.t(Key::Region) }</th>
                        <th scope="col" class="c-source opt">{ i18n.t(Key::Source) }</th>
                        <th scope="col" class="c-stage">{ i18n.t(Key::Stage) }</th>
                        <th scope="col" class="c-owner">{ i18n.t(Key::Owner) }</th>
                        <th scope="col" class="c-score">{ i18n.t(Key::Score) }</th>
                        <th scope="col" class="c-created">{ i18n.t(Key::Created) }</th>
                        if props.row_action.is_some() {
                            <th scope="col" class="c-action"><span class="visually-hidden">{ i18n.t(Key::Actions) }</span></th>
                        }
                    </tr>
                </thead>
                { body }
            </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LeadRowViewProps {
    lead: LeadRow,
    selected: bool,
    on_select: Callback<(String, bool)>,
    action: Option<Callback<LeadRow, Html>>,
}

#[component]
fn LeadRowView(props: &LeadRowViewProps) -> Html {
    let i18n = use_i18n();
    let navigator = use_navigator();
    let lead = &props.lead;
    let to = Route::LeadDetail {
        id: lead.id.clone(),
    };
    // The row is clickable for the mouse; the name is a real link for keyboard,
    // middle-click and "open in new tab".
    let open_row = {
        let (navigator, to) = (navigator.clone(), to.clone());
        Callback::from(move |e: MouseEvent| {
            if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
                return;
            }
            e.prevent_default();
            if let Some(navigator) = &navigator {
                navigator.push(&to);
            }
        })
    };
    let link_click = {
        let open_row = open_row.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            open_row.emit(e);
        })
    };
    let on_tick = {
        let (cb, id) = (props.on_select.clone(), lead.id.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            cb.emit((id.clone(), input.checked()));
        })
    };
    let dash = || html! { <span class="muted">{ "—" }</span> };
    let contact_primary = lead.phone.clone().or_else(|| lead.email.clone());
    let contact_secondary = lead.phone.as_ref().and(lead.email.clone());

    html! {
        <tr class={classes!("is-clickable", props.selected.then_some("is-selected"))} data-testid="lead-row"
            data-id={lead.id.clone()} onclick={open_row}>
            <td class="c-select" onclick={stay_in_cell()}>
                <label class="select-box">
                    <input type="checkbox" data-testid="lead-select" checked={props.selected}
                           aria-label={i18n.tf(Key::SelectRow, &[("name", &lead.person_name)])} onchange={on_tick} />
                </label>
            </td>
            <td>
                <a class="cell-primary row-link" href={to.to_path()} title={lead.person_name.clone()}
                   onclick={link_click}>{ lead.person_name.clone() }</a>
                if let Some(title) = &lead.title {
                    <div class="cell-secondary">{ title.clone() }</div>
                }
                if !lead.tags.is_empty() {
                    <div class="row-tags" data-testid="lead-row-tags">
                        { for lead.tags.iter().map(|t| html! { <span class="chip chip-sm">{ t.clone() }</span> }) }
                    </div>
                }
            </td>
            <td>
                if let Some(company) = &lead.company {
                    <div class="cell-text" title={company.clone()}>{ company.clone() }</div>
                } else { { dash() } }
            </td>
            <td>
                if let Some(primary) = contact_primary {
                    <div class="cell-text mono-digits" title={primary.clone()}>{ primary }</div>
                    if let Some(email) = contact_secondary {
                        <div class="cell-secondary" title={email.clone()}>{ email }</div>
                    }
                } else { { dash() } }
            </td>
            <td class="opt">
                if let Some(region) = region(lead.province.as_deref(), lead.city.as_deref()) {
                    <div class="cell-text">{ region }</div>
                } else { { dash() } }
            </td>
            <td class="opt"><div class="cell-text">{ i18n.t(channel_key(lead.source)) }</div></td>
            <td><StageBadge stage={lead.stage} /></td>
            <td data-testid="lead-owner"><div class="cell-text">{ owner_html(&i18n, lead.owner.as_ref()) }</div></td>
            <td><ScoreMeter score={lead.total_score} /></td>
            <td class="cell-time" title={i18n.datetime(&lead.created_at)}>{ i18n.relative(&lead.created_at) }</td>
            if let Some(action) = &props.action {
                <td class="c-action" onclick={stay_in_cell()}>{ action.emit(lead.clone()) }</td>
            }
        </tr>
    }
}
