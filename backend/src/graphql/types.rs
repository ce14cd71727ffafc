//! Wire types for accounts. They wrap database rows and choose what clients see (never
//! a password hash or a key hash).

use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use leadflow_shared::{ApiScope, Role};

use super::errors::internal;
use super::loaders::{Teams, Users};
use crate::app::AppState;
use crate::domain::users as users_domain;
use crate::entity::{api_key, team, user};

pub struct User(pub user::Model);

#[Object]
impl User {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn email(&self) -> &str {
        &self.0.email
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    async fn team(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Team>> {
        let Some(id) = self.0.team_id else {
            return Ok(None);
        };
        let loader = ctx.data_unchecked::<Teams>();
        Ok(loader.load_one(id).await.map_err(internal)?.map(Team))
    }
    /// Provinces / cities this person covers (used by routing).
    async fn regions(&self) -> &[String] {
        &self.0.regions.0
    }
    /// Industries this person covers (used by routing).
    async fn industries(&self) -> &[String] {
        &self.0.industries.0
    }
    /// Open leads this person can hold before routing passes them by.
    async fn capacity(&self) -> i32 {
        self.0.capacity
    }
    /// On leave or out of office: routing passes them over.
    async fn away(&self) -> bool {
        self.0.away
    }
    async fn active(&self) -> bool {
        self.0.active
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

pub struct Team(pub team::Model);

#[Object]
impl Team {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn manager(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.manager_id else {
            return Ok(None);
        };
        let loader = ctx.data_unchecked::<Users>();
        Ok(loader.load_one(id).await.map_err(internal)?.map(User))
    }
    /// Everyone in the team, active or not, by name.
    #[graphql(complexity = "20 * child_complexity")]
    async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<User>> {
        let state = ctx.data_unchecked::<AppState>();
        let rows = users_domain::team_members(&state.db, self.0.id)
            .await
            .map_err(internal)?;
        Ok(rows.into_iter().map(User).collect())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

pub struct ApiKey(pub api_key::Model);

#[Object]
impl ApiKey {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The key's first characters, to tell keys apart; the full key is shown only once.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }
    async fn scopes(&self) -> Vec<ApiScope> {
        self.0
            .scopes
            .0
            .iter()
            .filter_map(|s| ApiScope::parse(s))
            .collect()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// Relay page information.
#[derive(SimpleObject)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

/// Turns rows fetched at `offset` into edges (each with its cursor) and the page info.
pub fn page<T, E>(
    rows: Vec<T>,
    offset: u64,
    total: u64,
    edge: impl Fn(T, String) -> E,
) -> (Vec<E>, PageInfo) {
    let count = rows.len() as u64;
    let info = PageInfo {
        has_next_page: offset + count < total,
        has_previous_page: offset > 0,
        start_cursor: (count > 0).then(|| cursor::encode(offset)),
        end_cursor: (count > 0).then(|| cursor::encode(offset + count - 1)),
    };
    let edges = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| edge(row, cursor::encode(offset + i as u64)))
        .collect();
    (edges, info)
}

/// Offset cursors: opaque to clients, stable for a list sorted on a unique key.
pub mod cursor {
    use base64::Engine;

    const TAG: &str = "offset:";

    pub fn encode(offset: u64) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{TAG}{offset}"))
    }

    pub fn decode(cursor: &str) -> Option<u64> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(cursor)
            .ok()?;
        String::from_utf8(bytes)
            .ok()?
            .strip_prefix(TAG)?
            .parse()
            .ok()
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn round_trip() {
            for n in [0, 1, 49, 1_000_000] {
                assert_eq!(super::decode(&super::encode(n)), Some(n));
            }
            assert_eq!(super::decode("garbage"), None);
        }
    }
}

/// Reads `first`/`after` into an offset and a page size, refusing nonsense.
pub fn page_window(
    first: Option<i32>,
    after: Option<&str>,
    max: i32,
) -> async_graphql::Result<(u64, u64)> {
    let first = first.unwrap_or(50);
    if !(0..=max).contains(&first) {
        return Err(
            super::ErrorCode::BadRequest.error(format!("first must be between 0 and {max}"))
        );
    }
    let offset = match after {
        None => 0,
        Some(c) => cursor::decode(c).map(|n| n + 1).ok_or_else(|| {
            super::ErrorCode::BadRequest.error("after is not a cursor from this list")
        })?,
    };
    Ok((offset, first as u64))
}
