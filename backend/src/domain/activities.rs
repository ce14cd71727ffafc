//! Working a lead: logging calls, emails, visits and notes; editing what is known about
//! the lead without overwriting a colleague's change; tasks with a due time.
//!
//! Every change lands on the lead's timeline with who made it, so the history is the
//! audit trail. The first call, email or visit stamps `first_contacted_at`, from which
//! speed-to-lead is measured.

use chrono::{DateTime, Duration, Utc};
use leadflow_shared::normalize::{company_key, Email, Phone};
use leadflow_shared::{ActivityKind, ActivityOutcome, UserErrorCode};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::leads::{find_visible, Visibility};
use super::{begin_write, optional_text, required_text, timeline, Actor};
use crate::entity::{lead, lead_event, task, user, StringList};
use crate::error::{DomainError, DomainResult, Invalid};

/// Activities may be logged a little ahead (clock skew), never in the future.
const FUTURE_TOLERANCE_MINUTES: i64 = 5;

async fn visible_lead(
    db: &impl ConnectionTrait,
    visibility: &Visibility,
    id: Uuid,
) -> DomainResult<lead::Model> {
    find_visible(db, visibility, id)
        .await?
        .ok_or_else(|| DomainError::not_found("leadId", "lead"))
}

#[derive(Debug, Clone)]
pub struct NewActivity {
    pub lead_id: Uuid,
    pub kind: ActivityKind,
    pub outcome: Option<ActivityOutcome>,
    pub note: Option<String>,
    /// When it happened; now when omitted.
    pub occurred_at: Option<DateTime<Utc>>,
}

/// Logs an activity; returns the lead as it is afterwards and the timeline event.
pub async fn log_activity(
    db: &DatabaseConnection,
    actor: Actor,
    visibility: &Visibility,
    input: NewActivity,
) -> DomainResult<(lead::Model, lead_event::Model)> {
    let note = optional_text("note", "note", input.note.as_deref(), 5_000)
        .map_err(|e| DomainError::Invalid(vec![e]))?;
    let now = Utc::now();
    let at = input.occurred_at.unwrap_or(now);
    if at > now + Duration::minutes(FUTURE_TOLERANCE_MINUTES) {
        return Err(DomainError::invalid(
            "occurredAt",
            UserErrorCode::Invalid,
            "an activity cannot be in the future",
        ));
    }
    if input.kind == ActivityKind::Note && note.is_none() {
        return Err(DomainError::invalid(
            "note",
            UserErrorCode::Required,
            "a note needs some text",
        ));
    }
    let txn = begin_write(db).await?;
    let mut lead = visible_lead(&txn, visibility, input.lead_id).await?;
    let data =
        serde_json::json!({ "outcome": input.outcome.map(ActivityOutcome::as_str), "note": note });
    let event = timeline::event(lead.id, input.kind.as_str(), actor, data, at)
        .insert(&txn)
        .await?;
    super::leads::touch_activity(&txn, lead.id, at).await?;
    if input.kind.is_contact() && lead.first_contacted_at.is_none_or(|first| at < first) {
        let mut model = lead.clone().into_active_model();
        model.first_contacted_at = Set(Some(at));
        model.version = Set(lead.version + 1);
        model.updated_at = Set(now);
        lead = model.update(&txn).await?;
        super::sla::contacted(&txn, lead.id, at).await?;
    }
    timeline::announce(
        "lead.activity_logged",
        lead.id,
        serde_json::json!({ "leadId": lead.id, "kind": input.kind.as_str() }),
    )
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok((lead, event))
}

/// A partial edit of a lead; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct LeadPatch {
    pub person_name: Option<String>,
    pub title: Option<Option<String>>,
    pub company: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub industry: Option<Option<String>>,
    pub province: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub company_size: Option<Option<i32>>,
    pub tags: Option<Vec<String>>,
}

fn changed<T: PartialEq + serde::Serialize>(
    changes: &mut serde_json::Map<String, serde_json::Value>,
    field: &str,
    old: &T,
    new: &T,
) {
    if old != new {
        changes.insert(
            field.to_string(),
            serde_json::json!({ "from": old, "to": new }),
        );
    }
}

