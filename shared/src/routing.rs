//! Lead routing: who gets a new lead, seconds after it arrives, and why.
//!
//! An admin designs [`RoutingRules`] in the routing designer: an ordered list of
//! [`RoutingRule`]s and a fallback. Each rule has **conditions** on the lead — province
//! and city, industry, source, campaign, company size, score, tags, any field a scoring
//! rule can look at — and a [`Strategy`] saying who gets the leads it matches:
//!
//! - **a named rep** — key accounts go to the rep who knows them;
//! - **round robin over a team** — each rep in turn, optionally weighted (a senior rep
//!   with weight 2 gets two leads for a junior's one), skipping reps who are
//!   deactivated, away or at capacity;
//! - **least loaded** in a team — the rep with the fewest open leads, or the smallest
//!   open pipeline amount, who still has capacity;
//! - **the pool** — reps claim the lead themselves.
//!
//! A rule may also have [`WorkingHours`]: outside them it steps aside, so that, say,
//! night-time leads go to the pool instead of waiting for a rep who is asleep.
//!
//! The rules are stored as JSON and edited in the browser, so [`RoutingRules`] keeps them
//! as the admin typed them. [`RoutingRules::validate`] checks them against the
//! [`Directory`] of users, teams and campaigns and names every problem — a rule naming
//! a deleted user or team, a round robin over a team without active members, a weight
//! for someone outside the team, a calendar without working hours, a malformed
//! condition — by its JSON path (`rules[2].strategy.teamId`), ready to be shown as
//! userErrors before saving. [`RoutingRules::compile`] makes the checks that need no
//! directory and gives [`CompiledRules`], which the server keeps and the capture flow
//! asks: [`CompiledRules::decide`] takes a [`RoutingLead`], the [`TeamState`] (who is
//! active, away, how loaded, where each round robin stands) and the time, and gives a
//! [`Decision`]: the owner or the pool, the rule, and a reason a manager can read in the
//! assignment feed. [`CompiledRules::simulate`] replays many leads, so the designer shows
//! who would have received last week's leads under the rules being edited.
//!
//! The rules of the game, identical on the server and in the browser:
//!
//! - **The first rule that matches and can place the lead wins.** Rules are tried in
//!   order; disabled rules are skipped. Every condition of a rule must hold; a rule with
//!   no conditions matches every lead. Conditions mean exactly what they mean in
//!   scoring (the same code runs them): text ignores case, `IN` compares whole values,
//!   a value the lead does not have matches only `IS_EMPTY`.
//! - **A lead is never lost.** A rule that matches but cannot place the lead — its rep is
//!   away, everyone in its team is away or full, it is outside its working hours —
//!   passes the lead on to the next matching rule, then to the fallback; if even the
//!   fallback cannot place it, the lead goes to the pool. The reason says who was
//!   skipped and why.
//! - **Who can take a lead:** an active rep who is not away (the server decides what
//!   away means: leave, out of office, a manager's switch) and has fewer open leads
//!   than their capacity. This holds for a named rep too.
//! - **Round robin is fair, and stays fair as people come and go.** Every round-robin
//!   rule keeps its own [`Rotation`]: turns counted per rep. The next lead goes to the
//!   available rep with the fewest turns for their weight (turns ÷ weight), ties to the
//!   smaller user id. So a rep never gets a second turn while another available rep has
//!   had fewer, and reps available all along stay within one turn (for their weight)
//!   of each other. A rep who joins the team, comes back from leave or drops below
//!   capacity starts level with the others: they get at most one turn early, not a
//!   backlog of every turn they missed. Weight 0 keeps a rep in the team without turns.
//! - **Least loaded never overfills.** A rep at capacity is never chosen. Ties go to the
//!   fewer open leads (or smaller pipeline), then to the smaller user id.
//! - **Same inputs, same decision.** Nothing here reads a clock or chance; the order the
//!   database lists team members in does not matter.
//!
//! The round-robin state is the one thing a decision changes besides the lead's owner:
//! [`Decision::advance`] carries the rule's new [`Rotation`], which the server writes in
//! the same transaction as the assignment, having read it under a row lock, so two
//! leads arriving together never get the same turn.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::money::format_minor_units;
use crate::scoring::{
    CompiledModel, Condition, Decay, FieldKind, FitRule, LeadField, Operator, RuleError,
    ScoringLead, ScoringModel, MAX_ID_CHARS, MAX_LABEL_CHARS,
};
use crate::UserErrorCode;

/// The most rules in a rule set.
pub const MAX_RULES: usize = 200;
/// The most conditions in one rule.
pub const MAX_CONDITIONS: usize = 20;
/// The largest round-robin weight.
pub const MAX_WEIGHT: u32 = 1_000;
/// The most periods in one calendar.
pub const MAX_PERIODS: usize = 28;
/// The longest user, team or campaign id, in characters.
pub const MAX_REF_CHARS: usize = 64;
/// The id the fallback goes by: the key of its rotation. No rule may use it.
pub const FALLBACK_ID: &str = "fallback";

const SECONDS_PER_DAY: i64 = 86_400;

// ---------------------------------------------------------------------------------------
// The rules as the admin writes them
// ---------------------------------------------------------------------------------------

/// A lead field a routing condition can look at. In the rules it is named by a string:
/// every scoring field (`province`, `city`, `industry`, `source`, `campaign` — the
/// campaign's name —, `companySize`, `tags`, `title`, `custom:<name>`...), plus `score`
/// (the lead's total score) and `campaignId` (the campaign picked from the list, which
/// keeps matching when the campaign is renamed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RouteField {
    Lead(LeadField),
    /// The total score: fit plus engagement.
    Score,
    CampaignId,
}

impl RouteField {
    const SCORE: &'static str = "score";
    const CAMPAIGN_ID: &'static str = "campaignId";

    /// The built-in fields, in the order the designer lists them.
    pub fn standard() -> Vec<RouteField> {
        let mut all: Vec<RouteField> = LeadField::STANDARD
            .into_iter()
            .map(RouteField::Lead)
            .collect();
        all.extend([RouteField::Score, RouteField::CampaignId]);
        all
    }

    /// The name used in the rules' JSON.
    pub fn name(&self) -> Cow<'static, str> {
        match self {
            RouteField::Lead(field) => field.name(),
            RouteField::Score => Cow::Borrowed(Self::SCORE),
            RouteField::CampaignId => Cow::Borrowed(Self::CAMPAIGN_ID),
        }
    }

    /// Decides the operators the designer offers ([`Operator::applies_to`]): the score
    /// is a number, the campaign id one of a list.
    pub fn kind(&self) -> FieldKind {
        match self {
            RouteField::Lead(field) => field.kind(),
            RouteField::Score => FieldKind::Number,
            RouteField::CampaignId => FieldKind::Choice,
        }
    }

    /// Reads a field name as the rules name it; the error says what would be accepted.
    pub fn parse(name: &str) -> Result<RouteField, String> {
        match name.trim() {
            Self::SCORE => Ok(RouteField::Score),
            Self::CAMPAIGN_ID => Ok(RouteField::CampaignId),
            other if other.starts_with(LeadField::CUSTOM_PREFIX) => {
                LeadField::parse(other).map(RouteField::Lead)
            }
            other => LeadField::parse(other).map(RouteField::Lead).map_err(|_| {
                let known: Vec<_> = Self::standard().iter().map(RouteField::name).collect();
                format!(
                    "'{other}' is not a lead field; use one of {} or custom:<name>",
                    known.join(", ")
                )
            }),
        }
    }
}

/// One test on the lead, shaped like a scoring fit rule:
/// `{"field": "province", "condition": {"op": "IN", "values": ["江苏", "浙江"]}}`,
/// `{"field": "score", "condition": {"op": "GTE", "value": 60}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteCondition {
    /// A [`RouteField`] name.
    pub field: String,
    pub condition: Condition,
}

/// How a rule or the fallback places a lead, tagged by `"kind"` in JSON:
/// `{"kind": "REP", "userId": "…"}`,
/// `{"kind": "ROUND_ROBIN", "teamId": "…", "weights": {"<userId>": 2}}`,
/// `{"kind": "LEAST_LOADED", "teamId": "…", "measure": "OPEN_LEADS"}`, `{"kind": "POOL"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum Strategy {
    /// One named rep, if they can take the lead.
    Rep { user_id: String },
    /// Each available member of the team in turn.
    RoundRobin {
        team_id: String,
        /// Turns per round by user id; members not listed have weight 1, weight 0 gets
        /// no turns.
        #[serde(default)]
        weights: BTreeMap<String, u32>,
    },
    /// The available member of the team with the lightest load.
    LeastLoaded {
        team_id: String,
        #[serde(default)]
        measure: LoadMeasure,
    },
    /// The claim pool: no owner until a rep claims it.
    Pool,
}

impl Strategy {
    pub fn kind(&self) -> StrategyKind {
        match self {
            Strategy::Rep { .. } => StrategyKind::Rep,
            Strategy::RoundRobin { .. } => StrategyKind::RoundRobin,
            Strategy::LeastLoaded { .. } => StrategyKind::LeastLoaded,
            Strategy::Pool => StrategyKind::Pool,
        }
    }
}

/// A [`Strategy`]'s kind, for the designer's menu and the assignment feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "RoutingStrategyKind"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StrategyKind {
    Rep,
    RoundRobin,
    LeastLoaded,
    Pool,
}

/// What "least loaded" measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "RoutingLoadMeasure"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LoadMeasure {
    /// Fewest open leads.
    #[default]
    OpenLeads,
    /// Smallest amount in open opportunities; ties go to the fewer open leads. A new
    /// lead adds no amount, so leads keep going to the same rep until their capacity or
    /// a tie with someone else.
    OpenPipelineAmount,
}

/// A day of the week, for working hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "RoutingWeekday"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
}

/// Some days, from one time to a later one: `{"days": ["MONDAY", …], "from": "09:00",
/// "to": "18:00"}`. `to` may be `24:00`; a night shift is two periods split at midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkingPeriod {
    pub days: Vec<Weekday>,
    /// `HH:MM`, included.
    pub from: String,
    /// `HH:MM`, excluded.
    pub to: String,
}

/// When a rule applies. Public holidays are not modelled; mark reps away instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkingHours {
    /// Where the team's clock is: minutes east of UTC (China Standard Time is 480).
    #[serde(default)]
    pub utc_offset_minutes: i32,
    #[serde(default)]
    pub periods: Vec<WorkingPeriod>,
}

/// One line of the routing table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoutingRule {
    /// Stable within the rule set; names the rule in decisions and keys its rotation.
    pub id: String,
    /// What the admin and the managers read in the assignment feed.
    pub label: String,
    /// A disabled rule is kept, checked, and skipped.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// All must hold; none matches every lead.
    #[serde(default)]
    pub conditions: Vec<RouteCondition>,
    /// Outside these hours the rule steps aside; `None`: always.
    #[serde(default)]
    pub working_hours: Option<WorkingHours>,
    pub strategy: Strategy,
}

fn enabled_by_default() -> bool {
    true
}

/// The routing rules as the admin designed them and as they are stored: possibly not
/// valid yet. The default sends every lead to the pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoutingRules {
    #[serde(default)]
    pub rules: Vec<RoutingRule>,
    /// For a lead no rule matched, or no matching rule could place.
    pub fallback: Strategy,
}

impl Default for RoutingRules {
    fn default() -> Self {
        RoutingRules {
            rules: Vec::new(),
            fallback: Strategy::Pool,
        }
    }
}

// ---------------------------------------------------------------------------------------
// What routing looks at
// ---------------------------------------------------------------------------------------

/// What routing knows about a lead: what scoring knows, its total score and its
/// campaign's id. In JSON the scoring fields sit beside `score` and `campaignId`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoutingLead {
    #[serde(flatten)]
    pub lead: ScoringLead,
    /// The total score.
    #[serde(default)]
    pub score: i32,
    #[serde(default)]
    pub campaign_id: Option<String>,
}

