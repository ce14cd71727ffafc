//! The dashboards: `analytics(filter)` checks the filter once and returns a report
//! whose widgets are computed only when selected, each in its own time-limited read.
//!
//! Signed-in users of every role may read it, scoped to what they own or manage;
//! integrations need `leads:read`.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use leadflow_shared::analytics::{
    AnalyticsFilter, AnalyticsWidget, CampaignRoiRow, ConversionCycle, Funnel, LeaderboardRow,
    LostReasons, SourceRoiRow, SpeedToLead, Trend, TrendBucket, UnitEconomics,
};
use leadflow_shared::{ApiScope, Channel};

use super::errors::{internal, payload, UserError};
use super::guards::{principal, AccessGuard};
use crate::app::AppState;
use crate::auth::Principal;
use crate::domain::analytics::{self, Dashboard, Scope, WidgetData};

#[derive(InputObject)]
pub struct AnalyticsFilterInput {
    /// Inclusive.
    pub from: DateTime<Utc>,
    /// Exclusive.
    pub to: DateTime<Utc>,
    pub team_id: Option<ID>,
    pub owner_id: Option<ID>,
    pub source: Option<Channel>,
    pub campaign_id: Option<ID>,
    /// How `trend` groups time.
    #[graphql(default_with = "TrendBucket::Week")]
    pub bucket: TrendBucket,
    /// The viewer's offset from UTC in minutes (480 for China): days, weeks and months
    /// start at local midnight.
    #[graphql(default)]
    pub utc_offset_minutes: i32,
}

impl From<AnalyticsFilterInput> for AnalyticsFilter {
    fn from(i: AnalyticsFilterInput) -> Self {
        AnalyticsFilter {
            from: i.from,
            to: i.to,
            team_id: i.team_id.map(|id| id.0),
            owner_id: i.owner_id.map(|id| id.0),
            source: i.source,
            campaign_id: i.campaign_id.map(|id| id.0),
            bucket: i.bucket,
            utc_offset_minutes: i.utc_offset_minutes,
        }
    }
}

#[derive(SimpleObject)]
pub struct AnalyticsResult {
    /// Null when `userErrors` is not empty.
    pub report: Option<AnalyticsReport>,
    pub user_errors: Vec<UserError>,
}

/// One dashboard's numbers; each field is one widget.
pub struct AnalyticsReport(Arc<Dashboard>);

impl AnalyticsReport {
    async fn widget(
        &self,
        ctx: &Context<'_>,
        widget: AnalyticsWidget,
    ) -> async_graphql::Result<WidgetData> {
        let state = ctx.data_unchecked::<AppState>();
        self.0.widget(&state.db, widget).await.map_err(internal)
    }
}

fn mismatch() -> async_graphql::Error {
    internal("analytics returned another widget than asked")
}

#[Object]
impl AnalyticsReport {
    async fn from(&self) -> DateTime<Utc> {
        self.0.filter.from
    }

    async fn to(&self) -> DateTime<Utc> {
        self.0.filter.to
    }

    /// Sources with leads in the range, most leads first.
    async fn source_roi(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SourceRoiRow>> {
        match self.widget(ctx, AnalyticsWidget::SourceRoi).await? {
            WidgetData::SourceRoi(v) => Ok(v),
            _ => Err(mismatch()),
        }
    }

    /// Campaigns with leads in the range, most leads first.
    async fn campaign_roi(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CampaignRoiRow>> {
        match self.widget(ctx, AnalyticsWidget::CampaignRoi).await? {
            WidgetData::CampaignRoi(v) => Ok(v),
            _ => Err(mismatch()),
        }
    }

    async fn funnel(&self, ctx: &Context<'_>) -> async_graphql::Result<Funnel> {
        match self.widget(ctx, AnalyticsWidget::Funnel).await? {
            WidgetData::Funnel(v) => Ok(v),
            _ => Err(mismatch()),
        }
    }

    async fn speed_to_lead(&self, ctx: &Context<'_>) -> async_graphql::Result<SpeedToLead> {
        match self.widget(ctx, AnalyticsWidget::SpeedToLead).await? {
            WidgetData::SpeedToLead(v) => Ok(v),
            _ => Err(mismatch()),
        }
    }

    async fn conversion_cycle(&self, ctx: &Context<'_>) -> async_graphql::Result<ConversionCycle> {
        match self.widget(ctx, AnalyticsWidget::ConversionCycle).await? {
            WidgetData::ConversionCycle(v) => Ok(v),
            _ => Err(mismatch()),
        }
    }

    /// Owners of the range's leads and reps who logged activities in it; most won
    /// amount first.
    async fn leaderboard(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LeaderboardRow>> {
        match self.widget(ctx, AnalyticsWidget::Leaderboard).await? {
            WidgetData::Leaderboard(v) => Ok(v),
            _ => Err(mismatch()),
        }
    }

    async fn lost_reasons(&self, ctx: &Context<'_>) -> async_graphql::Result<LostReasons> {
        match self.widget(ctx, AnalyticsWidget::LostReasons).await? {
            WidgetData::LostReasons(v) => Ok(v),
            _ => Err(mismatch()),
        }
    }

    async fn unit_economics(&self, ctx: &Context<'_>) -> async_graphql::Result<UnitEconomics> {
        match self.widget(ctx, AnalyticsWidget::UnitEconomics).await? {
            WidgetData::UnitEconomics(v) => Ok(v),
            _ => Err(mismatch()),
        }
    }

    /// Grouped by the filter's `bucket`; every period present.
    async fn trend(&self, ctx: &Context<'_>) -> async_graphql::Result<Trend> {
        match self.widget(ctx, AnalyticsWidget::Trend).await? {
            WidgetData::Trend(v) => Ok(v),
            _ => Err(mismatch()),
        }
    }
}

#[derive(Default)]
pub struct AnalyticsQuery;

#[Object]
impl AnalyticsQuery {
    /// The dashboards over the leads captured in `[from, to)` that the caller may see:
    /// reps their own, managers their teams', admins, marketers and `leads:read` keys
    /// all. Bad input (an inverted or over-ten-year range, an unknown team, owner or
    /// campaign) comes back as `userErrors`.
    #[graphql(guard = "AccessGuard::users_or_key(ApiScope::LeadsRead)")]
    async fn analytics(
        &self,
        ctx: &Context<'_>,
        filter: AnalyticsFilterInput,
    ) -> async_graphql::Result<AnalyticsResult> {
        let state = ctx.data_unchecked::<AppState>();
        let scope = match principal(ctx)? {
            Principal::User(u) => Scope::for_user(&state.db, u.id, u.role)
                .await
                .map_err(internal)?,
            Principal::ApiKey(_) => Scope::All,
        };
        Ok(
            match payload(analytics::dashboard(&state.db, scope, filter.into()).await)? {
                Ok(d) => AnalyticsResult {
                    report: Some(AnalyticsReport(Arc::new(d))),
                    user_errors: vec![],
                },
                Err(user_errors) => AnalyticsResult {
                    report: None,
                    user_errors,
                },
            },
        )
    }
}