/// Applies an edit made on `expected_version`. When someone else changed the lead since,
/// nothing is written and the caller hears so (CONFLICT), to reload and redo.
pub async fn update_lead(
    db: &DatabaseConnection,
    actor: Actor,
    visibility: &Visibility,
    id: Uuid,
    expected_version: i32,
    patch: LeadPatch,
) -> DomainResult<lead::Model> {
    let mut problems: Vec<Invalid> = Vec::new();
    let text = |field: &'static str,
                label: &str,
                v: &Option<Option<String>>,
                max: usize,
                problems: &mut Vec<Invalid>| {
        v.as_ref().map(|inner| {
            optional_text(field, label, inner.as_deref(), max)
                .map_err(|e| problems.push(e))
                .ok()
                .flatten()
        })
    };
    let person_name = patch.person_name.as_deref().and_then(|n| {
        required_text("personName", "the person's name", n, 100)
            .map_err(|e| problems.push(e))
            .ok()
    });
    let title = text("title", "title", &patch.title, 100, &mut problems);
    let company = text("company", "company", &patch.company, 200, &mut problems);
    let industry = text("industry", "industry", &patch.industry, 64, &mut problems);
    let province = text("province", "province", &patch.province, 32, &mut problems);
    let city = text("city", "city", &patch.city, 64, &mut problems);
    let email =
        patch.email.as_ref().map(
            |e| match e.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => None,
                Some(raw) => Email::parse(raw)
                    .map_err(|err| {
                        problems.push(Invalid::new(
                            "email",
                            UserErrorCode::Invalid,
                            err.to_string(),
                        ))
                    })
                    .ok(),
            },
        );
    let phone =
        patch.phone.as_ref().map(
            |p| match p.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => None,
                Some(raw) => Phone::parse(raw)
                    .map(|parsed| (raw.to_string(), parsed))
                    .map_err(|err| {
                        problems.push(Invalid::new(
                            "phone",
                            UserErrorCode::Invalid,
                            err.to_string(),
                        ))
                    })
                    .ok(),
            },
        );
    if let Some(Some(size)) = patch.company_size {
        if !(1..=10_000_000).contains(&size) {
            problems.push(Invalid::new(
                "companySize",
                UserErrorCode::Invalid,
                "company size is a number of employees, 1 or more",
            ));
        }
    }
    let tags = patch.tags.as_ref().map(|tags| {
        let mut out: Vec<String> = Vec::new();
        for t in tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
            if t.chars().count() > 40 {
                problems.push(Invalid::new(
                    "tags",
                    UserErrorCode::Invalid,
                    format!("tag '{t}' is too long (at most 40 characters)"),
                ));
            } else if !out.iter().any(|o| o == t) {
                out.push(t.to_string());
            }
        }
        out
    });
    if !problems.is_empty() {
        return Err(DomainError::Invalid(problems));
    }

    let txn = begin_write(db).await?;
    let existing = find_visible(&txn, visibility, id)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "lead"))?;
    let conflict = |current: i32| {
        DomainError::invalid(
            "version",
            UserErrorCode::Conflict,
            format!("someone changed this lead since you opened it (now version {current}); reload and apply your edit again"),
        )
    };
    if existing.version != expected_version {
        return Err(conflict(existing.version));
    }
    let mut next = existing.clone();
    if let Some(v) = person_name {
        next.person_name = v;
    }
    if let Some(v) = title {
        next.title = v;
    }
    if let Some(v) = company {
        next.company_key = v.as_deref().map(company_key).filter(|k| !k.is_empty());
        next.company = v;
    }
    if let Some(v) = email {
        next.email = v.as_ref().map(|e| e.to_string());
        next.email_normalized = v.map(Email::into_inner);
    }
    if let Some(v) = phone {
        next.phone = v.as_ref().map(|(raw, _)| raw.clone());
        next.phone_e164 = v.map(|(_, p)| p.as_str().to_string());
    }
    if let Some(v) = industry {
        next.industry = v;
    }
    if let Some(v) = province {
        next.province = v;
    }
    if let Some(v) = city {
        next.city = v;
    }
    if let Some(v) = patch.company_size {
        next.company_size = v;
    }
    if let Some(v) = tags {
        next.tags = StringList(v);
    }
    if next.email.is_none() && next.phone.is_none() {
        return Err(DomainError::invalid(
            "email",
            UserErrorCode::Required,
            "keep an email or a phone number to reach the person",
        ));
    }
    let mut changes = serde_json::Map::new();
    changed(
        &mut changes,
        "personName",
        &existing.person_name,
        &next.person_name,
    );
    changed(&mut changes, "title", &existing.title, &next.title);
    changed(&mut changes, "company", &existing.company, &next.company);
    changed(&mut changes, "email", &existing.email, &next.email);
    changed(&mut changes, "phone", &existing.phone, &next.phone);
    changed(&mut changes, "industry", &existing.industry, &next.industry);
    changed(&mut changes, "province", &existing.province, &next.province);
    changed(&mut changes, "city", &existing.city, &next.city);
    changed(
        &mut changes,
        "companySize",
        &existing.company_size,
        &next.company_size,
    );
    changed(&mut changes, "tags", &existing.tags.0, &next.tags.0);
    if changes.is_empty() {
        txn.commit().await?;
        return Ok(existing);
    }
    let now = Utc::now();
    // Conditional on the version read: a concurrent edit that committed first wins and
    // this one reports the conflict instead of overwriting it.
    let written = lead::Entity::update_many()
        .col_expr(
            lead::Column::PersonName,
            Expr::value(next.person_name.clone()),
        )
        .col_expr(lead::Column::Title, Expr::value(next.title.clone()))
        .col_expr(lead::Column::Company, Expr::value(next.company.clone()))
        .col_expr(
            lead::Column::CompanyKey,
            Expr::value(next.company_key.clone()),
        )
        .col_expr(lead::Column::Email, Expr::value(next.email.clone()))
        .col_expr(
            lead::Column::EmailNormalized,
            Expr::value(next.email_normalized.clone()),
        )
        .col_expr(lead::Column::Phone, Expr::value(next.phone.clone()))
        .col_expr(
            lead::Column::PhoneE164,
            Expr::value(next.phone_e164.clone()),
        )
        .col_expr(lead::Column::Industry, Expr::value(next.industry.clone()))
        .col_expr(lead::Column::Province, Expr::value(next.province.clone()))
        .col_expr(lead::Column::City, Expr::value(next.city.clone()))
        .col_expr(lead::Column::CompanySize, Expr::value(next.company_size))
        .col_expr(
            lead::Column::Tags,
            Expr::value(serde_json::json!(next.tags.0)),
        )
        .col_expr(lead::Column::Version, Expr::value(existing.version + 1))
        .col_expr(lead::Column::UpdatedAt, Expr::value(now))
        .filter(lead::Column::Id.eq(id))
        .filter(lead::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    if written.rows_affected != 1 {
        let current = lead::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .map_or(expected_version, |l| l.version);
        return Err(conflict(current));
    }
    timeline::event(
        id,
        "updated",
        actor,
        serde_json::Value::Object(changes),
        now,
    )
    .insert(&txn)
    .await?;
    timeline::announce("lead.updated", id, serde_json::json!({ "leadId": id }))
        .insert(&txn)
        .await?;
    let updated = lead::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "lead"))?;
    // Fit rules read these fields: the score follows the edit.
    let updated = super::scoring::rescore_lead(&txn, updated, now).await?;
    txn.commit().await?;
    Ok(updated)
}

