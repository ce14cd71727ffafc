//! The durable job queue: background work that must happen once, even across crashes
//! and restarts (CSV imports today; SLA timers, journey steps, emails, decay and
//! webhooks as they arrive).
//!
//! A job is a row in `jobs`: a `kind` naming its handler, a JSON payload, a time it is
//! due. [`enqueue`] writes it in the caller's transaction, so the job exists exactly
//! when the change that asked for it does. A [`Runner`] (one per server, started by
//! `startup`) claims the due jobs a batch at a time by taking their leases
//! (`locked_until`, `locked_by`): on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so
//! several servers on one database never claim the same job; on SQLite inside a
//! `BEGIN IMMEDIATE` transaction. It runs them one after another. The leases are renewed
//! while the runner works; a worker that dies stops renewing and its jobs are claimed
//! again once the leases run out. Handlers therefore run *at least* once and make their
//! effects exactly-once themselves (an import commits its resume position with each
//! chunk of rows). A kind that may run for minutes (an import, a re-score) is claimed
//! on its own, so it never holds other jobs' leases while it runs. A handler whose work
//! is one transaction records the job's end in it
//! ([`Job::commit_done`]), so the work and the job's end land together.
//!
//! The runner wakes at once when this server enqueues ([`Queue::wake`]) and polls
//! slowly for jobs enqueued elsewhere or falling due.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use tokio::sync::{watch, Notify};
use uuid::Uuid;

use crate::app::AppState;
use crate::domain::WriteTxn;
use crate::entity::job;

/// How long a claim holds before another worker may take the job over.
pub const LEASE: Duration = Duration::from_secs(60);
/// How often an idle runner looks for due jobs it was not woken for.
pub const POLL: Duration = Duration::from_secs(5);
/// After this many failed attempts a job is given up (kept, with its last error).
pub const MAX_ATTEMPTS: i32 = 20;
/// How many due jobs one claim takes. Their leases are renewed together while the
/// runner works through them.
pub const BATCH: u64 = 64;

/// A claimed job, as its handler sees it.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: Uuid,
    pub kind: String,
    pub payload: serde_json::Value,
    /// 1 on the first run.
    pub attempt: i32,
    /// The runner holding the lease; `None` for a job run by hand.
    runner: Option<Uuid>,
    /// Set once the handler has committed the job's end with its work.
    ended: Arc<AtomicBool>,
}

impl Job {
    /// A job run by hand, outside any runner (it holds no lease).
    pub fn new(kind: &str, payload: serde_json::Value) -> Job {
        Job {
            id: Uuid::now_v7(),
            kind: kind.to_string(),
            payload,
            attempt: 1,
            runner: None,
            ended: Arc::default(),
        }
    }

    /// Records in `txn` that this job is done, then commits it: the handler's work and
    /// the job's end land together, and the runner writes nothing more for it.
    pub(crate) async fn commit_done(&self, txn: WriteTxn) -> Result<(), DbErr> {
        if let Some(runner) = self.runner {
            ended(
                self.id,
                runner,
                Utc::now(),
                Ok(()),
                self.attempt,
                &self.kind,
            )
            .exec(&txn)
            .await?;
        }
        txn.commit().await?;
        self.ended.store(true, Ordering::Release);
        Ok(())
    }
}

/// The update recording a job's end: done, or failed and due again after a backoff
/// (given up after [`MAX_ATTEMPTS`]). Only while `runner` holds its lease.
fn ended(
    id: Uuid,
    runner: Uuid,
    now: DateTime<Utc>,
    result: Result<(), &anyhow::Error>,
    attempt: i32,
    kind: &str,
) -> sea_orm::UpdateMany<job::Entity> {
    let mut update = job::Entity::update_many()
        .col_expr(job::Column::LockedUntil, Expr::value(None::<DateTime<Utc>>))
        .col_expr(job::Column::LockedBy, Expr::value(None::<Uuid>));
    match result {
        Ok(()) => {
            update = update
                .col_expr(job::Column::DoneAt, Expr::value(now))
                .col_expr(job::Column::LastError, Expr::value(None::<String>));
        }
        Err(err) => {
            let message = format!("{err:#}");
            if attempt >= MAX_ATTEMPTS {
                tracing::error!(job_id = %id, kind = %kind, error = %message, "job failed for the last time; giving up");
                update = update.col_expr(job::Column::DoneAt, Expr::value(now));
            } else {
                let backoff = std::cmp::min(2_i64.saturating_pow(attempt.clamp(1, 10) as u32), 600);
                tracing::warn!(job_id = %id, kind = %kind, error = %message, retry_in_secs = backoff, "job failed; will retry");
                update = update.col_expr(
                    job::Column::RunAt,
                    Expr::value(now + chrono::Duration::seconds(backoff)),
                );
            }
            update = update.col_expr(job::Column::LastError, Expr::value(Some(message)));
        }
    }
    update
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::LockedBy.eq(runner))
}

