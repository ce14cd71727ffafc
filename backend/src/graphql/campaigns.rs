//! Campaigns over GraphQL: everyone reads them (to filter leads); admins and marketers
//! create and edit them.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use leadflow_shared::money::format_minor_units;
use leadflow_shared::{Channel, Role};

use super::errors::{internal, payload, UserError};
use super::guards::{current_user, RoleGuard};
use super::users::parse_id;
use crate::app::AppState;
use crate::domain::campaigns::{self, CampaignInput as DomainInput};
use crate::domain::Actor;
use crate::entity::campaign;

const MARKETING: &[Role] = &[Role::Admin, Role::Marketer];

pub struct Campaign(pub campaign::Model);

#[Object]
impl Campaign {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn channel(&self) -> Channel {
        Channel::parse(&self.0.channel).unwrap_or(Channel::Other)
    }
    /// Total spend as a decimal string in `currency`, e.g. `"180000.00"`.
    async fn cost(&self) -> String {
        format_minor_units(self.0.cost_cents)
    }
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    async fn starts_on(&self) -> Option<NaiveDate> {
        self.0.starts_on
    }
    async fn ends_on(&self) -> Option<NaiveDate> {
        self.0.ends_on
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(Default)]
pub struct CampaignsQuery;

#[Object]
impl CampaignsQuery {
    /// Every campaign, newest first.
    #[graphql(guard = "RoleGuard::any_user()")]
    async fn campaigns(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Campaign>> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(campaigns::list(&state.db)
            .await
            .map_err(internal)?
            .into_iter()
            .map(Campaign)
            .collect())
    }
}

#[derive(InputObject)]
pub struct CampaignInput {
    pub name: String,
    pub channel: Channel,
    /// Total spend as typed: `180000`, `180,000.50`.
    pub cost: String,
    /// Three-letter code; `CNY` when omitted.
    pub currency: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

impl From<CampaignInput> for DomainInput {
    fn from(i: CampaignInput) -> Self {
        DomainInput {
            name: i.name,
            channel: i.channel,
            cost: i.cost,
            currency: i.currency,
            starts_on: i.starts_on,
            ends_on: i.ends_on,
        }
    }
}

#[derive(SimpleObject)]
pub struct CampaignPayload {
    pub campaign: Option<Campaign>,
    pub user_errors: Vec<UserError>,
}

fn campaign_payload(
    result: crate::error::DomainResult<campaign::Model>,
) -> async_graphql::Result<CampaignPayload> {
    Ok(match payload(result)? {
        Ok(c) => CampaignPayload {
            campaign: Some(Campaign(c)),
            user_errors: vec![],
        },
        Err(user_errors) => CampaignPayload {
            campaign: None,
            user_errors,
        },
    })
}

#[derive(Default)]
pub struct CampaignsMutation;

#[Object]
impl CampaignsMutation {
    #[graphql(guard = "RoleGuard::new(MARKETING)")]
    async fn campaign_create(
        &self,
        ctx: &Context<'_>,
        input: CampaignInput,
    ) -> async_graphql::Result<CampaignPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let actor = Actor::user(current_user(ctx)?.id);
        campaign_payload(campaigns::create(&state.db, actor, input.into()).await)
    }

    #[graphql(guard = "RoleGuard::new(MARKETING)")]
    async fn campaign_update(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: CampaignInput,
    ) -> async_graphql::Result<CampaignPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let actor = Actor::user(current_user(ctx)?.id);
        let id = parse_id("id", &id)?;
        campaign_payload(campaigns::update(&state.db, actor, id, input.into()).await)
    }
}
