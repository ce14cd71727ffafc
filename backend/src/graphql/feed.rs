//! The live assignment feed and each user's notifications.
//!
//! Both read the outbox: every server's relay hands committed events to its
//! subscribers in order, so an assignment made on one server reaches a manager watching
//! on another. An event's cursor is its outbox position; a feed that reconnects passes
//! the last cursor it saw and first receives what it missed.

use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::{Context, InputObject, Json, Object, SimpleObject, Subscription, ID};
use chrono::{DateTime, Utc};
use futures_util::{stream, Stream, StreamExt};
use leadflow_shared::{ApiScope, FeedScope, NotificationKind, Role};

use crate::auth::Principal;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio_stream::wrappers::BroadcastStream;
use uuid::Uuid;

use super::assignments::Assignment;
use super::errors::{internal, payload, ErrorCode, UserError};
use super::guards::{current_user, principal, AccessGuard, RoleGuard};
use super::leads::Lead;
use super::users::parse_id;
use crate::app::AppState;
use crate::domain::assignments::TOPIC_ASSIGNED;
use crate::domain::leads::{find_visible, Visibility};
use crate::domain::notifications;
use crate::entity::{assignment, notification, outbox};
use crate::events::OutboxEvent;

/// The most events a feed page or a catch-up replays.
const MAX_FEED: u64 = 200;
/// Outbox rows read per step while looking for a scope's events.
const SCAN_BATCH: u64 = 500;

/// Which owners' changes a scope shows to its viewer. `None`: every change.
#[derive(Clone)]
struct Audience {
    owners: Option<HashSet<Uuid>>,
    /// Leads routed to (or left in) the pool.
    pool: bool,
    /// Whose leads the viewer may read; `None`: none (the event, not the lead).
    visibility: Option<Arc<Visibility>>,
}

impl Audience {
    fn shows(&self, payload: &serde_json::Value) -> bool {
        let id = |key: &str| {
            payload
                .get(key)
                .and_then(|v| v.as_str())
                .and_then(|s| Uuid::parse_str(s).ok())
        };
        let (from, to) = (id("fromOwnerId"), id("ownerId"));
        match &self.owners {
            None => true,
            Some(owners) => {
                from.is_some_and(|f| owners.contains(&f))
                    || to.is_some_and(|t| owners.contains(&t))
                    || (self.pool && from.is_none() && to.is_none())
            }
        }
    }
}

async fn audience(ctx: &Context<'_>, scope: FeedScope) -> async_graphql::Result<Audience> {
    let state = ctx.data_unchecked::<AppState>();
    // An integration's key with `assignments:subscribe` follows every assignment; it
    // sees the leads themselves only with `leads:read` too.
    if let Principal::ApiKey(key) = principal(ctx)? {
        if scope != FeedScope::All {
            return Err(ErrorCode::Forbidden.error("an API key follows the ALL feed"));
        }
        let reads_leads = key.scopes.contains(&ApiScope::LeadsRead);
        return Ok(Audience {
            owners: None,
            pool: true,
            visibility: reads_leads.then(|| Arc::new(Visibility::All)),
        });
    }
    let me = current_user(ctx)?;
    let visibility = Visibility::for_user(&state.db, me.id, me.role)
        .await
        .map_err(internal)?;
    let allowed = match scope {
        FeedScope::Mine => true,
        FeedScope::Team => matches!(me.role, Role::Manager | Role::Admin),
        FeedScope::All => matches!(me.role, Role::Admin | Role::Marketer),
    };
    if !allowed {
        return Err(ErrorCode::Forbidden.error(match scope {
            FeedScope::Team => "only managers follow a team's assignments",
            _ => "only admins and marketers follow every assignment",
        }));
    }
    let owners = match (scope, &visibility) {
        (FeedScope::Mine, _) => Some(HashSet::from([me.id])),
        (FeedScope::Team, Visibility::OwnersAndPool(owners)) => {
            Some(owners.iter().copied().collect())
        }
        (FeedScope::Team, Visibility::All) | (FeedScope::All, _) => None,
    };
    Ok(Audience {
        pool: scope != FeedScope::Mine,
        owners,
        visibility: Some(Arc::new(visibility)),
    })
}

/// One assignment as a feed shows it.
pub struct AssignmentEvent {
    seq: i64,
    assignment: assignment::Model,
    visibility: Option<Arc<Visibility>>,
}

