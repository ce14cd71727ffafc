//! The bar above the widgets: range presets, from/to days, the "Whole team / Mine"
//! switch, team, owner, source and campaign. It shows [`DashParams`] and reports the
//! next ones; the page writes them to the address bar. Reps see only the range and
//! the source and campaign: their numbers are always their own.

use chrono::NaiveDate;
use leadflow_shared::{Channel, Role};
use yew::prelude::*;

use super::filters::{DashParams, Preset, Range};
use crate::api::analytics::CampaignOption;
use crate::api::types::{Team, User};
use crate::components::form::select_value;
use crate::i18n::{channel_key, use_i18n, Key};

/// What the selects offer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Options {
    pub teams: Vec<Team>,
    pub campaigns: Vec<CampaignOption>,
    /// Owners to pick (admins and managers only).
    pub people: Vec<User>,
}

#[derive(Properties, PartialEq)]
pub struct FilterBarProps {
    pub params: DashParams,
    pub on_change: Callback<DashParams>,
    pub options: Options,
    pub role: Option<Role>,
    /// The signed-in user's id.
    pub me: Option<String>,
    pub today: NaiveDate,
}

fn preset_key(p: Preset) -> Key {
    match p {
        Preset::ThisMonth => Key::DashThisMonth,
        Preset::Last30Days => Key::DashLast30Days,
        Preset::ThisQuarter => Key::DashThisQuarter,
        Preset::ThisYear => Key::DashThisYear,
    }
}

fn some(value: String) -> Option<String> {
    (!value.is_empty()).then_some(value)
}

