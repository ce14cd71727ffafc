//! The rule editors: fit rules (a lead field, a condition, points), behaviour rules (an
//! event kind narrowed by address and name patterns, points, caps), and the model's
//! decay and MQL threshold.
//!
//! Each rule is two dense lines: what it is called and what it is worth, then what it
//! looks at. Inputs whose path has a problem turn red; the problems themselves are listed
//! under the rule, named by the input they are about.

use leadflow_shared::scoring::{FieldKind, LeadField, Operand, Operator, RuleError};
use leadflow_shared::{BehaviourKind, Channel, LeadStage};
use yew::prelude::*;

use super::draft::{
    field_kind, operators_for, BehaviourDraft, BehaviourEdit, DecayDraft, DecayKind, Edit,
    FitDraft, FitEdit, Problems,
};
use crate::components::form::{input_value, select_value};
use crate::components::icon::{Icon, IconName};
use crate::i18n::{
    behaviour_kind_key, channel_key, operator_key, scoring_field_key, stage_key, use_i18n,
    user_error_key, I18n, Key,
};

/// The `<select>` value that stands for "a custom field".
const CUSTOM_CHOICE: &str = "custom:";

/// Which input a problem's path names, in words (`.condition.values[2]` → "Values").
fn input_name(path: &str) -> Key {
    let last = path.rsplit(']').next().unwrap_or(path);
    let last = last.split('[').next().unwrap_or(last);
    match last {
        ".label" => Key::RuleName,
        ".points" => Key::Points,
        ".field" => Key::RuleField,
        ".condition.op" => Key::RuleCondition,
        ".condition.value" | ".condition.values" => Key::RuleValue,
        ".condition.min" => Key::RuleMin,
        ".condition.max" => Key::RuleMax,
        ".urlPattern" => Key::UrlPattern,
        ".namePattern" => Key::NamePattern,
        ".maxPointsPerDay" => Key::CapPerDay,
        ".maxPointsTotal" => Key::CapTotal,
        _ => Key::RuleWhole,
    }
}

/// A problem as a line under its rule: the input, the translated reason, and the
/// engine's own sentence (which says what would be accepted) when it has one.
fn problem_line(i18n: &I18n, rule: &str, e: &RuleError) -> Html {
    let what = e.path.strip_prefix(rule).map_or(Key::RuleWhole, input_name);
    html! {
        <li data-testid="rule-error" data-path={e.path.clone()}>
            <strong>{ i18n.t(what) }</strong>{ " · " }{ i18n.t(user_error_key(e.code)) }
            if !e.message.trim().is_empty() {
                <span class="rule-error-detail">{ e.message.clone() }</span>
            }
        </li>
    }
}

fn problems_list(i18n: &I18n, rule: &str, problems: &Problems) -> Html {
    let list = problems.rest_of(rule, &[]);
    if list.is_empty() {
        return Html::default();
    }
    html! {
        <ul class="rule-errors" role="alert">
            { for list.into_iter().map(|e| problem_line(i18n, rule, e)) }
        </ul>
    }
}

fn invalid(problems: &Problems, path: &str) -> Option<&'static str> {
    problems.at(path).map(|_| "true")
}

// ---------------------------------------------------------------------------------------
// Fit rules
// ---------------------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
pub struct FitRulesProps {
    pub rules: Vec<FitDraft>,
    pub problems: Problems,
    pub on_edit: Callback<Edit>,
}

#[component]
pub fn FitRules(props: &FitRulesProps) -> Html {
    let rows = props
        .rules
        .iter()
        .enumerate()
        .map(|(at, rule)| {
            html! {
                <FitRuleRow key={rule.id.clone()} {at} rule={rule.clone()}
                            problems={props.problems.clone()} on_edit={props.on_edit.clone()} />
            }
        })
        .collect::<Html>();
    html! {
        <RuleSection kind="fit" title={Key::FitRules} hint={Key::FitRulesHint} empty={Key::FitRulesEmpty}
                     add_label={Key::AddFitRule} add={Edit::AddFit} count={props.rules.len()}
                     on_edit={props.on_edit.clone()}>
            { rows }
        </RuleSection>
    }
}

