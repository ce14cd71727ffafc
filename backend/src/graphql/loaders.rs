//! Batch loaders: a page of users asking for their teams costs one query, not one each.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::domain::{teams, users};
use crate::entity::{team, user};

pub struct UserLoader(pub DatabaseConnection);
pub struct TeamLoader(pub DatabaseConnection);

/// Users by id. A request's loader keeps what it has read (a page asking for the owner
/// of each lead reads each owner once, and a page can hand its owners over up front with
/// `feed_many`); a subscription's loader keeps nothing.
pub type Users = DataLoader<UserLoader, HashMapCache>;
/// Teams by id, kept as [`Users`] are.
pub type Teams = DataLoader<TeamLoader, HashMapCache>;

/// Fresh loaders for one request or one subscription connection (`keep: false`).
pub fn fresh(db: &DatabaseConnection, keep: bool) -> (Users, Teams) {
    let users = DataLoader::with_cache(
        UserLoader(db.clone()),
        tokio::spawn,
        HashMapCache::default(),
    );
    let teams = DataLoader::with_cache(
        TeamLoader(db.clone()),
        tokio::spawn,
        HashMapCache::default(),
    );
    users.enable_all_cache(keep);
    teams.enable_all_cache(keep);
    (users, teams)
}

impl Loader<Uuid> for UserLoader {
    type Value = user::Model;
    type Error = Arc<crate::error::DomainError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, user::Model>, Self::Error> {
        let rows = users::find_many(&self.0, keys).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|u| (u.id, u)).collect())
    }
}

impl Loader<Uuid> for TeamLoader {
    type Value = team::Model;
    type Error = Arc<crate::error::DomainError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, team::Model>, Self::Error> {
        let rows = teams::find_many(&self.0, keys).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|t| (t.id, t)).collect())
    }
}