#[component]
pub fn FilterBar(props: &FilterBarProps) -> Html {
    let i18n = use_i18n();
    let params = &props.params;
    let is_rep = props.role == Some(Role::Rep);
    let picks_people = matches!(props.role, Some(Role::Admin | Role::Manager));
    let (from, to) = params.days(props.today);

    let change = |f: fn(&mut DashParams, String)| {
        let (params, on_change) = (params.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            let mut next = params.clone();
            f(&mut next, select_value(&e));
            on_change.emit(next);
        })
    };
    let on_from = {
        let (params, on_change, to) = (params.clone(), props.on_change.clone(), to);
        Callback::from(move |e: Event| {
            if let Ok(day) = NaiveDate::parse_from_str(&select_value_input(&e), "%Y-%m-%d") {
                on_change.emit(DashParams {
                    range: Range::Days { from: day, to },
                    ..params.clone()
                });
            }
        })
    };
    let on_to = {
        let (params, on_change, from) = (params.clone(), props.on_change.clone(), from);
        Callback::from(move |e: Event| {
            if let Ok(day) = NaiveDate::parse_from_str(&select_value_input(&e), "%Y-%m-%d") {
                on_change.emit(DashParams {
                    range: Range::Days { from, to: day },
                    ..params.clone()
                });
            }
        })
    };
    let preset = |p: Preset| {
        let (params, on_change) = (params.clone(), props.on_change.clone());
        let active = params.range == Range::Preset(p);
        let onclick = Callback::from(move |_: MouseEvent| {
            on_change.emit(DashParams {
                range: Range::Preset(p),
                bucket: None,
                ..params.clone()
            })
        });
        html! {
            <button type="button" class={classes!("segmented-item", active.then_some("is-active"))}
                    aria-pressed={active.to_string()} data-testid={format!("preset-{}", p.as_str())} {onclick}>
                { i18n.t(preset_key(p)) }
            </button>
        }
    };
    let view = |mine: bool| {
        let (params, on_change, me) = (params.clone(), props.on_change.clone(), props.me.clone());
        let active = (params.owner.is_some() && params.owner == me) == mine;
        let onclick = Callback::from(move |_: MouseEvent| {
            on_change.emit(DashParams {
                owner: if mine { me.clone() } else { None },
                ..params.clone()
            })
        });
        html! {
            <button type="button" class={classes!("segmented-item", active.then_some("is-active"))}
                    aria-pressed={active.to_string()} data-testid={if mine { "view-mine" } else { "view-team" }} {onclick}>
                { i18n.t(if mine { Key::DashViewMine } else { Key::DashViewTeam }) }
            </button>
        }
    };
    let reset = {
        let (params, on_change) = (params.clone(), props.on_change.clone());
        Callback::from(move |_: MouseEvent| {
            on_change.emit(DashParams {
                range: params.range,
                bucket: params.bucket,
                ..DashParams::default()
            })
        })
    };

    html! {
        <div class="dash-filters no-print" data-testid="dash-filters" role="search" aria-label={i18n.t(Key::DashFilters)}>
            <div class="dash-filter-row">
                <div class="segmented" role="group" aria-label={i18n.t(Key::DashRange)}>
                    { for Preset::ALL.into_iter().map(preset) }
                </div>
                <label class="dash-date">
                    <span>{ i18n.t(Key::DashFrom) }</span>
                    <input type="date" class="input input-sm" value={from.to_string()} onchange={on_from}
                           data-testid="dash-from" max={to.to_string()} />
                </label>
                <label class="dash-date">
                    <span>{ i18n.t(Key::DashTo) }</span>
                    <input type="date" class="input input-sm" value={to.to_string()} onchange={on_to}
                           data-testid="dash-to" min={from.to_string()} />
                </label>
                if picks_people {
                    <div class="segmented" role="group" aria-label={i18n.t(Key::DashView)}>
                        { view(false) }
                        { view(true) }
                    </div>
                }
            </div>
            <div class="dash-filter-row">
                if !is_rep {
                    <select class="input input-sm dash-select" data-testid="dash-team" aria-label={i18n.t(Key::DashTeam)}
                            onchange={change(|p, v| p.team = some(v))}>
                        <option value="" selected={params.team.is_none()}>{ i18n.t(Key::DashAllTeams) }</option>
                        { for props.options.teams.iter().map(|t| html! {
                            <option value={t.id.clone()} selected={params.team.as_ref() == Some(&t.id)}>{ t.name.clone() }</option>
                        }) }
                    </select>
                }
                if picks_people {
                    <select class="input input-sm dash-select" data-testid="dash-owner" aria-label={i18n.t(Key::DashRep)}
                            onchange={change(|p, v| p.owner = some(v))}>
                        <option value="" selected={params.owner.is_none()}>{ i18n.t(Key::DashEveryone) }</option>
                        { for props.options.people.iter().map(|u| html! {
                            <option value={u.id.clone()} selected={params.owner.as_ref() == Some(&u.id)}>{ u.name.clone() }</option>
                        }) }
                    </select>
                }
                <select class="input input-sm dash-select" data-testid="dash-source" aria-label={i18n.t(Key::DashSource)}
                        onchange={change(|p, v| p.source = Channel::parse(&v))}>
                    <option value="" selected={params.source.is_none()}>{ i18n.t(Key::DashAllSources) }</option>
                    { for Channel::ALL.into_iter().map(|c| html! {
                        <option value={c.as_str()} selected={params.source == Some(c)}>{ i18n.t(channel_key(c)) }</option>
                    }) }
                </select>
                <select class="input input-sm dash-select" data-testid="dash-campaign" aria-label={i18n.t(Key::DashCampaign)}
                        onchange={change(|p, v| p.campaign = some(v))}>
                    <option value="" selected={params.campaign.is_none()}>{ i18n.t(Key::DashAllCampaigns) }</option>
                    { for props.options.campaigns.iter().map(|c| html! {
                        <option value={c.id.clone()} selected={params.campaign.as_ref() == Some(&c.id)}>{ c.name.clone() }</option>
                    }) }
                </select>
                if params.is_narrowed() {
                    <button type="button" class="btn btn-ghost btn-sm" data-testid="dash-reset" onclick={reset}>
                        { i18n.t(Key::ClearFilters) }
                    </button>
                }
            </div>
        </div>
    }
}

/// The value of the `<input>` a change event came from.
fn select_value_input(e: &Event) -> String {
    use yew::TargetCast;
    e.target_unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}