#[Object]
impl AssignmentEvent {
    /// Pass the last one seen back as `after` when reconnecting.
    async fn cursor(&self) -> String {
        self.seq.to_string()
    }
    async fn assignment(&self) -> Assignment {
        Assignment(self.assignment.clone())
    }
    /// `null` when the viewer may no longer see the lead.
    async fn lead(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Lead>> {
        let state = ctx.data_unchecked::<AppState>();
        let Some(visibility) = &self.visibility else {
            return Ok(None);
        };
        Ok(find_visible(&state.db, visibility, self.assignment.lead_id)
            .await
            .map_err(internal)?
            .map(Lead))
    }
    /// The routing rule that decided, for rule assignments.
    async fn rule_label(&self) -> Option<&str> {
        self.assignment.rule_label.as_deref()
    }
}

async fn to_event(
    state: &AppState,
    audience: &Audience,
    seq: i64,
    payload: &serde_json::Value,
) -> Option<AssignmentEvent> {
    if !audience.shows(payload) {
        return None;
    }
    let id = payload
        .get("assignmentId")
        .and_then(|v| v.as_str())
        .and_then(|s| Uuid::parse_str(s).ok())?;
    let row = assignment::Entity::find_by_id(id)
        .one(&state.db)
        .await
        .ok()
        .flatten()?;
    Some(AssignmentEvent {
        seq,
        assignment: row,
        visibility: audience.visibility.clone(),
    })
}

/// Assignment events after `after`, oldest first, at most [`MAX_FEED`].
async fn missed(
    state: &AppState,
    audience: &Audience,
    after: i64,
) -> async_graphql::Result<Vec<AssignmentEvent>> {
    let rows = outbox::Entity::find()
        .filter(outbox::Column::Topic.eq(TOPIC_ASSIGNED))
        .filter(outbox::Column::Seq.gt(after))
        .order_by_asc(outbox::Column::Seq)
        .limit(MAX_FEED * 10)
        .all(&state.db)
        .await
        .map_err(internal)?;
    let mut out = Vec::new();
    for row in rows {
        if let Some(e) = to_event(state, audience, row.seq, &row.payload).await {
            out.push(e);
            if out.len() as u64 >= MAX_FEED {
                break;
            }
        }
    }
    Ok(out)
}

pub struct Notification(pub notification::Model);

#[Object]
impl Notification {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn kind(&self) -> NotificationKind {
        NotificationKind::parse(&self.0.kind).unwrap_or(NotificationKind::LeadAssigned)
    }
    /// `null` when the reader may no longer see the lead.
    async fn lead(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Lead>> {
        let Some(lead_id) = self.0.lead_id else {
            return Ok(None);
        };
        let state = ctx.data_unchecked::<AppState>();
        let me = current_user(ctx)?;
        let visibility = Visibility::for_user(&state.db, me.id, me.role)
            .await
            .map_err(internal)?;
        Ok(find_visible(&state.db, &visibility, lead_id)
            .await
            .map_err(internal)?
            .map(Lead))
    }
    /// The lead's name when this was written, for the toast.
    async fn lead_name(&self) -> &str {
        &self.0.lead_name
    }
    /// Details by kind: `ownerName`, `minutes`, `reason`, `rule`, `days`.
    async fn data(&self) -> Json<serde_json::Value> {
        Json(self.0.data.clone())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn read_at(&self) -> Option<DateTime<Utc>> {
        self.0.read_at
    }
}

#[derive(SimpleObject)]
pub struct NotificationList {
    pub items: Vec<Notification>,
    pub unread_count: i32,
}

#[derive(Default)]
pub struct FeedQuery;

#[Object]
impl FeedQuery {
    /// The newest assignments in `scope`, newest first: what a feed page shows before
    /// it subscribes to `assignmentEvents` with the newest cursor.
    #[graphql(guard = "RoleGuard::any_user()")]
    async fn assignment_feed(
        &self,
        ctx: &Context<'_>,
        scope: FeedScope,
        #[graphql(default = 50)] first: i32,
    ) -> async_graphql::Result<Vec<AssignmentEvent>> {
        let state = ctx.data_unchecked::<AppState>();
        let first = u64::try_from(first)
            .ok()
            .filter(|n| (1..=MAX_FEED).contains(n))
            .ok_or_else(|| {
                ErrorCode::BadRequest.error(format!("first must be between 1 and {MAX_FEED}"))
            })?;
        let audience = audience(ctx, scope).await?;
        let mut out = Vec::new();
        let mut before: Option<i64> = None;
        // Look back through at most 20 batches of recent events.
        for _ in 0..20 {
            let mut query = outbox::Entity::find()
                .filter(outbox::Column::Topic.eq(TOPIC_ASSIGNED))
                .order_by_desc(outbox::Column::Seq)
                .limit(SCAN_BATCH);
            if let Some(b) = before {
                query = query.filter(outbox::Column::Seq.lt(b));
            }
            let rows = query.all(&state.db).await.map_err(internal)?;
            let n = rows.len() as u64;
            for row in rows {
                before = Some(row.seq);
                if let Some(e) = to_event(state, &audience, row.seq, &row.payload).await {
                    out.push(e);
                    if out.len() as u64 >= first {
                        return Ok(out);
                    }
                }
            }
            if n < SCAN_BATCH {
                break;
            }
        }
        Ok(out)
    }

    /// The signed-in user's newest notifications and how many are unread.
    #[graphql(guard = "RoleGuard::any_user()")]
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        #[graphql(default = false)] unread_only: bool,
    ) -> async_graphql::Result<NotificationList> {
        let state = ctx.data_unchecked::<AppState>();
        let me = current_user(ctx)?;
        let first = u64::try_from(first).unwrap_or(0);
        let items = match notifications::list(&state.db, me.id, first, unread_only).await {
            Ok(items) => items,
            Err(crate::error::DomainError::Invalid(p)) => {
                return Err(ErrorCode::BadRequest.error(
                    p.into_iter()
                        .map(|p| p.message)
                        .collect::<Vec<_>>()
                        .join("; "),
                ))
            }
            Err(other) => return Err(internal(other)),
        };
        let unread = notifications::unread_count(&state.db, me.id)
            .await
            .map_err(internal)?;
        Ok(NotificationList {
            items: items.into_iter().map(Notification).collect(),
            unread_count: i32::try_from(unread).unwrap_or(i32::MAX),
        })
    }
}

#[derive(InputObject)]
pub struct NotificationsMarkReadInput {
    pub ids: Option<Vec<ID>>,
    /// Every unread notification.
    pub all: Option<bool>,
}

#[derive(SimpleObject)]
pub struct NotificationsMarkReadPayload {
    pub unread_count: i32,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct FeedMutation;

#[Object]
impl FeedMutation {
    #[graphql(guard = "RoleGuard::any_user()")]
    async fn notifications_mark_read(
        &self,
        ctx: &Context<'_>,
        input: NotificationsMarkReadInput,
    ) -> async_graphql::Result<NotificationsMarkReadPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let me = current_user(ctx)?;
        let ids = input
            .ids
            .unwrap_or_default()
            .iter()
            .map(|id| parse_id("ids", id))
            .collect::<async_graphql::Result<Vec<_>>>()?;
        let marked = notifications::mark_read(
            &state.db,
            me.id,
            &ids,
            input.all.unwrap_or(false),
            Utc::now(),
        )
        .await;
        Ok(match payload(marked)? {
            Ok(unread) => NotificationsMarkReadPayload {
                unread_count: i32::try_from(unread).unwrap_or(i32::MAX),
                user_errors: vec![],
            },
            Err(user_errors) => {
                let unread = notifications::unread_count(&state.db, me.id)
                    .await
                    .map_err(internal)?;
                NotificationsMarkReadPayload {
                    unread_count: i32::try_from(unread).unwrap_or(i32::MAX),
                    user_errors,
                }
            }
        })
    }
}

#[derive(Default)]
pub struct FeedSubscription;

#[Subscription]
impl FeedSubscription {
    /// Assignments in `scope` as they happen. A rep follows MINE; a manager MINE or
    /// TEAM (their teams and the pool); an admin or marketer any; an API key with
    /// `assignments:subscribe` ALL. With `after` (a cursor), first the events since then.
    #[graphql(guard = "AccessGuard::users_or_key(ApiScope::AssignmentsSubscribe)")]
    async fn assignment_events(
        &self,
        ctx: &Context<'_>,
        scope: FeedScope,
        after: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = AssignmentEvent>> {
        let state = ctx.data_unchecked::<AppState>().clone();
        let audience = audience(ctx, scope).await?;
        let after = after
            .map(|a| {
                a.parse::<i64>()
                    .map_err(|_| ErrorCode::BadRequest.error("after is not a feed cursor"))
            })
            .transpose()?;
        // Subscribe first, then catch up: nothing falls in between, and live events the
        // catch-up already gave are skipped by their position.
        let live = BroadcastStream::new(state.events.subscribe_outbox())
            .filter_map(|e| async { e.ok().filter(|e| e.topic == TOPIC_ASSIGNED) });
        let backlog = match after {
            Some(after) => missed(&state, &audience, after).await?,
            None => Vec::new(),
        };
        let floor = backlog.last().map(|e| e.seq).or(after).unwrap_or(0);
        let live = live
            .filter(move |e: &Arc<OutboxEvent>| std::future::ready(e.seq > floor))
            .filter_map(move |e| {
                let state = state.clone();
                let audience = audience.clone();
                async move { to_event(&state, &audience, e.seq, &e.payload).await }
            });
        Ok(stream::iter(backlog).chain(live))
    }

    /// The signed-in user's notifications as they are written.
    #[graphql(guard = "RoleGuard::any_user()")]
    async fn notifications(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = Notification>> {
        let state = ctx.data_unchecked::<AppState>().clone();
        let me = current_user(ctx)?.id;
        let live = BroadcastStream::new(state.events.subscribe_outbox()).filter_map(move |e| {
            let state = state.clone();
            async move {
                let e = e.ok()?;
                if e.topic != notifications::TOPIC || e.aggregate_id != me {
                    return None;
                }
                let id = e
                    .payload
                    .get("notificationId")
                    .and_then(|v| v.as_str())
                    .and_then(|s| Uuid::parse_str(s).ok())?;
                notification::Entity::find_by_id(id)
                    .one(&state.db)
                    .await
                    .ok()
                    .flatten()
                    .map(Notification)
            }
        });
        Ok(live)
    }
}
