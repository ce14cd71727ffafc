//! Domain events fanned out to live subscribers (GraphQL subscriptions).
//!
//! An event is small (what happened, to which id); subscribers load the current object
//! themselves. The bus belongs to the application state, never a global, so each
//! server — and each test server — has its own.

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

#[derive(Clone)]
pub struct EventBus {
    users: broadcast::Sender<UserChanged>,
    imports: broadcast::Sender<ImportProgressed>,
    rescores: broadcast::Sender<RescoreProgressed>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus {
            users: broadcast::channel(1024).0,
            imports: broadcast::channel(1024).0,
            rescores: broadcast::channel(1024).0,
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
}
