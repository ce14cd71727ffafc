//! The sales pipeline over GraphQL: pipelines and stages, the kanban board (one request
//! per board), converting an SQL, moving and editing deals, BANT and lost reasons, and
//! live board changes.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, SimpleObject, Subscription, ID};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::{Stream, StreamExt};
use leadflow_shared::lifecycle::Bant as BantAnswers;
use leadflow_shared::money::{format_minor_units, parse_minor_units};
use leadflow_shared::pipeline::{weighted, StageDefinition, StageKind};
use leadflow_shared::{Role, UserErrorCode};
use tokio_stream::wrappers::BroadcastStream;
use uuid::Uuid;

use super::errors::{internal, payload, ErrorCode, UserError};
use super::guards::{current_user, RoleGuard};
use super::leads::{actor, visibility, Lead};
use super::loaders::Users;
use super::types::User;
use super::users::parse_id;
use crate::app::AppState;
use crate::domain::leads::Visibility;
use crate::domain::pipeline::{self, BoardFilter as DomainFilter};
use crate::entity::{opportunity, pipeline_stage};
use crate::events::OutboxEvent;

/// Who reads the pipeline.
const SELLERS: &[Role] = &[Role::Admin, Role::Manager, Role::Rep, Role::Marketer];
/// Who works deals: marketers read the pipeline, sales changes it.
const DEAL_WORKERS: &[Role] = &[Role::Admin, Role::Manager, Role::Rep];

pub struct PipelineStage(pub pipeline_stage::Model);

#[Object]
impl PipelineStage {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn position(&self) -> i32 {
        self.0.position
    }
    /// Percent chance that a deal here is won.
    async fn probability(&self) -> i32 {
        i32::from(self.0.probability)
    }
    async fn kind(&self) -> StageKind {
        pipeline::kind_of(&self.0)
    }
}

pub struct Pipeline(pub pipeline::PipelineWithStages);

