//! The lead lifecycle: which stage may follow which. One table, read by the server
//! before every move and by the SPA to offer only the moves that can succeed.
//!
//! Lead → MQL → SQL → Opportunity → Customer is the funnel; a rep may qualify a fresh
//! lead straight to SQL when a call shows the need. Any open stage can be lost (with a
//! reason); a lost lead can be recycled back to nurture or the pool, and a recycled
//! lead re-enters the funnel as a lead or MQL.

use serde::{Deserialize, Serialize};

use crate::LeadStage;

/// What a rep learned when qualifying a lead: budget, authority, need, timeline. When
/// the admin requires it, a lead becomes an SQL only with all four filled in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bant {
    /// e.g. "50 万以内", "approved for Q3".
    #[serde(default)]
    pub budget: Option<String>,
    /// Who decides, e.g. "IT 总监 王总".
    #[serde(default)]
    pub authority: Option<String>,
    #[serde(default)]
    pub need: Option<String>,
    /// e.g. "本季度上线".
    #[serde(default)]
    pub timeline: Option<String>,
}

/// The longest answer to one BANT question, in characters.
pub const MAX_BANT_CHARS: usize = 500;

impl Bant {
    fn filled(v: &Option<String>) -> bool {
        v.as_deref().is_some_and(|t| !t.trim().is_empty())
    }

    /// The questions without an answer, by their camelCase names.
    pub fn missing(&self) -> Vec<&'static str> {
        [
            ("budget", &self.budget),
            ("authority", &self.authority),
            ("need", &self.need),
            ("timeline", &self.timeline),
        ]
        .into_iter()
        .filter(|(_, v)| !Self::filled(v))
        .map(|(k, _)| k)
        .collect()
    }

    pub fn is_complete(&self) -> bool {
        self.missing().is_empty()
    }
}

/// Why leads and deals are lost, unless the admin sets their own list.
pub fn default_lost_reasons() -> Vec<String> {
    [
        "价格太高",
        "选择了竞争对手",
        "没有预算",
        "没有决策权",
        "时机不对",
        "联系不上",
        "需求不匹配",
    ]
    .into_iter()
    .map(str::to_string)
    .collect()
}

/// Every allowed move, `(from, to)`.
pub const TRANSITIONS: &[(LeadStage, LeadStage)] = &[
    (LeadStage::Lead, LeadStage::Mql),
    (LeadStage::Lead, LeadStage::Sql),
    (LeadStage::Lead, LeadStage::Lost),
    (LeadStage::Mql, LeadStage::Lead),
    (LeadStage::Mql, LeadStage::Sql),
    (LeadStage::Mql, LeadStage::Lost),
    (LeadStage::Sql, LeadStage::Opportunity),
    (LeadStage::Sql, LeadStage::Mql),
    (LeadStage::Sql, LeadStage::Lost),
    (LeadStage::Opportunity, LeadStage::Customer),
    (LeadStage::Opportunity, LeadStage::Lost),
    (LeadStage::Lost, LeadStage::Recycled),
    (LeadStage::Recycled, LeadStage::Lead),
    (LeadStage::Recycled, LeadStage::Mql),
    (LeadStage::Recycled, LeadStage::Sql),
    (LeadStage::Recycled, LeadStage::Lost),
];

/// Why a move is refused, in words a rep understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveRefused {
    /// The stage machine has no such arrow.
    NotAllowed { from: LeadStage, to: LeadStage },
    /// Losing a lead needs a reason, for the lost-reason report.
    ReasonRequired,
    /// The admin requires budget, authority, need and timeline before SQL.
    BantRequired { missing: Vec<&'static str> },
}

impl std::fmt::Display for MoveRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MoveRefused::NotAllowed { from, to } => write!(
                f,
                "a lead cannot move from {} to {}",
                from.as_str().to_uppercase(),
                to.as_str().to_uppercase()
            ),
            MoveRefused::ReasonRequired => write!(f, "say why the lead was lost"),
            MoveRefused::BantRequired { missing } => write!(
                f,
                "qualify the lead first: fill in {} (BANT) before moving it to SQL",
                missing.join(", ")
            ),
        }
    }
}

/// True when the table has the arrow `from → to`. Staying put is not a move.
pub fn can_move(from: LeadStage, to: LeadStage) -> bool {
    TRANSITIONS.contains(&(from, to))
}

