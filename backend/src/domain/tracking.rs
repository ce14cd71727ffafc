//! Behaviour events: what a lead does on the website, in emails, at webinars. They land
//! on the lead's timeline (and, with the scoring issue, move the score).
//!
//! Integrations send them with an API key; a website sends them from the visitor's
//! browser with a per-lead tracking token, signed so nobody can forge events for other
//! leads.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use leadflow_shared::{BehaviourKind, UserErrorCode};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait};
use sha2::Sha256;
use uuid::Uuid;

use super::timeline;
use super::{begin_write, optional_text, Actor};
use crate::entity::{lead, lead_event};
use crate::error::{DomainError, DomainResult};

/// Signs and checks per-lead tracking tokens.
#[derive(Clone)]
pub struct TrackingKey(Vec<u8>);

impl TrackingKey {
    /// Derived from the installation's secret, so it survives restarts and is shared by
    /// every instance.
    pub fn derive(secret: &str) -> Self {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
        mac.update(b"leadflow lead tracking");
        TrackingKey(mac.finalize().into_bytes().to_vec())
    }

    fn mac(&self, lead_id: Uuid) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(lead_id.as_bytes());
        mac
    }

    /// `<lead id>.<signature>`, safe in URLs.
    pub fn token(&self, lead_id: Uuid) -> String {
        let sig = self.mac(lead_id).finalize().into_bytes();
        format!(
            "{}.{}",
            lead_id.simple(),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&sig[..16])
        )
    }

    /// The lead a token was issued for, if the signature holds.
    pub fn verify(&self, token: &str) -> Option<Uuid> {
        let (id, sig) = token.trim().split_once('.')?;
        let lead_id = Uuid::parse_str(id).ok()?;
        let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(sig)
            .ok()?;
        self.mac(lead_id).verify_truncated_left(&sig).ok()?;
        (sig.len() == 16).then_some(lead_id)
    }
}

#[derive(Debug, Clone)]
pub struct BehaviourEvent {
    pub lead_id: Uuid,
    pub kind: BehaviourKind,
    pub url: Option<String>,
    /// The asset, webinar or custom event's name.
    pub name: Option<String>,
    pub occurred_at: Option<DateTime<Utc>>,
    pub properties: Option<serde_json::Value>,
}

/// Records one behaviour event on the lead (or on the lead it was merged into).
pub async fn track(
    db: &DatabaseConnection,
    actor: Actor,
    event: BehaviourEvent,
) -> DomainResult<lead_event::Model> {
    let invalid = |e| DomainError::Invalid(vec![e]);
    let url = optional_text("url", "URL", event.url.as_deref(), 2_000).map_err(invalid)?;
    let name = optional_text("name", "name", event.name.as_deref(), 200).map_err(invalid)?;
    if event.kind == BehaviourKind::Custom && name.is_none() {
        return Err(DomainError::invalid(
            "name",
            UserErrorCode::Required,
            "a custom event needs a name",
        ));
    }
    if matches!(
        event.kind,
        BehaviourKind::PageView | BehaviourKind::EmailClick
    ) && url.is_none()
    {
        return Err(DomainError::invalid(
            "url",
            UserErrorCode::Required,
            "page views and email clicks carry the URL",
        ));
    }
    let properties = match event.properties {
        None | Some(serde_json::Value::Null) => serde_json::json!({}),
        Some(serde_json::Value::Object(map)) if map.len() <= 50 => serde_json::Value::Object(map),
        Some(_) => {
            return Err(DomainError::invalid(
                "properties",
                UserErrorCode::Invalid,
                "properties are an object of at most 50 keys",
            ))
        }
    };
    let now = Utc::now();
    let at = event.occurred_at.unwrap_or(now);
    if at > now + Duration::minutes(5) || at < now - Duration::days(365) {
        return Err(DomainError::invalid(
            "occurredAt",
            UserErrorCode::Invalid,
            "the event time must be within the last year and not in the future",
        ));
    }
    let txn = begin_write(db).await?;
    let mut target = lead::Entity::find_by_id(event.lead_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("leadId", "lead"))?;
    // Events for a merged lead belong to the one it was merged into.
    for _ in 0..5 {
        let Some(next) = target.merged_into else {
            break;
        };
        target = lead::Entity::find_by_id(next)
            .one(&txn)
            .await?
            .ok_or_else(|| DomainError::not_found("leadId", "lead"))?;
    }
    let data = serde_json::json!({ "url": url, "name": name, "properties": properties });
    let recorded = timeline::event(target.id, event.kind.as_str(), actor, data, at)
        .insert(&txn)
        .await?;
    super::leads::touch_activity(&txn, target.id, at).await?;
    super::scoring::rescore_lead(&txn, target.clone(), now).await?;
    timeline::announce(
        "lead.behaviour",
        target.id,
        serde_json::json!({ "leadId": target.id, "kind": event.kind.as_str() }),
    )
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_for_their_lead_and_key() {
        let key = TrackingKey::derive("0123456789abcdef0123456789abcdef");
        let lead = Uuid::now_v7();
        let token = key.token(lead);
        assert_eq!(key.verify(&token), Some(lead));
        let other = Uuid::now_v7();
        let forged = format!("{}.{}", other.simple(), token.split_once('.').unwrap().1);
        assert_eq!(key.verify(&forged), None);
        assert_eq!(
            TrackingKey::derive("another-secret-another-secret-xx").verify(&token),
            None
        );
        assert_eq!(key.verify("garbage"), None);
        assert_eq!(key.verify(&format!("{}.", lead.simple())), None);
    }
}
