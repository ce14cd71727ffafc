//! Protections: body size, query depth and complexity.

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
