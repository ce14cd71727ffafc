//! CSV import: upload over HTTP, preview and start over GraphQL, progress over the
//! WebSocket, the error report download — and a server stopped mid-import resuming
//! without losing or doubling a row.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use leadflow::entity::{lead, lead_event};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{spawn_app, spawn_app_with, TestApp};

const PREVIEW: &str = "query($id: ID!) { importPreview(uploadId: $id) {
    uploadId fileName encoding headers rows suggestedMapping { column field } } }";

const START: &str = "mutation($input: ImportStartInput!) { importStart(input: $input) {
    importJob { id status dedupPolicy source }
    userErrors { field message code } } }";

const JOB: &str = "query($id: ID!) { importJob(id: $id) {
    id status totalRows rowsDone rowsCreated rowsMerged rowsSkipped rowsFailed error errorsUrl
    rowErrors { row message raw } } }";

async fn upload(
    app: &TestApp,
    token: Option<&str>,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/imports/upload"))
        .query(&[("fileName", name)])
        .body(bytes);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("upload sent")
}

/// Uploads and returns the upload id.
async fn upload_ok(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> String {
    let response = upload(app, Some(token), name, bytes).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    body["uploadId"].as_str().expect("uploadId").to_string()
}

async fn start(app: &TestApp, token: &str, id: &str, mapping: Value, policy: &str) -> Value {
    let body = app
        .gql(
            Some(token),
            START,
            json!({ "input": { "uploadId": id, "mapping": mapping, "dedupPolicy": policy } }),
        )
        .await;
    body["data"]["importStart"].clone()
}

async fn job(app: &TestApp, token: &str, id: &str) -> Value {
    let body = app.gql(Some(token), JOB, json!({ "id": id })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["importJob"].clone()
}

async fn wait_done(app: &TestApp, token: &str, id: &str, limit: Duration) -> Value {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let j = job(app, token, id).await;
        if j["status"] == "DONE" || j["status"] == "FAILED" {
            return j;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "import not finished: {j}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Starts with the suggested mapping (plus `extra`) and waits for the end.
async fn import(app: &TestApp, token: &str, bytes: Vec<u8>, policy: &str, extra: Value) -> Value {
    let id = upload_ok(app, token, "leads.csv", bytes).await;
    let preview = app.gql(Some(token), PREVIEW, json!({ "id": id })).await;
    let mut mapping = preview["data"]["importPreview"]["suggestedMapping"].clone();
    for m in extra.as_array().unwrap() {
        mapping.as_array_mut().unwrap().push(m.clone());
    }
    let started = start(app, token, &id, mapping, policy).await;
    assert_eq!(started["userErrors"], json!([]), "{started}");
    wait_done(app, token, &id, Duration::from_secs(60)).await
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn subscribe(app: &TestApp, token: &str, query: &str, variables: Value) -> Socket {
    let mut request = app.ws_url().into_client_request().unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let send = |v: Value| Message::Text(v.to_string().into());
    socket
        .send(send(json!({ "type": "connection_init",
                           "payload": { "authorization": format!("Bearer {token}") } })))
        .await
        .unwrap();
    let ack = next(&mut socket).await.expect("ack");
    assert_eq!(ack["type"], "connection_ack");
    socket
        .send(send(json!({ "id": "1", "type": "subscribe",
                           "payload": { "query": query, "variables": variables } })))
        .await
        .unwrap();
    socket
}

async fn next(socket: &mut Socket) -> Option<Value> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(30), socket.next())
            .await
            .ok()??
            .ok()?;
        match msg {
            Message::Text(text) => return Some(serde_json::from_str(&text).unwrap()),
            Message::Close(_) => return None,
            _ => continue,
        }
    }
}

fn with_bom(text: &str) -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

async fn leads_with_email(app: &TestApp, email: &str) -> Vec<lead::Model> {
    lead::Entity::find()
        .filter(lead::Column::EmailNormalized.eq(email))
        .all(&app.server.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_utf8_file_with_bom_imports_its_good_rows_and_reports_the_bad_one() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    // Line 1 header; 2-3 a quoted line break; 4 blank; 5 the bad row; 6 extra
    // columns; 7 missing columns; 8 cells that are all blank (ignored).
    let csv = "姓名,手机,公司,邮箱,备注\r\n\
               张三,13800138000,上海某某有限公司,zhang@example.cn,\"第一行\n第二行\"\r\n\
               \r\n\
               李四,,北京公司,not-an-email,\r\n\
               王五,13900139000,\"Acme, Inc.\",wang@example.com,ok,extra,more\r\n\
               赵六,13700137000\r\n\
               ,,,,\r\n";
    let id = upload_ok(&app, &token, "展会名单.csv", with_bom(csv)).await;

    let preview = app.gql(Some(&token), PREVIEW, json!({ "id": id })).await;
    let preview = &preview["data"]["importPreview"];
    assert_eq!(preview["encoding"], "UTF8", "{preview}");
    assert_eq!(preview["fileName"], "展会名单.csv");
    assert_eq!(
        preview["headers"],
        json!(["姓名", "手机", "公司", "邮箱", "备注"])
    );
    assert_eq!(preview["rows"].as_array().unwrap().len(), 4, "{preview}");
    assert_eq!(preview["rows"][0][4], "第一行\n第二行");
    assert_eq!(preview["rows"][2].as_array().unwrap().len(), 7);
    assert_eq!(preview["rows"][3], json!(["赵六", "13700137000"]));
    assert_eq!(
        preview["suggestedMapping"],
        json!([
            { "column": 0, "field": "personName" },
            { "column": 1, "field": "phone" },
            { "column": 2, "field": "company" },
            { "column": 3, "field": "email" }
        ])
    );

    // Watch the progress live, from before the start.
    let mut socket = subscribe(
        &app,
        &token,
        "subscription($id: ID!) { importProgress(id: $id) { importJob { status rowsDone totalRows } } }",
        json!({ "id": id }),
    )
    .await;
    let mut mapping = preview["suggestedMapping"].clone();
    mapping
        .as_array_mut()
        .unwrap()
        .push(json!({ "column": 4, "field": "custom:note" }));
    let started = start(&app, &token, &id, mapping, "MERGE").await;
    assert_eq!(started["userErrors"], json!([]), "{started}");
    assert_eq!(started["importJob"]["status"], "QUEUED");
    assert_eq!(started["importJob"]["source"], "IMPORT");

    let mut seen = Vec::new();
    while let Some(msg) = next(&mut socket).await {
        if msg["type"] == "complete" {
            break;
        }
        assert_eq!(msg["type"], "next", "{msg}");
        seen.push(msg["payload"]["data"]["importProgress"]["importJob"].clone());
    }
    let last = seen.last().expect("progress events");
    assert_eq!(last["status"], "DONE", "{seen:?}");
    assert_eq!(last["rowsDone"], 4);
    assert_eq!(last["totalRows"], 4);
    // The upload goes once the import is done (a watcher may see DONE first).
    let mut waited = 0;
    while std::fs::read_dir(app.config.data_dir.join("imports"))
        .unwrap()
        .next()
        .is_some()
    {
        waited += 1;
        assert!(waited < 50, "a finished import leaves no upload behind");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    let done = job(&app, &token, &id).await;
    assert_eq!(done["rowsCreated"], 3, "{done}");
    assert_eq!(done["rowsFailed"], 1);
    assert_eq!(done["rowErrors"][0]["row"], 5, "{done}");
    assert!(
        done["rowErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("email"),
        "{done}"
    );
    assert_eq!(done["rowErrors"][0]["raw"], "李四,,北京公司,not-an-email,");

    let zhang = leads_with_email(&app, "zhang@example.cn").await;
    assert_eq!(zhang.len(), 1);
    assert_eq!(zhang[0].source, "import");
    assert_eq!(zhang[0].custom_fields["note"], "第一行\n第二行");
    let total = lead::Entity::find().count(&app.server.db).await.unwrap();
    assert_eq!(total, 3);

    // The report of failed rows, for Excel: UTF-8 with a BOM.
    let report = app
        .client
        .get(app.url(done["errorsUrl"].as_str().unwrap()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), 200);
    assert!(report.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let bytes = report.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("row,error,data"));
    let row = lines.next().unwrap();
    assert!(row.starts_with("5,"), "{text}");
    assert!(row.contains("李四"), "{text}");

    // Without a token, nothing.
    let anonymous = app
        .client
        .get(app.url(done["errorsUrl"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn gbk_files_from_chinese_excel_are_read() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let text = "姓名,电话,公司名称,职位,城市\r\n\
                陈静,13800138001,深圳市腾飞科技有限公司,市场总监,深圳\r\n\
                刘洋,+86 139-0013-9001,杭州云帆股份有限公司,采购经理,杭州\r\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "really not UTF-8");
    let id = upload_ok(&app, &token, "export.csv", gbk.into_owned()).await;
    let preview = app.gql(Some(&token), PREVIEW, json!({ "id": id })).await;
    let preview = &preview["data"]["importPreview"];
    assert_eq!(preview["encoding"], "GB18030");
    assert_eq!(preview["headers"][2], "公司名称");
    assert_eq!(preview["rows"][0][2], "深圳市腾飞科技有限公司");
    let started = start(
        &app,
        &token,
        &id,
        preview["suggestedMapping"].clone(),
        "MERGE",
    )
    .await;
    assert_eq!(started["userErrors"], json!([]), "{started}");
    let done = wait_done(&app, &token, &id, Duration::from_secs(60)).await;
    assert_eq!(done["rowsCreated"], 2, "{done}");
    let leads = lead::Entity::find().all(&app.server.db).await.unwrap();
    let chen = leads
        .iter()
        .find(|l| l.person_name == "陈静")
        .expect("陈静");
    assert_eq!(chen.company.as_deref(), Some("深圳市腾飞科技有限公司"));
    assert_eq!(chen.title.as_deref(), Some("市场总监"));
    assert_eq!(chen.city.as_deref(), Some("深圳"));
    let liu = leads
        .iter()
        .find(|l| l.person_name == "刘洋")
        .expect("刘洋");
    assert_eq!(liu.phone_e164.as_deref(), Some("+8613900139001"));
}

#[tokio::test]
async fn each_dedup_policy_does_what_it_says() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let first = import(
        &app,
        &token,
        b"name,email\nAlice,alice@example.com\n".to_vec(),
        "MERGE",
        json!([]),
    )
    .await;
    assert_eq!(first["rowsCreated"], 1, "{first}");
    let again =
        || b"name,email,title\nAlice,alice@example.com,CTO\nBob,bob@example.com,CEO\n".to_vec();

    let skip = import(&app, &token, again(), "SKIP", json!([])).await;
    assert_eq!(
        (
            &skip["rowsSkipped"],
            &skip["rowsCreated"],
            &skip["rowsMerged"]
        ),
        (&json!(1), &json!(1), &json!(0)),
        "{skip}"
    );
    assert_eq!(
        leads_with_email(&app, "alice@example.com").await[0].title,
        None
    );

    let merge = import(&app, &token, again(), "MERGE", json!([])).await;
    assert_eq!(merge["rowsMerged"], 2, "{merge}");
    assert_eq!(merge["rowsCreated"], 0);
    let alice = leads_with_email(&app, "alice@example.com").await;
    assert_eq!(alice.len(), 1);
    assert_eq!(alice[0].title.as_deref(), Some("CTO"));

    let create = import(&app, &token, again(), "CREATE", json!([])).await;
    assert_eq!(create["rowsCreated"], 2, "{create}");
    assert_eq!(leads_with_email(&app, "alice@example.com").await.len(), 2);
    assert_eq!(leads_with_email(&app, "bob@example.com").await.len(), 2);

    let listed = app
        .gql(
            Some(&token),
            "{ importJobs(first: 10) { status dedupPolicy rowsDone } }",
            json!({}),
        )
        .await;
    let listed = listed["data"]["importJobs"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 4);
    // Newest first.
    assert_eq!(listed[0]["dedupPolicy"], "CREATE");
    assert!(listed.iter().all(|j| j["status"] == "DONE"));
}

#[tokio::test]
async fn bad_uploads_and_bad_mappings_are_refused_clearly() {
    let app = spawn_app_with(|c| c.max_upload_bytes = 2 * 1024 * 1024).await;
    let admin = app.admin_token().await;

    // Over the cap, declared: refused at once, nothing kept.
    let big = vec![b'a'; 2 * 1024 * 1024 + 1];
    let response = upload(&app, Some(&admin), "big.csv", big.clone()).await;
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "PAYLOAD_TOO_LARGE");
    assert!(
        body["error"].as_str().unwrap().contains("2.0 MiB"),
        "{body}"
    );
    // Over the cap, streamed without a length: cut off, nothing kept.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        big.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let response = app
        .client
        .post(app.url("/imports/upload?fileName=big.csv"))
        .bearer_auth(&admin)
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let kept: Vec<_> = std::fs::read_dir(app.config.data_dir.join("imports"))
        .map(|d| d.filter_map(Result::ok).collect())
        .unwrap_or_default();
    assert!(kept.is_empty(), "{kept:?}");

    // Larger than the 1 MiB every other request is held to, under the import cap: fine.
    let mut file = b"name,phone,notes\n".to_vec();
    let notes = "x".repeat(2000);
    while file.len() < 1024 * 1024 + 10 {
        file.extend_from_slice(format!("Someone,13800138000,{notes}\n").as_bytes());
    }
    let id = upload_ok(&app, &admin, "ok.csv", file).await;

    // Empty, anonymous, a rep: refused.
    let empty = upload(&app, Some(&admin), "empty.csv", Vec::new()).await;
    assert_eq!(empty.status(), 400);
    assert_eq!(
        upload(&app, None, "x.csv", b"a\n".to_vec()).await.status(),
        401
    );
    app.create_user(&admin, "rep@example.com", "REP", None)
        .await;
    let rep = app.login("rep@example.com", "rep-password-123").await["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        upload(&app, Some(&rep), "x.csv", b"a\n".to_vec())
            .await
            .status(),
        403
    );
    let body = app.gql(Some(&rep), PREVIEW, json!({ "id": id })).await;
    assert_eq!(crate::helpers::error_code(&body), "FORBIDDEN");

    // A mapping without a name, or a way to reach, or with an unknown field.
    let started = start(
        &app,
        &admin,
        &id,
        json!([{ "column": 1, "field": "phone" }, { "column": 0, "field": "nickname" }]),
        "MERGE",
    )
    .await;
    assert!(started["importJob"].is_null());
    let errors = started["userErrors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{started}");
    assert!(errors.iter().all(|e| e["field"] == "mapping"));
    let started = start(
        &app,
        &admin,
        &id,
        json!([{ "column": 0, "field": "personName" }, { "column": 9, "field": "phone" }]),
        "MERGE",
    )
    .await;
    assert_eq!(started["userErrors"][0]["field"], "mapping", "{started}");
    // A good one starts once; a second start of the same upload is a conflict.
    let mapping =
        json!([{ "column": 0, "field": "personName" }, { "column": 1, "field": "phone" }]);
    let started = start(&app, &admin, &id, mapping.clone(), "SKIP").await;
    assert_eq!(started["userErrors"], json!([]), "{started}");
    let again = start(&app, &admin, &id, mapping, "SKIP").await;
    assert_eq!(again["userErrors"][0]["code"], "CONFLICT", "{again}");
    let done = wait_done(&app, &admin, &id, Duration::from_secs(120)).await;
    // Every row is the same person: one lead, the rest skipped as duplicates.
    assert_eq!(done["rowsCreated"], 1, "{done}");
    assert_eq!(
        done["rowsSkipped"].as_i64().unwrap() + 1,
        done["totalRows"].as_i64().unwrap()
    );
}

#[tokio::test]
async fn an_import_cut_off_by_a_restart_resumes_with_every_row_once() {
    const ROWS: usize = 2000;
    let app = spawn_app_with(|c| c.import_chunk_rows = 10).await;
    let token = app.admin_token().await;
    let mut csv = String::from("姓名,邮箱,手机,公司\n");
    for i in 0..ROWS {
        csv.push_str(&format!(
            "客户{i},lead{i}@example.com,1380000{i:04},公司{i}\n"
        ));
    }
    let id = upload_ok(&app, &token, "big.csv", csv.into_bytes()).await;
    let mapping = json!([
        { "column": 0, "field": "personName" },
        { "column": 1, "field": "email" },
        { "column": 2, "field": "phone" },
        { "column": 3, "field": "company" }
    ]);
    let started = start(&app, &token, &id, mapping, "MERGE").await;
    assert_eq!(started["userErrors"], json!([]), "{started}");

    // Stop the server once some chunks are in, mid-way.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let before = loop {
        let j = job(&app, &token, &id).await;
        if j["rowsDone"].as_i64().unwrap_or(0) > 0 {
            break j;
        }
        assert!(tokio::time::Instant::now() < deadline, "no progress: {j}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let app = app.restart().await;
    let token = app.admin_token().await;
    let resumed = job(&app, &token, &id).await;
    assert!(
        resumed["rowsDone"].as_i64().unwrap() >= before["rowsDone"].as_i64().unwrap(),
        "{resumed}"
    );

    let done = wait_done(&app, &token, &id, Duration::from_secs(180)).await;
    assert_eq!(done["status"], "DONE", "{done}");
    assert_eq!(done["rowsDone"], ROWS, "{done}");
    assert_eq!(done["totalRows"], ROWS);
    assert_eq!(done["rowsCreated"], ROWS);
    assert_eq!(done["rowsFailed"], 0);
    let db = &app.server.db;
    assert_eq!(lead::Entity::find().count(db).await.unwrap(), ROWS as u64);
    let captured = lead_event::Entity::find()
        .filter(lead_event::Column::Kind.eq("captured"))
        .count(db)
        .await
        .unwrap();
    assert_eq!(captured, ROWS as u64, "one capture event per row");
    for i in [0, ROWS / 2, ROWS - 1] {
        assert_eq!(
            leads_with_email(&app, &format!("lead{i}@example.com"))
                .await
                .len(),
            1
        );
    }
    assert!(
        before["status"] != "DONE",
        "the import should still have been running when the server stopped: {before}"
    );
}

#[tokio::test]
async fn a_job_held_by_a_dead_worker_is_taken_over_when_its_lease_runs_out() {
    use leadflow::entity::{import_job, job};
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};

    let app = spawn_app().await;
    let token = app.admin_token().await;
    let id = upload_ok(
        &app,
        &token,
        "a.csv",
        b"name,phone\nAlice,13800138000\nBob,13900139000\n".to_vec(),
    )
    .await;
    let db = &app.server.db;
    // As if a worker on another server had started it and died: the import is
    // queued and its job leased for two more seconds by a runner that is gone.
    let import = import_job::Entity::find_by_id(uuid::Uuid::parse_str(&id).unwrap())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut import = import.into_active_model();
    import.mapping = Set(Some(import_job::ColumnMapping(vec![
        import_job::MappedColumn {
            column: 0,
            field: "personName".into(),
        },
        import_job::MappedColumn {
            column: 1,
            field: "phone".into(),
        },
    ])));
    import.dedup_policy = Set(Some("merge".into()));
    import.source = Set(Some("import".into()));
    import.status = Set("queued".into());
    import.next_byte_offset = Set("name,phone\n".len() as i64);
    import.next_row = Set(2);
    import.update(db).await.unwrap();
    // Written leased in one go, so this server's runner never sees it free.
    let now = chrono::Utc::now();
    let job_id = uuid::Uuid::now_v7();
    job::ActiveModel {
        id: Set(job_id),
        kind: Set(leadflow::domain::imports::JOB_KIND.into()),
        payload: Set(json!({ "importId": id })),
        run_at: Set(now),
        attempts: Set(1),
        locked_until: Set(Some(now + chrono::Duration::seconds(3))),
        locked_by: Set(Some(uuid::Uuid::now_v7())),
        done_at: Set(None),
        last_error: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();

    // While the lease holds, nobody else runs it.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(job(&app, &token, &id).await["status"], "QUEUED");
    // Once it has run out, the next poll takes the job over and finishes it.
    let done = wait_done(&app, &token, &id, Duration::from_secs(30)).await;
    assert_eq!(done["status"], "DONE", "{done}");
    assert_eq!(done["rowsCreated"], 2, "{done}");
    // The runner records the job's end just after the import's own last commit.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let finished = loop {
        let found = job::Entity::find_by_id(job_id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        if found.done_at.is_some() || tokio::time::Instant::now() > deadline {
            break found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(finished.done_at.is_some(), "{finished:?}");
    assert_eq!(finished.attempts, 2);
    assert_eq!(finished.locked_by, None);
}

#[tokio::test]
async fn an_import_whose_file_is_gone_fails_with_a_clear_reason() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let csv = || b"name,phone\nAlice,13800138000\n".to_vec();
    let mapping =
        json!([{ "column": 0, "field": "personName" }, { "column": 1, "field": "phone" }]);
    let files = app.config.data_dir.join("imports");
    let remove_all = || {
        for f in std::fs::read_dir(&files).unwrap() {
            std::fs::remove_file(f.unwrap().path()).unwrap();
        }
    };

    // Gone before the start: the start says so.
    let id = upload_ok(&app, &token, "a.csv", csv()).await;
    remove_all();
    let started = start(&app, &token, &id, mapping.clone(), "MERGE").await;
    assert_eq!(started["userErrors"][0]["code"], "NOT_FOUND", "{started}");
    assert_eq!(started["userErrors"][0]["field"], "uploadId");

    // Gone once queued (here: before any worker got to it): the import fails, says
    // why, and writes nothing.
    let id = upload_ok(&app, &token, "b.csv", csv()).await;
    let db = &app.server.db;
    {
        use leadflow::entity::import_job;
        use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
        let mut queued = import_job::Entity::find_by_id(uuid::Uuid::parse_str(&id).unwrap())
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .into_active_model();
        queued.status = Set("queued".into());
        queued.update(db).await.unwrap();
    }
    remove_all();
    leadflow::jobs::enqueue(
        db,
        leadflow::domain::imports::JOB_KIND,
        json!({ "importId": id }),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let done = wait_done(&app, &token, &id, Duration::from_secs(30)).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    assert!(
        done["error"].as_str().unwrap().contains("upload it again"),
        "{done}"
    );
    assert_eq!(done["rowsDone"], 0);
    assert_eq!(lead::Entity::find().count(db).await.unwrap(), 0);
}
