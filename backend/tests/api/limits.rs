//! Protections: body size, query depth, complexity and aliases, batches, per-key rate
//! limits, introspection and the Content-Security-Policy.

use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_body_over_one_mebibyte_is_refused_with_a_clear_message() {
    let app = spawn_app().await;
    let padding = "x".repeat(1024 * 1024 + 10);
    let body = json!({ "query": "{ teams { id } }", "variables": { "padding": padding } });
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE");
    assert!(json["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("1 MiB"));

    // Streamed without a declared length, it is cut off the same way.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![Ok(serde_json::to_vec(&body).unwrap())];
    let stream = futures_util::stream::iter(chunks);
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn deep_or_costly_queries_are_refused_before_running() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let mut deep = String::from("id");
    for _ in 0..8 {
        deep = format!("team {{ manager {{ {deep} }} }}");
    }
    let body = app
        .gql(Some(&admin), &format!("{{ me {{ {deep} }} }}"), json!({}))
        .await;
    assert!(body["data"].is_null());
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nested too deep"),
        "{body}"
    );

    let costly = "{ users(first: 200) { edges { node { team { members { team { members { email } } } } } } } }";
    let body = app.gql(Some(&admin), costly, json!({})).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("complex"),
        "{body}"
    );

    // Introspection (what GraphiQL and code generators send) stays within the limits.
    let body = app
        .gql(
            None,
            "{ __schema { types { name fields { name type { name kind ofType { name kind ofType { name kind ofType { name } } } } } } } }",
            json!({}),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
}

#[tokio::test]
async fn many_aliases_or_a_batch_in_one_request_are_refused() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let aliased = |n: usize| {
        let fields: String = (0..n).map(|i| format!(" a{i}: me {{ id }}")).collect();
        format!("{{{fields} }}")
    };
    let fine = app.gql(Some(&admin), &aliased(30), json!({})).await;
    assert!(fine["errors"].is_null(), "{fine}");
    assert!(fine["data"]["a29"]["id"].is_string());

    // Brute-forcing sign-ins under many names in one request is refused before any runs.
    let logins: String = (0..31)
        .map(|i| format!(" l{i}: login(input: {{ email: \"admin@example.com\", password: \"guess{i}\" }}) {{ accessToken }}"))
        .collect();
    let refused = app
        .gql(None, &format!("mutation {{{logins} }}"), json!({}))
        .await;
    assert!(refused["data"].is_null(), "{refused}");
    assert_eq!(
        refused["errors"][0]["extensions"]["code"],
        "QUERY_TOO_COMPLEX"
    );
    assert!(refused["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("at most 30"));

    // Batches (a JSON array of operations) are not accepted.
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&admin)
        .json(&json!([{ "query": "{ me { id } }" }, { "query": "{ me { id } }" }]))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
}

#[tokio::test]
async fn an_api_key_over_its_allowance_gets_429_with_retry_after() {
    let app = crate::helpers::spawn_app_with(|c| c.api_key_requests_per_minute = 3).await;
    let admin = app.admin_token().await;
    let key = |name: &'static str| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let body = app
                .gql(
                    Some(&admin),
                    "mutation($n: String!) { apiKeyCreate(input: { name: $n, scopes: [LEADS_READ] }) { secret } }",
                    json!({ "n": name }),
                )
                .await;
            body["data"]["apiKeyCreate"]["secret"]
                .as_str()
                .unwrap_or_else(|| panic!("{body}"))
                .to_string()
        }
    };
    let busy = key("busy").await;
    let other = key("other").await;
    let call = |token: String| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/graphql"))
                .bearer_auth(token)
                .json(&json!({ "query": "{ leads(first: 1) { totalCount } }" }))
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..3 {
        assert_eq!(call(busy.clone()).await.status(), 200);
    }
    let limited = call(busy.clone()).await;
    assert_eq!(limited.status(), 429);
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body: serde_json::Value = limited.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    // Another key, and people signed in, are not held back by it.
    assert_eq!(call(other).await.status(), 200);
    for _ in 0..5 {
        assert_eq!(call(admin.clone()).await.status(), 200);
    }
}

#[tokio::test]
async fn introspection_can_be_turned_off_for_production() {
    let query = "{ __schema { queryType { name } } }";
    let open = spawn_app().await;
    let body = open.gql(None, query, json!({})).await;
    assert_eq!(
        body["data"]["__schema"]["queryType"]["name"], "Query",
        "{body}"
    );

    let closed = crate::helpers::spawn_app_with(|c| c.introspection = false).await;
    let body = closed.gql(None, query, json!({})).await;
    // The schema is not described to anyone.
    assert!(body["data"]["__schema"].is_null(), "{body}");
    let types = closed
        .gql(
            None,
            "{ __type(name: \"Lead\") { fields { name } } }",
            json!({}),
        )
        .await;
    assert!(types["data"]["__type"].is_null(), "{types}");
    // Ordinary queries still work.
    let admin = closed.admin_token().await;
    let me = closed.gql(Some(&admin), "{ me { id } }", json!({})).await;
    assert!(me["data"]["me"]["id"].is_string(), "{me}");
}

#[tokio::test]
async fn the_app_is_served_under_a_policy_that_allows_only_its_own_loader() {
    let dist = tempfile::tempdir().unwrap();
    let loader = "import init from '/app.js'; await init();";
    std::fs::write(
        dist.path().join("index.html"),
        format!("<!doctype html><script type=\"module\">{loader}</script><body></body>"),
    )
    .unwrap();
    let dist_dir = dist.path().to_path_buf();
    let app = crate::helpers::spawn_app_with(move |c| c.dist_dir = dist_dir).await;
    for path in ["/", "/leads/some-client-route"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        let expected = {
            use base64::Engine;
            use sha2::Digest;
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(loader))
        };
        assert!(policy.contains(&format!("'sha256-{expected}'")), "{policy}");
        assert!(policy.contains("script-src 'self'"), "{policy}");
        assert!(!policy.contains("'unsafe-eval'"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert_eq!(response.headers()["x-frame-options"], "DENY");
    }
}
