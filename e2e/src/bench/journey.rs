//! The nurture-journey dataset: one active journey, wait (1 day) → branch (score above
//! [`SCORE_POINTS`]) → add a tag or exit, and every live lead enrolled in it, sitting in the
//! wait with the wait over and its next step due. Written straight into the database as
//! the server's journey runtime leaves an enrolment after its first step (see
//! `backend/src/domain/journeys.rs`): the `enrollments` row at the wait node with
//! `wait_until` set, the `journey_steps` row of step 1 (entering the wait), the step-1 job
//! done and the step-2 job (`journey_step`, `{enrollmentId, step: 2}`) due at the end of
//! the wait. The enrolment's `journey_enrolled` timeline event is not written: the step
//! never reads it.
//!
//! Also the set-based SQL that moves the same enrolments past the branch, the baseline the
//! server's advance is compared with.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use leadflow_shared::journey::{
    Action, Condition, Effect, EnrolmentState, JourneyDefinition, Node, Position, Trigger, Wait,
};
use leadflow_shared::LeadStage;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait, Value};
use serde_json::json;
use uuid::Uuid;

use super::store::{insert_sql, placeholders};

/// The wait node: one day.
pub const WAIT: &str = "wait-1d";
/// The branch: total score above [`SCORE_POINTS`].
pub const BRANCH: &str = "score-above-40";
/// The branch's yes path: tags the lead, then the journey ends.
pub const HOT: &str = "tag-hot";
/// The branch's no path.
pub const EXIT: &str = "exit";
pub const SCORE_POINTS: i32 = 40;
pub const HOT_TAG: &str = "nurture-hot";
const WAIT_MINUTES: u32 = 24 * 60;

/// The journey a marketer would draw for this: enrolled by hand, no email.
pub fn definition() -> JourneyDefinition {
    let node = |id: &str, y: f64, action: Action| Node {
        id: id.to_string(),
        position: Position { x: 40.0, y },
        action,
    };
    let next = |id: &str| Some(id.to_string());
    JourneyDefinition {
        trigger: Trigger::Manual,
        trigger_position: Position { x: 40.0, y: 40.0 },
        start: next(WAIT),
        goal: None,
        nodes: vec![
            node(
                WAIT,
                160.0,
                Action::Wait {
                    wait: Wait::Duration {
                        minutes: WAIT_MINUTES,
                    },
                    next: next(BRANCH),
                },
            ),
            node(
                BRANCH,
                280.0,
                Action::Branch {
                    condition: Condition::ScoreAbove {
                        points: SCORE_POINTS,
                    },
                    yes: next(HOT),
                    no: next(EXIT),
                },
            ),
            node(
                HOT,
                400.0,
                Action::AddTag {
                    tag: HOT_TAG.into(),
                    next: None,
                },
            ),
            node(EXIT, 520.0, Action::Exit),
        ],
    }
}

const ENROLLMENT_COLUMNS: [&str; 14] = [
    "id",
    "journey_id",
    "version_id",
    "lead_id",
    "state",
    "at_node",
    "steps",
    "open_key",
    "left_reason",
    "left_node",
    "left_at",
    "next_at",
    "created_at",
    "updated_at",
];
const STEP_COLUMNS: [&str; 5] = ["enrollment_id", "step", "node", "effects", "at"];
const JOB_COLUMNS: [&str; 10] = [
    "id",
    "kind",
    "payload",
    "run_at",
    "attempts",
    "locked_until",
    "locked_by",
    "done_at",
    "last_error",
    "created_at",
];
/// Leads read and enrolled per round: 2,000 enrolments x 14 columns, 2 jobs x 10 columns per
/// enrolment in two statements, all under SQLite's 32,766 parameters.
const PAGE: usize = 1_000;
/// Rounds per transaction.
const PAGES_PER_TRANSACTION: usize = 10;

/// What [`enrol_all`] wrote.
#[derive(Clone, Copy, Debug, Default)]
pub struct Enrolled {
    pub enrolments: u64,
    pub elapsed: Duration,
}

