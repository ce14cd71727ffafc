//! The nurture-journey runtime: designing (drafts, versions, templates), enrolling
//! leads as events happen, and stepping each enrolment through its graph exactly once.
//!
//! **Enrolment** happens in the transaction of the write that caused it: capture
//! (source, campaign, form, tags, a new lead entering LEAD), a stage move, a score change
//! (score band, MQL) call [`on_signal`] before they commit. So a lead is enrolled
//! exactly when its triggering change exists — no relay lag, no enrolment for a change
//! that rolled back. A unique `open_key` keeps one open enrolment per lead and journey.
//! The enrolment's first step is a durable job; an outbox row (`journey.enrolled`)
//! reaches every server's relay, which wakes its job runner, so the step runs at once.
//!
//! **Steps** run in [`run_step`], one node per job, via the pure
//! `leadflow_shared::journey::step`. A job names `(enrolment, step number)`. In one
//! transaction the handler inserts the `journey_steps` row keyed by that pair, carries
//! out the step's effects, moves the enrolment on with a conditional update
//! (`WHERE steps = n - 1`) and books the next step's job. A job that runs again after a
//! crash, or a second server that also took it, finds the step taken (the row exists,
//! the counter moved) and does nothing: each step's effects happen once.
//!
//! **Email** effects queue an `outbound_emails` row and a send job in that same
//! transaction. The send job delivers over SMTP and marks the row sent; a refusal is
//! retried with backoff ([`EMAIL_ATTEMPTS`] in all) and then recorded as failed on the
//! row and the lead's timeline. The `Message-ID` is the row's id: if a server dies
//! between the relay accepting a message and the row being marked, the retry carries the
//! same id, which receiving servers use to drop the duplicate.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, Mutex};

use chrono::{DateTime, Duration, Utc};
use leadflow_shared::journey::{
    self, Effect, EnrolmentState, JourneyDefinition, LeadFacts, LeaveReason, Problem, Trigger,
};
use leadflow_shared::{BehaviourKind, LeadStage, UserErrorCode};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::email::{self, LinkKey, Links, Variables};
use super::{begin_write, timeline, Actor};
use crate::config::Config;
use crate::entity::{
    email_template, email_unsubscribe, enrollment, journey as journey_row, journey_step,
    journey_version, lead, outbound_email, task, user, StringList,
};
use crate::error::{DomainError, DomainResult, Invalid};
use crate::jobs::{self, Job, Queue};

/// The job that takes one step of one enrolment.
pub const STEP_JOB: &str = "journey_step";
/// The job that sends one queued email.
pub const SEND_JOB: &str = "email_send";
/// Sends tried before an email is recorded as failed.
pub const EMAIL_ATTEMPTS: i32 = 4;
/// The outbox topic of an enrolment; relays wake their job runner on it.
pub const ENROLLED_TOPIC: &str = "journey.enrolled";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JourneyStatus {
    Draft,
    Active,
    Paused,
}

impl JourneyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JourneyStatus::Draft => "draft",
            JourneyStatus::Active => "active",
            JourneyStatus::Paused => "paused",
        }
    }
    pub fn parse(s: &str) -> JourneyStatus {
        match s {
            "active" => JourneyStatus::Active,
            "paused" => JourneyStatus::Paused,
            _ => JourneyStatus::Draft,
        }
    }
}

fn invalid(field: &'static str, code: UserErrorCode, message: impl Into<String>) -> DomainError {
    DomainError::invalid(field, code, message)
}

fn internal(message: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(anyhow::anyhow!("{message}"))
}

fn name_of(field: &'static str, name: &str) -> DomainResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(invalid(field, UserErrorCode::Required, "give it a name"));
    }
    if name.chars().count() > 200 {
        return Err(invalid(
            field,
            UserErrorCode::Invalid,
            "at most 200 characters",
        ));
    }
    Ok(name.to_string())
}

// ---------------------------------------------------------------------------------
// Email templates
// ---------------------------------------------------------------------------------

pub async fn templates(db: &DatabaseConnection) -> DomainResult<Vec<email_template::Model>> {
    Ok(email_template::Entity::find()
        .order_by_asc(email_template::Column::Name)
        .all(db)
        .await?)
}

async fn template_ids(db: &impl ConnectionTrait) -> DomainResult<Vec<String>> {
    Ok(email_template::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.id.to_string())
        .collect())
}

