//! The opportunity kanban.
//!
//! One `pipelineBoard` request loads the whole board for the chosen pipeline and
//! filters (owner, team, close month); a column's "Load more" asks `pipelineColumn`
//! after the last card the server gave. Only loaded cards are drawn, so a pipeline of
//! thousands of deals stays light.
//!
//! A move — dropped with the mouse, or chosen in a card's "Move to…" menu — shows at
//! once ([`BoardAction::Move`]) and is sent as `opportunityMove` with the card's
//! version; a refusal puts the card and the sums back and shows the server's words in
//! a toast. Moving to the lost stage first asks why. Changes by others arrive through
//! `pipelineEvents` and are applied in place; a deal the board never loaded (or a
//! reconnect after a drop, which may have missed events) loads the board again
//! quietly.

use std::cell::RefCell;
use std::rc::Rc;

use leadflow_shared::pipeline::StageKind;
use leadflow_shared::Role;
use serde_json::json;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::board_state::{BoardAction, BoardState, Column};
use super::deal_card::DealCard;
use super::money::format_money;
use crate::api::pipeline::{
    self, BoardFilter, LifecycleSettings, PipelineEvent, PipelineMeta, PipelineStage, PER_COLUMN,
};
use crate::api::subscription::{subscribe, Subscription, SubscriptionEvent};
use crate::api::types::{Team, User};
use crate::api::{teams, use_client, users};
use crate::components::empty_state::EmptyState;
use crate::components::error_notice::ErrorNotice;
use crate::components::form::{input_value, select_value};
use crate::components::icon::IconName;
use crate::components::toast::{use_toaster, Toast};
use crate::i18n::{use_i18n, Key};
use crate::session::use_session;

/// Today as "YYYY-MM-DD" in the user's time zone.
fn today() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    )
}

/// What the toolbar chose; `None` parts apply no condition.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Choice {
    pipeline_id: Option<String>,
    filter: BoardFilter,
}

/// A move waiting for its lost reason.
#[derive(Debug, Clone, PartialEq)]
struct LostPrompt {
    deal_id: String,
    deal_name: String,
    stage_id: String,
}