/// A lead and when it arrived, for [`CompiledRules::simulate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadArrival {
    pub at: DateTime<Utc>,
    pub lead: RoutingLead,
}

/// A team and its members, by user id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Team {
    pub name: String,
    #[serde(default)]
    pub member_ids: Vec<String>,
}

/// A user as validation needs to know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KnownUser {
    pub name: String,
    pub active: bool,
}

/// What exists, for [`RoutingRules::validate`]: users (deleted ones left out,
/// deactivated ones marked), teams with their members, campaign ids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Directory {
    #[serde(default)]
    pub users: BTreeMap<String, KnownUser>,
    #[serde(default)]
    pub teams: BTreeMap<String, Team>,
    #[serde(default)]
    pub campaign_ids: BTreeSet<String>,
}

/// A rep as routing sees them at the moment a lead arrives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepState {
    pub name: String,
    #[serde(default = "enabled_by_default")]
    pub active: bool,
    /// On leave, out of office, or switched off by a manager.
    #[serde(default)]
    pub away: bool,
    /// The most open leads they should own; `None`: no limit.
    #[serde(default)]
    pub capacity: Option<u32>,
    #[serde(default)]
    pub open_leads: u32,
    /// In minor units (fen).
    #[serde(default)]
    pub open_pipeline_amount: i64,
}

/// A rotation's level: the turns ÷ weight of the last turn given. `weight` 0 means
/// nothing has been given yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Level {
    pub turns: u64,
    pub weight: u32,
}

/// Where one round robin stands, stored by the server per rule (keyed by the rule id,
/// [`FALLBACK_ID`] for the fallback).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rotation {
    #[serde(default)]
    pub level: Level,
    /// Turns counted for fairness, by user id: the turns a rep was given, plus the
    /// credit that put them level with the others when they joined or came back.
    #[serde(default)]
    pub turns: BTreeMap<String, u64>,
}

/// Everything decisions depend on besides the lead and the time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamState {
    /// By user id. A user missing here (deleted) is skipped.
    #[serde(default)]
    pub reps: BTreeMap<String, RepState>,
    #[serde(default)]
    pub teams: BTreeMap<String, Team>,
    /// By rule id; a rotation not yet stored starts empty.
    #[serde(default)]
    pub rotations: BTreeMap<String, Rotation>,
}

impl TeamState {
    /// What a decision changes here: the rotation it advanced and the owner's load.
    /// The server does the same in its transaction; the designer's simulation does it
    /// between leads.
    pub fn apply(&mut self, decision: &Decision) {
        if let Some(advance) = &decision.advance {
            self.rotations
                .insert(advance.key.clone(), advance.rotation.clone());
        }
        if let Some(rep) = decision.owner.as_ref().and_then(|id| self.reps.get_mut(id)) {
            rep.open_leads = rep.open_leads.saturating_add(1);
        }
    }
}

// ---------------------------------------------------------------------------------------
// What routing says
// ---------------------------------------------------------------------------------------

/// Why a rep was passed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "RoutingSkipReason"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SkipReason {
    /// The user no longer exists.
    Unknown,
    /// Deactivated.
    Inactive,
    /// Weight 0 in this round robin.
    NoWeight,
    Away,
    /// As many open leads as their capacity, or more.
    AtCapacity,
}

/// A rep passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "RoutingSkippedRep"))]
#[serde(rename_all = "camelCase")]
pub struct SkippedRep {
    pub user_id: String,
    pub why: SkipReason,
}

/// How one rule's (or the fallback's) attempt to place the lead ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "RoutingAttemptOutcome"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AttemptOutcome {
    Assigned,
    /// Placed in the pool by a pool strategy.
    Pool,
    OutsideWorkingHours,
    /// Everyone the strategy could choose was skipped, or the team has no members.
    NoOneAvailable,
    /// The team was deleted since the rules were saved.
    TeamNotFound,
}

/// A rule (or the fallback) whose conditions matched, and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "RoutingAttempt"))]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// `None`: the fallback.
    pub rule_id: Option<String>,
    pub label: String,
    pub strategy: StrategyKind,
    pub outcome: AttemptOutcome,
    pub owner: Option<String>,
    /// In user id order.
    pub skipped: Vec<SkippedRep>,
}

/// A round robin's new state, to be stored with the assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RotationAdvance {
    /// The rule id, or [`FALLBACK_ID`].
    pub key: String,
    pub rotation: Rotation,
}

/// Where a lead goes and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "RoutingDecision"))]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// `None`: the pool.
    pub owner: Option<String>,
    /// The rule that placed the lead; `None`: the fallback, or the pool because no one
    /// could take it.
    pub rule_id: Option<String>,
    /// For the assignment record and the feed, in English, e.g. `rule 华东制造业:
    /// round-robin over 华东组 → 张伟, 王芳 skipped (away)`. The app builds its own
    /// translation from [`Decision::attempts`].
    pub reason: String,
    /// Every rule whose conditions matched, in order, then the fallback if it was
    /// reached.
    pub attempts: Vec<Attempt>,
    /// The round robin that gave the turn, to be stored with the assignment.
    #[cfg_attr(feature = "graphql", graphql(skip))]
    pub advance: Option<RotationAdvance>,
}

// ---------------------------------------------------------------------------------------
// Checking and compiling
// ---------------------------------------------------------------------------------------

/// Rules that passed the checks that need no directory, prepared for fast decisions.
#[derive(Debug, Clone)]
pub struct CompiledRules {
    rules: Vec<CompiledRule>,
    fallback: Strategy,
}

#[derive(Debug, Clone)]
struct CompiledRule {
    id: String,
    label: String,
    enabled: bool,
    /// Conditions on the lead's own fields.
    on_lead: Option<ConditionGroup>,
    /// Conditions on the score and the campaign id, run on [`derived_view`].
    on_derived: Option<ConditionGroup>,
    hours: Option<Hours>,
    strategy: Strategy,
}

/// Conditions compiled by scoring as a model of one-point fit rules: they all hold
/// exactly when the model gives one point per condition.
#[derive(Debug, Clone)]
struct ConditionGroup {
    model: CompiledModel,
    count: i32,
}

impl ConditionGroup {
    fn holds(&self, lead: &ScoringLead, now: DateTime<Utc>) -> bool {
        self.model.score(lead, &[], now).fit == self.count
    }
}

/// The score and campaign id as a lead scoring can read: the score as a company size,
/// the id as a campaign name. Conditions on them run through scoring unchanged.
fn derived_view(lead: &RoutingLead) -> ScoringLead {
    ScoringLead {
        company_size: Some(i64::from(lead.score)),
        campaign: lead.campaign_id.clone(),
        ..ScoringLead::default()
    }
}

#[derive(Debug, Clone)]
struct Hours {
    offset_seconds: i64,
    /// Days as bits (Monday = bit 0), minutes from midnight, `to` excluded.
    periods: Vec<(u8, u32, u32)>,
}

impl Hours {
    fn contains(&self, now: DateTime<Utc>) -> bool {
        let local = now.timestamp() + self.offset_seconds;
        let day = local.div_euclid(SECONDS_PER_DAY);
        // 1 January 1970 was a Thursday.
        let weekday = (day + 3).rem_euclid(7) as u32;
        let minute = (local.rem_euclid(SECONDS_PER_DAY) / 60) as u32;
        self.periods
            .iter()
            .any(|&(days, from, to)| days & (1 << weekday) != 0 && from <= minute && minute < to)
    }
}

/// Collects what is wrong while the rules are checked.
#[derive(Default)]
struct Problems(Vec<RuleError>);

impl Problems {
    fn push(&mut self, path: impl Into<String>, code: UserErrorCode, message: impl Into<String>) {
        self.0.push(RuleError {
            path: path.into(),
            code,
            message: message.into(),
        });
    }

    fn invalid(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.push(path, UserErrorCode::Invalid, message);
    }

    fn required(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.push(path, UserErrorCode::Required, message);
    }

    fn not_found(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.push(path, UserErrorCode::NotFound, message);
    }

    /// A required, trimmed, bounded text; `None` after recording the problem.
    fn text(&mut self, path: String, what: &str, value: &str, max: usize) -> Option<String> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.required(path, format!("{what} is required"));
            None
        } else if trimmed.chars().count() > max {
            self.invalid(path, format!("{what} is at most {max} characters"));
            None
        } else {
            Some(trimmed.to_string())
        }
    }
}

impl RoutingRules {
    /// Reads stored or submitted rules. Shape errors (an unknown strategy kind, a text
    /// where a number belongs) come back as one error at the root; everything an admin
    /// can get wrong in the designer is left to [`RoutingRules::validate`].
    pub fn from_json(json: &str) -> Result<RoutingRules, RuleError> {
        serde_json::from_str(json).map_err(|e| RuleError {
            path: String::new(),
            code: UserErrorCode::Invalid,
            message: format!("not routing rules: {e}"),
        })
    }

    /// Every problem at once, including users, teams and campaigns that do not exist
    /// (any more), so the designer can mark them all before saving.
    pub fn validate(&self, directory: &Directory) -> Result<(), Vec<RuleError>> {
        self.check(Some(directory)).map(|_| ())
    }

    /// The checks that need no directory, and the rules prepared for
    /// [`CompiledRules::decide`]. Saved rules whose users or teams were deleted since
    /// still compile: those users are skipped when leads arrive.
    pub fn compile(&self) -> Result<CompiledRules, Vec<RuleError>> {
        self.check(None)
    }

    fn check(&self, directory: Option<&Directory>) -> Result<CompiledRules, Vec<RuleError>> {
        let mut p = Problems::default();
        if self.rules.len() > MAX_RULES {
            p.invalid("rules", format!("at most {MAX_RULES} rules"));
        }
        let mut seen: Vec<String> = Vec::new();
        let mut rules = Vec::with_capacity(self.rules.len());
        for (i, rule) in self.rules.iter().enumerate() {
            let at = format!("rules[{i}]");
            let id = p.text(format!("{at}.id"), "a rule id", &rule.id, MAX_ID_CHARS);
            let id = id.filter(|id| {
                let problem = if id == FALLBACK_ID {
                    Some(format!(
                        "'{FALLBACK_ID}' names the fallback; choose another id"
                    ))
                } else if seen.contains(id) {
                    Some(format!("'{id}' is used by another rule"))
                } else {
                    None
                };
                seen.push(id.clone());
                problem.map(|m| p.invalid(format!("{at}.id"), m)).is_none()
            });
            let label = p.text(
                format!("{at}.label"),
                "a label",
                &rule.label,
                MAX_LABEL_CHARS,
            );
            let conditions = compile_conditions(&mut p, &at, &rule.conditions, directory);
            let hours = match &rule.working_hours {
                None => Some(None),
                Some(h) => compile_hours(&mut p, &format!("{at}.workingHours"), h).map(Some),
            };
            let strategy =
                check_strategy(&mut p, &format!("{at}.strategy"), &rule.strategy, directory);
            if let (
                Some(id),
                Some(label),
                Some((on_lead, on_derived)),
                Some(hours),
                Some(strategy),
            ) = (id, label, conditions, hours, strategy)
            {
                rules.push(CompiledRule {
                    id,
                    label,
                    enabled: rule.enabled,
                    on_lead,
                    on_derived,
                    hours,
                    strategy,
                });
            }
        }
        let fallback = check_strategy(&mut p, "fallback", &self.fallback, directory);
        match fallback {
            Some(fallback) if p.0.is_empty() => Ok(CompiledRules { rules, fallback }),
            _ => Err(p.0),
        }
    }
}

type Groups = (Option<ConditionGroup>, Option<ConditionGroup>);

