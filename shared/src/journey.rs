//! Nurture journeys: the graph a marketer draws, the checks that keep it runnable, and
//! the pure step function both the server's runtime and the browser's dry run execute.
//!
//! A [`JourneyDefinition`] is a [`Trigger`] (who enters), a start node, a list of
//! [`Node`]s (each an [`Action`] with its outgoing port(s) and its canvas position) and an
//! optional [`Goal`] that makes a lead leave as soon as it is reached.
//!
//! [`JourneyDefinition::validate`] names every problem by node id so the designer can
//! paint it on the canvas, and the server refuses to activate a graph it rejects.
//!
//! [`step`] advances one enrolment by exactly one node: given the enrolment's
//! [`EnrolmentState`], the lead's [`LeadFacts`] and the time, it returns the
//! [`Effect`]s to carry out, the next state and when to step again. It has no I/O, so
//! the runtime can record "step *n* of enrolment *e* was done" together with its effects
//! (the idempotency key), and the designer can simulate a whole journey with a fake
//! clock.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, TimeZone, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::lead::{Channel, LeadStage};

/// A node's id, unique within its journey (the designer makes them, e.g. `"n3"`).
pub type NodeId = String;

/// Where a node sits on the designer's canvas, in canvas units.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Position {
    pub x: f64,
    pub y: f64,
}

/// A whole journey as a marketer designs it. Stored as JSON; one version is frozen
/// when the journey is activated and enrolled leads finish on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JourneyDefinition {
    pub trigger: Trigger,
    /// The first node a newly enrolled lead reaches.
    pub start: Option<NodeId>,
    pub nodes: Vec<Node>,
    /// Reaching it makes a lead leave at once, wherever it is.
    #[serde(default)]
    pub goal: Option<Goal>,
    /// Where the trigger box sits on the canvas.
    #[serde(default)]
    pub trigger_position: Position,
}

/// Who enters a journey, decided on the event as it happens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Trigger {
    /// The lead moves into this stage.
    EntersStage { stage: LeadStage },
    /// A lead is captured from this channel and/or campaign (`None` = any).
    Source {
        #[serde(default)]
        channel: Option<Channel>,
        #[serde(default)]
        campaign_id: Option<String>,
    },
    /// This tag is added to the lead.
    TagAdded { tag: String },
    /// The lead's total score enters `min..=max` (`max: None` = no upper bound).
    ScoreBand { min: i32, max: Option<i32> },
    /// The lead submits a web form (`None` = any form).
    FormSubmitted {
        #[serde(default)]
        form_id: Option<String>,
    },
    /// Nothing has happened on the lead for this many days.
    Inactive { days: u32 },
    /// Only by an admin or marketer enrolling leads by hand.
    Manual,
}

/// The reason a journey exists: reaching it makes the lead leave as converted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Goal {
    /// The lead reaches this stage or a later open one (e.g. SQL).
    ReachesStage { stage: LeadStage },
    /// The lead carries this tag.
    HasTag { tag: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: NodeId,
    #[serde(default)]
    pub position: Position,
    pub action: Action,
}

/// What a node does. Every action but `Branch`, `HandToRouting` and `Exit` has one
/// outgoing port `next`; `None` there means the journey is complete after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Action {
    SendEmail {
        template_id: String,
        next: Option<NodeId>,
    },
    Wait {
        wait: Wait,
        next: Option<NodeId>,
    },
    Branch {
        condition: Condition,
        yes: Option<NodeId>,
        no: Option<NodeId>,
    },
    SetStage {
        stage: LeadStage,
        next: Option<NodeId>,
    },
    AddTag {
        tag: String,
        next: Option<NodeId>,
    },
    RemoveTag {
        tag: String,
        next: Option<NodeId>,
    },
    /// Adds (or, negative, removes) engagement points.
    AdjustScore {
        points: i32,
        next: Option<NodeId>,
    },
    NotifyOwner {
        message: String,
        next: Option<NodeId>,
    },
    /// Routes the lead to a rep by the routing rules; the lead leaves the journey.
    HandToRouting,
    Exit,
}

/// How long a `Wait` node holds a lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Wait {
    /// A fixed time after the lead arrives at the node.
    Duration { minutes: u32 },
    /// The next moment that is one of `weekdays` (0 = Monday .. 6 = Sunday) at
    /// `hour:minute` on the lead's own clock.
    UntilWeekdayTime {
        weekdays: Vec<u8>,
        hour: u8,
        minute: u8,
    },
}

