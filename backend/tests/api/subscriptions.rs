//! The live feed over WebSocket (graphql-transport-ws), with a real WebSocket client.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{spawn_app, TestApp};

pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) async fn open(app: &TestApp, init_payload: Value) -> Socket {
    let mut request = app.ws_url().into_client_request().unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("WebSocket opens");
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    socket
        .send(Message::Text(
            json!({ "type": "connection_init", "payload": init_payload })
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    socket
}

/// The next protocol message; `Err(reason)` when the server closes the socket; `None`
/// when it stays silent.
pub(crate) async fn next_message(
    socket: &mut Socket,
    wait: Duration,
) -> Option<Result<Value, String>> {
    loop {
        let msg = tokio::time::timeout(wait, socket.next()).await.ok()??;
        match msg {
            Ok(Message::Text(text)) => return Some(Ok(serde_json::from_str(&text).unwrap())),
            Ok(Message::Close(frame)) => {
                return Some(Err(frame.map_or_else(String::new, |f| f.reason.to_string())))
            }
            Ok(_) => continue,
            Err(_) => return None,
        }
    }
}

#[tokio::test]
async fn a_manager_sees_user_changes_live() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let mut socket = open(&app, json!({ "authorization": format!("Bearer {admin}") })).await;
    let ack = next_message(&mut socket, Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ack["type"], "connection_ack");
    socket
        .send(Message::Text(
            json!({ "id": "1", "type": "subscribe",
                    "payload": { "query": "subscription { userChanges { kind user { email role } } }" } })
            .to_string()
            .into(),
        ))
        .await
        .unwrap();

    // The subscription registers asynchronously: keep changing things until one arrives.
    let mut created = Vec::new();
    let mut received = None;
    for i in 0..10 {
        let email = format!("live{i}@example.com");
        app.create_user(&admin, &email, "REP", None).await;
        created.push(email);
        if let Some(Ok(msg)) = next_message(&mut socket, Duration::from_secs(2)).await {
            received = Some(msg);
            break;
        }
    }
    let msg = received.expect("a userChanges event arrives");
    assert_eq!(msg["type"], "next", "{msg}");
    assert_eq!(msg["id"], "1");
    let event = &msg["payload"]["data"]["userChanges"];
    assert_eq!(event["kind"], "CREATED");
    assert_eq!(event["user"]["role"], "REP");
    assert!(created
        .iter()
        .any(|e| e == event["user"]["email"].as_str().unwrap()));
}

#[tokio::test]
async fn bad_credentials_close_the_socket_and_reps_are_refused() {
    let app = spawn_app().await;
    let mut socket = open(&app, json!({ "authorization": "Bearer not-a-token" })).await;
    match next_message(&mut socket, Duration::from_secs(5)).await {
        Some(Err(reason)) => assert!(reason.contains("not valid"), "{reason}"),
        other => panic!("expected the server to close the socket, got {other:?}"),
    }

    let admin = app.admin_token().await;
    app.create_user(&admin, "rep@example.com", "REP", None)
        .await;
    let rep = app.login("rep@example.com", "rep-password-123").await["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let mut socket = open(&app, json!({ "authorization": rep })).await;
    assert_eq!(
        next_message(&mut socket, Duration::from_secs(5))
            .await
            .unwrap()
            .unwrap()["type"],
        "connection_ack"
    );
    socket
        .send(Message::Text(
            json!({ "id": "7", "type": "subscribe", "payload": { "query": "subscription { userChanges { kind } }" } })
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    let msg = next_message(&mut socket, Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(msg["type"], "next", "{msg}");
    assert!(msg["payload"]["data"].is_null());
    assert_eq!(
        msg["payload"]["errors"][0]["extensions"]["code"],
        "FORBIDDEN"
    );
}
