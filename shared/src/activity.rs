//! What reps do with a lead (activities) and what leads do on their own (behaviour).
//! Both land on the lead's timeline as events.

use serde::{Deserialize, Serialize};

/// Sales work a rep logs on a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActivityKind {
    Call,
    Email,
    Visit,
    Note,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 4] = [
        ActivityKind::Call,
        ActivityKind::Email,
        ActivityKind::Visit,
        ActivityKind::Note,
    ];

    /// The timeline event kind.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Call => "call",
            ActivityKind::Email => "email",
            ActivityKind::Visit => "visit",
            ActivityKind::Note => "note",
        }
    }

    /// Reaching the person (not a private note) counts as contact for speed-to-lead.
    pub fn is_contact(self) -> bool {
        !matches!(self, ActivityKind::Note)
    }
}

/// How an activity went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActivityOutcome {
    /// Spoke with the person.
    Connected,
    NoAnswer,
    LeftMessage,
    /// Wants to hear more.
    Interested,
    NotInterested,
    /// Wrong number, bounced email, nobody by that name.
    BadContact,
}

impl ActivityOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityOutcome::Connected => "connected",
            ActivityOutcome::NoAnswer => "no_answer",
            ActivityOutcome::LeftMessage => "left_message",
            ActivityOutcome::Interested => "interested",
            ActivityOutcome::NotInterested => "not_interested",
            ActivityOutcome::BadContact => "bad_contact",
        }
    }
}

/// What a lead did: tracked on the website, in emails, at events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BehaviourKind {
    PageView,
    Download,
    WebinarAttended,
    EmailOpen,
    EmailClick,
    FormSubmit,
    /// Anything else an integration reports, with its own name.
    Custom,
}

impl BehaviourKind {
    pub const ALL: [BehaviourKind; 7] = [
        BehaviourKind::PageView,
        BehaviourKind::Download,
        BehaviourKind::WebinarAttended,
        BehaviourKind::EmailOpen,
        BehaviourKind::EmailClick,
        BehaviourKind::FormSubmit,
        BehaviourKind::Custom,
    ];

    /// The timeline event kind.
    pub fn as_str(self) -> &'static str {
        match self {
            BehaviourKind::PageView => "page_view",
            BehaviourKind::Download => "download",
            BehaviourKind::WebinarAttended => "webinar_attended",
            BehaviourKind::EmailOpen => "email_open",
            BehaviourKind::EmailClick => "email_click",
            BehaviourKind::FormSubmit => "form_submit",
            BehaviourKind::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<BehaviourKind> {
        BehaviourKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stable() {
        for k in BehaviourKind::ALL {
            assert_eq!(BehaviourKind::parse(k.as_str()), Some(k));
        }
        let contact: Vec<_> = ActivityKind::ALL
            .into_iter()
            .filter(|k| k.is_contact())
            .collect();
        assert_eq!(
            contact,
            vec![ActivityKind::Call, ActivityKind::Email, ActivityKind::Visit]
        );
        assert_eq!(
            serde_json::to_string(&ActivityOutcome::NoAnswer).unwrap(),
            "\"NO_ANSWER\""
        );
    }
}
