//! The scoring model being designed, as typed: a [`Draft`] changed only through
//! [`Edit`]s. Numbers and lists stay the text the marketer typed (a half-typed "1," or
//! "-" must survive a re-render); [`Draft::to_model`] turns them into the shared
//! [`ScoringModel`], and what cannot be read becomes a [`RuleError`] at the same JSON path
//! the shared compiler uses, so every problem is shown the same way beside its input.
//!
//! Pure data and rules (no Yew, no I/O), with unit tests at the bottom.

use std::rc::Rc;

use leadflow_shared::routing::RouteField;
use leadflow_shared::scoring::{
    BehaviourRule, Condition, Decay, FieldKind, FitRule, LeadField, Operand, Operator, RuleError,
};
use leadflow_shared::{BehaviourKind, ScoringModel, UserErrorCode};
use yew::Reducible;

use crate::api::types::UserError;
use crate::components::form::split_list;

/// One fit rule as typed. The texts of every operand are kept, so switching the operator
/// back and forth does not lose what was typed.
#[derive(Debug, Clone, PartialEq)]
pub struct FitDraft {
    pub id: String,
    pub label: String,
    /// A lead field name: `title`, `companySize`, ... or `custom:<key>`.
    pub field: String,
    pub op: Operator,
    /// One text or one number.
    pub value: String,
    /// Several texts, separated by commas (Chinese ones too).
    pub values: String,
    pub min: String,
    pub max: String,
    pub points: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BehaviourDraft {
    pub id: String,
    pub label: String,
    pub kind: BehaviourKind,
    pub url_pattern: String,
    pub name_pattern: String,
    pub points: String,
    /// Blank: no cap.
    pub per_day: String,
    /// Blank: no cap.
    pub total: String,
}

/// How engagement fades, as chosen in the designer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecayKind {
    None,
    LinearPerWeek,
    HalfLife,
}

impl DecayKind {
    pub const ALL: [DecayKind; 3] = [
        DecayKind::None,
        DecayKind::LinearPerWeek,
        DecayKind::HalfLife,
    ];
}

#[derive(Debug, Clone, PartialEq)]
pub struct DecayDraft {
    pub kind: DecayKind,
    /// Points off per quiet week (linear).
    pub points: String,
    /// Days for engagement to halve (half-life).
    pub days: String,
    pub floor: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub fit: Vec<FitDraft>,
    pub behaviour: Vec<BehaviourDraft>,
    pub decay: DecayDraft,
    pub mql_threshold: String,
    /// Not edited here; kept as loaded so per-day caps keep their days.
    pub utc_offset_minutes: i32,
}

/// What a field holds, which decides the operators offered. A custom field whose key is
/// not typed yet is still a custom field. Routing conditions use this editor too, so the
/// routing-only fields (`score`, `campaignId`) are known here; scoring never offers them.
pub fn field_kind(field: &str) -> FieldKind {
    match RouteField::parse(field) {
        Ok(f) => f.kind(),
        Err(_) if field.trim().starts_with(LeadField::CUSTOM_PREFIX) => FieldKind::Custom,
        Err(_) => FieldKind::Text,
    }
}

/// The operator a rule starts with when its field changes to one of `kind`.
pub fn default_operator(kind: FieldKind) -> Operator {
    match kind {
        FieldKind::Text | FieldKind::Custom => Operator::Contains,
        FieldKind::Number => Operator::Gt,
        FieldKind::Choice => Operator::In,
        FieldKind::List => Operator::HasAny,
    }
}

/// Operators the designer offers for a field.
pub fn operators_for(field: &str) -> Vec<Operator> {
    let kind = field_kind(field);
    Operator::ALL
        .into_iter()
        .filter(|o| o.applies_to(kind))
        .collect()
}

