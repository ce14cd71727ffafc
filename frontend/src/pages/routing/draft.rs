//! The routing rules being designed, as typed: a [`RoutingDraft`] changed only through
//! [`Edit`]s. Conditions are scoring's [`FitDraft`] (the same editor and the same
//! texts-as-typed), weights stay the text typed; [`RoutingDraft::to_rules`] gives the
//! shared [`RoutingRules`] plus what could not be read, at the JSON paths the shared
//! checks use (`rules[2].strategy.weights.u7`), so every problem shows beside its input.
//!
//! Pure data and rules (no Yew, no I/O), with unit tests at the bottom.

use std::collections::BTreeMap;
use std::rc::Rc;

use leadflow_shared::routing::{
    LoadMeasure, RouteCondition, RouteField, RoutingRule, RoutingRules, Strategy, StrategyKind,
    WorkingHours, FALLBACK_ID,
};
use leadflow_shared::scoring::{Condition, FitRule, LeadField, Operator, RuleError};
use leadflow_shared::{RoutingTrigger, UserErrorCode};
use yew::Reducible;

use crate::components::working_hours::default_hours;
use crate::pages::scoring::draft::{FitDraft, FitEdit};

/// How a rule (or the fallback) places leads, as picked. Every kind's choices are kept,
/// so switching the kind back and forth loses nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyDraft {
    pub kind: StrategyKind,
    pub user_id: String,
    pub team_id: String,
    /// Weight texts by user id; blank is the default weight 1.
    pub weights: BTreeMap<String, String>,
    pub measure: LoadMeasure,
}

