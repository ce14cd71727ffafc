//! The vocabulary of who-gets-which-lead, as both sides speak it: when routing runs,
//! which assignments a live feed shows, and what a notification is about.

use serde::{Deserialize, Serialize};

/// When the routing rules place a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RoutingTrigger {
    /// As soon as a new lead is captured.
    #[default]
    OnCapture,
    /// When a lead in the pool crosses the MQL threshold.
    OnMql,
    /// Both: on capture, and again when a lead still in the pool becomes an MQL.
    Both,
}

impl RoutingTrigger {
    pub fn as_str(self) -> &'static str {
        match self {
            RoutingTrigger::OnCapture => "on_capture",
            RoutingTrigger::OnMql => "on_mql",
            RoutingTrigger::Both => "both",
        }
    }

    pub fn parse(s: &str) -> Option<RoutingTrigger> {
        [
            RoutingTrigger::OnCapture,
            RoutingTrigger::OnMql,
            RoutingTrigger::Both,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }

    pub fn on_capture(self) -> bool {
        matches!(self, RoutingTrigger::OnCapture | RoutingTrigger::Both)
    }

    pub fn on_mql(self) -> bool {
        matches!(self, RoutingTrigger::OnMql | RoutingTrigger::Both)
    }
}

/// Whose assignments a live feed shows. A rep sees only `MINE`; a manager `MINE` or
/// `TEAM` (their teams' members and the pool); an admin any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FeedScope {
    Mine,
    Team,
    All,
}

/// What a notification tells its reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NotificationKind {
    /// A lead was given to you (by a rule, a manager or a recycle).
    LeadAssigned,
    /// A lead of yours still waits for its first contact: the SLA's first threshold.
    SlaReminder,
    /// (To the manager) a rep's lead passed the SLA's second threshold.
    SlaEscalation,
    /// A lead of yours was taken back to the pool or re-routed: the third threshold,
    /// or no activity for too long.
    SlaRecycled,
    /// (To the manager) a rep claimed a lead from the pool.
    LeadClaimed,
    /// A task of yours is due now.
    TaskDue,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::LeadAssigned => "lead_assigned",
            NotificationKind::SlaReminder => "sla_reminder",
            NotificationKind::SlaEscalation => "sla_escalation",
            NotificationKind::SlaRecycled => "sla_recycled",
            NotificationKind::LeadClaimed => "lead_claimed",
            NotificationKind::TaskDue => "task_due",
        }
    }

    pub fn parse(s: &str) -> Option<NotificationKind> {
        [
            NotificationKind::LeadAssigned,
            NotificationKind::SlaReminder,
            NotificationKind::SlaEscalation,
            NotificationKind::SlaRecycled,
            NotificationKind::LeadClaimed,
            NotificationKind::TaskDue,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        for t in [
            RoutingTrigger::OnCapture,
            RoutingTrigger::OnMql,
            RoutingTrigger::Both,
        ] {
            assert_eq!(RoutingTrigger::parse(t.as_str()), Some(t));
        }
        assert!(RoutingTrigger::Both.on_capture() && RoutingTrigger::Both.on_mql());
        assert!(!RoutingTrigger::OnMql.on_capture());
        for k in [
            NotificationKind::LeadAssigned,
            NotificationKind::SlaReminder,
            NotificationKind::SlaEscalation,
            NotificationKind::SlaRecycled,
            NotificationKind::LeadClaimed,
            NotificationKind::TaskDue,
        ] {
            assert_eq!(NotificationKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(NotificationKind::parse("nope"), None);
    }
}
