//! The live simulation: last week's (or month's) real leads replayed through the rules
//! being edited, in the browser, with the shared engine the server decides with — who
//! would have received how many, and by which rule.

use std::collections::BTreeMap;
use std::rc::Rc;

use leadflow_shared::routing::{Decision, RoutingRules};
use yew::prelude::*;

use crate::api::routing::SimulationData;
use crate::api::ApiError;
use crate::components::empty_state::EmptyState;
use crate::components::error_notice::ErrorNotice;
use crate::components::icon::IconName;
use crate::i18n::{use_i18n, Key};

/// The simulation data as loaded; compared by identity, so a re-render never compares
/// thousands of leads.
#[derive(Clone)]
pub struct Data(pub Rc<SimulationData>);

impl PartialEq for Data {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The decisions for the rules as edited (`None` while they do not compile), compared
/// by identity.
#[derive(Clone)]
pub struct Outcome(pub Rc<Option<Vec<Decision>>>);

impl PartialEq for Outcome {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Which rule placed a lead: a rule by id, or the fallback (which includes leads no one
/// could take).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum By {
    Rule(String),
    Fallback,
}

impl By {
    fn of(decision: &Decision) -> By {
        decision.rule_id.clone().map_or(By::Fallback, By::Rule)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    pub total: usize,
    /// By owner (`None`: the pool), each split by the rule that placed the lead.
    pub by_owner: BTreeMap<Option<String>, BTreeMap<By, usize>>,
    pub by_rule: BTreeMap<By, usize>,
}

impl Summary {
    pub fn of(decisions: &[Decision]) -> Summary {
        let mut s = Summary {
            total: decisions.len(),
            ..Summary::default()
        };
        for d in decisions {
            let by = By::of(d);
            *s.by_owner
                .entry(d.owner.clone())
                .or_default()
                .entry(by.clone())
                .or_default() += 1;
            *s.by_rule.entry(by).or_default() += 1;
        }
        s
    }

