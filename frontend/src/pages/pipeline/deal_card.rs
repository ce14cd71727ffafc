//! One deal on the board: name, lead and company, owner, amount, expected close date
//! (highlighted once it has passed while the deal is still open). The card is
//! draggable, and its "Move to…" menu (also opened with Enter or Space on the focused
//! card) offers the same moves to the keyboard.
//!
//! Every callback a card gets is stable across renders, so a change to one card does
//! not re-render the other hundreds.

use std::rc::Rc;

use leadflow_shared::pipeline::StageKind;
use wasm_bindgen::JsValue;
use yew::prelude::*;
use yew_router::prelude::*;

use super::money::format_amount;
use crate::api::pipeline::{Opportunity, PipelineStage};
use crate::i18n::{use_i18n, Key};
use crate::routes::Route;

#[derive(Properties, PartialEq)]
pub struct DealCardProps {
    pub deal: Opportunity,
    /// Every stage of the pipeline, for the menu.
    pub stages: Rc<Vec<PipelineStage>>,
    pub menu_open: bool,
    /// "YYYY-MM-DD" in the user's time zone.
    pub today: AttrValue,
    pub on_drag_start: Callback<String>,
    pub on_drag_end: Callback<()>,
    /// Open (`Some(id)`) or close (`None`) a card's menu.
    pub on_menu: Callback<Option<String>>,
    /// (deal id, stage id)
    pub on_move: Callback<(String, String)>,
}

/// Whether the expected close date has passed on an open deal.
pub fn overdue(deal: &Opportunity, today: &str) -> bool {
    deal.stage.kind == StageKind::Open
        && deal
            .expected_close_on
            .as_deref()
            .is_some_and(|d| !d.is_empty() && d < today)
}