/// `500.0` → `"500"`, `2.5` → `"2.5"`: numbers as a marketer would type them.
pub fn number_text(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn int_text(n: Option<i32>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

impl FitDraft {
    pub fn of(rule: &FitRule) -> FitDraft {
        let mut d = FitDraft {
            id: rule.id.clone(),
            label: rule.label.clone(),
            field: rule.field.clone(),
            op: rule.condition.operator(),
            value: String::new(),
            values: String::new(),
            min: String::new(),
            max: String::new(),
            points: rule.points.to_string(),
        };
        match &rule.condition {
            Condition::Contains { value }
            | Condition::Equals { value }
            | Condition::StartsWith { value }
            | Condition::EndsWith { value } => d.value = value.clone(),
            Condition::ContainsAny { values }
            | Condition::In { values }
            | Condition::NotIn { values }
            | Condition::HasAny { values }
            | Condition::HasAll { values } => d.values = values.join(", "),
            Condition::Gt { value }
            | Condition::Gte { value }
            | Condition::Lt { value }
            | Condition::Lte { value } => d.value = number_text(*value),
            Condition::Between { min, max } => {
                d.min = number_text(*min);
                d.max = number_text(*max);
            }
            Condition::IsSet | Condition::IsEmpty => {}
        }
        d
    }

    /// The values of a list operand, as the model will hold them.
    pub fn value_list(&self) -> Vec<String> {
        split_list(&self.values)
    }

    /// The condition as typed, and what in it could not be read, at paths under `cond`
    /// (`fitRules[2].condition`, `rules[0].conditions[1].condition`).
    pub fn condition(&self, cond: &str) -> (Condition, Vec<RuleError>) {
        let mut bad = Unreadable::default();
        let condition = self.read_condition(&mut bad, cond);
        (condition, bad.0)
    }

    fn read_condition(&self, bad: &mut Unreadable, cond: &str) -> Condition {
        match (self.op, self.op.operand()) {
            (op, Operand::Text) => text_condition(op, self.value.clone()),
            (op, Operand::TextList) => list_condition(op, self.value_list()),
            (op, Operand::Number) => {
                number_condition(op, bad.number(format!("{cond}.value"), &self.value))
            }
            (_, Operand::Range) => Condition::Between {
                min: bad.number(format!("{cond}.min"), &self.min),
                max: bad.number(format!("{cond}.max"), &self.max),
            },
            (Operator::IsEmpty, Operand::None) => Condition::IsEmpty,
            (_, Operand::None) => Condition::IsSet,
        }
    }
}

impl BehaviourDraft {
    fn of(rule: &BehaviourRule) -> BehaviourDraft {
        BehaviourDraft {
            id: rule.id.clone(),
            label: rule.label.clone(),
            kind: rule.kind,
            url_pattern: rule.url_pattern.clone().unwrap_or_default(),
            name_pattern: rule.name_pattern.clone().unwrap_or_default(),
            points: rule.points.to_string(),
            per_day: int_text(rule.max_points_per_day),
            total: int_text(rule.max_points_total),
        }
    }
}

/// Collects what cannot be read from the typed texts.
#[derive(Default)]
struct Unreadable(Vec<RuleError>);

impl Unreadable {
    fn push(&mut self, path: String, code: UserErrorCode) {
        // The message stays empty: the designer shows its own translation of the code.
        self.0.push(RuleError {
            path,
            code,
            message: String::new(),
        });
    }

    /// A whole number; blank is `Required`. `None` after recording the problem.
    fn int(&mut self, path: String, text: &str) -> Option<i32> {
        let text = text.trim();
        if text.is_empty() {
            self.push(path, UserErrorCode::Required);
            return None;
        }
        let parsed = text.strip_prefix('+').unwrap_or(text).parse::<i32>().ok();
        if parsed.is_none() {
            self.push(path, UserErrorCode::Invalid);
        }
        parsed
    }

    /// A cap: blank means none.
    fn cap(&mut self, path: String, text: &str) -> Option<i32> {
        if text.trim().is_empty() {
            None
        } else {
            self.int(path, text)
        }
    }

    /// A number for a condition; what cannot be read is NaN, which the shared compiler
    /// refuses at the same path (and the duplicate is dropped).
    fn number(&mut self, path: String, text: &str) -> f64 {
        let text = text.trim();
        if text.is_empty() {
            self.push(path, UserErrorCode::Required);
            return f64::NAN;
        }
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => n,
            _ => {
                self.push(path, UserErrorCode::Invalid);
                f64::NAN
            }
        }
    }
}

impl Draft {
    pub fn of(model: &ScoringModel) -> Draft {
        let (kind, points, days, floor) = match model.decay {
            Decay::None => (DecayKind::None, 5, 30, 0),
            Decay::LinearPerWeek { points, floor } => (DecayKind::LinearPerWeek, points, 30, floor),
            Decay::HalfLife { days, floor } => (DecayKind::HalfLife, 5, days, floor),
        };
        Draft {
            fit: model.fit_rules.iter().map(FitDraft::of).collect(),
            behaviour: model
                .behaviour_rules
                .iter()
                .map(BehaviourDraft::of)
                .collect(),
            decay: DecayDraft {
                kind,
                points: points.to_string(),
                days: days.to_string(),
                floor: floor.to_string(),
            },
            mql_threshold: model.mql_threshold.to_string(),
            utc_offset_minutes: model.utc_offset_minutes,
        }
    }

    /// The model as typed, and what in it could not be read. Unreadable numbers become
    /// placeholders, so the rest of the model can still be checked and previewed.
    pub fn to_model(&self) -> (ScoringModel, Vec<RuleError>) {
        let mut bad = Unreadable::default();
        let fit_rules = self
            .fit
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let at = format!("fitRules[{i}]");
                let condition = r.read_condition(&mut bad, &format!("{at}.condition"));
                FitRule {
                    id: r.id.clone(),
                    label: r.label.clone(),
                    field: r.field.trim().to_owned(),
                    condition,
                    points: bad.int(format!("{at}.points"), &r.points).unwrap_or(0),
                }
            })
            .collect();
        let behaviour_rules = self
            .behaviour
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let at = format!("behaviourRules[{i}]");
                let pattern = |p: &str| (!p.trim().is_empty()).then(|| p.trim().to_owned());
                BehaviourRule {
                    id: r.id.clone(),
                    label: r.label.clone(),
                    kind: r.kind,
                    url_pattern: pattern(&r.url_pattern),
                    name_pattern: pattern(&r.name_pattern),
                    points: bad.int(format!("{at}.points"), &r.points).unwrap_or(0),
                    max_points_per_day: bad.cap(format!("{at}.maxPointsPerDay"), &r.per_day),
                    max_points_total: bad.cap(format!("{at}.maxPointsTotal"), &r.total),
                }
            })
            .collect();
        let decay = match self.decay.kind {
            DecayKind::None => Decay::None,
            DecayKind::LinearPerWeek => Decay::LinearPerWeek {
                points: bad
                    .int("decay.points".into(), &self.decay.points)
                    .unwrap_or(0),
                floor: bad
                    .int("decay.floor".into(), &self.decay.floor)
                    .unwrap_or(0),
            },
            DecayKind::HalfLife => Decay::HalfLife {
                days: bad.int("decay.days".into(), &self.decay.days).unwrap_or(0),
                floor: bad
                    .int("decay.floor".into(), &self.decay.floor)
                    .unwrap_or(0),
            },
        };
        let mql_threshold = bad
            .int("mqlThreshold".into(), &self.mql_threshold)
            .unwrap_or(0);
        let model = ScoringModel {
            fit_rules,
            behaviour_rules,
            decay,
            mql_threshold,
            utc_offset_minutes: self.utc_offset_minutes,
        };
        (model, bad.0)
    }

    /// An id no rule of this model uses yet: `fit-3`, `behaviour-2`.
    fn fresh_id(&self, prefix: &str) -> String {
        let used = |id: &str| {
            self.fit.iter().any(|r| r.id == id) || self.behaviour.iter().any(|r| r.id == id)
        };
        (1..)
            .map(|n| format!("{prefix}-{n}"))
            .find(|id| !used(id))
            .unwrap_or_else(|| prefix.to_owned())
    }

    fn apply(&mut self, edit: Edit) {
        match edit {
            Edit::Fit(at, change) => {
                if let Some(rule) = self.fit.get_mut(at) {
                    change.apply(rule);
                }
            }
            Edit::Behaviour(at, change) => {
                if let Some(rule) = self.behaviour.get_mut(at) {
                    change.apply(rule);
                }
            }
            Edit::AddFit => {
                let id = self.fresh_id("fit");
                self.fit.push(FitDraft {
                    id,
                    label: String::new(),
                    field: LeadField::Title.name().into_owned(),
                    op: Operator::ContainsAny,
                    value: String::new(),
                    values: String::new(),
                    min: String::new(),
                    max: String::new(),
                    points: "5".into(),
                });
            }
            Edit::AddBehaviour => {
                let id = self.fresh_id("behaviour");
                self.behaviour.push(BehaviourDraft {
                    id,
                    label: String::new(),
                    kind: BehaviourKind::PageView,
                    url_pattern: String::new(),
                    name_pattern: String::new(),
                    points: "5".into(),
                    per_day: String::new(),
                    total: String::new(),
                });
            }
            Edit::RemoveFit(at) => {
                if at < self.fit.len() {
                    self.fit.remove(at);
                }
            }
            Edit::RemoveBehaviour(at) => {
                if at < self.behaviour.len() {
                    self.behaviour.remove(at);
                }
            }
            Edit::DecayKind(kind) => self.decay.kind = kind,
            Edit::DecayPoints(v) => self.decay.points = v,
            Edit::DecayDays(v) => self.decay.days = v,
            Edit::DecayFloor(v) => self.decay.floor = v,
            Edit::Threshold(v) => self.mql_threshold = v,
            Edit::Replace(draft) => *self = *draft,
        }
    }
}

