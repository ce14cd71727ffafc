//! The lead-stage board: LEAD, MQL and SQL side by side, the hottest fifty of each,
//! loaded in ONE request (three aliased `leads` fields).
//!
//! A card dragged to another column moves there at once and is sent as
//! `leadsMoveStage`; only the arrows the lifecycle allows are accepted
//! ([`leadflow_shared::lifecycle::can_move`]). When the server refuses — for instance
//! the admin requires BANT before SQL — the card snaps back and a toast says why.

use leadflow_shared::lifecycle::can_move;
use leadflow_shared::{LeadStage, UserErrorCode};
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::lead_state::{LeadBoardAction, LeadBoardState, LeadColumn};
use crate::api::pipeline::{self, LeadCard};
use crate::api::use_client;
use crate::components::error_notice::ErrorNotice;
use crate::components::toast::{use_toaster, Toast};
use crate::i18n::{stage_key, use_i18n, Key};
use crate::pages::leads::badges::ScoreMeter;
use crate::routes::Route;

#[component]
pub fn LeadBoard() -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let toaster = use_toaster();
    let state = use_reducer(LeadBoardState::default);
    let retry = use_state(|| 0u32);
    let dragging = use_mut_ref(|| None::<String>);
    let drop_target = use_state_eq(|| None::<LeadStage>);
    let latest = use_mut_ref(|| None::<UseReducerHandle<LeadBoardState>>);
    *latest.borrow_mut() = Some(state.clone());

    {
        let (client, state) = (client.clone(), state.clone());
        use_effect_with(*retry, move |_| {
            state.dispatch(LeadBoardAction::Loading);
            spawn_local(async move {
                match pipeline::lead_board(&client).await {
                    Ok(data) => state.dispatch(LeadBoardAction::Loaded(Box::new(data))),
                    Err(err) => state.dispatch(LeadBoardAction::Failed(err)),
                }
            });
        });
    }

    let request_move = {
        let (client, toaster, i18n, dispatcher, latest) = (
            client.clone(),
            toaster.clone(),
            i18n.clone(),
            state.dispatcher(),
            latest.clone(),
        );
        use_callback(i18n.clone(), move |(id, to): (String, LeadStage), _| {
            let Some(board) = latest.borrow().clone() else {
                return;
            };
            let Some(from) = board.stage_of(&id) else {
                return;
            };
            if from == to {
                return;
            }
            let name = board
                .columns
                .iter()
                .flat_map(|c| c.cards.iter())
                .find(|c| c.id == id)
                .map(|c| c.person_name.clone())
                .unwrap_or_default();
            let title = i18n.tf(Key::LeadMoveFailed, &[("name", &name)]);
            if !can_move(from, to) {
                toaster.show(Toast::error(title).with_body(i18n.tf(
                    Key::LeadMoveNotAllowed,
                    &[
                        ("from", i18n.t(stage_key(from))),
                        ("to", i18n.t(stage_key(to))),
                    ],
                )));
                return;
            }
            dispatcher.dispatch(LeadBoardAction::Move { id: id.clone(), to });
            let (client, toaster, i18n, dispatcher) = (
                client.clone(),
                toaster.clone(),
                i18n.clone(),
                dispatcher.clone(),
            );
            spawn_local(async move {
                match pipeline::move_lead(&client, &id, to).await {
                    Ok(payload) if payload.user_errors.is_empty() => {
                        let version = payload
                            .leads
                            .iter()
                            .find(|l| l.id == id)
                            .map(|l| l.version)
                            .unwrap_or_default();
                        dispatcher.dispatch(LeadBoardAction::Confirmed { id, version });
                    }
                    Ok(payload) => {
                        dispatcher.dispatch(LeadBoardAction::Refused(id.clone()));
                        let mut toast = Toast::error(title);
                        if let Some(error) = payload.user_errors.first() {
                            let bant = error.field.as_deref() == Some("bant")
                                && error.code == UserErrorCode::Required;
                            toast = if bant {
                                toast
                                    .with_body(i18n.t(Key::BantRequiredToast))
                                    .with_link(Route::LeadDetail { id }, i18n.t(Key::OpenLead))
                            } else {
                                toast.with_body(error.message.clone())
                            };
                        }
                        toaster.show(toast);
                    }
                    Err(err) => {
                        dispatcher.dispatch(LeadBoardAction::Refused(id));
                        toaster.show(Toast::error(title).with_body(i18n.t(err.hint())));
                    }
                }
            });
        })
    };
    let on_drag_start = {
        let dragging = dragging.clone();
        use_callback((), move |id: String, _| *dragging.borrow_mut() = Some(id))
    };
    let on_drag_end = {
        let (dragging, drop_target) = (dragging.clone(), drop_target.clone());
        use_callback((), move |(), _| {
            *dragging.borrow_mut() = None;
            drop_target.set(None);
        })
    };
    let on_drag_over = {
        let drop_target = drop_target.clone();
        use_callback((), move |stage: LeadStage, _| drop_target.set(Some(stage)))
    };
    let on_drop = {
        let (dragging, drop_target, request_move) =
            (dragging.clone(), drop_target.clone(), request_move.clone());
        use_callback(
            request_move.clone(),
            move |(carried, to): (Option<String>, LeadStage), _| {
                drop_target.set(None);
                if let Some(id) = dragging.borrow_mut().take().or(carried) {
                    request_move.emit((id, to));
                }
            },
        )
    };

    let body = if let Some(err) = &state.error {
        let retry = retry.clone();
        html! { <ErrorNotice error={err.clone()} on_retry={Callback::from(move |_| retry.set(*retry + 1))} /> }
    } else if !state.loaded {
        html! {
            <div class="board" aria-busy="true" aria-label={i18n.t(Key::Loading)} data-testid="loading">
                { for (0..3).map(|_| html! {
                    <div class="board-column is-skeleton">
                        <span class="skeleton-bar" style="width:50%;height:16px" />
                        { for (0..4).map(|_| html! { <div class="deal-card skeleton-card" /> }) }
                    </div>
                }) }
            </div>
        }
    } else {
        html! {
            <div class="board board-leads" data-testid="lead-stage-board">
                { for state.columns.iter().map(|col| html! {
                    <LeadColumnView key={col.stage.as_str()} column={col.clone()}
                                    is_target={*drop_target == Some(col.stage)}
                                    on_drag_start={on_drag_start.clone()} on_drag_end={on_drag_end.clone()}
                                    on_drag_over={on_drag_over.clone()} on_drop={on_drop.clone()}
                                    on_move={request_move.clone()} />
                }) }
            </div>
        }
    };

    html! {
        <div class="lead-board" data-testid="lead-board-panel">
            <p class="muted pipeline-hint">{ i18n.t(Key::LeadBoardHint) }</p>
            { body }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LeadColumnProps {
    column: LeadColumn,
    is_target: bool,
    on_drag_start: Callback<String>,
    on_drag_end: Callback<()>,
    on_drag_over: Callback<LeadStage>,
    on_drop: Callback<(Option<String>, LeadStage)>,
    on_move: Callback<(String, LeadStage)>,
}

#[component]
fn LeadColumnView(props: &LeadColumnProps) -> Html {
    let i18n = use_i18n();
    let col = &props.column;
    let stage = col.stage;
    let ondragover = {
        let cb = props.on_drag_over.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(dt) = e.data_transfer() {
                dt.set_drop_effect("move");
            }
            cb.emit(stage);
        })
    };
    let ondrop = {
        let cb = props.on_drop.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let carried = e
                .data_transfer()
                .and_then(|dt| dt.get_data("text/plain").ok())
                .filter(|s| !s.is_empty());
            cb.emit((carried, stage));
        })
    };
    let hidden = (col.total - col.cards.len() as i64).max(0);
    html! {
        <section class={classes!("board-column", format!("stage-col-{}", stage.as_str()), props.is_target.then_some("is-drop-target"))}
                 data-testid="lead-column" data-stage={stage.as_str()} aria-label={i18n.t(stage_key(stage))}
                 {ondragover} {ondrop}>
            <header class="board-column-head">
                <div class="board-column-title">
                    <h2 class="board-column-name">{ i18n.t(stage_key(stage)) }</h2>
                    <span class="count-pill" data-testid="lead-column-count">{ col.total }</span>
                </div>
            </header>
            <div class="board-column-cards">
                if col.cards.is_empty() {
                    <p class="board-column-empty muted">{ i18n.t(Key::LeadBoardColumnEmpty) }</p>
                }
                { for col.cards.iter().map(|card| html! {
                    <LeadCardView key={card.id.clone()} card={card.clone()} stage={stage}
                                  on_drag_start={props.on_drag_start.clone()} on_drag_end={props.on_drag_end.clone()}
                                  on_move={props.on_move.clone()} />
                }) }
                if hidden > 0 {
                    <p class="board-column-more muted">{ i18n.tf(Key::LeadBoardMore, &[("n", &hidden.to_string())]) }</p>
                }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct LeadCardProps {
    card: LeadCard,
    stage: LeadStage,
    on_drag_start: Callback<String>,
    on_drag_end: Callback<()>,
    on_move: Callback<(String, LeadStage)>,
}

#[component]
fn LeadCardView(props: &LeadCardProps) -> Html {
    let i18n = use_i18n();
    let card = &props.card;
    let ondragstart = {
        let (id, cb) = (card.id.clone(), props.on_drag_start.clone());
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
    // The keyboard way: a select of the stages this lead may move to.
    let targets: Vec<LeadStage> = super::lead_state::STAGES
        .into_iter()
        .filter(|to| can_move(props.stage, *to))
        .collect();
    let onchange = {
        let (id, cb) = (card.id.clone(), props.on_move.clone());
        Callback::from(move |e: Event| {
            let value = crate::components::form::select_value(&e);
            if let Some(to) = LeadStage::parse(&value) {
                cb.emit((id.clone(), to));
            }
        })
    };
    html! {
        <article class="deal-card lead-card" data-testid="lead-card" data-lead-id={card.id.clone()}
                 data-stage={props.stage.as_str()} draggable="true" {ondragstart} {ondragend}>
            <div class="deal-card-head">
                <Link<Route> to={Route::LeadDetail { id: card.id.clone() }} classes="deal-name">
                    { card.person_name.clone() }
                </Link<Route>>
                <ScoreMeter score={card.total_score} />
            </div>
            if let Some(company) = card.company.as_ref().filter(|c| !c.trim().is_empty()) {
                <div class="deal-lead">{ company.clone() }</div>
            }
            <div class="deal-meta">
                <span class="deal-owner">
                    { card.owner.as_ref().map(|o| o.name.clone()).unwrap_or_else(|| i18n.t(Key::OwnerPool).to_owned()) }
                </span>
                if !targets.is_empty() {
                    <select class="input input-sm lead-card-move" data-testid="lead-move"
                            aria-label={i18n.tf(Key::LeadMoveLabel, &[("name", &card.person_name)])} {onchange}>
                        <option value="" selected=true disabled=true>{ i18n.t(Key::DealMoveTo) }</option>
                        { for targets.iter().map(|s| html! {
                            <option value={s.as_str()}>{ i18n.t(stage_key(*s)) }</option>
                        }) }
                    </select>
                }
            </div>
        </article>
    }
}