/// Checks a template's fields: names, lengths and that every `{{variable}}` exists.
fn check_template(name: &str, subject: &str, body: &str) -> DomainResult<(String, String, String)> {
    let mut problems = Vec::new();
    let name = match name_of("name", name) {
        Ok(n) => n,
        Err(DomainError::Invalid(p)) => {
            problems.extend(p);
            String::new()
        }
        Err(e) => return Err(e),
    };
    let subject = subject.trim().to_string();
    if subject.is_empty() {
        problems.push(Invalid::new(
            "subject",
            UserErrorCode::Required,
            "the subject is empty",
        ));
    } else if subject.chars().count() > 300 {
        problems.push(Invalid::new(
            "subject",
            UserErrorCode::Invalid,
            "at most 300 characters",
        ));
    }
    if body.trim().is_empty() {
        problems.push(Invalid::new(
            "body",
            UserErrorCode::Required,
            "the body is empty",
        ));
    } else if body.len() > 100_000 {
        problems.push(Invalid::new(
            "body",
            UserErrorCode::Invalid,
            "at most 100 000 characters",
        ));
    }
    for (field, text) in [("subject", subject.as_str()), ("body", body)] {
        for unknown in email::unknown_variables(text) {
            problems.push(Invalid::new(
                field,
                UserErrorCode::Invalid,
                format!(
                    "unknown variable {{{{{unknown}}}}}; use {}",
                    email::VARIABLES.map(|v| format!("{{{{{v}}}}}")).join(", ")
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok((name, subject, body.to_string()))
    } else {
        Err(DomainError::Invalid(problems))
    }
}

pub async fn create_template(
    db: &DatabaseConnection,
    name: &str,
    subject: &str,
    body: &str,
) -> DomainResult<email_template::Model> {
    let (name, subject, body) = check_template(name, subject, body)?;
    let now = Utc::now();
    Ok(email_template::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        subject: Set(subject),
        body: Set(body),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

pub async fn update_template(
    db: &DatabaseConnection,
    id: Uuid,
    name: &str,
    subject: &str,
    body: &str,
) -> DomainResult<email_template::Model> {
    let (name, subject, body) = check_template(name, subject, body)?;
    let found = email_template::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "email template"))?;
    let mut model = found.into_active_model();
    model.name = Set(name);
    model.subject = Set(subject);
    model.body = Set(body);
    model.updated_at = Set(Utc::now());
    Ok(model.update(db).await?)
}

/// Deletes a template no journey draft or version sends.
pub async fn delete_template(db: &DatabaseConnection, id: Uuid) -> DomainResult<()> {
    let txn = begin_write(db).await?;
    if email_template::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(DomainError::not_found("id", "email template"));
    }
    let key = id.to_string();
    let drafts = journey_row::Entity::find().all(&txn).await?;
    let versions = journey_version::Entity::find().all(&txn).await?;
    let used = drafts
        .iter()
        .map(|j| &j.draft)
        .chain(versions.iter().map(|v| &v.definition))
        .filter_map(|d| serde_json::from_value::<JourneyDefinition>(d.clone()).ok())
        .any(|d| d.template_ids().contains(&key));
    if used {
        return Err(invalid(
            "id",
            UserErrorCode::Conflict,
            "a journey sends this template; remove it from the journey first",
        ));
    }
    email_template::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

async fn variables_for(db: &impl ConnectionTrait, l: &lead::Model) -> DomainResult<Variables> {
    let owner_name = match l.owner_id {
        Some(owner) => user::Entity::find_by_id(owner)
            .one(db)
            .await?
            .map(|u| u.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(Variables {
        name: l.person_name.clone(),
        company: l.company.clone().unwrap_or_default(),
        owner_name,
    })
}

/// A template rendered for a lead (or a sample lead), without tracked links.
pub async fn preview(
    db: &DatabaseConnection,
    subject: &str,
    body: &str,
    lead_id: Option<Uuid>,
) -> DomainResult<email::Rendered> {
    check_template("preview", subject, body)?;
    let vars = match lead_id {
        Some(id) => {
            let l = lead::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(|| DomainError::not_found("leadId", "lead"))?;
            variables_for(db, &l).await?
        }
        None => Variables {
            name: "Wang Fang".into(),
            company: "Example Trading Co.".into(),
            owner_name: "Your rep".into(),
        },
    };
    Ok(email::compose(subject, body, &vars, None))
}

/// Sends a template with sample values to `to` now, over the configured relay.
pub async fn test_send(
    db: &DatabaseConnection,
    config: &Config,
    id: Uuid,
    to: &str,
) -> DomainResult<()> {
    let t = email_template::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "email template"))?;
    let to = to.trim();
    if to.parse::<lettre::message::Mailbox>().is_err() {
        return Err(invalid(
            "to",
            UserErrorCode::Invalid,
            "not an email address",
        ));
    }
    let Some(smtp) = &config.smtp else {
        return Err(invalid(
            "to",
            UserErrorCode::Conflict,
            "no mail server is configured (LEADFLOW_SMTP_HOST)",
        ));
    };
    let r = preview(db, &t.subject, &t.body, None).await?;
    email::deliver(
        smtp,
        &email::Outgoing {
            id: Uuid::now_v7(),
            to,
            subject: &format!("[Test] {}", r.subject),
            text: &r.text,
            html: &r.html,
        },
    )
    .await
    .map_err(|e| invalid("to", UserErrorCode::Conflict, e.message))
}

// ---------------------------------------------------------------------------------
// Designing journeys
// ---------------------------------------------------------------------------------

pub async fn list(db: &DatabaseConnection) -> DomainResult<Vec<journey_row::Model>> {
    Ok(journey_row::Entity::find()
        .order_by_desc(journey_row::Column::UpdatedAt)
        .all(db)
        .await?)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> DomainResult<Option<journey_row::Model>> {
    Ok(journey_row::Entity::find_by_id(id).one(db).await?)
}

pub async fn versions(
    db: &DatabaseConnection,
    journey_id: Uuid,
) -> DomainResult<Vec<journey_version::Model>> {
    Ok(journey_version::Entity::find()
        .filter(journey_version::Column::JourneyId.eq(journey_id))
        .order_by_asc(journey_version::Column::Version)
        .all(db)
        .await?)
}

fn parse_definition(definition: serde_json::Value) -> DomainResult<JourneyDefinition> {
    serde_json::from_value(definition).map_err(|e| {
        DomainError::Invalid(vec![Invalid::owned(
            "definition".into(),
            UserErrorCode::Invalid,
            format!("not a journey definition: {e}"),
        )])
    })
}

/// The problems of a journey's draft, as the designer paints them.
pub async fn problems(
    db: &DatabaseConnection,
    draft: &serde_json::Value,
) -> DomainResult<Vec<Problem>> {
    let Ok(def) = serde_json::from_value::<JourneyDefinition>(draft.clone()) else {
        return Ok(vec![Problem {
            node: None,
            code: journey::ProblemCode::InvalidSetting,
            message: "the draft is not a journey definition".into(),
        }]);
    };
    Ok(def.validate(&template_ids(db).await?))
}

pub async fn create(
    db: &DatabaseConnection,
    name: &str,
    definition: serde_json::Value,
) -> DomainResult<journey_row::Model> {
    let name = name_of("name", name)?;
    let def = parse_definition(definition)?;
    let now = Utc::now();
    Ok(journey_row::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        status: Set(JourneyStatus::Draft.as_str().into()),
        draft: Set(serde_json::to_value(&def).map_err(internal)?),
        active_version: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// The ready "re-activate sleeping leads" journey: two templates and the draft.
pub async fn create_reactivation(
    db: &DatabaseConnection,
    name: &str,
    inactive_days: u32,
) -> DomainResult<journey_row::Model> {
    let name = name_of("name", name)?;
    if !(1..=3650).contains(&inactive_days) {
        return Err(invalid(
            "inactiveDays",
            UserErrorCode::Invalid,
            "between 1 and 3650 days",
        ));
    }
    let txn = begin_write(db).await?;
    let now = Utc::now();
    let mut ids = Vec::new();
    for (tname, subject, body) in [
        (
            format!("{name}: check-in"),
            "{{name}}, is {{company}} still looking?",
            "Hi {{name}},\n\nIt has been a while. Here is what changed since we last spoke: https://example.com/whats-new\n\n{{owner_name}}",
        ),
        (
            format!("{name}: last nudge"),
            "One last thing for {{company}}",
            "Hi {{name}},\n\nIf now is not the time, no problem. If it is, reply and {{owner_name}} will call you.\n",
        ),
    ] {
        let t = email_template::ActiveModel {
            id: Set(Uuid::now_v7()),
            name: Set(tname.chars().take(200).collect()),
            subject: Set(subject.into()),
            body: Set(body.into()),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        ids.push(t.id.to_string());
    }
    let def = JourneyDefinition::reactivate_sleeping(inactive_days, &ids[0], &ids[1]);
    let row = journey_row::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        status: Set(JourneyStatus::Draft.as_str().into()),
        draft: Set(serde_json::to_value(&def).map_err(internal)?),
        active_version: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(row)
}

pub async fn save_draft(
    db: &DatabaseConnection,
    id: Uuid,
    name: Option<&str>,
    definition: serde_json::Value,
) -> DomainResult<journey_row::Model> {
    let name = name.map(|n| name_of("name", n)).transpose()?;
    let def = parse_definition(definition)?;
    let found = find(db, id)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "journey"))?;
    let mut model = found.into_active_model();
    if let Some(name) = name {
        model.name = Set(name);
    }
    model.draft = Set(serde_json::to_value(&def).map_err(internal)?);
    model.updated_at = Set(Utc::now());
    Ok(model.update(db).await?)
}

fn trigger_kind(t: &Trigger) -> &'static str {
    match t {
        Trigger::EntersStage { .. } => "enters_stage",
        Trigger::Source { .. } => "source",
        Trigger::TagAdded { .. } => "tag_added",
        Trigger::ScoreBand { .. } => "score_band",
        Trigger::FormSubmitted { .. } => "form_submitted",
        Trigger::Inactive { .. } => "inactive",
        Trigger::Manual => "manual",
    }
}

/// Freezes the draft as the next version and makes it the one new leads enter.
/// Refused, naming every node at fault, when the graph does not validate.
pub async fn activate(db: &DatabaseConnection, id: Uuid) -> DomainResult<journey_row::Model> {
    let txn = begin_write(db).await?;
    let found = find(&txn, id)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "journey"))?;
    let def = parse_definition(found.draft.clone())?;
    let problems = def.validate(&template_ids(&txn).await?);
    if !problems.is_empty() {
        return Err(DomainError::Invalid(
            problems
                .into_iter()
                .map(|p| {
                    let field = match &p.node {
                        Some(node) => format!("definition.nodes.{node}"),
                        None => "definition".to_string(),
                    };
                    let code = serde_json::to_value(p.code)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default();
                    Invalid::owned(
                        field,
                        UserErrorCode::Invalid,
                        format!("[{code}] {}", p.message),
                    )
                })
                .collect(),
        ));
    }
    let latest = journey_version::Entity::find()
        .filter(journey_version::Column::JourneyId.eq(id))
        .order_by_desc(journey_version::Column::Version)
        .one(&txn)
        .await?;
    let definition = serde_json::to_value(&def).map_err(internal)?;
    if let Some(v) = &latest {
        let same = serde_json::from_value::<JourneyDefinition>(v.definition.clone()).ok()
            == Some(def.clone());
        if same && JourneyStatus::parse(&found.status) == JourneyStatus::Active {
            return Err(invalid(
                "id",
                UserErrorCode::Conflict,
                "this version is already active; change the draft first",
            ));
        }
    }
    let version = latest.map_or(1, |v| v.version + 1);
    let now = Utc::now();
    journey_version::ActiveModel {
        id: Set(Uuid::now_v7()),
        journey_id: Set(id),
        version: Set(version),
        definition: Set(definition),
        trigger_kind: Set(trigger_kind(&def.trigger).into()),
        activated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let was_paused = JourneyStatus::parse(&found.status) == JourneyStatus::Paused;
    let mut model = found.into_active_model();
    model.status = Set(JourneyStatus::Active.as_str().into());
    model.active_version = Set(Some(version));
    model.updated_at = Set(now);
    let row = model.update(&txn).await?;
    if was_paused {
        rebook_open(&txn, id, now).await?;
    }
    txn.commit().await?;
    tracing::info!(journey_id = %id, version, "journey activated");
    Ok(row)
}

/// Stops new enrolments and holds enrolled leads where they are.
pub async fn pause(db: &DatabaseConnection, id: Uuid) -> DomainResult<journey_row::Model> {
    set_status(db, id, JourneyStatus::Active, JourneyStatus::Paused).await
}

/// Lets a paused journey enrol again; held leads carry on (due steps run now).
pub async fn resume(
    db: &DatabaseConnection,
    queue: &Queue,
    id: Uuid,
) -> DomainResult<journey_row::Model> {
    let row = set_status(db, id, JourneyStatus::Paused, JourneyStatus::Active).await?;
    queue.wake();
    Ok(row)
}

async fn set_status(
    db: &DatabaseConnection,
    id: Uuid,
    from: JourneyStatus,
    to: JourneyStatus,
) -> DomainResult<journey_row::Model> {
    let txn = begin_write(db).await?;
    let found = find(&txn, id)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "journey"))?;
    if JourneyStatus::parse(&found.status) != from {
        return Err(invalid(
            "id",
            UserErrorCode::Conflict,
            format!("the journey is {}, not {}", found.status, from.as_str()),
        ));
    }
    let now = Utc::now();
    let mut model = found.into_active_model();
    model.status = Set(to.as_str().into());
    model.updated_at = Set(now);
    let row = model.update(&txn).await?;
    if to == JourneyStatus::Active {
        rebook_open(&txn, id, now).await?;
    }
    txn.commit().await?;
    Ok(row)
}

/// Books the next step of every open enrolment of a journey that was held.
async fn rebook_open(
    db: &impl ConnectionTrait,
    journey_id: Uuid,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let open = enrollment::Entity::find()
        .filter(enrollment::Column::JourneyId.eq(journey_id))
        .filter(enrollment::Column::LeftAt.is_null())
        .all(db)
        .await?;
    for e in open {
        let at = e.next_at.unwrap_or(now).max(now);
        book_step(db, e.id, e.steps + 1, at).await?;
    }
    Ok(())
}

/// Per-node counts for the canvas: entered (steps that entered it), waiting (open
/// enrolments at it), left (enrolments that left from it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeCount {
    pub node: String,
    pub entered: i64,
    pub waiting: i64,
    pub left: i64,
}

pub async fn node_counts(
    db: &DatabaseConnection,
    journey_id: Uuid,
    version: Option<i32>,
) -> DomainResult<Vec<NodeCount>> {
    let mut versions =
        journey_version::Entity::find().filter(journey_version::Column::JourneyId.eq(journey_id));
    if let Some(v) = version {
        versions = versions.filter(journey_version::Column::Version.eq(v));
    }
    let version_ids: Vec<Uuid> = versions.all(db).await?.into_iter().map(|v| v.id).collect();
    let enrollments = enrollment::Entity::find()
        .filter(enrollment::Column::VersionId.is_in(version_ids))
        .all(db)
        .await?;
    let mut counts: std::collections::BTreeMap<String, NodeCount> = Default::default();
    fn entry<'a>(
        counts: &'a mut std::collections::BTreeMap<String, NodeCount>,
        node: &str,
    ) -> &'a mut NodeCount {
        counts.entry(node.to_string()).or_insert_with(|| NodeCount {
            node: node.to_string(),
            ..NodeCount::default()
        })
    }
    for e in &enrollments {
        match (&e.left_at, &e.at_node, &e.left_node) {
            (None, Some(at), _) => entry(&mut counts, at).waiting += 1,
            (Some(_), _, Some(node)) => entry(&mut counts, node).left += 1,
            _ => {}
        }
    }
    let ids: Vec<Uuid> = enrollments.iter().map(|e| e.id).collect();
    for chunk in ids.chunks(500) {
        let steps = journey_step::Entity::find()
            .filter(journey_step::Column::EnrollmentId.is_in(chunk.to_vec()))
            .filter(journey_step::Column::Node.is_not_null())
            .all(db)
            .await?;
        for s in steps {
            if let Some(node) = &s.node {
                entry(&mut counts, node).entered += 1;
            }
        }
    }
    Ok(counts.into_values().collect())
}

