//! Capture: the one door every lead comes in by — the API, web forms, CSV rows,
//! integrations.
//!
//! validate → normalise → find a duplicate → merge into it or create → record the event
//! → write the outbox row, all in one transaction. A capture with an idempotency key
//! that was already seen returns the first result and writes nothing.
//!
//! [`capture`] opens its own transaction; [`capture_in`] runs inside a caller's (a CSV
//! import chunk) and takes a [`DedupPolicy`].

use chrono::{DateTime, Utc};
use leadflow_shared::normalize::{company_key, Email, Phone, PhoneError};
use leadflow_shared::{Channel, LeadStage, UserErrorCode};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::{is_unique_violation, timeline, Actor};
use crate::entity::{campaign, capture_request, lead, StringList};
use crate::error::{DomainError, DomainResult, Invalid};

/// What arrives from outside, as typed. Every text is optional except the person's name
/// and a way to reach them (email or phone).
#[derive(Debug, Clone, Default)]
pub struct CaptureInput {
    pub person_name: String,
    pub title: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub industry: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub company_size: Option<i32>,
    pub source: Option<Channel>,
    pub campaign_id: Option<Uuid>,
    pub tags: Vec<String>,
    pub custom_fields: Option<serde_json::Value>,
    /// Where the capture came from beyond its channel (e.g. which form), kept on the
    /// capture event.
    pub origin: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureOutcome {
    /// A new lead.
    Created,
    /// Matched an existing lead and was merged into it.
    Merged,
}

impl CaptureOutcome {
    fn as_str(self) -> &'static str {
        match self {
            CaptureOutcome::Created => "created",
            CaptureOutcome::Merged => "merged",
        }
    }

    fn parse(s: &str) -> CaptureOutcome {
        if s == "merged" {
            CaptureOutcome::Merged
        } else {
            CaptureOutcome::Created
        }
    }
}

#[derive(Debug, Clone)]
pub struct Captured {
    pub lead: lead::Model,
    pub outcome: CaptureOutcome,
    /// How the duplicate was recognised, when merged.
    pub matched_by: Option<MatchedBy>,
    /// True when this was a retry answered from the first attempt.
    pub replayed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    Email,
    Phone,
    CompanyAndName,
}

impl MatchedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Email => "email",
            MatchedBy::Phone => "phone",
            MatchedBy::CompanyAndName => "company_and_name",
        }
    }
}

/// Who sent the capture, for idempotency scoping.
fn principal(actor: Actor) -> String {
    match (actor.api_key_id, actor.user_id) {
        (Some(key), _) => format!("api_key:{key}"),
        (None, Some(user)) => format!("user:{user}"),
        (None, None) => "system".to_string(),
    }
}

/// The validated, normalised form of a capture.
#[derive(Debug, Clone)]
pub(crate) struct Clean {
    person_name: String,
    title: Option<String>,
    company: Option<String>,
    company_key: Option<String>,
    email: Option<Email>,
    phone: Option<(String, Phone)>,
    industry: Option<String>,
    province: Option<String>,
    city: Option<String>,
    company_size: Option<i32>,
    source: Channel,
    campaign_id: Option<Uuid>,
    tags: Vec<String>,
    custom_fields: serde_json::Map<String, serde_json::Value>,
}

