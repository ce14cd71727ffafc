//! The filter bar above the lead list: debounced search, source, sort, "only pool",
//! "Export" (the list as filtered), and one toggle chip per stage. It owns no list state: it shows [`ListParams`] and reports
//! the next ones, which the page writes to the address bar.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use leadflow_shared::{Channel, LeadStage};
use yew::prelude::*;

use super::export::ExportButton;
use super::params::ListParams;
use crate::api::leads::LeadSort;
use crate::components::form::{input_value, select_value};
use crate::components::icon::{Icon, IconName};
use crate::i18n::{channel_key, stage_key, use_i18n, Key};

/// How long typing must pause before the search is sent.
const SEARCH_DEBOUNCE_MS: u32 = 300;

fn sort_key(sort: LeadSort) -> Key {
    match sort {
        LeadSort::ScoreDesc => Key::SortScore,
        LeadSort::CreatedDesc => Key::SortNewest,
        LeadSort::CreatedAsc => Key::SortOldest,
        LeadSort::UpdatedDesc => Key::SortUpdated,
        LeadSort::LastActivityDesc => Key::SortActive,
    }
}

#[derive(Properties, PartialEq)]
pub struct LeadToolbarProps {
    pub params: ListParams,
    pub on_change: Callback<ListParams>,
    /// The pool page fixes `pool: true`, so the toggle is not offered there.
    #[prop_or_default]
    pub pool_fixed: bool,
}

#[component]
pub fn LeadToolbar(props: &LeadToolbarProps) -> Html {
    let i18n = use_i18n();
    let text = use_state(|| props.params.search.clone());
    let pending: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    // The parameters as of the latest render, so a search that fires after a chip was
    // clicked keeps that chip.
    let latest = use_mut_ref(|| props.params.clone());
    *latest.borrow_mut() = props.params.clone();

    // Follow the address bar when it changes from elsewhere (back button, "clear").
    {
        let text = text.clone();
        use_effect_with(props.params.search.clone(), move |search| {
            text.set(search.clone());
        });
    }

    let on_search = {
        let (text, pending, latest, on_change) = (
            text.clone(),
            pending.clone(),
            latest.clone(),
            props.on_change.clone(),
        );
        Callback::from(move |e: InputEvent| {
            let value = input_value(&e);
            text.set(value.clone());
            let (latest, on_change) = (latest.clone(), on_change.clone());
            // Replacing the timeout drops (cancels) the previous one.
            *pending.borrow_mut() = Some(Timeout::new(SEARCH_DEBOUNCE_MS, move || {
                let params = latest.borrow().clone();
                on_change.emit(ListParams {
                    search: value,
                    ..params
                });
            }));
        })
    };
    // Enter searches at once.
    let on_submit = {
        let (text, pending, params, on_change) = (
            text.clone(),
            pending.clone(),
            props.params.clone(),
            props.on_change.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            pending.borrow_mut().take();
            on_change.emit(ListParams {
                search: (*text).clone(),
                ..params.clone()
            });
        })
    };
    let on_source = {
        let (params, on_change) = (props.params.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            on_change.emit(ListParams {
                source: Channel::parse(&select_value(&e)),
                ..params.clone()
            })
        })
    };
    let on_sort = {
        let (params, on_change) = (props.params.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            on_change.emit(ListParams {
                sort: LeadSort::from_query(&select_value(&e)).unwrap_or_default(),
                ..params.clone()
            })
        })
    };
    let on_pool = {
        let (params, on_change) = (props.params.clone(), props.on_change.clone());
        Callback::from(move |_: Event| {
            on_change.emit(ListParams {
                pool_only: !params.pool_only,
                ..params.clone()
            })
        })
    };
    let all_stages = {
        let (params, on_change) = (props.params.clone(), props.on_change.clone());
        Callback::from(move |_: MouseEvent| {
            on_change.emit(ListParams {
                stages: Vec::new(),
                ..params.clone()
            })
        })
    };
    let stage_chip = |stage: LeadStage| {
        let pressed = props.params.stages.contains(&stage);
        let onclick = {
            let (params, on_change) = (props.params.clone(), props.on_change.clone());
            Callback::from(move |_: MouseEvent| on_change.emit(params.toggle_stage(stage)))
        };
        html! {
            <button type="button" class={classes!("chip-toggle", format!("chip-{}", stage.as_str()))}
                    aria-pressed={pressed.to_string()} data-testid={format!("stage-chip-{}", stage.as_str())}
                    {onclick}>
                <span class="chip-dot" aria-hidden="true" />
                { i18n.t(stage_key(stage)) }
            </button>
        }
    };

    html! {
        <div class="lead-toolbar" role="search" aria-label={i18n.t(Key::FilterLeads)} data-testid="lead-toolbar">
            <div class="lead-toolbar-row">
                <form class="search-box" onsubmit={on_submit}>
                    <Icon name={IconName::Search} />
                    <input type="search" class="input" data-testid="lead-search"
                           aria-label={i18n.t(Key::SearchLeads)} placeholder={i18n.t(Key::SearchLeads)}
                           autocomplete="off" value={(*text).clone()} oninput={on_search} />
                </form>
                <select class="input toolbar-select" data-testid="lead-source" aria-label={i18n.t(Key::Source)}
                        onchange={on_source}>
                    <option value="" selected={props.params.source.is_none()}>{ i18n.t(Key::AllSources) }</option>
                    { for Channel::ALL.into_iter().map(|c| html! {
                        <option value={c.as_str()} selected={props.params.source == Some(c)}>
                            { i18n.t(channel_key(c)) }
                        </option>
                    }) }
                </select>
                <label class="toolbar-sort">
                    <span class="toolbar-label">{ i18n.t(Key::SortBy) }</span>
                    <select class="input toolbar-select" data-testid="lead-sort" onchange={on_sort}>
                        { for LeadSort::ALL.into_iter().map(|s| html! {
                            <option value={s.as_query()} selected={props.params.sort == s}>{ i18n.t(sort_key(s)) }</option>
                        }) }
                    </select>
                </label>
                if !props.pool_fixed {
                    <label class="switch" data-testid="lead-pool-only">
                        <input type="checkbox" checked={props.params.pool_only} onchange={on_pool} />
                        <span class="switch-track" aria-hidden="true"><span class="switch-thumb" /></span>
                        <span>{ i18n.t(Key::OnlyPool) }</span>
                    </label>
                }
                <span class="toolbar-spacer" />
                <ExportButton query={props.params.export_query()} />
            </div>
            <div class="lead-toolbar-row stage-chips" role="group" aria-label={i18n.t(Key::Stage)}>
                <button type="button" class="chip-toggle" aria-pressed={props.params.stages.is_empty().to_string()}
                        data-testid="stage-chip-all" onclick={all_stages}>
                    { i18n.t(Key::AllStages) }
                </button>
                { for LeadStage::ALL.into_iter().map(stage_chip) }
            </div>
        </div>
    }
}
