//! Fuzz targets for everything a stranger's bytes reach: contact details typed into a
//! form, an uploaded CSV file, the definitions admins save (scoring models, routing
//! rules, service levels, journeys, pipeline stages) and the body of a public form post.
//!
//! Each target is a plain function that panics when a rule is broken, so the same code
//! runs under libFuzzer (`cargo xtask fuzz`, the binaries in `fuzz_targets/`) and as a
//! regression test over the kept inputs (`seeds/` and `regressions/`, see the tests at
//! the bottom). The rules checked go beyond "does not panic":
//!
//! - normalisation is idempotent: a normalised email or phone parses to itself;
//! - an import reads the same rows with the same line numbers however often it is
//!   interrupted and resumed, and counts exactly the rows it reads;
//! - the encoding told from an upload does not depend on how the bytes arrived;
//! - a score explained line by line equals the score computed fast;
//! - a routing decision only ever names a known rep;
//! - a service level's deadline is exactly its business minutes away;
//! - a journey that validates never spins: between two waits it takes at most one step
//!   per node;
//! - a form body is answered with a 4xx or read into answers, never anything else.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Duration, TimeZone, Utc};
use leadflow::domain::imports::Encoding;
use leadflow::fuzzing;
use leadflow_shared::journey::{step, EnrolmentState, JourneyDefinition, LeadFacts};
use leadflow_shared::normalize::{company_key, Email, Phone};
use leadflow_shared::pipeline::{validate_stages, StageDefinition};
use leadflow_shared::routing::{
    Directory, KnownUser, RepState, RoutingLead, RoutingRules, Team, TeamState,
};
use leadflow_shared::scoring::{ScoringEvent, ScoringLead, ScoringModel};
use leadflow_shared::sla::{add_business_minutes, business_minutes_between, SlaPolicy};
use leadflow_shared::{BehaviourKind, LeadStage};

// ---------------------------------------------------------------------------------------
// Contact details
// ---------------------------------------------------------------------------------------

/// Email, phone and company-name normalisation of any text.
pub fn normalize(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(email) = Email::parse(&text) {
        let again = Email::parse(email.as_str());
        assert_eq!(again.as_ref(), Ok(&email), "an email normalises to itself");
        assert_eq!(email.as_str(), email.as_str().trim());
    }
    if let Ok(phone) = Phone::parse(&text) {
        let e164 = phone.as_str();
        assert!(
            e164.starts_with('+') && e164[1..].bytes().all(|b| b.is_ascii_digit()),
            "{e164} is E.164"
        );
        let again = Phone::parse(e164);
        assert_eq!(
            again.as_ref().map(Phone::as_str),
            Ok(e164),
            "a phone normalises to itself"
        );
    }
    let key = company_key(&text);
    assert!(
        key.chars().all(char::is_alphanumeric),
        "a company key holds letters and digits only: {key:?}"
    );
    let _ = leadflow_shared::money::parse_minor_units(&text);
}

// ---------------------------------------------------------------------------------------
// CSV import
// ---------------------------------------------------------------------------------------

thread_local! {
    static UPLOAD: tempfile::NamedTempFile =
        tempfile::NamedTempFile::new().expect("a temporary file for the upload");
}

fn upload_path(bytes: &[u8]) -> PathBuf {
    UPLOAD.with(|file| {
        let path = file.path().to_path_buf();
        let mut out = std::fs::File::create(&path).expect("the upload file opens");
        out.write_all(bytes).expect("the upload is written");
        path
    })
}

/// An uploaded file, read as an import reads it. The first byte picks how many rows an
/// import commits between two interruptions (1 to 4); the rest is the file.
pub fn csv_import(data: &[u8]) {
    let Some((&first, file)) = data.split_first() else {
        return;
    };
    let chunk = 1 + usize::from(first % 4);

    let body = file.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(file);
    let whole = fuzzing::upload_encoding([body]);
    let expected = if std::str::from_utf8(body).is_ok() {
        Encoding::Utf8
    } else {
        Encoding::Gb18030
    };
    assert_eq!(whole, expected, "the encoding told from the whole upload");
    let piece = 1 + usize::from(first / 4 % 7);
    assert_eq!(
        fuzzing::upload_encoding(body.chunks(piece)),
        whole,
        "the encoding does not depend on how the upload arrived ({piece}-byte pieces)"
    );

    let path = upload_path(file);
    let once = fuzzing::import_rows(&path, whole, usize::MAX).expect("the file reads in one go");
    let resumed = fuzzing::import_rows(&path, whole, chunk).expect("the file reads in chunks");
    assert_eq!(
        once, resumed,
        "an import resumed every {chunk} rows reads the same rows"
    );
    assert_eq!(
        once.counted,
        once.rows.len() as u64,
        "the progress total counts the rows read"
    );
    let mut previous = 0;
    for (line, _) in &once.rows {
        assert!(
            *line > previous,
            "rows are numbered by increasing line: {line} after {previous}"
        );
        previous = *line;
    }
    let outcomes = fuzzing::import_outcomes(&once);
    assert_eq!(outcomes.len(), once.rows.len());
}