pub(crate) fn validate(input: &CaptureInput) -> Result<Clean, Vec<Invalid>> {
    let mut problems = Vec::new();
    let mut keep =
        |r: Result<Option<String>, Invalid>| r.map_err(|e| problems.push(e)).ok().flatten();
    let title = keep(super::optional_text(
        "title",
        "title",
        input.title.as_deref(),
        100,
    ));
    let company = keep(super::optional_text(
        "company",
        "company",
        input.company.as_deref(),
        200,
    ));
    let industry = keep(super::optional_text(
        "industry",
        "industry",
        input.industry.as_deref(),
        64,
    ));
    let province = keep(super::optional_text(
        "province",
        "province",
        input.province.as_deref(),
        32,
    ));
    let city = keep(super::optional_text(
        "city",
        "city",
        input.city.as_deref(),
        64,
    ));
    let person_name =
        super::required_text("personName", "the person's name", &input.person_name, 100)
            .map_err(|e| problems.push(e))
            .ok();
    let email = match input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        None => None,
        Some(raw) if raw.contains('\0') => {
            problems.push(super::nul_in("email", "the email"));
            None
        }
        Some(raw) => Email::parse(raw)
            .map_err(|e| {
                problems.push(Invalid::new("email", UserErrorCode::Invalid, e.to_string()))
            })
            .ok(),
    };
    let phone = match input
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => None,
        Some(raw) if raw.contains('\0') => {
            problems.push(super::nul_in("phone", "the phone number"));
            None
        }
        Some(raw) => match Phone::parse(raw) {
            Ok(p) => Some((raw.to_string(), p)),
            Err(PhoneError::Empty) => None,
            Err(e) => {
                problems.push(Invalid::new("phone", UserErrorCode::Invalid, e.to_string()));
                None
            }
        },
    };
    if input.email.as_deref().is_none_or(|e| e.trim().is_empty())
        && input.phone.as_deref().is_none_or(|p| p.trim().is_empty())
    {
        problems.push(Invalid::new(
            "email",
            UserErrorCode::Required,
            "give an email or a phone number to reach the person",
        ));
    }
    if let Some(size) = input.company_size {
        if !(1..=10_000_000).contains(&size) {
            problems.push(Invalid::new(
                "companySize",
                UserErrorCode::Invalid,
                "company size is a number of employees, 1 or more",
            ));
        }
    }
    let mut tags: Vec<String> = Vec::new();
    for tag in &input.tags {
        let tag = tag.trim();
        if tag.is_empty() || tags.iter().any(|t| t == tag) {
            continue;
        }
        if tag.contains('\0') {
            problems.push(super::nul_in("tags", "a tag"));
        }
        if tag.chars().count() > 40 {
            problems.push(Invalid::new(
                "tags",
                UserErrorCode::Invalid,
                format!("tag '{tag}' is too long (at most 40 characters)"),
            ));
        }
        tags.push(tag.to_string());
    }
    let custom_fields = match &input.custom_fields {
        None | Some(serde_json::Value::Null) => serde_json::Map::new(),
        Some(value @ serde_json::Value::Object(_)) if super::json_has_nul(value) => {
            problems.push(super::nul_in("customFields", "a custom field"));
            serde_json::Map::new()
        }
        Some(serde_json::Value::Object(map)) if map.len() <= 100 => map.clone(),
        Some(_) => {
            problems.push(Invalid::new(
                "customFields",
                UserErrorCode::Invalid,
                "custom fields are an object of at most 100 keys",
            ));
            serde_json::Map::new()
        }
    };
    match person_name {
        Some(person_name) if problems.is_empty() => Ok(Clean {
            person_name,
            company_key: company
                .as_deref()
                .map(company_key)
                .filter(|k| !k.is_empty()),
            title,
            company,
            email,
            phone,
            industry,
            province,
            city,
            company_size: input.company_size,
            source: input.source.unwrap_or(Channel::Api),
            campaign_id: input.campaign_id,
            tags,
            custom_fields,
        }),
        _ => Err(problems),
    }
}

