//! Opportunities and the pipelines they move through.
//!
//! A pipeline is an ordered list of stages (初步接洽 → 方案演示 → 报价 → 合同谈判, then
//! 赢单 or 输单), each with the chance that a deal there is won. The kanban shows one
//! column per stage with the number of deals, their amount and the amount weighted by
//! that chance. Open deals move freely between open stages and may close as won or
//! lost (lost needs a reason); a closed deal stays closed.

use serde::{Deserialize, Serialize};

use crate::scoring::RuleError;
use crate::UserErrorCode;

/// The largest amount one opportunity may carry, in minor units: ¥10 billion.
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000_000;
/// The most stages in a pipeline.
pub const MAX_STAGES: usize = 20;
pub const MAX_STAGE_NAME_CHARS: usize = 40;

/// What reaching a stage means for the deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "PipelineStageKind"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StageKind {
    /// Still being worked.
    #[default]
    Open,
    /// Closed: the customer signed.
    Won,
    /// Closed: the deal was lost (with a reason).
    Lost,
}

impl StageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StageKind::Open => "open",
            StageKind::Won => "won",
            StageKind::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Option<StageKind> {
        [StageKind::Open, StageKind::Won, StageKind::Lost]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    pub fn is_closed(self) -> bool {
        self != StageKind::Open
    }
}

/// One stage as an admin defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StageDefinition {
    pub name: String,
    /// Percent, 0–100.
    pub probability: u8,
    #[serde(default)]
    pub kind: StageKind,
}

/// The stages every new installation starts with.
pub fn default_stages() -> Vec<StageDefinition> {
    let open = |name: &str, probability| StageDefinition {
        name: name.to_string(),
        probability,
        kind: StageKind::Open,
    };
    vec![
        open("初步接洽", 10),
        open("方案演示", 30),
        open("报价", 50),
        open("合同谈判", 70),
        StageDefinition {
            name: "赢单".to_string(),
            probability: 100,
            kind: StageKind::Won,
        },
        StageDefinition {
            name: "输单".to_string(),
            probability: 0,
            kind: StageKind::Lost,
        },
    ]
}

/// Checks a pipeline's stages: names present and distinct, probabilities in range, at
/// least one open stage, exactly one won and one lost stage.
pub fn validate_stages(stages: &[StageDefinition]) -> Result<(), Vec<RuleError>> {
    let mut problems = Vec::new();
    let mut push = |path: String, code: UserErrorCode, message: &str| {
        problems.push(RuleError {
            path,
            code,
            message: message.to_string(),
        })
    };
    if stages.len() > MAX_STAGES {
        push(
            "stages".into(),
            UserErrorCode::Invalid,
            "a pipeline has at most 20 stages",
        );
    }
    let mut seen: Vec<String> = Vec::new();
    for (i, s) in stages.iter().enumerate() {
        let name = s.name.trim();
        if name.is_empty() {
            push(
                format!("stages[{i}].name"),
                UserErrorCode::Required,
                "a stage needs a name",
            );
        } else if name.chars().count() > MAX_STAGE_NAME_CHARS {
            push(
                format!("stages[{i}].name"),
                UserErrorCode::Invalid,
                "a stage name has at most 40 characters",
            );
        } else if seen.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            push(
                format!("stages[{i}].name"),
                UserErrorCode::Taken,
                "two stages have this name",
            );
        }
        seen.push(name.to_string());
        if s.probability > 100 {
            push(
                format!("stages[{i}].probability"),
                UserErrorCode::Invalid,
                "a probability is a percentage from 0 to 100",
            );
        }
    }
    let count = |k: StageKind| stages.iter().filter(|s| s.kind == k).count();
    if count(StageKind::Open) == 0 {
        push(
            "stages".into(),
            UserErrorCode::Required,
            "a pipeline needs at least one open stage",
        );
    }
    if count(StageKind::Won) != 1 {
        push(
            "stages".into(),
            UserErrorCode::Invalid,
            "a pipeline needs exactly one won stage",
        );
    }
    if count(StageKind::Lost) != 1 {
        push(
            "stages".into(),
            UserErrorCode::Invalid,
            "a pipeline needs exactly one lost stage",
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Why a deal cannot move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DealMoveRefused {
    /// Won and lost deals stay where they are.
    Closed,
    /// Already there.
    SameStage,
    /// Losing a deal needs a reason.
    ReasonRequired,
}

impl std::fmt::Display for DealMoveRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DealMoveRefused::Closed => "this deal is closed; it cannot move any more",
            DealMoveRefused::SameStage => "the deal is already in this stage",
            DealMoveRefused::ReasonRequired => "say why the deal was lost",
        })
    }
}

