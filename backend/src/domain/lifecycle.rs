//! Moving leads through the lifecycle. Every move is checked against the one
//! transition table in `leadflow_shared::lifecycle`, recorded as a `stage_changed`
//! event with its actor, and announced — one lead or a bulk selection, all or none.

use chrono::Utc;
use leadflow_shared::lifecycle::{check_qualified_move, MoveRefused};
use leadflow_shared::{LeadStage, UserErrorCode};
use sea_orm::{ActiveModelTrait, DatabaseConnection, IntoActiveModel, Set};
use uuid::Uuid;

use super::assignments::{load_all, unique};
use super::leads::Visibility;
use super::timeline;
use super::{begin_write, optional_text, Actor};
use crate::entity::lead;
use crate::error::{DomainError, DomainResult};

fn stage_of(l: &lead::Model) -> LeadStage {
    LeadStage::parse(&l.stage).unwrap_or(LeadStage::Lead)
}

/// Moves every selected lead to `to`. A lead already there is left alone; one the
/// machine does not allow to move refuses the whole selection, naming the lead.
pub async fn move_stage(
    db: &DatabaseConnection,
    actor: Actor,
    visibility: &Visibility,
    lead_ids: &[Uuid],
    to: LeadStage,
    lost_reason: Option<&str>,
) -> DomainResult<Vec<lead::Model>> {
    let ids = unique(lead_ids)?;
    let reason = optional_text("lostReason", "lost reason", lost_reason, 64)
        .map_err(|e| DomainError::Invalid(vec![e]))?;
    if matches!(to, LeadStage::Opportunity | LeadStage::Customer) {
        return Err(DomainError::invalid(
            "stage",
            UserErrorCode::Invalid,
            "open an opportunity from the lead to move it into the pipeline",
        ));
    }
    let txn = begin_write(db).await?;
    let settings = super::pipeline::settings(&txn).await?;
    if to == LeadStage::Lost {
        super::pipeline::check_lost_reason(&settings, "lead", reason.as_deref())?;
    }
    let leads = load_all(&txn, visibility, &ids).await?;
    let now = Utc::now();
    let mut out = Vec::with_capacity(leads.len());
    for l in leads {
        let from = stage_of(&l);
        if from == to {
            out.push(l);
            continue;
        }
        let bant = super::pipeline::bant_of(&l);
        if let Err(refused) = check_qualified_move(
            from,
            to,
            reason.as_deref(),
            settings.bant_required,
            Some(&bant),
        ) {
            let field = match refused {
                MoveRefused::ReasonRequired => "lostReason",
                MoveRefused::NotAllowed { .. } => "stage",
                MoveRefused::BantRequired { .. } => "bant",
            };
            let code = match refused {
                MoveRefused::ReasonRequired | MoveRefused::BantRequired { .. } => {
                    UserErrorCode::Required
                }
                MoveRefused::NotAllowed { .. } => UserErrorCode::Invalid,
            };
            let message = if ids.len() == 1 {
                refused.to_string()
            } else {
                format!("{}: {refused}", l.person_name)
            };
            return Err(DomainError::invalid(field, code, message));
        }
        let version = l.version;
        let mut model = l.into_active_model();
        model.stage = Set(to.as_str().to_string());
        model.lost_reason = Set(if to == LeadStage::Lost {
            reason.clone()
        } else {
            None
        });
        model.version = Set(version + 1);
        model.updated_at = Set(now);
        let updated = model.update(&txn).await?;
        let data = serde_json::json!({
            "from": from.as_str(),
            "to": to.as_str(),
            "lostReason": updated.lost_reason,
        });
        timeline::event(updated.id, "stage_changed", actor, data.clone(), now)
            .insert(&txn)
            .await?;
        super::analytics::stage_reached(&txn, updated.id, to, now).await?;
        let mut announced = data;
        announced["leadId"] = serde_json::json!(updated.id);
        timeline::announce("lead.stage_changed", updated.id, announced)
            .insert(&txn)
            .await?;
        if from == LeadStage::Lead || from == LeadStage::Recycled {
            // Qualified by hand: a nurtured lead leaves its journeys for its rep now.
            super::journeys::lead_woke_up(&txn, updated.id, now).await?;
        }
        super::journeys::on_signal(
            &txn,
            &updated,
            &[super::journeys::Signal::EnteredStage(to)],
            now,
        )
        .await?;
        out.push(updated);
    }
    txn.commit().await?;
    tracing::info!(count = out.len(), stage = to.as_str(), "lead stages moved");
    Ok(out)
}
