//! The outbox relay: every server tails the `outbox` table in `seq` order and hands
//! each committed event to its own live subscribers (assignment feeds,
//! notifications), so an assignment made on one server reaches a subscriber connected
//! to another.
//!
//! On PostgreSQL a trigger NOTIFYs `leadflow_outbox` when events are committed and the
//! relay LISTENs, so it reads at once; it also polls, in case a notification is lost
//! with a dropped connection. On SQLite (one server) every commit of this process
//! wakes it, and it polls for what another process (a command-line import) wrote.
//!
//! PostgreSQL hands out sequence numbers before commit, so a later number can become
//! visible first. The relay keeps order: it waits for a missing number for a moment
//! (its transaction is committing) and only then passes over it (that transaction
//! rolled back).

use std::sync::Arc;
use std::time::{Duration, Instant};

use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::{watch, Notify};

use crate::app::AppState;
use crate::entity::outbox;
use crate::events::OutboxEvent;

/// How often the relay looks for new events without being told (on SQLite this
/// process's commits tell it; the poll finds what another process wrote).
const POLL_SQLITE: Duration = Duration::from_millis(50);
const POLL_POSTGRES: Duration = Duration::from_millis(500);
/// How soon a missing sequence number is looked for again.
const GAP_POLL: Duration = Duration::from_millis(15);
/// How long a missing sequence number is waited for.
const GAP_WAIT: Duration = Duration::from_secs(2);
const BATCH: u64 = 500;
pub const CHANNEL: &str = "leadflow_outbox";

/// The highest sequence number written so far (0: none).
pub async fn last_seq(db: &sea_orm::DatabaseConnection) -> Result<i64, sea_orm::DbErr> {
    Ok(outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Seq)
        .order_by_desc(outbox::Column::Seq)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await?
        .unwrap_or(0))
}

/// Relays until `stop` turns true.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let db = state.db.clone();
    let backend = db.get_database_backend();
    let wake = if backend == DbBackend::Sqlite {
        crate::domain::commits(&db)
    } else {
        Arc::new(Notify::new())
    };
    let listener = (backend == DbBackend::Postgres).then(|| {
        let pool = db.get_postgres_connection_pool().clone();
        let wake = wake.clone();
        tokio::spawn(listen(pool, wake))
    });
    let poll = if backend == DbBackend::Postgres {
        POLL_POSTGRES
    } else {
        POLL_SQLITE
    };
    let mut cursor = loop {
        match last_seq(&db).await {
            Ok(seq) => break seq,
            Err(err) => {
                tracing::error!(error = %err, "outbox relay cannot start; retrying");
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = stop.changed() => return,
                }
            }
        }
    };
    let mut gap_since: Option<Instant> = None;
    loop {
        if *stop.borrow() {
            break;
        }
        let mut full = false;
        match outbox::Entity::find()
            .filter(outbox::Column::Seq.gt(cursor))
            .order_by_asc(outbox::Column::Seq)
            .limit(BATCH)
            .all(&db)
            .await
        {
            Ok(rows) => {
                full = rows.len() as u64 == BATCH;
                for row in rows {
                    if row.seq != cursor + 1 {
                        let since = *gap_since.get_or_insert_with(Instant::now);
                        if since.elapsed() < GAP_WAIT {
                            full = false;
                            break;
                        }
                        tracing::debug!(
                            from = cursor + 1,
                            to = row.seq - 1,
                            "outbox gap passed over"
                        );
                    }
                    gap_since = None;
                    cursor = row.seq;
                    if row.topic == crate::domain::journeys::ENROLLED_TOPIC {
                        // A lead was enrolled (here or on another server): step it now.
                        state.jobs.wake();
                    }
                    state.events.publish_outbox(OutboxEvent {
                        seq: row.seq,
                        topic: row.topic,
                        aggregate_id: row.aggregate_id,
                        payload: row.payload,
                    });
                }
            }
            Err(err) => tracing::warn!(error = %err, "reading the outbox failed"),
        }
        if full {
            continue;
        }
        let wait = if gap_since.is_some() { GAP_POLL } else { poll };
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(wait) => {}
            changed = stop.changed() => if changed.is_err() || *stop.borrow() { break },
        }
    }
    if let Some(listener) = listener {
        listener.abort();
    }
}

/// LISTENs for committed outbox events; reconnects after a dropped connection.
async fn listen(pool: sea_orm::sqlx::PgPool, wake: Arc<Notify>) {
    use sea_orm::sqlx::postgres::PgListener;
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if let Err(err) = listener.listen(CHANNEL).await {
                    tracing::warn!(error = %err, "LISTEN failed");
                } else {
                    loop {
                        match listener.recv().await {
                            Ok(_) => wake.notify_one(),
                            Err(err) => {
                                tracing::warn!(error = %err, "outbox notifications interrupted");
                                break;
                            }
                        }
                    }
                }
            }
            Err(err) => tracing::warn!(error = %err, "cannot listen for outbox events"),
        }
        // Whatever was missed meanwhile, the relay's poll picks up.
        wake.notify_one();
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// The daily job that forgets outbox events older than [`OUTBOX_KEEP_DAYS`]: by then
/// every server has relayed them and no feed reconnects that far back.
pub const PRUNE_JOB: &str = "outbox_prune";
pub const OUTBOX_KEEP_DAYS: i64 = 7;
const PRUNE_BATCH: u64 = 10_000;

pub async fn schedule_prune(db: &sea_orm::DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    crate::jobs::ensure_pending(
        db,
        PRUNE_JOB,
        chrono::Utc::now() + chrono::Duration::days(1),
    )
    .await
}

/// Deletes old outbox events in batches (short transactions), then books tomorrow's run.
pub async fn run_prune(
    db: &sea_orm::DatabaseConnection,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let cutoff = now - chrono::Duration::days(OUTBOX_KEEP_DAYS);
    loop {
        let old: Vec<i64> = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::Seq)
            .filter(outbox::Column::CreatedAt.lt(cutoff))
            .order_by_asc(outbox::Column::Seq)
            .limit(PRUNE_BATCH)
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = old.last().copied() else {
            break;
        };
        let txn = crate::domain::begin_write(db).await?;
        outbox::Entity::delete_many()
            .filter(outbox::Column::Seq.lte(last))
            .filter(outbox::Column::CreatedAt.lt(cutoff))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        if (old.len() as u64) < PRUNE_BATCH {
            break;
        }
    }
    crate::jobs::enqueue(
        db,
        PRUNE_JOB,
        serde_json::json!({}),
        now + chrono::Duration::days(1),
    )
    .await?;
    Ok(())
}
