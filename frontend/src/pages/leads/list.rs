//! The lead list both the Leads page and the Pool page show: filter bar, count, table,
//! "Load more". Filters and sort come from the address bar ([`use_list_params`]); the
//! server filters, sorts and pages (50 at a time, Relay cursors).
//!
//! A change of filters keeps the previous rows on screen, dimmed, until the new page
//! arrives, and answers to superseded requests are dropped, so fast typing never shows
//! an older result last.
//!
//! Rows can be ticked for the bulk actions ([`super::bulk`]); the selection is of loaded
//! rows, so it is cleared when the filters change, and after an action succeeds (whose
//! changes are applied to the rows in place).

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::platform::spawn_local;
use yew::prelude::*;

use super::bulk::{can_assign, AssignDialog, BulkBar, BulkDone, StageDialog, TagDialog};
use super::params::{use_list_params, ListParams};
use super::table::LeadTable;
use super::toolbar::LeadToolbar;
use crate::api::leads::{self, BulkLead, LeadConnection, LeadFilter, LeadRow, LeadSort};
use crate::api::{use_client, ApiError};
use crate::components::empty_state::EmptyState;
use crate::components::error_notice::{ErrorNotice, SuccessNotice};
use crate::components::icon::IconName;
use crate::i18n::{use_i18n, Key};
use crate::routes::Route;
use crate::session::use_session;

/// Which bulk dialog is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BulkDialog {
    Assign,
    Tag,
    Stage,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct ListState {
    rows: Vec<LeadRow>,
    total: i64,
    /// False when the server stopped counting a search's matches at its cap.
    total_exact: bool,
    next_cursor: Option<String>,
    /// A first page is on its way (for new filters or a retry).
    loading: bool,
    /// The next page is on its way.
    loading_more: bool,
    /// At least one page arrived, so there is something to keep on screen.
    loaded: bool,
    error: Option<ApiError>,
}

enum ListAction {
    Loading,
    LoadingMore,
    Loaded {
        page: LeadConnection,
        append: bool,
    },
    Failed(ApiError),
    /// A bulk action changed these leads: update their rows where they are.
    Patched(Vec<BulkLead>),
}

impl Reducible for ListState {
    type Action = ListAction;

    fn reduce(self: Rc<Self>, action: ListAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            ListAction::Loading => {
                next.loading = true;
                next.error = None;
            }
            ListAction::LoadingMore => {
                next.loading_more = true;
                next.error = None;
            }
            ListAction::Loaded { page, append } => {
                let fresh = page.edges.into_iter().map(|e| e.node);
                if append {
                    // Offsets can shift when leads arrive meanwhile; never show one twice.
                    for lead in fresh {
                        if !next.rows.iter().any(|r| r.id == lead.id) {
                            next.rows.push(lead);
                        }
                    }
                } else {
                    next.rows = fresh.collect();
                }
                next.total = page.total_count;
                next.total_exact = page.total_count_exact;
                next.next_cursor = page
                    .page_info
                    .has_next_page
                    .then_some(page.page_info.end_cursor)
                    .flatten();
                next.loading = false;
                next.loading_more = false;
                next.loaded = true;
            }
            ListAction::Failed(err) => {
                next.loading = false;
                next.loading_more = false;
                next.error = Some(err);
            }
            ListAction::Patched(changed) => {
                for row in &mut next.rows {
                    if let Some(c) = changed.iter().find(|c| c.id == row.id) {
                        row.apply(c);
                    }
                }
            }
        }
        Rc::new(next)
    }
}

#[derive(Properties, PartialEq)]
pub struct LeadListProps {
    /// The page the filters belong to (its address gets the query string).
    pub route: Route,
    /// The Pool page: `pool: true` always, and no toggle for it.
    #[prop_or_default]
    pub pool_fixed: bool,
    /// What to say when there are no leads at all (not merely none matching).
    pub empty_title: Key,
    pub empty_hint: Key,
    #[prop_or_default]
    pub empty_icon: Option<IconName>,
    /// An action for that empty state, e.g. "New lead".
    #[prop_or_default]
    pub empty_action: Html,
    /// One action per row, drawn in a last column (the Pool page's "Claim").
    #[prop_or_default]
    pub row_action: Option<Callback<LeadRow, Html>>,
    /// Leads to leave out of the loaded rows, e.g. the ones just claimed from the pool.
    #[prop_or_default]
    pub hidden: Rc<BTreeSet<String>>,
    /// Changing it loads the first page again (after something changed elsewhere).
    #[prop_or_default]
    pub revision: u32,
}