/// The oldest live lead the capture is a duplicate of, and how it matched.
async fn find_duplicate(
    db: &impl ConnectionTrait,
    clean: &Clean,
) -> DomainResult<Option<(lead::Model, MatchedBy)>> {
    let mut any = Condition::any();
    if let Some(email) = &clean.email {
        any = any.add(lead::Column::EmailNormalized.eq(email.as_str()));
    }
    if let Some((_, phone)) = &clean.phone {
        any = any.add(lead::Column::PhoneE164.eq(phone.as_str()));
    }
    if let Some(key) = &clean.company_key {
        any = any.add(
            Condition::all()
                .add(lead::Column::CompanyKey.eq(key.as_str()))
                .add(lead::Column::PersonName.eq(clean.person_name.as_str())),
        );
    }
    let candidates = lead::Entity::find()
        .filter(lead::Column::MergedInto.is_null())
        .filter(any)
        .order_by_asc(lead::Column::CreatedAt)
        .order_by_asc(lead::Column::Id)
        .all(db)
        .await?;
    // Strongest evidence first: the same email, then the same phone, then company + name.
    let by = |m: MatchedBy| {
        candidates.iter().find(|c| match m {
            MatchedBy::Email => clean
                .email
                .as_ref()
                .is_some_and(|e| c.email_normalized.as_deref() == Some(e.as_str())),
            MatchedBy::Phone => clean
                .phone
                .as_ref()
                .is_some_and(|(_, p)| c.phone_e164.as_deref() == Some(p.as_str())),
            MatchedBy::CompanyAndName => {
                clean.company_key.is_some()
                    && c.company_key == clean.company_key
                    && c.person_name == clean.person_name
            }
        })
    };
    Ok([
        MatchedBy::Email,
        MatchedBy::Phone,
        MatchedBy::CompanyAndName,
    ]
    .into_iter()
    .find_map(|m| by(m).map(|c| (c.clone(), m))))
}

async fn check_campaign(db: &impl ConnectionTrait, id: Option<Uuid>) -> DomainResult<()> {
    if let Some(id) = id {
        if campaign::Entity::find_by_id(id).one(db).await?.is_none() {
            return Err(DomainError::not_found("campaignId", "campaign"));
        }
    }
    Ok(())
}

/// Captures one lead. See the module docs for the steps.
pub async fn capture(
    db: &DatabaseConnection,
    actor: Actor,
    input: CaptureInput,
    idempotency_key: Option<&str>,
) -> DomainResult<Captured> {
    let key = idempotency_key.map(str::trim).filter(|k| !k.is_empty());
    if key.is_some_and(|k| k.chars().count() > 200) {
        return Err(DomainError::invalid(
            "idempotencyKey",
            UserErrorCode::Invalid,
            "idempotency key is too long (at most 200 characters)",
        ));
    }
    let clean = validate(&input).map_err(DomainError::Invalid)?;
    let principal = principal(actor);
    let request = Request {
        actor,
        clean,
        origin: input.origin,
        principal: principal.clone(),
        key: key.map(str::to_string),
    };
    let result = if db.get_database_backend() == DbBackend::Sqlite {
        // On the heap: the capture's future is large (debug builds overflow the stack).
        Box::pin(group::submit(db, request)).await
    } else {
        super::memo::scope(capture_once(db, &request)).await
    };
    match (result, key) {
        // Two retries raced; the other one won. Answer with its result.
        (Err(DomainError::Db(e)), Some(key)) if is_unique_violation(&e) => {
            replay(db, &principal, key).await?.ok_or(DomainError::Db(e))
        }
        (result, _) => result,
    }
}

/// One capture, validated, with who sent it.
#[derive(Debug)]
struct Request {
    actor: Actor,
    clean: Clean,
    origin: Option<serde_json::Value>,
    principal: String,
    key: Option<String>,
}