fn compile_conditions(
    p: &mut Problems,
    at: &str,
    conditions: &[RouteCondition],
    directory: Option<&Directory>,
) -> Option<Groups> {
    if conditions.len() > MAX_CONDITIONS {
        p.invalid(
            format!("{at}.conditions"),
            format!("a rule has at most {MAX_CONDITIONS} conditions"),
        );
        return None;
    }
    let before = p.0.len();
    let mut on_lead: Vec<(usize, FitRule)> = Vec::new();
    let mut on_derived: Vec<(usize, FitRule)> = Vec::new();
    for (j, c) in conditions.iter().enumerate() {
        let at = format!("{at}.conditions[{j}]");
        let field = match RouteField::parse(&c.field) {
            Ok(field) => field,
            Err(message) => {
                p.invalid(format!("{at}.field"), message);
                continue;
            }
        };
        let op = c.condition.operator();
        if !op.applies_to(field.kind()) {
            let offered: Vec<&str> = Operator::ALL
                .into_iter()
                .filter(|o| o.applies_to(field.kind()))
                .map(Operator::name)
                .collect();
            p.invalid(
                format!("{at}.condition.op"),
                format!(
                    "{} does not apply to {}; use one of {}",
                    op.name(),
                    field.name(),
                    offered.join(", ")
                ),
            );
            continue;
        }
        let (group, scoring_field) = match &field {
            RouteField::Lead(f) => (&mut on_lead, f.clone()),
            RouteField::Score => (&mut on_derived, LeadField::CompanySize),
            RouteField::CampaignId => {
                if let Some(directory) = directory {
                    check_campaigns(p, &at, &c.condition, directory);
                }
                (&mut on_derived, LeadField::Campaign)
            }
        };
        group.push((
            j,
            FitRule {
                id: format!("c{j}"),
                label: format!("c{j}"),
                field: scoring_field.name().into_owned(),
                condition: c.condition.clone(),
                points: 1,
            },
        ));
    }
    let on_lead = compile_group(p, at, on_lead);
    let on_derived = compile_group(p, at, on_derived);
    (p.0.len() == before).then(|| (on_lead.flatten(), on_derived.flatten()))
}

/// Compiles conditions with scoring, naming its problems by the routing paths.
fn compile_group(
    p: &mut Problems,
    at: &str,
    rules: Vec<(usize, FitRule)>,
) -> Option<Option<ConditionGroup>> {
    if rules.is_empty() {
        return Some(None);
    }
    let (indices, fit_rules): (Vec<usize>, Vec<FitRule>) = rules.into_iter().unzip();
    let count = i32::try_from(fit_rules.len()).unwrap_or(i32::MAX);
    let model = ScoringModel {
        fit_rules,
        behaviour_rules: Vec::new(),
        decay: Decay::None,
        mql_threshold: 1,
        utc_offset_minutes: 0,
    };
    match model.compile() {
        Ok(model) => Some(Some(ConditionGroup { model, count })),
        Err(errors) => {
            for e in errors {
                // `fitRules[k].condition.values[0]` → `rules[i].conditions[j].condition…`
                let path = e
                    .path
                    .strip_prefix("fitRules[")
                    .and_then(|rest| rest.split_once(']'))
                    .and_then(|(k, rest)| Some((indices.get(k.parse::<usize>().ok()?)?, rest)))
                    .map_or_else(
                        || format!("{at}.conditions"),
                        |(j, rest)| format!("{at}.conditions[{j}]{rest}"),
                    );
                p.push(path, e.code, e.message);
            }
            None
        }
    }
}

/// Campaign ids must name campaigns that exist. Blank values are scoring's to report.
fn check_campaigns(p: &mut Problems, at: &str, condition: &Condition, directory: &Directory) {
    let mut check = |path: String, value: &str| {
        let value = value.trim();
        let known = directory
            .campaign_ids
            .iter()
            .any(|c| c.trim().eq_ignore_ascii_case(value));
        if !value.is_empty() && !known {
            p.not_found(
                path,
                format!("no campaign with id '{value}'; it may have been deleted"),
            );
        }
    };
    match condition {
        Condition::Equals { value } => check(format!("{at}.condition.value"), value),
        Condition::In { values } | Condition::NotIn { values } => {
            for (k, v) in values.iter().enumerate() {
                check(format!("{at}.condition.values[{k}]"), v);
            }
        }
        _ => {}
    }
}

fn compile_hours(p: &mut Problems, at: &str, hours: &WorkingHours) -> Option<Hours> {
    let before = p.0.len();
    if !(-720..=840).contains(&hours.utc_offset_minutes) {
        p.invalid(
            format!("{at}.utcOffsetMinutes"),
            "the time zone is between -720 and +840 minutes from UTC",
        );
    }
    if hours.periods.is_empty() {
        p.required(
            format!("{at}.periods"),
            "a calendar without working hours would never route; add hours or remove the \
             calendar",
        );
    }
    if hours.periods.len() > MAX_PERIODS {
        p.invalid(
            format!("{at}.periods"),
            format!("a calendar has at most {MAX_PERIODS} periods"),
        );
    }
    let mut periods = Vec::with_capacity(hours.periods.len());
    for (k, period) in hours.periods.iter().enumerate() {
        let at = format!("{at}.periods[{k}]");
        if period.days.is_empty() {
            p.required(format!("{at}.days"), "pick at least one day");
        }
        let days = period
            .days
            .iter()
            .fold(0u8, |bits, d| bits | 1 << (*d as u8));
        let from = parse_clock(&period.from, false)
            .map_err(|m| p.invalid(format!("{at}.from"), m))
            .ok();
        let to = parse_clock(&period.to, true)
            .map_err(|m| p.invalid(format!("{at}.to"), m))
            .ok();
        if let (Some(from), Some(to)) = (from, to) {
            if from >= to {
                p.invalid(
                    format!("{at}.to"),
                    "the period ends before it starts; split a night shift in two at midnight",
                );
            }
            periods.push((days, from, to));
        }
    }
    (p.0.len() == before).then(|| Hours {
        offset_seconds: i64::from(hours.utc_offset_minutes) * 60,
        periods,
    })
}

