//! Installation-wide values the server creates for itself on first start.

use base64::Engine;
use rand::RngCore;
use sea_orm::{DatabaseConnection, EntityTrait, Set};

use crate::entity::server_setting;

const JWT_SECRET_KEY: &str = "jwt_secret";

/// The secret that signs access tokens: the configured one, or the one this
/// installation generated on its first start. Several instances sharing a database
/// agree on it because the first writer wins.
pub async fn jwt_secret(
    db: &DatabaseConnection,
    configured: Option<&str>,
) -> anyhow::Result<String> {
    if let Some(secret) = configured {
        return Ok(secret.to_string());
    }
    let mut bytes = [0u8; 48];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let candidate = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    server_setting::Entity::insert(server_setting::ActiveModel {
        key: Set(JWT_SECRET_KEY.to_string()),
        value: Set(candidate),
        created_at: Set(chrono::Utc::now()),
    })
    .on_conflict_do_nothing_on([server_setting::Column::Key])
    .exec(db)
    .await?;
    let stored = server_setting::Entity::find_by_id(JWT_SECRET_KEY.to_string())
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the JWT secret was not stored"))?;
    Ok(stored.value)
}