#[derive(Properties, PartialEq)]
struct RuleSectionProps {
    /// `fit` or `behaviour`: names the test ids and the heading id.
    kind: &'static str,
    title: Key,
    hint: Key,
    empty: Key,
    add_label: Key,
    add: Edit,
    count: usize,
    on_edit: Callback<Edit>,
    children: Html,
}

/// The card both rule lists sit in: heading with a count, the rows (or what to do when
/// there are none) and "Add rule".
#[component]
fn RuleSection(props: &RuleSectionProps) -> Html {
    let i18n = use_i18n();
    let add = {
        let (cb, edit) = (props.on_edit.clone(), props.add.clone());
        Callback::from(move |_: MouseEvent| cb.emit(edit.clone()))
    };
    let title_id = format!("{}-rules-title", props.kind);
    html! {
        <section class="card card-pad rule-card" data-testid={format!("{}-rules", props.kind)}
                 aria-labelledby={title_id.clone()}>
            <div class="section-head">
                <div>
                    <h2 id={title_id} class="section-title">{ i18n.t(props.title) }</h2>
                    <p class="section-hint">{ i18n.t(props.hint) }</p>
                </div>
                <span class="count-pill">{ props.count }</span>
            </div>
            if props.count == 0 {
                <p class="muted rules-empty">{ i18n.t(props.empty) }</p>
            } else {
                <ol class="rule-rows">{ props.children.clone() }</ol>
            }
            <button type="button" class="btn btn-ghost btn-sm add-rule"
                    data-testid={format!("add-{}-rule", props.kind)} onclick={add}>
                <Icon name={IconName::Plus} />{ i18n.t(props.add_label) }
            </button>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FitRuleRowProps {
    at: usize,
    rule: FitDraft,
    problems: Problems,
    on_edit: Callback<Edit>,
}

#[component]
fn FitRuleRow(props: &FitRuleRowProps) -> Html {
    let i18n = use_i18n();
    let (at, rule, problems) = (props.at, &props.rule, &props.problems);
    let path = format!("fitRules[{at}]");
    let p = |suffix: &str| format!("{path}{suffix}");
    let text = |make: fn(String) -> FitEdit| {
        let cb = props.on_edit.clone();
        Callback::from(move |e: InputEvent| cb.emit(Edit::Fit(at, make(input_value(&e)))))
    };
    let on_field = {
        let cb = props.on_edit.clone();
        Callback::from(move |e: Event| cb.emit(Edit::Fit(at, FitEdit::Field(select_value(&e)))))
    };
    let on_op = {
        let cb = props.on_edit.clone();
        Callback::from(move |e: Event| {
            let chosen = select_value(&e);
            if let Some(op) = Operator::ALL.into_iter().find(|o| o.name() == chosen) {
                cb.emit(Edit::Fit(at, FitEdit::Op(op)));
            }
        })
    };
    let remove = {
        let cb = props.on_edit.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Edit::RemoveFit(at)))
    };
    let is_custom = rule.field.trim().starts_with(LeadField::CUSTOM_PREFIX);
    let custom_key = rule
        .field
        .trim()
        .strip_prefix(LeadField::CUSTOM_PREFIX)
        .unwrap_or_default()
        .to_owned();
    let name = if rule.label.trim().is_empty() {
        i18n.t(Key::RuleUnnamed).to_owned()
    } else {
        rule.label.clone()
    };

    html! {
        <li class={classes!("rule-row", problems.any_in(&path).then_some("has-problem"))}
            data-testid="fit-rule" data-rule-id={rule.id.clone()}>
            <div class="rule-line">
                <input class="input rule-label" type="text" data-testid="rule-label" autocomplete="off"
                       aria-label={i18n.t(Key::RuleName)} placeholder={i18n.t(Key::RuleNamePlaceholder)}
                       aria-invalid={invalid(problems, &p(".label"))}
                       value={rule.label.clone()} oninput={text(FitEdit::Label)} />
                <PointsInput value={rule.points.clone()} invalid={problems.at(&p(".points")).is_some()}
                             label={format!("{} · {name}", i18n.t(Key::Points))}
                             oninput={text(FitEdit::Points)} />
                <button type="button" class="btn btn-ghost btn-sm btn-danger-text" data-testid="rule-remove"
                        title={i18n.t(Key::RemoveRule)} aria-label={format!("{} · {name}", i18n.t(Key::RemoveRule))}
                        onclick={remove}><Icon name={IconName::Trash} /></button>
            </div>
            <div class="rule-line rule-condition">
                <select class="input rule-field" data-testid="rule-field" aria-label={i18n.t(Key::RuleField)}
                        aria-invalid={invalid(problems, &p(".field"))} onchange={on_field}>
                    { for LeadField::STANDARD.iter().map(|f| {
                        let value = f.name().into_owned();
                        let selected = value == rule.field.trim();
                        html! {
                            <option {selected} {value}>{ i18n.t(scoring_field_key(f)) }</option>
                        }
                    }) }
                    <option value={CUSTOM_CHOICE} selected={is_custom}>{ i18n.t(Key::CustomFieldChoice) }</option>
                </select>
                if is_custom {
                    <input class="input mono rule-custom-key" type="text" data-testid="rule-custom-key" autocomplete="off"
                           aria-label={i18n.t(Key::CustomKeyName)} placeholder={i18n.t(Key::CustomKeyPlaceholder)}
                           aria-invalid={invalid(problems, &p(".field"))}
                           value={custom_key} oninput={text(FitEdit::CustomKey)} />
                }
                <select class="input rule-op" data-testid="rule-op" aria-label={i18n.t(Key::RuleCondition)}
                        aria-invalid={invalid(problems, &p(".condition.op"))} onchange={on_op}>
                    { for operators_for(&rule.field).into_iter().map(|op| html! {
                        <option value={op.name()} selected={op == rule.op}>{ i18n.t(operator_key(op)) }</option>
                    }) }
                </select>
                <ConditionValue cond={p(".condition")} rule={rule.clone()} problems={problems.clone()}
                                on_change={props.on_edit.reform(move |change| Edit::Fit(at, change))} />
            </div>
            { problems_list(&i18n, &path, problems) }
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct ConditionValueProps {
    /// The condition's JSON path (`fitRules[2].condition`), for marking inputs.
    pub cond: String,
    /// The condition as typed; only the field, operator and operands are read.
    pub rule: FitDraft,
    pub problems: Problems,
    pub on_change: Callback<FitEdit>,
}

/// The value input, shaped by what the operator compares against: one text or number,
/// a list, a range, or nothing. Sources and stages are picked, not typed. The routing
/// designer uses it for its conditions too.
#[component]
pub fn ConditionValue(props: &ConditionValueProps) -> Html {
    let i18n = use_i18n();
    let (rule, problems) = (&props.rule, &props.problems);
    let cond = props.cond.as_str();
    let text = |make: fn(String) -> FitEdit| {
        let cb = props.on_change.clone();
        Callback::from(move |e: InputEvent| cb.emit(make(input_value(&e))))
    };
    let choices = choices_for(&rule.field);
    match (rule.op.operand(), choices) {
        (Operand::None, _) => html! {
            <span class="rule-no-value muted">{ i18n.t(Key::NoValueNeeded) }</span>
        },
        (Operand::Text, Some(choices)) => {
            let cb = props.on_change.clone();
            let onchange =
                Callback::from(move |e: Event| cb.emit(FitEdit::Value(select_value(&e))));
            let current = rule.value.trim().to_owned();
            html! {
                <select class="input rule-value" data-testid="rule-value" aria-label={i18n.t(Key::RuleValue)}
                        aria-invalid={invalid(problems, &format!("{cond}.value"))} {onchange}>
                    <option value="" selected={current.is_empty()} disabled=true>{ i18n.t(Key::PickOne) }</option>
                    { for choices.into_iter().map(|(value, key)| html! {
                        <option selected={value.eq_ignore_ascii_case(&current)} value={value.clone()}>{ i18n.t(key) }</option>
                    }) }
                </select>
            }
        }
        (Operand::TextList, Some(choices)) => {
            let picked = rule.value_list();
            html! {
                <div class={classes!("rule-value", "choice-chips", problems.at(&format!("{cond}.values")).map(|_| "is-invalid"))}
                     role="group" aria-label={i18n.t(Key::RuleValue)} data-testid="rule-choices">
                    { for choices.into_iter().map(|(value, key)| {
                        let on = picked.iter().any(|p| p.eq_ignore_ascii_case(&value));
                        let cb = props.on_change.clone();
                        let toggle = value.clone();
                        html! {
                            <button type="button" class="chip-toggle" aria-pressed={on.to_string()} data-value={value}
                                    onclick={Callback::from(move |_: MouseEvent| cb.emit(FitEdit::ToggleChoice(toggle.clone())))}>
                                { i18n.t(key) }
                            </button>
                        }
                    }) }
                </div>
            }
        }
        (Operand::Text, None) => html! {
            <input class="input rule-value" type="text" data-testid="rule-value" autocomplete="off"
                   aria-label={i18n.t(Key::RuleValue)} placeholder={i18n.t(Key::RuleValuePlaceholder)}
                   aria-invalid={invalid(problems, &format!("{cond}.value"))}
                   value={rule.value.clone()} oninput={text(FitEdit::Value)} />
        },
        (Operand::TextList, None) => html! {
            <input class="input rule-value" type="text" data-testid="rule-values" autocomplete="off"
                   aria-label={i18n.t(Key::RuleValue)} placeholder={i18n.t(Key::RuleValuesPlaceholder)}
                   title={i18n.t(Key::CommaSeparated)}
                   aria-invalid={invalid(problems, &format!("{cond}.values"))}
                   value={rule.values.clone()} oninput={text(FitEdit::Values)} />
        },
        (Operand::Number, _) => html! {
            <input class="input rule-value rule-number" type="text" inputmode="decimal" data-testid="rule-value"
                   autocomplete="off" aria-label={i18n.t(Key::RuleValue)}
                   aria-invalid={invalid(problems, &format!("{cond}.value"))}
                   value={rule.value.clone()} oninput={text(FitEdit::Value)} />
        },
        (Operand::Range, _) => html! {
            <div class="rule-value rule-range">
                <input class="input rule-number" type="text" inputmode="decimal" data-testid="rule-min" autocomplete="off"
                       aria-label={i18n.t(Key::RuleMin)} placeholder={i18n.t(Key::RuleMin)}
                       aria-invalid={invalid(problems, &format!("{cond}.min"))}
                       value={rule.min.clone()} oninput={text(FitEdit::Min)} />
                <span class="muted" aria-hidden="true">{ "–" }</span>
                <input class="input rule-number" type="text" inputmode="decimal" data-testid="rule-max" autocomplete="off"
                       aria-label={i18n.t(Key::RuleMax)} placeholder={i18n.t(Key::RuleMax)}
                       aria-invalid={invalid(problems, &format!("{cond}.max"))}
                       value={rule.max.clone()} oninput={text(FitEdit::Max)} />
            </div>
        },
    }
}

/// The values a choice field can take, as the model names them and as people read them.
fn choices_for(field: &str) -> Option<Vec<(String, Key)>> {
    if field_kind(field) != FieldKind::Choice {
        return None;
    }
    Some(match LeadField::parse(field) {
        Ok(LeadField::Stage) => LeadStage::ALL
            .into_iter()
            .map(|s| (s.as_str().to_ascii_uppercase(), stage_key(s)))
            .collect(),
        // Routing's campaign id: typed, the campaigns have no list here yet.
        Err(_) => return None,
        Ok(_) => Channel::ALL
            .into_iter()
            .map(|c| (c.as_str().to_ascii_uppercase(), channel_key(c)))
            .collect(),
    })
}

#[derive(Properties, PartialEq)]
struct PointsInputProps {
    value: String,
    invalid: bool,
    label: String,
    oninput: Callback<InputEvent>,
}

/// Points, signed: "+15", "-10".
#[component]
fn PointsInput(props: &PointsInputProps) -> Html {
    let i18n = use_i18n();
    html! {
        <label class="affix-input rule-points">
            <span class="visually-hidden">{ props.label.clone() }</span>
            <input class="input num" type="text" inputmode="numeric" data-testid="rule-points" autocomplete="off"
                   aria-invalid={props.invalid.then_some("true")} value={props.value.clone()}
                   oninput={props.oninput.clone()} />
            <span class="affix" aria-hidden="true">{ i18n.t(Key::PointsShort) }</span>
        </label>
    }
}

// ---------------------------------------------------------------------------------------
// Behaviour rules
// ---------------------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
pub struct BehaviourRulesProps {
    pub rules: Vec<BehaviourDraft>,
    pub problems: Problems,
    pub on_edit: Callback<Edit>,
}

#[component]
pub fn BehaviourRules(props: &BehaviourRulesProps) -> Html {
    let rows = props
        .rules
        .iter()
        .enumerate()
        .map(|(at, rule)| {
            html! {
                <BehaviourRuleRow key={rule.id.clone()} {at} rule={rule.clone()}
                                  problems={props.problems.clone()} on_edit={props.on_edit.clone()} />
            }
        })
        .collect::<Html>();
    html! {
        <RuleSection kind="behaviour" title={Key::BehaviourRules} hint={Key::BehaviourRulesHint}
                     empty={Key::BehaviourRulesEmpty} add_label={Key::AddBehaviourRule}
                     add={Edit::AddBehaviour} count={props.rules.len()} on_edit={props.on_edit.clone()}>
            { rows }
        </RuleSection>
    }
}

#[derive(Properties, PartialEq)]
struct BehaviourRuleRowProps {
    at: usize,
    rule: BehaviourDraft,
    problems: Problems,
    on_edit: Callback<Edit>,
}

#[component]
fn BehaviourRuleRow(props: &BehaviourRuleRowProps) -> Html {
    let i18n = use_i18n();
    let (at, rule, problems) = (props.at, &props.rule, &props.problems);
    let path = format!("behaviourRules[{at}]");
    let p = |suffix: &str| format!("{path}{suffix}");
    let text = |make: fn(String) -> BehaviourEdit| {
        let cb = props.on_edit.clone();
        Callback::from(move |e: InputEvent| cb.emit(Edit::Behaviour(at, make(input_value(&e)))))
    };
    let on_kind = {
        let cb = props.on_edit.clone();
        Callback::from(move |e: Event| {
            let chosen = select_value(&e);
            if let Some(kind) = BehaviourKind::parse(&chosen) {
                cb.emit(Edit::Behaviour(at, BehaviourEdit::Kind(kind)));
            }
        })
    };
    let remove = {
        let cb = props.on_edit.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Edit::RemoveBehaviour(at)))
    };
    let name = if rule.label.trim().is_empty() {
        i18n.t(Key::RuleUnnamed).to_owned()
    } else {
        rule.label.clone()
    };
    let cap = |testid: &'static str,
               suffix: &str,
               label: Key,
               affix: Key,
               value: &str,
               make: fn(String) -> BehaviourEdit| {
        html! {
            <label class="affix-input rule-cap" title={format!("{} · {}", i18n.t(label), i18n.t(Key::NoCap))}>
                <span class="visually-hidden">{ format!("{} · {name}", i18n.t(label)) }</span>
                <span class="affix affix-start" aria-hidden="true">{ "≤" }</span>
                <input class="input num" type="text" inputmode="numeric" data-testid={testid} autocomplete="off"
                       placeholder="∞" aria-invalid={invalid(problems, &p(suffix))}
                       value={value.to_owned()} oninput={text(make)} />
                <span class="affix" aria-hidden="true">{ i18n.t(affix) }</span>
            </label>
        }
    };

    html! {
        <li class={classes!("rule-row", problems.any_in(&path).then_some("has-problem"))}
            data-testid="behaviour-rule" data-rule-id={rule.id.clone()}>
            <div class="rule-line">
                <input class="input rule-label" type="text" data-testid="rule-label" autocomplete="off"
                       aria-label={i18n.t(Key::RuleName)} placeholder={i18n.t(Key::BehaviourNamePlaceholder)}
                       aria-invalid={invalid(problems, &p(".label"))}
                       value={rule.label.clone()} oninput={text(BehaviourEdit::Label)} />
                <PointsInput value={rule.points.clone()} invalid={problems.at(&p(".points")).is_some()}
                             label={format!("{} · {name}", i18n.t(Key::PointsPerEvent))}
                             oninput={text(BehaviourEdit::Points)} />
                { cap("rule-cap-day", ".maxPointsPerDay", Key::CapPerDay, Key::PerDayShort, &rule.per_day, BehaviourEdit::PerDay) }
                { cap("rule-cap-total", ".maxPointsTotal", Key::CapTotal, Key::TotalShort, &rule.total, BehaviourEdit::Total) }
                <button type="button" class="btn btn-ghost btn-sm btn-danger-text" data-testid="rule-remove"
                        title={i18n.t(Key::RemoveRule)} aria-label={format!("{} · {name}", i18n.t(Key::RemoveRule))}
                        onclick={remove}><Icon name={IconName::Trash} /></button>
            </div>
            <div class="rule-line rule-behaviour">
                <select class="input rule-kind" data-testid="rule-kind" aria-label={i18n.t(Key::BehaviourKindLabel)}
                        onchange={on_kind}>
                    { for BehaviourKind::ALL.into_iter().map(|k| html! {
                        <option value={k.as_str()} selected={k == rule.kind}>{ i18n.t(behaviour_kind_key(k)) }</option>
                    }) }
                </select>
                <input class="input mono rule-pattern" type="text" data-testid="rule-url-pattern" autocomplete="off"
                       aria-label={i18n.t(Key::UrlPattern)} placeholder={i18n.t(Key::UrlPatternPlaceholder)}
                       title={i18n.t(Key::PatternHint)}
                       aria-invalid={invalid(problems, &p(".urlPattern"))}
                       value={rule.url_pattern.clone()} oninput={text(BehaviourEdit::UrlPattern)} />
                <input class="input mono rule-pattern" type="text" data-testid="rule-name-pattern" autocomplete="off"
                       aria-label={i18n.t(Key::NamePattern)} placeholder={i18n.t(Key::NamePatternPlaceholder)}
                       title={i18n.t(Key::PatternHint)}
                       aria-invalid={invalid(problems, &p(".namePattern"))}
                       value={rule.name_pattern.clone()} oninput={text(BehaviourEdit::NamePattern)} />
            </div>
            { problems_list(&i18n, &path, problems) }
        </li>
    }
}