#[derive(Debug, Clone)]
pub struct NewTask {
    pub lead_id: Uuid,
    pub title: String,
    pub due_at: DateTime<Utc>,
    /// Who does it; the creator when omitted.
    pub assignee_id: Option<Uuid>,
    /// The lead's deal the task is about, if any.
    pub opportunity_id: Option<Uuid>,
}

/// The job that tells a task's assignee it is due.
pub const TASK_DUE_JOB: &str = "task_due";

pub async fn create_task(
    db: &DatabaseConnection,
    actor: Actor,
    visibility: &Visibility,
    input: NewTask,
) -> DomainResult<task::Model> {
    let title = required_text("title", "task", &input.title, 200)
        .map_err(|e| DomainError::Invalid(vec![e]))?;
    let assignee_id = input.assignee_id.or(actor.user_id).ok_or_else(|| {
        DomainError::invalid(
            "assigneeId",
            UserErrorCode::Required,
            "say who should do the task",
        )
    })?;
    if input.due_at < Utc::now() - Duration::days(365) {
        return Err(DomainError::invalid(
            "dueAt",
            UserErrorCode::Invalid,
            "the due time is more than a year in the past",
        ));
    }
    let txn = begin_write(db).await?;
    let lead = visible_lead(&txn, visibility, input.lead_id).await?;
    let assignee = user::Entity::find_by_id(assignee_id)
        .one(&txn)
        .await?
        .filter(|u| u.active)
        .ok_or_else(|| DomainError::not_found("assigneeId", "active user"))?;
    if let Some(deal) = input.opportunity_id {
        let belongs = crate::entity::opportunity::Entity::find_by_id(deal)
            .one(&txn)
            .await?
            .is_some_and(|d| d.lead_id == lead.id);
        if !belongs {
            return Err(DomainError::not_found(
                "opportunityId",
                "opportunity of this lead",
            ));
        }
    }
    let now = Utc::now();
    let created = task::ActiveModel {
        id: Set(Uuid::now_v7()),
        lead_id: Set(lead.id),
        opportunity_id: Set(input.opportunity_id),
        assignee_id: Set(assignee.id),
        title: Set(title),
        due_at: Set(input.due_at),
        done_at: Set(None),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    timeline::event(lead.id, "task_created", actor, serde_json::json!({ "taskId": created.id, "title": created.title, "dueAt": created.due_at }), now)
        .insert(&txn)
        .await?;
    crate::jobs::enqueue(
        &txn,
        TASK_DUE_JOB,
        serde_json::json!({ "taskId": created.id }),
        created.due_at.max(now),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// At a task's due time: reminds its assignee, unless it is done already. Runs once per
/// task (the reminder and the job's completion commit together).
pub async fn run_task_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    job: &crate::jobs::Job,
) -> anyhow::Result<()> {
    let Some(id) = job
        .payload
        .get("taskId")
        .and_then(|v| v.as_str())
        .and_then(|s| Uuid::parse_str(s).ok())
    else {
        return Ok(());
    };
    let txn = begin_write(db).await?;
    let Some(t) = task::Entity::find_by_id(id).one(&txn).await? else {
        return Ok(());
    };
    if t.done_at.is_some() {
        return Ok(());
    }
    // A retried job finds the reminder already written.
    let task_id = t.id.to_string();
    let already = crate::entity::notification::Entity::find()
        .filter(crate::entity::notification::Column::UserId.eq(t.assignee_id))
        .filter(crate::entity::notification::Column::LeadId.eq(t.lead_id))
        .filter(
            crate::entity::notification::Column::Kind
                .eq(leadflow_shared::NotificationKind::TaskDue.as_str()),
        )
        .all(&txn)
        .await?
        .iter()
        .any(|n| n.data.get("taskId").and_then(|v| v.as_str()) == Some(task_id.as_str()));
    if already {
        return Ok(());
    }
    let lead = lead::Entity::find_by_id(t.lead_id).one(&txn).await?;
    super::notifications::notify(
        &txn,
        t.assignee_id,
        leadflow_shared::NotificationKind::TaskDue,
        Some(t.lead_id),
        lead.as_ref().map_or("", |l| l.person_name.as_str()),
        serde_json::json!({ "taskId": t.id, "title": t.title, "dueAt": t.due_at }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Marks a task done. Anyone who may see the lead may (a colleague covering a call).
pub async fn complete_task(
    db: &DatabaseConnection,
    actor: Actor,
    visibility: &Visibility,
    id: Uuid,
) -> DomainResult<task::Model> {
    let txn = begin_write(db).await?;
    let existing = task::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "task"))?;
    // A task on a lead the caller cannot see does not exist for them.
    visible_lead(&txn, visibility, existing.lead_id)
        .await
        .map_err(|_| DomainError::not_found("id", "task"))?;
    if existing.done_at.is_some() {
        txn.commit().await?;
        return Ok(existing);
    }
    let now = Utc::now();
    let mut model = existing.clone().into_active_model();
    model.done_at = Set(Some(now));
    model.updated_at = Set(now);
    let done = model.update(&txn).await?;
    timeline::event(
        done.lead_id,
        "task_done",
        actor,
        serde_json::json!({ "taskId": done.id, "title": done.title }),
        now,
    )
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(done)
}

/// A person's open tasks (and, if asked, done ones), soonest due first.
pub async fn tasks_of(
    db: &DatabaseConnection,
    assignee_id: Uuid,
    include_done: bool,
    limit: u64,
) -> DomainResult<Vec<task::Model>> {
    let mut q = task::Entity::find().filter(task::Column::AssigneeId.eq(assignee_id));
    if !include_done {
        q = q.filter(task::Column::DoneAt.is_null());
    }
    Ok(q.order_by_asc(task::Column::DueAt)
        .order_by_asc(task::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

pub async fn tasks_on_lead(
    db: &DatabaseConnection,
    lead_id: Uuid,
) -> DomainResult<Vec<task::Model>> {
    Ok(task::Entity::find()
        .filter(task::Column::LeadId.eq(lead_id))
        .order_by_asc(task::Column::DueAt)
        .all(db)
        .await?)
}
