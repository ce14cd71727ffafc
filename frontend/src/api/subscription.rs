//! Live updates over WebSocket, speaking the graphql-transport-ws protocol.
//!
//! [`subscribe`] opens `/graphql/ws`, sends `connection_init` with the access token,
//! waits for `connection_ack`, sends one `subscribe` and reports each `next` to a
//! callback; it answers `ping` with `pong`. A dropped connection is retried with
//! backoff; a refused token is renewed once through [`Client::renew`]. Dropping the
//! returned [`Subscription`] (e.g. when the page unmounts) stops everything.

use futures_util::future::{abortable, AbortHandle};
use futures_util::{SinkExt, StreamExt};
use gloo::net::websocket::{futures::WebSocket, Message, WebSocketError};
use gloo::timers::future::TimeoutFuture;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use yew::platform::spawn_local;
use yew::Callback;

use super::client::{first_error, GraphQlError};
use super::{ApiError, Client};
use crate::session::Tokens;

const PROTOCOL: &str = "graphql-transport-ws";
/// Close codes graphql-transport-ws servers use for a refused `connection_init`.
const CLOSE_UNAUTHORIZED: [u16; 2] = [4401, 4403];
/// async-graphql closes with "protocol error" when `on_connection_init` refuses the
/// token; before the ack that can only mean the credentials.
const CLOSE_PROTOCOL_ERROR: u16 = 1002;

/// What a subscriber hears.
#[derive(Debug, Clone, PartialEq)]
pub enum SubscriptionEvent<D> {
    /// The server acknowledged the connection; events will now arrive.
    Connected,
    Data(D),
    /// The connection dropped; a reconnect is scheduled.
    Reconnecting,
    /// The subscription ended for good (permission, protocol, session).
    Failed(ApiError),
}

/// Keeps a subscription alive; dropping it closes the socket.
pub struct Subscription {
    abort: AbortHandle,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.abort.abort();
    }
}

/// Starts `document` (a `subscription { ... }`) and reports to `on_event` until dropped.
pub fn subscribe<D: DeserializeOwned + 'static>(
    client: Client,
    document: String,
    variables: Value,
    on_event: Callback<SubscriptionEvent<D>>,
) -> Subscription {
    subscribe_with(client, document, move || variables.clone(), on_event)
}

/// Like [`subscribe`], but asks for the variables afresh before every (re)connection,
/// so a resumable feed can pass the last cursor it saw as `after` and miss nothing.
pub fn subscribe_with<D: DeserializeOwned + 'static>(
    client: Client,
    document: String,
    variables: impl Fn() -> Value + 'static,
    on_event: Callback<SubscriptionEvent<D>>,
) -> Subscription {
    // Only the decoding of `data` depends on `D`; the connection loop is written once for
    // every subscriber rather than copied into the module per data type.
    let report: Report = Box::new(move |event| {
        on_event.emit(match event {
            SubscriptionEvent::Connected => SubscriptionEvent::Connected,
            SubscriptionEvent::Data(data) => SubscriptionEvent::Data(
                serde_json::from_value::<D>(data).map_err(|e| ApiError::Decode(e.to_string()))?,
            ),
            SubscriptionEvent::Reconnecting => SubscriptionEvent::Reconnecting,
            SubscriptionEvent::Failed(err) => SubscriptionEvent::Failed(err),
        });
        Ok(())
    });
    let (task, abort) = abortable(run(client, document, Box::new(variables), report));
    spawn_local(async move {
        let _ = task.await;
    });
    Subscription { abort }
}

/// Passes an event on to the subscriber, with `data` still undecoded; fails when `data`
/// does not decode, which ends the subscription.
type Report = Box<dyn Fn(SubscriptionEvent<Value>) -> Result<(), ApiError>>;

enum Ended {
    Completed,
    Dropped { was_acked: bool },
    AuthRefused,
    Fatal(ApiError),
}