#[component]
pub fn DealBoard() -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let toaster = use_toaster();
    let session = use_session();
    let role = session.me.as_ref().map(|u| u.role);
    let sees_others = matches!(role, Some(Role::Admin | Role::Manager | Role::Marketer));

    let meta = use_state(|| None::<PipelineMeta>);
    let people = use_state(Vec::<User>::new);
    let team_list = use_state(Vec::<Team>::new);
    let choice = use_state_eq(Choice::default);
    let state = use_reducer(BoardState::default);
    let retry = use_state(|| 0u32);
    let generation = use_mut_ref(|| 0u32);
    let live: Rc<RefCell<Option<Subscription>>> = use_mut_ref(|| None);
    let connected = use_state_eq(|| false);
    let dragging = use_mut_ref(|| None::<String>);
    let drop_target = use_state_eq(|| None::<String>);
    let menu_for = use_state_eq(|| None::<String>);
    let lost_prompt = use_state(|| None::<LostPrompt>);
    let today = use_memo((), |_| AttrValue::from(today()));

    // The latest board, for the callbacks below, which stay the same across renders so
    // that the cards do not re-render.
    let latest = use_mut_ref(|| None::<UseReducerHandle<BoardState>>);
    *latest.borrow_mut() = Some(state.clone());
    let latest_choice = use_mut_ref(Choice::default);
    *latest_choice.borrow_mut() = (*choice).clone();

    // Pipelines and lost reasons, once; people and teams for the filters.
    {
        let (client, meta, people, team_list) = (
            client.clone(),
            meta.clone(),
            people.clone(),
            team_list.clone(),
        );
        use_effect_with(sees_others, move |sees_others| {
            let sees_others = *sees_others;
            spawn_local(async move {
                if let Ok(m) = pipeline::meta(&client).await {
                    meta.set(Some(m));
                }
                if sees_others {
                    if let Ok(page) = users::list(&client, None).await {
                        people.set(page.edges.into_iter().map(|e| e.node).collect());
                    }
                    if let Ok(list) = teams::list(&client).await {
                        team_list.set(list);
                    }
                }
            });
        });
    }

    // The board: ONE request per load. `quiet` keeps the old board on screen.
    let load = {
        let (client, state, generation) = (client.clone(), state.clone(), generation.clone());
        Rc::new(move |choice: Choice, quiet: bool| {
            let ticket = {
                let mut g = generation.borrow_mut();
                *g = g.wrapping_add(1);
                *g
            };
            if !quiet {
                state.dispatch(BoardAction::Loading);
            }
            let (client, state, generation) = (client.clone(), state.clone(), generation.clone());
            spawn_local(async move {
                let result =
                    pipeline::board(&client, choice.pipeline_id.as_deref(), &choice.filter).await;
                if *generation.borrow() != ticket {
                    return; // A newer load is on its way.
                }
                match result {
                    Ok(board) => state.dispatch(BoardAction::Loaded {
                        board: Box::new(board),
                        filter: choice.filter,
                    }),
                    Err(err) => state.dispatch(BoardAction::Failed(err)),
                }
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with(((*choice).clone(), *retry), move |(choice, _)| {
            load(choice.clone(), false);
        });
    }
    // A live change the board could not place: load again without a skeleton.
    {
        let (load, choice) = (load.clone(), (*choice).clone());
        use_effect_with(state.reload_token, move |token| {
            if *token != 0 {
                load(choice, true);
            }
        });
    }

    // Live changes of this pipeline's deals.
    let pipeline_id = state.pipeline.as_ref().map(|p| p.id.clone());
    {
        let (client, state, live, connected, load, latest_choice) = (
            client.clone(),
            state.clone(),
            live.clone(),
            connected.clone(),
            load.clone(),
            latest_choice.clone(),
        );
        use_effect_with(pipeline_id.clone(), move |pipeline_id| {
            *live.borrow_mut() = None;
            connected.set(false);
            if let Some(id) = pipeline_id {
                let dropped = Rc::new(RefCell::new(false));
                let on_event = {
                    let connected = connected.clone();
                    Callback::from(move |event: SubscriptionEvent<PipelineEvent>| match event {
                        SubscriptionEvent::Data(e) => {
                            state.dispatch(BoardAction::Live(Box::new(e.pipeline_events)))
                        }
                        SubscriptionEvent::Connected => {
                            connected.set(true);
                            // Events may have been missed while the socket was down.
                            if dropped.replace(false) {
                                load(latest_choice.borrow().clone(), true);
                            }
                        }
                        SubscriptionEvent::Reconnecting => {
                            connected.set(false);
                            *dropped.borrow_mut() = true;
                        }
                        SubscriptionEvent::Failed(_) => connected.set(false),
                    })
                };
                *live.borrow_mut() = Some(subscribe(
                    client,
                    pipeline::events_document(),
                    json!({ "pipelineId": id }),
                    on_event,
                ));
            }
            move || *live.borrow_mut() = None
        });
    }

    // Sends a move the board already shows; puts the card back if refused.
    let commit = {
        let (client, toaster, i18n, state, latest) = (
            client.clone(),
            toaster.clone(),
            i18n.clone(),
            state.dispatcher(),
            latest.clone(),
        );
        use_callback(
            i18n.clone(),
            move |(deal_id, stage_id, reason): (String, String, Option<String>), _| {
                let Some(board) = latest.borrow().clone() else {
                    return;
                };
                let Some(deal) = board.card(&deal_id).cloned() else {
                    return;
                };
                if deal.stage.id == stage_id {
                    return;
                }
                state.dispatch(BoardAction::Move {
                    deal_id: deal_id.clone(),
                    to_stage_id: stage_id.clone(),
                });
                let (client, toaster, i18n, state) =
                    (client.clone(), toaster.clone(), i18n.clone(), state.clone());
                spawn_local(async move {
                    let title = i18n.tf(Key::DealMoveFailed, &[("name", &deal.name)]);
                    match pipeline::move_deal(
                        &client,
                        &deal_id,
                        &stage_id,
                        deal.version,
                        reason.as_deref(),
                    )
                    .await
                    {
                        Ok(payload) => match (payload.opportunity, payload.user_errors.first()) {
                            (Some(moved), None) => {
                                state.dispatch(BoardAction::Confirmed(Box::new(moved)))
                            }
                            (_, error) => {
                                state.dispatch(BoardAction::Refused(deal_id));
                                let mut toast = Toast::error(title);
                                if let Some(error) = error {
                                    toast = toast.with_body(error.message.clone());
                                }
                                toaster.show(toast);
                            }
                        },
                        Err(err) => {
                            state.dispatch(BoardAction::Refused(deal_id));
                            toaster.show(Toast::error(title).with_body(i18n.t(err.hint())));
                        }
                    }
                });
            },
        )
    };

    // A move asked for (drop or menu): the lost stage first asks why.
    let request_move = {
        let (latest, commit, lost_prompt) = (latest.clone(), commit.clone(), lost_prompt.clone());
        use_callback(
            commit.clone(),
            move |(deal_id, stage_id): (String, String), _| {
                let Some(board) = latest.borrow().clone() else {
                    return;
                };
                let (Some(deal), Some(stage)) = (board.card(&deal_id), board.stage(&stage_id))
                else {
                    return;
                };
                if deal.stage.id == stage.id {
                    return;
                }
                if stage.kind == StageKind::Lost {
                    lost_prompt.set(Some(LostPrompt {
                        deal_id,
                        deal_name: deal.name.clone(),
                        stage_id,
                    }));
                } else {
                    commit.emit((deal_id, stage_id, None));
                }
            },
        )
    };

    let on_drag_start = {
        let (dragging, menu_for) = (dragging.clone(), menu_for.clone());
        use_callback((), move |id: String, _| {
            *dragging.borrow_mut() = Some(id);
            menu_for.set(None);
        })
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
        use_callback((), move |stage_id: String, _| {
            drop_target.set(Some(stage_id))
        })
    };
    let on_drop = {
        let (dragging, drop_target, request_move) =
            (dragging.clone(), drop_target.clone(), request_move.clone());
        use_callback(
            request_move.clone(),
            move |(carried, stage_id): (Option<String>, String), _| {
                drop_target.set(None);
                let id = dragging.borrow_mut().take().or(carried);
                if let Some(id) = id {
                    request_move.emit((id, stage_id));
                }
            },
        )
    };
    let on_menu = {
        let menu_for = menu_for.clone();
        use_callback((), move |id: Option<String>, _| menu_for.set(id))
    };
    let on_more = {
        let (client, state, latest) = (client.clone(), state.dispatcher(), latest.clone());
        use_callback((), move |stage_id: String, _| {
            let Some(board) = latest.borrow().clone() else {
                return;
            };
            let Some(col) = board.columns.iter().find(|c| c.stage.id == stage_id) else {
                return;
            };
            if col.loading_more {
                return;
            }
            let (after, filter) = (col.after.clone(), board.filter.clone());
            state.dispatch(BoardAction::MoreLoading(stage_id.clone()));
            let (client, state) = (client.clone(), state.clone());
            spawn_local(async move {
                match pipeline::column(&client, &stage_id, &filter, after.as_deref()).await {
                    Ok(cards) => state.dispatch(BoardAction::MoreLoaded {
                        stage_id,
                        cards,
                        asked: PER_COLUMN as usize,
                    }),
                    Err(_) => state.dispatch(BoardAction::MoreFailed(stage_id)),
                }
            });
        })
    };

    // ---------------------------------------------------------------- toolbar
    let set_choice = |edit: fn(&mut Choice, Option<String>)| {
        let choice = choice.clone();
        move |value: String| {
            let mut next = (*choice).clone();
            edit(&mut next, Some(value).filter(|v| !v.is_empty()));
            choice.set(next);
        }
    };
    let on_pipeline = {
        let set = set_choice(|c, v| c.pipeline_id = v);
        Callback::from(move |e: Event| set(select_value(&e)))
    };
    let on_owner = {
        let set = set_choice(|c, v| c.filter.owner_id = v);
        Callback::from(move |e: Event| set(select_value(&e)))
    };
    let on_team = {
        let set = set_choice(|c, v| c.filter.team_id = v);
        Callback::from(move |e: Event| set(select_value(&e)))
    };
    let on_month = {
        let set = set_choice(|c, v| c.filter.close_month = v);
        Callback::from(move |e: InputEvent| set(input_value(&e)))
    };
    let clear = {
        let choice = choice.clone();
        Callback::from(move |_: MouseEvent| {
            choice.set(Choice {
                pipeline_id: choice.pipeline_id.clone(),
                filter: BoardFilter::default(),
            })
        })
    };
    let filtered = choice.filter != BoardFilter::default();
    let pipelines = meta
        .as_ref()
        .map(|m| m.pipelines.clone())
        .unwrap_or_default();
    let current_pipeline = state
        .pipeline
        .as_ref()
        .map(|p| p.id.clone())
        .or_else(|| choice.pipeline_id.clone());
    let (open_amount, open_weighted) = state.open_totals();

    let toolbar = html! {
        <div class="pipeline-toolbar" data-testid="pipeline-filters">
            if pipelines.len() > 1 {
                <select class="input input-sm toolbar-select" data-testid="pipeline-select"
                        aria-label={i18n.t(Key::PipelineChoose)} onchange={on_pipeline}>
                    { for pipelines.iter().map(|p| html! {
                        <option value={p.id.clone()} selected={current_pipeline.as_deref() == Some(p.id.as_str())}>
                            { p.name.clone() }
                        </option>
                    }) }
                </select>
            }
            if sees_others {
                <select class="input input-sm toolbar-select" data-testid="pipeline-owner"
                        aria-label={i18n.t(Key::Owner)} onchange={on_owner}>
                    <option value="" selected={choice.filter.owner_id.is_none()}>{ i18n.t(Key::PipelineAllOwners) }</option>
                    { for people.iter().map(|u| html! {
                        <option value={u.id.clone()} selected={choice.filter.owner_id.as_deref() == Some(u.id.as_str())}>
                            { u.name.clone() }
                        </option>
                    }) }
                </select>
                <select class="input input-sm toolbar-select" data-testid="pipeline-team"
                        aria-label={i18n.t(Key::Team)} onchange={on_team}>
                    <option value="" selected={choice.filter.team_id.is_none()}>{ i18n.t(Key::PipelineAllTeams) }</option>
                    { for team_list.iter().map(|t| html! {
                        <option value={t.id.clone()} selected={choice.filter.team_id.as_deref() == Some(t.id.as_str())}>
                            { t.name.clone() }
                        </option>
                    }) }
                </select>
            }
            <label class="pipeline-month">
                <span class="muted">{ i18n.t(Key::PipelineCloseMonth) }</span>
                <input type="month" class="input input-sm" data-testid="pipeline-month"
                       value={choice.filter.close_month.clone().unwrap_or_default()} oninput={on_month} />
            </label>
            if filtered {
                <button type="button" class="btn btn-ghost btn-sm" data-testid="pipeline-clear" onclick={clear}>
                    { i18n.t(Key::ClearFilters) }
                </button>
            }
            <div class="pipeline-totals" data-testid="pipeline-totals">
                <span>{ i18n.t(Key::PipelineOpenAmount) }
                    <strong class="num" data-testid="pipeline-open-amount">{ format_money(open_amount, "CNY") }</strong></span>
                <span>{ i18n.t(Key::WeightedAmount) }
                    <strong class="num" data-testid="pipeline-open-weighted">{ format_money(open_weighted, "CNY") }</strong></span>
                <span class={classes!("live-dot", connected.then_some("is-live"))} data-testid="pipeline-live"
                      title={i18n.t(if *connected { Key::PipelineLive } else { Key::PipelineOffline })}>
                    { i18n.t(if *connected { Key::PipelineLive } else { Key::PipelineOffline }) }
                </span>
            </div>
        </div>
    };

    // ---------------------------------------------------------------- the board
    let stages: Rc<Vec<PipelineStage>> =
        Rc::new(state.columns.iter().map(|c| c.stage.clone()).collect());
    let total: i64 = state.columns.iter().map(|c| c.count).sum();
    let body = if let Some(err) = &state.error {
        let retry = retry.clone();
        html! { <ErrorNotice error={err.clone()} on_retry={Callback::from(move |_| retry.set(*retry + 1))} /> }
    } else if state.pipeline.is_none() {
        html! { <BoardSkeleton /> }
    } else if total == 0 && !state.loading {
        let (title, hint) = if filtered {
            (Key::PipelineNoMatchTitle, Key::PipelineNoMatchHint)
        } else {
            (Key::PipelineNoDealsTitle, Key::PipelineNoDealsHint)
        };
        html! {
            <div class="card" data-testid="pipeline-empty">
                <EmptyState icon={IconName::Pipeline} title={i18n.t(title)} hint={i18n.t(hint)} />
            </div>
        }
    } else {
        html! {
            <div class={classes!("board", state.loading.then_some("is-loading"))} data-testid="pipeline-board"
                 aria-busy={state.loading.to_string()}>
                { for state.columns.iter().map(|col| {
                    let menu = menu_for.as_ref().filter(|id| col.cards.iter().any(|c| &c.id == *id)).cloned();
                    html! {
                        <ColumnView key={col.stage.id.clone()} column={col.clone()} stages={stages.clone()}
                                    is_target={drop_target.as_deref() == Some(col.stage.id.as_str())}
                                    menu_for={menu} today={(*today).clone()}
                                    on_drag_start={on_drag_start.clone()} on_drag_end={on_drag_end.clone()}
                                    on_drag_over={on_drag_over.clone()} on_drop={on_drop.clone()}
                                    on_menu={on_menu.clone()} on_move={request_move.clone()} on_more={on_more.clone()} />
                    }
                }) }
            </div>
        }
    };

    let reasons = meta
        .as_ref()
        .map(|m| m.lifecycle_settings.clone())
        .unwrap_or_default();
    let dialog = lost_prompt.as_ref().map(|prompt| {
        let cancel = {
            let lost_prompt = lost_prompt.clone();
            Callback::from(move |()| lost_prompt.set(None))
        };
        let confirm = {
            let (lost_prompt, commit, prompt) =
                (lost_prompt.clone(), commit.clone(), prompt.clone());
            Callback::from(move |reason: String| {
                lost_prompt.set(None);
                commit.emit((
                    prompt.deal_id.clone(),
                    prompt.stage_id.clone(),
                    Some(reason),
                ));
            })
        };
        html! {
            <LostDialog deal_name={prompt.deal_name.clone()} settings={reasons.clone()}
                        on_cancel={cancel} on_confirm={confirm} />
        }
    });

    html! {
        <div class="deal-board" data-testid="deal-board-panel">
            { toolbar }
            { body }
            { for dialog }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ColumnViewProps {
    column: Column,
    stages: Rc<Vec<PipelineStage>>,
    is_target: bool,
    /// The card whose menu is open, when it is in this column.
    menu_for: Option<String>,
    today: AttrValue,
    on_drag_start: Callback<String>,
    on_drag_end: Callback<()>,
    on_drag_over: Callback<String>,
    /// (the id the drag carried, stage id)
    on_drop: Callback<(Option<String>, String)>,
    on_menu: Callback<Option<String>>,
    on_move: Callback<(String, String)>,
    on_more: Callback<String>,
}

#[component]
fn ColumnView(props: &ColumnViewProps) -> Html {
    let i18n = use_i18n();
    let col = &props.column;
    let stage = &col.stage;
    let ondragover = {
        let (cb, id) = (props.on_drag_over.clone(), stage.id.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(dt) = e.data_transfer() {
                dt.set_drop_effect("move");
            }
            cb.emit(id.clone());
        })
    };
    let ondrop = {
        let (cb, id) = (props.on_drop.clone(), stage.id.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let carried = e
                .data_transfer()
                .and_then(|dt| dt.get_data("text/plain").ok())
                .filter(|s| !s.is_empty());
            cb.emit((carried, id.clone()));
        })
    };
    let more = {
        let (cb, id) = (props.on_more.clone(), stage.id.clone());
        Callback::from(move |_: MouseEvent| cb.emit(id.clone()))
    };
    let currency = col
        .cards
        .first()
        .map(|c| c.currency.clone())
        .unwrap_or_else(|| "CNY".into());
    html! {
        <section class={classes!("board-column", format!("kind-{}", stage.kind.as_str()), props.is_target.then_some("is-drop-target"))}
                 data-testid="board-column" data-stage-id={stage.id.clone()} data-kind={stage.kind.as_str()}
                 aria-label={stage.name.clone()} {ondragover} {ondrop}>
            <header class="board-column-head">
                <div class="board-column-title">
                    <h2 class="board-column-name">{ stage.name.clone() }</h2>
                    <span class="badge" title={i18n.t(Key::StageProbability)}>{ format!("{}%", stage.probability) }</span>
                    <span class="count-pill" data-testid="column-count">{ col.count }</span>
                </div>
                <dl class="board-column-sums">
                    <div>
                        <dt>{ i18n.t(Key::PipelineAmount) }</dt>
                        <dd class="num" data-testid="column-amount">{ format_money(col.amount, &currency) }</dd>
                    </div>
                    <div>
                        <dt>{ i18n.t(Key::WeightedAmount) }</dt>
                        <dd class="num" data-testid="column-weighted">{ format_money(col.weighted, &currency) }</dd>
                    </div>
                </dl>
            </header>
            <div class="board-column-cards">
                if col.cards.is_empty() {
                    <p class="board-column-empty muted">{ i18n.t(Key::PipelineColumnEmpty) }</p>
                }
                { for col.cards.iter().map(|deal| html! {
                    <DealCard key={deal.id.clone()} deal={deal.clone()} stages={props.stages.clone()}
                              menu_open={props.menu_for.as_deref() == Some(deal.id.as_str())}
                              today={props.today.clone()}
                              on_drag_start={props.on_drag_start.clone()} on_drag_end={props.on_drag_end.clone()}
                              on_menu={props.on_menu.clone()} on_move={props.on_move.clone()} />
                }) }
                if col.has_more && col.hidden() > 0 {
                    <button type="button" class="btn btn-ghost btn-sm board-load-more" data-testid="column-load-more"
                            disabled={col.loading_more} aria-busy={col.loading_more.to_string()} onclick={more}>
                        { if col.loading_more {
                            i18n.t(Key::Loading).to_owned()
                        } else {
                            i18n.tf(Key::PipelineLoadMore, &[("n", &col.hidden().to_string())])
                        } }
                    </button>
                }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct LostDialogProps {
    deal_name: String,
    settings: LifecycleSettings,
    on_cancel: Callback<()>,
    on_confirm: Callback<String>,
}

/// "Why was it lost?": one of the admin's reasons, before the move is made.
#[component]
fn LostDialog(props: &LostDialogProps) -> Html {
    let i18n = use_i18n();
    let reason = use_state(|| {
        props
            .settings
            .lost_reasons
            .first()
            .cloned()
            .unwrap_or_default()
    });
    let first = use_node_ref();
    {
        let first = first.clone();
        use_effect_with((), move |_| {
            if let Some(el) = first.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let onsubmit = {
        let (reason, cb) = (reason.clone(), props.on_confirm.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !reason.trim().is_empty() {
                cb.emit((*reason).clone());
            }
        })
    };
    let onchange = {
        let reason = reason.clone();
        Callback::from(move |e: Event| reason.set(select_value(&e)))
    };
    let cancel = {
        let cb = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let onkeydown = {
        let cb = props.on_cancel.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                cb.emit(());
            }
        })
    };
    html! {
        <div class="dialog-backdrop" {onkeydown}>
            <div class="dialog dialog-narrow" role="dialog" aria-modal="true" aria-labelledby="lost-title"
                 data-testid="lost-dialog">
                <form class="form" {onsubmit}>
                    <header class="dialog-header">
                        <h2 id="lost-title" class="dialog-title">{ i18n.tf(Key::DealLostTitle, &[("name", &props.deal_name)]) }</h2>
                    </header>
                    <div class="dialog-body">
                        <div class="field">
                            <label class="field-label" for="lost-reason">{ i18n.t(Key::LostReason) }</label>
                            <select id="lost-reason" class="input" data-testid="lost-reason" ref={first} {onchange}>
                                { for props.settings.lost_reasons.iter().map(|r| html! {
                                    <option value={r.clone()} selected={*r == *reason}>{ r.clone() }</option>
                                }) }
                            </select>
                        </div>
                    </div>
                    <footer class="dialog-footer">
                        <button type="button" class="btn btn-secondary" data-testid="lost-cancel" onclick={cancel}>
                            { i18n.t(Key::Cancel) }
                        </button>
                        <button type="submit" class="btn btn-primary" data-testid="lost-confirm"
                                disabled={reason.trim().is_empty()}>
                            { i18n.t(Key::DealMarkLost) }
                        </button>
                    </footer>
                </form>
            </div>
        </div>
    }
}

/// Grey columns in the board's shape while it loads.
#[component]
fn BoardSkeleton() -> Html {
    let i18n = use_i18n();
    html! {
        <div class="board" aria-busy="true" aria-label={i18n.t(Key::Loading)} data-testid="loading">
            { for (0..5).map(|c| html! {
                <div class="board-column is-skeleton">
                    <span class="skeleton-bar" style="width:60%;height:16px" />
                    <span class="skeleton-bar skeleton-line" style="width:80%" />
                    { for (0..(4 - c % 3)).map(|_| html! { <div class="deal-card skeleton-card" /> }) }
                </div>
            }) }
        </div>
    }
}
