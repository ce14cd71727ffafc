//! Duplicates over GraphQL: the likely pairs, and merging N leads into one.

use std::collections::BTreeMap;

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use super::errors::{internal, payload, UserError};
use super::guards::RoleGuard;
use super::leads::{actor, visibility, DuplicateMatch, Lead};
use super::users::parse_id;
use crate::app::AppState;
use crate::domain::leads::Visibility;
use crate::domain::merge::{self, DuplicateReason};

#[derive(SimpleObject)]
pub struct DuplicatePair {
    pub a: Lead,
    pub b: Lead,
    pub reason: DuplicateMatch,
}

#[derive(Default)]
pub struct DuplicatesQuery;

#[Object]
impl DuplicatesQuery {
    /// Pairs of live leads that are probably one person, among those the caller sees.
    #[graphql(
        guard = "RoleGuard::any_user()",
        complexity = "first.unwrap_or(20).max(0) as usize * child_complexity"
    )]
    async fn lead_duplicates(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<DuplicatePair>> {
        let state = ctx.data_unchecked::<AppState>();
        let (_, limit) = super::types::page_window(Some(first.unwrap_or(20)), None, 100)?;
        let v = visibility(ctx)
            .await?
            .unwrap_or(Visibility::OwnersAndPool(vec![]));
        let pairs = merge::find_duplicates(&state.db, &v, limit as usize)
            .await
            .map_err(internal)?;
        Ok(pairs
            .into_iter()
            .map(|p| DuplicatePair {
                a: Lead(p.a),
                b: Lead(p.b),
                reason: match p.reason {
                    DuplicateReason::Email => DuplicateMatch::Email,
                    DuplicateReason::Phone => DuplicateMatch::Phone,
                    DuplicateReason::CompanyAndName => DuplicateMatch::CompanyAndName,
                },
            })
            .collect())
    }
}

/// Which lead a field's value comes from.
#[derive(InputObject)]
pub struct MergePick {
    /// `personName`, `title`, `company`, `email`, `phone`, `industry`, `province`,
    /// `city`, `companySize`, `source` or `campaignId`.
    pub field: String,
    pub from_lead_id: ID,
}

#[derive(InputObject)]
pub struct LeadMergeInput {
    /// The lead that lives on.
    pub survivor_id: ID,
    /// The leads merged into it.
    pub merged_ids: Vec<ID>,
    /// Field-by-field choices; unpicked fields keep the survivor's value (or the first
    /// one any of them has).
    pub picks: Option<Vec<MergePick>>,
}

#[derive(SimpleObject)]
pub struct LeadMergePayload {
    pub lead: Option<Lead>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct DuplicatesMutation;

#[Object]
impl DuplicatesMutation {
    /// Merges leads into one; their histories show on the survivor's timeline.
    #[graphql(guard = "RoleGuard::any_user()")]
    async fn lead_merge(
        &self,
        ctx: &Context<'_>,
        input: LeadMergeInput,
    ) -> async_graphql::Result<LeadMergePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let v = visibility(ctx)
            .await?
            .unwrap_or(Visibility::OwnersAndPool(vec![]));
        let survivor = parse_id("survivorId", &input.survivor_id)?;
        let merged: Vec<_> = input
            .merged_ids
            .iter()
            .map(|id| parse_id("mergedIds", id))
            .collect::<Result<_, _>>()?;
        let mut picks = BTreeMap::new();
        for p in input.picks.unwrap_or_default() {
            picks.insert(p.field, parse_id("fromLeadId", &p.from_lead_id)?);
        }
        Ok(
            match payload(
                merge::merge(&state.db, actor(ctx)?, &v, survivor, &merged, &picks).await,
            )? {
                Ok(lead) => LeadMergePayload {
                    lead: Some(Lead(lead)),
                    user_errors: vec![],
                },
                Err(user_errors) => LeadMergePayload {
                    lead: None,
                    user_errors,
                },
            },
        )
    }
}
