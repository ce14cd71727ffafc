//! What one capture, or one chunk of an import, reads once instead of once per step.
//!
//! A capture scores, predicts, routes and checks the nurture journeys, and each of
//! those read the configuration they work with: the active scoring model, the newest
//! predictive model, the routing rules, the users and teams, the active journeys. An
//! import does all of that for every row. Inside a [`scope`] each of them is read from
//! the database the first time only; what changes while leads come in — the owners'
//! loads, the rotations, the leads themselves — is never kept.
//!
//! Outside a scope nothing is kept, so a code path that changes the configuration
//! (and is never run inside a scope) always reads what it wrote.

use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;

use leadflow_shared::predict::PredictiveModel;
use leadflow_shared::scoring::CompiledModel;

use crate::entity::{
    journey as journey_row, journey_version, predictive_model, scoring_model, team, user,
};

/// The active journeys, each with its active version's row.
pub(crate) type ActiveJourneys = Arc<Vec<(journey_row::Model, Option<journey_version::Model>)>>;

/// Every user and team.
pub(crate) type People = Arc<(Vec<user::Model>, Vec<team::Model>)>;

/// The configuration read so far in this scope; `None`: not read yet.
#[derive(Default)]
pub(crate) struct Memo {
    pub scoring: Option<Option<(scoring_model::Model, Arc<CompiledModel>)>>,
    pub predictive: Option<Option<(predictive_model::Model, Arc<PredictiveModel>)>>,
    pub routing: Option<super::routing::Config>,
    pub people: Option<People>,
    pub journeys: Option<ActiveJourneys>,
}

tokio::task_local! {
    static MEMO: RefCell<Memo>;
}

/// Runs `work` with a fresh memo. The work (a whole capture or import, a large future)
/// lives on the heap, not on the stack of whoever awaits it.
pub(crate) async fn scope<F: Future>(work: F) -> F::Output {
    MEMO.scope(RefCell::new(Memo::default()), Box::pin(work))
        .await
}

/// Forgets what was read (a new chunk of an import starts).
pub(crate) fn forget() {
    let _ = MEMO.try_with(|m| *m.borrow_mut() = Memo::default());
}

/// What the scope has read for `slot`, if anything.
fn recall<T: Clone>(slot: fn(&mut Memo) -> &mut Option<T>) -> Option<T> {
    MEMO.try_with(|m| slot(&mut m.borrow_mut()).clone())
        .ok()
        .flatten()
}

/// Keeps `value` for the rest of the scope (nothing outside one).
fn keep<T>(slot: fn(&mut Memo) -> &mut Option<T>, value: T) {
    let _ = MEMO.try_with(|m| *slot(&mut m.borrow_mut()) = Some(value));
}

/// The scope's `slot`, read with `load` the first time.
pub(crate) async fn remembered<T: Clone, E>(
    slot: fn(&mut Memo) -> &mut Option<T>,
    load: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    if let Some(known) = recall(slot) {
        return Ok(known);
    }
    let found = load.await?;
    keep(slot, found.clone());
    Ok(found)
}
