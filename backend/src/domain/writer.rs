//! Write transactions, and the queue SQLite's writers wait in.
//!
//! SQLite has one writer at a time. Left to itself, a connection that finds the write
//! lock taken sleeps in its busy handler — 1, 2, 5, 10 … 100 ms — and tries again, so
//! under a burst of captures most of a request's time was spent asleep while the lock
//! stood free (measured: at 16 concurrent captures the server slept 1.6 s per second of
//! wall time). Every write transaction of this process therefore first takes its turn
//! in an in-process FIFO queue, one per database file, and only then begins: the next
//! writer starts the moment the previous one commits, and the busy handler is left for
//! the rare writer from outside the queue (another process, the migrator).
//!
//! PostgreSQL locks rows, not the database, so its transactions skip the queue.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use sea_orm::{
    ConnAcquireErr, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, QueryResult, Statement, TransactionTrait,
};
use tokio::sync::{Notify, OwnedMutexGuard};

/// How long a writer waits for its turn before giving up, as SQLite's busy timeout did.
const TURN_TIMEOUT: Duration = Duration::from_secs(20);

/// A transaction that will write. On SQLite it holds the database's write turn until it
/// commits, rolls back or is dropped. Use it as any connection (`&txn`).
pub(crate) struct WriteTxn {
    txn: DatabaseTransaction,
    /// Dropped after `txn` (fields drop in order), so the next writer begins only once
    /// this transaction has ended.
    turn: Turn,
}

/// A place at the head of the write queue: while it is held, no other writer of this
/// process begins. On PostgreSQL there is no queue and a turn holds nothing.
pub(crate) struct Turn {
    _held: Option<OwnedMutexGuard<()>>,
    /// Told after each commit made in this turn (SQLite: see [`commits`]).
    committed: Option<Arc<Notify>>,
}

impl WriteTxn {
    pub(crate) async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await?;
        if let Some(committed) = &self.turn.committed {
            committed.notify_one();
        }
        Ok(())
    }

    pub(crate) async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }
}

/// The file behind a SQLite connection: what the process's writers of it share.
pub(crate) fn database_file(db: &DatabaseConnection) -> PathBuf {
    db.get_sqlite_connection_pool()
        .connect_options()
        .get_filename()
        .to_path_buf()
}

/// What this process's writers of one SQLite file share: the queue they wait in, and
/// the signal each commit gives (the outbox relay reads new events on it at once).
#[derive(Default, Clone)]
struct Writers {
    queue: Arc<tokio::sync::Mutex<()>>,
    committed: Arc<Notify>,
}

fn writers_of(db: &DatabaseConnection) -> Writers {
    static WRITERS: OnceLock<Mutex<HashMap<PathBuf, Writers>>> = OnceLock::new();
    let mut writers = WRITERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    writers.entry(database_file(db)).or_default().clone()
}

/// Told after every write transaction of this process on the SQLite file commits (a
/// single waiter: the outbox relay).
pub(crate) fn commits(db: &DatabaseConnection) -> Arc<Notify> {
    writers_of(db).committed
}

/// Waits for this process's turn to write (at most [`TURN_TIMEOUT`]).
pub(crate) async fn turn(db: &DatabaseConnection) -> Result<Turn, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(Turn {
            _held: None,
            committed: None,
        });
    }
    let writers = writers_of(db);
    let turn = tokio::time::timeout(TURN_TIMEOUT, writers.queue.lock_owned())
        .await
        .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))?;
    Ok(Turn {
        _held: Some(turn),
        committed: Some(writers.committed),
    })
}

/// Starts a transaction that will write. On SQLite it first waits its turn in the
/// write queue, then takes the write lock at once (`BEGIN IMMEDIATE`), so it never has
/// to upgrade a read lock and fail with "database is locked".
pub(crate) async fn begin_write(db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
    let turn = turn(db).await?;
    begin_in_turn(db, turn).await
}

/// Starts a transaction that will write, in a turn the caller already holds.
pub(crate) async fn begin_in_turn(db: &DatabaseConnection, turn: Turn) -> Result<WriteTxn, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(WriteTxn {
            txn: db.begin().await?,
            turn,
        });
    }
    let txn = db
        .begin_with_options(sea_orm::TransactionOptions {
            sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    Ok(WriteTxn { txn, turn })
}