/// A branch's question; `yes` is taken when it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Condition {
    /// The most recent email this journey sent the lead was opened.
    OpenedPreviousEmail,
    /// The most recent email this journey sent the lead was clicked.
    ClickedPreviousEmail,
    /// Total score strictly above `points`.
    ScoreAbove {
        points: i32,
    },
    /// A lead field (`company`, `industry`, `province`, `city`, `title`, `source` or a
    /// custom field's key) equals `value`, ignoring case.
    FieldEquals {
        field: String,
        value: String,
    },
    StageIs {
        stage: LeadStage,
    },
}

impl Action {
    /// The node ids this action leads to, with the port's name.
    pub fn ports(&self) -> Vec<(&'static str, Option<&NodeId>)> {
        match self {
            Action::SendEmail { next, .. }
            | Action::Wait { next, .. }
            | Action::SetStage { next, .. }
            | Action::AddTag { next, .. }
            | Action::RemoveTag { next, .. }
            | Action::AdjustScore { next, .. }
            | Action::NotifyOwner { next, .. } => vec![("next", next.as_ref())],
            Action::Branch { yes, no, .. } => vec![("yes", yes.as_ref()), ("no", no.as_ref())],
            Action::HandToRouting | Action::Exit => vec![],
        }
    }

    fn is_wait(&self) -> bool {
        matches!(self, Action::Wait { .. })
    }
}

// ---------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------

/// What is wrong with a graph. Codes are stable: the SPA and the API's `userErrors`
/// use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProblemCode {
    /// No start node, or the start names no node.
    MissingStart,
    /// Two nodes share an id, or an id is empty.
    DuplicateNode,
    /// A port points at a node that does not exist.
    DanglingEdge,
    /// A branch has no `yes` or no `no` path.
    DanglingBranch,
    /// No path from the start reaches this node.
    Orphan,
    /// A cycle with no wait on it would run forever in an instant.
    LoopWithoutWait,
    /// A send-email node names a template that does not exist.
    UnknownTemplate,
    /// A setting is out of range or empty (tag, wait, message, trigger, goal).
    InvalidSetting,
}

/// One problem, on one node when it is about one (`node: None` = the whole graph,
/// trigger or goal).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Problem {
    pub node: Option<NodeId>,
    pub code: ProblemCode,
    pub message: String,
}

impl Problem {
    fn on(node: &str, code: ProblemCode, message: impl Into<String>) -> Problem {
        Problem {
            node: Some(node.to_string()),
            code,
            message: message.into(),
        }
    }
    fn graph(code: ProblemCode, message: impl Into<String>) -> Problem {
        Problem {
            node: None,
            code,
            message: message.into(),
        }
    }
}

impl JourneyDefinition {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Every problem in the graph, sorted; empty when the journey can be activated.
    /// `templates` are the ids of the email templates that exist.
    pub fn validate(&self, templates: &[String]) -> Vec<Problem> {
        use ProblemCode::*;
        let mut problems = Vec::new();
        let mut ids = BTreeSet::new();
        for node in &self.nodes {
            if node.id.trim().is_empty() {
                problems.push(Problem::on(&node.id, DuplicateNode, "a node has no id"));
            } else if !ids.insert(node.id.as_str()) {
                problems.push(Problem::on(
                    &node.id,
                    DuplicateNode,
                    format!("two nodes are called {}", node.id),
                ));
            }
        }
        match &self.start {
            None => problems.push(Problem::graph(
                MissingStart,
                "connect the trigger to the first node",
            )),
            Some(s) if !ids.contains(s.as_str()) => problems.push(Problem::graph(
                MissingStart,
                format!("the start node {s} does not exist"),
            )),
            Some(_) => {}
        }
        problems.extend(self.trigger_problems());
        match &self.goal {
            Some(Goal::HasTag { tag }) if tag.trim().is_empty() => {
                problems.push(Problem::graph(InvalidSetting, "the goal's tag is empty"))
            }
            _ => {}
        }
        for node in &self.nodes {
            let id = node.id.as_str();
            for (port, target) in node.action.ports() {
                match target {
                    None if matches!(node.action, Action::Branch { .. }) => problems.push(
                        Problem::on(id, DanglingBranch, format!("the {port} path goes nowhere")),
                    ),
                    Some(t) if !ids.contains(t.as_str()) => problems.push(Problem::on(
                        id,
                        DanglingEdge,
                        format!("the {port} port points at {t}, which does not exist"),
                    )),
                    _ => {}
                }
            }
            match &node.action {
                Action::SendEmail { template_id, .. }
                    if !templates.iter().any(|t| t == template_id) =>
                {
                    problems.push(Problem::on(
                        id,
                        UnknownTemplate,
                        format!("no email template {template_id}"),
                    ));
                }
                Action::Wait { wait, .. } => {
                    if let Some(m) = wait_problem(wait) {
                        problems.push(Problem::on(id, InvalidSetting, m));
                    }
                }
                Action::AddTag { tag, .. } | Action::RemoveTag { tag, .. }
                    if tag.trim().is_empty() =>
                {
                    problems.push(Problem::on(id, InvalidSetting, "the tag is empty"));
                }
                Action::NotifyOwner { message, .. } if message.trim().is_empty() => {
                    problems.push(Problem::on(id, InvalidSetting, "the message is empty"));
                }
                Action::AdjustScore { points, .. } if *points == 0 || points.abs() > 1000 => {
                    problems.push(Problem::on(
                        id,
                        InvalidSetting,
                        "points must be between -1000 and 1000 and not 0",
                    ));
                }
                Action::Branch {
                    condition: Condition::FieldEquals { field, .. },
                    ..
                } if field.trim().is_empty() => {
                    problems.push(Problem::on(id, InvalidSetting, "choose a field"));
                }
                _ => {}
            }
        }
        // Reachability from the start.
        if let Some(start) = self.start.as_deref().filter(|s| ids.contains(s)) {
            let mut seen = BTreeSet::new();
            let mut stack = vec![start];
            while let Some(id) = stack.pop() {
                if !seen.insert(id) {
                    continue;
                }
                if let Some(node) = self.node(id) {
                    stack.extend(
                        node.action
                            .ports()
                            .into_iter()
                            .filter_map(|(_, t)| t.map(String::as_str)),
                    );
                }
            }
            for node in &self.nodes {
                if !seen.contains(node.id.as_str()) && !node.id.trim().is_empty() {
                    problems.push(Problem::on(
                        &node.id,
                        Orphan,
                        "no path from the trigger reaches this node",
                    ));
                }
            }
        }
        for id in self.nodes_on_instant_loops() {
            problems.push(Problem::on(
                &id,
                LoopWithoutWait,
                "this node is on a loop with no wait; add a wait to the loop",
            ));
        }
        problems.sort();
        problems.dedup();
        problems
    }

