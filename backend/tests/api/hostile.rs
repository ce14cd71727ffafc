//! Hostile input through every intake path: stored verbatim and served back as data,
//! or refused with a clear error naming the field — never a server error.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

/// Text an attacker or a careless integration sends.
const HOSTILE: &[&str] = &[
    "Robert'); DROP TABLE leads;--",
    "\" OR 1=1 --",
    "<script>alert(\"x\")</script>",
    "<img src=x onerror=alert(1)>",
    "%_\\ LIKE wildcards",
    "{{name}} ${jndi:ldap://x}",
    "🚀👩‍💻 张伟 Zoë",
    "مرحبا بالعالم \u{200f}שלום",
    "\u{202e}gnp.exe",
    "NUL\u{0000}inside",
    "line\r\nbreak\ttab",
];

/// A GraphQL answer is data or clear errors; never an internal error.
fn assert_no_internal(body: &Value, context: &str) {
    if let Some(errors) = body["errors"].as_array() {
        for e in errors {
            assert_ne!(
                e["extensions"]["code"], "INTERNAL",
                "{context}: internal error {body}"
            );
            assert!(
                !e["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("internal"),
                "{context}: {body}"
            );
        }
    }
}

async fn capture(app: &TestApp, token: &str, input: Value) -> Value {
    app.gql(
        Some(token),
        "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) {
            leadId userErrors { field message } } }",
        json!({ "input": input }),
    )
    .await
}

#[tokio::test]
async fn hostile_text_in_a_capture_is_stored_verbatim_or_refused_by_field() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let fields = [
        "personName",
        "title",
        "company",
        "industry",
        "province",
        "city",
    ];
    for (i, text) in HOSTILE.iter().enumerate() {
        for field in fields {
            let mut input = json!({
                "personName": "Base Name",
                "email": format!("lead{i}.{field}@example.com"),
            });
            input[field] = json!(text);
            let body = capture(&app, &admin, input).await;
            let context = format!("{field} = {text:?}");
            assert_no_internal(&body, &context);
            if text.contains('\u{0}') {
                // Refused before anything runs, with a message saying why.
                assert_eq!(
                    body["errors"][0]["extensions"]["code"], "INVALID",
                    "{context}: {body}"
                );
                assert!(body["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("NUL"));
                continue;
            }
            let payload = &body["data"]["leadCapture"];
            assert_eq!(payload["userErrors"], json!([]), "{context}: {body}");
            let id = payload["leadId"].as_str().unwrap();
            let read = app
                .gql(
                    Some(&admin),
                    &format!("query($id: ID!) {{ lead(id: $id) {{ {field} }} }}"),
                    json!({ "id": id }),
                )
                .await;
            assert_eq!(read["data"]["lead"][field], json!(text.trim()), "{context}");
        }
        // Tags and custom fields keep it too.
        let body = capture(
            &app,
            &admin,
            json!({ "personName": "Tagged", "email": format!("tags{i}@example.com"),
                    "tags": [text.chars().take(40).collect::<String>()],
                    "customFields": { "note": text } }),
        )
        .await;
        assert_no_internal(&body, &format!("tags/custom {text:?}"));
        // The list's free-text search takes it as plain text.
        let found = app
            .gql(
                Some(&admin),
                "query($s: String) { leads(filter: { search: $s }) { totalCount } }",
                json!({ "s": text }),
            )
            .await;
        assert_no_internal(&found, &format!("search {text:?}"));
        if !text.contains('\u{0}') {
            assert!(found["data"]["leads"]["totalCount"].is_number(), "{found}");
        }
    }
    // The tables are all still there.
    let all = app
        .gql(Some(&admin), "{ leads { totalCount } }", json!({}))
        .await;
    assert!(
        all["data"]["leads"]["totalCount"].as_i64().unwrap() > 50,
        "{all}"
    );
}

#[tokio::test]
async fn huge_numbers_long_text_and_extreme_dates_get_clear_errors() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "name of 1,000 characters",
            json!({ "personName": "长".repeat(1000), "email": "a@example.com" }),
            "personName",
        ),
        (
            "company size beyond Int",
            json!({ "personName": "A", "email": "a@example.com", "companySize": 3_000_000_000u64 }),
            "",
        ),
        (
            "negative company size",
            json!({ "personName": "A", "email": "a@example.com", "companySize": -5 }),
            "companySize",
        ),
        (
            "email of 300 characters",
            json!({ "personName": "A", "email": format!("{}@example.com", "a".repeat(300)) }),
            "email",
        ),
        (
            "phone of letters",
            json!({ "personName": "A", "phone": "DROP TABLE" }),
            "phone",
        ),
    ];
    for (what, input, field) in cases {
        let body = capture(&app, &admin, input).await;
        assert_no_internal(&body, what);
        if field.is_empty() {
            // Refused by GraphQL's own type check before anything runs.
            assert!(body["errors"].is_array(), "{what}: {body}");
        } else {
            assert_eq!(
                body["data"]["leadCapture"]["userErrors"][0]["field"], field,
                "{what}: {body}"
            );
        }
    }

    // Campaign costs that are not money.
    for cost in ["NaN", "1e400", "-100", "99999999999999999999999", "１２３"] {
        let body = app
            .gql(
                Some(&admin),
                "mutation($c: String!) { campaignCreate(input: { name: \"Expo\", channel: EVENT, cost: $c }) {
                    userErrors { field message } } }",
                json!({ "c": cost }),
            )
            .await;
        assert_no_internal(&body, cost);
        let errors = &body["data"]["campaignCreate"]["userErrors"];
        if cost != "１２３" {
            assert_eq!(errors[0]["field"], "cost", "{cost}: {body}");
        }
    }

    // Dates at the ends of the calendar, in filters and on tasks.
    let lead = app
        .capture_lead(
            &admin,
            json!({ "personName": "Date", "email": "date@example.com" }),
        )
        .await;
    for date in [
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "-0001-01-01T00:00:00Z",
        "not a date",
    ] {
        let body = app
            .gql(
                Some(&admin),
                "query($d: DateTime) { leads(filter: { createdFrom: $d }) { totalCount } }",
                json!({ "d": date }),
            )
            .await;
        assert_no_internal(&body, date);
        let body = app
            .gql(
                Some(&admin),
                "mutation($l: ID!, $d: DateTime!) { taskCreate(input: { leadId: $l, title: \"Call\", dueAt: $d }) {
                    userErrors { field message } } }",
                json!({ "l": lead, "d": date }),
            )
            .await;
        assert_no_internal(&body, date);
        if let Some(errors) = body["data"]["taskCreate"]["userErrors"].as_array() {
            if date.starts_with('0') || date.starts_with('-') {
                assert!(
                    !errors.is_empty(),
                    "a task due in year 0 is refused: {body}"
                );
            }
        }
    }
}