fn text_condition(op: Operator, value: String) -> Condition {
    match op {
        Operator::Equals => Condition::Equals { value },
        Operator::StartsWith => Condition::StartsWith { value },
        Operator::EndsWith => Condition::EndsWith { value },
        _ => Condition::Contains { value },
    }
}

fn list_condition(op: Operator, values: Vec<String>) -> Condition {
    match op {
        Operator::In => Condition::In { values },
        Operator::NotIn => Condition::NotIn { values },
        Operator::HasAny => Condition::HasAny { values },
        Operator::HasAll => Condition::HasAll { values },
        _ => Condition::ContainsAny { values },
    }
}

fn number_condition(op: Operator, value: f64) -> Condition {
    match op {
        Operator::Gte => Condition::Gte { value },
        Operator::Lt => Condition::Lt { value },
        Operator::Lte => Condition::Lte { value },
        _ => Condition::Gt { value },
    }
}

/// A change to one fit rule.
#[derive(Debug, Clone, PartialEq)]
pub enum FitEdit {
    Label(String),
    /// A standard field name, or `custom:` (then the key is typed separately).
    Field(String),
    CustomKey(String),
    Op(Operator),
    Value(String),
    Values(String),
    /// Adds the choice (a source or stage name) to the list, or takes it out.
    ToggleChoice(String),
    Min(String),
    Max(String),
    Points(String),
}

