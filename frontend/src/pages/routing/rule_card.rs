//! One routing rule as a card: its name and switch, the conditions a lead must meet
//! (scoring's condition editor), who gets the lead, and the optional working hours.
//! Inputs whose JSON path has a problem turn red; the problems are listed under the
//! rule, named by the input they are about.

use std::rc::Rc;

use leadflow_shared::routing::{Directory, LoadMeasure, RouteField, StrategyKind};
use leadflow_shared::scoring::{Operator, RuleError};
use yew::prelude::*;

use super::draft::{
    operators, route_fields, Edit, RuleDraft, RuleEdit, StrategyDraft, StrategyEdit, Target,
};
use crate::components::form::{input_value, select_value};
use crate::components::icon::{Icon, IconName};
use crate::components::working_hours::WorkingHoursEditor;
use crate::i18n::{operator_key, scoring_field_key, use_i18n, user_error_key, I18n, Key};
use crate::pages::scoring::draft::{FitDraft, FitEdit, Problems};
use crate::pages::scoring::rules::ConditionValue;

/// The `<select>` value that stands for "a custom field".
const CUSTOM_CHOICE: &str = "custom:";

/// The directory as loaded; compared by identity.
#[derive(Clone)]
pub struct Dir(pub Rc<Directory>);

impl PartialEq for Dir {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

pub fn route_field_key(field: &RouteField) -> Key {
    match field {
        RouteField::Lead(f) => scoring_field_key(f),
        RouteField::Score => Key::RoutingFieldScore,
        RouteField::CampaignId => Key::RoutingFieldCampaignId,
    }
}

pub fn strategy_key(kind: StrategyKind) -> Key {
    match kind {
        StrategyKind::Rep => Key::RoutingStrategyRep,
        StrategyKind::RoundRobin => Key::RoutingStrategyRoundRobin,
        StrategyKind::LeastLoaded => Key::RoutingStrategyLeastLoaded,
        StrategyKind::Pool => Key::RoutingStrategyPool,
    }
}

const STRATEGIES: [StrategyKind; 4] = [
    StrategyKind::RoundRobin,
    StrategyKind::LeastLoaded,
    StrategyKind::Rep,
    StrategyKind::Pool,
];

/// Which input a problem's path names, in words (`.strategy.teamId` → "Team").
fn input_name(rest: &str) -> Key {
    let last = rest.rsplit(']').next().unwrap_or(rest);
    if rest.contains(".weights") {
        Key::RoutingWeights
    } else if rest.ends_with(".userId") {
        Key::RoutingRep
    } else if rest.ends_with(".teamId") {
        Key::RoutingTeam
    } else if rest.contains(".workingHours") {
        Key::WorkingHours
    } else if rest.starts_with(".conditions[") {
        match last.split('[').next().unwrap_or(last) {
            ".field" => Key::RuleField,
            ".condition.op" => Key::RuleCondition,
            ".condition.value" | ".condition.values" => Key::RuleValue,
            ".condition.min" => Key::RuleMin,
            ".condition.max" => Key::RuleMax,
            _ => Key::RoutingConditions,
        }
    } else {
        match rest {
            ".label" => Key::RuleName,
            ".id" => Key::RoutingRuleId,
            ".conditions" => Key::RoutingConditions,
            _ => Key::RuleWhole,
        }
    }
}

pub fn problem_line(i18n: &I18n, base: &str, e: &RuleError) -> Html {
    let what = e.path.strip_prefix(base).map_or(Key::RuleWhole, input_name);
    html! {
        <li data-testid="rule-error" data-path={e.path.clone()}>
            <strong>{ i18n.t(what) }</strong>{ " · " }{ i18n.t(user_error_key(e.code)) }
            if !e.message.trim().is_empty() {
                <span class="rule-error-detail">{ e.message.clone() }</span>
            }
        </li>
    }
}

fn invalid(problems: &Problems, path: &str) -> Option<&'static str> {
    problems.at(path).map(|_| "true")
}

#[derive(Properties, PartialEq)]
pub struct RuleCardProps {
    pub at: usize,
    pub count: usize,
    pub rule: RuleDraft,
    pub problems: Problems,
    pub directory: Dir,
    /// How many leads the simulation gives this rule; `None` while it cannot run.
    pub simulated: Option<usize>,
    pub on_edit: Callback<Edit>,
}