pub async fn enrolled_count(
    db: &DatabaseConnection,
    journey_id: Uuid,
    version_id: Option<Uuid>,
) -> DomainResult<u64> {
    let mut q = enrollment::Entity::find()
        .filter(enrollment::Column::JourneyId.eq(journey_id))
        .filter(enrollment::Column::LeftAt.is_null());
    if let Some(v) = version_id {
        q = q.filter(enrollment::Column::VersionId.eq(v));
    }
    Ok(q.count(db).await?)
}

/// Enrols leads by hand (any trigger; the journey must be active). Gives how many were
/// enrolled (a lead already in the journey or unsubscribed is passed over).
pub async fn enrol_manually(
    db: &DatabaseConnection,
    queue: &Queue,
    journey_id: Uuid,
    lead_ids: &[Uuid],
    now: DateTime<Utc>,
) -> DomainResult<u32> {
    if lead_ids.is_empty() || lead_ids.len() > 1000 {
        return Err(invalid(
            "leadIds",
            UserErrorCode::Invalid,
            "choose 1 to 1000 leads",
        ));
    }
    let txn = begin_write(db).await?;
    let j = find(&txn, journey_id)
        .await?
        .ok_or_else(|| DomainError::not_found("journeyId", "journey"))?;
    let version = match (JourneyStatus::parse(&j.status), j.active_version) {
        (JourneyStatus::Active, Some(v)) => journey_version::Entity::find()
            .filter(journey_version::Column::JourneyId.eq(j.id))
            .filter(journey_version::Column::Version.eq(v))
            .one(&txn)
            .await?
            .ok_or_else(|| internal("active version missing"))?,
        _ => {
            return Err(invalid(
                "journeyId",
                UserErrorCode::Conflict,
                "activate the journey before enrolling leads",
            ))
        }
    };
    let mut enrolled = 0;
    for id in lead_ids {
        let l = lead::Entity::find_by_id(*id)
            .one(&txn)
            .await?
            .filter(|l| l.merged_into.is_none())
            .ok_or_else(|| DomainError::not_found("leadIds", "lead"))?;
        if enrol(&txn, &version, &l, now).await? {
            enrolled += 1;
        }
    }
    txn.commit().await?;
    queue.wake();
    Ok(enrolled)
}