    fn trigger_problems(&self) -> Vec<Problem> {
        let bad = |m: &str| vec![Problem::graph(ProblemCode::InvalidSetting, m)];
        match &self.trigger {
            Trigger::TagAdded { tag } if tag.trim().is_empty() => bad("the trigger's tag is empty"),
            Trigger::ScoreBand {
                min,
                max: Some(max),
            } if max < min => bad("the trigger's score band ends below its start"),
            Trigger::Inactive { days } if *days == 0 || *days > 3650 => {
                bad("inactive days must be between 1 and 3650")
            }
            _ => vec![],
        }
    }

    /// Nodes on a cycle that contains no wait: a lead would go round it forever at once.
    fn nodes_on_instant_loops(&self) -> BTreeSet<NodeId> {
        // Edges out of waits are cut; any cycle left has no wait on it. A node is on a
        // cycle when it can reach itself.
        let edges: BTreeMap<&str, Vec<&str>> = self
            .nodes
            .iter()
            .map(|n| {
                let out = if n.action.is_wait() {
                    vec![]
                } else {
                    n.action
                        .ports()
                        .into_iter()
                        .filter_map(|(_, t)| t.map(String::as_str))
                        .collect()
                };
                (n.id.as_str(), out)
            })
            .collect();
        let mut on_loop = BTreeSet::new();
        for &from in edges.keys() {
            let mut seen = BTreeSet::new();
            let mut stack: Vec<&str> = edges[from].clone();
            while let Some(id) = stack.pop() {
                if id == from {
                    on_loop.insert(from.to_string());
                    break;
                }
                if seen.insert(id) {
                    if let Some(out) = edges.get(id) {
                        stack.extend(out.iter().copied());
                    }
                }
            }
        }
        on_loop
    }

    /// The template ids this journey sends.
    pub fn template_ids(&self) -> BTreeSet<String> {
        self.nodes
            .iter()
            .filter_map(|n| match &n.action {
                Action::SendEmail { template_id, .. } => Some(template_id.clone()),
                _ => None,
            })
            .collect()
    }