async fn run(client: Client, document: String, variables: Box<dyn Fn() -> Value>, report: Report) {
    // Only data can fail to reach the subscriber.
    let say = |event| {
        let _ = report(event);
    };
    let mut failures: u32 = 0;
    let mut renewed = false;
    loop {
        let used = Tokens::stored();
        match connect_once(&used, &document, &variables(), &report).await {
            Ended::Completed => return,
            Ended::Fatal(err) => return say(SubscriptionEvent::Failed(err)),
            Ended::AuthRefused if renewed => {
                return say(SubscriptionEvent::Failed(ApiError::Forbidden))
            }
            Ended::AuthRefused => match client.renew(used.as_ref()).await {
                Ok(_) => renewed = true,
                Err(err) => return say(SubscriptionEvent::Failed(err)),
            },
            Ended::Dropped { was_acked } => {
                if was_acked {
                    failures = 0;
                    renewed = false;
                }
                say(SubscriptionEvent::Reconnecting);
                // 1 s, 2 s, 4 s ... capped at 30 s.
                let delay = 1000u32.saturating_mul(1 << failures.min(5)).min(30_000);
                failures += 1;
                TimeoutFuture::new(delay).await;
            }
        }
    }
}

#[derive(Deserialize)]
struct ServerMessage {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    payload: Value,
}

#[derive(Deserialize)]
struct NextPayload {
    data: Option<Value>,
    #[serde(default)]
    errors: Vec<GraphQlError>,
}

fn websocket_url() -> Option<String> {
    let location = gloo::utils::window().location();
    let scheme = match location.protocol().ok()?.as_str() {
        "https:" => "wss",
        _ => "ws",
    };
    Some(format!("{scheme}://{}/graphql/ws", location.host().ok()?))
}

fn text(value: Value) -> Message {
    Message::Text(value.to_string())
}

async fn connect_once(
    tokens: &Option<Tokens>,
    document: &str,
    variables: &Value,
    report: &Report,
) -> Ended {
    let Some(url) = websocket_url() else {
        return Ended::Fatal(ApiError::Network);
    };
    let socket = match WebSocket::open_with_protocol(&url, PROTOCOL) {
        Ok(socket) => socket,
        Err(_) => return Ended::Dropped { was_acked: false },
    };
    let (mut outgoing, mut incoming) = socket.split();

    let payload = match tokens {
        Some(t) => json!({ "authorization": format!("Bearer {}", t.access_token) }),
        None => json!({}),
    };
    if outgoing
        .send(text(
            json!({ "type": "connection_init", "payload": payload }),
        ))
        .await
        .is_err()
    {
        return Ended::Dropped { was_acked: false };
    }

    let mut acked = false;
    while let Some(message) = incoming.next().await {
        let raw = match message {
            Ok(Message::Text(raw)) => raw,
            Ok(Message::Bytes(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(WebSocketError::ConnectionClose(close))
                if CLOSE_UNAUTHORIZED.contains(&close.code)
                    || (!acked && close.code == CLOSE_PROTOCOL_ERROR) =>
            {
                return Ended::AuthRefused
            }
            Err(_) => return Ended::Dropped { was_acked: acked },
        };
        let Ok(message) = serde_json::from_str::<ServerMessage>(&raw) else {
            return Ended::Fatal(ApiError::Decode(format!("unreadable message: {raw}")));
        };
        match message.kind.as_str() {
            "connection_ack" => {
                acked = true;
                let subscribe = json!({
                    "id": "1",
                    "type": "subscribe",
                    "payload": { "query": document, "variables": variables },
                });
                if outgoing.send(text(subscribe)).await.is_err() {
                    return Ended::Dropped { was_acked: true };
                }
                let _ = report(SubscriptionEvent::Connected);
            }
            "ping" => {
                let _ = outgoing.send(text(json!({ "type": "pong" }))).await;
            }
            "next" => match serde_json::from_value::<NextPayload>(message.payload) {
                Ok(next) => match (first_error(&next.errors), next.data) {
                    (Some(ApiError::Unauthenticated), _) => return Ended::AuthRefused,
                    (Some(err), _) => return Ended::Fatal(err),
                    (None, Some(data)) => {
                        if let Err(err) = report(SubscriptionEvent::Data(data)) {
                            return Ended::Fatal(err);
                        }
                    }
                    (None, None) => {}
                },
                Err(e) => return Ended::Fatal(ApiError::Decode(e.to_string())),
            },
            "error" => {
                let errors: Vec<GraphQlError> =
                    serde_json::from_value(message.payload).unwrap_or_default();
                return match first_error(&errors) {
                    Some(ApiError::Unauthenticated) => Ended::AuthRefused,
                    Some(err) => Ended::Fatal(err),
                    None => Ended::Fatal(ApiError::BadRequest("subscription refused".into())),
                };
            }
            "complete" => return Ended::Completed,
            _ => {}
        }
    }
    Ended::Dropped { was_acked: acked }
}