#[component]
pub fn DealCard(props: &DealCardProps) -> Html {
    let i18n = use_i18n();
    let first_item = use_node_ref();
    let card_ref = use_node_ref();
    let deal = &props.deal;

    // Focus the first stage when the menu opens, so arrows and Enter work at once.
    {
        let first_item = first_item.clone();
        use_effect_with(props.menu_open, move |open| {
            if *open {
                if let Some(el) = first_item.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }

    let ondragstart = {
        let (id, cb) = (deal.id.clone(), props.on_drag_start.clone());
        Callback::from(move |e: DragEvent| {
            if let Some(dt) = e.data_transfer() {
                let _ = dt.set_data("text/plain", &id);
                dt.set_effect_allowed("move");
            }
            cb.emit(id.clone());
        })
    };
    let ondragend = {
        let cb = props.on_drag_end.clone();
        Callback::from(move |_: DragEvent| cb.emit(()))
    };
    let onkeydown = {
        let (id, on_menu, open) = (deal.id.clone(), props.on_menu.clone(), props.menu_open);
        let card_ref = card_ref.clone();
        Callback::from(move |e: KeyboardEvent| {
            // Only keys on the card itself, not on its buttons and links. (Yew delegates
            // events, so `currentTarget` is not the card: compare with the card's node.)
            let on_card = card_ref
                .get()
                .zip(e.target())
                .is_some_and(|(card, target)| JsValue::from(card) == JsValue::from(target));
            if !on_card {
                return;
            }
            if !open && (e.key() == "Enter" || e.key() == " ") {
                e.prevent_default();
                on_menu.emit(Some(id.clone()));
            }
        })
    };
    let toggle = {
        let (id, on_menu, open) = (deal.id.clone(), props.on_menu.clone(), props.menu_open);
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            on_menu.emit((!open).then(|| id.clone()));
        })
    };
    let close_menu = {
        let (on_menu, card_ref) = (props.on_menu.clone(), card_ref.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.stop_propagation();
                on_menu.emit(None);
                if let Some(el) = card_ref.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        })
    };
    let dismiss = {
        let on_menu = props.on_menu.clone();
        Callback::from(move |_: MouseEvent| on_menu.emit(None))
    };

    let late = overdue(deal, &props.today);
    let company = deal
        .lead
        .as_ref()
        .and_then(|l| l.company.clone())
        .filter(|c| !c.trim().is_empty());
    let menu_id = format!("deal-menu-{}", deal.id);
    let targets: Vec<&PipelineStage> = props
        .stages
        .iter()
        .filter(|s| s.id != deal.stage.id)
        .collect();

    html! {
        <article class={classes!("deal-card", late.then_some("is-overdue"), props.menu_open.then_some("has-menu"))}
                 data-testid="deal-card" data-deal-id={deal.id.clone()} data-stage-id={deal.stage.id.clone()}
                 data-version={deal.version.to_string()}
                 draggable="true" tabindex="0" ref={card_ref}
                 aria-label={i18n.tf(Key::DealCardLabel, &[("name", &deal.name)])}
                 {ondragstart} {ondragend} {onkeydown}>
            <div class="deal-card-head">
                <strong class="deal-name" data-testid="deal-name">{ deal.name.clone() }</strong>
                <button type="button" class="btn btn-ghost btn-sm deal-move-button" data-testid="deal-move-menu"
                        aria-haspopup="menu" aria-expanded={props.menu_open.to_string()} aria-controls={menu_id.clone()}
                        title={i18n.t(Key::DealMoveTo)} onclick={toggle}>
                    { "⋯" }
                    <span class="visually-hidden">{ i18n.t(Key::DealMoveTo) }</span>
                </button>
            </div>
            if let Some(lead) = &deal.lead {
                <div class="deal-lead">
                    <Link<Route> to={Route::LeadDetail { id: lead.id.clone() }} classes="deal-lead-link">
                        { lead.person_name.clone() }
                    </Link<Route>>
                    if let Some(company) = company {
                        <span class="deal-company">{ format!(" · {company}") }</span>
                    }
                </div>
            }
            <div class="deal-meta">
                <span class="deal-amount num" data-testid="deal-amount">{ format_amount(&deal.amount, &deal.currency) }</span>
                if let Some(date) = deal.expected_close_on.as_ref().filter(|d| !d.is_empty()) {
                    <time class={classes!("deal-close", late.then_some("is-overdue"))} datetime={date.clone()}
                          data-testid="deal-close" title={i18n.t(if late { Key::DealOverdue } else { Key::ExpectedCloseOn })}>
                        { date.clone() }
                    </time>
                }
            </div>
            <div class="deal-owner">
                { deal.owner.as_ref().map(|o| o.name.clone()).unwrap_or_else(|| i18n.t(Key::OwnerPool).to_owned()) }
                if let Some(reason) = &deal.lost_reason {
                    <span class="deal-lost-reason">{ format!(" · {reason}") }</span>
                }
            </div>
            if props.menu_open {
                <div class="menu-dismiss" onclick={dismiss} />
                <div class="deal-menu" role="menu" id={menu_id} data-testid="deal-move-options"
                     aria-label={i18n.t(Key::DealMoveTo)} onkeydown={close_menu}>
                    <div class="deal-menu-title">{ i18n.t(Key::DealMoveTo) }</div>
                    { for targets.iter().enumerate().map(|(i, stage)| {
                        let onclick = {
                            let (on_move, on_menu) = (props.on_move.clone(), props.on_menu.clone());
                            let (deal_id, stage_id) = (deal.id.clone(), stage.id.clone());
                            Callback::from(move |e: MouseEvent| {
                                e.stop_propagation();
                                on_menu.emit(None);
                                on_move.emit((deal_id.clone(), stage_id.clone()));
                            })
                        };
                        let node = if i == 0 { first_item.clone() } else { NodeRef::default() };
                        html! {
                            <button type="button" role="menuitem" class={classes!("deal-menu-item", format!("kind-{}", stage.kind.as_str()))}
                                    data-testid="deal-move-to" data-stage-id={stage.id.clone()} ref={node} {onclick}>
                                <span>{ stage.name.clone() }</span>
                                <span class="muted num">{ format!("{}%", stage.probability) }</span>
                            </button>
                        }
                    }) }
                </div>
            }
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_open_deals_past_their_date_are_overdue() {
        let mut deal: Opportunity = serde_json::from_value(serde_json::json!({
            "id": "d", "name": "n", "amount": "1.00", "weightedAmount": "0.10", "currency": "CNY",
            "expectedCloseOn": "2026-03-01",
            "stage": { "id": "s", "name": "s", "position": 0, "probability": 10, "kind": "OPEN" },
            "pipelineId": "p", "owner": null, "lead": null, "lostReason": null, "version": 1,
            "updatedAt": "2026-01-01T00:00:00Z", "cursor": "c"
        }))
        .unwrap();
        assert!(overdue(&deal, "2026-03-02"));
        assert!(!overdue(&deal, "2026-03-01"));
        deal.stage.kind = StageKind::Won;
        assert!(!overdue(&deal, "2026-03-02"));
        deal.stage.kind = StageKind::Open;
        deal.expected_close_on = None;
        assert!(!overdue(&deal, "2026-03-02"));
    }
}