/// Enrols every live lead in `version_id` of `journey_id`, each one sitting in the wait
/// whose end has passed (between 1 and 2 hours ago, as leads enrolled over a day) with its
/// next step's job due.
pub async fn enrol_all(
    db: &DatabaseConnection,
    journey_id: Uuid,
    version_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Enrolled> {
    let backend = db.get_database_backend();
    let started = Instant::now();
    let wait = chrono::Duration::minutes(i64::from(WAIT_MINUTES));
    let first_enrolled = now - wait - chrono::Duration::hours(2);
    let entered = serde_json::to_value(vec![Effect::Entered { node: WAIT.into() }])?;
    let mut enrolled = Enrolled::default();
    let mut after: Option<Uuid> = None;
    let mut txn = db.begin().await?;
    let mut pages = 0;
    loop {
        let rows = match after {
            None => {
                txn.query_all_raw(Statement::from_string(
                    backend,
                    format!("SELECT id, stage FROM leads WHERE merged_into IS NULL ORDER BY id LIMIT {PAGE}"),
                ))
                .await?
            }
            Some(last) => {
                txn.query_all_raw(Statement::from_sql_and_values(
                    backend,
                    placeholders(
                        backend,
                        &format!("SELECT id, stage FROM leads WHERE merged_into IS NULL AND id > ? ORDER BY id LIMIT {PAGE}"),
                    ),
                    [last.into()],
                ))
                .await?
            }
        };
        if rows.is_empty() {
            break;
        }
        let mut enrolments = Vec::with_capacity(rows.len() * ENROLLMENT_COLUMNS.len());
        let mut steps = Vec::with_capacity(rows.len() * STEP_COLUMNS.len());
        let mut jobs = Vec::with_capacity(rows.len() * 2 * JOB_COLUMNS.len());
        for row in &rows {
            let lead_id: Uuid = row.try_get("", "id")?;
            let stage: String = row.try_get("", "stage")?;
            after = Some(lead_id);
            // Enrolled one second after another over an hour, so the waits end over an hour.
            let at =
                first_enrolled + chrono::Duration::seconds((enrolled.enrolments % 3_600) as i64);
            let until = at + wait;
            let id = Uuid::now_v7();
            let state = EnrolmentState {
                at: Some(WAIT.into()),
                wait_until: Some(until),
                last_email: None,
                entered_stage: LeadStage::parse(&stage),
                steps: 1,
                left: None,
            };
            enrolments.extend::<[Value; 14]>([
                id.into(),
                journey_id.into(),
                version_id.into(),
                lead_id.into(),
                serde_json::to_value(&state)?.into(),
                Some(WAIT.to_string()).into(),
                1i32.into(),
                Some(format!("{}:{}", journey_id.simple(), lead_id.simple())).into(),
                None::<String>.into(),
                None::<String>.into(),
                None::<DateTime<Utc>>.into(),
                Some(until).into(),
                at.into(),
                at.into(),
            ]);
            steps.extend::<[Value; 5]>([
                id.into(),
                1i32.into(),
                Some(WAIT.to_string()).into(),
                entered.clone().into(),
                at.into(),
            ]);
            // Step 1 ran at enrolment and is done; step 2 is due when the wait ends.
            for (step, run_at, done) in [(1, at, Some(at)), (2, until, None)] {
                jobs.extend::<[Value; 10]>([
                    Uuid::now_v7().into(),
                    "journey_step".into(),
                    json!({ "enrollmentId": id, "step": step }).into(),
                    run_at.into(),
                    i32::from(done.is_some()).into(),
                    None::<DateTime<Utc>>.into(),
                    None::<Uuid>.into(),
                    done.into(),
                    None::<String>.into(),
                    at.into(),
                ]);
            }
            enrolled.enrolments += 1;
        }
        let n = rows.len();
        for (table, columns, values, rows) in [
            ("enrollments", &ENROLLMENT_COLUMNS[..], enrolments, n),
            ("journey_steps", &STEP_COLUMNS[..], steps, n),
            ("jobs", &JOB_COLUMNS[..], jobs, 2 * n),
        ] {
            txn.execute_raw(Statement::from_sql_and_values(
                backend,
                insert_sql(backend, table, columns, rows),
                values,
            ))
            .await
            .with_context(|| format!("inserting {table}"))?;
        }
        pages += 1;
        if pages % PAGES_PER_TRANSACTION == 0 {
            txn.commit().await?;
            txn = db.begin().await?;
        }
        if enrolled.enrolments.is_multiple_of(100_000) {
            println!(
                "[journey] {} enrolments, {:.1} s",
                enrolled.enrolments,
                started.elapsed().as_secs_f64()
            );
        }
        if n < PAGE {
            break;
        }
    }
    txn.commit().await?;
    enrolled.elapsed = started.elapsed();
    Ok(enrolled)
}

/// Enrolments of `version_id` still in the wait, and at the branch.
pub async fn before_branch(db: &DatabaseConnection, version_id: Uuid) -> Result<(u64, u64)> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                &format!(
                    "SELECT COALESCE(SUM(CASE WHEN at_node = '{WAIT}' THEN 1 ELSE 0 END), 0) AS waiting, \
                     COALESCE(SUM(CASE WHEN at_node = '{BRANCH}' THEN 1 ELSE 0 END), 0) AS branching \
                     FROM enrollments WHERE version_id = ? AND at_node IN ('{WAIT}', '{BRANCH}')"
                ),
            ),
            [version_id.into()],
        ))
        .await?
        .context("no count")?;
    Ok((
        row.try_get::<i64>("", "waiting")? as u64,
        row.try_get::<i64>("", "branching")? as u64,
    ))
}

