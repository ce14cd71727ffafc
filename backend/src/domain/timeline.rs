//! The two rows every change to a lead writes in its transaction: the timeline event
//! people read (who did what, when) and the outbox row that fans the change out to
//! subscribers and webhooks.

use chrono::{DateTime, Utc};
use sea_orm::{NotSet, Set};
use uuid::Uuid;

use super::Actor;
use crate::entity::{lead_event, outbox};

/// A timeline event on `lead_id` that happened at `at`.
pub(crate) fn event(
    lead_id: Uuid,
    kind: &str,
    actor: Actor,
    data: serde_json::Value,
    at: DateTime<Utc>,
) -> lead_event::ActiveModel {
    lead_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        lead_id: Set(lead_id),
        kind: Set(kind.to_string()),
        actor_user_id: Set(actor.user_id),
        actor_api_key_id: Set(actor.api_key_id),
        data: Set(data),
        occurred_at: Set(at),
        created_at: Set(Utc::now()),
    }
}

/// An outbox row announcing a change to `lead_id` under `topic`.
pub(crate) fn announce(
    topic: &str,
    lead_id: Uuid,
    payload: serde_json::Value,
) -> outbox::ActiveModel {
    outbox::ActiveModel {
        seq: NotSet,
        id: Set(Uuid::now_v7()),
        topic: Set(topic.to_string()),
        aggregate_id: Set(lead_id),
        payload: Set(payload),
        created_at: Set(Utc::now()),
    }
}