async fn replay(
    db: &impl ConnectionTrait,
    principal: &str,
    key: &str,
) -> DomainResult<Option<Captured>> {
    let Some(seen) = capture_request::Entity::find_by_id((principal.to_string(), key.to_string()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let lead = lead::Entity::find_by_id(seen.lead_id)
        .one(db)
        .await?
        .ok_or_else(|| {
            DomainError::Internal(anyhow::anyhow!("capture request points at a missing lead"))
        })?;
    Ok(Some(Captured {
        lead,
        outcome: CaptureOutcome::parse(&seen.outcome),
        matched_by: None,
        replayed: true,
    }))
}

/// A capture in a transaction of its own.
async fn capture_once(db: &DatabaseConnection, request: &Request) -> DomainResult<Captured> {
    read_configuration(db).await?;
    let txn = super::begin_write(db).await?;
    let captured = capture_within(&txn, request, Utc::now()).await?;
    txn.commit().await?;
    logged(&request.clean, &captured);
    Ok(captured)
}

fn logged(clean: &Clean, captured: &Captured) {
    tracing::info!(lead_id = %captured.lead.id, outcome = captured.outcome.as_str(), source = clean.source.as_str(), replayed = captured.replayed, "lead captured");
}

/// The writes of one capture, inside the caller's transaction: an idempotency key
/// already seen answers with the first result and writes nothing.
async fn capture_within(
    txn: &impl ConnectionTrait,
    request: &Request,
    now: DateTime<Utc>,
) -> DomainResult<Captured> {
    if let Some(key) = &request.key {
        if let Some(seen) = replay(txn, &request.principal, key).await? {
            return Ok(seen);
        }
    }
    let clean = &request.clean;
    check_campaign(txn, clean.campaign_id).await?;
    let Applied::Captured(captured) = apply(
        txn,
        request.actor,
        clean,
        request.origin.as_ref(),
        DedupPolicy::Merge,
        now,
    )
    .await?
    else {
        return Err(DomainError::Internal(anyhow::anyhow!(
            "the merge policy never skips"
        )));
    };
    if let Some(key) = &request.key {
        capture_request::ActiveModel {
            principal: Set(request.principal.clone()),
            idempotency_key: Set(key.clone()),
            lead_id: Set(captured.lead.id),
            outcome: Set(captured.outcome.as_str().to_string()),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
    }
    Ok(*captured)
}

/// Group commit on SQLite: captures that arrive while another one holds the write turn
/// wait together, and the next of them to get the turn writes them all in one
/// transaction, each inside its own savepoint (a capture that fails takes only its own
/// writes back). One `BEGIN`/`COMMIT`, one write of the log's shared pages and one read
/// of the configuration then serve the whole group; alone, a capture is a group of one.
mod group {
    use std::collections::HashMap;
    use std::path::PathBuf;
    use std::sync::{Arc, Mutex, OnceLock};

    use sea_orm::{DatabaseConnection, TransactionTrait};
    use tokio::sync::oneshot;

    use super::{capture_once, capture_within, logged, read_configuration, Captured, Request};
    use crate::domain::writer::{self, Turn};
    use crate::error::{DomainError, DomainResult};

    /// The most captures one transaction takes; more wait for the next.
    const MOST: usize = 64;

    struct Waiting {
        ticket: u64,
        request: Request,
        reply: oneshot::Sender<DomainResult<Captured>>,
    }

    #[derive(Default)]
    struct Queue {
        next_ticket: u64,
        waiting: Vec<Waiting>,
    }

    type Shared = Arc<Mutex<Queue>>;

    fn queue_of(db: &DatabaseConnection) -> Shared {
        static QUEUES: OnceLock<Mutex<HashMap<PathBuf, Shared>>> = OnceLock::new();
        let mut queues = QUEUES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        queues.entry(writer::database_file(db)).or_default().clone()
    }

    fn lock(queue: &Shared) -> std::sync::MutexGuard<'_, Queue> {
        queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues the capture, and writes the waiting group whenever this caller gets the
    /// write turn first; answers once the capture's transaction has committed.
    pub(super) async fn submit(
        db: &DatabaseConnection,
        request: Request,
    ) -> DomainResult<Captured> {
        let queue = queue_of(db);
        let (reply, mut answer) = oneshot::channel();
        let ticket = {
            let mut q = lock(&queue);
            q.next_ticket += 1;
            let ticket = q.next_ticket;
            q.waiting.push(Waiting {
                ticket,
                request,
                reply,
            });
            ticket
        };
        loop {
            tokio::select! {
                biased;
                answered = &mut answer => {
                    return answered.unwrap_or_else(|_| {
                        Err(DomainError::Internal(anyhow::anyhow!(
                            "the capture's group ended without an answer"
                        )))
                    });
                }
                turn = writer::turn(db) => {
                    let turn = match turn {
                        Ok(turn) => turn,
                        Err(e) => {
                            // Not written and no longer waiting: say so. Already taken
                            // by a group that is writing it: wait for that answer.
                            let mut q = lock(&queue);
                            if let Some(at) = q.waiting.iter().position(|w| w.ticket == ticket) {
                                q.waiting.remove(at);
                                return Err(e.into());
                            }
                            continue;
                        }
                    };
                    let group: Vec<Waiting> = {
                        let mut q = lock(&queue);
                        let n = q.waiting.len().min(MOST);
                        q.waiting.drain(..n).collect()
                    };
                    if group.is_empty() {
                        continue;
                    }
                    if group.len() == 1 && group[0].ticket == ticket {
                        // Alone: nobody else's capture depends on this request staying.
                        Box::pin(write(db.clone(), turn, group)).await;
                    } else {
                        // Its own task: the group is written even if this request goes
                        // away.
                        tokio::spawn(write(db.clone(), turn, group));
                    }
                }
            }
        }
    }

    /// Writes a group in one transaction and answers each capture; when the transaction
    /// itself fails (the disk, the database), each capture is tried again on its own so
    /// that it gets its own answer.
    async fn write(db: DatabaseConnection, turn: Turn, group: Vec<Waiting>) {
        metrics::histogram!("leadflow_capture_group_size").record(group.len() as f64);
        let outcomes = crate::domain::memo::scope(together(&db, turn, &group)).await;
        match outcomes {
            Ok(outcomes) => {
                for (waiting, outcome) in group.into_iter().zip(outcomes) {
                    if let Ok(captured) = &outcome {
                        logged(&waiting.request.clean, captured);
                    }
                    let _ = waiting.reply.send(outcome);
                }
            }
            Err(e) => {
                tracing::warn!(captures = group.len(), error = %e, "a group of captures failed; each is tried alone");
                for waiting in group {
                    let outcome =
                        crate::domain::memo::scope(capture_once(&db, &waiting.request)).await;
                    let _ = waiting.reply.send(outcome);
                }
            }
        }
    }

    async fn together(
        db: &DatabaseConnection,
        turn: Turn,
        group: &[Waiting],
    ) -> DomainResult<Vec<DomainResult<Captured>>> {
        let (configuration, txn) =
            tokio::join!(read_configuration(db), writer::begin_in_turn(db, turn));
        configuration?;
        let txn = txn?;
        let mut outcomes = Vec::with_capacity(group.len());
        for waiting in group {
            let savepoint = txn.begin().await?;
            let outcome = capture_within(&savepoint, &waiting.request, chrono::Utc::now()).await;
            if outcome.is_ok() {
                savepoint.commit().await?;
            } else {
                savepoint.rollback().await?;
            }
            outcomes.push(outcome);
        }
        txn.commit().await?;
        Ok(outcomes)
    }
}

/// Reads, side by side and before the capture takes its write turn, the configuration
/// it works with (see `memo`): the scoring model, the predictive model, the routing
/// rules, the people, the active journeys. SQLite has one writer at a time; what a
/// capture reads while holding it, every other capture waits for.
async fn read_configuration(db: &DatabaseConnection) -> DomainResult<()> {
    tokio::try_join!(
        super::scoring::active(db),
        super::predictive::latest(db),
        super::routing::current(db),
        super::routing::people(db),
        super::journeys::active_versions(db),
    )?;
    Ok(())
}

/// What to do with a capture that matches an existing lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DedupPolicy {
    /// Leave the existing lead alone and drop the capture.
    Skip,
    /// Fill the existing lead's empty fields (what every live intake does).
    #[default]
    Merge,
    /// Create a new lead regardless of duplicates.
    Create,
}

impl DedupPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            DedupPolicy::Skip => "skip",
            DedupPolicy::Merge => "merge",
            DedupPolicy::Create => "create",
        }
    }

    pub fn parse(s: &str) -> Option<DedupPolicy> {
        [DedupPolicy::Skip, DedupPolicy::Merge, DedupPolicy::Create]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// The result of a capture run inside a caller's transaction.
#[derive(Debug, Clone)]
pub enum Applied {
    Captured(Box<Captured>),
    /// A duplicate existed and the policy said to skip: nothing was written.
    Skipped {
        duplicate_of: Uuid,
        matched_by: MatchedBy,
    },
}

/// Captures one lead inside the caller's transaction (a CSV chunk, a batch), under the
/// given dedup policy. No idempotency key: the caller's own bookkeeping, committed in
/// the same transaction, is what makes its retries exactly-once. Invalid input is
/// refused before anything is written.
pub async fn capture_in(
    txn: &impl ConnectionTrait,
    actor: Actor,
    input: &CaptureInput,
    policy: DedupPolicy,
) -> DomainResult<Applied> {
    let clean = validate(input).map_err(DomainError::Invalid)?;
    check_campaign(txn, clean.campaign_id).await?;
    apply(
        txn,
        actor,
        &clean,
        input.origin.as_ref(),
        policy,
        Utc::now(),
    )
    .await
}

/// Finds a duplicate, then merges, skips or creates, records the event and the outbox
/// row — on the caller's connection, which is a transaction.
async fn apply(
    txn: &impl ConnectionTrait,
    actor: Actor,
    clean: &Clean,
    origin: Option<&serde_json::Value>,
    policy: DedupPolicy,
    now: DateTime<Utc>,
) -> DomainResult<Applied> {
    let submitted = serde_json::json!({
        "source": clean.source.as_str(),
        "campaignId": clean.campaign_id,
        "personName": clean.person_name,
        "company": clean.company,
        "email": clean.email.as_ref().map(Email::as_str),
        "phone": clean.phone.as_ref().map(|(raw, _)| raw),
        "origin": origin,
    });
    let duplicate = match policy {
        DedupPolicy::Create => None,
        DedupPolicy::Skip | DedupPolicy::Merge => find_duplicate(txn, clean).await?,
    };
    let (lead, outcome, matched_by) = match duplicate {
        Some((existing, matched_by)) if policy == DedupPolicy::Skip => {
            return Ok(Applied::Skipped {
                duplicate_of: existing.id,
                matched_by,
            });
        }
        Some((existing, matched_by)) => {
            let merged = merge_into(txn, existing, clean, now).await?;
            let mut data = submitted.clone();
            data["matchedBy"] = matched_by.as_str().into();
            timeline::event(merged.id, "captured_again", actor, data, now)
                .insert(txn)
                .await?;
            timeline::announce(
                "lead.merged_capture",
                merged.id,
                serde_json::json!({ "leadId": merged.id, "matchedBy": matched_by.as_str() }),
            )
            .insert(txn)
            .await?;
            (merged, CaptureOutcome::Merged, Some(matched_by))
        }
        None => {
            let created = create(txn, clean, now).await?;
            timeline::event(created.id, "captured", actor, submitted, now)
                .insert(txn)
                .await?;
            timeline::announce(
                "lead.captured",
                created.id,
                serde_json::json!({ "leadId": created.id, "source": clean.source.as_str() }),
            )
            .insert(txn)
            .await?;
            (created, CaptureOutcome::Created, None)
        }
    };
    // Scoring hook: the score (and an MQL move) lands in the same transaction.
    let lead = super::scoring::rescore_lead(txn, lead, now).await?;
    // Routing hook: a new lead gets its owner (or the pool) in the same transaction.
    let lead = if outcome == CaptureOutcome::Created {
        super::routing::route(txn, lead, super::routing::Occasion::Captured, now).await?
    } else {
        lead
    };
    // Journey hook: a capture may start nurture journeys, in the same transaction.
    let mut signals = Vec::new();
    if outcome == CaptureOutcome::Created {
        signals.push(super::journeys::Signal::Captured);
        signals.push(super::journeys::Signal::EnteredStage(LeadStage::Lead));
        signals.extend(
            clean
                .tags
                .iter()
                .cloned()
                .map(super::journeys::Signal::TagAdded),
        );
    }
    if let Some(form_id) = origin
        .and_then(|o| o.get("formId"))
        .and_then(|f| f.as_str())
        .and_then(|f| Uuid::parse_str(f).ok())
    {
        signals.push(super::journeys::Signal::FormSubmitted(form_id));
    }
    super::journeys::on_signal(txn, &lead, &signals, now).await?;
    Ok(Applied::Captured(Box::new(Captured {
        lead,
        outcome,
        matched_by,
        replayed: false,
    })))
}

async fn create(
    db: &impl ConnectionTrait,
    clean: &Clean,
    now: DateTime<Utc>,
) -> DomainResult<lead::Model> {
    Ok(lead::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_name: Set(clean.person_name.clone()),
        title: Set(clean.title.clone()),
        company: Set(clean.company.clone()),
        company_key: Set(clean.company_key.clone()),
        email: Set(clean.email.as_ref().map(|e| e.to_string())),
        email_normalized: Set(clean.email.as_ref().map(|e| e.to_string())),
        phone: Set(clean.phone.as_ref().map(|(raw, _)| raw.clone())),
        phone_e164: Set(clean.phone.as_ref().map(|(_, p)| p.as_str().to_string())),
        industry: Set(clean.industry.clone()),
        province: Set(clean.province.clone()),
        city: Set(clean.city.clone()),
        company_size: Set(clean.company_size),
        source: Set(clean.source.as_str().to_string()),
        campaign_id: Set(clean.campaign_id),
        tags: Set(StringList(clean.tags.clone())),
        custom_fields: Set(serde_json::Value::Object(clean.custom_fields.clone())),
        stage: Set(LeadStage::Lead.as_str().to_string()),
        owner_id: Set(None),
        fit_score: Set(0),
        engagement_score: Set(0),
        total_score: Set(0),
        bant: Set(None),
        lost_reason: Set(None),
        first_assigned_at: Set(None),
        first_contacted_at: Set(None),
        merged_into: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        last_activity_at: Set(now),
        win_probability: Set(None),
        win_factors: Set(None),
        mql_at: Set(None),
        sql_at: Set(None),
        opportunity_at: Set(None),
        won_at: Set(None),
        won_amount_minor: Set(None),
    }
    .insert(db)
    .await?)
}