// ---------------------------------------------------------------------------------
// Triggers
// ---------------------------------------------------------------------------------

/// Something that happened to a lead that may start a journey.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    /// A new lead was captured (source and campaign triggers).
    Captured,
    FormSubmitted(Uuid),
    TagAdded(String),
    EnteredStage(LeadStage),
    ScoreChanged {
        from: i32,
        to: i32,
    },
    /// No activity for this many whole days.
    Inactive(u32),
}

fn matches(trigger: &Trigger, l: &lead::Model, signal: &Signal) -> bool {
    match (trigger, signal) {
        (
            Trigger::Source {
                channel,
                campaign_id,
            },
            Signal::Captured,
        ) => {
            channel.is_none_or(|c| c.as_str() == l.source)
                && campaign_id
                    .as_deref()
                    .is_none_or(|c| l.campaign_id.map(|id| id.to_string()).as_deref() == Some(c))
        }
        (Trigger::FormSubmitted { form_id }, Signal::FormSubmitted(id)) => {
            form_id.as_deref().is_none_or(|f| f == id.to_string())
        }
        (Trigger::TagAdded { tag }, Signal::TagAdded(t)) => {
            tag.trim().eq_ignore_ascii_case(t.trim())
        }
        (Trigger::EntersStage { stage }, Signal::EnteredStage(s)) => stage == s,
        (Trigger::ScoreBand { min, max }, Signal::ScoreChanged { from, to }) => {
            let inside = |s: i32| s >= *min && max.is_none_or(|m| s <= m);
            inside(*to) && !inside(*from)
        }
        (Trigger::Inactive { days }, Signal::Inactive(quiet)) => quiet >= days,
        _ => false,
    }
}

/// Enrols `l` in every active journey whose trigger one of `signals` fires, inside the
/// caller's transaction.
pub(crate) async fn on_signal(
    db: &impl ConnectionTrait,
    l: &lead::Model,
    signals: &[Signal],
    now: DateTime<Utc>,
) -> DomainResult<()> {
    if signals.is_empty() || l.merged_into.is_some() {
        return Ok(());
    }
    for (_, version) in active_versions(db).await?.iter() {
        let Some(version) = version else { continue };
        let Ok(def) = serde_json::from_value::<JourneyDefinition>(version.definition.clone())
        else {
            continue;
        };
        if signals.iter().any(|s| matches(&def.trigger, l, s)) {
            enrol(db, version, l, now).await?;
        }
    }
    Ok(())
}

/// The active journeys, each with its active version.
pub(crate) async fn active_versions(
    db: &impl ConnectionTrait,
) -> DomainResult<super::memo::ActiveJourneys> {
    super::memo::remembered(|m| &mut m.journeys, active_versions_uncached(db)).await
}

async fn active_versions_uncached(
    db: &impl ConnectionTrait,
) -> DomainResult<super::memo::ActiveJourneys> {
    let active = journey_row::Entity::find()
        .filter(journey_row::Column::Status.eq(JourneyStatus::Active.as_str()))
        .all(db)
        .await?;
    let mut found = Vec::with_capacity(active.len());
    for j in active {
        let version = match j.active_version {
            None => None,
            Some(v) => {
                journey_version::Entity::find()
                    .filter(journey_version::Column::JourneyId.eq(j.id))
                    .filter(journey_version::Column::Version.eq(v))
                    .one(db)
                    .await?
            }
        };
        found.push((j, version));
    }
    Ok(std::sync::Arc::new(found))
}