/// The stages a lead in `from` may move to, in funnel order.
pub fn next_stages(from: LeadStage) -> Vec<LeadStage> {
    LeadStage::ALL
        .into_iter()
        .filter(|to| can_move(from, *to))
        .collect()
}

/// Checks one move; `lost_reason` is what the rep gave (blank counts as none).
pub fn check_move(
    from: LeadStage,
    to: LeadStage,
    lost_reason: Option<&str>,
) -> Result<(), MoveRefused> {
    if !can_move(from, to) {
        return Err(MoveRefused::NotAllowed { from, to });
    }
    if to == LeadStage::Lost && lost_reason.map(str::trim).unwrap_or("").is_empty() {
        return Err(MoveRefused::ReasonRequired);
    }
    Ok(())
}

/// [`check_move`], and when the admin requires BANT, a move to SQL only with all four
/// answers.
pub fn check_qualified_move(
    from: LeadStage,
    to: LeadStage,
    lost_reason: Option<&str>,
    bant_required: bool,
    bant: Option<&Bant>,
) -> Result<(), MoveRefused> {
    check_move(from, to, lost_reason)?;
    if to == LeadStage::Sql && bant_required {
        let missing = bant.map_or_else(|| Bant::default().missing(), Bant::missing);
        if !missing.is_empty() {
            return Err(MoveRefused::BantRequired { missing });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use LeadStage::*;

    #[test]
    fn the_transition_table() {
        // (from, to, allowed)
        let cases = [
            (Lead, Mql, true),
            (Lead, Sql, true),
            (Lead, Opportunity, false),
            (Lead, Customer, false),
            (Lead, Lost, true),
            (Lead, Recycled, false),
            (Mql, Sql, true),
            (Mql, Lead, true),
            (Mql, Customer, false),
            (Sql, Opportunity, true),
            (Sql, Lead, false),
            (Opportunity, Customer, true),
            (Opportunity, Sql, false),
            (Opportunity, Lost, true),
            (Customer, Lost, false),
            (Customer, Lead, false),
            (Lost, Recycled, true),
            (Lost, Lead, false),
            (Lost, Mql, false),
            (Recycled, Lead, true),
            (Recycled, Mql, true),
            (Recycled, Customer, false),
            (Lead, Lead, false),
        ];
        for (from, to, allowed) in cases {
            assert_eq!(can_move(from, to), allowed, "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn every_open_stage_can_be_lost_and_closed_ones_cannot() {
        for s in LeadStage::ALL {
            assert_eq!(can_move(s, Lost), s.is_open(), "{s:?}");
        }
        assert!(next_stages(Customer).is_empty());
        assert_eq!(next_stages(Lost), vec![Recycled]);
    }

    #[test]
    fn losing_needs_a_reason() {
        assert_eq!(
            check_move(Mql, Lost, None),
            Err(MoveRefused::ReasonRequired)
        );
        assert_eq!(
            check_move(Mql, Lost, Some("  ")),
            Err(MoveRefused::ReasonRequired)
        );
        assert_eq!(check_move(Mql, Lost, Some("预算不足")), Ok(()));
        assert_eq!(
            check_move(Customer, Lead, None).unwrap_err().to_string(),
            "a lead cannot move from CUSTOMER to LEAD"
        );
    }

    #[test]
    fn sql_needs_bant_when_the_admin_says_so() {
        let partial = Bant {
            budget: Some("50 万".into()),
            need: Some("替换旧 CRM".into()),
            ..Bant::default()
        };
        assert_eq!(check_qualified_move(Mql, Sql, None, false, None), Ok(()));
        assert_eq!(
            check_qualified_move(Mql, Sql, None, true, Some(&partial)),
            Err(MoveRefused::BantRequired {
                missing: vec!["authority", "timeline"]
            })
        );
        let full = Bant {
            authority: Some("IT 总监".into()),
            timeline: Some("本季度".into()),
            ..partial
        };
        assert!(full.is_complete());
        assert_eq!(
            check_qualified_move(Mql, Sql, None, true, Some(&full)),
            Ok(())
        );
        // Other moves are not gated.
        assert_eq!(check_qualified_move(Lead, Mql, None, true, None), Ok(()));
        assert!(check_qualified_move(Mql, Sql, None, true, None)
            .unwrap_err()
            .to_string()
            .contains("budget, authority, need, timeline"));
    }
}
