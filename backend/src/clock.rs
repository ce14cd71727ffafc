//! The time business rules count in: SLA thresholds, due jobs.
//!
//! A server reads the wall clock. Tests move a server's clock forward to walk a lead
//! through its SLA (remind, escalate, recycle) without sleeping; the configuration
//! carries the clock, so a server restarted from the same configuration keeps the
//! time the test moved it to.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Milliseconds added to the wall clock; 0 in production.
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock (and every server sharing it) forward.
    pub fn advance(&self, by: chrono::Duration) {
        self.offset_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }
}