    /// The ready-made "re-activate sleeping leads" journey: a lead quiet for `days`
    /// gets an email; three days later, if it opened it, a second email with an offer
    /// and a tag; if not, a last nudge a week later, then it leaves. Reaching SQL ends
    /// it early.
    pub fn reactivate_sleeping(days: u32, first_template: &str, follow_up_template: &str) -> Self {
        let node = |id: &str, x: f64, y: f64, action: Action| Node {
            id: id.to_string(),
            position: Position { x, y },
            action,
        };
        let next = |id: &str| Some(id.to_string());
        JourneyDefinition {
            trigger: Trigger::Inactive { days },
            trigger_position: Position { x: 40.0, y: 40.0 },
            start: next("email-1"),
            goal: Some(Goal::ReachesStage {
                stage: LeadStage::Sql,
            }),
            nodes: vec![
                node(
                    "email-1",
                    40.0,
                    160.0,
                    Action::SendEmail {
                        template_id: first_template.to_string(),
                        next: next("wait-3d"),
                    },
                ),
                node(
                    "wait-3d",
                    40.0,
                    280.0,
                    Action::Wait {
                        wait: Wait::Duration {
                            minutes: 3 * 24 * 60,
                        },
                        next: next("opened?"),
                    },
                ),
                node(
                    "opened?",
                    40.0,
                    400.0,
                    Action::Branch {
                        condition: Condition::OpenedPreviousEmail,
                        yes: next("tag-awake"),
                        no: next("wait-7d"),
                    },
                ),
                node(
                    "tag-awake",
                    -120.0,
                    520.0,
                    Action::AddTag {
                        tag: "re-engaged".into(),
                        next: next("notify"),
                    },
                ),
                node(
                    "notify",
                    -120.0,
                    640.0,
                    Action::NotifyOwner {
                        message: "A sleeping lead opened the re-activation email".into(),
                        next: None,
                    },
                ),
                node(
                    "wait-7d",
                    200.0,
                    520.0,
                    Action::Wait {
                        wait: Wait::Duration {
                            minutes: 7 * 24 * 60,
                        },
                        next: next("email-2"),
                    },
                ),
                node(
                    "email-2",
                    200.0,
                    640.0,
                    Action::SendEmail {
                        template_id: follow_up_template.to_string(),
                        next: next("exit"),
                    },
                ),
                node("exit", 200.0, 760.0, Action::Exit),
            ],
        }
    }
}

fn wait_problem(wait: &Wait) -> Option<&'static str> {
    match wait {
        Wait::Duration { minutes } if *minutes == 0 || *minutes > 366 * 24 * 60 => {
            Some("wait between 1 minute and a year")
        }
        Wait::UntilWeekdayTime {
            weekdays,
            hour,
            minute,
        } => {
            if weekdays.is_empty() || weekdays.iter().any(|d| *d > 6) {
                Some("choose at least one weekday")
            } else if *hour > 23 || *minute > 59 {
                Some("the time of day is not a valid time")
            } else {
                None
            }
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------

/// What the step function needs to know about the lead, read fresh before each step.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LeadFacts {
    pub stage: Option<LeadStage>,
    pub total_score: i32,
    pub tags: Vec<String>,
    /// `company`, `industry`, `province`, `city`, `title`, `source` and custom fields.
    pub fields: BTreeMap<String, String>,
    /// The lead's clock, minutes east of UTC (Beijing: 480).
    pub utc_offset_minutes: i32,
    /// Send-email node ids of this enrolment whose email the lead opened.
    pub opened: BTreeSet<NodeId>,
    /// ... and clicked.
    pub clicked: BTreeSet<NodeId>,
    /// The lead unsubscribed from journey email.
    pub unsubscribed: bool,
}

/// Why an enrolment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LeaveReason {
    /// Walked off the end of the graph or reached an exit node.
    Completed,
    /// Reached the journey's goal.
    GoalReached,
    /// Crossed MQL while enrolled: handed to routing for a rep.
    WokeUp,
    /// A hand-to-routing node.
    HandedToRouting,
    Unsubscribed,
    /// An admin stopped it (or the lead was merged or deleted).
    Stopped,
}

impl LeaveReason {
    pub fn as_str(self) -> &'static str {
        match self {
            LeaveReason::Completed => "completed",
            LeaveReason::GoalReached => "goal_reached",
            LeaveReason::WokeUp => "woke_up",
            LeaveReason::HandedToRouting => "handed_to_routing",
            LeaveReason::Unsubscribed => "unsubscribed",
            LeaveReason::Stopped => "stopped",
        }
    }
    pub fn parse(s: &str) -> Option<LeaveReason> {
        [
            LeaveReason::Completed,
            LeaveReason::GoalReached,
            LeaveReason::WokeUp,
            LeaveReason::HandedToRouting,
            LeaveReason::Unsubscribed,
            LeaveReason::Stopped,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// Where one enrolled lead is in its journey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolmentState {
    /// The node the lead is at (about to run, or waiting in). `None` once it left.
    pub at: Option<NodeId>,
    /// When the wait at `at` ends; set on arriving at a wait node.
    pub wait_until: Option<DateTime<Utc>>,
    /// The most recent send-email node this enrolment ran (for opened/clicked branches).
    pub last_email: Option<NodeId>,
    /// The stage the lead had when it enrolled: a lead below MQL that crosses it
    /// wakes up and leaves for routing.
    pub entered_stage: Option<LeadStage>,
    /// Steps taken so far; step `steps + 1` is next (the idempotency key's second half).
    pub steps: u32,
    pub left: Option<LeaveReason>,
}

impl EnrolmentState {
    /// A lead entering `definition` now.
    pub fn enter(definition: &JourneyDefinition, facts: &LeadFacts) -> EnrolmentState {
        EnrolmentState {
            at: definition.start.clone(),
            wait_until: None,
            last_email: None,
            entered_stage: facts.stage,
            steps: 0,
            left: None,
        }
    }
}

/// Something a step asks the world to do. The runtime carries these out in the same
/// transaction that records the step; the dry run only counts them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Effect {
    SendEmail {
        node: NodeId,
        template_id: String,
    },
    SetStage {
        stage: LeadStage,
    },
    AddTag {
        tag: String,
    },
    RemoveTag {
        tag: String,
    },
    AdjustScore {
        points: i32,
    },
    NotifyOwner {
        message: String,
    },
    HandToRouting,
    /// The lead entered `node` (counts as "entered" on the canvas).
    Entered {
        node: NodeId,
    },
    Left {
        reason: LeaveReason,
    },
}