#[component]
pub fn LeadList(props: &LeadListProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let (mut params, set_params) = use_list_params(props.route.clone());
    if props.pool_fixed {
        params.pool_only = true;
    }
    let state = use_reducer(ListState::default);
    let generation = use_mut_ref(|| 0u32);
    let retry = use_state(|| 0u32);
    let selected = use_state(BTreeSet::<String>::new);
    let dialog = use_state(|| None::<BulkDialog>);
    let notice = use_state(|| None::<String>);
    let session = use_session();
    let may_assign = can_assign(session.me.as_ref().map(|me| me.role));

    let filter = params.filter();
    let sort = params.sort;

    // A first page whenever the filters or sort change (and on "Try again").
    {
        let (client, dispatch, generation) =
            (client.clone(), state.dispatcher(), generation.clone());
        let selected = selected.clone();
        use_effect_with(
            (filter.clone(), sort, *retry, props.revision),
            move |(filter, sort, _, _): &(LeadFilter, LeadSort, u32, u32)| {
                selected.set(BTreeSet::new());
                let mine = {
                    let mut g = generation.borrow_mut();
                    *g += 1;
                    *g
                };
                dispatch.dispatch(ListAction::Loading);
                let (filter, sort) = (filter.clone(), *sort);
                spawn_local(async move {
                    let result = leads::list(&client, &filter, sort, None).await;
                    if *generation.borrow() != mine {
                        return;
                    }
                    dispatch.dispatch(match result {
                        Ok(page) => ListAction::Loaded {
                            page,
                            append: false,
                        },
                        Err(err) => ListAction::Failed(err),
                    });
                });
            },
        );
    }

    let load_more = {
        let (client, dispatch, generation) =
            (client.clone(), state.dispatcher(), generation.clone());
        let (cursor, filter) = (state.next_cursor.clone(), filter.clone());
        let busy = state.loading || state.loading_more;
        Callback::from(move |_: MouseEvent| {
            if busy {
                return;
            }
            let mine = *generation.borrow();
            let (client, dispatch, generation, cursor, filter) = (
                client.clone(),
                dispatch.clone(),
                generation.clone(),
                cursor.clone(),
                filter.clone(),
            );
            dispatch.dispatch(ListAction::LoadingMore);
            spawn_local(async move {
                let result = leads::list(&client, &filter, sort, cursor).await;
                if *generation.borrow() != mine {
                    return;
                }
                dispatch.dispatch(match result {
                    Ok(page) => ListAction::Loaded { page, append: true },
                    Err(err) => ListAction::Failed(err),
                });
            });
        })
    };
    let on_retry = {
        let retry = retry.clone();
        Callback::from(move |_| retry.set(*retry + 1))
    };
    let clear = {
        let (params, set_params) = (params.clone(), set_params.clone());
        Callback::from(move |_: MouseEvent| set_params.emit(params.cleared()))
    };

    let on_select = {
        let selected = selected.clone();
        Callback::from(move |(id, on): (String, bool)| {
            let mut next = (*selected).clone();
            if on {
                next.insert(id);
            } else {
                next.remove(&id);
            }
            selected.set(next);
        })
    };
    let on_select_all = {
        let (selected, rows, hidden) = (selected.clone(), state.rows.clone(), props.hidden.clone());
        Callback::from(move |on: bool| {
            selected.set(if on {
                rows.iter()
                    .filter(|r| !hidden.contains(&r.id))
                    .map(|r| r.id.clone())
                    .collect()
            } else {
                BTreeSet::new()
            })
        })
    };
    let clear_selection = {
        let selected = selected.clone();
        Callback::from(move |()| selected.set(BTreeSet::new()))
    };
    let open_dialog = |which: BulkDialog| {
        let (dialog, notice) = (dialog.clone(), notice.clone());
        Callback::from(move |()| {
            notice.set(None);
            dialog.set(Some(which));
        })
    };
    let close_dialog = {
        let dialog = dialog.clone();
        Callback::from(move |()| dialog.set(None))
    };
    let on_done = {
        let (dialog, notice, selected, dispatch) = (
            dialog.clone(),
            notice.clone(),
            selected.clone(),
            state.dispatcher(),
        );
        Callback::from(move |done: BulkDone| {
            dispatch.dispatch(ListAction::Patched(done.leads));
            notice.set(Some(done.notice));
            selected.set(BTreeSet::new());
            dialog.set(None);
        })
    };
    let dismiss_notice = {
        let notice = notice.clone();
        Callback::from(move |()| notice.set(None))
    };
    let selected_ids: Vec<String> = selected.iter().cloned().collect();
    let dialog_html = match *dialog {
        Some(BulkDialog::Assign) if may_assign => html! {
            <AssignDialog ids={selected_ids} on_done={on_done} on_cancel={close_dialog} />
        },
        Some(BulkDialog::Tag) => html! {
            <TagDialog ids={selected_ids} on_done={on_done} on_cancel={close_dialog} />
        },
        Some(BulkDialog::Stage) => html! {
            <StageDialog ids={selected_ids} on_done={on_done} on_cancel={close_dialog} />
        },
        _ => Html::default(),
    };

    // On the pool page "pool" is not a filter the user chose.
    let user_filtered = ListParams {
        pool_only: params.pool_only && !props.pool_fixed,
        ..params.clone()
    }
    .is_filtered();
    let rows: Vec<LeadRow> = state
        .rows
        .iter()
        .filter(|r| !props.hidden.contains(&r.id))
        .cloned()
        .collect();
    let left_out = (state.rows.len() - rows.len()) as i64;
    let first_load = state.loading && !state.loaded;
    let show_empty = state.loaded && !state.loading && rows.is_empty();
    let shown = rows.len().to_string();
    let total_count = (state.total - left_out).max(0);
    let total = if state.total_exact {
        total_count.to_string()
    } else {
        format!("{total_count}+")
    };

    let empty = if user_filtered {
        html! {
            <EmptyState icon={IconName::Search} title={i18n.t(Key::LeadsNoMatchTitle)} hint={i18n.t(Key::LeadsNoMatchHint)}>
                <button type="button" class="btn btn-secondary" data-testid="clear-filters" onclick={clear.clone()}>
                    { i18n.t(Key::ClearFilters) }
                </button>
            </EmptyState>
        }
    } else {
        html! {
            <EmptyState icon={props.empty_icon.unwrap_or(IconName::Leads)} title={i18n.t(props.empty_title)}
                        hint={i18n.t(props.empty_hint)}>
                { props.empty_action.clone() }
            </EmptyState>
        }
    };

    html! {
        <div class="lead-list" data-testid="lead-list">
            if !params.drill.is_empty() {
                <div class="drill-banner" data-testid="drill-banner">
                    <span>{ i18n.t(Key::LeadsDrillBanner) }</span>
                    <button type="button" class="btn btn-ghost btn-sm" data-testid="drill-back"
                            onclick={Callback::from(|_: MouseEvent| {
                                let _ = gloo::utils::window().history().and_then(|h| h.back());
                            })}>
                        { i18n.t(Key::LeadsDrillBack) }
                    </button>
                </div>
            }
            <LeadToolbar params={params.clone()} on_change={set_params} pool_fixed={props.pool_fixed} />
            <div class="list-meta">
                <span class="count" data-testid="lead-count" aria-live="polite">
                    if state.loaded {
                        if total_count == 1 {
                            { i18n.t(Key::LeadsCountOne) }
                        } else {
                            { i18n.tf(Key::LeadsCount, &[("n", &total)]) }
                        }
                        if state.next_cursor.is_some() {
                            <span class="count-extra">{ " · " }{ i18n.tf(Key::LeadsShown, &[("shown", &shown)]) }</span>
                        }
                    } else {
                        { "\u{00a0}" }
                    }
                </span>
                if user_filtered && !show_empty {
                    <button type="button" class="btn btn-ghost btn-sm" data-testid="clear-filters" onclick={clear}>
                        { i18n.t(Key::ClearFilters) }
                    </button>
                }
            </div>
            if let Some(err) = &state.error {
                <ErrorNotice error={err.clone()} on_retry={on_retry} />
            }
            if let Some(message) = &*notice {
                <SuccessNotice message={message.clone()} on_dismiss={dismiss_notice} />
            }
            if show_empty {
                <div class="card">{ empty }</div>
            } else if state.error.is_none() || state.loaded {
                <LeadTable {rows} loading={first_load} stale={state.loading && state.loaded}
                           selected={(*selected).clone()} {on_select} {on_select_all}
                           row_action={props.row_action.clone()} />
                if state.next_cursor.is_some() {
                    <div class="table-more">
                        <button type="button" class="btn btn-secondary" data-testid="load-more"
                                disabled={state.loading_more} aria-busy={state.loading_more.to_string()}
                                onclick={load_more}>
                            { i18n.t(if state.loading_more { Key::Loading } else { Key::LoadMore }) }
                        </button>
                    </div>
                }
                if !selected.is_empty() {
                    <BulkBar count={selected.len()} can_assign={may_assign} on_assign={open_dialog(BulkDialog::Assign)}
                             on_tag={open_dialog(BulkDialog::Tag)} on_stage={open_dialog(BulkDialog::Stage)}
                             on_clear={clear_selection} ids={selected.iter().cloned().collect::<Vec<_>>()} />
                }
            }
            { dialog_html }
        </div>
    }
}