/// Checks a move of a deal from a stage of kind `from` to one of kind `to`.
pub fn check_deal_move(
    from: StageKind,
    to: StageKind,
    same_stage: bool,
    lost_reason: Option<&str>,
) -> Result<(), DealMoveRefused> {
    if from.is_closed() {
        return Err(DealMoveRefused::Closed);
    }
    if same_stage {
        return Err(DealMoveRefused::SameStage);
    }
    if to == StageKind::Lost && lost_reason.map(str::trim).unwrap_or("").is_empty() {
        return Err(DealMoveRefused::ReasonRequired);
    }
    Ok(())
}

/// Checks an amount in minor units: not negative, not absurd.
pub fn check_amount(minor: i64) -> Result<(), String> {
    if minor < 0 {
        Err("an amount cannot be negative".to_string())
    } else if minor > MAX_AMOUNT_MINOR {
        Err("the amount is larger than any deal could be (at most 10,000,000,000)".to_string())
    } else {
        Ok(())
    }
}

/// The amount weighted by the stage's chance, in minor units, rounded down.
pub fn weighted(amount_minor: i64, probability: u8) -> i64 {
    ((i128::from(amount_minor) * i128::from(probability.min(100))) / 100) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_pipeline_is_valid() {
        assert_eq!(validate_stages(&default_stages()), Ok(()));
    }

    #[test]
    fn bad_pipelines_name_each_problem() {
        let mut stages = default_stages();
        stages[1].name = "初步接洽".into();
        stages[2].probability = 120;
        stages.retain(|s| s.kind != StageKind::Lost);
        let errors = validate_stages(&stages).unwrap_err();
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert!(paths.contains(&"stages[1].name"), "{paths:?}");
        assert!(paths.contains(&"stages[2].probability"), "{paths:?}");
        assert!(errors.iter().any(|e| e.message.contains("one lost stage")));
        assert!(validate_stages(&[]).is_err());
    }

    #[test]
    fn deal_moves() {
        use StageKind::*;
        assert_eq!(check_deal_move(Open, Open, false, None), Ok(()));
        assert_eq!(check_deal_move(Open, Won, false, None), Ok(()));
        assert_eq!(
            check_deal_move(Open, Lost, false, Some(" ")),
            Err(DealMoveRefused::ReasonRequired)
        );
        assert_eq!(check_deal_move(Open, Lost, false, Some("价格")), Ok(()));
        assert_eq!(
            check_deal_move(Won, Open, false, None),
            Err(DealMoveRefused::Closed)
        );
        assert_eq!(
            check_deal_move(Lost, Won, false, None),
            Err(DealMoveRefused::Closed)
        );
        assert_eq!(
            check_deal_move(Open, Open, true, None),
            Err(DealMoveRefused::SameStage)
        );
    }

    #[test]
    fn amounts_and_weights() {
        assert!(check_amount(-1).is_err());
        assert!(check_amount(0).is_ok());
        assert!(check_amount(MAX_AMOUNT_MINOR).is_ok());
        assert!(check_amount(MAX_AMOUNT_MINOR + 1).is_err());
        assert_eq!(weighted(18_000_000, 30), 5_400_000);
        assert_eq!(weighted(999, 50), 499);
        assert_eq!(weighted(MAX_AMOUNT_MINOR, 100), MAX_AMOUNT_MINOR);
    }
}