/// The result of one step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub effects: Vec<Effect>,
    pub state: EnrolmentState,
    /// When to step again; `None` once the lead left.
    pub next_at: Option<DateTime<Utc>>,
}

/// Runs the node the enrolment is at (or checks its wait) and moves it on by one.
///
/// Before anything else a lead leaves if it unsubscribed, reached the goal, or woke up
/// (entered below MQL and is now MQL or later). A wait node first sets `wait_until` and
/// asks to be stepped then; stepped at or after that time, it moves on. Every other node
/// does its effect and moves on at once (`next_at == now`).
pub fn step(
    definition: &JourneyDefinition,
    state: &EnrolmentState,
    facts: &LeadFacts,
    now: DateTime<Utc>,
) -> Step {
    let mut next = state.clone();
    let mut effects = Vec::new();
    if state.left.is_some() {
        return Step {
            effects,
            state: next,
            next_at: None,
        };
    }
    next.steps += 1;
    let leave = |mut next: EnrolmentState, mut effects: Vec<Effect>, reason: LeaveReason| {
        next.left = Some(reason);
        next.wait_until = None;
        effects.push(Effect::Left { reason });
        Step {
            effects,
            state: next,
            next_at: None,
        }
    };
    if facts.unsubscribed {
        return leave(next, effects, LeaveReason::Unsubscribed);
    }
    if goal_reached(definition.goal.as_ref(), facts) {
        return leave(next, effects, LeaveReason::GoalReached);
    }
    if woke_up(state.entered_stage, facts.stage) {
        effects.push(Effect::HandToRouting);
        return leave(next, effects, LeaveReason::WokeUp);
    }
    let Some(node) = state.at.as_deref().and_then(|id| definition.node(id)) else {
        return leave(next, effects, LeaveReason::Completed);
    };
    if state.wait_until.is_none() {
        effects.push(Effect::Entered {
            node: node.id.clone(),
        });
    }
    let go = |mut next: EnrolmentState, effects: Vec<Effect>, to: &Option<NodeId>| {
        next.wait_until = None;
        match to {
            Some(to) => {
                next.at = Some(to.clone());
                Step {
                    effects,
                    state: next,
                    next_at: Some(now),
                }
            }
            None => {
                next.at = None;
                leave(next, effects, LeaveReason::Completed)
            }
        }
    };
    match &node.action {
        Action::Wait { wait, next: to } => match state.wait_until {
            Some(until) if now >= until => go(next, effects, to),
            Some(until) => Step {
                effects,
                state: next,
                next_at: Some(until),
            },
            None => {
                let until = wait_end(wait, now, facts.utc_offset_minutes);
                next.wait_until = Some(until);
                Step {
                    effects,
                    state: next,
                    next_at: Some(until),
                }
            }
        },
        Action::SendEmail {
            template_id,
            next: to,
        } => {
            effects.push(Effect::SendEmail {
                node: node.id.clone(),
                template_id: template_id.clone(),
            });
            next.last_email = Some(node.id.clone());
            go(next, effects, to)
        }
        Action::Branch { condition, yes, no } => {
            let holds = condition_holds(condition, state.last_email.as_deref(), facts);
            go(next, effects, if holds { yes } else { no })
        }
        Action::SetStage { stage, next: to } => {
            effects.push(Effect::SetStage { stage: *stage });
            go(next, effects, to)
        }
        Action::AddTag { tag, next: to } => {
            effects.push(Effect::AddTag { tag: tag.clone() });
            go(next, effects, to)
        }
        Action::RemoveTag { tag, next: to } => {
            effects.push(Effect::RemoveTag { tag: tag.clone() });
            go(next, effects, to)
        }
        Action::AdjustScore { points, next: to } => {
            effects.push(Effect::AdjustScore { points: *points });
            go(next, effects, to)
        }
        Action::NotifyOwner { message, next: to } => {
            effects.push(Effect::NotifyOwner {
                message: message.clone(),
            });
            go(next, effects, to)
        }
        Action::HandToRouting => {
            effects.push(Effect::HandToRouting);
            next.at = None;
            leave(next, effects, LeaveReason::HandedToRouting)
        }
        Action::Exit => {
            next.at = None;
            leave(next, effects, LeaveReason::Completed)
        }
    }
}