// ---------------------------------------------------------------------------------------
// Definitions admins save
// ---------------------------------------------------------------------------------------

fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .unwrap()
}

fn sample_lead() -> ScoringLead {
    serde_json::from_value(serde_json::json!({
        "title": "采购经理", "company": "苏州精密机械有限公司", "companySize": 320,
        "industry": "制造业", "province": "江苏", "city": "苏州", "source": "WEB_FORM",
        "campaign": "春季展会", "tags": ["展会", "vip"], "email": "li@jm.cn", "stage": "LEAD",
        "customFields": { "budget": "50万", "seats": 40 }
    }))
    .expect("the sample lead is valid")
}

fn sample_events() -> Vec<ScoringEvent> {
    let event = |kind, url: Option<&str>, name: Option<&str>, at| ScoringEvent {
        kind,
        url: url.map(str::to_string),
        name: name.map(str::to_string),
        at,
    };
    vec![
        event(
            BehaviourKind::PageView,
            Some("https://x.cn/pricing"),
            None,
            at(1, 9, 0),
        ),
        event(BehaviourKind::Download, None, Some("白皮书"), at(2, 10, 0)),
        event(
            BehaviourKind::PageView,
            Some("https://x.cn/pricing"),
            None,
            at(2, 10, 5),
        ),
        event(BehaviourKind::EmailClick, None, None, at(9, 8, 0)),
    ]
}

fn sample_state() -> (Directory, TeamState) {
    let rep = |name: &str, away| RepState {
        name: name.into(),
        active: true,
        away,
        capacity: Some(3),
        open_leads: 1,
        open_pipeline_amount: 0,
    };
    let reps = BTreeMap::from([
        ("u1".to_string(), rep("张伟", false)),
        ("u2".to_string(), rep("王芳", true)),
        ("u3".to_string(), rep("Li Na", false)),
    ]);
    let team = Team {
        name: "华东组".into(),
        member_ids: reps.keys().cloned().collect(),
    };
    let teams = BTreeMap::from([("t".to_string(), team)]);
    let directory = Directory {
        users: reps
            .iter()
            .map(|(id, r)| {
                let user: KnownUser = serde_json::from_value(serde_json::json!({
                    "name": r.name, "active": true
                }))
                .expect("a known user");
                (id.clone(), user)
            })
            .collect(),
        teams: teams.clone(),
        campaign_ids: ["cmp-1".to_string()].into(),
    };
    let state = TeamState {
        reps,
        teams,
        rotations: BTreeMap::new(),
    };
    (directory, state)
}

fn journey_facts() -> Vec<LeadFacts> {
    let base = LeadFacts {
        stage: Some(LeadStage::Lead),
        total_score: 30,
        tags: vec!["展会".into()],
        fields: BTreeMap::from([
            ("province".to_string(), "江苏".to_string()),
            ("industry".to_string(), "制造业".to_string()),
        ]),
        utc_offset_minutes: 480,
        ..LeadFacts::default()
    };
    let engaged = LeadFacts {
        total_score: 75,
        stage: Some(LeadStage::Mql),
        ..base.clone()
    };
    vec![base, engaged]
}

/// Walks one enrolment to its end (or 2,000 steps), checking that it never takes more
/// immediate steps in a row than the graph has nodes.
fn walk(definition: &JourneyDefinition, facts: &LeadFacts) {
    let mut now = at(2, 9, 0);
    let mut state = EnrolmentState::enter(definition, facts);
    let mut in_a_row = 0;
    for _ in 0..2_000 {
        let next = step(definition, &state, facts, now);
        let Some(when) = next.next_at else {
            assert!(next.state.left.is_some(), "a finished step leaves");
            return;
        };
        assert!(when >= now, "a step is never due in the past");
        if when > now {
            in_a_row = 0;
            now = when;
        } else {
            in_a_row += 1;
            assert!(
                in_a_row <= definition.nodes.len() + 1,
                "a valid journey spun {in_a_row} steps without a wait"
            );
        }
        state = next.state;
    }
}