#[Object]
impl Pipeline {
    async fn id(&self) -> ID {
        ID(self.0.pipeline.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.pipeline.name
    }
    async fn is_default(&self) -> bool {
        self.0.pipeline.is_default
    }
    async fn stages(&self) -> Vec<PipelineStage> {
        self.0.stages.iter().cloned().map(PipelineStage).collect()
    }
}

pub struct Opportunity {
    pub deal: opportunity::Model,
    pub stage: pipeline_stage::Model,
}

#[Object]
impl Opportunity {
    async fn id(&self) -> ID {
        ID(self.deal.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.deal.name
    }
    /// In major units: "180000.00".
    async fn amount(&self) -> String {
        format_minor_units(self.deal.amount_minor)
    }
    /// The amount times the stage's probability.
    async fn weighted_amount(&self) -> String {
        format_minor_units(weighted(
            self.deal.amount_minor,
            self.stage.probability.clamp(0, 100) as u8,
        ))
    }
    async fn currency(&self) -> &str {
        &self.deal.currency
    }
    /// "YYYY-MM-DD".
    async fn expected_close_on(&self) -> Option<String> {
        self.deal.expected_close_on.map(|d| d.to_string())
    }
    async fn stage(&self) -> PipelineStage {
        PipelineStage(self.stage.clone())
    }
    async fn pipeline_id(&self) -> ID {
        ID(self.deal.pipeline_id.to_string())
    }
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.deal.owner_id else {
            return Ok(None);
        };
        let loader = ctx.data_unchecked::<Users>();
        Ok(loader.load_one(id).await.map_err(internal)?.map(User))
    }
    async fn lead(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Lead>> {
        let state = ctx.data_unchecked::<AppState>();
        let Some(visibility) = visibility(ctx).await? else {
            return Ok(None);
        };
        Ok(
            crate::domain::leads::find_visible(&state.db, &visibility, self.deal.lead_id)
                .await
                .map_err(internal)?
                .map(Lead),
        )
    }
    async fn lost_reason(&self) -> Option<&str> {
        self.deal.lost_reason.as_deref()
    }
    /// Name it when moving or editing: a newer one means someone else changed the deal.
    async fn version(&self) -> i32 {
        self.deal.version
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.deal.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.deal.updated_at
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.deal.closed_at
    }
    /// Pass to `pipelineColumn(after:)` for the cards after this one.
    async fn cursor(&self) -> String {
        format!("{}|{}", self.deal.updated_at.to_rfc3339(), self.deal.id)
    }
}

/// Deals with their stages, from rows.
async fn with_stages(
    state: &AppState,
    deals: Vec<opportunity::Model>,
) -> async_graphql::Result<Vec<Opportunity>> {
    let pipes = pipeline::pipelines(&state.db).await.map_err(internal)?;
    Ok(deals
        .into_iter()
        .filter_map(|deal| {
            let stage = pipes
                .iter()
                .flat_map(|p| p.stages.iter())
                .find(|s| s.id == deal.stage_id)?
                .clone();
            Some(Opportunity { deal, stage })
        })
        .collect())
}

pub async fn opportunities_of_lead(
    ctx: &Context<'_>,
    lead_id: Uuid,
) -> async_graphql::Result<Vec<Opportunity>> {
    let state = ctx.data_unchecked::<AppState>();
    let deals = pipeline::deals_of_lead(&state.db, lead_id)
        .await
        .map_err(internal)?;
    with_stages(state, deals).await
}

#[derive(SimpleObject)]
pub struct Bant {
    pub budget: Option<String>,
    pub authority: Option<String>,
    pub need: Option<String>,
    pub timeline: Option<String>,
    /// All four answered.
    pub complete: bool,
}

impl From<BantAnswers> for Bant {
    fn from(b: BantAnswers) -> Self {
        Bant {
            complete: b.is_complete(),
            budget: b.budget,
            authority: b.authority,
            need: b.need,
            timeline: b.timeline,
        }
    }
}

#[derive(SimpleObject)]
pub struct LifecycleSettings {
    pub bant_required: bool,
    pub lost_reasons: Vec<String>,
}

impl From<pipeline::LifecycleSettings> for LifecycleSettings {
    fn from(s: pipeline::LifecycleSettings) -> Self {
        LifecycleSettings {
            bant_required: s.bant_required,
            lost_reasons: s.lost_reasons,
        }
    }
}

pub struct BoardColumn {
    column: pipeline::BoardColumn,
}

#[Object]
impl BoardColumn {
    async fn stage(&self) -> PipelineStage {
        PipelineStage(self.column.stage.clone())
    }
    async fn count(&self) -> i32 {
        i32::try_from(self.column.count).unwrap_or(i32::MAX)
    }
    async fn amount(&self) -> String {
        format_minor_units(self.column.amount_minor)
    }
    async fn weighted_amount(&self) -> String {
        format_minor_units(self.column.weighted_minor)
    }
    async fn cards(&self) -> Vec<Opportunity> {
        self.column
            .cards
            .iter()
            .map(|deal| Opportunity {
                deal: deal.clone(),
                stage: self.column.stage.clone(),
            })
            .collect()
    }
    async fn has_more(&self) -> bool {
        (self.column.cards.len() as u64) < self.column.count
    }
}

pub struct PipelineBoard {
    pipeline: pipeline::PipelineWithStages,
    columns: Vec<BoardColumn>,
}

#[Object]
impl PipelineBoard {
    async fn pipeline(&self) -> Pipeline {
        Pipeline(self.pipeline.clone())
    }
    async fn columns(&self) -> &[BoardColumn] {
        &self.columns
    }
    /// The amount in open stages.
    async fn open_amount(&self) -> String {
        format_minor_units(
            self.columns
                .iter()
                .filter(|c| pipeline::kind_of(&c.column.stage) == StageKind::Open)
                .map(|c| c.column.amount_minor)
                .sum(),
        )
    }
    async fn open_weighted_amount(&self) -> String {
        format_minor_units(
            self.columns
                .iter()
                .filter(|c| pipeline::kind_of(&c.column.stage) == StageKind::Open)
                .map(|c| c.column.weighted_minor)
                .sum(),
        )
    }
}

#[derive(InputObject, Default)]
pub struct BoardFilter {
    pub owner_id: Option<ID>,
    pub team_id: Option<ID>,
    /// "2026-12": deals expected to close that month.
    pub close_month: Option<String>,
}

fn bad_request(message: impl Into<String>) -> async_graphql::Error {
    ErrorCode::BadRequest.error(message)
}

fn domain_filter(f: Option<BoardFilter>) -> async_graphql::Result<DomainFilter> {
    let f = f.unwrap_or_default();
    let close_month = match f
        .close_month
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        None => None,
        Some(m) => {
            let date = NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
                .map_err(|_| bad_request("closeMonth is a month like 2026-12"))?;
            Some(pipeline::month_of(date))
        }
    };
    Ok(DomainFilter {
        owner_id: f
            .owner_id
            .as_ref()
            .map(|id| parse_id("ownerId", id))
            .transpose()?,
        team_id: f
            .team_id
            .as_ref()
            .map(|id| parse_id("teamId", id))
            .transpose()?,
        close_month,
    })
}

async fn seller_visibility(ctx: &Context<'_>) -> async_graphql::Result<Visibility> {
    visibility(ctx)
        .await?
        .ok_or_else(|| ErrorCode::Forbidden.error("your access does not include deals"))
}

#[derive(Default)]
pub struct PipelineQuery;

#[Object]
impl PipelineQuery {
    #[graphql(guard = "RoleGuard::new(SELLERS)")]
    async fn pipelines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Pipeline>> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(pipeline::pipelines(&state.db)
            .await
            .map_err(internal)?
            .into_iter()
            .map(Pipeline)
            .collect())
    }