/// `HH:MM` → minutes from midnight; `24:00` only as an end.
fn parse_clock(text: &str, end: bool) -> Result<u32, String> {
    let text = text.trim();
    let bad = || format!("'{text}' is not a time like 09:00");
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || m.len() != 2 || !digits(m) {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    match (h, m) {
        (24, 0) if end => Ok(24 * 60),
        (0..=23, 0..=59) => Ok(h * 60 + m),
        _ => Err(bad()),
    }
}

/// Checks a strategy; with a directory, also that what it names exists. Gives the
/// strategy with its ids trimmed.
fn check_strategy(
    p: &mut Problems,
    at: &str,
    strategy: &Strategy,
    directory: Option<&Directory>,
) -> Option<Strategy> {
    let before = p.0.len();
    let reference = |p: &mut Problems, field: &str, what: &str, id: &str| {
        p.text(format!("{at}.{field}"), what, id, MAX_REF_CHARS)
    };
    let team = |p: &mut Problems, id: &str| -> Option<Team> {
        let directory = directory?;
        let found = directory.teams.get(id).cloned();
        if found.is_none() {
            p.not_found(
                format!("{at}.teamId"),
                format!("no team with id '{id}'; it may have been deleted"),
            );
        }
        found
    };
    let active_members = |team: &Team| -> Vec<String> {
        let mut ids: Vec<String> = team
            .member_ids
            .iter()
            .map(|m| m.trim().to_string())
            .filter(|m| {
                directory
                    .and_then(|d| d.users.get(m))
                    .is_some_and(|u| u.active)
            })
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let no_members = |p: &mut Problems, team: &Team| {
        p.invalid(
            format!("{at}.teamId"),
            format!(
                "{} has no active members; add members or choose another team",
                team.name
            ),
        );
    };

    let checked = match strategy {
        Strategy::Rep { user_id } => {
            let user_id = reference(p, "userId", "a rep", user_id);
            if let (Some(id), Some(directory)) = (&user_id, directory) {
                match directory.users.get(id) {
                    None => p.not_found(
                        format!("{at}.userId"),
                        format!("no user with id '{id}'; they may have been deleted"),
                    ),
                    Some(user) if !user.active => p.invalid(
                        format!("{at}.userId"),
                        format!("{} is deactivated; choose another rep", user.name),
                    ),
                    Some(_) => {}
                }
            }
            user_id.map(|user_id| Strategy::Rep { user_id })
        }
        Strategy::RoundRobin { team_id, weights } => {
            let team_id = reference(p, "teamId", "a team", team_id);
            let mut trimmed = BTreeMap::new();
            for (user_id, &weight) in weights {
                let path = format!("{at}.weights.{}", user_id.trim());
                if user_id.trim().is_empty() {
                    p.required(path, "a weight needs a user id");
                } else if weight > MAX_WEIGHT {
                    p.invalid(path, format!("a weight is at most {MAX_WEIGHT}"));
                } else {
                    trimmed.insert(user_id.trim().to_string(), weight);
                }
            }
            if let Some(team) = team_id.as_deref().and_then(|id| team(p, id)) {
                let members: BTreeSet<&str> = team.member_ids.iter().map(|m| m.trim()).collect();
                for user_id in trimmed.keys() {
                    if !members.contains(user_id.as_str()) {
                        let name = directory
                            .and_then(|d| d.users.get(user_id))
                            .map_or(user_id.as_str(), |u| u.name.as_str());
                        p.invalid(
                            format!("{at}.weights.{user_id}"),
                            format!("{name} is not in {}; remove the weight", team.name),
                        );
                    }
                }
                let active = active_members(&team);
                if active.is_empty() {
                    no_members(p, &team);
                } else if active
                    .iter()
                    .all(|m| trimmed.get(m).copied().unwrap_or(1) == 0)
                {
                    p.invalid(
                        format!("{at}.weights"),
                        format!(
                            "every active member of {} has weight 0, so no one would get a \
                             turn",
                            team.name
                        ),
                    );
                }
            }
            team_id.map(|team_id| Strategy::RoundRobin {
                team_id,
                weights: trimmed,
            })
        }
        Strategy::LeastLoaded { team_id, measure } => {
            let team_id = reference(p, "teamId", "a team", team_id);
            if let Some(team) = team_id.as_deref().and_then(|id| team(p, id)) {
                if active_members(&team).is_empty() {
                    no_members(p, &team);
                }
            }
            team_id.map(|team_id| Strategy::LeastLoaded {
                team_id,
                measure: *measure,
            })
        }
        Strategy::Pool => Some(Strategy::Pool),
    };
    checked.filter(|_| p.0.len() == before)
}

// ---------------------------------------------------------------------------------------
// Deciding
// ---------------------------------------------------------------------------------------

/// What one strategy made of the lead.
struct Placement {
    outcome: AttemptOutcome,
    owner: Option<String>,
    skipped: Vec<SkippedRep>,
    advance: Option<RotationAdvance>,
    /// The English account, without the rule's name.
    text: String,
}

impl Placement {
    fn placed(&self) -> bool {
        matches!(
            self.outcome,
            AttemptOutcome::Assigned | AttemptOutcome::Pool
        )
    }
}

impl CompiledRules {
    /// Where a lead arriving at `now` goes, given who is available.
    pub fn decide(&self, lead: &RoutingLead, state: &TeamState, now: DateTime<Utc>) -> Decision {
        let derived = derived_view(lead);
        let mut attempts = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        for rule in &self.rules {
            let matches = rule.enabled
                && rule
                    .on_lead
                    .as_ref()
                    .is_none_or(|g| g.holds(&lead.lead, now))
                && rule
                    .on_derived
                    .as_ref()
                    .is_none_or(|g| g.holds(&derived, now));
            if !matches {
                continue;
            }
            let placement = match &rule.hours {
                Some(hours) if !hours.contains(now) => Placement {
                    outcome: AttemptOutcome::OutsideWorkingHours,
                    owner: None,
                    skipped: Vec::new(),
                    advance: None,
                    text: "outside working hours".into(),
                },
                _ => place(&rule.strategy, &rule.id, state),
            };
            texts.push(format!("rule {}: {}", rule.label, placement.text));
            let placed = placement.placed();
            attempts.push(attempt(
                Some(&rule.id),
                &rule.label,
                &rule.strategy,
                &placement,
            ));
            if placed {
                return Decision {
                    owner: placement.owner,
                    rule_id: Some(rule.id.clone()),
                    reason: texts.join("; then "),
                    attempts,
                    advance: placement.advance,
                };
            }
        }

        let placement = place(&self.fallback, FALLBACK_ID, state);
        let opening = if attempts.is_empty() {
            "no rule matched; fallback"
        } else {
            "fallback"
        };
        texts.push(format!("{opening}: {}", placement.text));
        attempts.push(attempt(None, "Fallback", &self.fallback, &placement));
        let mut reason = texts.join("; then ");
        if !placement.placed() {
            reason.push_str("; no one could take it, so it goes to the pool");
        }
        Decision {
            owner: placement.owner,
            rule_id: None,
            reason,
            attempts,
            advance: placement.advance,
        }
    }

    /// Routes leads one after the other in the order given, each seeing the state the
    /// previous ones left (rotations advanced, owners' open leads counted): who would
    /// have received them.
    pub fn simulate(&self, arrivals: &[LeadArrival], state: &TeamState) -> Vec<Decision> {
        let mut state = state.clone();
        arrivals
            .iter()
            .map(|arrival| {
                let decision = self.decide(&arrival.lead, &state, arrival.at);
                state.apply(&decision);
                decision
            })
            .collect()
    }
}

fn attempt(rule_id: Option<&str>, label: &str, strategy: &Strategy, p: &Placement) -> Attempt {
    Attempt {
        rule_id: rule_id.map(str::to_string),
        label: label.to_string(),
        strategy: strategy.kind(),
        outcome: p.outcome,
        owner: p.owner.clone(),
        skipped: p.skipped.clone(),
    }
}

fn place(strategy: &Strategy, key: &str, state: &TeamState) -> Placement {
    match strategy {
        Strategy::Rep { user_id } => named_rep(user_id, state),
        Strategy::RoundRobin { team_id, weights } => round_robin(key, team_id, weights, state),
        Strategy::LeastLoaded { team_id, measure } => least_loaded(team_id, *measure, state),
        Strategy::Pool => Placement {
            outcome: AttemptOutcome::Pool,
            owner: None,
            skipped: Vec::new(),
            advance: None,
            text: "to the pool".into(),
        },
    }
}

/// Whether a rep can take a lead; `weight` is their round-robin weight (1 elsewhere).
fn availability(rep: Option<&RepState>, weight: u32) -> Result<&RepState, SkipReason> {
    let rep = rep.ok_or(SkipReason::Unknown)?;
    if !rep.active {
        Err(SkipReason::Inactive)
    } else if weight == 0 {
        Err(SkipReason::NoWeight)
    } else if rep.away {
        Err(SkipReason::Away)
    } else if rep.capacity.is_some_and(|c| rep.open_leads >= c) {
        Err(SkipReason::AtCapacity)
    } else {
        Ok(rep)
    }
}

fn name_of<'a>(state: &'a TeamState, user_id: &'a str) -> &'a str {
    match state.reps.get(user_id) {
        Some(rep) if !rep.name.trim().is_empty() => &rep.name,
        _ => user_id,
    }
}

/// `王芳 skipped (away), 李娜 skipped (at capacity 50/50)`.
fn skipped_text(state: &TeamState, skipped: &[SkippedRep]) -> String {
    let parts: Vec<String> = skipped
        .iter()
        .map(|s| {
            let why = match s.why {
                SkipReason::Unknown => "no longer exists".to_string(),
                SkipReason::Inactive => "deactivated".to_string(),
                SkipReason::NoWeight => "weight 0".to_string(),
                SkipReason::Away => "away".to_string(),
                SkipReason::AtCapacity => match state.reps.get(&s.user_id) {
                    Some(RepState {
                        open_leads,
                        capacity: Some(capacity),
                        ..
                    }) => format!("at capacity {open_leads}/{capacity}"),
                    _ => "at capacity".to_string(),
                },
            };
            format!("{} skipped ({why})", name_of(state, &s.user_id))
        })
        .collect();
    parts.join(", ")
}

fn named_rep(user_id: &str, state: &TeamState) -> Placement {
    let name = name_of(state, user_id);
    match availability(state.reps.get(user_id), 1) {
        Ok(_) => Placement {
            outcome: AttemptOutcome::Assigned,
            owner: Some(user_id.to_string()),
            skipped: Vec::new(),
            advance: None,
            text: format!("named rep {name}"),
        },
        Err(why) => {
            let skipped = vec![SkippedRep {
                user_id: user_id.to_string(),
                why,
            }];
            Placement {
                text: format!("named rep: {}", skipped_text(state, &skipped)),
                outcome: AttemptOutcome::NoOneAvailable,
                owner: None,
                skipped,
                advance: None,
            }
        }
    }
}

/// A team's members in user id order, once each, whatever order the server listed them.
fn members(team: &Team) -> Vec<&str> {
    let mut ids: Vec<&str> = team.member_ids.iter().map(|m| m.trim()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// What a team strategy says when its team was deleted since the rules were saved.
fn team_not_found(team_id: &str, what: &str) -> Placement {
    Placement {
        outcome: AttemptOutcome::TeamNotFound,
        owner: None,
        skipped: Vec::new(),
        advance: None,
        text: format!("{what} team {team_id}: the team no longer exists"),
    }
}

/// The end of a team strategy's account: `→ 张伟, 王芳 skipped (away)` or
/// `: no one available, 王芳 skipped (away)`.
fn team_text(
    state: &TeamState,
    heading: String,
    owner: Option<(&str, String)>,
    skipped: &[SkippedRep],
) -> String {
    let mut text = heading;
    match owner {
        Some((id, detail)) => {
            text.push_str(" → ");
            text.push_str(name_of(state, id));
            text.push_str(&detail);
        }
        None => text.push_str(": no one available"),
    }
    if !skipped.is_empty() {
        text.push_str(", ");
        text.push_str(&skipped_text(state, skipped));
    }
    text
}

/// `a.0 / a.1 < b.0 / b.1`, exactly; weights are never 0 here.
fn ratio_below(a: (u64, u32), b: (u64, u32)) -> bool {
    u128::from(a.0) * u128::from(b.1) < u128::from(b.0) * u128::from(a.1)
}

impl Level {
    /// The most turns a rep with this weight can be counted without rising above the
    /// level: where a rep who joins or comes back starts.
    fn turns_for(self, weight: u32) -> u64 {
        if self.weight == 0 {
            return 0;
        }
        let turns = u128::from(self.turns) * u128::from(weight) / u128::from(self.weight);
        u64::try_from(turns).unwrap_or(u64::MAX)
    }
}

fn round_robin(
    key: &str,
    team_id: &str,
    weights: &BTreeMap<String, u32>,
    state: &TeamState,
) -> Placement {
    let Some(team) = state.teams.get(team_id) else {
        return team_not_found(team_id, "round-robin over");
    };
    let rotation = state.rotations.get(key);
    let level = rotation.map(|r| r.level).unwrap_or_default();
    let mut skipped = Vec::new();
    let mut turns: BTreeMap<String, u64> = BTreeMap::new();
    // The available rep with the fewest turns for their weight; the first in id order
    // on a tie.
    let mut best: Option<(&str, u32, u64)> = None;
    for id in members(team) {
        let weight = weights.get(id).copied().unwrap_or(1);
        let counted = rotation.and_then(|r| r.turns.get(id)).copied();
        match availability(state.reps.get(id), weight) {
            Err(why) => {
                skipped.push(SkippedRep {
                    user_id: id.to_string(),
                    why,
                });
                // Kept as it was: a rep's count only catches up when they can take turns.
                if let Some(counted) = counted {
                    turns.insert(id.to_string(), counted);
                }
            }
            Ok(_) => {
                let counted = counted.unwrap_or(0).max(level.turns_for(weight));
                turns.insert(id.to_string(), counted);
                if best.is_none_or(|(_, w, t)| ratio_below((counted, weight), (t, w))) {
                    best = Some((id, weight, counted));
                }
            }
        }
    }
    let heading = format!("round-robin over {}", team.name);
    let Some((owner, weight, counted)) = best else {
        return Placement {
            text: team_text(state, heading, None, &skipped),
            outcome: AttemptOutcome::NoOneAvailable,
            owner: None,
            skipped,
            advance: None,
        };
    };
    turns.insert(owner.to_string(), counted.saturating_add(1));
    let given = Level {
        turns: counted,
        weight,
    };
    let level = if level.weight == 0 || ratio_below((level.turns, level.weight), (counted, weight))
    {
        given
    } else {
        level
    };
    Placement {
        text: team_text(state, heading, Some((owner, String::new())), &skipped),
        outcome: AttemptOutcome::Assigned,
        owner: Some(owner.to_string()),
        skipped,
        advance: Some(RotationAdvance {
            key: key.to_string(),
            rotation: Rotation { level, turns },
        }),
    }
}

fn least_loaded(team_id: &str, measure: LoadMeasure, state: &TeamState) -> Placement {
    let what = match measure {
        LoadMeasure::OpenLeads => "least open leads in",
        LoadMeasure::OpenPipelineAmount => "smallest open pipeline in",
    };
    let Some(team) = state.teams.get(team_id) else {
        return team_not_found(team_id, what);
    };
    let mut skipped = Vec::new();
    let mut best: Option<(&str, &RepState, (i64, i64))> = None;
    for id in members(team) {
        match availability(state.reps.get(id), 1) {
            Err(why) => skipped.push(SkippedRep {
                user_id: id.to_string(),
                why,
            }),
            Ok(rep) => {
                let leads = i64::from(rep.open_leads);
                let load = match measure {
                    LoadMeasure::OpenLeads => (leads, rep.open_pipeline_amount),
                    LoadMeasure::OpenPipelineAmount => (rep.open_pipeline_amount, leads),
                };
                if best.is_none_or(|(_, _, b)| load < b) {
                    best = Some((id, rep, load));
                }
            }
        }
    }
    let heading = format!("{what} {}", team.name);
    let owner = best.map(|(id, rep, _)| {
        let detail = match measure {
            LoadMeasure::OpenLeads => format!(" ({} open leads)", rep.open_leads),
            LoadMeasure::OpenPipelineAmount => format!(
                " (open pipeline {})",
                format_minor_units(rep.open_pipeline_amount)
            ),
        };
        (id, detail)
    });
    let owner_id = owner.as_ref().map(|(id, _)| id.to_string());
    Placement {
        text: team_text(state, heading, owner, &skipped),
        outcome: if owner_id.is_some() {
            AttemptOutcome::Assigned
        } else {
            AttemptOutcome::NoOneAvailable
        },
        owner: owner_id,
        skipped,
        advance: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Channel;
    use chrono::TimeZone;
    use proptest::prelude::{any, prop_assert, prop_assert_eq, prop_oneof, proptest, Just};
    use proptest::strategy::Strategy as Arbitrary;
    use serde_json::json;

    /// Wednesday 4 March 2026, 10:00 in Beijing.
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 4, 2, 0, 0).unwrap()
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn rep(name: &str) -> RepState {
        RepState {
            name: name.into(),
            active: true,
            away: false,
            capacity: None,
            open_leads: 0,
            open_pipeline_amount: 0,
        }
    }

    /// Reps `u1`… named as given; team `t` with all of them, named 华东组.
    fn team_state(names: &[&str]) -> TeamState {
        let reps: BTreeMap<String, RepState> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("u{}", i + 1), rep(n)))
            .collect();
        let team = Team {
            name: "华东组".into(),
            member_ids: reps.keys().cloned().collect(),
        };
        TeamState {
            reps,
            teams: BTreeMap::from([("t".to_string(), team)]),
            rotations: BTreeMap::new(),
        }
    }

    fn rule(id: &str, conditions: Vec<RouteCondition>, strategy: Strategy) -> RoutingRule {
        RoutingRule {
            id: id.into(),
            label: id.into(),
            enabled: true,
            conditions,
            working_hours: None,
            strategy,
        }
    }

    fn when(field: &str, condition: Condition) -> RouteCondition {
        RouteCondition {
            field: field.into(),
            condition,
        }
    }

    fn to_rep(id: &str) -> Strategy {
        Strategy::Rep { user_id: id.into() }
    }

    fn round_robin_over(team: &str, weights: &[(&str, u32)]) -> Strategy {
        Strategy::RoundRobin {
            team_id: team.into(),
            weights: weights.iter().map(|(u, w)| (u.to_string(), *w)).collect(),
        }
    }

    fn least_loaded_in(team: &str, measure: LoadMeasure) -> Strategy {
        Strategy::LeastLoaded {
            team_id: team.into(),
            measure,
        }
    }

    fn compiled(rules: &RoutingRules) -> CompiledRules {
        match rules.compile() {
            Ok(c) => c,
            Err(e) => panic!("{e:?}"),
        }
    }

    fn rules_of(rules: Vec<RoutingRule>, fallback: Strategy) -> CompiledRules {
        compiled(&RoutingRules { rules, fallback })
    }

    /// Routes `n` identical leads and gives the owners in order.
    fn owners(rules: &CompiledRules, state: &mut TeamState, n: usize) -> Vec<String> {
        (0..n)
            .map(|_| {
                let d = rules.decide(&RoutingLead::default(), state, now());
                state.apply(&d);
                d.owner.unwrap_or_else(|| "pool".into())
            })
            .collect()
    }

    #[test]
    fn conditions_mean_what_they_mean_in_scoring() {
        let lead = RoutingLead {
            lead: ScoringLead {
                company_size: Some(800),
                industry: Some("智能制造".into()),
                province: Some("江苏".into()),
                city: Some(" 苏州 ".into()),
                source: Some(Channel::Referral),
                campaign: Some("春季展会".into()),
                tags: strings(&["VIP", "展会"]),
                title: Some("IT Director".into()),
                custom_fields: json!({"budget": 500_000}).as_object().unwrap().clone(),
                ..ScoringLead::default()
            },
            score: 72,
            campaign_id: Some("cmp-1".into()),
        };
        let values = |v: &[&str]| strings(v);
        #[rustfmt::skip]
        let cases: Vec<(&str, Condition, bool)> = vec![
            ("province", Condition::In { values: values(&["江苏", "浙江", "上海"]) }, true),
            ("province", Condition::NotIn { values: values(&["江苏"]) }, false),
            ("city", Condition::Equals { value: "苏州".into() }, true),
            ("city", Condition::Equals { value: "无锡".into() }, false),
            ("industry", Condition::Contains { value: "制造".into() }, true),
            ("source", Condition::In { values: values(&["REFERRAL", "EVENT"]) }, true),
            ("source", Condition::Equals { value: "web_form".into() }, false),
            ("campaign", Condition::Equals { value: "春季展会".into() }, true),
            ("campaignId", Condition::In { values: values(&["CMP-1", "cmp-2"]) }, true),
            ("campaignId", Condition::NotIn { values: values(&["cmp-1"]) }, false),
            ("campaignId", Condition::IsSet, true),
            ("companySize", Condition::Gte { value: 500.0 }, true),
            ("companySize", Condition::Between { min: 1.0, max: 499.0 }, false),
            ("score", Condition::Gte { value: 60.0 }, true),
            ("score", Condition::Between { min: 72.0, max: 72.0 }, true),
            ("score", Condition::Lt { value: 72.0 }, false),
            ("tags", Condition::HasAny { values: values(&["vip"]) }, true),
            ("tags", Condition::HasAll { values: values(&["VIP", "老客户"]) }, false),
            ("title", Condition::ContainsAny { values: values(&["director", "总监"]) }, true),
            ("custom:budget", Condition::Gt { value: 100_000.0 }, true),
            ("emailDomain", Condition::IsEmpty, true),
            ("stage", Condition::IsSet, false),
        ];
        for (field, condition, expected) in cases {
            let rules = rules_of(
                vec![rule(
                    "r",
                    vec![when(field, condition.clone())],
                    to_rep("u1"),
                )],
                Strategy::Pool,
            );
            let d = rules.decide(&lead, &team_state(&["张伟"]), now());
            assert_eq!(d.rule_id.is_some(), expected, "{field} {condition:?}");
            assert_eq!(d.owner.is_some(), expected);
        }

        // Every condition must hold; a rule without conditions takes every lead.
        let both = |score: f64| {
            rule(
                "both",
                vec![
                    when(
                        "province",
                        Condition::In {
                            values: values(&["江苏"]),
                        },
                    ),
                    when("score", Condition::Gte { value: score }),
                ],
                to_rep("u1"),
            )
        };
        let state = team_state(&["张伟"]);
        for (score, expected) in [(70.0, Some("both")), (80.0, Some("any"))] {
            let rules = rules_of(
                vec![both(score), rule("any", vec![], to_rep("u1"))],
                Strategy::Pool,
            );
            assert_eq!(
                rules.decide(&lead, &state, now()).rule_id.as_deref(),
                expected
            );
        }

        // What a lead does not have matches only IS_EMPTY.
        let unknown = RoutingLead::default();
        for (field, condition, expected) in [
            (
                "province",
                Condition::NotIn {
                    values: values(&["江苏"]),
                },
                false,
            ),
            ("companySize", Condition::Lt { value: 10.0 }, false),
            (
                "campaignId",
                Condition::NotIn {
                    values: values(&["cmp-1"]),
                },
                false,
            ),
            ("campaignId", Condition::IsEmpty, true),
            ("tags", Condition::IsEmpty, true),
            ("score", Condition::Lte { value: 0.0 }, true),
        ] {
            let rules = rules_of(
                vec![rule("r", vec![when(field, condition)], to_rep("u1"))],
                Strategy::Pool,
            );
            let d = rules.decide(&unknown, &state, now());
            assert_eq!(d.rule_id.is_some(), expected, "{field}");
        }
    }

    #[test]
    fn the_first_rule_that_can_place_the_lead_wins() {
        let mut state = team_state(&["张伟", "王芳"]);
        let mut first = rule("vip", vec![], to_rep("u1"));
        let second = rule("everyone", vec![], to_rep("u2"));
        let rules = rules_of(vec![first.clone(), second.clone()], Strategy::Pool);
        let d = rules.decide(&RoutingLead::default(), &state, now());
        assert_eq!(
            (d.owner.as_deref(), d.rule_id.as_deref()),
            (Some("u1"), Some("vip"))
        );
        assert_eq!(d.reason, "rule vip: named rep 张伟");
        assert_eq!(d.advance, None);

        // A disabled rule is passed over without a word.
        first.enabled = false;
        let rules = rules_of(vec![first.clone(), second.clone()], Strategy::Pool);
        let d = rules.decide(&RoutingLead::default(), &state, now());
        assert_eq!(d.owner.as_deref(), Some("u2"));
        assert_eq!(d.attempts.len(), 1);

        // A named rep who cannot take the lead passes it on, and the reason says why.
        first.enabled = true;
        let rules = rules_of(vec![first, second], Strategy::Pool);
        for (change, why, text) in [
            (
                (|r: &mut RepState| r.away = true) as fn(&mut RepState),
                SkipReason::Away,
                "away",
            ),
            (|r| r.active = false, SkipReason::Inactive, "deactivated"),
            (
                |r| {
                    r.capacity = Some(3);
                    r.open_leads = 3;
                },
                SkipReason::AtCapacity,
                "at capacity 3/3",
            ),
        ] {
            let mut state = state.clone();
            change(state.reps.get_mut("u1").unwrap());
            let d = rules.decide(&RoutingLead::default(), &state, now());
            assert_eq!(d.owner.as_deref(), Some("u2"));
            assert_eq!(d.rule_id.as_deref(), Some("everyone"));
            assert_eq!(
                d.reason,
                format!("rule vip: named rep: 张伟 skipped ({text}); then rule everyone: named rep 王芳")
            );
            assert_eq!(d.attempts[0].outcome, AttemptOutcome::NoOneAvailable);
            assert_eq!(
                d.attempts[0].skipped,
                vec![SkippedRep {
                    user_id: "u1".into(),
                    why
                }]
            );
            assert_eq!(d.attempts[1].outcome, AttemptOutcome::Assigned);
        }
        // A rep deleted since the rules were saved.
        state.reps.remove("u1");
        let d = rules.decide(&RoutingLead::default(), &state, now());
        assert_eq!(d.attempts[0].skipped[0].why, SkipReason::Unknown);
        assert!(d
            .reason
            .starts_with("rule vip: named rep: u1 skipped (no longer exists)"));
    }

    #[test]
    fn a_lead_no_rule_places_goes_to_the_fallback_then_the_pool() {
        let state = team_state(&["张伟", "王芳"]);
        let only_jiangsu = rule(
            "江苏",
            vec![when(
                "province",
                Condition::Equals {
                    value: "江苏".into(),
                },
            )],
            to_rep("u1"),
        );
        let rules = rules_of(vec![only_jiangsu.clone()], to_rep("u2"));
        let d = rules.decide(&RoutingLead::default(), &state, now());
        assert_eq!((d.owner.as_deref(), d.rule_id), (Some("u2"), None));
        assert_eq!(d.reason, "no rule matched; fallback: named rep 王芳");
        assert_eq!(d.attempts.len(), 1);
        assert_eq!(d.attempts[0].rule_id, None);

        let rules = rules_of(vec![only_jiangsu.clone()], Strategy::Pool);
        let d = rules.decide(&RoutingLead::default(), &state, now());
        assert_eq!((d.owner, d.rule_id), (None, None));
        assert_eq!(d.reason, "no rule matched; fallback: to the pool");
        assert_eq!(d.attempts[0].outcome, AttemptOutcome::Pool);

        // Even the fallback cannot place it: the pool, never lost.
        let mut away = state.clone();
        for r in away.reps.values_mut() {
            r.away = true;
        }
        let rules = rules_of(
            vec![rule("all", vec![], round_robin_over("t", &[]))],
            least_loaded_in("t", LoadMeasure::OpenLeads),
        );
        let d = rules.decide(&RoutingLead::default(), &away, now());
        assert_eq!((d.owner, d.rule_id, d.advance), (None, None, None));
        assert_eq!(
            d.reason,
            "rule all: round-robin over 华东组: no one available, 张伟 skipped (away), 王芳 \
             skipped (away); then fallback: least open leads in 华东组: no one available, 张伟 \
             skipped (away), 王芳 skipped (away); no one could take it, so it goes to the pool"
        );
        let outcomes: Vec<_> = d.attempts.iter().map(|a| a.outcome).collect();
        assert_eq!(
            outcomes,
            [
                AttemptOutcome::NoOneAvailable,
                AttemptOutcome::NoOneAvailable
            ]
        );

        // A team deleted since the rules were saved.
        let mut gone = state.clone();
        gone.teams.clear();
        let d = rules.decide(&RoutingLead::default(), &gone, now());
        assert_eq!(d.owner, None);
        assert_eq!(d.attempts[0].outcome, AttemptOutcome::TeamNotFound);
        assert!(d
            .reason
            .starts_with("rule all: round-robin over team t: the team no longer exists"));

        // The fallback's round robin keeps its own rotation.
        let rules = rules_of(vec![only_jiangsu], round_robin_over("t", &[]));
        let d = rules.decide(&RoutingLead::default(), &state, now());
        assert_eq!(d.advance.unwrap().key, FALLBACK_ID);
    }

    #[test]
    fn round_robin_takes_turns_and_skips_who_cannot_take_a_lead() {
        let rules = rules_of(
            vec![rule("华东制造业", vec![], round_robin_over("t", &[]))],
            Strategy::Pool,
        );
        let mut state = team_state(&["张伟", "王芳", "李娜"]);
        assert_eq!(
            owners(&rules, &mut state, 7),
            ["u1", "u2", "u3", "u1", "u2", "u3", "u1"]
        );
        assert_eq!(state.rotations["华东制造业"].turns["u1"], 3);

        // 王芳 goes away: the others share her turns, and the reason names her.
        state.reps.get_mut("u2").unwrap().away = true;
        let d = rules.decide(&RoutingLead::default(), &state, now());
        assert_eq!(d.owner.as_deref(), Some("u3"));
        assert_eq!(
            d.reason,
            "rule 华东制造业: round-robin over 华东组 → 李娜, 王芳 skipped (away)"
        );
        state.apply(&d);
        assert_eq!(
            owners(&rules, &mut state, 8),
            ["u1", "u3", "u1", "u3", "u1", "u3", "u1", "u3"]
        );
        // Her count waits while she is away...
        assert_eq!(state.rotations["华东制造业"].turns["u2"], 2);

        // ...and when she is back she gets the next turn, not the nine she missed.
        state.reps.get_mut("u2").unwrap().away = false;
        assert_eq!(
            owners(&rules, &mut state, 6),
            ["u2", "u1", "u2", "u3", "u1", "u2"]
        );

        // Someone new joins level with the others.
        state.reps.insert("u0".into(), rep("赵敏"));
        state
            .teams
            .get_mut("t")
            .unwrap()
            .member_ids
            .push("u0".into());
        assert_eq!(
            owners(&rules, &mut state, 5),
            ["u0", "u3", "u0", "u1", "u2"]
        );

        // Someone who left the team is dropped from the rotation.
        state
            .teams
            .get_mut("t")
            .unwrap()
            .member_ids
            .retain(|m| m != "u0");
        let d = rules.decide(&RoutingLead::default(), &state, now());
        assert!(!d.advance.unwrap().rotation.turns.contains_key("u0"));

        // Reps at capacity are skipped until they have room again.
        let mut state = team_state(&["张伟", "王芳"]);
        state.reps.get_mut("u1").unwrap().capacity = Some(2);
        assert_eq!(
            owners(&rules, &mut state, 5),
            ["u1", "u2", "u1", "u2", "u2"]
        );
        let d = rules.decide(&RoutingLead::default(), &state, now());
        assert!(
            d.reason.ends_with("→ 王芳, 张伟 skipped (at capacity 2/2)"),
            "{}",
            d.reason
        );
    }

    #[test]
    fn round_robin_weights() {
        let rules = rules_of(
            vec![rule(
                "rr",
                vec![],
                round_robin_over("t", &[("u1", 3), ("u3", 0)]),
            )],
            Strategy::Pool,
        );
        let mut state = team_state(&["张伟", "王芳", "李娜", "赵敏"]);
        let given = owners(&rules, &mut state, 50);
        assert_eq!(
            given[..10],
            ["u1", "u2", "u4", "u1", "u1", "u1", "u2", "u4", "u1", "u1"]
        );
        let count = |id: &str| given.iter().filter(|g| *g == id).count();
        assert_eq!(
            (count("u1"), count("u2"), count("u3"), count("u4")),
            (30, 10, 0, 10)
        );
        let d = rules.decide(&RoutingLead::default(), &state, now());
        assert_eq!(
            d.attempts[0].skipped,
            vec![SkippedRep {
                user_id: "u3".into(),
                why: SkipReason::NoWeight
            }]
        );

        // Two rules over the same team keep separate rotations.
        let rules = rules_of(
            vec![
                rule(
                    "a",
                    vec![when(
                        "province",
                        Condition::Equals {
                            value: "江苏".into(),
                        },
                    )],
                    round_robin_over("t", &[]),
                ),
                rule("b", vec![], round_robin_over("t", &[])),
            ],
            Strategy::Pool,
        );
        let mut state = team_state(&["张伟", "王芳"]);
        let jiangsu = RoutingLead {
            lead: ScoringLead {
                province: Some("江苏".into()),
                ..ScoringLead::default()
            },
            ..RoutingLead::default()
        };
        let d = rules.decide(&jiangsu, &state, now());
        assert_eq!(d.owner.as_deref(), Some("u1"));
        state.apply(&d);
        let d = rules.decide(&RoutingLead::default(), &state, now());
        assert_eq!(
            (d.owner.as_deref(), d.rule_id.as_deref()),
            (Some("u1"), Some("b"))
        );
    }

    #[test]
    fn least_loaded_takes_the_lightest_rep_with_room() {
        let mut state = team_state(&["张伟", "王芳", "李娜"]);
        let set = |state: &mut TeamState, id: &str, leads: u32, amount: i64, cap: Option<u32>| {
            let r = state.reps.get_mut(id).unwrap();
            (r.open_leads, r.open_pipeline_amount, r.capacity) = (leads, amount, cap);
        };
        set(&mut state, "u1", 5, 100_000, Some(10));
        set(&mut state, "u2", 2, 900_000, Some(2));
        set(&mut state, "u3", 4, 300_000, None);

        let by_leads = rules_of(
            vec![rule(
                "客服",
                vec![],
                least_loaded_in("t", LoadMeasure::OpenLeads),
            )],
            Strategy::Pool,
        );
        let d = by_leads.decide(&RoutingLead::default(), &state, now());
        assert_eq!(d.owner.as_deref(), Some("u3"));
        assert_eq!(
            d.reason,
            "rule 客服: least open leads in 华东组 → 李娜 (4 open leads), 王芳 skipped (at \
             capacity 2/2)"
        );
        assert_eq!(d.advance, None);
        // u3 reaches u1's load; the tie goes to the smaller id.
        assert_eq!(
            owners(&by_leads, &mut state.clone(), 4),
            ["u3", "u1", "u3", "u1"]
        );

        let by_amount = rules_of(
            vec![rule(
                "大客户",
                vec![],
                least_loaded_in("t", LoadMeasure::OpenPipelineAmount),
            )],
            Strategy::Pool,
        );
        let d = by_amount.decide(&RoutingLead::default(), &state, now());
        assert_eq!(d.owner.as_deref(), Some("u1"));
        assert!(d
            .reason
            .ends_with("→ 张伟 (open pipeline 1000.00), 王芳 skipped (at capacity 2/2)"));
        // The same amount: fewer open leads first. No amount: leads pile up to capacity.
        set(&mut state, "u3", 4, 100_000, None);
        assert_eq!(
            owners(&by_amount, &mut state.clone(), 3),
            ["u3", "u1", "u3"]
        );
        set(&mut state, "u3", 4, 500_000, Some(4));
        assert_eq!(
            owners(&by_amount, &mut state, 7),
            ["u1", "u1", "u1", "u1", "u1", "pool", "pool"]
        );
    }

    #[test]
    fn working_hours() {
        let hours = WorkingHours {
            utc_offset_minutes: 480,
            periods: vec![
                WorkingPeriod {
                    days: vec![Weekday::Monday, Weekday::Wednesday, Weekday::Friday],
                    from: "09:00".into(),
                    to: "12:00".into(),
                },
                WorkingPeriod {
                    days: vec![Weekday::Saturday],
                    from: "20:00".into(),
                    to: "24:00".into(),
                },
            ],
        };
        let mut office = rule("office", vec![], to_rep("u1"));
        office.working_hours = Some(hours);
        let rules = rules_of(vec![office], Strategy::Pool);
        let state = team_state(&["张伟"]);
        let at = |d: u32, h: u32, m: u32| Utc.with_ymd_and_hms(2026, 3, d, h, m, 0).unwrap();
        // Times in UTC; Beijing is 8 hours ahead. 4 March 2026 is a Wednesday.
        for (time, open) in [
            (at(4, 1, 0), true),    // Wed 09:00
            (at(4, 0, 59), false),  // Wed 08:59
            (at(4, 3, 59), true),   // Wed 11:59
            (at(4, 4, 0), false),   // Wed 12:00
            (at(5, 2, 0), false),   // Thu 10:00
            (at(6, 2, 0), true),    // Fri 10:00
            (at(7, 15, 59), true),  // Sat 23:59
            (at(7, 16, 0), false),  // Sun 00:00
            (at(2, 1, 30), true),   // Mon 09:30
            (at(1, 17, 30), false), // Mon 01:30 (Sunday in UTC)
        ] {
            let d = rules.decide(&RoutingLead::default(), &state, time);
            assert_eq!(d.owner.is_some(), open, "{time}");
            if !open {
                assert_eq!(d.attempts[0].outcome, AttemptOutcome::OutsideWorkingHours);
                assert_eq!(
                    d.reason,
                    "rule office: outside working hours; then fallback: to the pool"
                );
            }
        }
    }

    #[test]
    fn simulate_replays_leads_in_order() {
        let rules = rules_of(
            vec![
                rule(
                    "vip",
                    vec![when("score", Condition::Gte { value: 80.0 })],
                    least_loaded_in("t", LoadMeasure::OpenLeads),
                ),
                rule("rest", vec![], round_robin_over("t", &[])),
            ],
            Strategy::Pool,
        );
        let mut state = team_state(&["张伟", "王芳"]);
        state.reps.get_mut("u2").unwrap().capacity = Some(2);
        let arrival = |hour: u32, score: i32| LeadArrival {
            at: Utc.with_ymd_and_hms(2026, 3, 2, hour, 0, 0).unwrap(),
            lead: RoutingLead {
                score,
                ..RoutingLead::default()
            },
        };
        let leads = [
            arrival(1, 10),
            arrival(2, 90),
            arrival(3, 10),
            arrival(4, 90),
            arrival(5, 10),
        ];
        let decisions = rules.simulate(&leads, &state);
        let got: Vec<_> = decisions
            .iter()
            .map(|d| {
                (
                    d.owner.as_deref().unwrap_or("pool"),
                    d.rule_id.as_deref().unwrap_or("-"),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("u1", "rest"),
                ("u2", "vip"),
                ("u2", "rest"),
                ("u1", "vip"),
                ("u1", "rest")
            ]
        );
        // The state given is left as it was.
        assert!(state.rotations.is_empty());
        assert_eq!(state.reps["u1"].open_leads, 0);
    }

    #[test]
    fn the_order_the_team_is_listed_in_does_not_matter() {
        let rules = rules_of(
            vec![rule("rr", vec![], round_robin_over("t", &[]))],
            least_loaded_in("t", LoadMeasure::OpenLeads),
        );
        let state = team_state(&["张伟", "王芳", "李娜"]);
        let mut shuffled = state.clone();
        shuffled.teams.get_mut("t").unwrap().member_ids = strings(&["u3", " u1", "u2", "u3"]);
        let mut a = state;
        let mut b = shuffled;
        assert_eq!(owners(&rules, &mut a, 10), owners(&rules, &mut b, 10));
    }

    // -----------------------------------------------------------------------------------
    // Validation
    // -----------------------------------------------------------------------------------

    fn directory() -> Directory {
        let user = |name: &str, active: bool| KnownUser {
            name: name.into(),
            active,
        };
        Directory {
            users: BTreeMap::from([
                ("u1".to_string(), user("张伟", true)),
                ("u2".to_string(), user("王芳", true)),
                ("u9".to_string(), user("离职的人", false)),
            ]),
            teams: BTreeMap::from([
                (
                    "t".to_string(),
                    Team {
                        name: "华东组".into(),
                        member_ids: strings(&["u1", "u2", "u9"]),
                    },
                ),
                (
                    "empty".to_string(),
                    Team {
                        name: "空组".into(),
                        member_ids: strings(&["u9"]),
                    },
                ),
            ]),
            campaign_ids: BTreeSet::from(["cmp-1".to_string()]),
        }
    }

    fn problems(rules: &RoutingRules) -> Vec<(String, UserErrorCode, String)> {
        let errors = rules.validate(&directory()).err().unwrap_or_default();
        errors
            .into_iter()
            .map(|e| (e.path, e.code, e.message))
            .collect()
    }

    fn paths(rules: &RoutingRules) -> Vec<String> {
        problems(rules).into_iter().map(|p| p.0).collect()
    }

    #[test]
    fn valid_rules_validate_and_compile() {
        let rules = RoutingRules {
            rules: vec![
                rule("a", vec![], to_rep("u1")),
                rule("b", vec![], round_robin_over("t", &[("u2", 2), ("u9", 0)])),
                rule(
                    "c",
                    vec![when(
                        "campaignId",
                        Condition::In {
                            values: strings(&["CMP-1"]),
                        },
                    )],
                    least_loaded_in("t", LoadMeasure::OpenPipelineAmount),
                ),
            ],
            fallback: Strategy::Pool,
        };
        assert_eq!(rules.validate(&directory()), Ok(()));
        assert!(RoutingRules::default()
            .validate(&Directory::default())
            .is_ok());
    }

    #[test]
    fn references_to_what_does_not_exist_are_named_by_path() {
        use UserErrorCode::*;
        #[rustfmt::skip]
        let cases: Vec<(Strategy, &str, UserErrorCode, &str)> = vec![
            (to_rep("gone"), "rules[0].strategy.userId", NotFound, "no user with id 'gone'"),
            (to_rep("u9"), "rules[0].strategy.userId", Invalid, "离职的人 is deactivated"),
            (to_rep("  "), "rules[0].strategy.userId", Required, "a rep is required"),
            (round_robin_over("gone", &[]), "rules[0].strategy.teamId", NotFound, "no team with id 'gone'"),
            (round_robin_over("empty", &[]), "rules[0].strategy.teamId", Invalid, "空组 has no active members"),
            (least_loaded_in("empty", LoadMeasure::OpenLeads), "rules[0].strategy.teamId", Invalid, "空组 has no active members"),
            (least_loaded_in("", LoadMeasure::OpenLeads), "rules[0].strategy.teamId", Required, "a team is required"),
            (round_robin_over("t", &[("u1", 0), ("u2", 0)]), "rules[0].strategy.weights", Invalid, "every active member of 华东组 has weight 0"),
            (round_robin_over("t", &[("u3", 1)]), "rules[0].strategy.weights.u3", Invalid, "u3 is not in 华东组"),
            (round_robin_over("t", &[("u1", MAX_WEIGHT + 1)]), "rules[0].strategy.weights.u1", Invalid, "at most 1000"),
        ];
        for (strategy, path, code, message) in cases {
            let rules = RoutingRules {
                rules: vec![rule("r", vec![], strategy.clone())],
                fallback: Strategy::Pool,
            };
            let got = problems(&rules);
            assert_eq!(got.len(), 1, "{strategy:?}: {got:?}");
            assert_eq!((got[0].0.as_str(), got[0].1), (path, code), "{strategy:?}");
            assert!(got[0].2.contains(message), "{}", got[0].2);

            // The same in the fallback.
            let fallback = RoutingRules {
                rules: vec![],
                fallback: strategy,
            };
            let got = paths(&fallback);
            assert_eq!(got, [path.replace("rules[0].strategy", "fallback")]);
        }

        // Saved rules whose rep was deleted since still compile: the rep is skipped.
        let rules = RoutingRules {
            rules: vec![rule("r", vec![], to_rep("gone"))],
            fallback: round_robin_over("gone", &[]),
        };
        assert!(rules.compile().is_ok());
        assert_eq!(
            paths(&rules),
            ["rules[0].strategy.userId", "fallback.teamId"]
        );
    }

    #[test]
    fn rule_mistakes_are_all_reported_at_once() {
        let mut night = rule("night", vec![], Strategy::Pool);
        night.working_hours = Some(WorkingHours {
            utc_offset_minutes: 480,
            periods: vec![],
        });
        let mut shifts = rule("shifts", vec![], Strategy::Pool);
        shifts.working_hours = Some(WorkingHours {
            utc_offset_minutes: 900,
            periods: vec![
                WorkingPeriod {
                    days: vec![],
                    from: "9:00".into(),
                    to: "24:00".into(),
                },
                WorkingPeriod {
                    days: vec![Weekday::Monday],
                    from: "18:00".into(),
                    to: "09:00".into(),
                },
                WorkingPeriod {
                    days: vec![Weekday::Monday],
                    from: "24:00".into(),
                    to: "9am".into(),
                },
            ],
        });
        let rules = RoutingRules {
            rules: vec![
                rule("dup", vec![], Strategy::Pool),
                rule(" dup ", vec![], Strategy::Pool),
                rule("fallback", vec![], Strategy::Pool),
                RoutingRule {
                    label: " ".into(),
                    ..rule("", vec![], Strategy::Pool)
                },
                night,
                shifts,
                rule(
                    "conditions",
                    vec![
                        when("province", Condition::Gt { value: 1.0 }),
                        when("region", Condition::IsSet),
                        when("score", Condition::Contains { value: "1".into() }),
                        when(
                            "campaignId",
                            Condition::In {
                                values: strings(&["cmp-1", "cmp-9", " "]),
                            },
                        ),
                        when(
                            "source",
                            Condition::In {
                                values: strings(&["FAX"]),
                            },
                        ),
                        when("industry", Condition::In { values: vec![] }),
                        when(
                            "score",
                            Condition::Between {
                                min: 90.0,
                                max: 10.0,
                            },
                        ),
                        when("custom:年 预算", Condition::IsSet),
                    ],
                    Strategy::Pool,
                ),
                rule(
                    "too many",
                    vec![when("city", Condition::IsSet); MAX_CONDITIONS + 1],
                    Strategy::Pool,
                ),
            ],
            fallback: to_rep("gone"),
        };
        let got = problems(&rules);
        let reported: Vec<&str> = got.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(
            reported,
            [
                "rules[1].id",
                "rules[2].id",
                "rules[3].id",
                "rules[3].label",
                "rules[4].workingHours.periods",
                "rules[5].workingHours.utcOffsetMinutes",
                "rules[5].workingHours.periods[0].days",
                "rules[5].workingHours.periods[1].to",
                "rules[5].workingHours.periods[2].from",
                "rules[5].workingHours.periods[2].to",
                "rules[6].conditions[0].condition.op",
                "rules[6].conditions[1].field",
                "rules[6].conditions[2].condition.op",
                "rules[6].conditions[3].condition.values[1]",
                "rules[6].conditions[7].field",
                "rules[6].conditions[4].condition.values[0]",
                "rules[6].conditions[5].condition.values",
                "rules[6].conditions[3].condition.values[2]",
                "rules[6].conditions[6].condition.max",
                "rules[7].conditions",
                "fallback.userId",
            ],
            "{got:#?}"
        );
        let message = |path: &str| &got.iter().find(|p| p.0 == path).unwrap().2;
        assert!(message("rules[1].id").contains("used by another rule"));
        assert!(message("rules[2].id").contains("names the fallback"));
        assert!(message("rules[4].workingHours.periods").contains("without working hours"));
        assert!(message("rules[5].workingHours.periods[1].to").contains("ends before it starts"));
        assert!(message("rules[5].workingHours.periods[2].to").contains("'9am' is not a time"));
        assert!(message("rules[6].conditions[0].condition.op")
            .contains("GT does not apply to province"));
        assert!(message("rules[6].conditions[1].field").contains("score, campaignId"));
        assert!(message("rules[6].conditions[2].condition.op")
            .contains("CONTAINS does not apply to score; use one of GT"));
        assert!(message("rules[6].conditions[3].condition.values[1]")
            .contains("no campaign with id 'cmp-9'"));
        assert!(
            message("rules[6].conditions[4].condition.values[0]").contains("'FAX' is not a source")
        );
        assert!(message("rules[6].conditions[7].field").contains("custom field"));
        assert_eq!(got[13].1, UserErrorCode::NotFound);
        assert_eq!(got[4].1, UserErrorCode::Required);

        // Without a directory only the campaign and the fallback's rep pass.
        let compiled: Vec<String> = rules
            .compile()
            .unwrap_err()
            .into_iter()
            .map(|e| e.path)
            .collect();
        let expected: Vec<&str> = reported
            .iter()
            .copied()
            .filter(|p| {
                !matches!(
                    *p,
                    "rules[6].conditions[3].condition.values[1]" | "fallback.userId"
                )
            })
            .collect();
        assert_eq!(compiled, expected);

        let many = RoutingRules {
            rules: (0..=MAX_RULES)
                .map(|i| rule(&format!("r{i}"), vec![], Strategy::Pool))
                .collect(),
            fallback: Strategy::Pool,
        };
        assert_eq!(paths(&many), ["rules"]);
    }

    #[test]
    fn field_catalogue() {
        for f in RouteField::standard() {
            assert_eq!(RouteField::parse(&f.name()), Ok(f.clone()));
            let ops = Operator::ALL.into_iter().filter(|o| o.applies_to(f.kind()));
            assert!(ops.count() >= 3, "{}", f.name());
        }
        assert_eq!(
            RouteField::parse(" custom:budget "),
            Ok(RouteField::Lead(LeadField::Custom("budget".into())))
        );
        assert_eq!(parse_clock("9:05", false), Ok(545));
        assert_eq!(parse_clock("24:00", true), Ok(1440));
        for bad in [
            "24:00", "12:60", "12", "12:5", "-1:00", "123:00", "ab:cd", "12:00:00",
        ] {
            assert!(parse_clock(bad, false).is_err(), "{bad}");
        }
    }

    // -----------------------------------------------------------------------------------
    // JSON
    // -----------------------------------------------------------------------------------

    const DESIGNER_JSON: &str = r#"{
        "rules": [
            {
                "id": "east-manufacturing", "label": "华东制造业",
                "conditions": [
                    {"field": "province", "condition": {"op": "IN", "values": ["江苏", "浙江", "上海"]}},
                    {"field": "industry", "condition": {"op": "CONTAINS", "value": "制造"}},
                    {"field": "score", "condition": {"op": "GTE", "value": 40}}
                ],
                "workingHours": {
                    "utcOffsetMinutes": 480,
                    "periods": [{"days": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"],
                                 "from": "09:00", "to": "18:00"}]
                },
                "strategy": {"kind": "ROUND_ROBIN", "teamId": "t", "weights": {"u1": 2}}
            },
            {
                "id": "key-accounts", "label": "大客户", "enabled": false,
                "conditions": [{"field": "companySize", "condition": {"op": "GTE", "value": 1000}}],
                "strategy": {"kind": "REP", "userId": "u2"}
            },
            {
                "id": "spring-fair", "label": "春季展会",
                "conditions": [{"field": "campaignId", "condition": {"op": "EQUALS", "value": "cmp-1"}}],
                "strategy": {"kind": "LEAST_LOADED", "teamId": "t", "measure": "OPEN_PIPELINE_AMOUNT"}
            }
        ],
        "fallback": {"kind": "POOL"}
    }"#;

    #[test]
    fn the_json_the_designer_writes() {
        let rules = RoutingRules::from_json(DESIGNER_JSON).unwrap();
        assert!(rules.rules[0].enabled);
        assert!(!rules.rules[1].enabled);
        assert_eq!(rules.rules[0].strategy, round_robin_over("t", &[("u1", 2)]));
        assert_eq!(rules.rules[1].working_hours, None);
        assert_eq!(rules.validate(&directory()), Ok(()));

        let back = serde_json::to_string(&rules).unwrap();
        assert_eq!(RoutingRules::from_json(&back).unwrap(), rules);

        assert_eq!(
            serde_json::to_value(least_loaded_in("t", LoadMeasure::OpenLeads)).unwrap(),
            json!({"kind": "LEAST_LOADED", "teamId": "t", "measure": "OPEN_LEADS"})
        );
        assert_eq!(
            serde_json::to_value(Strategy::Pool).unwrap(),
            json!({"kind": "POOL"})
        );
        assert_eq!(
            serde_json::from_value::<Strategy>(json!({"kind": "LEAST_LOADED", "teamId": "t"}))
                .unwrap(),
            least_loaded_in("t", LoadMeasure::OpenLeads)
        );

        let e = RoutingRules::from_json(r#"{"fallback": {"kind": "RANDOM"}}"#).unwrap_err();
        assert_eq!(e.path, "");
        assert!(e.message.contains("RANDOM"), "{}", e.message);
    }

    #[test]
    fn leads_states_and_decisions_round_trip_through_json() {
        let lead: RoutingLead = serde_json::from_value(json!({
            "province": "江苏", "industry": "制造业", "tags": ["展会"], "source": "REFERRAL",
            "customFields": {"budget": "50万"}, "score": 55, "campaignId": "cmp-1"
        }))
        .unwrap();
        assert_eq!(lead.lead.province.as_deref(), Some("江苏"));
        assert_eq!(lead.lead.source, Some(Channel::Referral));
        assert_eq!(
            (lead.score, lead.campaign_id.as_deref()),
            (55, Some("cmp-1"))
        );
        let back: RoutingLead =
            serde_json::from_str(&serde_json::to_string(&lead).unwrap()).unwrap();
        assert_eq!(back, lead);

        let mut state = team_state(&["张伟", "王芳"]);
        state.reps.get_mut("u2").unwrap().away = true;
        let rules = compiled(&RoutingRules::from_json(DESIGNER_JSON).unwrap());
        let d = rules.decide(&lead, &state, now());
        assert_eq!(d.owner.as_deref(), Some("u1"));
        assert_eq!(d.rule_id.as_deref(), Some("east-manufacturing"));
        assert_eq!(
            d.reason,
            "rule 华东制造业: round-robin over 华东组 → 张伟, 王芳 skipped (away)"
        );
        state.apply(&d);
        assert_eq!(
            serde_json::to_value(&state.rotations).unwrap(),
            json!({"east-manufacturing": {"level": {"turns": 0, "weight": 2}, "turns": {"u1": 1}}})
        );
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(serde_json::from_str::<TeamState>(&json).unwrap(), state);
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<Decision>(&json).unwrap(), d);

        // What the server needs of a rep; the rest defaults.
        let rep: RepState = serde_json::from_value(json!({"name": "李娜"})).unwrap();
        assert!(rep.active && !rep.away && rep.capacity.is_none());
    }

    // -----------------------------------------------------------------------------------
    // Properties
    // -----------------------------------------------------------------------------------

    /// What a rep is like at one step of a property run.
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Availability {
        Available,
        Away,
        Full,
        Inactive,
    }

    fn arb_availability() -> impl Arbitrary<Value = Availability> {
        prop_oneof![
            3 => Just(Availability::Available),
            1 => Just(Availability::Away),
            1 => Just(Availability::Full),
            1 => Just(Availability::Inactive),
        ]
    }

    /// Weights, which reps are always available, and each rep's availability per lead.
    fn arb_rotation_run() -> impl Arbitrary<Value = (Vec<u32>, Vec<bool>, Vec<Vec<Availability>>)> {
        proptest::collection::vec(1u32..5, 2..6).prop_flat_map(|weights| {
            let n = weights.len();
            (
                Just(weights),
                proptest::collection::vec(any::<bool>(), n),
                proptest::collection::vec(proptest::collection::vec(arb_availability(), n), 1..120),
            )
        })
    }

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("u{i}")).collect()
    }

    /// `a / wa ≤ b / wb`.
    fn at_most(a: u64, wa: u32, b: u64, wb: u32) -> bool {
        u128::from(a) * u128::from(wb) <= u128::from(b) * u128::from(wa)
    }

    proptest! {
        #[test]
        fn round_robin_never_gives_a_turn_while_an_available_rep_has_fewer(
            (weights, steady, steps) in arb_rotation_run()
        ) {
            let ids = ids(weights.len());
            let w: BTreeMap<&str, u32> = ids.iter().map(String::as_str).zip(weights.iter().copied()).collect();
            let rules = rules_of(
                vec![rule("rr", vec![], round_robin_over(
                    "t",
                    &w.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(),
                ))],
                Strategy::Pool,
            );
            let mut state = TeamState {
                teams: BTreeMap::from([("t".to_string(), Team { name: "t".into(), member_ids: ids.clone() })]),
                ..TeamState::default()
            };
            let mut given: BTreeMap<&str, u64> = ids.iter().map(|i| (i.as_str(), 0)).collect();
            let mut eligible_at_last_turn: BTreeSet<&str> = BTreeSet::new();
            for step in &steps {
                let mut eligible = BTreeSet::new();
                for (i, id) in ids.iter().enumerate() {
                    let a = if steady[i] { Availability::Available } else { step[i] };
                    let mut r = rep(id);
                    r.away = a == Availability::Away;
                    r.active = a != Availability::Inactive;
                    r.capacity = (a == Availability::Full).then_some(0);
                    state.reps.insert(id.clone(), r);
                    if a == Availability::Available {
                        eligible.insert(id.as_str());
                    }
                }
                let before = state.rotations.get("rr").cloned().unwrap_or_default();
                let d = rules.decide(&RoutingLead::default(), &state, now());
                let Some(owner) = d.owner.clone() else {
                    prop_assert!(eligible.is_empty());
                    prop_assert_eq!(d.rule_id, None);
                    continue;
                };
                let c = owner.as_str();
                prop_assert!(eligible.contains(c));
                let after = d.advance.clone().unwrap().rotation;
                let turns = |id: &str| after.turns.get(id).copied().unwrap_or(0);

                // The turn goes to the fewest turns for the weight, counted with the credit.
                for y in &eligible {
                    if *y != c {
                        prop_assert!(at_most(turns(c) - 1, w[c], turns(y), w[y]), "{c} before {y}: {after:?}");
                    }
                }
                // Credit only goes to someone who could not take the last turn.
                for id in &ids {
                    let old = before.turns.get(id).copied().unwrap_or(0);
                    let new = after.turns.get(id).copied().unwrap_or(0) - u64::from(id == c);
                    prop_assert!(new >= old);
                    if new > old {
                        prop_assert!(eligible.contains(id.as_str()));
                        prop_assert!(!eligible_at_last_turn.contains(id.as_str()), "{id} credited");
                    }
                }

                // Reps available all along: real turns, never ahead of one with fewer, and
                // within one turn of each other for their weights.
                for (i, x) in ids.iter().enumerate().filter(|(i, _)| steady[*i]) {
                    prop_assert_eq!(turns(x) - u64::from(x == c), given[x.as_str()]);
                    if x == c {
                        for (j, y) in ids.iter().enumerate() {
                            if steady[j] && i != j {
                                prop_assert!(at_most(given[c], w[c], given[y.as_str()], w[y.as_str()]));
                            }
                        }
                    }
                }
                *given.get_mut(c).unwrap() += 1;
                for x in ids.iter().enumerate().filter(|(i, _)| steady[*i]).map(|(_, x)| x.as_str()) {
                    for y in ids.iter().enumerate().filter(|(i, _)| steady[*i]).map(|(_, y)| y.as_str()) {
                        // given[x] / w[x] ≤ given[y] / w[y] + 1 / w[x]
                        prop_assert!(
                            u128::from(given[x]) * u128::from(w[y])
                                <= u128::from(given[y]) * u128::from(w[x]) + u128::from(w[y]),
                            "{x}: {} (weight {}), {y}: {} (weight {})", given[x], w[x], given[y], w[y]
                        );
                    }
                }
                eligible_at_last_turn = eligible;
                state.apply(&d);
            }
        }

        #[test]
        fn least_loaded_never_overfills_and_takes_the_lightest(
            reps in proptest::collection::vec(
                (any::<bool>(), any::<bool>(), proptest::option::of(0u32..6), 0u32..8, 0i64..5),
                1..6,
            ),
            by_amount in any::<bool>(),
            leads in 0usize..30,
        ) {
            let measure = if by_amount { LoadMeasure::OpenPipelineAmount } else { LoadMeasure::OpenLeads };
            let rules = rules_of(vec![rule("ll", vec![], least_loaded_in("t", measure))], Strategy::Pool);
            let ids = ids(reps.len());
            let mut state = TeamState {
                teams: BTreeMap::from([("t".to_string(), Team { name: "t".into(), member_ids: ids.clone() })]),
                ..TeamState::default()
            };
            for (id, (active, away, capacity, open_leads, amount)) in ids.iter().zip(&reps) {
                state.reps.insert(id.clone(), RepState {
                    active: *active,
                    away: *away,
                    capacity: *capacity,
                    open_leads: *open_leads,
                    open_pipeline_amount: amount * 10_000,
                    ..rep(id)
                });
            }
            let initial = state.clone();
            for _ in 0..leads {
                let d = rules.decide(&RoutingLead::default(), &state, now());
                let eligible: Vec<&RepState> = state.reps.values()
                    .filter(|r| availability(Some(r), 1).is_ok())
                    .collect();
                let load = |r: &RepState| match measure {
                    LoadMeasure::OpenLeads => (i64::from(r.open_leads), r.open_pipeline_amount),
                    LoadMeasure::OpenPipelineAmount => (r.open_pipeline_amount, i64::from(r.open_leads)),
                };
                match &d.owner {
                    None => prop_assert!(eligible.is_empty()),
                    Some(owner) => {
                        let chosen = &state.reps[owner];
                        prop_assert!(availability(Some(chosen), 1).is_ok());
                        prop_assert!(eligible.iter().all(|r| load(chosen) <= load(r)));
                    }
                }
                state.apply(&d);
            }
            for (id, r) in &state.reps {
                let before = initial.reps[id].open_leads;
                prop_assert!(r.capacity.is_none_or(|c| r.open_leads <= c) || r.open_leads == before);
            }
        }

        #[test]
        fn decide_is_deterministic(
            reps in proptest::collection::vec((arb_availability(), 0u32..4, 1u32..4), 1..6),
            turns in proptest::collection::vec(0u64..5, 6),
            rotate in 0usize..6,
            score in -20i32..120,
            kind in 0u8..3,
        ) {
            let ids = ids(reps.len());
            let strategy = match kind {
                0 => round_robin_over("t", &[("u0", reps[0].2)]),
                1 => least_loaded_in("t", LoadMeasure::OpenLeads),
                _ => to_rep("u0"),
            };
            let rules = rules_of(
                vec![
                    rule("hot", vec![when("score", Condition::Gte { value: 50.0 })], strategy.clone()),
                    rule("rest", vec![], round_robin_over("t", &[])),
                ],
                strategy,
            );
            let mut state = TeamState {
                teams: BTreeMap::from([("t".to_string(), Team { name: "t".into(), member_ids: ids.clone() })]),
                ..TeamState::default()
            };
            for (id, (a, open_leads, _)) in ids.iter().zip(&reps) {
                state.reps.insert(id.clone(), RepState {
                    away: *a == Availability::Away,
                    active: *a != Availability::Inactive,
                    capacity: (*a == Availability::Full).then_some(*open_leads),
                    open_leads: *open_leads,
                    ..rep(id)
                });
            }
            for key in ["hot", "rest"] {
                state.rotations.insert(key.into(), Rotation {
                    level: Level { turns: turns[0], weight: 1 },
                    turns: ids.iter().cloned().zip(turns.iter().copied()).collect(),
                });
            }
            let lead = RoutingLead { score, ..RoutingLead::default() };
            let d = rules.decide(&lead, &state, now());
            prop_assert_eq!(&d, &rules.decide(&lead, &state, now()));

            let mut shuffled = state.clone();
            let members = &mut shuffled.teams.get_mut("t").unwrap().member_ids;
            let by = rotate % members.len();
            members.rotate_left(by);
            members.push(members[0].clone());
            prop_assert_eq!(&d, &rules.decide(&lead, &shuffled, now()));
        }
    }
}