/// A definition as an admin saves it. The first byte picks the kind (scoring model,
/// routing rules, service level, journey, pipeline stages); the rest is its JSON.
pub fn definitions(data: &[u8]) {
    let Some((&kind, json)) = data.split_first() else {
        return;
    };
    match kind % 5 {
        0 => {
            let Ok(model) = serde_json::from_slice::<ScoringModel>(json) else {
                return;
            };
            let Ok(compiled) = model.compile() else {
                return;
            };
            let lead = sample_lead();
            let events = sample_events();
            for now in [at(3, 12, 0), at(28, 12, 0)] {
                let explained = compiled.evaluate(&lead, &events, now);
                let fast = compiled.score(&lead, &events, now);
                assert_eq!(explained.score(), fast, "the explained score is the score");
                assert_eq!(fast.is_mql, fast.total >= compiled.mql_threshold());
            }
        }
        1 => {
            let Ok(text) = std::str::from_utf8(json) else {
                return;
            };
            let Ok(rules) = RoutingRules::from_json(text) else {
                return;
            };
            let (directory, mut state) = sample_state();
            let _ = rules.validate(&directory);
            let Ok(compiled) = rules.compile() else {
                return;
            };
            let lead: RoutingLead = serde_json::from_value(serde_json::json!({
                "province": "江苏", "industry": "制造业", "tags": ["展会"], "source": "REFERRAL",
                "customFields": {"budget": "50万"}, "score": 55, "campaignId": "cmp-1",
                "companySize": 1200
            }))
            .expect("the sample routing lead");
            for minutes in [0, 60 * 14, 60 * 24 * 5] {
                let now = at(2, 1, 0) + Duration::minutes(minutes);
                let decision = compiled.decide(&lead, &state, now);
                if let Some(owner) = &decision.owner {
                    assert!(
                        state.reps.contains_key(owner),
                        "routing chose {owner}, who is not a rep"
                    );
                }
                state.apply(&decision);
            }
        }
        2 => {
            let Ok(policy) = serde_json::from_slice::<SlaPolicy>(json) else {
                return;
            };
            if policy.validate().is_err() {
                return;
            }
            for start in [at(2, 8, 0), at(4, 12, 30), at(7, 23, 59)] {
                for minutes in [
                    policy.remind_after_minutes,
                    policy.escalate_after_minutes,
                    policy.recycle_after_minutes,
                ] {
                    let Some(due) = add_business_minutes(start, minutes, &policy.working_hours)
                    else {
                        continue;
                    };
                    assert!(due >= start);
                    assert_eq!(
                        business_minutes_between(start, due, &policy.working_hours),
                        i64::from(minutes),
                        "the deadline {due} is {minutes} business minutes after {start}"
                    );
                }
            }
        }
        3 => {
            let Ok(definition) = serde_json::from_slice::<JourneyDefinition>(json) else {
                return;
            };
            let templates = ["welcome".to_string(), "follow-up".to_string()];
            if !definition.validate(&templates).is_empty() {
                return;
            }
            for facts in journey_facts() {
                walk(&definition, &facts);
            }
        }
        _ => {
            if let Ok(stages) = serde_json::from_slice::<Vec<StageDefinition>>(json) {
                let _ = validate_stages(&stages);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Public form posts
// ---------------------------------------------------------------------------------------

const CONTENT_TYPES: [&str; 6] = [
    "application/x-www-form-urlencoded",
    "application/json",
    "",
    "application/json; charset=utf-8",
    "text/plain",
    "multipart/form-data; boundary=x",
];

/// A body posted to `/f/{key}`. The first byte picks the content type; the rest is the
/// body. Refusals are 4xx; accepted answers go through the form and capture's checks.
pub fn form_post(data: &[u8]) {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let content_type = CONTENT_TYPES[usize::from(first) % CONTENT_TYPES.len()];
    match fuzzing::form_values(content_type, body.to_vec()) {
        Err(status) => assert!(
            (400..500).contains(&status),
            "a refused form body is a client error, not {status}"
        ),
        Ok(values) => {
            let form = fuzzing::sample_form();
            let first = fuzzing::form_submission(&form, &values);
            match &first {
                Ok(None) => assert!(values.get("website").is_some_and(|v| !v.trim().is_empty())),
                Ok(Some(_)) => {}
                Err(problems) => {
                    assert!(!problems.is_empty());
                    for p in problems {
                        assert!(!p.message.trim().is_empty(), "a problem says what is wrong");
                    }
                }
            }
            let again = fuzzing::form_submission(&form, &values);
            assert_eq!(
                first.as_ref().ok(),
                again.as_ref().ok(),
                "the same answers make the same submission"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Kept inputs
// ---------------------------------------------------------------------------------------

/// The kept inputs of a target: its seeds and every input that once broke it.
pub fn kept_inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = Vec::new();
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() {
                let bytes = std::fs::read(&path).expect("a kept input reads");
                inputs.push((path, bytes));
            }
        }
    }
    inputs.sort();
    inputs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replay(target: &str, run: fn(&[u8])) -> usize {
        let inputs = kept_inputs(target);
        for (path, bytes) in &inputs {
            let outcome = std::panic::catch_unwind(|| run(bytes));
            assert!(outcome.is_ok(), "{} breaks {target}", path.display());
        }
        inputs.len()
    }

    #[test]
    fn kept_contact_details() {
        assert!(replay("normalize", normalize) >= 5);
    }

    #[test]
    fn kept_csv_files() {
        assert!(replay("csv_import", csv_import) >= 5);
    }

    #[test]
    fn kept_definitions() {
        assert!(replay("definitions", definitions) >= 5);
    }

    #[test]
    fn kept_form_posts() {
        assert!(replay("form_post", form_post) >= 5);
    }

    /// The definition seeds are real definitions: each parses and passes its own checks,
    /// so the fuzzer starts from inputs that reach the deep code.
    #[test]
    fn definition_seeds_are_valid_definitions() {
        for (path, bytes) in kept_inputs("definitions")
            .into_iter()
            .filter(|(p, _)| p.parent().is_some_and(|d| d.ends_with("seeds/definitions")))
        {
            let (kind, json) = bytes.split_first().expect("a kind byte");
            let valid = match kind % 5 {
                0 => {
                    serde_json::from_slice::<ScoringModel>(json).is_ok_and(|m| m.compile().is_ok())
                }
                1 => std::str::from_utf8(json)
                    .ok()
                    .and_then(|t| RoutingRules::from_json(t).ok())
                    .is_some_and(|r| r.validate(&sample_state().0).is_ok()),
                2 => serde_json::from_slice::<SlaPolicy>(json).is_ok_and(|p| p.validate().is_ok()),
                3 => serde_json::from_slice::<JourneyDefinition>(json).is_ok_and(|d| {
                    d.validate(&["welcome".into(), "follow-up".into()])
                        .is_empty()
                }),
                _ => serde_json::from_slice::<Vec<StageDefinition>>(json)
                    .is_ok_and(|s| validate_stages(&s).is_ok()),
            };
            assert!(valid, "{} is not a valid definition", path.display());
        }
    }

    /// The definition seeds are the definitions the product ships with (the starter
    /// scoring model, the "re-activate sleeping leads" journey, the default pipeline), so
    /// a change to their shape shows here. `LEADFLOW_WRITE_SEEDS=1 cargo test -p
    /// leadflow-fuzz` rewrites them.
    #[test]
    fn definition_seeds_are_the_shipped_definitions() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds/definitions");
        let shipped = [
            (
                "scoring-starter",
                0u8,
                serde_json::to_string_pretty(&ScoringModel::starter()).unwrap(),
            ),
            (
                "journey-reactivate",
                3,
                serde_json::to_string_pretty(&JourneyDefinition::reactivate_sleeping(
                    30,
                    "welcome",
                    "follow-up",
                ))
                .unwrap(),
            ),
            (
                "pipeline-default",
                4,
                serde_json::to_string_pretty(&leadflow_shared::pipeline::default_stages()).unwrap(),
            ),
        ];
        let write = std::env::var("LEADFLOW_WRITE_SEEDS").is_ok_and(|v| v == "1");
        for (name, kind, json) in shipped {
            let mut bytes = vec![kind];
            bytes.extend_from_slice(json.as_bytes());
            let path = dir.join(name);
            if write {
                std::fs::write(&path, &bytes).unwrap();
            }
            assert_eq!(
                std::fs::read(&path).ok(),
                Some(bytes),
                "{} is out of date: LEADFLOW_WRITE_SEEDS=1 cargo test -p leadflow-fuzz",
                path.display()
            );
        }
    }
}
