//! Exporting the lead list as CSV.

use std::collections::HashSet;

use leadflow::domain::leads::{export_batch, LeadFilter, Visibility};
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_filtered_list_downloads_as_csv_excel_can_read() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for (name, company, source, email) in [
        (
            "张伟",
            "杭州博远软件有限公司, 华东分公司",
            "EVENT",
            "zw@boyuan.cn",
        ),
        (
            "Grace Wong",
            "Harbour \"Trading\" Ltd",
            "REFERRAL",
            "grace@harbour.hk",
        ),
        ("李娜", "深圳天润", "EVENT", "ln@tianrun.cn"),
    ] {
        app.gql(
            Some(&admin),
            "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId } }",
            json!({ "input": { "personName": name, "company": company, "source": source, "email": email, "tags": ["a", "b"] } }),
        )
        .await;
    }
    let client = reqwest::Client::new();
    let response = client
        .get(app.url("/leads/export.csv?source=EVENT"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let bytes = response.bytes().await.unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "a BOM, so Excel reads UTF-8"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[1], "personName");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][1], "张伟");
    assert_eq!(&rows[0][3], "杭州博远软件有限公司, 华东分公司");
    assert_eq!(&rows[0][11], "event");
    assert_eq!(&rows[0][15], "a;b");

    let everyone = client
        .get(app.url("/leads/export.csv"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(&everyone[3..]);
    let names: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .collect();
    assert_eq!(names, vec!["张伟", "Grace Wong", "李娜"]);

    // A bulk selection exports just the ticked leads.
    let mut reader = csv::Reader::from_reader(&everyone[3..]);
    let ids: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    let selected = client
        .get(app.url(&format!("/leads/export.csv?ids={},{}", ids[0], ids[2])))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let names: Vec<String> = csv::Reader::from_reader(&selected[3..])
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .collect();
    assert_eq!(names, vec!["张伟", "李娜"]);
    let malformed = client
        .get(app.url("/leads/export.csv?ids=not-an-id"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);

    let anonymous = client
        .get(app.url("/leads/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let bad = client
        .get(app.url("/leads/export.csv?stage=WON"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad
        .text()
        .await
        .unwrap()
        .contains("'WON' is not a lead stage"));

    // A rep's export holds only what the rep may see: here, the pool.
    app.create_user(&admin, "rep@example.com", "REP", None)
        .await;
    let rep = app.login("rep@example.com", "rep-password-123").await["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let theirs = client
        .get(app.url("/leads/export.csv?pool=true"))
        .bearer_auth(&rep)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(csv::Reader::from_reader(&theirs[3..]).records().count(), 3);
}

#[tokio::test]
async fn batches_cover_every_lead_once_in_creation_order() {
    let app = spawn_app().await;
    leadflow::domain::demo::load(&app.server.db).await.unwrap();
    let mut seen = HashSet::new();
    let mut after = None;
    let mut last_created = None;
    loop {
        let batch = export_batch(
            &app.server.db,
            &Visibility::All,
            &LeadFilter::default(),
            after,
            7,
            leadflow::domain::leads::SEARCH_COUNT_CAP,
        )
        .await
        .unwrap();
        for lead in &batch {
            assert!(seen.insert(lead.id), "{} twice", lead.id);
            if let Some(prev) = last_created {
                assert!(lead.created_at >= prev);
            }
            last_created = Some(lead.created_at);
        }
        match batch.last() {
            Some(l) if batch.len() == 7 => after = Some((l.created_at, l.id)),
            _ => break,
        }
    }
    assert_eq!(seen.len(), leadflow::domain::demo::DEMO_LEADS);
}