impl FitEdit {
    pub fn apply(self, rule: &mut FitDraft) {
        match self {
            FitEdit::Label(v) => rule.label = v,
            FitEdit::Field(field) => {
                let (was, now) = (field_kind(&rule.field), field_kind(&field));
                rule.field = field;
                if was != now {
                    // A new kind of value: what was typed for the old field rarely fits.
                    rule.value.clear();
                    rule.values.clear();
                    rule.min.clear();
                    rule.max.clear();
                }
                if !rule.op.applies_to(now) {
                    rule.op = default_operator(now);
                }
            }
            FitEdit::CustomKey(key) => {
                rule.field = format!("{}{}", LeadField::CUSTOM_PREFIX, key.trim());
            }
            FitEdit::Op(op) => rule.op = op,
            FitEdit::Value(v) => rule.value = v,
            FitEdit::Values(v) => rule.values = v,
            FitEdit::ToggleChoice(choice) => {
                let mut list = rule.value_list();
                match list.iter().position(|v| v.eq_ignore_ascii_case(&choice)) {
                    Some(at) => {
                        list.remove(at);
                    }
                    None => list.push(choice),
                }
                rule.values = list.join(", ");
            }
            FitEdit::Min(v) => rule.min = v,
            FitEdit::Max(v) => rule.max = v,
            FitEdit::Points(v) => rule.points = v,
        }
    }
}

