//! Working leads over GraphQL: log activities, edit with a version check, tasks, and
//! behaviour events.

use async_graphql::{Context, InputObject, Json, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use leadflow_shared::{ActivityKind, ActivityOutcome, ApiScope, BehaviourKind};

use super::errors::{internal, payload, UserError};
use super::guards::{current_user, principal, AccessGuard, RoleGuard};
use super::leads::{actor, visibility, Lead, LeadEvent};
use super::loaders::Users;
use super::types::User;
use super::users::parse_id;
use crate::app::AppState;
use crate::auth::Principal;
use crate::domain::activities::{self, LeadPatch, NewActivity, NewTask};
use crate::domain::leads::{self, Visibility};
use crate::domain::tracking::{self, BehaviourEvent};
use crate::entity::task;

/// What the caller may change: users by their visibility, keys with `leads:write` all.
async fn write_visibility(ctx: &Context<'_>) -> async_graphql::Result<Visibility> {
    Ok(match principal(ctx)? {
        Principal::ApiKey(k) if k.scopes.contains(&ApiScope::LeadsWrite) => Visibility::All,
        _ => visibility(ctx)
            .await?
            .unwrap_or(Visibility::OwnersAndPool(vec![])),
    })
}

pub struct Task(pub task::Model);

#[Object]
impl Task {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The deal the task is about, if any.
    async fn opportunity(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::pipeline::Opportunity>> {
        let Some(id) = self.0.opportunity_id else {
            return Ok(None);
        };
        Ok(super::pipeline::opportunities_of_lead(ctx, self.0.lead_id)
            .await?
            .into_iter()
            .find(|o| o.deal.id == id))
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn due_at(&self) -> DateTime<Utc> {
        self.0.due_at
    }
    async fn done_at(&self) -> Option<DateTime<Utc>> {
        self.0.done_at
    }
    /// Not done and past its due time.
    async fn overdue(&self) -> bool {
        self.0.done_at.is_none() && self.0.due_at < Utc::now()
    }
    async fn assignee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let loader = ctx.data_unchecked::<Users>();
        Ok(loader
            .load_one(self.0.assignee_id)
            .await
            .map_err(internal)?
            .map(User))
    }
    /// The lead, when the caller may see it.
    async fn lead(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Lead>> {
        let state = ctx.data_unchecked::<AppState>();
        let Some(v) = visibility(ctx).await? else {
            return Ok(None);
        };
        Ok(leads::find_visible(&state.db, &v, self.0.lead_id)
            .await
            .map_err(internal)?
            .map(Lead))
    }
}

#[derive(Default)]
pub struct ActivitiesQuery;

#[Object]
impl ActivitiesQuery {
    /// The signed-in user's tasks, soonest due first ("my day").
    #[graphql(guard = "RoleGuard::any_user()")]
    async fn my_tasks(
        &self,
        ctx: &Context<'_>,
        include_done: Option<bool>,
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<Task>> {
        let state = ctx.data_unchecked::<AppState>();
        let me = current_user(ctx)?;
        let (_, limit) = super::types::page_window(first, None, 500)?;
        let rows = activities::tasks_of(&state.db, me.id, include_done.unwrap_or(false), limit)
            .await
            .map_err(internal)?;
        Ok(rows.into_iter().map(Task).collect())
    }
}

#[derive(InputObject)]
pub struct LeadLogActivityInput {
    pub lead_id: ID,
    pub kind: ActivityKind,
    pub outcome: Option<ActivityOutcome>,
    pub note: Option<String>,
    /// When it happened; now when omitted.
    pub occurred_at: Option<DateTime<Utc>>,
}

#[derive(SimpleObject)]
pub struct LeadLogActivityPayload {
    pub lead: Option<Lead>,
    pub event: Option<LeadEvent>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct LeadUpdateInput {
    pub id: ID,
    /// The `version` the edit was made on; a newer one means someone else changed it.
    pub version: i32,
    pub person_name: Option<String>,
    /// Omit to keep, `null` to clear; the same for every field below.
    pub title: MaybeUndefined<String>,
    pub company: MaybeUndefined<String>,
    pub email: MaybeUndefined<String>,
    pub phone: MaybeUndefined<String>,
    pub industry: MaybeUndefined<String>,
    pub province: MaybeUndefined<String>,
    pub city: MaybeUndefined<String>,
    pub company_size: MaybeUndefined<i32>,
    pub tags: Option<Vec<String>>,
}

#[derive(SimpleObject)]
pub struct LeadUpdatePayload {
    pub lead: Option<Lead>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct TaskCreateInput {
    pub lead_id: ID,
    pub title: String,
    pub due_at: DateTime<Utc>,
    /// Who does it; you when omitted.
    pub assignee_id: Option<ID>,
    /// The lead's deal the task is about.
    pub opportunity_id: Option<ID>,
}

#[derive(InputObject)]
pub struct TaskCompleteInput {
    pub id: ID,
}

#[derive(SimpleObject)]
pub struct TaskPayload {
    pub task: Option<Task>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct LeadTrackEventInput {
    pub lead_id: ID,
    pub kind: BehaviourKind,
    /// Required for page views and email clicks.
    pub url: Option<String>,
    /// The asset, webinar or custom event's name; required for `CUSTOM`.
    pub name: Option<String>,
    pub occurred_at: Option<DateTime<Utc>>,
    pub properties: Option<Json<serde_json::Value>>,
}

#[derive(SimpleObject)]
pub struct LeadTrackEventPayload {
    pub event: Option<LeadEvent>,
    pub user_errors: Vec<UserError>,
}

fn patch_of<T>(v: MaybeUndefined<T>) -> Option<Option<T>> {
    match v {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

#[derive(Default)]
pub struct ActivitiesMutation;

#[Object]
impl ActivitiesMutation {
    /// Logs a call, email, visit or note. The first call, email or visit is the first
    /// contact that speed-to-lead measures.
    #[graphql(guard = "RoleGuard::any_user()")]
    async fn lead_log_activity(
        &self,
        ctx: &Context<'_>,
        input: LeadLogActivityInput,
    ) -> async_graphql::Result<LeadLogActivityPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let v = write_visibility(ctx).await?;
        let lead_id = parse_id("leadId", &input.lead_id)?;
        let activity = NewActivity {
            lead_id,
            kind: input.kind,
            outcome: input.outcome,
            note: input.note,
            occurred_at: input.occurred_at,
        };
        Ok(
            match payload(activities::log_activity(&state.db, actor(ctx)?, &v, activity).await)? {
                Ok((lead, event)) => LeadLogActivityPayload {
                    lead: Some(Lead(lead)),
                    event: Some(LeadEvent(event)),
                    user_errors: vec![],
                },
                Err(user_errors) => LeadLogActivityPayload {
                    lead: None,
                    event: None,
                    user_errors,
                },
            },
        )
    }

    /// Edits a lead's details. Refused with CONFLICT when the lead changed since `version`.
    #[graphql(guard = "AccessGuard::users_or_key(ApiScope::LeadsWrite)")]
    async fn lead_update(
        &self,
        ctx: &Context<'_>,
        input: LeadUpdateInput,
    ) -> async_graphql::Result<LeadUpdatePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let v = write_visibility(ctx).await?;
        let id = parse_id("id", &input.id)?;
        let patch = LeadPatch {
            person_name: input.person_name,
            title: patch_of(input.title),
            company: patch_of(input.company),
            email: patch_of(input.email),
            phone: patch_of(input.phone),
            industry: patch_of(input.industry),
            province: patch_of(input.province),
            city: patch_of(input.city),
            company_size: patch_of(input.company_size),
            tags: input.tags,
        };
        Ok(
            match payload(
                activities::update_lead(&state.db, actor(ctx)?, &v, id, input.version, patch).await,
            )? {
                Ok(lead) => LeadUpdatePayload {
                    lead: Some(Lead(lead)),
                    user_errors: vec![],
                },
                Err(user_errors) => LeadUpdatePayload {
                    lead: None,
                    user_errors,
                },
            },
        )
    }

    #[graphql(guard = "RoleGuard::any_user()")]
    async fn task_create(
        &self,
        ctx: &Context<'_>,
        input: TaskCreateInput,
    ) -> async_graphql::Result<TaskPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let v = write_visibility(ctx).await?;
        let task = NewTask {
            lead_id: parse_id("leadId", &input.lead_id)?,
            title: input.title,
            due_at: input.due_at,
            assignee_id: input
                .assignee_id
                .as_ref()
                .map(|id| parse_id("assigneeId", id))
                .transpose()?,
            opportunity_id: input
                .opportunity_id
                .as_ref()
                .map(|id| parse_id("opportunityId", id))
                .transpose()?,
        };
        Ok(
            match payload(activities::create_task(&state.db, actor(ctx)?, &v, task).await)? {
                Ok(t) => TaskPayload {
                    task: Some(Task(t)),
                    user_errors: vec![],
                },
                Err(user_errors) => TaskPayload {
                    task: None,
                    user_errors,
                },
            },
        )
    }

    #[graphql(guard = "RoleGuard::any_user()")]
    async fn task_complete(
        &self,
        ctx: &Context<'_>,
        input: TaskCompleteInput,
    ) -> async_graphql::Result<TaskPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let v = write_visibility(ctx).await?;
        let id = parse_id("id", &input.id)?;
        Ok(
            match payload(activities::complete_task(&state.db, actor(ctx)?, &v, id).await)? {
                Ok(t) => TaskPayload {
                    task: Some(Task(t)),
                    user_errors: vec![],
                },
                Err(user_errors) => TaskPayload {
                    task: None,
                    user_errors,
                },
            },
        )
    }

    /// Records what a lead did (page view, download, webinar, email open or click...).
    #[graphql(guard = "AccessGuard::users_or_key(ApiScope::Capture)")]
    async fn lead_track_event(
        &self,
        ctx: &Context<'_>,
        input: LeadTrackEventInput,
    ) -> async_graphql::Result<LeadTrackEventPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let lead_id = parse_id("leadId", &input.lead_id)?;
        // People may only report on leads they can see; integrations report on any.
        if let Principal::User(_) = principal(ctx)? {
            let v = write_visibility(ctx).await?;
            if leads::find_visible(&state.db, &v, lead_id)
                .await
                .map_err(internal)?
                .is_none()
            {
                return Ok(LeadTrackEventPayload {
                    event: None,
                    user_errors: vec![UserError {
                        field: Some("leadId".into()),
                        message: "lead not found".into(),
                        code: leadflow_shared::UserErrorCode::NotFound,
                    }],
                });
            }
        }
        let event = BehaviourEvent {
            lead_id,
            kind: input.kind,
            url: input.url,
            name: input.name,
            occurred_at: input.occurred_at,
            properties: input.properties.map(|j| j.0),
        };
        Ok(
            match payload(tracking::track(&state.db, actor(ctx)?, event).await)? {
                Ok(e) => LeadTrackEventPayload {
                    event: Some(LeadEvent(e)),
                    user_errors: vec![],
                },
                Err(user_errors) => LeadTrackEventPayload {
                    event: None,
                    user_errors,
                },
            },
        )
    }
}
