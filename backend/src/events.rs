//! Domain events fanned out to live subscribers (GraphQL subscriptions).
//!
//! An event is small (what happened, to which id); subscribers load the current object
//! themselves. The bus belongs to the application state, never a global, so each
//! server — and each test server — has its own.

use std::sync::Arc;

use tokio::sync::broadcast;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserChangeKind {
    Created,
    Updated,
    Deactivated,
    Reactivated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserChanged {
    pub kind: UserChangeKind,
    pub user_id: Uuid,
}

/// An import advanced (a chunk committed) or finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportProgressed {
    pub import_id: Uuid,
    pub rows_done: i64,
    pub total_rows: Option<i64>,
}

/// A re-scoring run advanced (a batch committed) or finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RescoreProgressed {
    pub run_id: Uuid,
}

/// A committed outbox row, as the relay hands it to this server's live subscribers.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    /// The position in the outbox; a reconnecting feed resumes after it.
    pub seq: i64,
    pub topic: String,
    pub aggregate_id: Uuid,
    pub payload: serde_json::Value,
}

#[derive(Clone)]
pub struct EventBus {
    users: broadcast::Sender<UserChanged>,
    imports: broadcast::Sender<ImportProgressed>,
    rescores: broadcast::Sender<RescoreProgressed>,
    outbox: broadcast::Sender<Arc<OutboxEvent>>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus {
            users: broadcast::channel(1024).0,
            imports: broadcast::channel(1024).0,
            rescores: broadcast::channel(1024).0,
            outbox: broadcast::channel(8192).0,
        }
    }
}

impl EventBus {
    pub fn publish_user(&self, event: UserChanged) {
        // No subscriber is not an error: nobody is watching.
        let _ = self.users.send(event);
    }

    pub fn subscribe_users(&self) -> broadcast::Receiver<UserChanged> {
        self.users.subscribe()
    }

    pub fn publish_import(&self, event: ImportProgressed) {
        let _ = self.imports.send(event);
    }

    pub fn subscribe_imports(&self) -> broadcast::Receiver<ImportProgressed> {
        self.imports.subscribe()
    }

    pub fn publish_rescore(&self, event: RescoreProgressed) {
        let _ = self.rescores.send(event);
    }

    pub fn subscribe_rescores(&self) -> broadcast::Receiver<RescoreProgressed> {
        self.rescores.subscribe()
    }

    pub fn publish_outbox(&self, event: OutboxEvent) {
        let _ = self.outbox.send(Arc::new(event));
    }

    /// Every outbox event committed from now on, in order, whichever server wrote it.
    pub fn subscribe_outbox(&self) -> broadcast::Receiver<Arc<OutboxEvent>> {
        self.outbox.subscribe()
    }
}