    pub fn count_for(&self, rule_id: &str) -> usize {
        self.by_rule
            .get(&By::Rule(rule_id.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    pub fn pool(&self) -> usize {
        self.by_owner
            .get(&None)
            .map_or(0, |rules| rules.values().sum())
    }
}

fn percent(n: usize, total: usize) -> String {
    if total == 0 {
        return "–".into();
    }
    let p = n as f64 * 100.0 / total as f64;
    if p > 0.0 && p < 1.0 {
        "<1%".into()
    } else {
        format!("{p:.0}%")
    }
}

#[derive(Properties, PartialEq)]
pub struct SimulationProps {
    /// `None` while loading.
    pub data: Option<Result<Data, ApiError>>,
    pub outcome: Outcome,
    pub rules: RoutingRules,
    pub days: i32,
    pub on_days: Callback<i32>,
    pub on_retry: Callback<()>,
}

#[component]
pub fn Simulation(props: &SimulationProps) -> Html {
    let i18n = use_i18n();
    let days_switch = html! {
        <div class="segmented" role="group" aria-label={i18n.t(Key::RoutingSimPeriod)}>
            { for [7, 30].into_iter().map(|d| {
                let on_days = props.on_days.clone();
                html! {
                    <button type="button" class={classes!("segmented-item", (d == props.days).then_some("is-active"))}
                            aria-pressed={(d == props.days).to_string()} data-testid={format!("routing-sim-days-{d}")}
                            onclick={Callback::from(move |_: MouseEvent| on_days.emit(d))}>
                        { i18n.tf(Key::RoutingSimDays, &[("n", &d.to_string())]) }
                    </button>
                }
            }) }
        </div>
    };
    let label_of = |by: &By| -> String {
        match by {
            By::Fallback => i18n.t(Key::RoutingFallback).to_owned(),
            By::Rule(id) => props
                .rules
                .rules
                .iter()
                .find(|r| &r.id == id)
                .map(|r| r.label.trim())
                .filter(|l| !l.is_empty())
                .map_or_else(|| id.clone(), str::to_owned),
        }
    };
    let body = match (&props.data, &*props.outcome.0) {
        (None, _) => html! {
            <div class="preview-loading" aria-busy="true" data-testid="routing-sim-loading">
                <span class="skeleton-bar" style="width:60%" />
                <span class="skeleton-bar" style="width:40%" />
            </div>
        },
        (Some(Err(err)), _) => {
            html! { <ErrorNotice error={err.clone()} on_retry={props.on_retry.clone()} /> }
        }
        (Some(Ok(data)), _) if data.0.arrivals.is_empty() => html! {
            <div data-testid="routing-sim-empty">
                <EmptyState icon={IconName::Routing}
                            title={i18n.tf(Key::RoutingSimEmptyTitle, &[("n", &props.days.to_string())])}
                            hint={i18n.t(Key::RoutingSimEmptyHint)} />
            </div>
        },
        (Some(Ok(_)), None) => html! {
            <p class="muted routing-sim-waiting" data-testid="routing-sim-waiting">{ i18n.t(Key::RoutingSimFixFirst) }</p>
        },
        (Some(Ok(data)), Some(decisions)) => {
            let summary = Summary::of(decisions);
            let name_of = |id: &str| -> String {
                data.0
                    .team_state
                    .reps
                    .get(id)
                    .map(|r| r.name.clone())
                    .or_else(|| data.0.directory.users.get(id).map(|u| u.name.clone()))
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| id.to_owned())
            };
            let mut owners: Vec<(&Option<String>, usize, &BTreeMap<By, usize>)> = summary
                .by_owner
                .iter()
                .map(|(owner, rules)| (owner, rules.values().sum(), rules))
                .collect();
            // Reps by how many they would get; the pool last.
            crate::sort::by_key(&mut owners, |(owner, n, _)| {
                (owner.is_none(), std::cmp::Reverse(*n))
            });
            let rule_order = |by: &By| match by {
                By::Rule(id) => props
                    .rules
                    .rules
                    .iter()
                    .position(|r| &r.id == id)
                    .unwrap_or(usize::MAX - 1),
                By::Fallback => usize::MAX,
            };
            let mut by_rule: Vec<(&By, &usize)> = summary.by_rule.iter().collect();
            crate::sort::by_key(&mut by_rule, |(by, _)| rule_order(by));
            let total = summary.total;
            html! {
                <>
                    <p class="routing-sim-lead" data-testid="routing-sim-total" data-total={total.to_string()}>
                        { i18n.tf(Key::RoutingSimTotal, &[("n", &total.to_string()), ("days", &props.days.to_string())]) }
                    </p>
                    <table class="table routing-sim-table" data-testid="routing-sim">
                        <thead><tr>
                            <th scope="col">{ i18n.t(Key::RoutingSimWho) }</th>
                            <th scope="col" class="num">{ i18n.t(Key::RoutingSimLeads) }</th>
                            <th scope="col" class="num">{ i18n.t(Key::RoutingSimShare) }</th>
                        </tr></thead>
                        <tbody>
                            { for owners.into_iter().map(|(owner, n, rules)| {
                                let who = match owner {
                                    Some(id) => name_of(id),
                                    None => i18n.t(Key::RoutingToPool).to_owned(),
                                };
                                let mut split: Vec<(&By, &usize)> = rules.iter().collect();
                                crate::sort::by_key(&mut split, |(by, _)| rule_order(by));
                                html! {
                                    <tr data-testid="routing-sim-row" data-owner={owner.clone().unwrap_or_else(|| "pool".into())}
                                        data-count={n.to_string()} class={classes!(owner.is_none().then_some("routing-sim-pool"))}>
                                        <td>
                                            <span class="cell-primary">{ who }</span>
                                            <span class="routing-sim-split">
                                                { for split.into_iter().map(|(by, k)| html! {
                                                    <span class="routing-sim-by">{ format!("{} {k}", label_of(by)) }</span>
                                                }) }
                                            </span>
                                        </td>
                                        <td class="num">{ n }</td>
                                        <td class="num muted">{ percent(n, total) }</td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                    <h3 class="routing-sim-subtitle">{ i18n.t(Key::RoutingSimByRule) }</h3>
                    <ul class="routing-sim-rules" data-testid="routing-sim-rules">
                        { for by_rule.into_iter().map(|(by, n)| html! {
                            <li data-testid="routing-sim-rule" data-rule={match by { By::Rule(id) => id.clone(), By::Fallback => "fallback".into() }}
                                data-count={n.to_string()}>
                                <span class="routing-sim-rule-name">{ label_of(by) }</span>
                                <span class="routing-sim-bar" aria-hidden="true">
                                    <span style={format!("width:{}%", (n * 100).checked_div(total).unwrap_or(0))} />
                                </span>
                                <span class="num">{ n }</span>
                            </li>
                        }) }
                    </ul>
                    <p class="muted routing-sim-note">
                        { i18n.tf(Key::RoutingSimPoolNote, &[("n", &summary.pool().to_string())]) }
                    </p>
                </>
            }
        }
    };
    html! {
        <section class="card card-pad routing-sim" aria-labelledby="routing-sim-title" data-testid="routing-sim-card">
            <div class="section-head">
                <h2 id="routing-sim-title" class="section-title">{ i18n.t(Key::RoutingSimTitle) }</h2>
                { days_switch }
            </div>
            <p class="section-hint">{ i18n.t(Key::RoutingSimHint) }</p>
            { body }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(owner: Option<&str>, rule: Option<&str>) -> Decision {
        Decision {
            owner: owner.map(str::to_owned),
            rule_id: rule.map(str::to_owned),
            reason: String::new(),
            attempts: Vec::new(),
            advance: None,
        }
    }

    #[test]
    fn counts_by_owner_and_by_rule() {
        let s = Summary::of(&[
            decision(Some("u1"), Some("east")),
            decision(Some("u1"), None),
            decision(None, Some("night")),
            decision(Some("u2"), Some("east")),
        ]);
        assert_eq!(s.total, 4);
        assert_eq!(s.count_for("east"), 2);
        assert_eq!(s.pool(), 1);
        assert_eq!(s.by_rule.get(&By::Fallback), Some(&1));
        assert_eq!(
            s.by_owner
                .get(&Some("u1".into()))
                .map(|r| r.values().sum::<usize>()),
            Some(2)
        );
        assert_eq!(percent(1, 3), "33%");
        assert_eq!(percent(1, 1000), "<1%");
    }
}
