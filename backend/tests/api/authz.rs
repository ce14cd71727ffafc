//! The authorization matrix: who may call which root field, pinned down field by field.
//!
//! `MATRIX` lists every root field of Query, Mutation and Subscription with a minimal
//! operation and the expected outcome for each caller. The expectations come from the
//! guards on the resolvers (`graphql/guards.rs`: `RoleGuard`, `AccessGuard`) and from
//! the checks a resolver makes before touching data (the feed's scope check).
//!
//! - `schema_and_matrix_list_the_same_root_fields` fails when the schema gains a root
//!   field without a row, or a row names a field that is gone: a new operation cannot
//!   ship without someone deciding who may call it.
//! - `every_root_field_allows_and_denies_as_the_matrix_says` runs every row for every
//!   caller: queries and mutations over HTTP, subscriptions over a real WebSocket.
//! - `row_level_visibility_follows_ownership_and_teams` checks what the allowed callers
//!   then see: reps their own leads and the pool, managers their teams', admins,
//!   marketers and `leads:read` keys everything — through `lead`, `leads`, the CSV
//!   export, bulk mutations, `assignmentFeed` and `assignmentEvents`.
//! - `a_deactivated_users_socket_is_closed`: a WebSocket does not outlive its user's
//!   access.
//!
//! Questionable policy is marked `SUSPICIOUS:` where it stands today.
//!
//! Allow means no top-level UNAUTHENTICATED/FORBIDDEN error (a userError, NOT_FOUND or
//! null is fine: guards run before the resolver body). Deny means such an error.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use futures_util::{stream, SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{spawn_app, TestApp};
use crate::subscriptions::{next_message, open, Socket};

// ---------------------------------------------------------------------------------
// Callers and outcomes
// ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Caller {
    Anonymous,
    Rep,
    Manager,
    Marketer,
    Admin,
    /// An API key with only `capture`.
    KeyCapture,
    /// An API key with only `leads:read`.
    KeyLeadsRead,
    /// An API key with only `leads:write`.
    KeyLeadsWrite,
    /// An API key with only `assignments:subscribe`.
    KeyAssignmentsSubscribe,
}

/// The columns of every row, in this order.
const CALLERS: [Caller; 9] = [
    Caller::Anonymous,
    Caller::Rep,
    Caller::Manager,
    Caller::Marketer,
    Caller::Admin,
    Caller::KeyCapture,
    Caller::KeyLeadsRead,
    Caller::KeyLeadsWrite,
    Caller::KeyAssignmentsSubscribe,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Allow,
    Deny,
}

const A: Outcome = Outcome::Allow;
const D: Outcome = Outcome::Deny;

type Expect = [Outcome; 9];

// The policies the guards express: one outcome per caller, in CALLERS order —
// [anonymous, rep, manager, marketer, admin,
//  capture key, leads:read key, leads:write key, assignments:subscribe key].
/// No guard: sign-in itself.
const PUBLIC: Expect = [A, A, A, A, A, A, A, A, A];
/// `RoleGuard::any_user()`.
const ANY_USER: Expect = [D, A, A, A, A, D, D, D, D];
/// `RoleGuard::admin()`.
const ADMIN: Expect = [D, D, D, D, A, D, D, D, D];
/// `RoleGuard::admin_or_manager()`.
const ADMIN_MANAGER: Expect = [D, D, A, D, A, D, D, D, D];
/// Admin + marketer: forms, campaigns, scoring, routing rules (`DESIGNERS`, `MARKETING`).
const DESIGNERS: Expect = [D, D, D, A, A, D, D, D, D];
/// Admin + manager + marketer: imports (`IMPORTERS`), reading routing rules (`READERS`).
const IMPORTERS: Expect = [D, D, A, A, A, D, D, D, D];
const READERS: Expect = IMPORTERS;
/// Admin + manager + rep: the claim pool (`CLAIMERS`).
const CLAIMERS: Expect = [D, A, A, D, A, D, D, D, D];
/// Every role, deals (`SELLERS` in graphql/pipeline.rs; it includes marketers).
const SELLERS: Expect = ANY_USER;
/// Who works deals: reps, managers and admins.
const DEAL_WORKERS: Expect = CLAIMERS;
/// `AccessGuard::users_or_key(ApiScope::Capture)`.
const USERS_OR_CAPTURE_KEY: Expect = [D, A, A, A, A, A, D, D, D];
/// `AccessGuard::users_or_key(ApiScope::LeadsRead)`.
const USERS_OR_READ_KEY: Expect = [D, A, A, A, A, D, A, D, D];
/// `AccessGuard::users_or_key(ApiScope::LeadsWrite)`.
const USERS_OR_WRITE_KEY: Expect = [D, A, A, A, A, D, D, A, D];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Op {
    Query,
    Mutation,
    Subscription,
}

struct Row {
    op: Op,
    /// The root field the row is about; a field may have several rows (variants).
    field: &'static str,
    /// The operation; `NOID` stands for an id that names nothing.
    doc: &'static str,
    expect: Expect,
}

const fn q(field: &'static str, doc: &'static str, expect: Expect) -> Row {
    Row {
        op: Op::Query,
        field,
        doc,
        expect,
    }
}

const fn m(field: &'static str, doc: &'static str, expect: Expect) -> Row {
    Row {
        op: Op::Mutation,
        field,
        doc,
        expect,
    }
}

const fn s(field: &'static str, doc: &'static str, expect: Expect) -> Row {
    Row {
        op: Op::Subscription,
        field,
        doc,
        expect,
    }
}

/// An id that names nothing: mutations on it reach the resolver and fail there with a
/// userError, so no row changes state another row depends on.
const NOID: &str = "0a0a0a0a-0000-4000-8000-00000000a7a7";
const LOGIN_EMAIL: &str = "login@authz.test";

// ---------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------

