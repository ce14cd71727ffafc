//! Leads over GraphQL: capture, the list, one lead with its timeline.

use async_graphql::{Context, Enum, InputObject, Json, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use leadflow_shared::analytics::FunnelStep;
use leadflow_shared::{ApiScope, Channel, LeadStage};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::errors::{internal, payload, UserError};
use super::guards::{principal, AccessGuard};
use super::loaders::Users;
use super::types::{page_window, PageInfo, User};
use super::users::parse_id;
use crate::app::AppState;
use crate::auth::Principal;
use crate::domain::capture::{self, CaptureOutcome as DomainOutcome, MatchedBy};
use crate::domain::leads::{self, LeadFilter as DomainFilter, LeadSort as DomainSort, Visibility};
use crate::domain::Actor;
use crate::entity::{lead, lead_event};

/// What the caller may see, or `None` for an API key without `leads:read`.
pub(super) async fn visibility(ctx: &Context<'_>) -> async_graphql::Result<Option<Visibility>> {
    let state = ctx.data_unchecked::<AppState>();
    Ok(match principal(ctx)? {
        Principal::User(u) => Some(
            Visibility::for_user(&state.db, u.id, u.role)
                .await
                .map_err(internal)?,
        ),
        Principal::ApiKey(k) if k.scopes.contains(&ApiScope::LeadsRead) => Some(Visibility::All),
        Principal::ApiKey(_) => None,
    })
}

pub(super) fn actor(ctx: &Context<'_>) -> async_graphql::Result<Actor> {
    Ok(match principal(ctx)? {
        Principal::User(u) => Actor::user(u.id),
        Principal::ApiKey(k) => Actor {
            user_id: None,
            api_key_id: Some(k.id),
        },
    })
}

pub struct Lead(pub lead::Model);

#[Object]
impl Lead {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn person_name(&self) -> &str {
        &self.0.person_name
    }
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    async fn company(&self) -> Option<&str> {
        self.0.company.as_deref()
    }
    /// As typed at capture.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// As typed at capture.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// The phone in E.164 (`+8613800138000`).
    async fn phone_e164(&self) -> Option<&str> {
        self.0.phone_e164.as_deref()
    }
    async fn industry(&self) -> Option<&str> {
        self.0.industry.as_deref()
    }
    async fn province(&self) -> Option<&str> {
        self.0.province.as_deref()
    }
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }
    /// Employees.
    async fn company_size(&self) -> Option<i32> {
        self.0.company_size
    }
    async fn source(&self) -> Channel {
        Channel::parse(&self.0.source).unwrap_or(Channel::Other)
    }
    async fn campaign_id(&self) -> Option<ID> {
        self.0.campaign_id.map(|id| ID(id.to_string()))
    }
    async fn tags(&self) -> &[String] {
        &self.0.tags.0
    }
    async fn custom_fields(&self) -> Json<serde_json::Value> {
        Json(self.0.custom_fields.clone())
    }
    async fn stage(&self) -> LeadStage {
        LeadStage::parse(&self.0.stage).unwrap_or(LeadStage::Lead)
    }
    /// `null`: the lead waits in the claim pool.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.owner_id else {
            return Ok(None);
        };
        let loader = ctx.data_unchecked::<Users>();
        Ok(loader.load_one(id).await.map_err(internal)?.map(User))
    }
    async fn fit_score(&self) -> i32 {
        self.0.fit_score
    }
    async fn engagement_score(&self) -> i32 {
        self.0.engagement_score
    }
    async fn total_score(&self) -> i32 {
        self.0.total_score
    }
    async fn lost_reason(&self) -> Option<&str> {
        self.0.lost_reason.as_deref()
    }
    async fn first_assigned_at(&self) -> Option<DateTime<Utc>> {
        self.0.first_assigned_at
    }
    async fn first_contacted_at(&self) -> Option<DateTime<Utc>> {
        self.0.first_contacted_at
    }
    /// Set when this lead was merged into another; that one lives on.
    async fn merged_into(&self) -> Option<ID> {
        self.0.merged_into.map(|id| ID(id.to_string()))
    }
    /// Bumped on every change; send it back with edits to avoid overwriting others' work.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Why the lead has its score: each rule that matched and its points, under the
    /// active model, as of now.
    async fn score_breakdown(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<leadflow_shared::scoring::ScoreBreakdown>> {
        let state = ctx.data_unchecked::<AppState>();
        crate::domain::scoring::breakdown(&state.db, &self.0, Utc::now())
            .await
            .map_err(internal)
    }
    /// The predictive model's chance this open lead is won, with its top factors;
    /// `null` until there is enough closed history to learn from.
    async fn prediction(&self) -> async_graphql::Result<Option<super::scoring::LeadPrediction>> {
        Ok(
            crate::domain::predictive::stored(&self.0).map(|p| super::scoring::LeadPrediction {
                probability: p.probability,
                factors: p.factors,
            }),
        )
    }
    /// The latest call, visit, email, note or behaviour event; the arrival time until
    /// then.
    async fn last_activity_at(&self) -> DateTime<Utc> {
        self.0.last_activity_at
    }
    /// Every change of owner, newest first.
    /// What qualifying found out: budget, authority, need, timeline.
    async fn bant(&self) -> super::pipeline::Bant {
        crate::domain::pipeline::bant_of(&self.0).into()
    }

    /// The deals opened from this lead, newest first.
    async fn opportunities(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::pipeline::Opportunity>> {
        super::pipeline::opportunities_of_lead(ctx, self.0.id).await
    }

    /// The first-contact clock of the latest owner, if an SLA policy applied.
    async fn sla(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::routing::LeadSla>> {
        super::routing::lead_sla(ctx, &self.0).await
    }

    async fn assignments(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::assignments::Assignment>> {
        let state = ctx.data_unchecked::<AppState>();
        let rows = crate::domain::assignments::history(&state.db, self.0.id)
            .await
            .map_err(internal)?;
        Ok(rows
            .into_iter()
            .map(super::assignments::Assignment)
            .collect())
    }
    /// Open and done tasks on the lead, soonest due first.
    async fn tasks(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::activities::Task>> {
        let state = ctx.data_unchecked::<AppState>();
        let rows = crate::domain::activities::tasks_on_lead(&state.db, self.0.id)
            .await
            .map_err(internal)?;
        Ok(rows.into_iter().map(super::activities::Task).collect())
    }
    /// A signed token for the website to report this lead's behaviour to `POST /t`.
    async fn tracking_token(&self, ctx: &Context<'_>) -> String {
        ctx.data_unchecked::<AppState>().tracking.token(self.0.id)
    }
    /// Everything that happened to the lead, newest first.
    #[graphql(complexity = "first.unwrap_or(50).max(0) as usize * child_complexity")]
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<LeadEvent>> {
        let state = ctx.data_unchecked::<AppState>();
        let (_, limit) = page_window(first, None, 500)?;
        // Leads merged into this one bring their history along.
        let ids = crate::domain::merge::timeline_ids(&state.db, self.0.id)
            .await
            .map_err(internal)?;
        let rows = lead_event::Entity::find()
            .filter(lead_event::Column::LeadId.is_in(ids))
            .order_by_desc(lead_event::Column::OccurredAt)
            .order_by_desc(lead_event::Column::Id)
            .limit(limit)
            .all(&state.db)
            .await
            .map_err(internal)?;
        Ok(rows.into_iter().map(LeadEvent).collect())
    }
}

pub struct LeadEvent(pub lead_event::Model);

#[Object]
impl LeadEvent {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// `captured`, `captured_again`, and the behaviour and activity kinds later added.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.actor_user_id else {
            return Ok(None);
        };
        let loader = ctx.data_unchecked::<Users>();
        Ok(loader.load_one(id).await.map_err(internal)?.map(User))
    }
    async fn data(&self) -> Json<serde_json::Value> {
        Json(self.0.data.clone())
    }
}

pub struct LeadEdge {
    pub node: Lead,
    /// Where the lead stands in the whole list (its cursor is written only when asked).
    position: u64,
}

#[Object]
impl LeadEdge {
    async fn node(&self) -> &Lead {
        &self.node
    }
    async fn cursor(&self) -> String {
        self.encoded_cursor()
    }
}

impl LeadEdge {
    fn encoded_cursor(&self) -> String {
        encode_cursor(&leads::ListCursor::at(self.position, &self.node.0))
    }
}

#[derive(SimpleObject)]
pub struct LeadConnection {
    pub edges: Vec<LeadEdge>,
    pub page_info: PageInfo,
    /// How many leads match. A free-text search stops counting at 10,000: then this is
    /// 10,000 and `totalCountExact` is false.
    pub total_count: i64,
    /// False when `totalCount` is a search's cap rather than the whole count.
    pub total_count_exact: bool,
}

#[derive(InputObject, Default)]
pub struct LeadFilter {
    pub stages: Option<Vec<LeadStage>>,
    pub owner_id: Option<ID>,
    /// Only leads waiting in the claim pool.
    pub pool: Option<bool>,
    pub sources: Option<Vec<Channel>>,
    pub campaign_id: Option<ID>,
    pub tag: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub industry: Option<String>,
    pub score_min: Option<i32>,
    pub score_max: Option<i32>,
    pub created_from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub created_to: Option<DateTime<Utc>>,
    /// Matches name, company, email or phone.
    pub search: Option<String>,
    /// Owned by a member of this team.
    pub team_id: Option<ID>,
    /// Ever reached this funnel step, whatever the stage now — the dashboards' funnel
    /// and source counts, for drill-down.
    pub reached: Option<FunnelStep>,
    /// Lost for exactly this reason.
    pub lost_reason: Option<String>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum LeadSort {
    #[default]
    ScoreDesc,
    CreatedDesc,
    CreatedAsc,
    UpdatedDesc,
    /// Most recent call, visit, email, note or behaviour first.
    LastActivityDesc,
}

/// List cursors carry the sort key of the lead they point at (see `ListCursor`).
fn encode_cursor(cursor: &leads::ListCursor) -> String {
    use base64::Engine;
    let json = serde_json::to_vec(cursor).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

fn decode_cursor(cursor: &str) -> async_graphql::Result<leads::ListCursor> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| super::ErrorCode::BadRequest.error("after is not a cursor from this list"))
}

#[derive(Default)]
pub struct LeadsQuery;

#[Object]
impl LeadsQuery {
    /// Leads the caller may see, filtered and sorted.
    #[graphql(
        guard = "AccessGuard::users_or_key(ApiScope::LeadsRead)",
        complexity = "first.unwrap_or(50).max(0) as usize * child_complexity"
    )]
    async fn leads(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<LeadFilter>,
        sort: Option<LeadSort>,
    ) -> async_graphql::Result<LeadConnection> {
        let state = ctx.data_unchecked::<AppState>();
        let Some(visibility) = visibility(ctx).await? else {
            return Err(
                super::ErrorCode::Forbidden.error("this API key lacks the leads:read scope")
            );
        };
        let (_, limit) = page_window(first, None, 200)?;
        let after = after.as_deref().map(decode_cursor).transpose()?;
        let f = filter.unwrap_or_default();
        let domain_filter = DomainFilter {
            ids: Vec::new(),
            stages: f.stages.unwrap_or_default(),
            owner_id: f
                .owner_id
                .as_ref()
                .map(|id| parse_id("ownerId", id))
                .transpose()?,
            pool: f.pool.unwrap_or(false),
            sources: f.sources.unwrap_or_default(),
            campaign_id: f
                .campaign_id
                .as_ref()
                .map(|id| parse_id("campaignId", id))
                .transpose()?,
            tag: f.tag,
            province: f.province,
            city: f.city,
            industry: f.industry,
            score_min: f.score_min,
            score_max: f.score_max,
            created_from: f.created_from,
            created_to: f.created_to,
            search: f.search,
            team_id: f
                .team_id
                .as_ref()
                .map(|id| parse_id("teamId", id))
                .transpose()?,
            reached: f.reached,
            lost_reason: f.lost_reason,
        };
        let sort = match sort.unwrap_or_default() {
            LeadSort::ScoreDesc => DomainSort::ScoreDesc,
            LeadSort::CreatedDesc => DomainSort::CreatedDesc,
            LeadSort::CreatedAsc => DomainSort::CreatedAsc,
            LeadSort::UpdatedDesc => DomainSort::UpdatedDesc,
            LeadSort::LastActivityDesc => DomainSort::LastActivityDesc,
        };
        let look_ahead = ctx.look_ahead();
        let count_total =
            look_ahead.field("totalCount").exists() || look_ahead.field("totalCountExact").exists();
        let page = leads::list(
            &state.db,
            &visibility,
            &domain_filter,
            sort,
            after.as_ref(),
            limit,
            count_total,
            state.config.search_count_cap,
        )
        .await
        .map_err(internal)?;
        if look_ahead
            .field("edges")
            .field("node")
            .field("owner")
            .exists()
        {
            // The page's owners in one query, handed to the loader: each `owner` below
            // is then a cache hit instead of a batch queued per lead.
            let mut ids: Vec<uuid::Uuid> = page.leads.iter().filter_map(|l| l.owner_id).collect();
            ids.sort_unstable();
            ids.dedup();
            if !ids.is_empty() {
                let owners = crate::domain::users::find_many(&state.db, &ids)
                    .await
                    .map_err(internal)?;
                ctx.data_unchecked::<Users>()
                    .feed_many(owners.into_iter().map(|u| (u.id, u)))
                    .await;
            }
        }
        let start = page.start;
        let edges: Vec<LeadEdge> = page
            .leads
            .into_iter()
            .enumerate()
            .map(|(i, l)| LeadEdge {
                node: Lead(l),
                position: start + i as u64,
            })
            .collect();
        let page_info = PageInfo {
            has_next_page: page.has_next,
            has_previous_page: start > 0,
            start_cursor: edges.first().map(LeadEdge::encoded_cursor),
            end_cursor: edges.last().map(LeadEdge::encoded_cursor),
        };
        Ok(LeadConnection {
            page_info,
            edges,
            // Counted only when the client asks for it.
            total_count: page.total.map_or(0, |t| t.count as i64),
            total_count_exact: page.total.is_none_or(|t| t.exact),
        })
    }

    /// One lead; `null` when it does not exist or the caller may not see it.
    #[graphql(guard = "AccessGuard::users_or_key(ApiScope::LeadsRead)")]
    async fn lead(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Lead>> {
        let state = ctx.data_unchecked::<AppState>();
        let id = parse_id("id", &id)?;
        let Some(visibility) = visibility(ctx).await? else {
            return Err(
                super::ErrorCode::Forbidden.error("this API key lacks the leads:read scope")
            );
        };
        Ok(leads::find_visible(&state.db, &visibility, id)
            .await
            .map_err(internal)?
            .map(Lead))
    }
}

#[derive(InputObject)]
pub struct LeadCaptureInput {
    pub person_name: String,
    pub title: Option<String>,
    pub company: Option<String>,
    /// Email or phone is required.
    pub email: Option<String>,
    /// Any common format; numbers without a country code are read as Chinese.
    pub phone: Option<String>,
    pub industry: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    /// Employees.
    pub company_size: Option<i32>,
    /// `API` when omitted.
    pub source: Option<Channel>,
    pub campaign_id: Option<ID>,
    pub tags: Option<Vec<String>>,
    /// An object of extra fields.
    pub custom_fields: Option<Json<serde_json::Value>>,
    /// Send the same key when retrying: the retry returns the first result and never
    /// creates a second lead. Scoped to the caller.
    pub idempotency_key: Option<String>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum CaptureOutcome {
    /// A new lead was created.
    Created,
    /// The capture matched an existing lead and was merged into it.
    Merged,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum DuplicateMatch {
    Email,
    Phone,
    CompanyAndName,
}

#[derive(SimpleObject)]
pub struct LeadCapturePayload {
    pub lead_id: Option<ID>,
    /// The lead, when the caller may read it (API keys need `leads:read`).
    pub lead: Option<Lead>,
    pub outcome: Option<CaptureOutcome>,
    /// How the existing lead was recognised, when merged.
    pub matched_by: Option<DuplicateMatch>,
    /// True when this answers a retry with a known idempotency key.
    pub replayed: bool,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct LeadsMutation;

#[Object]
impl LeadsMutation {
    /// Captures a lead: normalises it, merges it into a duplicate or creates it.
    #[graphql(guard = "AccessGuard::users_or_key(ApiScope::Capture)")]
    async fn lead_capture(
        &self,
        ctx: &Context<'_>,
        input: LeadCaptureInput,
    ) -> async_graphql::Result<LeadCapturePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let actor = actor(ctx)?;
        let campaign_id = input
            .campaign_id
            .as_ref()
            .map(|id| parse_id("campaignId", id))
            .transpose()?;
        let domain_input = capture::CaptureInput {
            person_name: input.person_name,
            title: input.title,
            company: input.company,
            email: input.email,
            phone: input.phone,
            industry: input.industry,
            province: input.province,
            city: input.city,
            company_size: input.company_size,
            source: input.source,
            campaign_id,
            tags: input.tags.unwrap_or_default(),
            custom_fields: input.custom_fields.map(|j| j.0),
            origin: None,
        };
        let result = capture::capture(
            &state.db,
            actor,
            domain_input,
            input.idempotency_key.as_deref(),
        )
        .await;
        Ok(match payload(result)? {
            Ok(captured) => {
                let readable = match visibility(ctx).await? {
                    Some(v) => leads::find_visible(&state.db, &v, captured.lead.id)
                        .await
                        .map_err(internal)?
                        .is_some(),
                    None => false,
                };
                LeadCapturePayload {
                    lead_id: Some(ID(captured.lead.id.to_string())),
                    lead: readable.then_some(Lead(captured.lead)),
                    outcome: Some(match captured.outcome {
                        DomainOutcome::Created => CaptureOutcome::Created,
                        DomainOutcome::Merged => CaptureOutcome::Merged,
                    }),
                    matched_by: captured.matched_by.map(|m| match m {
                        MatchedBy::Email => DuplicateMatch::Email,
                        MatchedBy::Phone => DuplicateMatch::Phone,
                        MatchedBy::CompanyAndName => DuplicateMatch::CompanyAndName,
                    }),
                    replayed: captured.replayed,
                    user_errors: vec![],
                }
            }
            Err(user_errors) => LeadCapturePayload {
                lead_id: None,
                lead: None,
                outcome: None,
                matched_by: None,
                replayed: false,
                user_errors,
            },
        })
    }
}