/// Adds a job due at `run_at`, on the caller's connection (usually its transaction).
/// Call [`Queue::wake`] after committing.
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    kind: &str,
    payload: serde_json::Value,
    run_at: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    job::ActiveModel {
        id: Set(id),
        kind: Set(kind.to_string()),
        payload: Set(payload),
        run_at: Set(run_at),
        attempts: Set(0),
        locked_until: Set(None),
        locked_by: Set(None),
        done_at: Set(None),
        last_error: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(id)
}

/// Books a job of `kind` at `run_at` unless one is already waiting (a recurring job
/// books its next run itself; this makes sure the chain exists at all).
pub async fn ensure_pending(
    conn: &impl ConnectionTrait,
    kind: &str,
    run_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let waiting = job::Entity::find()
        .filter(job::Column::Kind.eq(kind))
        .filter(job::Column::DoneAt.is_null())
        .one(conn)
        .await?;
    if waiting.is_none() {
        enqueue(conn, kind, serde_json::json!({}), run_at).await?;
    }
    Ok(())
}

/// This server's handle on the queue: lets code that enqueued wake the runner.
#[derive(Clone, Default)]
pub struct Queue {
    wake: Arc<Notify>,
}

impl Queue {
    /// Tells the runner a job may be due now. A wake with nobody waiting is kept for
    /// the runner's next wait, so none is lost.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

type Handler = Arc<dyn Fn(AppState, Job) -> BoxFuture<'static, anyhow::Result<()>> + Send + Sync>;

/// Claims due jobs and runs their handlers, one at a time, until stopped.
pub struct Runner {
    state: AppState,
    handlers: HashMap<&'static str, Handler>,
    /// Kinds that may run for minutes (an import, a re-score): claimed alone, so they
    /// never hold other jobs' leases while they run, nor wait behind others.
    long: std::collections::HashSet<&'static str>,
    id: Uuid,
    lease: Duration,
    poll: Duration,
}

/// The runner with every kind of job the server knows.
pub fn runner(state: AppState) -> Runner {
    use crate::domain::scoring;
    Runner::new(state)
        .handle_long(crate::domain::imports::JOB_KIND, |state, job| async move {
            crate::domain::imports::run_job(&state.db, &state.events, &state.config, &job).await
        })
        .handle_long(scoring::RESCORE_JOB, |state, job| async move {
            scoring::run_rescore(&state.db, &state.events, &job).await
        })
        .handle_long(scoring::DECAY_JOB, |state, job| async move {
            let now = state.config.clock.now();
            scoring::run_decay(&state.db, &state.jobs, now, &job).await
        })
        .handle_long(
            crate::domain::predictive::SCORE_JOB,
            |state, job| async move { crate::domain::predictive::run_scoring(&state.db, &job).await },
        )
        .handle_long(crate::relay::PRUNE_JOB, |state, _job| async move {
            crate::relay::run_prune(&state.db, state.config.clock.now()).await
        })
        .handle(crate::domain::activities::TASK_DUE_JOB, |state, job| async move {
            let now = state.config.clock.now();
            crate::domain::activities::run_task_due(&state.db, now, &job).await
        })
        .handle(crate::domain::journeys::STEP_JOB, |state, job| async move {
            let now = state.config.clock.now();
            crate::domain::journeys::run_step(
                &state.db,
                &state.jobs,
                &state.config,
                &state.email_links,
                now,
                &job,
            )
            .await
        })
        .handle(crate::domain::journeys::SEND_JOB, |state, job| async move {
            let now = state.config.clock.now();
            crate::domain::journeys::run_send(&state.db, &state.config, now, &job).await
        })
        .handle_long(
            crate::domain::journeys::INACTIVE_SWEEP_JOB,
            |state, _job| async move {
                let now = state.config.clock.now();
                crate::domain::journeys::run_inactive_sweep(&state.db, now).await
            },
        )
        .handle(crate::domain::sla::STEP_JOB, |state, job| async move {
            let now = state.config.clock.now();
            crate::domain::sla::run_step(&state.db, &state.jobs, now, &job).await
        })
        .handle_long(crate::domain::sla::INACTIVITY_JOB, |state, job| async move {
            let now = state.config.clock.now();
            crate::domain::sla::run_inactivity(&state.db, &state.jobs, now, &job).await
        })
        .handle_long(
            crate::domain::predictive::TRAIN_JOB,
            |state, job| async move {
                let now = state.config.clock.now();
                crate::domain::predictive::run_nightly(&state.db, &state.jobs, now, &job).await
            },
        )
}

impl Runner {
    pub fn new(state: AppState) -> Self {
        Runner {
            state,
            handlers: HashMap::new(),
            long: Default::default(),
            id: Uuid::now_v7(),
            lease: LEASE,
            poll: POLL,
        }
    }

