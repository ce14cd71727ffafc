//! GraphQL over HTTP (`POST /graphql`), over WebSocket (`/graphql/ws`,
//! graphql-transport-ws), and the GraphiQL explorer.

use std::net::SocketAddr;

use async_graphql::http::{GraphiQLSource, ALL_WEBSOCKET_PROTOCOLS};
use async_graphql_axum::{GraphQLProtocol, GraphQLRequest, GraphQLResponse, GraphQLWebSocket};
use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};

use crate::app::HttpState;
use crate::auth::{Authentication, Principal};
use crate::domain::sessions;
use crate::error::Outage;
use crate::graphql::{self as gql, ErrorCode};
use leadflow_shared::Role;

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token)
}

pub async fn execute(
    State(s): State<HttpState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> Response {
    let auth = match sessions::authenticate(&s.app.db, &s.app.keys, bearer(&headers)).await {
        Ok(auth) => auth,
        Err(err) => {
            tracing::error!(error = %err, "reading credentials failed");
            let error = match Outage::of(&err) {
                Some(outage) => gql::outage_error(outage),
                None => ErrorCode::Internal.error("internal error; try again"),
            };
            let response = async_graphql::Response::from_errors(vec![
                error.into_server_error(async_graphql::Pos::default())
            ]);
            return GraphQLResponse::from(response).into_response();
        }
    };
    let per_minute = s.app.config.api_key_requests_per_minute;
    if let Authentication::Authenticated(Principal::ApiKey(key)) = &auth {
        if per_minute > 0 {
            if let Err(wait) = s.app.api_key_limiter.check(key.id) {
                metrics::counter!("leadflow_api_key_rate_limited_total").increment(1);
                return crate::http::limits::api_key_over_limit(wait, per_minute);
            }
        }
    }
    let request = gql::prepare_request(request.into_inner(), &s.app, auth, addr.ip());
    GraphQLResponse::from(s.schema.execute(request).await).into_response()
}

/// Upgrades to a WebSocket. The client authenticates in `connection_init` with
/// `{"authorization": "Bearer <token or API key>"}`; bad credentials close the socket.
pub async fn subscriptions(
    State(s): State<HttpState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let app = s.app.clone();
            // Listen before anyone can sign in on this socket, so no change is missed.
            let changes = s.app.events.subscribe_users();
            let relayed = s.app.events.subscribe_outbox();
            let (signed_in, who) = tokio::sync::oneshot::channel::<(uuid::Uuid, Role)>();
            let signed_in = std::sync::Mutex::new(Some(signed_in));
            let served = GraphQLWebSocket::new(socket, s.schema.clone(), protocol)
                .on_connection_init(move |payload| async move {
                    let token = connection_token(&payload);
                    let auth = sessions::authenticate(&app.db, &app.keys, token.as_deref())
                        .await
                        .map_err(|e| {
                            tracing::error!(error = %e, "reading WebSocket credentials failed");
                            async_graphql::Error::new("internal error")
                        })?;
                    if let Authentication::Rejected(why) = auth {
                        return Err(async_graphql::Error::new(why));
                    }
                    if let Authentication::Authenticated(Principal::User(user)) = &auth {
                        if let Some(tx) = signed_in.lock().ok().and_then(|mut t| t.take()) {
                            let _ = tx.send((user.id, user.role));
                        }
                    }
                    Ok(gql::connection_data(&app, auth, addr.ip()))
                })
                .serve();
            tokio::select! {
                () = served => {}
                () = access_ends(s.app.db.clone(), changes, relayed, who) => {
                    tracing::info!("closing a WebSocket: its user was deactivated or changed role");
                }
            }
        })
}

/// Resolves when the user signed in on a socket may no longer have what they
/// subscribed to: deactivated, or given another role, on this server (`changes`) or on
/// any other (the relayed outbox). Never resolves for API keys or a socket nobody signed
/// in on.
async fn access_ends(
    db: sea_orm::DatabaseConnection,
    changes: tokio::sync::broadcast::Receiver<crate::events::UserChanged>,
    relayed: tokio::sync::broadcast::Receiver<std::sync::Arc<crate::events::OutboxEvent>>,
    who: tokio::sync::oneshot::Receiver<(uuid::Uuid, Role)>,
) {
    use futures_util::StreamExt;
    use tokio_stream::wrappers::{errors::BroadcastStreamRecvError, BroadcastStream};
    let Ok((user_id, role)) = who.await else {
        return std::future::pending().await;
    };
    let still_allowed = || async {
        match crate::domain::users::find(&db, user_id).await {
            Ok(Some(u)) => u.active && Role::from(u.role) == role,
            Ok(None) => false,
            // A database hiccup is not a reason to cut a live feed.
            Err(_) => true,
        }
    };
    if !still_allowed().await {
        return;
    }
    // Whether an event may concern this user; a missed (lagged) event might have.
    let local = BroadcastStream::new(changes).map(move |e| match e {
        Ok(change) => change.user_id == user_id,
        Err(BroadcastStreamRecvError::Lagged(_)) => true,
    });
    let remote = BroadcastStream::new(relayed).map(move |e| match e {
        Ok(event) => {
            event.topic == crate::domain::users::ACCESS_CHANGED_TOPIC
                && event.aggregate_id == user_id
        }
        Err(BroadcastStreamRecvError::Lagged(_)) => true,
    });
    let mut concerns = futures_util::stream::select(local, remote);
    while let Some(concerned) = concerns.next().await {
        if concerned && !still_allowed().await {
            return;
        }
    }
    // Both buses closed: the server is shutting down, which ends the socket anyway.
    std::future::pending().await
}

/// Reads the credential from a `connection_init` payload: `authorization` (with or
/// without "Bearer ") or `token`.
fn connection_token(payload: &serde_json::Value) -> Option<String> {
    let raw = ["authorization", "Authorization", "token"]
        .iter()
        .find_map(|k| payload.get(*k).and_then(|v| v.as_str()))?;
    let token = match raw.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest,
        _ => raw,
    };
    Some(token.trim().to_string())
}

pub async fn graphiql() -> impl IntoResponse {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .title("Leadflow GraphQL")
            .finish(),
    )
}
