//! The lead table: one dense row per lead, the whole row opens the lead. Column widths
//! are fixed in the stylesheet so arriving rows never make them dance; on a tablet the
//! region and source columns fold away.

use yew::prelude::*;
use yew_router::prelude::*;

use super::badges::{owner_html, region, ScoreMeter, StageBadge};
use crate::api::leads::LeadRow;
use crate::components::skeleton::TableSkeleton;
use crate::i18n::{channel_key, use_i18n, Key};
use crate::routes::Route;

/// Columns, for the skeleton.
const COLUMNS: usize = 9;

#[derive(Properties, PartialEq)]
pub struct LeadTableProps {
    pub rows: Vec<LeadRow>,
    /// First load: skeleton rows instead of data.
    pub loading: bool,
    /// New filters are loading: the old rows stay, dimmed, so nothing jumps.
    #[prop_or_default]
    pub stale: bool,
}

#[component]
pub fn LeadTable(props: &LeadTableProps) -> Html {
    let i18n = use_i18n();
    let body = if props.loading {
        html! { <TableSkeleton columns={COLUMNS} rows={8} /> }
    } else {
        html! {
            <tbody class={classes!(props.stale.then_some("is-stale"))} aria-busy={props.stale.to_string()}>
                { for props.rows.iter().map(|lead| html! { <LeadRowView key={lead.id.clone()} lead={lead.clone()} /> }) }
            </tbody>
        }
    };
    html! {
        <div class="card table-wrap">
            <table class="table table-fixed lead-table" data-testid="lead-table">
                <thead>
                    <tr>
                        <th scope="col" class="c-name">{ i18n.t(Key::Name) }</th>
                        <th scope="col" class="c-company">{ i18n.t(Key::Company) }</th>
                        <th scope="col" class="c-contact">{ i18n.t(Key::Contact) }</th>
                        <th scope="col" class="c-region opt">{ i18n.t(Key::Region) }</th>
                        <th scope="col" class="c-source opt">{ i18n.t(Key::Source) }</th>
                        <th scope="col" class="c-stage">{ i18n.t(Key::Stage) }</th>
                        <th scope="col" class="c-owner">{ i18n.t(Key::Owner) }</th>
                        <th scope="col" class="c-score">{ i18n.t(Key::Score) }</th>
                        <th scope="col" class="c-created">{ i18n.t(Key::Created) }</th>
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
    let dash = || html! { <span class="muted">{ "—" }</span> };
    let contact_primary = lead.phone.clone().or_else(|| lead.email.clone());
    let contact_secondary = lead.phone.as_ref().and(lead.email.clone());

    html! {
        <tr class="is-clickable" data-testid="lead-row" data-id={lead.id.clone()} onclick={open_row}>
            <td>
                <a class="cell-primary row-link" href={to.to_path()} title={lead.person_name.clone()}
                   onclick={link_click}>{ lead.person_name.clone() }</a>
                if let Some(title) = &lead.title {
                    <div class="cell-secondary">{ title.clone() }</div>
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
            <td><div class="cell-text">{ owner_html(&i18n, lead.owner.as_ref()) }</div></td>
            <td><ScoreMeter score={lead.total_score} /></td>
            <td class="cell-time" title={i18n.datetime(&lead.created_at)}>{ i18n.relative(&lead.created_at) }</td>
        </tr>
    }
}
