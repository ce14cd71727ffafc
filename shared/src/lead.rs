//! The vocabulary of a lead: where it came from and how far it has got.

use serde::{Deserialize, Serialize};

/// The lifecycle stage of a lead. Open stages come first, in funnel order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LeadStage {
    /// Captured, not yet qualified by marketing.
    Lead,
    /// Marketing-qualified: engaged enough for sales.
    Mql,
    /// Sales-qualified: a rep confirmed the need.
    Sql,
    /// An opportunity is open in the pipeline.
    Opportunity,
    /// Won: now a customer.
    Customer,
    /// Closed without a deal, with a reason.
    Lost,
    /// Back to nurture or the pool after being lost.
    Recycled,
}

impl LeadStage {
    pub const ALL: [LeadStage; 7] = [
        LeadStage::Lead,
        LeadStage::Mql,
        LeadStage::Sql,
        LeadStage::Opportunity,
        LeadStage::Customer,
        LeadStage::Lost,
        LeadStage::Recycled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LeadStage::Lead => "lead",
            LeadStage::Mql => "mql",
            LeadStage::Sql => "sql",
            LeadStage::Opportunity => "opportunity",
            LeadStage::Customer => "customer",
            LeadStage::Lost => "lost",
            LeadStage::Recycled => "recycled",
        }
    }

    pub fn parse(s: &str) -> Option<LeadStage> {
        LeadStage::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Still being worked (not won, not lost).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            LeadStage::Lead
                | LeadStage::Mql
                | LeadStage::Sql
                | LeadStage::Opportunity
                | LeadStage::Recycled
        )
    }
}

/// The channel a lead came through, for source ROI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Channel {
    /// A web-to-lead form on the company's site.
    WebForm,
    /// Pushed in by an integration over the API.
    Api,
    /// A CSV import (trade-show lists, purchased lists, exports from other tools).
    Import,
    /// Paid search and social ads (Baidu, WeChat, LinkedIn...).
    PaidAds,
    /// Organic search and content.
    Organic,
    /// Trade shows, conferences, webinars.
    Event,
    /// Introduced by a customer or partner.
    Referral,
    /// Inbound phone call or chat.
    Inbound,
    /// Outbound prospecting by a rep.
    Outbound,
    Other,
}

impl Channel {
    pub const ALL: [Channel; 10] = [
        Channel::WebForm,
        Channel::Api,
        Channel::Import,
        Channel::PaidAds,
        Channel::Organic,
        Channel::Event,
        Channel::Referral,
        Channel::Inbound,
        Channel::Outbound,
        Channel::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::WebForm => "web_form",
            Channel::Api => "api",
            Channel::Import => "import",
            Channel::PaidAds => "paid_ads",
            Channel::Organic => "organic",
            Channel::Event => "event",
            Channel::Referral => "referral",
            Channel::Inbound => "inbound",
            Channel::Outbound => "outbound",
            Channel::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in LeadStage::ALL {
            assert_eq!(LeadStage::parse(s.as_str()), Some(s));
        }
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(LeadStage::parse("won"), None);
    }

    #[test]
    fn open_stages() {
        let open: Vec<_> = LeadStage::ALL.into_iter().filter(|s| s.is_open()).collect();
        assert_eq!(
            open,
            vec![
                LeadStage::Lead,
                LeadStage::Mql,
                LeadStage::Sql,
                LeadStage::Opportunity,
                LeadStage::Recycled
            ]
        );
    }
}

/// Why a lead's owner changed. Every change is recorded with one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AssignmentReason {
    /// A routing rule chose the owner.
    Rule,
    /// A manager or admin assigned, reassigned or released it.
    Manual,
    /// A rep claimed it from the pool.
    Claim,
    /// The SLA ran out and the lead went back to the pool.
    SlaRecycle,
    /// Merging leads carried the owner over.
    Merge,
}

impl AssignmentReason {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentReason::Rule => "rule",
            AssignmentReason::Manual => "manual",
            AssignmentReason::Claim => "claim",
            AssignmentReason::SlaRecycle => "sla_recycle",
            AssignmentReason::Merge => "merge",
        }
    }

    pub fn parse(s: &str) -> Option<AssignmentReason> {
        [
            AssignmentReason::Rule,
            AssignmentReason::Manual,
            AssignmentReason::Claim,
            AssignmentReason::SlaRecycle,
            AssignmentReason::Merge,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}