/// Fills the existing lead's empty fields from the capture; never overwrites what a rep
/// already knows. Tags are united; custom fields keep existing values.
async fn merge_into(
    db: &impl ConnectionTrait,
    existing: lead::Model,
    clean: &Clean,
    now: DateTime<Utc>,
) -> DomainResult<lead::Model> {
    fn fill<T: Clone>(current: &Option<T>, incoming: &Option<T>) -> Option<T> {
        current.clone().or_else(|| incoming.clone())
    }
    let mut tags = existing.tags.0.clone();
    for t in &clean.tags {
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    let mut custom = existing
        .custom_fields
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (k, v) in &clean.custom_fields {
        custom.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let (email, phone, phone_e164) = (
        fill(
            &existing.email,
            &clean.email.as_ref().map(|e| e.to_string()),
        ),
        fill(
            &existing.phone,
            &clean.phone.as_ref().map(|(raw, _)| raw.clone()),
        ),
        fill(
            &existing.phone_e164,
            &clean.phone.as_ref().map(|(_, p)| p.as_str().to_string()),
        ),
    );
    let email_normalized = fill(
        &existing.email_normalized,
        &clean.email.as_ref().map(|e| e.to_string()),
    );
    let version = existing.version;
    let mut model = existing.clone().into_active_model();
    model.title = Set(fill(&existing.title, &clean.title));
    model.company_key = Set(fill(&existing.company_key, &clean.company_key));
    model.company = Set(fill(&existing.company, &clean.company));
    model.email = Set(email);
    model.email_normalized = Set(email_normalized);
    model.phone = Set(phone);
    model.phone_e164 = Set(phone_e164);
    model.industry = Set(fill(&existing.industry, &clean.industry));
    model.province = Set(fill(&existing.province, &clean.province));
    model.city = Set(fill(&existing.city, &clean.city));
    model.company_size = Set(existing.company_size.or(clean.company_size));
    model.campaign_id = Set(existing.campaign_id.or(clean.campaign_id));
    model.tags = Set(StringList(tags));
    model.custom_fields = Set(serde_json::Value::Object(custom));
    model.version = Set(version + 1);
    model.updated_at = Set(now);
    model.last_activity_at = Set(existing.last_activity_at.max(now));
    Ok(model.update(db).await?)
}
