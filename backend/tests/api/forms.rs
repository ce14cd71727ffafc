//! Web-to-lead forms: designed over GraphQL, filled in by visitors at `/f/{key}`.

use leadflow::entity::{lead, lead_event};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

use crate::helpers::{error_code, spawn_app, TestApp};

const CREATE: &str = "mutation($input: FormCreateInput!) { formCreate(input: $input) {
    form { id key path name fields { name label required } source active embedSnippet(origin: \"https://crm.example.cn\") }
    userErrors { field message code } } }";

fn fields() -> Value {
    json!([
        { "name": "personName", "label": "姓名", "required": true },
        { "name": "phone", "label": "手机", "required": true },
        { "name": "company", "label": "公司", "required": false },
        { "name": "custom:budget", "label": "预算", "required": false }
    ])
}

async fn create_form(app: &TestApp, token: &str, extra: Value) -> Value {
    let mut input = json!({ "name": "白皮书下载", "fields": fields() });
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    let body = app
        .gql(Some(token), CREATE, json!({ "input": input }))
        .await;
    assert_eq!(
        body["data"]["formCreate"]["userErrors"],
        json!([]),
        "{body}"
    );
    body["data"]["formCreate"]["form"].clone()
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn marketers_design_forms_and_bad_definitions_are_refused() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    app.create_user(&admin, "mkt@example.com", "MARKETER", None)
        .await;
    app.create_user(&admin, "rep@example.com", "REP", None)
        .await;
    let marketer = app.login("mkt@example.com", "rep-password-123").await["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let rep = app.login("rep@example.com", "rep-password-123").await["accessToken"]
        .as_str()
        .unwrap()
        .to_string();

    let form = create_form(&app, &marketer, json!({})).await;
    assert_eq!(form["source"], "WEB_FORM");
    assert_eq!(form["active"], true);
    assert_eq!(
        form["path"],
        format!("/f/{}", form["key"].as_str().unwrap())
    );
    let snippet = form["embedSnippet"].as_str().unwrap();
    assert!(snippet.contains(&format!(
        "action=\"https://crm.example.cn/f/{}\"",
        form["key"].as_str().unwrap()
    )));
    assert!(
        snippet.contains("name=\"website\""),
        "the honeypot travels with the embed"
    );

    let denied = app.gql(Some(&rep), "{ forms { id } }", json!({})).await;
    assert_eq!(error_code(&denied), "FORBIDDEN");

    let bad = [
        (
            json!([{ "name": "email", "label": "Email", "required": true }]),
            "fields",
        ),
        (
            json!([{ "name": "personName", "label": "Name", "required": true }, { "name": "shoeSize", "label": "x", "required": false }]),
            "fields",
        ),
        (
            json!([{ "name": "personName", "label": "Name", "required": false }, { "name": "email", "label": "E", "required": true }]),
            "fields",
        ),
    ];
    for (fields, field) in bad {
        let body = app
            .gql(
                Some(&marketer),
                CREATE,
                json!({ "input": { "name": "x", "fields": fields } }),
            )
            .await;
        assert_eq!(
            body["data"]["formCreate"]["userErrors"][0]["field"], field,
            "{body}"
        );
    }
    let bad_url = app
        .gql(Some(&marketer), CREATE, json!({ "input": { "name": "x", "fields": fields(), "thankYouUrl": "javascript:alert(1)" } }))
        .await;
    assert_eq!(
        bad_url["data"]["formCreate"]["userErrors"][0]["field"],
        "thankYouUrl"
    );
}

#[tokio::test]
async fn a_visitor_fills_in_the_hosted_form_without_javascript() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let form = create_form(
        &app,
        &admin,
        json!({ "thankYouMessage": "资料已发送到您的邮箱" }),
    )
    .await;
    let path = form["path"].as_str().unwrap().to_string();
    let client = no_redirects();

    let page = client
        .get(app.url(&path))
        .header("accept-language", "zh-CN,zh;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("白皮书下载") && html.contains("手机") && html.contains("提交"));
    assert!(html.contains(&format!("action=\"{path}\"")));

    // A missing required answer: the page comes back with the error and what was typed.
    let response = client
        .post(app.url(&path))
        .form(&[("personName", "陈静"), ("phone", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("手机 is required") && html.contains("value=\"陈静\""),
        "{html}"
    );

    let answers = [
        ("personName", "陈静"),
        ("phone", "139 1234 5678"),
        ("company", "杭州博远软件有限公司"),
        ("custom:budget", "50万"),
        ("website", ""),
    ];
    for _ in 0..2 {
        let response = client
            .post(app.url(&path))
            .form(&answers)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], format!("{path}/thanks"));
    }
    assert_eq!(
        lead::Entity::find().count(&app.server.db).await.unwrap(),
        1,
        "a double submit is one lead"
    );
    assert_eq!(
        lead_event::Entity::find()
            .count(&app.server.db)
            .await
            .unwrap(),
        1
    );
    let stored = lead::Entity::find()
        .one(&app.server.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.source, "web_form");
    assert_eq!(stored.phone_e164.as_deref(), Some("+8613912345678"));
    assert_eq!(stored.custom_fields["budget"], "50万");
    let event = lead_event::Entity::find()
        .one(&app.server.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(event.data["origin"]["formName"], "白皮书下载");

    let thanks = client
        .get(app.url(&format!("{path}/thanks")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(thanks.contains("资料已发送到您的邮箱"));

    let unknown = client.get(app.url("/f/no-such-form")).send().await.unwrap();
    assert_eq!(unknown.status(), 404);
    assert!(unknown.text().await.unwrap().contains("does not exist"));
}

#[tokio::test]
async fn scripts_post_json_from_other_sites() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let form = create_form(
        &app,
        &admin,
        json!({ "thankYouUrl": "https://www.example.cn/thanks" }),
    )
    .await;
    let path = form["path"].as_str().unwrap().to_string();
    let client = no_redirects();

    let preflight = client
        .request(reqwest::Method::OPTIONS, app.url(&path))
        .header("origin", "https://www.example.cn")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    let api = client
        .post(app.url("/graphql"))
        .header("origin", "https://evil.example")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert!(
        api.headers().get("access-control-allow-origin").is_none(),
        "the API itself is not open to other sites"
    );

    let ok = client
        .post(app.url(&path))
        .header("origin", "https://www.example.cn")
        .json(&json!({ "personName": "Grace Wong", "phone": "+852 2345 6789", "company": "Harbour Ltd" }))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["access-control-allow-origin"], "*");
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["ok"], true);
    assert_eq!(body["redirect"], "https://www.example.cn/thanks");

    let html_post = client
        .post(app.url(&path))
        .form(&[("personName", "Li Lei"), ("phone", "13700001111")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        html_post.headers()["location"],
        "https://www.example.cn/thanks"
    );

    let invalid = client
        .post(app.url(&path))
        .json(&json!({ "personName": "x", "phone": "12" }))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 422);
    let body: Value = invalid.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "phone");
    assert_eq!(body["errors"][0]["code"], "INVALID");

    let garbage = client
        .post(app.url(&path))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400);
    assert_eq!(lead::Entity::find().count(&app.server.db).await.unwrap(), 2);
}

#[tokio::test]
async fn bots_are_thanked_and_floods_are_slowed() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let form = create_form(&app, &admin, json!({})).await;
    let path = form["path"].as_str().unwrap().to_string();
    let client = no_redirects();

    let bot = client
        .post(app.url(&path))
        .form(&[
            ("personName", "Cheap Pills"),
            ("phone", "13800138000"),
            ("website", "http://spam.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bot.status(), 303, "the bot is told it worked");
    assert_eq!(lead::Entity::find().count(&app.server.db).await.unwrap(), 0);
    let metrics = client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("leadflow_form_honeypot_total"));

    let mut limited = None;
    for _ in 0..40 {
        let r = client
            .post(app.url(&path))
            .json(&json!({ "personName": "x" }))
            .send()
            .await
            .unwrap();
        if r.status() == 429 {
            limited = Some(r);
            break;
        }
        assert_eq!(r.status(), 422);
    }
    let limited = limited.expect("the flood is cut off");
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
}