/// Enrols one lead in one version; `false` when it is already in that journey or has
/// unsubscribed.
async fn enrol(
    db: &impl ConnectionTrait,
    version: &journey_version::Model,
    l: &lead::Model,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let open_key = format!("{}:{}", version.journey_id.simple(), l.id.simple());
    let already = enrollment::Entity::find()
        .filter(enrollment::Column::OpenKey.eq(open_key.clone()))
        .one(db)
        .await?;
    if already.is_some()
        || email_unsubscribe::Entity::find_by_id(l.id)
            .one(db)
            .await?
            .is_some()
    {
        return Ok(false);
    }
    let def: JourneyDefinition =
        serde_json::from_value(version.definition.clone()).map_err(internal)?;
    let facts = LeadFacts {
        stage: LeadStage::parse(&l.stage),
        ..LeadFacts::default()
    };
    let state = EnrolmentState::enter(&def, &facts);
    let id = Uuid::now_v7();
    enrollment::ActiveModel {
        id: Set(id),
        journey_id: Set(version.journey_id),
        version_id: Set(version.id),
        lead_id: Set(l.id),
        state: Set(serde_json::to_value(&state).map_err(internal)?),
        at_node: Set(state.at.clone()),
        steps: Set(0),
        open_key: Set(Some(open_key)),
        left_reason: Set(None),
        left_node: Set(None),
        left_at: Set(None),
        next_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    book_step(db, id, 1, now).await?;
    let data = serde_json::json!({ "journeyId": version.journey_id, "version": version.version, "enrollmentId": id });
    timeline::event(l.id, "journey_enrolled", Actor::system(), data.clone(), now)
        .insert(db)
        .await?;
    timeline::announce(ENROLLED_TOPIC, l.id, data)
        .insert(db)
        .await?;
    tracing::info!(lead_id = %l.id, journey_id = %version.journey_id, "lead enrolled in a journey");
    Ok(true)
}

async fn book_step(
    db: &impl ConnectionTrait,
    enrollment_id: Uuid,
    step: i32,
    at: DateTime<Utc>,
) -> DomainResult<()> {
    jobs::enqueue(
        db,
        STEP_JOB,
        serde_json::json!({ "enrollmentId": enrollment_id, "step": step }),
        at,
    )
    .await?;
    Ok(())
}

/// A lead crossed MQL: its open enrolments step at once (and leave for routing).
pub(crate) async fn lead_woke_up(
    db: &impl ConnectionTrait,
    lead_id: Uuid,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let open = enrollment::Entity::find()
        .filter(enrollment::Column::LeadId.eq(lead_id))
        .filter(enrollment::Column::LeftAt.is_null())
        .all(db)
        .await?;
    for e in open {
        book_step(db, e.id, e.steps + 1, now).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// Stepping
// ---------------------------------------------------------------------------------

fn payload_uuid(job: &Job, key: &str) -> anyhow::Result<Uuid> {
    job.payload[key]
        .as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| anyhow::anyhow!("job payload lacks {key}"))
}

async fn lead_facts(
    db: &impl ConnectionTrait,
    l: &lead::Model,
    enrollment_id: Uuid,
) -> DomainResult<LeadFacts> {
    let mut fields = std::collections::BTreeMap::new();
    for (k, v) in [
        ("company", &l.company),
        ("industry", &l.industry),
        ("province", &l.province),
        ("city", &l.city),
        ("title", &l.title),
    ] {
        if let Some(v) = v {
            fields.insert(k.to_string(), v.clone());
        }
    }
    fields.insert("source".into(), l.source.clone());
    if let Some(custom) = l.custom_fields.as_object() {
        for (k, v) in custom {
            let v = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => continue,
                other => other.to_string(),
            };
            fields.entry(k.clone()).or_insert(v);
        }
    }
    let utc_offset_minutes = l
        .custom_fields
        .get("utcOffsetMinutes")
        .and_then(serde_json::Value::as_i64)
        .map(|m| m.clamp(-720, 840) as i32)
        .unwrap_or(if l.province.is_some() { 480 } else { 0 });
    let emails = outbound_email::Entity::find()
        .filter(outbound_email::Column::EnrollmentId.eq(enrollment_id))
        .all(db)
        .await?;
    let pick = |f: fn(&outbound_email::Model) -> bool| -> BTreeSet<String> {
        emails
            .iter()
            .filter(|e| f(e))
            .filter_map(|e| e.node.clone())
            .collect()
    };
    Ok(LeadFacts {
        stage: LeadStage::parse(&l.stage),
        total_score: l.total_score,
        tags: l.tags.0.clone(),
        fields,
        utc_offset_minutes,
        opened: pick(|e| e.opened_at.is_some() || e.clicked_at.is_some()),
        clicked: pick(|e| e.clicked_at.is_some()),
        unsubscribed: email_unsubscribe::Entity::find_by_id(l.id)
            .one(db)
            .await?
            .is_some(),
    })
}

/// The definition of a journey version. A version is never changed once written, so
/// its parsed definition is kept for the life of the process (a step otherwise reads and
/// parses its version each time); at most [`KEPT_DEFINITIONS`] of them.
async fn definition(
    db: &impl ConnectionTrait,
    version_id: Uuid,
) -> anyhow::Result<Arc<JourneyDefinition>> {
    static KEPT: LazyLock<Mutex<HashMap<Uuid, Arc<JourneyDefinition>>>> =
        LazyLock::new(Default::default);
    let kept = || {
        KEPT.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    if let Some(def) = kept().get(&version_id).cloned() {
        return Ok(def);
    }
    let version = journey_version::Entity::find_by_id(version_id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("enrolment without version"))?;
    let def: Arc<JourneyDefinition> = Arc::new(serde_json::from_value(version.definition)?);
    let mut map = kept();
    if map.len() >= KEPT_DEFINITIONS {
        map.clear();
    }
    map.insert(version_id, def.clone());
    Ok(def)
}

/// How many parsed journey versions a server keeps.
const KEPT_DEFINITIONS: usize = 256;

/// Takes step `n` of an enrolment, once. See the module docs.
pub async fn run_step(
    db: &DatabaseConnection,
    queue: &Queue,
    config: &Config,
    links: &LinkKey,
    now: DateTime<Utc>,
    job: &Job,
) -> anyhow::Result<()> {
    let enrollment_id = payload_uuid(job, "enrollmentId")?;
    let n = job.payload["step"]
        .as_i64()
        .and_then(|n| i32::try_from(n).ok())
        .ok_or_else(|| anyhow::anyhow!("job payload lacks step"))?;
    let txn = begin_write(db).await?;
    let Some(e) = enrollment::Entity::find_by_id(enrollment_id)
        .one(&txn)
        .await?
    else {
        return Ok(());
    };
    if e.left_at.is_some() || e.steps + 1 != n {
        // Taken already (a rerun, another server, or a newer booking): nothing to do.
        return Ok(());
    }
    let j = find(&txn, e.journey_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("enrolment without journey"))?;
    if JourneyStatus::parse(&j.status) == JourneyStatus::Paused {
        // Held; resuming books the step again.
        return Ok(());
    }
    let def = definition(&txn, e.version_id).await?;
    let state: EnrolmentState = serde_json::from_value(e.state.clone())?;
    let l = lead::Entity::find_by_id(e.lead_id).one(&txn).await?;
    let (step, l) = match l.filter(|l| l.merged_into.is_none()) {
        Some(l) => {
            let facts = lead_facts(&txn, &l, e.id).await?;
            (journey::step(&def, &state, &facts, now), Some(l))
        }
        None => {
            let mut left = state.clone();
            left.steps += 1;
            left.left = Some(LeaveReason::Stopped);
            (
                journey::Step {
                    effects: vec![Effect::Left {
                        reason: LeaveReason::Stopped,
                    }],
                    state: left,
                    next_at: None,
                },
                None,
            )
        }
    };
    let entered = step.effects.iter().find_map(|f| match f {
        Effect::Entered { node } => Some(node.clone()),
        _ => None,
    });
    // The idempotency key: a second attempt at this step fails here and rolls back.
    let inserted = journey_step::ActiveModel {
        enrollment_id: Set(e.id),
        step: Set(n),
        node: Set(entered),
        effects: Set(serde_json::to_value(&step.effects)?),
        at: Set(now),
    }
    .insert(&txn)
    .await;
    if let Err(err) = inserted {
        if super::is_unique_violation(&err) {
            return Ok(());
        }
        return Err(err.into());
    }
    let mut wake = false;
    if let Some(l) = l {
        wake |= apply_effects(&txn, config, links, &e, l, &step.effects, now).await?;
    }
    let left = step.state.left;
    let moved = enrollment::Entity::update_many()
        .col_expr(
            enrollment::Column::State,
            Expr::value(serde_json::to_value(&step.state)?),
        )
        .col_expr(enrollment::Column::Steps, Expr::value(n))
        .col_expr(
            enrollment::Column::AtNode,
            Expr::value(step.state.at.clone()),
        )
        .col_expr(enrollment::Column::NextAt, Expr::value(step.next_at))
        .col_expr(enrollment::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            enrollment::Column::OpenKey,
            Expr::value(if left.is_some() {
                None
            } else {
                e.open_key.clone()
            }),
        )
        .col_expr(
            enrollment::Column::LeftReason,
            Expr::value(left.map(|r| r.as_str().to_string())),
        )
        .col_expr(
            enrollment::Column::LeftNode,
            Expr::value(left.and(state.at.clone())),
        )
        .col_expr(enrollment::Column::LeftAt, Expr::value(left.map(|_| now)))
        .filter(enrollment::Column::Id.eq(e.id))
        .filter(enrollment::Column::Steps.eq(n - 1))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        // Someone else moved it meanwhile; dropping the transaction undoes our effects.
        return Ok(());
    }
    if let Some(at) = step.next_at {
        book_step(&txn, e.id, n + 1, at).await?;
        wake |= at <= now;
    }
    job.commit_done(txn).await?;
    if wake {
        queue.wake();
    }
    Ok(())
}

/// Carries out a step's effects in its transaction. `true` when a job is due now.
async fn apply_effects(
    txn: &impl ConnectionTrait,
    config: &Config,
    links: &LinkKey,
    e: &enrollment::Model,
    mut l: lead::Model,
    effects: &[Effect],
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let mut wake = false;
    let journey_data = |extra: serde_json::Value| {
        let mut data = serde_json::json!({ "journeyId": e.journey_id, "enrollmentId": e.id });
        if let (Some(d), Some(x)) = (data.as_object_mut(), extra.as_object()) {
            d.extend(x.clone());
        }
        data
    };
    for effect in effects {
        match effect {
            Effect::SendEmail { node, template_id } => {
                queue_email(txn, config, links, e, &l, node, template_id, now).await?;
                wake = true;
            }
            Effect::SetStage { stage } => {
                let from = l.stage.clone();
                if from != stage.as_str() {
                    l = update_lead(txn, l, now, |m| m.stage = Set(stage.as_str().into())).await?;
                    let data = serde_json::json!({ "from": from, "to": stage.as_str(), "journeyId": e.journey_id });
                    timeline::event(l.id, "stage_changed", Actor::system(), data.clone(), now)
                        .insert(txn)
                        .await?;
                    timeline::announce("lead.stage_changed", l.id, data)
                        .insert(txn)
                        .await?;
                }
            }
            Effect::AddTag { tag } => {
                if !l.tags.0.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
                    let mut tags = l.tags.0.clone();
                    tags.push(tag.clone());
                    l = update_lead(txn, l, now, |m| m.tags = Set(StringList(tags))).await?;
                }
            }
            Effect::RemoveTag { tag } => {
                let tags: Vec<String> = l
                    .tags
                    .0
                    .iter()
                    .filter(|t| !t.eq_ignore_ascii_case(tag))
                    .cloned()
                    .collect();
                if tags.len() != l.tags.0.len() {
                    l = update_lead(txn, l, now, |m| m.tags = Set(StringList(tags))).await?;
                }
            }
            Effect::AdjustScore { points } => {
                let (eng, total) = (l.engagement_score + points, l.total_score + points);
                l = update_lead(txn, l, now, |m| {
                    m.engagement_score = Set(eng);
                    m.total_score = Set(total);
                })
                .await?;
                timeline::event(
                    l.id,
                    "journey_score",
                    Actor::system(),
                    journey_data(serde_json::json!({ "points": points })),
                    now,
                )
                .insert(txn)
                .await?;
            }
            Effect::NotifyOwner { message } => {
                if let Some(owner) = l.owner_id {
                    task::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        lead_id: Set(l.id),
                        opportunity_id: Set(None),
                        assignee_id: Set(owner),
                        title: Set(message.chars().take(200).collect()),
                        due_at: Set(now),
                        done_at: Set(None),
                        created_by: Set(None),
                        created_at: Set(now),
                        updated_at: Set(now),
                    }
                    .insert(txn)
                    .await?;
                }
                timeline::event(
                    l.id,
                    "journey_notice",
                    Actor::system(),
                    journey_data(serde_json::json!({ "message": message, "ownerId": l.owner_id })),
                    now,
                )
                .insert(txn)
                .await?;
            }
            Effect::HandToRouting => {
                if l.owner_id.is_none() {
                    l = super::routing::route(txn, l, super::routing::Occasion::Captured, now)
                        .await?;
                }
            }
            Effect::Entered { .. } => {}
            Effect::Left { reason } => {
                timeline::event(
                    l.id,
                    "journey_left",
                    Actor::system(),
                    journey_data(serde_json::json!({ "reason": reason.as_str() })),
                    now,
                )
                .insert(txn)
                .await?;
            }
        }
    }
    Ok(wake)
}