    /// The whole board in one request: every column's count, amount and weighted
    /// amount, and its first `perColumn` cards (most recently changed first).
    #[graphql(guard = "RoleGuard::new(SELLERS)")]
    async fn pipeline_board(
        &self,
        ctx: &Context<'_>,
        pipeline_id: Option<ID>,
        filter: Option<BoardFilter>,
        #[graphql(default = 50)] per_column: Option<i32>,
    ) -> async_graphql::Result<PipelineBoard> {
        let per_column = per_column.unwrap_or(50);
        let state = ctx.data_unchecked::<AppState>();
        let visibility = seller_visibility(ctx).await?;
        let pipeline_id = pipeline_id
            .as_ref()
            .map(|id| parse_id("pipelineId", id))
            .transpose()?;
        let filter = domain_filter(filter)?;
        let per_column = u64::try_from(per_column)
            .ok()
            .filter(|n| (1..=pipeline::MAX_COLUMN_PAGE).contains(n))
            .ok_or_else(|| bad_request("perColumn must be between 1 and 200"))?;
        let (pipe, columns) =
            match pipeline::board(&state.db, &visibility, pipeline_id, &filter, per_column).await {
                Ok(b) => b,
                Err(crate::error::DomainError::Invalid(p)) => {
                    return Err(bad_request(
                        p.into_iter()
                            .map(|p| p.message)
                            .collect::<Vec<_>>()
                            .join("; "),
                    ))
                }
                Err(e) => return Err(internal(e)),
            };
        Ok(PipelineBoard {
            pipeline: pipe,
            columns: columns
                .into_iter()
                .map(|column| BoardColumn { column })
                .collect(),
        })
    }

    /// More cards of one column, after `after` (a card's cursor).
    #[graphql(guard = "RoleGuard::new(SELLERS)")]
    async fn pipeline_column(
        &self,
        ctx: &Context<'_>,
        stage_id: ID,
        filter: Option<BoardFilter>,
        after: Option<String>,
        #[graphql(default = 50)] first: Option<i32>,
    ) -> async_graphql::Result<Vec<Opportunity>> {
        let first = first.unwrap_or(50);
        let state = ctx.data_unchecked::<AppState>();
        let visibility = seller_visibility(ctx).await?;
        let stage_id = parse_id("stageId", &stage_id)?;
        let filter = domain_filter(filter)?;
        let after = match after {
            None => None,
            Some(c) => {
                let (at, id) = c
                    .split_once('|')
                    .ok_or_else(|| bad_request("after is not a card cursor"))?;
                let at = DateTime::parse_from_rfc3339(at)
                    .map_err(|_| bad_request("after is not a card cursor"))?
                    .with_timezone(&Utc);
                let id =
                    Uuid::parse_str(id).map_err(|_| bad_request("after is not a card cursor"))?;
                Some((at, id))
            }
        };
        let first = u64::try_from(first)
            .ok()
            .filter(|n| (1..=pipeline::MAX_COLUMN_PAGE).contains(n))
            .ok_or_else(|| bad_request("first must be between 1 and 200"))?;
        let deals = pipeline::column_page(&state.db, &visibility, stage_id, &filter, after, first)
            .await
            .map_err(internal)?;
        with_stages(state, deals).await
    }

