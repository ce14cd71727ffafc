//! The sales pipeline: the opportunity kanban, and a second board for the leads on
//! their way to becoming opportunities (LEAD → MQL → SQL).
//!
//! - [`deal_board`] is the kanban: one `pipelineBoard` request per load, a column per
//!   stage with its count, amount and weighted amount, cards moved by drag and drop or
//!   the "Move to…" menu (optimistic, rolled back when the server refuses), and live
//!   changes from `pipelineEvents`. Its data and every change to it live in
//!   [`board_state`], a reducer with unit tests.
//! - [`lead_board`] is the lead-stage board (one aliased `leads` request), its data in
//!   [`lead_state`].
//! - [`money`] writes amounts the way the board shows them (`¥1,234,567`).

mod board_state;
mod deal_board;
mod deal_card;
mod lead_board;
mod lead_state;
pub mod money;

use yew::prelude::*;

use crate::components::icon::{Icon, IconName};
use crate::components::page_header::PageHeader;
use crate::i18n::{use_i18n, Key};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Board {
    Deals,
    Leads,
}

#[component]
pub fn PipelinePage() -> Html {
    let i18n = use_i18n();
    let board = use_state_eq(|| Board::Deals);
    let tab = |which: Board, label: Key, icon: IconName, testid: &'static str| {
        let active = *board == which;
        let onclick = {
            let board = board.clone();
            Callback::from(move |_: MouseEvent| board.set(which))
        };
        html! {
            <button type="button" role="tab" class={classes!("tab", "tab-button", active.then_some("is-active"))}
                    aria-selected={active.to_string()} data-testid={testid} {onclick}>
                <Icon name={icon} />{ i18n.t(label) }
            </button>
        }
    };
    html! {
        <section class="page page-wide pipeline-page" data-testid="page-pipeline">
            <PageHeader title={i18n.t(Key::NavPipeline)} subtitle={AttrValue::from(i18n.t(Key::PipelineSubtitle))} />
            <nav class="tabs" role="tablist" aria-label={i18n.t(Key::NavPipeline)}>
                { tab(Board::Deals, Key::PipelineDealsTab, IconName::Pipeline, "deal-board") }
                { tab(Board::Leads, Key::PipelineLeadsTab, IconName::Leads, "lead-board") }
            </nav>
            { match *board {
                Board::Deals => html! { <deal_board::DealBoard /> },
                Board::Leads => html! { <lead_board::LeadBoard /> },
            } }
        </section>
    }
}