impl StrategyDraft {
    pub fn of(strategy: &Strategy) -> StrategyDraft {
        let mut d = StrategyDraft {
            kind: strategy.kind(),
            user_id: String::new(),
            team_id: String::new(),
            weights: BTreeMap::new(),
            measure: LoadMeasure::OpenLeads,
        };
        match strategy {
            Strategy::Rep { user_id } => d.user_id = user_id.clone(),
            Strategy::RoundRobin { team_id, weights } => {
                d.team_id = team_id.clone();
                d.weights = weights
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_string()))
                    .collect();
            }
            Strategy::LeastLoaded { team_id, measure } => {
                d.team_id = team_id.clone();
                d.measure = *measure;
            }
            Strategy::Pool => {}
        }
        d
    }

    fn pool() -> StrategyDraft {
        StrategyDraft::of(&Strategy::Pool)
    }

    /// The strategy as picked; unreadable weights are reported at `at.weights.<id>`.
    fn to_strategy(&self, at: &str, bad: &mut Vec<RuleError>) -> Strategy {
        match self.kind {
            StrategyKind::Rep => Strategy::Rep {
                user_id: self.user_id.clone(),
            },
            StrategyKind::RoundRobin => {
                let mut weights = BTreeMap::new();
                for (user_id, text) in &self.weights {
                    let text = text.trim();
                    if text.is_empty() {
                        continue;
                    }
                    match text.parse::<u32>() {
                        Ok(w) => {
                            weights.insert(user_id.clone(), w);
                        }
                        Err(_) => bad.push(RuleError {
                            path: format!("{at}.weights.{user_id}"),
                            code: UserErrorCode::Invalid,
                            message: String::new(),
                        }),
                    }
                }
                Strategy::RoundRobin {
                    team_id: self.team_id.clone(),
                    weights,
                }
            }
            StrategyKind::LeastLoaded => Strategy::LeastLoaded {
                team_id: self.team_id.clone(),
                measure: self.measure,
            },
            StrategyKind::Pool => Strategy::Pool,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleDraft {
    pub id: String,
    pub label: String,
    pub enabled: bool,
    /// Scoring's condition drafts; their label and points are not used.
    pub conditions: Vec<FitDraft>,
    pub hours: Option<WorkingHours>,
    /// The calendar last used, kept while "only during working hours" is off.
    pub hours_kept: WorkingHours,
    pub strategy: StrategyDraft,
}

impl RuleDraft {
    fn of(rule: &RoutingRule) -> RuleDraft {
        RuleDraft {
            id: rule.id.clone(),
            label: rule.label.clone(),
            enabled: rule.enabled,
            conditions: rule
                .conditions
                .iter()
                .map(|c| {
                    FitDraft::of(&FitRule {
                        id: String::new(),
                        label: String::new(),
                        field: c.field.clone(),
                        condition: c.condition.clone(),
                        points: 0,
                    })
                })
                .collect(),
            hours: rule.working_hours.clone(),
            hours_kept: rule.working_hours.clone().unwrap_or_else(default_hours),
            strategy: StrategyDraft::of(&rule.strategy),
        }
    }
}

/// A new condition: the province is one of the values typed.
fn new_condition() -> FitDraft {
    FitDraft::of(&FitRule {
        id: String::new(),
        label: String::new(),
        field: LeadField::Province.name().into_owned(),
        condition: Condition::In { values: Vec::new() },
        points: 0,
    })
}

/// Which strategy an edit is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Rule(usize),
    Fallback,
}

impl Target {
    /// The strategy's JSON path: `rules[2].strategy` or `fallback`.
    pub fn path(self) -> String {
        match self {
            Target::Rule(at) => format!("rules[{at}].strategy"),
            Target::Fallback => "fallback".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoutingDraft {
    pub rules: Vec<RuleDraft>,
    pub fallback: StrategyDraft,
    pub trigger: RoutingTrigger,
}

impl RoutingDraft {
    pub fn of(rules: &RoutingRules, trigger: RoutingTrigger) -> RoutingDraft {
        RoutingDraft {
            rules: rules.rules.iter().map(RuleDraft::of).collect(),
            fallback: StrategyDraft::of(&rules.fallback),
            trigger,
        }
    }

    /// The rules as typed, and what in them could not be read. Unreadable numbers become
    /// placeholders (NaN, which the shared checks refuse at the same path), so the rest
    /// can still be checked and simulated.
    pub fn to_rules(&self) -> (RoutingRules, Vec<RuleError>) {
        let mut bad = Vec::new();
        let rules = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| RoutingRule {
                id: r.id.clone(),
                label: r.label.clone(),
                enabled: r.enabled,
                conditions: r
                    .conditions
                    .iter()
                    .enumerate()
                    .map(|(j, c)| {
                        let (condition, errors) =
                            c.condition(&format!("rules[{i}].conditions[{j}].condition"));
                        bad.extend(errors);
                        RouteCondition {
                            field: c.field.trim().to_owned(),
                            condition,
                        }
                    })
                    .collect(),
                working_hours: r.hours.clone(),
                strategy: r.strategy.to_strategy(&Target::Rule(i).path(), &mut bad),
            })
            .collect();
        let fallback = self
            .fallback
            .to_strategy(&Target::Fallback.path(), &mut bad);
        (RoutingRules { rules, fallback }, bad)
    }

    /// An id no rule uses yet (and not the fallback's): `rule-3`.
    fn fresh_id(&self) -> String {
        (1..)
            .map(|n| format!("rule-{n}"))
            .find(|id| id != FALLBACK_ID && !self.rules.iter().any(|r| &r.id == id))
            .unwrap_or_else(|| "rule".to_owned())
    }

    fn strategy_mut(&mut self, target: Target) -> Option<&mut StrategyDraft> {
        match target {
            Target::Rule(at) => self.rules.get_mut(at).map(|r| &mut r.strategy),
            Target::Fallback => Some(&mut self.fallback),
        }
    }

    fn apply(&mut self, edit: Edit) {
        match edit {
            Edit::AddRule => {
                let id = self.fresh_id();
                self.rules.push(RuleDraft {
                    id,
                    label: String::new(),
                    enabled: true,
                    conditions: vec![new_condition()],
                    hours: None,
                    hours_kept: default_hours(),
                    strategy: StrategyDraft::pool(),
                });
            }
            Edit::RemoveRule(at) => {
                if at < self.rules.len() {
                    self.rules.remove(at);
                }
            }
            Edit::MoveRule(at, up) => {
                let other = if up { at.checked_sub(1) } else { Some(at + 1) };
                if let Some(other) = other.filter(|o| *o < self.rules.len()) {
                    if at < self.rules.len() {
                        self.rules.swap(at, other);
                    }
                }
            }
            Edit::Rule(at, change) => {
                if let Some(rule) = self.rules.get_mut(at) {
                    change.apply(rule);
                }
            }
            Edit::Strategy(target, change) => {
                if let Some(strategy) = self.strategy_mut(target) {
                    change.apply(strategy);
                }
            }
            Edit::Trigger(trigger) => self.trigger = trigger,
            Edit::Replace(draft) => *self = *draft,
        }
    }
}

/// A change to one rule.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleEdit {
    Label(String),
    Enabled(bool),
    AddCondition,
    RemoveCondition(usize),
    Condition(usize, FitEdit),
    /// Only during working hours, or always.
    UseHours(bool),
    Hours(WorkingHours),
}

impl RuleEdit {
    fn apply(self, rule: &mut RuleDraft) {
        match self {
            RuleEdit::Label(v) => rule.label = v,
            RuleEdit::Enabled(v) => rule.enabled = v,
            RuleEdit::AddCondition => rule.conditions.push(new_condition()),
            RuleEdit::RemoveCondition(j) => {
                if j < rule.conditions.len() {
                    rule.conditions.remove(j);
                }
            }
            RuleEdit::Condition(j, change) => {
                if let Some(c) = rule.conditions.get_mut(j) {
                    change.apply(c);
                }
            }
            RuleEdit::UseHours(on) => {
                if on {
                    rule.hours = Some(rule.hours_kept.clone());
                } else if let Some(hours) = rule.hours.take() {
                    rule.hours_kept = hours;
                }
            }
            RuleEdit::Hours(hours) => rule.hours = Some(hours),
        }
    }
}

/// A change to a strategy.
#[derive(Debug, Clone, PartialEq)]
pub enum StrategyEdit {
    Kind(StrategyKind),
    User(String),
    /// Another team; weights were for the old team's members, so they go.
    Team(String),
    Weight(String, String),
    Measure(LoadMeasure),
}

impl StrategyEdit {
    fn apply(self, s: &mut StrategyDraft) {
        match self {
            StrategyEdit::Kind(kind) => s.kind = kind,
            StrategyEdit::User(id) => s.user_id = id,
            StrategyEdit::Team(id) => {
                if id != s.team_id {
                    s.weights.clear();
                }
                s.team_id = id;
            }
            StrategyEdit::Weight(user_id, text) => {
                if text.trim().is_empty() {
                    s.weights.remove(&user_id);
                } else {
                    s.weights.insert(user_id, text);
                }
            }
            StrategyEdit::Measure(m) => s.measure = m,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    AddRule,
    RemoveRule(usize),
    /// Moves rule `at` one place up (`true`) or down.
    MoveRule(usize, bool),
    Rule(usize, RuleEdit),
    Strategy(Target, StrategyEdit),
    Trigger(RoutingTrigger),
    /// Start over from other rules (as saved, or discarding the edits).
    Replace(Box<RoutingDraft>),
}

impl Reducible for RoutingDraft {
    type Action = Edit;

    fn reduce(self: Rc<Self>, edit: Edit) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(edit);
        Rc::new(next)
    }
}

/// The fields a condition can look at, in the order the designer lists them.
pub fn route_fields() -> Vec<RouteField> {
    RouteField::standard()
}

/// Operators offered for a condition on `field`.
pub fn operators(field: &str) -> Vec<Operator> {
    crate::pages::scoring::draft::operators_for(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RoutingRules {
        let json = r#"{
          "rules": [
            {"id": "east", "label": "华东制造业", "conditions": [
               {"field": "province", "condition": {"op": "IN", "values": ["江苏", "浙江"]}},
               {"field": "score", "condition": {"op": "GTE", "value": 60}}],
             "workingHours": {"utcOffsetMinutes": 480, "periods": [{"days": ["MONDAY"], "from": "09:00", "to": "18:00"}]},
             "strategy": {"kind": "ROUND_ROBIN", "teamId": "t1", "weights": {"u1": 2}}},
            {"id": "vip", "label": "大客户", "enabled": false,
             "strategy": {"kind": "REP", "userId": "u2"}}
          ],
          "fallback": {"kind": "LEAST_LOADED", "teamId": "t1", "measure": "OPEN_PIPELINE_AMOUNT"}
        }"#;
        RoutingRules::from_json(json).unwrap_or_default()
    }

    #[test]
    fn saved_rules_survive_the_round_trip_through_the_designer() {
        let rules = sample();
        assert_eq!(rules.rules.len(), 2);
        let (back, bad) = RoutingDraft::of(&rules, RoutingTrigger::Both).to_rules();
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(back, rules);
    }

    #[test]
    fn unreadable_weights_and_numbers_are_reported_at_their_paths() {
        let mut d = RoutingDraft::of(&sample(), RoutingTrigger::OnCapture);
        d.apply(Edit::Strategy(
            Target::Rule(0),
            StrategyEdit::Weight("u3".into(), "two".into()),
        ));
        d.apply(Edit::Rule(
            0,
            RuleEdit::Condition(1, FitEdit::Value("6o".into())),
        ));
        let (_, bad) = d.to_rules();
        let paths: Vec<_> = bad.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "rules[0].conditions[1].condition.value",
                "rules[0].strategy.weights.u3"
            ]
        );
    }

    #[test]
    fn rules_move_and_new_ones_get_free_ids() {
        let mut d = RoutingDraft::of(&sample(), RoutingTrigger::OnCapture);
        d.apply(Edit::MoveRule(1, true));
        assert_eq!(d.rules[0].id, "vip");
        d.apply(Edit::MoveRule(0, true));
        assert_eq!(d.rules[0].id, "vip");
        d.apply(Edit::MoveRule(1, false));
        assert_eq!(d.rules[1].id, "east");
        d.apply(Edit::AddRule);
        d.apply(Edit::AddRule);
        d.apply(Edit::RemoveRule(2));
        d.apply(Edit::AddRule);
        let ids: Vec<_> = d.rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["vip", "east", "rule-2", "rule-1"]);
    }

    #[test]
    fn switching_team_drops_weights_and_hours_come_back_as_they_were() {
        let mut d = RoutingDraft::of(&sample(), RoutingTrigger::OnCapture);
        d.apply(Edit::Strategy(
            Target::Rule(0),
            StrategyEdit::Kind(StrategyKind::Pool),
        ));
        d.apply(Edit::Strategy(
            Target::Rule(0),
            StrategyEdit::Kind(StrategyKind::RoundRobin),
        ));
        assert_eq!(d.rules[0].strategy.weights.len(), 1);
        d.apply(Edit::Strategy(
            Target::Rule(0),
            StrategyEdit::Team("t2".into()),
        ));
        assert!(d.rules[0].strategy.weights.is_empty());
        let hours = d.rules[0].hours.clone();
        d.apply(Edit::Rule(0, RuleEdit::UseHours(false)));
        assert_eq!(d.to_rules().0.rules[0].working_hours, None);
        d.apply(Edit::Rule(0, RuleEdit::UseHours(true)));
        assert_eq!(d.rules[0].hours, hours);
        // The operator follows the field's kind.
        d.apply(Edit::Rule(
            0,
            RuleEdit::Condition(0, FitEdit::Field("score".into())),
        ));
        assert_eq!(d.rules[0].conditions[0].op, Operator::Gt);
    }
}