/// A change to one behaviour rule.
#[derive(Debug, Clone, PartialEq)]
pub enum BehaviourEdit {
    Label(String),
    Kind(BehaviourKind),
    UrlPattern(String),
    NamePattern(String),
    Points(String),
    PerDay(String),
    Total(String),
}

impl BehaviourEdit {
    fn apply(self, rule: &mut BehaviourDraft) {
        match self {
            BehaviourEdit::Label(v) => rule.label = v,
            BehaviourEdit::Kind(v) => rule.kind = v,
            BehaviourEdit::UrlPattern(v) => rule.url_pattern = v,
            BehaviourEdit::NamePattern(v) => rule.name_pattern = v,
            BehaviourEdit::Points(v) => rule.points = v,
            BehaviourEdit::PerDay(v) => rule.per_day = v,
            BehaviourEdit::Total(v) => rule.total = v,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    Fit(usize, FitEdit),
    Behaviour(usize, BehaviourEdit),
    AddFit,
    AddBehaviour,
    RemoveFit(usize),
    RemoveBehaviour(usize),
    DecayKind(DecayKind),
    DecayPoints(String),
    DecayDays(String),
    DecayFloor(String),
    Threshold(String),
    /// Start over from another model (a saved version, or discarding the edits).
    Replace(Box<Draft>),
}

impl Reducible for Draft {
    type Action = Edit;

    fn reduce(self: Rc<Self>, edit: Edit) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(edit);
        Rc::new(next)
    }
}

/// Everything wrong with the model, looked up by the JSON path of an input.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Problems(Vec<RuleError>);

/// Whether `path` is `prefix` itself or lies inside it (`x.values[2]` inside `x.values`).
fn within(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

impl Problems {
    /// Local problems first, then the compiler's, one per path.
    pub fn new(errors: impl IntoIterator<Item = RuleError>) -> Problems {
        let mut seen: Vec<RuleError> = Vec::new();
        for e in errors {
            if !seen.iter().any(|s| s.path == e.path) {
                seen.push(e);
            }
        }
        Problems(seen)
    }

    /// A mutation's `userErrors`, whose `field` is the path.
    pub fn from_user_errors(errors: &[UserError]) -> Problems {
        Problems::new(errors.iter().map(|e| RuleError {
            path: e.field.clone().unwrap_or_default(),
            code: e.code,
            message: e.message.clone(),
        }))
    }

    /// These problems, then `later`'s at paths these do not cover (the live check comes
    /// first; the server's answer about the saved model adds what only it can know).
    pub fn and(&self, later: &Problems) -> Problems {
        Problems::new(self.0.iter().chain(&later.0).cloned())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every problem, in order.
    pub fn iter(&self) -> impl Iterator<Item = &RuleError> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The first problem at `path` or inside it.
    pub fn at(&self, path: &str) -> Option<&RuleError> {
        self.0.iter().find(|e| within(&e.path, path))
    }

    /// Problems inside `rule` (`fitRules[2]`) that none of its inputs (`shown`, paths
    /// relative to the rule such as `.label`) shows.
    pub fn rest_of(&self, rule: &str, shown: &[&str]) -> Vec<&RuleError> {
        self.0
            .iter()
            .filter(|e| within(&e.path, rule))
            .filter(|e| !shown.iter().any(|s| within(&e.path, &format!("{rule}{s}"))))
            .collect()
    }

    /// Problems that belong to no rule and no input: the model as a whole.
    pub fn general(&self, shown: &[&str]) -> Vec<&RuleError> {
        let in_rule = |p: &str| {
            (p.starts_with("fitRules[") || p.starts_with("behaviourRules[")) && p.contains(']')
        };
        self.0
            .iter()
            .filter(|e| !in_rule(&e.path) && !shown.iter().any(|s| within(&e.path, s)))
            .collect()
    }

    /// Whether any problem lies inside `rule`, to mark the whole rule.
    pub fn any_in(&self, rule: &str) -> bool {
        self.0.iter().any(|e| within(&e.path, rule))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft::of(&ScoringModel::starter())
    }

    #[test]
    fn the_starter_model_survives_the_round_trip_through_the_designer() {
        let (model, bad) = draft().to_model();
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(model, ScoringModel::starter());
    }

    #[test]
    fn lists_accept_chinese_commas_and_numbers_stay_as_typed() {
        let mut d = draft();
        d.apply(Edit::Fit(
            0,
            FitEdit::Values("总监，VP、 Director ,".into()),
        ));
        d.apply(Edit::Fit(2, FitEdit::Value("1,000".into())));
        d.apply(Edit::Fit(3, FitEdit::Points("+7".into())));
        let (model, bad) = d.to_model();
        assert_eq!(
            model.fit_rules[0].condition,
            Condition::ContainsAny {
                values: vec!["总监".into(), "VP".into(), "Director".into()]
            }
        );
        assert_eq!(model.fit_rules[3].points, 7);
        let paths: Vec<_> = bad.iter().map(|e| (e.path.as_str(), e.code)).collect();
        assert_eq!(
            paths,
            [("fitRules[2].condition.value", UserErrorCode::Invalid)]
        );
        // Still typed as it was, for the input to show.
        assert_eq!(d.fit[2].value, "1,000");
    }

    #[test]
    fn unreadable_and_blank_numbers_are_reported_at_their_paths() {
        let mut d = draft();
        d.apply(Edit::Behaviour(1, BehaviourEdit::Points(String::new())));
        d.apply(Edit::Behaviour(1, BehaviourEdit::PerDay("many".into())));
        d.apply(Edit::Behaviour(1, BehaviourEdit::Total(" ".into())));
        d.apply(Edit::Threshold("6o".into()));
        let (model, bad) = d.to_model();
        assert_eq!(model.behaviour_rules[1].max_points_total, None);
        let paths: Vec<_> = bad.iter().map(|e| (e.path.as_str(), e.code)).collect();
        assert_eq!(
            paths,
            [
                ("behaviourRules[1].points", UserErrorCode::Required),
                ("behaviourRules[1].maxPointsPerDay", UserErrorCode::Invalid),
                ("mqlThreshold", UserErrorCode::Invalid),
            ]
        );
    }

    #[test]
    fn a_new_field_of_another_kind_gets_an_operator_that_applies() {
        let mut d = draft();
        assert_eq!(d.fit[0].op, Operator::ContainsAny);
        d.apply(Edit::Fit(0, FitEdit::Field("companySize".into())));
        assert_eq!(d.fit[0].op, Operator::Gt);
        assert!(d.fit[0].values.is_empty());
        d.apply(Edit::Fit(0, FitEdit::Field("source".into())));
        assert_eq!(d.fit[0].op, Operator::In);
        d.apply(Edit::Fit(0, FitEdit::ToggleChoice("REFERRAL".into())));
        d.apply(Edit::Fit(0, FitEdit::ToggleChoice("EVENT".into())));
        d.apply(Edit::Fit(0, FitEdit::ToggleChoice("referral".into())));
        assert_eq!(d.fit[0].values, "EVENT");
        // Same kind: the operator and the texts stay.
        d.apply(Edit::Fit(1, FitEdit::Field("company".into())));
        assert_eq!(d.fit[1].op, Operator::ContainsAny);
        assert!(d.fit[1].values.contains("经理"));
        d.apply(Edit::Fit(1, FitEdit::Field("custom:".into())));
        d.apply(Edit::Fit(1, FitEdit::CustomKey(" budget ".into())));
        assert_eq!(d.fit[1].field, "custom:budget");
        assert_eq!(field_kind("custom:"), FieldKind::Custom);
        assert_eq!(
            operators_for("tags"),
            [
                Operator::HasAny,
                Operator::HasAll,
                Operator::IsSet,
                Operator::IsEmpty
            ]
        );
    }

    #[test]
    fn new_rules_get_ids_no_other_rule_has() {
        let mut d = draft();
        d.apply(Edit::AddFit);
        d.apply(Edit::AddFit);
        d.apply(Edit::AddBehaviour);
        let ids: Vec<_> = d.fit.iter().map(|r| r.id.clone()).collect();
        assert_eq!(
            ids[ids.len() - 2..],
            ["fit-1".to_owned(), "fit-2".to_owned()]
        );
        assert_eq!(
            d.behaviour.last().map(|r| r.id.as_str()),
            Some("behaviour-1")
        );
        d.apply(Edit::RemoveFit(ids.len() - 2));
        d.apply(Edit::AddFit);
        assert_eq!(d.fit.last().map(|r| r.id.as_str()), Some("fit-1"));
    }

    #[test]
    fn decay_keeps_both_settings_while_switching() {
        let mut d = draft();
        d.apply(Edit::DecayKind(DecayKind::HalfLife));
        d.apply(Edit::DecayDays("14".into()));
        assert_eq!(d.to_model().0.decay, Decay::HalfLife { days: 14, floor: 0 });
        d.apply(Edit::DecayKind(DecayKind::LinearPerWeek));
        assert_eq!(
            d.to_model().0.decay,
            Decay::LinearPerWeek {
                points: 5,
                floor: 0
            }
        );
        d.apply(Edit::DecayKind(DecayKind::None));
        d.apply(Edit::DecayFloor("x".into()));
        assert_eq!(
            d.to_model(),
            (
                ScoringModel {
                    decay: Decay::None,
                    ..ScoringModel::starter()
                },
                vec![]
            )
        );
    }

    #[test]
    fn problems_are_found_by_path_and_the_rest_is_shown_on_the_rule() {
        let p = Problems::new([
            RuleError {
                path: "fitRules[1].condition.values[2]".into(),
                code: UserErrorCode::Required,
                message: String::new(),
            },
            RuleError {
                path: "fitRules[1].id".into(),
                code: UserErrorCode::Invalid,
                message: "taken".into(),
            },
            RuleError {
                path: "fitRules[10].label".into(),
                code: UserErrorCode::Required,
                message: String::new(),
            },
            RuleError {
                path: "fitRules[1].id".into(),
                code: UserErrorCode::Required,
                message: "dup".into(),
            },
            RuleError {
                path: "fitRules".into(),
                code: UserErrorCode::Required,
                message: String::new(),
            },
            RuleError {
                path: "mqlThreshold".into(),
                code: UserErrorCode::Invalid,
                message: String::new(),
            },
        ]);
        assert_eq!(p.len(), 5);
        assert!(p.at("fitRules[1].condition.values").is_some());
        assert!(p.at("fitRules[1].label").is_none());
        assert!(p.at("fitRules[10].label").is_some());
        let rest: Vec<_> = p
            .rest_of("fitRules[1]", &[".label", ".condition.values"])
            .iter()
            .map(|e| e.message.as_str())
            .collect();
        assert_eq!(rest, ["taken"]);
        assert!(p.any_in("fitRules[10]"));
        assert!(!p.any_in("fitRules[0]"));
        let general: Vec<_> = p
            .general(&["mqlThreshold"])
            .iter()
            .map(|e| e.path.as_str())
            .collect();
        assert_eq!(general, ["fitRules"]);
    }
}