    #[graphql(guard = "RoleGuard::new(SELLERS)")]
    async fn opportunity(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Opportunity>> {
        let state = ctx.data_unchecked::<AppState>();
        let visibility = seller_visibility(ctx).await?;
        let id = parse_id("id", &id)?;
        let deal = pipeline::find_deal(&state.db, &visibility, id)
            .await
            .map_err(internal)?;
        Ok(with_stages(state, deal.into_iter().collect())
            .await?
            .into_iter()
            .next())
    }

    #[graphql(guard = "RoleGuard::any_user()")]
    async fn lifecycle_settings(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<LifecycleSettings> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(pipeline::settings(&state.db)
            .await
            .map_err(internal)?
            .into())
    }
}

#[derive(InputObject)]
pub struct LeadConvertInput {
    pub lead_id: ID,
    pub lead_version: i32,
    /// The company (or person) when omitted.
    pub name: Option<String>,
    /// As people type it: "180000", "180,000.50", "¥1,234".
    pub amount: String,
    /// CNY when omitted.
    pub currency: Option<String>,
    /// "YYYY-MM-DD".
    pub expected_close_on: Option<String>,
    /// The default pipeline when omitted.
    pub pipeline_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct LeadConvertPayload {
    pub opportunity: Option<Opportunity>,
    pub lead: Option<Lead>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct OpportunityMoveInput {
    pub id: ID,
    pub stage_id: ID,
    /// The version the mover saw.
    pub version: i32,
    /// Required (from the lost reasons) when moving to the lost stage.
    pub lost_reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct OpportunityPayload {
    pub opportunity: Option<Opportunity>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct OpportunityUpdateInput {
    pub id: ID,
    pub version: i32,
    pub name: Option<String>,
    pub amount: Option<String>,
    /// "YYYY-MM-DD"; an empty string clears it.
    pub expected_close_on: Option<String>,
}

#[derive(InputObject)]
pub struct LeadSetBantInput {
    pub lead_id: ID,
    pub version: i32,
    pub budget: Option<String>,
    pub authority: Option<String>,
    pub need: Option<String>,
    pub timeline: Option<String>,
}

#[derive(SimpleObject)]
pub struct LeadSetBantPayload {
    pub lead: Option<Lead>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct LifecycleSettingsSaveInput {
    pub bant_required: bool,
    pub lost_reasons: Vec<String>,
}

#[derive(SimpleObject)]
pub struct LifecycleSettingsSavePayload {
    pub settings: Option<LifecycleSettings>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct PipelineStageInput {
    /// Absent: a new stage.
    pub id: Option<ID>,
    pub name: String,
    pub probability: i32,
    pub kind: StageKind,
}

#[derive(InputObject)]
pub struct PipelineSaveInput {
    /// Absent: a new pipeline.
    pub id: Option<ID>,
    pub name: String,
    pub stages: Vec<PipelineStageInput>,
}

#[derive(SimpleObject)]
pub struct PipelineSavePayload {
    pub pipeline: Option<Pipeline>,
    pub user_errors: Vec<UserError>,
}

fn user_error(field: &str, code: UserErrorCode, message: impl Into<String>) -> UserError {
    UserError {
        field: Some(field.to_string()),
        message: message.into(),
        code,
    }
}

fn parse_amount(field: &str, text: &str) -> Result<i64, UserError> {
    parse_minor_units(text).map_err(|m| user_error(field, UserErrorCode::Invalid, m))
}

fn parse_date(field: &str, text: &str) -> Result<NaiveDate, UserError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        user_error(
            field,
            UserErrorCode::Invalid,
            format!("'{text}' is not a date like 2026-12-31"),
        )
    })
}

async fn one_deal(
    state: &AppState,
    deal: opportunity::Model,
) -> async_graphql::Result<Option<Opportunity>> {
    Ok(with_stages(state, vec![deal]).await?.into_iter().next())
}

#[derive(Default)]
pub struct PipelineMutation;

#[Object]
impl PipelineMutation {
    /// Turns an SQL into an opportunity in the pipeline's first stage.
    #[graphql(guard = "RoleGuard::new(DEAL_WORKERS)")]
    async fn lead_convert(
        &self,
        ctx: &Context<'_>,
        input: LeadConvertInput,
    ) -> async_graphql::Result<LeadConvertPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let visibility = seller_visibility(ctx).await?;
        let refused = |e: UserError| LeadConvertPayload {
            opportunity: None,
            lead: None,
            user_errors: vec![e],
        };
        let amount_minor = match parse_amount("amount", &input.amount) {
            Ok(a) => a,
            Err(e) => return Ok(refused(e)),
        };
        let expected_close_on = match input
            .expected_close_on
            .as_deref()
            .filter(|d| !d.trim().is_empty())
        {
            None => None,
            Some(d) => match parse_date("expectedCloseOn", d) {
                Ok(d) => Some(d),
                Err(e) => return Ok(refused(e)),
            },
        };
        let converted = pipeline::convert(
            &state.db,
            actor(ctx)?,
            &visibility,
            pipeline::ConvertInput {
                lead_id: parse_id("leadId", &input.lead_id)?,
                lead_version: input.lead_version,
                name: input.name,
                amount_minor,
                currency: input.currency,
                expected_close_on,
                pipeline_id: input
                    .pipeline_id
                    .as_ref()
                    .map(|id| parse_id("pipelineId", id))
                    .transpose()?,
            },
        )
        .await;
        Ok(match payload(converted)? {
            Ok((deal, lead)) => LeadConvertPayload {
                opportunity: one_deal(state, deal).await?,
                lead: Some(Lead(lead)),
                user_errors: vec![],
            },
            Err(user_errors) => LeadConvertPayload {
                opportunity: None,
                lead: None,
                user_errors,
            },
        })
    }

    /// Moves a deal to another stage (the kanban's drag and drop). Won makes the lead a
    /// customer with an account; lost needs a reason.
    #[graphql(guard = "RoleGuard::new(DEAL_WORKERS)")]
    async fn opportunity_move(
        &self,
        ctx: &Context<'_>,
        input: OpportunityMoveInput,
    ) -> async_graphql::Result<OpportunityPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let visibility = seller_visibility(ctx).await?;
        let moved = pipeline::move_deal(
            &state.db,
            actor(ctx)?,
            &visibility,
            parse_id("id", &input.id)?,
            parse_id("stageId", &input.stage_id)?,
            input.version,
            input.lost_reason.as_deref(),
        )
        .await;
        Ok(match payload(moved)? {
            Ok(deal) => OpportunityPayload {
                opportunity: one_deal(state, deal).await?,
                user_errors: vec![],
            },
            Err(user_errors) => OpportunityPayload {
                opportunity: None,
                user_errors,
            },
        })
    }

    #[graphql(guard = "RoleGuard::new(DEAL_WORKERS)")]
    async fn opportunity_update(
        &self,
        ctx: &Context<'_>,
        input: OpportunityUpdateInput,
    ) -> async_graphql::Result<OpportunityPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let visibility = seller_visibility(ctx).await?;
        let refused = |e: UserError| OpportunityPayload {
            opportunity: None,
            user_errors: vec![e],
        };
        let amount_minor = match input.amount.as_deref().map(|a| parse_amount("amount", a)) {
            None => None,
            Some(Ok(a)) => Some(a),
            Some(Err(e)) => return Ok(refused(e)),
        };
        let close = match input.expected_close_on.as_deref() {
            None => None,
            Some(d) if d.trim().is_empty() => Some(None),
            Some(d) => match parse_date("expectedCloseOn", d) {
                Ok(d) => Some(Some(d)),
                Err(e) => return Ok(refused(e)),
            },
        };
        let updated = pipeline::update_deal(
            &state.db,
            actor(ctx)?,
            &visibility,
            parse_id("id", &input.id)?,
            input.version,
            pipeline::DealChanges {
                name: input.name,
                amount_minor,
                expected_close_on: close,
            },
        )
        .await;
        Ok(match payload(updated)? {
            Ok(deal) => OpportunityPayload {
                opportunity: one_deal(state, deal).await?,
                user_errors: vec![],
            },
            Err(user_errors) => OpportunityPayload {
                opportunity: None,
                user_errors,
            },
        })
    }