#[component]
pub fn RuleCard(props: &RuleCardProps) -> Html {
    let i18n = use_i18n();
    let (at, rule, problems) = (props.at, &props.rule, &props.problems);
    let path = format!("rules[{at}]");
    let edit = |make: fn(String) -> RuleEdit| {
        let cb = props.on_edit.clone();
        Callback::from(move |e: InputEvent| cb.emit(Edit::Rule(at, make(input_value(&e)))))
    };
    let send = |edit: Edit| {
        let cb = props.on_edit.clone();
        Callback::from(move |_: MouseEvent| cb.emit(edit.clone()))
    };
    let on_enabled = {
        let (cb, enabled) = (props.on_edit.clone(), rule.enabled);
        Callback::from(move |_: Event| cb.emit(Edit::Rule(at, RuleEdit::Enabled(!enabled))))
    };
    let on_use_hours = {
        let (cb, on) = (props.on_edit.clone(), rule.hours.is_some());
        Callback::from(move |_: Event| cb.emit(Edit::Rule(at, RuleEdit::UseHours(!on))))
    };
    let on_hours = props
        .on_edit
        .reform(move |hours| Edit::Rule(at, RuleEdit::Hours(hours)));
    let name = if rule.label.trim().is_empty() {
        i18n.t(Key::RuleUnnamed).to_owned()
    } else {
        rule.label.clone()
    };
    let rest = problems.rest_of(&path, &[".workingHours"]);
    let errors: Vec<RuleError> = problems.rest_of(&path, &[]).into_iter().cloned().collect();

    html! {
        <li class={classes!("card", "routing-rule", problems.any_in(&path).then_some("has-problem"), (!rule.enabled).then_some("is-disabled"))}
            data-testid="routing-rule" data-rule-id={rule.id.clone()}>
            <div class="routing-rule-head">
                <span class="routing-rule-order" aria-hidden="true">{ at + 1 }</span>
                <input class="input rule-label" type="text" data-testid="routing-rule-label" autocomplete="off"
                       aria-label={i18n.t(Key::RuleName)} placeholder={i18n.t(Key::RoutingRuleNamePlaceholder)}
                       aria-invalid={invalid(problems, &format!("{path}.label"))}
                       value={rule.label.clone()} oninput={edit(RuleEdit::Label)} />
                if let Some(n) = props.simulated {
                    <span class="count-pill" data-testid="routing-rule-sim" data-count={n.to_string()}
                          title={i18n.t(Key::RoutingRuleSimHint)}>
                        { i18n.tf(Key::RoutingRuleSimCount, &[("n", &n.to_string())]) }
                    </span>
                }
                <label class="switch" title={i18n.t(Key::RoutingRuleEnabled)}>
                    <input type="checkbox" data-testid="routing-rule-enabled" checked={rule.enabled}
                           aria-label={format!("{} · {name}", i18n.t(Key::RoutingRuleEnabled))} onchange={on_enabled} />
                    <span class="switch-track"><span class="switch-thumb" /></span>
                </label>
                <button type="button" class="btn btn-ghost btn-sm" data-testid="routing-rule-up" disabled={at == 0}
                        title={i18n.t(Key::MoveUp)} aria-label={format!("{} · {name}", i18n.t(Key::MoveUp))}
                        onclick={send(Edit::MoveRule(at, true))}><Icon name={IconName::ArrowUp} /></button>
                <button type="button" class="btn btn-ghost btn-sm" data-testid="routing-rule-down" disabled={at + 1 >= props.count}
                        title={i18n.t(Key::MoveDown)} aria-label={format!("{} · {name}", i18n.t(Key::MoveDown))}
                        onclick={send(Edit::MoveRule(at, false))}><Icon name={IconName::ArrowDown} /></button>
                <button type="button" class="btn btn-ghost btn-sm btn-danger-text" data-testid="routing-rule-remove"
                        title={i18n.t(Key::RemoveRule)} aria-label={format!("{} · {name}", i18n.t(Key::RemoveRule))}
                        onclick={send(Edit::RemoveRule(at))}><Icon name={IconName::Trash} /></button>
            </div>
            <div class="routing-rule-part">
                <span class="routing-part-name">{ i18n.t(Key::RoutingWhen) }</span>
                <div class="routing-part-body">
                    if rule.conditions.is_empty() {
                        <p class="muted routing-any">{ i18n.t(Key::RoutingMatchesEveryLead) }</p>
                    } else {
                        <ol class="rule-rows">
                            { for rule.conditions.iter().enumerate().map(|(j, c)| html! {
                                <ConditionRow {at} {j} condition={c.clone()} problems={problems.clone()} on_edit={props.on_edit.clone()} />
                            }) }
                        </ol>
                    }
                    <button type="button" class="btn btn-ghost btn-sm add-rule" data-testid="routing-condition-add"
                            onclick={send(Edit::Rule(at, RuleEdit::AddCondition))}>
                        <Icon name={IconName::Plus} />{ i18n.t(Key::RoutingAddCondition) }
                    </button>
                </div>
            </div>
            <div class="routing-rule-part">
                <span class="routing-part-name">{ i18n.t(Key::RoutingAssignTo) }</span>
                <div class="routing-part-body">
                    <StrategyEditor target={Target::Rule(at)} strategy={rule.strategy.clone()} problems={problems.clone()}
                                    directory={props.directory.clone()} on_edit={props.on_edit.clone()} />
                </div>
            </div>
            <div class="routing-rule-part">
                <span class="routing-part-name">{ i18n.t(Key::WorkingHours) }</span>
                <div class="routing-part-body">
                    <label class="check">
                        <input type="checkbox" data-testid="routing-rule-use-hours" checked={rule.hours.is_some()} onchange={on_use_hours} />
                        <span>{ i18n.t(Key::RoutingOnlyInHours) }</span>
                    </label>
                    if let Some(hours) = &rule.hours {
                        <WorkingHoursEditor hours={hours.clone()} path={format!("{path}.workingHours")}
                                            errors={errors} on_change={on_hours} />
                        <p class="field-hint">{ i18n.t(Key::RoutingOutsideHoursHint) }</p>
                    }
                </div>
            </div>
            if !rest.is_empty() {
                <ul class="rule-errors" role="alert">
                    { for rest.into_iter().map(|e| problem_line(&i18n, &path, e)) }
                </ul>
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ConditionRowProps {
    at: usize,
    j: usize,
    condition: FitDraft,
    problems: Problems,
    on_edit: Callback<Edit>,
}

#[component]
fn ConditionRow(props: &ConditionRowProps) -> Html {
    let i18n = use_i18n();
    let (at, j, c, problems) = (props.at, props.j, &props.condition, &props.problems);
    let path = format!("rules[{at}].conditions[{j}]");
    let on_field = {
        let cb = props.on_edit.clone();
        Callback::from(move |e: Event| {
            cb.emit(Edit::Rule(
                at,
                RuleEdit::Condition(j, FitEdit::Field(select_value(&e))),
            ))
        })
    };
    let on_custom_key = {
        let cb = props.on_edit.clone();
        Callback::from(move |e: InputEvent| {
            cb.emit(Edit::Rule(
                at,
                RuleEdit::Condition(j, FitEdit::CustomKey(input_value(&e))),
            ))
        })
    };
    let on_op = {
        let cb = props.on_edit.clone();
        Callback::from(move |e: Event| {
            let chosen = select_value(&e);
            if let Some(op) = Operator::ALL.into_iter().find(|o| o.name() == chosen) {
                cb.emit(Edit::Rule(at, RuleEdit::Condition(j, FitEdit::Op(op))));
            }
        })
    };
    let remove = {
        let cb = props.on_edit.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Edit::Rule(at, RuleEdit::RemoveCondition(j))))
    };
    let field = c.field.trim();
    let is_custom = field.starts_with(CUSTOM_CHOICE);
    let custom_key = field
        .strip_prefix(CUSTOM_CHOICE)
        .unwrap_or_default()
        .to_owned();
    html! {
        <li class={classes!("rule-row", problems.any_in(&path).then_some("has-problem"))} data-testid="routing-condition">
            <div class="rule-line rule-condition">
                <select class="input rule-field" data-testid="rule-field" aria-label={i18n.t(Key::RuleField)}
                        aria-invalid={invalid(problems, &format!("{path}.field"))} onchange={on_field}>
                    { for route_fields().iter().map(|f| {
                        let value = f.name().into_owned();
                        let selected = value == field;
                        html! { <option {selected} {value}>{ i18n.t(route_field_key(f)) }</option> }
                    }) }
                    <option value={CUSTOM_CHOICE} selected={is_custom}>{ i18n.t(Key::CustomFieldChoice) }</option>
                </select>
                if is_custom {
                    <input class="input mono rule-custom-key" type="text" data-testid="rule-custom-key" autocomplete="off"
                           aria-label={i18n.t(Key::CustomKeyName)} placeholder={i18n.t(Key::CustomKeyPlaceholder)}
                           aria-invalid={invalid(problems, &format!("{path}.field"))}
                           value={custom_key} oninput={on_custom_key} />
                }
                <select class="input rule-op" data-testid="rule-op" aria-label={i18n.t(Key::RuleCondition)}
                        aria-invalid={invalid(problems, &format!("{path}.condition.op"))} onchange={on_op}>
                    { for operators(field).into_iter().map(|op| html! {
                        <option value={op.name()} selected={op == c.op}>{ i18n.t(operator_key(op)) }</option>
                    }) }
                </select>
                <ConditionValue cond={format!("{path}.condition")} rule={c.clone()} problems={problems.clone()}
                                on_change={props.on_edit.reform(move |change| Edit::Rule(at, RuleEdit::Condition(j, change)))} />
                <button type="button" class="btn btn-ghost btn-sm btn-danger-text" data-testid="routing-condition-remove"
                        title={i18n.t(Key::RoutingRemoveCondition)} aria-label={i18n.t(Key::RoutingRemoveCondition)}
                        onclick={remove}><Icon name={IconName::Trash} /></button>
            </div>
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct StrategyEditorProps {
    pub target: Target,
    pub strategy: StrategyDraft,
    pub problems: Problems,
    pub directory: Dir,
    pub on_edit: Callback<Edit>,
}

/// Who gets the lead: a kind, then the rep, or the team (with weights or a measure).
#[component]
pub fn StrategyEditor(props: &StrategyEditorProps) -> Html {
    let i18n = use_i18n();
    let (target, s, problems) = (props.target, &props.strategy, &props.problems);
    let dir = &props.directory.0;
    let path = target.path();
    let send = |make: fn(String) -> StrategyEdit| {
        let cb = props.on_edit.clone();
        Callback::from(move |e: Event| cb.emit(Edit::Strategy(target, make(select_value(&e)))))
    };
    let on_kind = {
        let cb = props.on_edit.clone();
        Callback::from(move |e: Event| {
            let chosen = select_value(&e);
            if let Some(kind) = STRATEGIES.into_iter().find(|k| strategy_name(*k) == chosen) {
                cb.emit(Edit::Strategy(target, StrategyEdit::Kind(kind)));
            }
        })
    };
    let on_measure = {
        let cb = props.on_edit.clone();
        Callback::from(move |e: Event| {
            let measure = if select_value(&e) == "OPEN_PIPELINE_AMOUNT" {
                LoadMeasure::OpenPipelineAmount
            } else {
                LoadMeasure::OpenLeads
            };
            cb.emit(Edit::Strategy(target, StrategyEdit::Measure(measure)));
        })
    };

    let mut users: Vec<(&String, &leadflow_shared::routing::KnownUser)> =
        dir.users.iter().filter(|(_, u)| u.active).collect();
    crate::sort::by(&mut users, |a, b| a.1.name.cmp(&b.1.name));
    let user_known = dir.users.get(&s.user_id).is_some_and(|u| u.active);
    let mut teams: Vec<(&String, &leadflow_shared::routing::Team)> = dir.teams.iter().collect();
    crate::sort::by(&mut teams, |a, b| a.1.name.cmp(&b.1.name));
    let team_known = dir.teams.contains_key(&s.team_id);

    let team_select = html! {
        <select class="input input-sm routing-pick" data-testid="routing-team" aria-label={i18n.t(Key::RoutingTeam)}
                aria-invalid={invalid(problems, &format!("{path}.teamId"))} onchange={send(StrategyEdit::Team)}>
            <option value="" selected={s.team_id.is_empty()} disabled=true>{ i18n.t(Key::RoutingPickTeam) }</option>
            if !s.team_id.is_empty() && !team_known {
                <option value={s.team_id.clone()} selected=true>{ i18n.tf(Key::RoutingMissing, &[("id", &s.team_id)]) }</option>
            }
            { for teams.iter().map(|(id, t)| html! {
                <option value={(*id).clone()} selected={**id == s.team_id}>
                    { format!("{} · {}", t.name, i18n.tf(Key::RoutingMembers, &[("n", &t.member_ids.len().to_string())])) }
                </option>
            }) }
        </select>
    };

    let details = match s.kind {
        StrategyKind::Rep => html! {
            <select class="input input-sm routing-pick" data-testid="routing-rep" aria-label={i18n.t(Key::RoutingRep)}
                    aria-invalid={invalid(problems, &format!("{path}.userId"))} onchange={send(StrategyEdit::User)}>
                <option value="" selected={s.user_id.is_empty()} disabled=true>{ i18n.t(Key::RoutingPickRep) }</option>
                if !s.user_id.is_empty() && !user_known {
                    <option value={s.user_id.clone()} selected=true>
                        { dir.users.get(&s.user_id).map_or_else(
                            || i18n.tf(Key::RoutingMissing, &[("id", &s.user_id)]),
                            |u| i18n.tf(Key::RoutingDeactivated, &[("name", &u.name)])) }
                    </option>
                }
                { for users.iter().map(|(id, u)| html! {
                    <option value={(*id).clone()} selected={**id == s.user_id}>{ u.name.clone() }</option>
                }) }
            </select>
        },
        StrategyKind::RoundRobin => {
            let members: Vec<String> = dir
                .teams
                .get(&s.team_id)
                .map(|t| t.member_ids.clone())
                .unwrap_or_default();
            // Weights for people no longer in the team stay visible, so they can go.
            let strays: Vec<String> = s
                .weights
                .keys()
                .filter(|k| !members.contains(k))
                .cloned()
                .collect();
            html! {
                <>
                    { team_select }
                    if !members.is_empty() || !strays.is_empty() {
                        <div class="routing-weights" role="group" aria-label={i18n.t(Key::RoutingWeights)}
                             title={i18n.t(Key::RoutingWeightsHint)}>
                            <span class="routing-weights-label">{ i18n.t(Key::RoutingWeights) }</span>
                            { for members.iter().chain(strays.iter()).map(|id| {
                                let user = dir.users.get(id);
                                let name = user.map_or_else(|| id.clone(), |u| u.name.clone());
                                let inactive = user.is_none_or(|u| !u.active);
                                let cb = props.on_edit.clone();
                                let uid = id.clone();
                                let oninput = Callback::from(move |e: InputEvent| {
                                    cb.emit(Edit::Strategy(target, StrategyEdit::Weight(uid.clone(), input_value(&e))))
                                });
                                html! {
                                    <label class={classes!("routing-weight", inactive.then_some("is-inactive"))}>
                                        <span>{ name.clone() }</span>
                                        <input class="input input-sm num" type="text" inputmode="numeric" autocomplete="off"
                                               data-testid="routing-weight" data-user={id.clone()} placeholder="1"
                                               aria-label={format!("{} · {name}", i18n.t(Key::RoutingWeights))}
                                               aria-invalid={invalid(problems, &format!("{path}.weights.{id}"))}
                                               value={s.weights.get(id).cloned().unwrap_or_default()} {oninput} />
                                    </label>
                                }
                            }) }
                        </div>
                    }
                </>
            }
        }
        StrategyKind::LeastLoaded => html! {
            <>
                { team_select }
                <select class="input input-sm routing-pick" data-testid="routing-measure" aria-label={i18n.t(Key::RoutingMeasure)}
                        onchange={on_measure}>
                    <option value="OPEN_LEADS" selected={s.measure == LoadMeasure::OpenLeads}>{ i18n.t(Key::RoutingMeasureOpenLeads) }</option>
                    <option value="OPEN_PIPELINE_AMOUNT" selected={s.measure == LoadMeasure::OpenPipelineAmount}>{ i18n.t(Key::RoutingMeasurePipeline) }</option>
                </select>
            </>
        },
        StrategyKind::Pool => html! {
            <span class="muted routing-pool-note">{ i18n.t(Key::RoutingPoolHint) }</span>
        },
    };

    html! {
        <div class="routing-strategy" data-testid="routing-strategy" data-kind={strategy_name(s.kind)}>
            <select class="input input-sm routing-kind" data-testid="routing-strategy-kind" aria-label={i18n.t(Key::RoutingAssignTo)}
                    onchange={on_kind}>
                { for STRATEGIES.into_iter().map(|k| html! {
                    <option value={strategy_name(k)} selected={k == s.kind}>{ i18n.t(strategy_key(k)) }</option>
                }) }
            </select>
            { details }
        </div>
    }
}

fn strategy_name(kind: StrategyKind) -> &'static str {
    match kind {
        StrategyKind::Rep => "REP",
        StrategyKind::RoundRobin => "ROUND_ROBIN",
        StrategyKind::LeastLoaded => "LEAST_LOADED",
        StrategyKind::Pool => "POOL",
    }
}
