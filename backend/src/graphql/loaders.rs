//! Batch loaders: a page of users asking for their teams costs one query, not one each.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::domain::{teams, users};
use crate::entity::{team, user};

pub struct UserLoader(pub DatabaseConnection);
pub struct TeamLoader(pub DatabaseConnection);

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