    /// Records budget, authority, need and timeline on a lead.
    #[graphql(guard = "RoleGuard::new(DEAL_WORKERS)")]
    async fn lead_set_bant(
        &self,
        ctx: &Context<'_>,
        input: LeadSetBantInput,
    ) -> async_graphql::Result<LeadSetBantPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let visibility = seller_visibility(ctx).await?;
        let saved = pipeline::set_bant(
            &state.db,
            actor(ctx)?,
            &visibility,
            parse_id("leadId", &input.lead_id)?,
            input.version,
            BantAnswers {
                budget: input.budget,
                authority: input.authority,
                need: input.need,
                timeline: input.timeline,
            },
        )
        .await;
        Ok(match payload(saved)? {
            Ok(lead) => LeadSetBantPayload {
                lead: Some(Lead(lead)),
                user_errors: vec![],
            },
            Err(user_errors) => LeadSetBantPayload {
                lead: None,
                user_errors,
            },
        })
    }

    #[graphql(guard = "RoleGuard::admin()")]
    async fn lifecycle_settings_save(
        &self,
        ctx: &Context<'_>,
        input: LifecycleSettingsSaveInput,
    ) -> async_graphql::Result<LifecycleSettingsSavePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let saved = pipeline::save_settings(
            &state.db,
            actor(ctx)?,
            input.bant_required,
            &input.lost_reasons,
        )
        .await;
        Ok(match payload(saved)? {
            Ok(s) => LifecycleSettingsSavePayload {
                settings: Some(s.into()),
                user_errors: vec![],
            },
            Err(user_errors) => LifecycleSettingsSavePayload {
                settings: None,
                user_errors,
            },
        })
    }

    #[graphql(guard = "RoleGuard::admin()")]
    async fn pipeline_save(
        &self,
        ctx: &Context<'_>,
        input: PipelineSaveInput,
    ) -> async_graphql::Result<PipelineSavePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let mut stages = Vec::with_capacity(input.stages.len());
        for (i, s) in input.stages.into_iter().enumerate() {
            let Ok(probability) = u8::try_from(s.probability) else {
                return Ok(PipelineSavePayload {
                    pipeline: None,
                    user_errors: vec![user_error(
                        &format!("stages[{i}].probability"),
                        UserErrorCode::Invalid,
                        "a probability is a percentage from 0 to 100",
                    )],
                });
            };
            stages.push((
                s.id.as_ref()
                    .map(|id| parse_id("stages.id", id))
                    .transpose()?,
                StageDefinition {
                    name: s.name,
                    probability,
                    kind: s.kind,
                },
            ));
        }
        let saved = pipeline::save_pipeline(
            &state.db,
            actor(ctx)?,
            input.id.as_ref().map(|id| parse_id("id", id)).transpose()?,
            &input.name,
            stages,
        )
        .await;
        Ok(match payload(saved)? {
            Ok(p) => PipelineSavePayload {
                pipeline: Some(Pipeline(p)),
                user_errors: vec![],
            },
            Err(user_errors) => PipelineSavePayload {
                pipeline: None,
                user_errors,
            },
        })
    }
}