fn goal_reached(goal: Option<&Goal>, facts: &LeadFacts) -> bool {
    match goal {
        None => false,
        Some(Goal::ReachesStage { stage }) => facts.stage.is_some_and(|s| {
            s == *stage || (stage_rank(s) > stage_rank(*stage) && stage_rank(s) < 5)
        }),
        Some(Goal::HasTag { tag }) => facts.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)),
    }
}

/// Funnel order of the forward stages; lost and recycled sit outside it.
fn stage_rank(stage: LeadStage) -> u8 {
    match stage {
        LeadStage::Lead | LeadStage::Recycled | LeadStage::Lost => 0,
        LeadStage::Mql => 1,
        LeadStage::Sql => 2,
        LeadStage::Opportunity => 3,
        LeadStage::Customer => 4,
    }
}

fn woke_up(entered: Option<LeadStage>, now: Option<LeadStage>) -> bool {
    match (entered, now) {
        (Some(e), Some(n)) => stage_rank(e) == 0 && n != LeadStage::Lost && stage_rank(n) >= 1,
        _ => false,
    }
}

fn condition_holds(condition: &Condition, last_email: Option<&str>, facts: &LeadFacts) -> bool {
    match condition {
        Condition::OpenedPreviousEmail => last_email.is_some_and(|e| facts.opened.contains(e)),
        Condition::ClickedPreviousEmail => last_email.is_some_and(|e| facts.clicked.contains(e)),
        Condition::ScoreAbove { points } => facts.total_score > *points,
        Condition::FieldEquals { field, value } => facts
            .fields
            .get(field.trim())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(value.trim())),
        Condition::StageIs { stage } => facts.stage == Some(*stage),
    }
}