#[tokio::test]
async fn hostile_form_posts_and_notes_never_break_the_server() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let form = app
        .gql(
            Some(&admin),
            "mutation { formCreate(input: { name: \"<b>Expo</b>\", fields: [
                { name: \"personName\", label: \"<script>x</script>\", required: true },
                { name: \"email\", label: \"Email\", required: true },
                { name: \"company\", label: \"Company\", required: false } ] }) { form { key } userErrors { message } } }",
            json!({}),
        )
        .await;
    let key = form["data"]["formCreate"]["form"]["key"]
        .as_str()
        .unwrap_or_else(|| panic!("{form}"))
        .to_string();
    // The hosted page escapes what the designer typed.
    let page = app
        .client
        .get(app.url(&format!("/f/{key}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("<script>x</script>"), "{page}");
    assert!(page.contains("&lt;script&gt;"), "{page}");

    for (i, text) in HOSTILE.iter().enumerate() {
        let response = app
            .client
            .post(app.url(&format!("/f/{key}")))
            .header("accept", "application/json")
            .form(&[
                ("personName", text.to_string()),
                ("email", format!("form{i}@example.com")),
                ("company", text.to_string()),
            ])
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert!(
            status.is_success() || status.is_client_error() || status.is_redirection(),
            "{text:?}: {status}"
        );
    }
    // Bytes that are not UTF-8 at all.
    let response = app
        .client
        .post(app.url(&format!("/f/{key}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(b"personName=%FF%FE%80&email=bytes%40example.com".to_vec())
        .send()
        .await
        .unwrap();
    assert!(
        !response.status().is_server_error(),
        "{}",
        response.status()
    );
    let response = app
        .client
        .post(app.url(&format!("/f/{key}")))
        .header("content-type", "application/json")
        .body(b"{\"personName\": \"\xff\xfe\", \"email\": \"raw@example.com\"}".to_vec())
        .send()
        .await
        .unwrap();
    assert!(
        !response.status().is_server_error(),
        "{}",
        response.status()
    );

    // Notes on activities keep hostile text verbatim.
    let lead = app
        .capture_lead(
            &admin,
            json!({ "personName": "Noted", "email": "noted@example.com" }),
        )
        .await;
    for text in HOSTILE {
        let body = app
            .gql(
                Some(&admin),
                "mutation($l: ID!, $n: String) { leadLogActivity(input: { leadId: $l, kind: NOTE, note: $n }) {
                    userErrors { field message } } }",
                json!({ "l": lead, "n": text }),
            )
            .await;
        assert_no_internal(&body, text);
    }
    // Behaviour events with hostile names and properties.
    for text in HOSTILE {
        let body = app
            .gql(
                Some(&admin),
                "mutation($l: ID!, $n: String, $p: JSON) { leadTrackEvent(input: { leadId: $l, kind: CUSTOM, name: $n, properties: $p }) {
                    userErrors { field message } } }",
                json!({ "l": lead, "n": text, "p": { "k": text } }),
            )
            .await;
        assert_no_internal(&body, text);
    }
}