async fn update_lead(
    txn: &impl ConnectionTrait,
    l: lead::Model,
    now: DateTime<Utc>,
    change: impl FnOnce(&mut lead::ActiveModel),
) -> DomainResult<lead::Model> {
    let version = l.version;
    let mut model = l.into_active_model();
    change(&mut model);
    model.version = Set(version + 1);
    model.updated_at = Set(now);
    Ok(model.update(txn).await?)
}

#[allow(clippy::too_many_arguments)]
async fn queue_email(
    txn: &impl ConnectionTrait,
    config: &Config,
    links: &LinkKey,
    e: &enrollment::Model,
    l: &lead::Model,
    node: &str,
    template_id: &str,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let id = Uuid::now_v7();
    let template = match Uuid::parse_str(template_id) {
        Ok(t) => email_template::Entity::find_by_id(t).one(txn).await?,
        Err(_) => None,
    };
    let base_url = config.public_url.clone().unwrap_or_default();
    let (subject, text, html, status, error) = match (&template, &l.email) {
        (Some(t), Some(_)) => {
            let vars = variables_for(txn, l).await?;
            let r = email::compose(
                &t.subject,
                &t.body,
                &vars,
                Some(&Links {
                    key: links,
                    base_url: &base_url,
                    email_id: id,
                    lead_id: l.id,
                }),
            );
            (r.subject, r.text, r.html, "queued", None)
        }
        (None, _) => (
            String::new(),
            String::new(),
            String::new(),
            "failed",
            Some("the template was deleted"),
        ),
        (_, None) => (
            String::new(),
            String::new(),
            String::new(),
            "failed",
            Some("the lead has no email address"),
        ),
    };
    outbound_email::ActiveModel {
        id: Set(id),
        lead_id: Set(Some(l.id)),
        enrollment_id: Set(Some(e.id)),
        node: Set(Some(node.to_string())),
        template_id: Set(template.as_ref().map(|t| t.id)),
        to_address: Set(l.email.clone().unwrap_or_default()),
        subject: Set(subject.chars().take(400).collect()),
        body_text: Set(text),
        body_html: Set(html),
        status: Set(status.into()),
        attempts: Set(0),
        last_error: Set(error.map(String::from)),
        sent_at: Set(None),
        opened_at: Set(None),
        clicked_at: Set(None),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    match error {
        None => {
            jobs::enqueue(txn, SEND_JOB, serde_json::json!({ "emailId": id }), now).await?;
        }
        Some(error) => {
            timeline::event(
                l.id,
                "email_failed",
                Actor::system(),
                serde_json::json!({ "emailId": id, "journeyId": e.journey_id, "node": node, "error": error }),
                now,
            )
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

/// Sends one queued email; a refusal is retried by the queue with backoff until
/// [`EMAIL_ATTEMPTS`], then recorded as failed.
pub async fn run_send(
    db: &DatabaseConnection,
    config: &Config,
    now: DateTime<Utc>,
    job: &Job,
) -> anyhow::Result<()> {
    let id = payload_uuid(job, "emailId")?;
    let Some(mail) = outbound_email::Entity::find_by_id(id).one(db).await? else {
        return Ok(());
    };
    if mail.status != "queued" {
        return Ok(());
    }
    let result = match &config.smtp {
        None => Err(email::SendError {
            permanent: false,
            message: "no mail server is configured (LEADFLOW_SMTP_HOST)".into(),
        }),
        Some(smtp) => {
            email::deliver(
                smtp,
                &email::Outgoing {
                    id: mail.id,
                    to: &mail.to_address,
                    subject: &mail.subject,
                    text: &mail.body_text,
                    html: &mail.body_html,
                },
            )
            .await
        }
    };
    let txn = begin_write(db).await?;
    let (status, event, error) = match &result {
        Ok(()) => ("sent", "email_sent", None),
        Err(err) if job.attempt < EMAIL_ATTEMPTS => {
            outbound_email::Entity::update_many()
                .col_expr(outbound_email::Column::Attempts, Expr::value(job.attempt))
                .col_expr(
                    outbound_email::Column::LastError,
                    Expr::value(err.message.clone()),
                )
                .filter(outbound_email::Column::Id.eq(id))
                .exec(&txn)
                .await?;
            txn.commit().await?;
            tracing::warn!(email_id = %id, attempt = job.attempt, error = %err.message, "email send refused; will retry");
            anyhow::bail!("sending email {id} failed: {}", err.message);
        }
        Err(err) => ("failed", "email_failed", Some(err.message.clone())),
    };
    let marked = outbound_email::Entity::update_many()
        .col_expr(outbound_email::Column::Status, Expr::value(status))
        .col_expr(outbound_email::Column::Attempts, Expr::value(job.attempt))
        .col_expr(
            outbound_email::Column::LastError,
            Expr::value(error.clone()),
        )
        .col_expr(
            outbound_email::Column::SentAt,
            Expr::value(result.is_ok().then_some(now)),
        )
        .filter(outbound_email::Column::Id.eq(id))
        .filter(outbound_email::Column::Status.eq("queued"))
        .exec(&txn)
        .await?;
    if marked.rows_affected == 1 {
        if let Some(lead_id) = mail.lead_id {
            let data = serde_json::json!({
                "emailId": id, "subject": mail.subject, "node": mail.node,
                "attempts": job.attempt, "error": error,
            });
            timeline::event(lead_id, event, Actor::system(), data, now)
                .insert(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    match error {
        Some(error) => {
            tracing::error!(email_id = %id, attempts = job.attempt, error = %error, "email recorded as failed")
        }
        None => tracing::info!(email_id = %id, "email sent"),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// What comes back: opens, clicks, unsubscribes
// ---------------------------------------------------------------------------------

/// An open (pixel) or a click on a journey email: recorded on the email and, the first
/// time, as a behaviour event on the lead that feeds its score.
pub async fn record_engagement(
    db: &DatabaseConnection,
    email_id: Uuid,
    kind: BehaviourKind,
    url: Option<&str>,
) -> DomainResult<()> {
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let Some(mail) = outbound_email::Entity::find_by_id(email_id)
        .one(&txn)
        .await?
    else {
        return Ok(());
    };
    let column = if kind == BehaviourKind::EmailClick {
        outbound_email::Column::ClickedAt
    } else {
        outbound_email::Column::OpenedAt
    };
    let first = outbound_email::Entity::update_many()
        .col_expr(column, Expr::value(now))
        .filter(outbound_email::Column::Id.eq(email_id))
        .filter(column.is_null())
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if kind == BehaviourKind::EmailClick && mail.opened_at.is_none() {
        // A click means it was opened, even with images blocked.
        outbound_email::Entity::update_many()
            .col_expr(outbound_email::Column::OpenedAt, Expr::value(now))
            .filter(outbound_email::Column::Id.eq(email_id))
            .filter(outbound_email::Column::OpenedAt.is_null())
            .exec(&txn)
            .await?;
    }
    let Some(lead_id) = mail.lead_id else {
        txn.commit().await?;
        return Ok(());
    };
    if first || kind == BehaviourKind::EmailClick {
        let data = serde_json::json!({ "url": url, "name": mail.subject, "properties": { "emailId": email_id, "node": mail.node } });
        timeline::event(lead_id, kind.as_str(), Actor::system(), data, now)
            .insert(&txn)
            .await?;
        super::leads::touch_activity(&txn, lead_id, now).await?;
        if let Some(l) = lead::Entity::find_by_id(lead_id).one(&txn).await? {
            super::scoring::rescore_lead(&txn, l, now).await?;
        }
        timeline::announce(
            "lead.behaviour",
            lead_id,
            serde_json::json!({ "leadId": lead_id, "kind": kind.as_str() }),
        )
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The lead behind an unsubscribe link asks for no more email: every journey it is in
/// stops, and the request is recorded on its timeline. Repeating it changes nothing.
pub async fn unsubscribe(db: &DatabaseConnection, lead_id: Uuid) -> DomainResult<bool> {
    // A step running at the same moment may take the step number this stop wanted:
    // then the whole stop is redone against the enrolment as that step left it.
    for _ in 0..5 {
        match unsubscribe_once(db, lead_id).await {
            Ok(Some(done)) => return Ok(done),
            Ok(None) => continue,
            Err(DomainError::Db(e)) if super::is_unique_violation(&e) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(internal(
        "unsubscribing kept racing with running journey steps",
    ))
}

/// `None`: raced with a step; try again.
async fn unsubscribe_once(db: &DatabaseConnection, lead_id: Uuid) -> DomainResult<Option<bool>> {
    let now = Utc::now();
    let txn = begin_write(db).await?;
    if lead::Entity::find_by_id(lead_id).one(&txn).await?.is_none() {
        return Ok(Some(false));
    }
    if email_unsubscribe::Entity::find_by_id(lead_id)
        .one(&txn)
        .await?
        .is_some()
    {
        return Ok(Some(true));
    }
    email_unsubscribe::ActiveModel {
        lead_id: Set(lead_id),
        at: Set(now),
    }
    .insert(&txn)
    .await?;
    let open = enrollment::Entity::find()
        .filter(enrollment::Column::LeadId.eq(lead_id))
        .filter(enrollment::Column::LeftAt.is_null())
        .all(&txn)
        .await?;
    for e in &open {
        let mut state: EnrolmentState =
            serde_json::from_value(e.state.clone()).map_err(internal)?;
        let n = e.steps + 1;
        state.steps = n as u32;
        state.left = Some(LeaveReason::Unsubscribed);
        let left_node = state.at.take();
        state.wait_until = None;
        let effects = vec![Effect::Left {
            reason: LeaveReason::Unsubscribed,
        }];
        journey_step::ActiveModel {
            enrollment_id: Set(e.id),
            step: Set(n),
            node: Set(None),
            effects: Set(serde_json::to_value(&effects).map_err(internal)?),
            at: Set(now),
        }
        .insert(&txn)
        .await?;
        let moved = enrollment::Entity::update_many()
            .col_expr(
                enrollment::Column::State,
                Expr::value(serde_json::to_value(&state).map_err(internal)?),
            )
            .col_expr(enrollment::Column::Steps, Expr::value(n))
            .col_expr(enrollment::Column::AtNode, Expr::value(None::<String>))
            .col_expr(enrollment::Column::OpenKey, Expr::value(None::<String>))
            .col_expr(
                enrollment::Column::LeftReason,
                Expr::value(LeaveReason::Unsubscribed.as_str()),
            )
            .col_expr(enrollment::Column::LeftNode, Expr::value(left_node))
            .col_expr(enrollment::Column::LeftAt, Expr::value(now))
            .col_expr(
                enrollment::Column::NextAt,
                Expr::value(None::<DateTime<Utc>>),
            )
            .col_expr(enrollment::Column::UpdatedAt, Expr::value(now))
            .filter(enrollment::Column::Id.eq(e.id))
            .filter(enrollment::Column::Steps.eq(e.steps))
            .exec(&txn)
            .await?;
        if moved.rows_affected != 1 {
            return Ok(None);
        }
    }
    timeline::event(
        lead_id,
        "email_unsubscribed",
        Actor::system(),
        serde_json::json!({ "journeysStopped": open.len() }),
        now,
    )
    .insert(&txn)
    .await?;
    txn.commit().await?;
    tracing::info!(lead_id = %lead_id, journeys = open.len(), "lead unsubscribed from journey email");
    Ok(Some(true))
}

/// Leads quiet for whole days, for `inactive` triggers: checked by a daily sweep.
pub const INACTIVE_SWEEP_JOB: &str = "journey_inactive_sweep";

/// Enrols leads that went quiet in journeys with an `Inactive` trigger, then books the
/// next sweep a day later.
pub async fn run_inactive_sweep(db: &DatabaseConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
    let txn = begin_write(db).await?;
    let active = journey_row::Entity::find()
        .filter(journey_row::Column::Status.eq(JourneyStatus::Active.as_str()))
        .all(&txn)
        .await?;
    let mut min_days: Option<u32> = None;
    for j in &active {
        if let Some(v) = j.active_version {
            if let Some(version) = journey_version::Entity::find()
                .filter(journey_version::Column::JourneyId.eq(j.id))
                .filter(journey_version::Column::Version.eq(v))
                .one(&txn)
                .await?
            {
                if let Ok(JourneyDefinition {
                    trigger: Trigger::Inactive { days },
                    ..
                }) = serde_json::from_value(version.definition)
                {
                    min_days = Some(min_days.map_or(days, |m| m.min(days)));
                }
            }
        }
    }
    if let Some(days) = min_days {
        let quiet = lead::Entity::find()
            .filter(lead::Column::LastActivityAt.lte(now - Duration::days(i64::from(days))))
            .filter(lead::Column::MergedInto.is_null())
            .filter(lead::Column::Stage.is_in(["lead", "recycled"]))
            .all(&txn)
            .await?;
        for l in quiet {
            let days_quiet = (now - l.last_activity_at).num_days().max(0) as u32;
            on_signal(&txn, &l, &[Signal::Inactive(days_quiet)], now).await?;
        }
    }
    jobs::enqueue(
        &txn,
        INACTIVE_SWEEP_JOB,
        serde_json::json!({}),
        now + Duration::days(1),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Makes sure the daily sweep is booked (at startup).
pub async fn schedule(db: &DatabaseConnection) -> DomainResult<()> {
    jobs::ensure_pending(db, INACTIVE_SWEEP_JOB, Utc::now()).await?;
    Ok(())
}