/// Where the enrolments of `version_id` are: (node or leave reason, count).
pub async fn positions(db: &DatabaseConnection, version_id: Uuid) -> Result<Vec<(String, u64)>> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "SELECT COALESCE(at_node, left_reason || ' from ' || left_node, '-') AS at, COUNT(*) AS n \
                 FROM enrollments WHERE version_id = ? GROUP BY 1 ORDER BY 1",
            ),
            [version_id.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("", "at")?, r.try_get::<i64>("", "n")? as u64)))
        .collect()
}

/// The baseline: the same enrolments moved past the branch by hand-written set-based SQL in
/// one transaction — both steps' `journey_steps` rows (numbered after whatever the
/// enrolment has taken, so it runs on any state), and one `UPDATE` of every enrolment to
/// the node its score picks, with its state. No jobs, no per-lead reads.
pub async fn set_based_advance(
    db: &DatabaseConnection,
    version_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Duration> {
    let backend = db.get_database_backend();
    let entered = serde_json::to_string(&vec![Effect::Entered {
        node: BRANCH.into(),
    }])?;
    let pick = format!(
        "CASE WHEN (SELECT total_score FROM leads WHERE leads.id = enrollments.lead_id) > {SCORE_POINTS} THEN '{HOT}' ELSE '{EXIT}' END"
    );
    let state = match backend {
        DbBackend::Postgres => format!(
            "(state::jsonb || jsonb_build_object('at', {pick}, 'wait_until', NULL, 'steps', steps + 2))::json"
        ),
        _ => format!("json_set(state, '$.at', {pick}, '$.wait_until', NULL, '$.steps', steps + 2)"),
    };
    let json = |text: &str| match backend {
        DbBackend::Postgres => format!("'{text}'::json"),
        _ => format!("'{text}'"),
    };
    let statements = [
        format!(
            "INSERT INTO journey_steps (enrollment_id, step, node, effects, at) \
             SELECT id, steps + 1, NULL, {}, ? FROM enrollments WHERE version_id = ?",
            json("[]")
        ),
        format!(
            "INSERT INTO journey_steps (enrollment_id, step, node, effects, at) \
             SELECT id, steps + 2, '{BRANCH}', {}, ? FROM enrollments WHERE version_id = ?",
            json(&entered)
        ),
        format!(
            "UPDATE enrollments SET state = {state}, at_node = {pick}, steps = steps + 2, \
             next_at = ?, updated_at = ? WHERE version_id = ?"
        ),
    ];
    let began = Instant::now();
    let txn = db.begin().await?;
    for (i, sql) in statements.iter().enumerate() {
        let values: Vec<Value> = if i < 2 {
            vec![now.into(), version_id.into()]
        } else {
            vec![now.into(), now.into(), version_id.into()]
        };
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, sql),
            values,
        ))
        .await
        .with_context(|| format!("baseline statement {}", i + 1))?;
    }
    txn.commit().await?;
    Ok(began.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journey_is_one_the_server_would_activate() {
        assert_eq!(definition().validate(&[]), vec![]);
    }
}