/// When a wait that starts `now` ends, on a clock `utc_offset_minutes` east of UTC.
pub fn wait_end(wait: &Wait, now: DateTime<Utc>, utc_offset_minutes: i32) -> DateTime<Utc> {
    match wait {
        Wait::Duration { minutes } => now + Duration::minutes(i64::from((*minutes).max(1))),
        Wait::UntilWeekdayTime {
            weekdays,
            hour,
            minute,
        } => {
            let offset = Duration::minutes(i64::from(utc_offset_minutes));
            let local = now + offset;
            let (hour, minute) = (u32::from((*hour).min(23)), u32::from((*minute).min(59)));
            for days_ahead in 0..=7 {
                let day = local.date_naive() + Duration::days(days_ahead);
                let weekday = day.weekday().num_days_from_monday() as u8;
                if !weekdays.contains(&weekday) {
                    continue;
                }
                let Some(at) = day.and_hms_opt(hour, minute, 0) else {
                    continue;
                };
                let at = Utc.from_utc_datetime(&at) - offset;
                if at > now {
                    return at;
                }
            }
            // No weekday chosen (validation refuses it): wait a week rather than spin.
            now + Duration::days(7) - Duration::seconds(i64::from(now.second()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn node(id: &str, action: Action) -> Node {
        Node {
            id: id.into(),
            position: Position::default(),
            action,
        }
    }
    fn to(id: &str) -> Option<NodeId> {
        Some(id.into())
    }
    fn email(t: &str, next: Option<NodeId>) -> Action {
        Action::SendEmail {
            template_id: t.into(),
            next,
        }
    }
    fn wait(minutes: u32, next: Option<NodeId>) -> Action {
        Action::Wait {
            wait: Wait::Duration { minutes },
            next,
        }
    }
    fn def(start: Option<&str>, nodes: Vec<Node>) -> JourneyDefinition {
        JourneyDefinition {
            trigger: Trigger::Manual,
            start: start.map(String::from),
            nodes,
            goal: None,
            trigger_position: Position::default(),
        }
    }
    fn templates() -> Vec<String> {
        vec!["t1".into(), "t2".into()]
    }
    fn codes(d: &JourneyDefinition) -> Vec<(Option<String>, ProblemCode)> {
        d.validate(&templates())
            .into_iter()
            .map(|p| (p.node, p.code))
            .collect()
    }
    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, 0, 0).unwrap() // a Monday
    }

    #[test]
    fn validation_table() {
        use ProblemCode::*;
        let s = |x: &str| Some(x.to_string());
        type Expected = Vec<(Option<String>, ProblemCode)>;
        let cases: Vec<(&str, JourneyDefinition, Expected)> = vec![
            (
                "valid linear",
                def(
                    Some("a"),
                    vec![node("a", email("t1", to("b"))), node("b", Action::Exit)],
                ),
                vec![],
            ),
            (
                "no start",
                def(None, vec![node("a", Action::Exit)]),
                vec![(None, MissingStart)],
            ),
            (
                "start names nothing",
                def(Some("zz"), vec![node("a", Action::Exit)]),
                vec![(None, MissingStart)],
            ),
            (
                "orphan",
                def(
                    Some("a"),
                    vec![node("a", Action::Exit), node("b", Action::Exit)],
                ),
                vec![(s("b"), Orphan)],
            ),
            (
                "dangling branch",
                def(
                    Some("a"),
                    vec![
                        node(
                            "a",
                            Action::Branch {
                                condition: Condition::OpenedPreviousEmail,
                                yes: to("b"),
                                no: None,
                            },
                        ),
                        node("b", Action::Exit),
                    ],
                ),
                vec![(s("a"), DanglingBranch)],
            ),
            (
                "edge to nowhere",
                def(Some("a"), vec![node("a", email("t1", to("ghost")))]),
                vec![(s("a"), DanglingEdge)],
            ),
            (
                "unknown template",
                def(Some("a"), vec![node("a", email("nope", None))]),
                vec![(s("a"), UnknownTemplate)],
            ),
            (
                "loop without wait",
                def(
                    Some("a"),
                    vec![
                        node("a", email("t1", to("b"))),
                        node(
                            "b",
                            Action::AddTag {
                                tag: "x".into(),
                                next: to("a"),
                            },
                        ),
                    ],
                ),
                vec![(s("a"), LoopWithoutWait), (s("b"), LoopWithoutWait)],
            ),
            (
                "loop with a wait is fine",
                def(
                    Some("a"),
                    vec![
                        node("a", email("t1", to("w"))),
                        node("w", wait(60, to("a"))),
                    ],
                ),
                vec![],
            ),
            (
                "duplicate id",
                def(
                    Some("a"),
                    vec![node("a", Action::Exit), node("a", Action::Exit)],
                ),
                vec![(s("a"), DuplicateNode)],
            ),
            (
                "zero wait",
                def(Some("a"), vec![node("a", wait(0, None))]),
                vec![(s("a"), InvalidSetting)],
            ),
            (
                "empty tag",
                def(
                    Some("a"),
                    vec![node(
                        "a",
                        Action::AddTag {
                            tag: " ".into(),
                            next: None,
                        },
                    )],
                ),
                vec![(s("a"), InvalidSetting)],
            ),
        ];
        for (name, d, want) in cases {
            let mut want = want;
            want.sort();
            assert_eq!(codes(&d), want, "{name}");
        }
    }

    #[test]
    fn the_ready_template_is_valid_and_round_trips_as_json() {
        let d = JourneyDefinition::reactivate_sleeping(30, "t1", "t2");
        assert_eq!(d.validate(&templates()), vec![]);
        let json = serde_json::to_string(&d).unwrap();
        let back: JourneyDefinition = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
        assert!(json.contains("\"type\":\"SEND_EMAIL\""));
    }

    #[test]
    fn reactivation_walk_opened_and_not_opened() {
        let d = JourneyDefinition::reactivate_sleeping(30, "t1", "t2");
        let facts = LeadFacts {
            stage: Some(LeadStage::Lead),
            ..LeadFacts::default()
        };
        let mut s = EnrolmentState::enter(&d, &facts);
        let now = at(9);
        let st = step(&d, &s, &facts, now);
        assert!(st.effects.contains(&Effect::SendEmail {
            node: "email-1".into(),
            template_id: "t1".into()
        }));
        assert_eq!(st.next_at, Some(now));
        s = st.state;
        // Arrive at the wait: it sets its end, and stepping early does nothing.
        let st = step(&d, &s, &facts, now);
        assert_eq!(st.next_at, Some(now + Duration::days(3)));
        s = st.state;
        let early = step(&d, &s, &facts, now + Duration::days(1));
        assert_eq!(early.state.at.as_deref(), Some("wait-3d"));
        assert!(early.effects.is_empty());
        // Opened: yes path.
        let mut opened = facts.clone();
        opened.opened.insert("email-1".into());
        let st = step(&d, &s, &opened, now + Duration::days(3));
        assert_eq!(st.state.at.as_deref(), Some("opened?"));
        let yes = step(&d, &st.state, &opened, now + Duration::days(3));
        assert_eq!(yes.state.at.as_deref(), Some("tag-awake"));
        let no = step(&d, &st.state, &facts, now + Duration::days(3));
        assert_eq!(no.state.at.as_deref(), Some("wait-7d"));
    }

    #[test]
    fn leaving_comes_before_the_node() {
        let d = JourneyDefinition::reactivate_sleeping(30, "t1", "t2");
        let lead = LeadFacts {
            stage: Some(LeadStage::Lead),
            ..LeadFacts::default()
        };
        let s = EnrolmentState::enter(&d, &lead);
        let mql = LeadFacts {
            stage: Some(LeadStage::Mql),
            ..lead.clone()
        };
        let st = step(&d, &s, &mql, at(9));
        assert_eq!(st.state.left, Some(LeaveReason::WokeUp));
        assert!(st.effects.contains(&Effect::HandToRouting));
        assert!(!st
            .effects
            .iter()
            .any(|e| matches!(e, Effect::SendEmail { .. })));
        let sql = LeadFacts {
            stage: Some(LeadStage::Sql),
            ..lead.clone()
        };
        assert_eq!(
            step(&d, &s, &sql, at(9)).state.left,
            Some(LeaveReason::GoalReached)
        );
        let unsub = LeadFacts {
            unsubscribed: true,
            ..lead
        };
        assert_eq!(
            step(&d, &s, &unsub, at(9)).state.left,
            Some(LeaveReason::Unsubscribed)
        );
    }

    #[test]
    fn weekday_waits_follow_the_leads_clock() {
        let w = Wait::UntilWeekdayTime {
            weekdays: vec![1], // Tuesday
            hour: 9,
            minute: 30,
        };
        // Monday 09:00 UTC; Tuesday 09:30 in Beijing is Tuesday 01:30 UTC.
        assert_eq!(
            wait_end(&w, at(9), 480),
            Utc.with_ymd_and_hms(2026, 11, 24, 1, 30, 0).unwrap()
        );
        assert_eq!(
            wait_end(&w, at(9), 0),
            Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap()
        );
        // Already past today's time on a chosen day: next week.
        let monday = Wait::UntilWeekdayTime {
            weekdays: vec![0],
            hour: 8,
            minute: 0,
        };
        assert_eq!(
            wait_end(&monday, at(9), 0),
            Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap()
        );
    }

    fn arb_action(ids: usize) -> impl Strategy<Value = Action> {
        let target = proptest::option::of((0..ids).prop_map(|i| format!("n{i}")));
        prop_oneof![
            target.clone().prop_map(|next| email("t1", next)),
            (1u32..100, target.clone()).prop_map(|(m, next)| wait(m, next)),
            (target.clone(), target.clone()).prop_map(|(yes, no)| Action::Branch {
                condition: Condition::ScoreAbove { points: 10 },
                yes,
                no
            }),
            target.prop_map(|next| Action::AdjustScore { points: 5, next }),
            Just(Action::Exit),
        ]
    }

    fn arb_def() -> impl Strategy<Value = JourneyDefinition> {
        (1usize..8).prop_flat_map(|n| {
            proptest::collection::vec(arb_action(n), n).prop_map(move |actions| {
                def(
                    Some("n0"),
                    actions
                        .into_iter()
                        .enumerate()
                        .map(|(i, a)| node(&format!("n{i}"), a))
                        .collect(),
                )
            })
        })
    }

    proptest! {
        /// A graph validate() accepts always ends or waits: walking it with the clock
        /// standing still never takes more steps than it has nodes before it waits or
        /// leaves, and every problem is about a node that exists (or the graph).
        #[test]
        fn valid_graphs_never_spin(d in arb_def(), score in -50i32..50) {
            let problems = d.validate(&templates());
            for p in &problems {
                if let Some(n) = &p.node { prop_assert!(d.node(n).is_some()); }
            }
            if problems.is_empty() {
                let facts = LeadFacts { total_score: score, stage: Some(LeadStage::Lead), ..LeadFacts::default() };
                let mut s = EnrolmentState::enter(&d, &facts);
                let now = at(9);
                let mut instant = 0;
                loop {
                    let st = step(&d, &s, &facts, now);
                    s = st.state;
                    match st.next_at {
                        None => break,
                        Some(t) if t > now => break,
                        Some(_) => { instant += 1; prop_assert!(instant <= d.nodes.len() + 1); }
                    }
                }
            }
        }

        /// step() is a function: same inputs, same outputs; the step counter always moves.
        #[test]
        fn step_is_deterministic(d in arb_def()) {
            let facts = LeadFacts::default();
            let s = EnrolmentState::enter(&d, &facts);
            let a = step(&d, &s, &facts, at(9));
            let b = step(&d, &s, &facts, at(9));
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(a.state.steps, 1);
        }
    }
}