// ---------------------------------------------------------------------------------------
// Decay and threshold
// ---------------------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
pub struct ThresholdDecayProps {
    pub threshold: String,
    pub decay: DecayDraft,
    pub problems: Problems,
    pub on_edit: Callback<Edit>,
}

/// When a lead becomes marketing-qualified, and how engagement fades while it is quiet.
#[component]
pub fn ThresholdDecay(props: &ThresholdDecayProps) -> Html {
    let i18n = use_i18n();
    let problems = &props.problems;
    let text = |make: fn(String) -> Edit| {
        let cb = props.on_edit.clone();
        Callback::from(move |e: InputEvent| cb.emit(make(input_value(&e))))
    };
    let pick = |kind: DecayKind| {
        let cb = props.on_edit.clone();
        Callback::from(move |_: Event| cb.emit(Edit::DecayKind(kind)))
    };
    let number = |testid: &'static str,
                  path: &str,
                  label: Key,
                  value: &str,
                  make: fn(String) -> Edit| {
        html! {
            <input class="input num inline-number" type="text" inputmode="numeric" data-testid={testid}
                   autocomplete="off" aria-label={i18n.t(label)} aria-invalid={invalid(problems, path)}
                   value={value.to_owned()} oninput={text(make)} />
        }
    };
    let errors: Vec<(&str, &RuleError)> =
        ["mqlThreshold", "decay.points", "decay.days", "decay.floor"]
            .into_iter()
            .filter_map(|p| problems.at(p).map(|e| (p, e)))
            .collect();
    let decay = &props.decay;
    let decay_key = |k: DecayKind| match k {
        DecayKind::None => Key::DecayNone,
        DecayKind::LinearPerWeek => Key::DecayLinear,
        DecayKind::HalfLife => Key::DecayHalfLife,
    };

    html! {
        <section class="card card-pad rule-card" data-testid="threshold-decay" aria-labelledby="threshold-title">
            <h2 id="threshold-title" class="section-title">{ i18n.t(Key::ThresholdAndDecay) }</h2>
            <div class="setting-row">
                <span class="setting-name">{ i18n.t(Key::MqlThreshold) }</span>
                <span class="setting-sentence">
                    { number("mql-threshold", "mqlThreshold", Key::MqlThreshold, &props.threshold, Edit::Threshold) }
                    <span>{ i18n.t(Key::MqlThresholdSentence) }</span>
                </span>
            </div>
            <div class="setting-row">
                <span class="setting-name">{ i18n.t(Key::Decay) }</span>
                <div class="setting-body">
                    <div class="segmented-choice" role="radiogroup" aria-label={i18n.t(Key::Decay)}>
                        { for DecayKind::ALL.into_iter().map(|k| html! {
                            <label class="check">
                                <input type="radio" name="decay-kind" data-testid={format!("decay-{}", match k {
                                    DecayKind::None => "none",
                                    DecayKind::LinearPerWeek => "linear",
                                    DecayKind::HalfLife => "half-life",
                                })} checked={decay.kind == k} onchange={pick(k)} />
                                <span>{ i18n.t(decay_key(k)) }</span>
                            </label>
                        }) }
                    </div>
                    { match decay.kind {
                        DecayKind::None => html! { <p class="field-hint">{ i18n.t(Key::DecayNoneHint) }</p> },
                        DecayKind::LinearPerWeek => html! {
                            <p class="setting-sentence">
                                <span>{ i18n.t(Key::DecayLinearLose) }</span>
                                { number("decay-points", "decay.points", Key::DecayPointsLabel, &decay.points, Edit::DecayPoints) }
                                <span>{ i18n.t(Key::DecayLinearPerWeek) }</span>
                                { number("decay-floor", "decay.floor", Key::DecayFloorLabel, &decay.floor, Edit::DecayFloor) }
                                <span>{ i18n.t(Key::DecayFloorAfter) }</span>
                            </p>
                        },
                        DecayKind::HalfLife => html! {
                            <p class="setting-sentence">
                                <span>{ i18n.t(Key::DecayHalfLifeEvery) }</span>
                                { number("decay-days", "decay.days", Key::DecayDaysLabel, &decay.days, Edit::DecayDays) }
                                <span>{ i18n.t(Key::DecayHalfLifeDays) }</span>
                                { number("decay-floor", "decay.floor", Key::DecayFloorLabel, &decay.floor, Edit::DecayFloor) }
                                <span>{ i18n.t(Key::DecayFloorAfter) }</span>
                            </p>
                        },
                    } }
                </div>
            </div>
            if !errors.is_empty() {
                <ul class="rule-errors" role="alert">
                    { for errors.into_iter().map(|(path, e)| {
                        let what = match path {
                            "mqlThreshold" => Key::MqlThreshold,
                            "decay.floor" => Key::DecayFloorLabel,
                            "decay.days" => Key::DecayDaysLabel,
                            _ => Key::DecayPointsLabel,
                        };
                        html! {
                            <li data-testid="rule-error" data-path={e.path.clone()}>
                                <strong>{ i18n.t(what) }</strong>{ " · " }{ i18n.t(user_error_key(e.code)) }
                                if !e.message.trim().is_empty() {
                                    <span class="rule-error-detail">{ e.message.clone() }</span>
                                }
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}