#[derive(Default)]
pub struct PipelineSubscription;

#[Subscription]
impl PipelineSubscription {
    /// Every change of a deal in the pipeline that the subscriber may see — created,
    /// moved, edited — as the deal is now.
    #[graphql(guard = "RoleGuard::new(SELLERS)")]
    async fn pipeline_events(
        &self,
        ctx: &Context<'_>,
        pipeline_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = Opportunity>> {
        let state = ctx.data_unchecked::<AppState>().clone();
        let me = current_user(ctx)?;
        let visibility = Arc::new(
            Visibility::for_user(&state.db, me.id, me.role)
                .await
                .map_err(internal)?,
        );
        let pipeline_id = parse_id("pipelineId", &pipeline_id)?;
        let wanted = pipeline_id.to_string();
        Ok(
            BroadcastStream::new(state.events.subscribe_outbox()).filter_map(
                move |e: Result<Arc<OutboxEvent>, _>| {
                    let state = state.clone();
                    let visibility = visibility.clone();
                    let wanted = wanted.clone();
                    async move {
                        let e = e.ok()?;
                        if e.topic != pipeline::TOPIC_DEAL
                            || e.payload.get("pipelineId").and_then(|v| v.as_str()) != Some(&wanted)
                        {
                            return None;
                        }
                        let deal = pipeline::find_deal(&state.db, &visibility, e.aggregate_id)
                            .await
                            .ok()
                            .flatten()?;
                        with_stages(&state, vec![deal])
                            .await
                            .ok()?
                            .into_iter()
                            .next()
                    }
                },
            ),
        )
    }
}