#[rustfmt::skip]
const MATRIX: &[Row] = &[
    // Each row: the field, its operation, and one outcome per caller in CALLERS order,
    // mostly through the named policies above (each spelled out column by column).
    // ---- Query ----------------------------------------------------------------
    q("me", "query { me { id } }", ANY_USER),
    q("users", "query { users(first: 1) { totalCount } }", ADMIN_MANAGER),
    q("teams", "query { teams { id } }", ANY_USER),
    q("apiKeys", "query { apiKeys { id } }", ADMIN),
    q("leads", "query { leads(first: 1) { totalCount } }", USERS_OR_READ_KEY),
    q("lead", r#"query { lead(id: "NOID") { id } }"#, USERS_OR_READ_KEY),
    q("forms", "query { forms { id } }", DESIGNERS),
    q("importPreview", r#"query { importPreview(uploadId: "NOID") { fileName } }"#, IMPORTERS),
    q("importJob", r#"query { importJob(id: "NOID") { id } }"#, IMPORTERS),
    q("importJobs", "query { importJobs(first: 1) { id } }", IMPORTERS),
    q("myTasks", "query { myTasks(first: 1) { id } }", ANY_USER),
    q("campaigns", "query { campaigns { id } }", ANY_USER),
    q("leadDuplicates", "query { leadDuplicates(first: 1) { reason } }", ANY_USER),
    q("scoringModels", "query { scoringModels { id } }", DESIGNERS),
    q("activeScoringModel", "query { activeScoringModel { id } }", ANY_USER),
    q("scoringSample", "query { scoringSample(size: 1) { leadId } }", DESIGNERS),
    q("rescoreRun", r#"query { rescoreRun(id: "NOID") { id } }"#, DESIGNERS),
    q("predictiveModel", "query { predictiveModel { ready } }", DESIGNERS),
    q("routingConfig", "query { routingConfig { version } }", READERS),
    q("routingSimulationData", "query { routingSimulationData(days: 1) { days } }", READERS),
    q("poolClaimStatus", "query { poolClaimStatus { remaining } }", CLAIMERS),
    q("slaPolicies", "query { slaPolicies { id } }", ADMIN_MANAGER),
    // Guard: any user; then the scope check: MINE anyone, TEAM managers and admins,
    // ALL admins and marketers.
    q("assignmentFeed", "query { assignmentFeed(scope: MINE, first: 1) { cursor } }", ANY_USER),
    q("assignmentFeed", "query { assignmentFeed(scope: TEAM, first: 1) { cursor } }", ADMIN_MANAGER),
    // SUSPICIOUS: marketers may read ALL; the docs (schema comment, notes) and the
    // refusal message ("only admins follow every assignment") say admins only.
    q("assignmentFeed", "query { assignmentFeed(scope: ALL, first: 1) { cursor } }", DESIGNERS),
    q("notifications", "query { notifications(first: 1) { unreadCount } }", ANY_USER),
    q("pipelines", "query { pipelines { id } }", SELLERS),
    q("pipelineBoard", "query { pipelineBoard(perColumn: 1) { openAmount } }", SELLERS),
    q("pipelineColumn", r#"query { pipelineColumn(stageId: "NOID", first: 1) { id } }"#, SELLERS),
    q("opportunity", r#"query { opportunity(id: "NOID") { id } }"#, SELLERS),
    q("lifecycleSettings", "query { lifecycleSettings { bantRequired } }", ANY_USER),
    q("analytics", r#"query { analytics(filter: { from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" }) { userErrors { code } report { funnel { steps { count } } } } }"#, USERS_OR_READ_KEY),
    // Journeys and their email templates: admins and marketers; managers and reps see
    // what journeys did on a lead's timeline only.
    q("journeys", "query { journeys { id } }", DESIGNERS),
    q("journey", r#"query { journey(id: "NOID") { id } }"#, DESIGNERS),
    q("emailTemplates", "query { emailTemplates { id } }", DESIGNERS),
    q("emailTemplatePreview", r#"query { emailTemplatePreview(subject: "s", body: "b") { userErrors { code } } }"#, DESIGNERS),

    // ---- Mutation -------------------------------------------------------------
    m("login", r#"mutation { login(input: { email: "login@authz.test", password: "rep-password-123" }) { userErrors { code } } }"#, PUBLIC),
    m("refreshSession", r#"mutation { refreshSession(input: { refreshToken: "not-a-refresh-token" }) { userErrors { code } } }"#, PUBLIC),
    m("logout", r#"mutation { logout(input: { refreshToken: "not-a-refresh-token" }) { loggedOut } }"#, PUBLIC),
    m("userCreate", r#"mutation { userCreate(input: { email: "new@authz.test", name: "New", password: "new-password-123", role: REP }) { userErrors { code } } }"#, ADMIN),
    m("userUpdate", r#"mutation { userUpdate(input: { id: "NOID", name: "X" }) { userErrors { code } } }"#, ADMIN),
    m("userDeactivate", r#"mutation { userDeactivate(input: { id: "NOID" }) { userErrors { code } } }"#, ADMIN),
    m("userReactivate", r#"mutation { userReactivate(input: { id: "NOID" }) { userErrors { code } } }"#, ADMIN),
    m("teamCreate", r#"mutation { teamCreate(input: { name: "Authz team" }) { userErrors { code } } }"#, ADMIN),
    m("teamUpdate", r#"mutation { teamUpdate(input: { id: "NOID", name: "X" }) { userErrors { code } } }"#, ADMIN),
    m("apiKeyCreate", r#"mutation { apiKeyCreate(input: { name: "authz", scopes: [CAPTURE] }) { userErrors { code } } }"#, ADMIN),
    m("apiKeyRevoke", r#"mutation { apiKeyRevoke(input: { id: "NOID" }) { userErrors { code } } }"#, ADMIN),
    m("leadCapture", r#"mutation { leadCapture(input: { personName: "Matrix Lead", email: "matrix@authz.test" }) { userErrors { code } } }"#, USERS_OR_CAPTURE_KEY),
    m("formCreate", r#"mutation { formCreate(input: { name: "authz", fields: [{ name: "personName", label: "Name", required: true }] }) { userErrors { code } } }"#, DESIGNERS),
    m("formUpdate", r#"mutation { formUpdate(input: { id: "NOID", name: "authz", fields: [{ name: "personName", label: "Name", required: true }], active: true }) { userErrors { code } } }"#, DESIGNERS),
    m("importStart", r#"mutation { importStart(input: { uploadId: "NOID", mapping: [{ column: 0, field: "personName" }] }) { userErrors { code } } }"#, IMPORTERS),
    m("leadLogActivity", r#"mutation { leadLogActivity(input: { leadId: "NOID", kind: NOTE, note: "x" }) { userErrors { code } } }"#, ANY_USER),
    m("leadUpdate", r#"mutation { leadUpdate(input: { id: "NOID", version: 1, personName: "X" }) { userErrors { code } } }"#, USERS_OR_WRITE_KEY),
    m("taskCreate", r#"mutation { taskCreate(input: { leadId: "NOID", title: "x", dueAt: "2030-01-01T00:00:00Z" }) { userErrors { code } } }"#, ANY_USER),
    m("taskComplete", r#"mutation { taskComplete(input: { id: "NOID" }) { userErrors { code } } }"#, ANY_USER),
    m("leadTrackEvent", r#"mutation { leadTrackEvent(input: { leadId: "NOID", kind: DOWNLOAD, name: "x" }) { userErrors { code } } }"#, USERS_OR_CAPTURE_KEY),
    m("campaignCreate", r#"mutation { campaignCreate(input: { name: "authz", channel: API, cost: "1" }) { userErrors { code } } }"#, DESIGNERS),
    m("campaignUpdate", r#"mutation { campaignUpdate(id: "NOID", input: { name: "authz", channel: API, cost: "1" }) { userErrors { code } } }"#, DESIGNERS),
    m("leadMerge", r#"mutation { leadMerge(input: { survivorId: "NOID", mergedIds: ["0a0a0a0a-0000-4000-8000-00000000b8b8"] }) { userErrors { code } } }"#, ANY_USER),
    m("leadsAssign", r#"mutation { leadsAssign(input: { leadIds: ["NOID"] }) { userErrors { code } } }"#, ADMIN_MANAGER),
    m("leadsTag", r#"mutation { leadsTag(input: { leadIds: ["NOID"], add: ["x"] }) { userErrors { code } } }"#, ANY_USER),
    m("leadsMoveStage", r#"mutation { leadsMoveStage(input: { leadIds: ["NOID"], stage: MQL }) { userErrors { code } } }"#, ANY_USER),
    m("scoringModelSaveDraft", r#"mutation { scoringModelSaveDraft(input: { definition: { nonsense: true } }) { userErrors { code } } }"#, DESIGNERS),
    m("scoringModelActivate", r#"mutation { scoringModelActivate(input: { id: "NOID" }) { userErrors { code } } }"#, DESIGNERS),
    m("predictiveModelTrain", "mutation { predictiveModelTrain { userErrors { code } } }", ADMIN),
    m("routingConfigSave", r#"mutation { routingConfigSave(input: { rules: { rules: "not rules" }, trigger: ON_CAPTURE }) { userErrors { code } } }"#, DESIGNERS),
    m("leadClaim", r#"mutation { leadClaim(input: { leadId: "NOID" }) { userErrors { code } } }"#, CLAIMERS),
    m("userSetAway", r#"mutation { userSetAway(input: { userId: "NOID", away: false }) { userErrors { code } } }"#, ANY_USER),
    m("slaPolicySave", r#"mutation { slaPolicySave(input: { name: "x", workingHours: "not a calendar", remindAfterMinutes: 1, escalateAfterMinutes: 2, recycleAfterMinutes: 3, recycleAction: POOL }) { userErrors { code } } }"#, ADMIN),
    m("slaPolicyDelete", r#"mutation { slaPolicyDelete(input: { id: "NOID" }) { userErrors { code } } }"#, ADMIN),
    m("notificationsMarkRead", "mutation { notificationsMarkRead(input: { all: true }) { unreadCount } }", ANY_USER),
    // Marketers read the pipeline; reps, managers and admins work the deals.
    m("leadConvert", r#"mutation { leadConvert(input: { leadId: "NOID", leadVersion: 1, amount: "1" }) { userErrors { code } } }"#, DEAL_WORKERS),
    m("opportunityMove", r#"mutation { opportunityMove(input: { id: "NOID", stageId: "NOID", version: 1 }) { userErrors { code } } }"#, DEAL_WORKERS),
    m("opportunityUpdate", r#"mutation { opportunityUpdate(input: { id: "NOID", version: 1, name: "x" }) { userErrors { code } } }"#, DEAL_WORKERS),
    m("leadSetBant", r#"mutation { leadSetBant(input: { leadId: "NOID", version: 1, budget: "x" }) { userErrors { code } } }"#, DEAL_WORKERS),
    m("lifecycleSettingsSave", "mutation { lifecycleSettingsSave(input: { bantRequired: false, lostReasons: [] }) { userErrors { code } } }", ADMIN),
    m("pipelineSave", r#"mutation { pipelineSave(input: { name: "authz", stages: [] }) { userErrors { code } } }"#, ADMIN),

    m("journeyCreate", r#"mutation { journeyCreate(input: { name: "authz", definition: { trigger: { type: "MANUAL" }, start: null, nodes: [] } }) { userErrors { code } } }"#, DESIGNERS),
    m("journeyCreateReactivation", r#"mutation { journeyCreateReactivation(input: { name: "authz", inactiveDays: 30 }) { userErrors { code } } }"#, DESIGNERS),
    m("journeySaveDraft", r#"mutation { journeySaveDraft(input: { id: "NOID", definition: { trigger: { type: "MANUAL" }, start: null, nodes: [] } }) { userErrors { code } } }"#, DESIGNERS),
    m("journeyActivate", r#"mutation { journeyActivate(input: { id: "NOID" }) { userErrors { code } } }"#, DESIGNERS),
    m("journeyPause", r#"mutation { journeyPause(input: { id: "NOID" }) { userErrors { code } } }"#, DESIGNERS),
    m("journeyResume", r#"mutation { journeyResume(input: { id: "NOID" }) { userErrors { code } } }"#, DESIGNERS),
    m("journeyEnrol", r#"mutation { journeyEnrol(input: { journeyId: "NOID", leadIds: ["NOID"] }) { userErrors { code } } }"#, DESIGNERS),
    m("emailTemplateCreate", r#"mutation { emailTemplateCreate(input: { name: "authz", subject: "Hi {{name}}", body: "Hello" }) { userErrors { code } } }"#, DESIGNERS),
    m("emailTemplateUpdate", r#"mutation { emailTemplateUpdate(input: { id: "NOID", name: "authz", subject: "s", body: "b" }) { userErrors { code } } }"#, DESIGNERS),
    m("emailTemplateDelete", r#"mutation { emailTemplateDelete(input: { id: "NOID" }) { userErrors { code } } }"#, DESIGNERS),
    m("emailTemplateTestSend", r#"mutation { emailTemplateTestSend(input: { id: "NOID", to: "a@example.com" }) { userErrors { code } } }"#, DESIGNERS),
    // ---- Subscription -----------------------------------------------------------
    s("userChanges", "subscription { userChanges { kind } }", ADMIN_MANAGER),
    s("importProgress", r#"subscription { importProgress(id: "NOID") { importJob { id } } }"#, IMPORTERS),
    s("rescoreProgress", r#"subscription { rescoreProgress(runId: "NOID") { id } }"#, DESIGNERS),
    // A key with `assignments:subscribe` follows the ALL feed only.
    //                                                                                  anon rep mgr mkt adm  cap read write subscribe
    s("assignmentEvents", "subscription { assignmentEvents(scope: MINE) { cursor } }", [D,   A,  A,  A,  A,   D,  D,   D,    D]),
    s("assignmentEvents", "subscription { assignmentEvents(scope: TEAM) { cursor } }", ADMIN_MANAGER),
    // Marketers see every lead, so they may follow ALL (see assignmentFeed above).
    s("assignmentEvents", "subscription { assignmentEvents(scope: ALL) { cursor } }",  [D,   D,  D,  A,  A,   D,  D,   D,    A]),
    s("notifications", "subscription { notifications { id } }", ANY_USER),
    s("pipelineEvents", r#"subscription { pipelineEvents(pipelineId: "NOID") { id } }"#, SELLERS),
];

// ---------------------------------------------------------------------------------
// Completeness
// ---------------------------------------------------------------------------------

/// The field names of `type <name> { ... }` in `sdl`, skipping descriptions and
/// multi-line argument lists.
fn root_fields(sdl: &str, type_name: &str) -> BTreeSet<String> {
    let header = format!("type {type_name} {{");
    let mut lines = sdl.lines().skip_while(|l| l.trim() != header);
    assert!(
        lines.next().is_some(),
        "the SDL has no `{header}` block:\n{sdl}"
    );
    let mut fields = BTreeSet::new();
    let mut in_description = false;
    let mut paren_depth = 0usize;
    for line in lines {
        let t = line.trim();
        if t == "}" && !in_description && paren_depth == 0 {
            break;
        }
        if in_description {
            if t.ends_with("\"\"\"") {
                in_description = false;
            }
            continue;
        }
        if let Some(rest) = t.strip_prefix("\"\"\"") {
            // `"""text"""` on one line, or the start of a block.
            in_description = !(rest.len() >= 3 && rest.ends_with("\"\"\""));
            continue;
        }
        if t.starts_with('"') || t.starts_with('#') || t.is_empty() {
            continue;
        }
        if paren_depth == 0 {
            let name: String = t
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                fields.insert(name);
            }
        }
        paren_depth += t.matches('(').count();
        paren_depth = paren_depth.saturating_sub(t.matches(')').count());
    }
    fields
}

/// The root operation type names from the `schema { ... }` block, or the defaults.
fn root_type_names(sdl: &str) -> BTreeMap<Op, String> {
    let mut names = BTreeMap::from([
        (Op::Query, "Query".to_string()),
        (Op::Mutation, "Mutation".to_string()),
        (Op::Subscription, "Subscription".to_string()),
    ]);
    let block = sdl
        .lines()
        .skip_while(|l| l.trim() != "schema {")
        .skip(1)
        .take_while(|l| l.trim() != "}");
    for line in block {
        if let Some((op, name)) = line.trim().split_once(':') {
            let op = match op.trim() {
                "query" => Op::Query,
                "mutation" => Op::Mutation,
                "subscription" => Op::Subscription,
                _ => continue,
            };
            names.insert(op, name.trim().to_string());
        }
    }
    names
}

#[test]
fn schema_and_matrix_list_the_same_root_fields() {
    let sdl = leadflow::graphql::sdl();
    let mut problems = Vec::new();
    for (op, type_name) in root_type_names(&sdl) {
        let in_schema = root_fields(&sdl, &type_name);
        assert!(!in_schema.is_empty(), "no fields found in type {type_name}");
        let in_matrix: BTreeSet<String> = MATRIX
            .iter()
            .filter(|r| r.op == op)
            .map(|r| r.field.to_string())
            .collect();
        for missing in in_schema.difference(&in_matrix) {
            problems.push(format!(
                "{type_name}.{missing} has no row in authz::MATRIX: decide who may call it"
            ));
        }
        for gone in in_matrix.difference(&in_schema) {
            problems.push(format!(
                "authz::MATRIX has a row for {type_name}.{gone}, which the schema no longer has"
            ));
        }
    }
    for row in MATRIX {
        let keyword = match row.op {
            Op::Query => "query",
            Op::Mutation => "mutation",
            Op::Subscription => "subscription",
        };
        let selects_field = row
            .doc
            .strip_prefix(keyword)
            .and_then(|rest| rest.trim_start().strip_prefix('{'))
            .is_some_and(|rest| rest.trim_start().starts_with(row.field));
        if !selects_field {
            problems.push(format!(
                "the row for {} does not run `{keyword} {{ {} ... }}`: {}",
                row.field, row.field, row.doc
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_sdl_parser_skips_descriptions_and_arguments() {
    let sdl = "type Query {\n\t\"\"\"\n\tA field: with a colon.\n\t}\n\t\"\"\"\n\tone: Int\n\t\"\"\"Short.\"\"\"\n\ttwo(\n\t\ta: Int\n\t\tb: Int\n\t): Int\n}\ntype Other {\n\tthree: Int\n}\n";
    assert_eq!(
        root_fields(sdl, "Query"),
        BTreeSet::from(["one".to_string(), "two".to_string()])
    );
}

// ---------------------------------------------------------------------------------
// Execution
// ---------------------------------------------------------------------------------

/// The codes of the top-level errors that decide an outcome.
const DENIED: [&str; 2] = ["UNAUTHENTICATED", "FORBIDDEN"];

/// An observed outcome, with the refusal's code; `Err` when the row tested nothing.
type Verdict = Result<(Outcome, Option<String>), String>;

/// Allow or Deny from a response's errors; `Err` when an error carries no code (the
/// document itself is invalid, so the row tests nothing).
fn classify(errors: &[Value]) -> Verdict {
    for e in errors {
        match e["extensions"]["code"].as_str() {
            Some(code) if DENIED.contains(&code) => {
                return Ok((Outcome::Deny, Some(code.to_string())));
            }
            Some(_) => {}
            None => return Err(format!("an error without a code (invalid document?): {e}")),
        }
    }
    Ok((Outcome::Allow, None))
}

struct Callers {
    tokens: BTreeMap<Caller, String>,
}

impl Callers {
    fn token(&self, caller: Caller) -> Option<&str> {
        self.tokens.get(&caller).map(String::as_str)
    }
}

async fn create_key(app: &TestApp, admin: &str, scope: &str) -> String {
    let body = app
        .gql(
            Some(admin),
            "mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { secret userErrors { message } } }",
            json!({ "input": { "name": format!("authz {scope}"), "scopes": [scope] } }),
        )
        .await;
    body["data"]["apiKeyCreate"]["secret"]
        .as_str()
        .unwrap_or_else(|| panic!("key with {scope}: {body}"))
        .to_string()
}

async fn matrix_callers(app: &TestApp) -> Callers {
    let admin = app.admin_token().await;
    let mut tokens = BTreeMap::new();
    for (caller, email, role) in [
        (Caller::Rep, "rep@authz.test", "REP"),
        (Caller::Manager, "manager@authz.test", "MANAGER"),
        (Caller::Marketer, "marketer@authz.test", "MARKETER"),
    ] {
        app.create_user(&admin, email, role, None).await;
        tokens.insert(caller, app.user_token(email).await);
    }
    app.create_user(&admin, LOGIN_EMAIL, "REP", None).await;
    for (caller, scope) in [
        (Caller::KeyCapture, "CAPTURE"),
        (Caller::KeyLeadsRead, "LEADS_READ"),
        (Caller::KeyLeadsWrite, "LEADS_WRITE"),
        (Caller::KeyAssignmentsSubscribe, "ASSIGNMENTS_SUBSCRIBE"),
    ] {
        tokens.insert(caller, create_key(app, &admin, scope).await);
    }
    tokens.insert(Caller::Admin, admin);
    Callers { tokens }
}

/// Opens a socket as `token` (none: anonymous) and starts `doc` on it.
async fn ws_subscribe(app: &TestApp, token: Option<&str>, doc: &str, variables: Value) -> Socket {
    let init = match token {
        Some(t) => json!({ "authorization": format!("Bearer {t}") }),
        None => json!({}),
    };
    let mut socket = open(app, init).await;
    let ack = next_message(&mut socket, Duration::from_secs(5))
        .await
        .expect("the server answers connection_init")
        .expect("the socket stays open");
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    socket
        .send(Message::Text(
            json!({ "id": "1", "type": "subscribe", "payload": { "query": doc, "variables": variables } })
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    socket
}

/// The errors in a graphql-transport-ws message (`next` with errors, or `error`).
fn ws_errors(msg: &Value) -> Vec<Value> {
    match msg["type"].as_str() {
        Some("error") => msg["payload"].as_array().cloned().unwrap_or_default(),
        _ => msg["payload"]["errors"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    }
}

/// How long an allowed subscription must stay free of auth errors. A refusal comes at
/// once (the guard runs when the stream is created); rows expected to be refused wait
/// longer, so a slow machine fails loudly rather than passing.
const ALLOW_WINDOW: Duration = Duration::from_millis(400);
const DENY_WINDOW: Duration = Duration::from_secs(5);

async fn run_subscription(
    app: &TestApp,
    token: Option<&str>,
    doc: &str,
    expected: Outcome,
) -> Verdict {
    let mut socket = ws_subscribe(app, token, doc, json!({})).await;
    let wait = match expected {
        Outcome::Allow => ALLOW_WINDOW,
        Outcome::Deny => DENY_WINDOW,
    };
    let deadline = Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok((Outcome::Allow, None));
        }
        match next_message(&mut socket, left).await {
            None => return Ok((Outcome::Allow, None)),
            Some(Err(reason)) => return Err(format!("the server closed the socket: {reason}")),
            Some(Ok(msg)) => {
                let verdict = classify(&ws_errors(&msg))?;
                if verdict.0 == Outcome::Deny {
                    return Ok(verdict);
                }
                if msg["type"] == "complete" {
                    return Ok(verdict);
                }
                // `next` with data: allowed so far; keep listening until the window ends.
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_root_field_allows_and_denies_as_the_matrix_says() {
    let started = Instant::now();
    let app = spawn_app().await;
    let callers = matrix_callers(&app).await;
    let setup = started.elapsed();

    let cells: Vec<(&Row, usize)> = MATRIX
        .iter()
        .flat_map(|row| (0..CALLERS.len()).map(move |col| (row, col)))
        .collect();
    let app = &app;
    let callers = &callers;
    let results: Vec<(&Row, usize, Verdict)> = stream::iter(cells)
        .map(|(row, col)| async move {
            let caller = CALLERS[col];
            let token = callers.token(caller);
            let doc = row.doc.replace("NOID", NOID);
            let verdict = match row.op {
                Op::Query | Op::Mutation => {
                    let body = app.gql(token, &doc, json!({})).await;
                    let errors = body["errors"].as_array().cloned().unwrap_or_default();
                    classify(&errors).map_err(|e| format!("{e}; response {body}"))
                }
                Op::Subscription => run_subscription(app, token, &doc, row.expect[col]).await,
            };
            (row, col, verdict)
        })
        .buffer_unordered(24)
        .collect()
        .await;

    let mut problems = Vec::new();
    for (row, col, verdict) in &results {
        let caller = CALLERS[*col];
        let expected = row.expect[*col];
        match verdict {
            Err(e) => problems.push(format!("{:?} {} as {caller:?}: {e}", row.op, row.doc)),
            Ok((got, code)) => {
                if *got != expected {
                    problems.push(format!(
                        "{:?} {} as {caller:?}: expected {expected:?}, got {got:?} {}",
                        row.op,
                        row.doc,
                        code.as_deref().unwrap_or("")
                    ));
                }
                // Refusals say why: not signed in, or signed in but not allowed.
                let want = match caller {
                    Caller::Anonymous => "UNAUTHENTICATED",
                    _ => "FORBIDDEN",
                };
                if let Some(code) = code {
                    if code != want {
                        problems.push(format!(
                            "{:?} {} as {caller:?}: refused with {code}, expected {want}",
                            row.op, row.doc
                        ));
                    }
                }
            }
        }
    }
    let subscriptions = MATRIX.iter().filter(|r| r.op == Op::Subscription).count();
    eprintln!(
        "authz matrix: {} rows ({} subscription rows) x {} callers = {} checks in {:?} (setup {:?})",
        MATRIX.len(),
        subscriptions,
        CALLERS.len(),
        results.len(),
        started.elapsed(),
        setup
    );
    assert!(
        problems.is_empty(),
        "{} authorization mismatches:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

// ---------------------------------------------------------------------------------
// Row level
// ---------------------------------------------------------------------------------

async fn team_create(app: &TestApp, admin: &str, name: &str, manager: &str) -> String {
    let body = app
        .gql(
            Some(admin),
            "mutation($name: String!, $m: ID) { teamCreate(input: { name: $name, managerId: $m }) { team { id } userErrors { message } } }",
            json!({ "name": name, "m": manager }),
        )
        .await;
    body["data"]["teamCreate"]["team"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("team: {body}"))
        .to_string()
}

const ASSIGN: &str = "mutation($ids: [ID!]!, $owner: ID) {
    leadsAssign(input: { leadIds: $ids, ownerId: $owner }) {
        leads { id owner { id } } userErrors { field code message } } }";

async fn assign(app: &TestApp, token: &str, lead: &str, owner: &str) -> Value {
    let body = app
        .gql(
            Some(token),
            ASSIGN,
            json!({ "ids": [lead], "owner": owner }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["leadsAssign"].clone()
}

async fn owner_of(app: &TestApp, admin: &str, lead: &str) -> Value {
    let body = app
        .gql(
            Some(admin),
            "query($id: ID!) { lead(id: $id) { owner { id } tags } }",
            json!({ "id": lead }),
        )
        .await;
    body["data"]["lead"].clone()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

/// The ids of `leads` the viewer lists.
async fn listed(app: &TestApp, token: &str) -> BTreeSet<String> {
    let body = app
        .gql(
            Some(token),
            "query { leads(first: 200) { totalCount edges { node { id } } } }",
            json!({}),
        )
        .await;
    let edges = body["data"]["leads"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("leads: {body}"));
    let ids: BTreeSet<String> = edges
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        body["data"]["leads"]["totalCount"].as_u64(),
        Some(ids.len() as u64),
        "{body}"
    );
    ids
}

/// The lead ids in `/leads/export.csv` for the viewer, with `?ids=` naming `ids`.
async fn exported(app: &TestApp, token: &str, ids: &[&str]) -> BTreeSet<String> {
    let response = app
        .client
        .get(app.url(&format!("/leads/export.csv?ids={}", ids.join(","))))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap();
    let body = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    csv::Reader::from_reader(body)
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect()
}

const FEED_FIELDS: &str = "cursor assignment { from { id } to { id } } lead { id }";

/// `next` payloads: the first within 10 s, then until one satisfies `done` or the
/// socket stays silent for `quiet`.
async fn collect_events(
    socket: &mut Socket,
    quiet: Duration,
    mut done: impl FnMut(&Value) -> bool,
) -> Vec<Value> {
    let mut out = Vec::new();
    let mut wait = Duration::from_secs(10);
    while let Some(msg) = next_message(socket, wait).await {
        let msg = msg.expect("the socket stays open");
        assert_eq!(msg["type"], "next", "{msg}");
        assert!(msg["payload"]["errors"].is_null(), "{msg}");
        let event = msg["payload"]["data"]["assignmentEvents"].clone();
        let finished = done(&event);
        out.push(event);
        if finished {
            break;
        }
        wait = quiet;
    }
    out
}

/// Every event touches only `people` (or the pool), and names only leads in `visible`.
fn assert_feed_within(
    who: &str,
    events: &[Value],
    people: &BTreeSet<String>,
    visible: &BTreeSet<String>,
) {
    for e in events {
        for end in ["from", "to"] {
            if let Some(id) = e["assignment"][end]["id"].as_str() {
                assert!(
                    people.contains(id),
                    "{who}'s feed shows an assignment {end} someone else: {e}"
                );
            }
        }
        if let Some(id) = e["lead"]["id"].as_str() {
            assert!(
                visible.contains(id),
                "{who}'s feed names a lead they may not see: {e}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn row_level_visibility_follows_ownership_and_teams() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let m1 = app
        .create_user(&admin, "m1@rows.test", "MANAGER", None)
        .await;
    let m2 = app
        .create_user(&admin, "m2@rows.test", "MANAGER", None)
        .await;
    let east = team_create(&app, &admin, "East", &m1).await;
    let west = team_create(&app, &admin, "West", &m2).await;
    let r1 = app
        .create_user(&admin, "r1@rows.test", "REP", Some(&east))
        .await;
    let r1b = app
        .create_user(&admin, "r1b@rows.test", "REP", Some(&east))
        .await;
    let r2 = app
        .create_user(&admin, "r2@rows.test", "REP", Some(&west))
        .await;
    app.create_user(&admin, "mk@rows.test", "MARKETER", None)
        .await;
    let t_r1 = app.user_token("r1@rows.test").await;
    let t_r2 = app.user_token("r2@rows.test").await;
    let t_m1 = app.user_token("m1@rows.test").await;
    let t_m2 = app.user_token("m2@rows.test").await;
    let t_mk = app.user_token("mk@rows.test").await;
    let t_key = create_key(&app, &admin, "LEADS_READ").await;

    let capture = |name: &'static str, email: &'static str| {
        let app = &app;
        let admin = &admin;
        async move {
            app.capture_lead(admin, json!({ "personName": name, "email": email }))
                .await
        }
    };
    let l_r1 = capture("Lead of r1", "l-r1@rows.test").await;
    let l_r1b = capture("Lead of r1b", "l-r1b@rows.test").await;
    let l_r2 = capture("Lead of r2", "l-r2@rows.test").await;
    let l_pool = capture("Pool lead", "l-pool@rows.test").await;
    for (lead, owner) in [(&l_r1, &r1), (&l_r1b, &r1b), (&l_r2, &r2)] {
        let done = assign(&app, &admin, lead, owner).await;
        assert_eq!(done["userErrors"], json!([]), "{done}");
    }
    assert!(
        owner_of(&app, &admin, &l_pool).await["owner"].is_null(),
        "the pool lead is unowned"
    );
    let all = [
        l_r1.as_str(),
        l_r1b.as_str(),
        l_r2.as_str(),
        l_pool.as_str(),
    ];

    // Who sees what: the lead, the list and the export agree.
    let everything = set(&all);
    let viewers: [(&str, &str, BTreeSet<String>); 7] = [
        ("rep r1", &t_r1, set(&[&l_r1, &l_pool])),
        ("rep r2", &t_r2, set(&[&l_r2, &l_pool])),
        ("manager of East", &t_m1, set(&[&l_r1, &l_r1b, &l_pool])),
        ("manager of West", &t_m2, set(&[&l_r2, &l_pool])),
        ("admin", &admin, everything.clone()),
        ("marketer", &t_mk, everything.clone()),
        ("leads:read key", &t_key, everything.clone()),
    ];
    for (who, token, visible) in &viewers {
        for id in all {
            let body = app
                .gql(
                    Some(*token),
                    "query($id: ID!) { lead(id: $id) { id personName } }",
                    json!({ "id": id }),
                )
                .await;
            assert!(body["errors"].is_null(), "{who}: {body}");
            if visible.contains(id) {
                assert_eq!(body["data"]["lead"]["id"], id, "{who} sees {id}: {body}");
            } else {
                assert!(
                    body["data"]["lead"].is_null(),
                    "{who} must not see {id}: {body}"
                );
            }
        }
        assert_eq!(&listed(&app, token).await, visible, "{who}: leads");
        assert_eq!(
            &exported(&app, token, &all).await,
            visible,
            "{who}: export.csv?ids="
        );
    }

    // routingSimulationData replays only the leads the designer may see: West's
    // manager simulates with West's leads and the pool, never East's.
    let body = app
        .gql(
            Some(&t_m2),
            "query { routingSimulationData(days: 1) { arrivals } }",
            json!({}),
        )
        .await;
    let arrivals = body["data"]["routingSimulationData"]["arrivals"].to_string();
    assert!(
        !arrivals.contains("l-r1@rows.test") && arrivals.contains("l-pool@rows.test"),
        "West's manager simulates with West's leads and the pool only: {body}"
    );

    // A filter cannot widen the view.
    let body = app
        .gql(
            Some(&t_r1),
            "query($o: ID!) { leads(first: 10, filter: { ownerId: $o }) { totalCount edges { node { id } } } }",
            json!({ "o": r2 }),
        )
        .await;
    assert_eq!(body["data"]["leads"]["totalCount"], 0, "{body}");

    // The export refuses callers without read access.
    let capture_key = create_key(&app, &admin, "CAPTURE").await;
    for (token, status) in [(None, 401), (Some(capture_key.as_str()), 403)] {
        let mut request = app.client.get(app.url("/leads/export.csv"));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        assert_eq!(request.send().await.unwrap().status(), status);
    }

    // Writes are held to the same view: a rep cannot tag someone else's lead, a
    // manager cannot take a lead from another team nor give one outside theirs.
    let body = app
        .gql(
            Some(&t_r1),
            "mutation($ids: [ID!]!) { leadsTag(input: { leadIds: $ids, add: [\"hijacked\"] }) { leads { id } userErrors { code } } }",
            json!({ "ids": [l_r2] }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(body["data"]["leadsTag"]["leads"], json!([]), "{body}");
    assert_ne!(body["data"]["leadsTag"]["userErrors"], json!([]), "{body}");
    assert_eq!(owner_of(&app, &admin, &l_r2).await["tags"], json!([]));

    let taken = assign(&app, &t_m1, &l_r2, &r1).await;
    assert_ne!(taken["userErrors"], json!([]), "{taken}");
    let given = assign(&app, &t_m1, &l_r1, &r2).await;
    assert_ne!(given["userErrors"], json!([]), "{given}");
    assert_eq!(owner_of(&app, &admin, &l_r2).await["owner"]["id"], r2);
    assert_eq!(owner_of(&app, &admin, &l_r1).await["owner"]["id"], r1);

    // The assignment feed: a rep may follow only MINE, a manager MINE or TEAM.
    for (token, scope) in [
        (t_r1.as_str(), "TEAM"),
        (t_r1.as_str(), "ALL"),
        (t_m1.as_str(), "ALL"),
    ] {
        let body = app
            .gql(
                Some(token),
                "query($s: FeedScope!) { assignmentFeed(scope: $s) { cursor } }",
                json!({ "s": scope }),
            )
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{scope}: {body}"
        );
        let mut refused = ws_subscribe(
            &app,
            Some(token),
            "subscription($s: FeedScope!) { assignmentEvents(scope: $s) { cursor } }",
            json!({ "s": scope }),
        )
        .await;
        let msg = next_message(&mut refused, Duration::from_secs(5))
            .await
            .expect("a refusal arrives")
            .expect("the socket stays open");
        assert_eq!(
            ws_errors(&msg)[0]["extensions"]["code"],
            "FORBIDDEN",
            "{scope}: {msg}"
        );
    }

    let r1_people = set(&[&r1]);
    let east_people = set(&[&r1, &r1b, &m1]);
    let feed_query = format!(
        "query($s: FeedScope!) {{ assignmentFeed(scope: $s, first: 200) {{ {FEED_FIELDS} }} }}"
    );
    for (who, token, scope, people, visible) in [
        ("rep r1", t_r1.as_str(), "MINE", &r1_people, &viewers[0].2),
        (
            "manager of East",
            t_m1.as_str(),
            "TEAM",
            &east_people,
            &viewers[2].2,
        ),
    ] {
        let body = app
            .gql(Some(token), &feed_query, json!({ "s": scope }))
            .await;
        let events = body["data"]["assignmentFeed"]
            .as_array()
            .unwrap_or_else(|| panic!("{who}: {body}"));
        assert_feed_within(who, events, people, visible);
        assert!(
            events.iter().any(|e| e["lead"]["id"] == l_r1.as_str()),
            "{who} sees r1's assignment: {body}"
        );
    }

    // Live, with the backlog from the start: r1's MINE feed and East's TEAM feed. Two
    // more leads wait in the pool (visible to both) until the live part hands them out.
    let for_r2 = capture("Live lead for r2", "live-r2@rows.test").await;
    let for_r1 = capture("Live lead for r1", "live-r1@rows.test").await;
    let with_pool = |base: &BTreeSet<String>| {
        let mut v = base.clone();
        v.insert(for_r1.clone());
        v.insert(for_r2.clone());
        v
    };
    let live_doc = format!(
        "subscription($s: FeedScope!, $after: String) {{ assignmentEvents(scope: $s, after: $after) {{ {FEED_FIELDS} }} }}"
    );
    let mut mine = ws_subscribe(
        &app,
        Some(&t_r1),
        &live_doc,
        json!({ "s": "MINE", "after": "0" }),
    )
    .await;
    let mut team = ws_subscribe(
        &app,
        Some(&t_m1),
        &live_doc,
        json!({ "s": "TEAM", "after": "0" }),
    )
    .await;
    let quiet = Duration::from_millis(700);
    let (mine_backlog, team_backlog) = tokio::join!(
        collect_events(&mut mine, quiet, |_| false),
        collect_events(&mut team, quiet, |_| false)
    );
    let to = |e: &Value, who: &str| e["assignment"]["to"]["id"] == who;
    assert!(
        mine_backlog.iter().any(|e| to(e, &r1)),
        "r1's backlog has their assignment: {mine_backlog:?}"
    );
    assert!(
        team_backlog.iter().any(|e| to(e, &r1)) && team_backlog.iter().any(|e| to(e, &r1b)),
        "East's backlog has r1's and r1b's assignments: {team_backlog:?}"
    );
    assert_feed_within(
        "rep r1 (backlog)",
        &mine_backlog,
        &r1_people,
        &with_pool(&viewers[0].2),
    );
    assert_feed_within(
        "manager of East (backlog)",
        &team_backlog,
        &east_people,
        &with_pool(&viewers[2].2),
    );

    // Another team's rep gets a lead, then r1 does: both feeds show only the second.
    assign(&app, &admin, &for_r2, &r2).await;
    assign(&app, &admin, &for_r1, &r1).await;
    let mut r1_visible = viewers[0].2.clone();
    r1_visible.insert(for_r1.clone());
    let mut east_visible = viewers[2].2.clone();
    east_visible.insert(for_r1.clone());
    let is_r1s_new_lead = |e: &Value| e["lead"]["id"] == for_r1.as_str() && to(e, &r1);
    let (live_mine, live_team) = tokio::join!(
        collect_events(&mut mine, Duration::from_secs(10), is_r1s_new_lead),
        collect_events(&mut team, Duration::from_secs(10), is_r1s_new_lead)
    );
    for (who, events, people, visible) in [
        ("rep r1 (live)", &live_mine, &r1_people, &r1_visible),
        (
            "manager of East (live)",
            &live_team,
            &east_people,
            &east_visible,
        ),
    ] {
        assert!(
            events.iter().any(is_r1s_new_lead),
            "{who} sees r1's new lead assigned: {events:?}"
        );
        assert_feed_within(who, events, people, visible);
    }
}

/// What a WebSocket may do is decided when it connects (`connection_init`) and, for
/// each subscription, when it starts; HTTP checks the account on every request.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_deactivated_users_socket_is_closed() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let boss = app
        .create_user(&admin, "boss@gone.test", "MANAGER", None)
        .await;
    let team = team_create(&app, &admin, "East", &boss).await;
    let rep = app
        .create_user(&admin, "rep@gone.test", "REP", Some(&team))
        .await;
    let boss_token = app.user_token("boss@gone.test").await;
    let first = app
        .capture_lead(
            &admin,
            json!({ "personName": "First", "email": "first@gone.test" }),
        )
        .await;
    assign(&app, &admin, &first, &rep).await;

    let doc = format!(
        "subscription {{ assignmentEvents(scope: TEAM, after: \"0\") {{ {FEED_FIELDS} }} }}"
    );
    let mut socket = ws_subscribe(&app, Some(&boss_token), &doc, json!({})).await;
    let backlog = collect_events(&mut socket, Duration::from_secs(10), |e| {
        e["lead"]["id"] == first.as_str()
    })
    .await;
    assert!(
        backlog.iter().any(|e| e["lead"]["id"] == first.as_str()),
        "{backlog:?}"
    );

    let body = app
        .gql(
            Some(&admin),
            "mutation($id: ID!) { userDeactivate(input: { id: $id }) { userErrors { code } } }",
            json!({ "id": boss }),
        )
        .await;
    assert_eq!(
        body["data"]["userDeactivate"]["userErrors"],
        json!([]),
        "{body}"
    );
    let me = app.gql(Some(&boss_token), "{ me { id } }", json!({})).await;
    assert_eq!(
        me["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{me}"
    );

    // The deactivated manager's socket is closed: nothing more is delivered, and no new
    // subscription can start on it.
    let closed = loop {
        match next_message(&mut socket, Duration::from_secs(5)).await {
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => break true,
        }
    };
    assert!(closed, "the socket of a deactivated user closes");
    let sent = socket
        .send(Message::Text(
            json!({ "id": "2", "type": "subscribe",
                    "payload": { "query": "subscription { userChanges { kind user { email } } }" } })
            .to_string()
            .into(),
        ))
        .await;
    if sent.is_ok() {
        let second = app
            .capture_lead(
                &admin,
                json!({ "personName": "Second", "email": "second@gone.test" }),
            )
            .await;
        assign(&app, &admin, &second, &rep).await;
        app.create_user(&admin, "new@gone.test", "REP", None).await;
        assert!(
            !matches!(
                next_message(&mut socket, Duration::from_secs(2)).await,
                Some(Ok(_))
            ),
            "nothing reaches a deactivated user's socket"
        );
    }
}

/// Several servers behind one load balancer: an admin deactivates a manager on one, and
/// the manager's live feed held by another closes too.
#[tokio::test]
async fn a_deactivated_users_socket_on_another_server_is_closed() {
    let app = spawn_app().await;
    let other = TestApp::beside(
        &app,
        leadflow::startup::spawn(app.config.clone())
            .await
            .expect("second server"),
    );
    let admin = app.admin_token().await;
    let boss = app
        .create_user(&admin, "boss@far.test", "MANAGER", None)
        .await;
    let team = team_create(&app, &admin, "West", &boss).await;
    let rep = app
        .create_user(&admin, "rep@far.test", "REP", Some(&team))
        .await;
    let boss_token = app.user_token("boss@far.test").await;
    let lead = app
        .capture_lead(
            &admin,
            json!({ "personName": "Far", "email": "far@far.test" }),
        )
        .await;
    assign(&app, &admin, &lead, &rep).await;

    let doc = format!(
        "subscription {{ assignmentEvents(scope: TEAM, after: \"0\") {{ {FEED_FIELDS} }} }}"
    );
    let mut socket = ws_subscribe(&other, Some(&boss_token), &doc, json!({})).await;
    let backlog = collect_events(&mut socket, Duration::from_secs(10), |e| {
        e["lead"]["id"] == lead.as_str()
    })
    .await;
    assert!(
        backlog.iter().any(|e| e["lead"]["id"] == lead.as_str()),
        "{backlog:?}"
    );

    let body = app
        .gql(
            Some(&admin),
            "mutation($id: ID!) { userDeactivate(input: { id: $id }) { userErrors { code } } }",
            json!({ "id": boss }),
        )
        .await;
    assert_eq!(
        body["data"]["userDeactivate"]["userErrors"],
        json!([]),
        "{body}"
    );
    // Silence is not enough: the socket must actually end (a close frame, or the
    // connection dropped).
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        assert!(
            Instant::now() < deadline,
            "the other server kept the deactivated manager's socket open"
        );
        match tokio::time::timeout(Duration::from_millis(500), socket.next()).await {
            Err(_) | Ok(Some(Ok(Message::Text(_) | Message::Ping(_) | Message::Pong(_)))) => {}
            Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => break,
            Ok(Some(Ok(_))) => {}
        }
    }
}