    /// Registers the handler for jobs of `kind`. An `Err` is retried later with
    /// backoff; a handler gives up on its own by returning `Ok` after recording why.
    pub fn handle<F, Fut>(mut self, kind: &'static str, handler: F) -> Self
    where
        F: Fn(AppState, Job) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        self.handlers
            .insert(kind, Arc::new(move |s, j| Box::pin(handler(s, j))));
        self
    }

    /// Registers the handler for a kind of job that may run for minutes; such a job is
    /// claimed on its own (see [`Runner`]).
    pub fn handle_long<F, Fut>(mut self, kind: &'static str, handler: F) -> Self
    where
        F: Fn(AppState, Job) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        self.long.insert(kind);
        self.handle(kind, handler)
    }

    /// Runs until `stop` turns true (or its sender is dropped). A job in progress is
    /// then abandoned mid-way — its handler's open transaction rolls back — and its
    /// lease released so the next start picks it up at once.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let wake = self.state.jobs.wake.clone();
        tracing::debug!(runner = %self.id, "job runner started");
        loop {
            if *stop.borrow() {
                break;
            }
            match self.claim().await {
                Ok(jobs) if !jobs.is_empty() => {
                    if self.work_through(jobs, &mut stop).await {
                        continue;
                    }
                    break;
                }
                Ok(_) => {}
                Err(err) => tracing::error!(error = %err, "claiming jobs failed"),
            }
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(self.poll) => {}
                changed = stop.changed() => if changed.is_err() || *stop.borrow() { break },
            }
        }
        if let Err(err) = self.release().await {
            tracing::warn!(error = %err, "releasing job leases on shutdown failed");
        }
        tracing::debug!(runner = %self.id, "job runner stopped");
    }

    /// Takes the leases of the oldest due jobs this runner can handle, up to [`BATCH`].
    async fn claim(&self) -> Result<Vec<Job>, DbErr> {
        let db = &self.state.db;
        let backend = db.get_database_backend();
        let txn = crate::domain::begin_write(db).await?;
        // Leases are real time; what is due follows the server's clock.
        let now = Utc::now();
        let kinds: Vec<&str> = self.handlers.keys().copied().collect();
        let mut due = job::Entity::find()
            .filter(job::Column::DoneAt.is_null())
            .filter(job::Column::RunAt.lte(self.state.config.clock.now()))
            .filter(job::Column::Kind.is_in(kinds))
            .filter(
                Condition::any()
                    .add(job::Column::LockedUntil.is_null())
                    .add(job::Column::LockedUntil.lt(now)),
            )
            .order_by_asc(job::Column::RunAt)
            .order_by_asc(job::Column::Id)
            .limit(BATCH);
        if backend == DbBackend::Postgres {
            due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let mut found = due.all(&txn).await?;
        // A long job goes alone; short ones are taken up to the first long one.
        let short = found
            .iter()
            .position(|j| self.long.contains(j.kind.as_str()))
            .unwrap_or(found.len());
        found.truncate(short.max(1));
        if found.is_empty() {
            txn.commit().await?;
            return Ok(Vec::new());
        }
        job::Entity::update_many()
            .col_expr(
                job::Column::LockedUntil,
                Expr::value(now + self.lease_chrono()),
            )
            .col_expr(job::Column::LockedBy, Expr::value(self.id))
            .col_expr(
                job::Column::Attempts,
                Expr::col(job::Column::Attempts).add(1),
            )
            .filter(job::Column::Id.is_in(found.iter().map(|j| j.id)))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(found
            .into_iter()
            .map(|found| {
                let attempt = found.attempts + 1;
                if found.locked_until.is_some() {
                    tracing::warn!(job_id = %found.id, kind = %found.kind, attempt, "job taken over after its lease expired");
                }
                Job {
                    id: found.id,
                    kind: found.kind,
                    payload: found.payload,
                    attempt,
                    runner: Some(self.id),
                    ended: Arc::default(),
                }
            })
            .collect())
    }

    fn lease_chrono(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.lease).unwrap_or(chrono::Duration::seconds(60))
    }

    /// Runs the claimed jobs one after another, renewing their leases meanwhile.
    /// `false` when stopped (the leases not yet worked off are released by [`Self::run`]).
    async fn work_through(&self, jobs: Vec<Job>, stop: &mut watch::Receiver<bool>) -> bool {
        let mut renew = tokio::time::interval(self.lease / 3);
        renew.tick().await;
        for job in jobs {
            let Some(handler) = self.handlers.get(job.kind.as_str()) else {
                continue;
            };
            tracing::debug!(job_id = %job.id, kind = %job.kind, attempt = job.attempt, "running job");
            // Its own task: a panic fails the job, not the runner.
            let mut task = tokio::spawn(handler(self.state.clone(), job.clone()));
            loop {
                tokio::select! {
                    result = &mut task => {
                        let result = match result {
                            Ok(r) => r,
                            Err(e) => Err(anyhow::anyhow!("the job's handler panicked: {e}")),
                        };
                        if let Err(err) = self.finish(&job, result).await {
                            tracing::error!(job_id = %job.id, error = %err, "recording a job's end failed");
                        }
                        break;
                    }
                    _ = renew.tick() => {
                        if let Err(err) = self.renew().await {
                            tracing::warn!(job_id = %job.id, error = %err, "renewing job leases failed");
                        }
                    }
                    changed = stop.changed() => {
                        if changed.is_err() || *stop.borrow() {
                            task.abort();
                            let _ = task.await;
                            return false;
                        }
                    }
                }
            }
        }
        true
    }

    /// Extends the leases of every job this runner holds: the one running and those
    /// claimed with it, waiting their turn.
    async fn renew(&self) -> Result<(), DbErr> {
        // In the write queue, as every write of this process.
        let txn = crate::domain::begin_write(&self.state.db).await?;
        let result = job::Entity::update_many()
            .col_expr(
                job::Column::LockedUntil,
                Expr::value(Utc::now() + self.lease_chrono()),
            )
            .filter(job::Column::LockedBy.eq(self.id))
            .filter(job::Column::DoneAt.is_null())
            .exec(&txn)
            .await?;
        txn.commit().await?;
        if result.rows_affected == 0 {
            tracing::warn!(runner = %self.id, "lost the leases of its jobs to another worker");
        }
        Ok(())
    }

    /// Records a job's end, unless its handler already did with its work.
    async fn finish(&self, job: &Job, result: anyhow::Result<()>) -> Result<(), DbErr> {
        if result.is_ok() && job.ended.load(Ordering::Acquire) {
            return Ok(());
        }
        let update = ended(
            job.id,
            self.id,
            Utc::now(),
            result.as_ref().map(|_| ()),
            job.attempt,
            &job.kind,
        );
        let txn = crate::domain::begin_write(&self.state.db).await?;
        update.exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Frees this runner's leases (on shutdown); the interrupted attempt is not counted.
    async fn release(&self) -> Result<(), DbErr> {
        job::Entity::update_many()
            .col_expr(job::Column::LockedUntil, Expr::value(None::<DateTime<Utc>>))
            .col_expr(job::Column::LockedBy, Expr::value(None::<Uuid>))
            .col_expr(
                job::Column::Attempts,
                Expr::col(job::Column::Attempts).sub(1),
            )
            .filter(job::Column::LockedBy.eq(self.id))
            .filter(job::Column::DoneAt.is_null())
            .exec(&self.state.db)
            .await?;
        Ok(())
    }
}
