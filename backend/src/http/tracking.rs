//! `POST /t`: behaviour events from websites and integrations.
//!
//! A website's script sends `{"token": "<lead tracking token>", "kind": "page_view",
//! "url": "..."}` from the visitor's browser (CORS-enabled, no credentials); an
//! integration sends `{"leadId": "...", ...}` with `Authorization: Bearer <API key>`
//! holding the `capture` scope. Answers 202 when recorded.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use leadflow_shared::{ApiScope, BehaviourKind};
use serde::Deserialize;
use uuid::Uuid;

use crate::app::HttpState;
use crate::auth::{Authentication, Principal};
use crate::domain::tracking::{self, BehaviourEvent};
use crate::domain::{sessions, Actor};
use crate::error::DomainError;
use crate::http::limits;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackRequest {
    token: Option<String>,
    lead_id: Option<String>,
    kind: String,
    url: Option<String>,
    name: Option<String>,
    occurred_at: Option<DateTime<Utc>>,
    properties: Option<serde_json::Value>,
}

fn failed(err: &dyn std::fmt::Display) -> Response {
    let (status, code, message) = crate::error::failure_reply(err);
    (
        status,
        Json(serde_json::json!({ "ok": false, "error": message, "code": code })),
    )
        .into_response()
}

fn reply(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(serde_json::json!({ "ok": false, "error": message })),
    )
        .into_response()
}

fn parse_kind(kind: &str) -> Option<BehaviourKind> {
    BehaviourKind::parse(&kind.trim().to_ascii_lowercase())
}

pub async fn track(
    State(s): State<HttpState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<TrackRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    if let Err(wait) = s.app.tracking_limiter.check(addr.ip()) {
        return limits::too_many_requests(wait, true);
    }
    let Json(request) = match body {
        Ok(body) => body,
        Err(rejection) => {
            return reply(
                StatusCode::BAD_REQUEST,
                &format!("send a JSON event: {}", rejection.body_text()),
            )
        }
    };
    let Some(kind) = parse_kind(&request.kind) else {
        let kinds: Vec<&str> = BehaviourKind::ALL.iter().map(|k| k.as_str()).collect();
        return reply(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("kind must be one of {}", kinds.join(", ")),
        );
    };
    let bearer = crate::http::graphql::bearer(&headers);
    let (lead_id, actor) = if let Some(bearer) = bearer {
        let auth = match sessions::authenticate(&s.app.db, &s.app.keys, Some(bearer)).await {
            Ok(auth) => auth,
            Err(e) => {
                tracing::error!(error = %e, "tracking: reading credentials failed");
                return failed(&e);
            }
        };
        let key = match auth {
            Authentication::Authenticated(Principal::ApiKey(key)) => key,
            Authentication::Rejected(why) => return reply(StatusCode::UNAUTHORIZED, why),
            _ => return reply(
                StatusCode::FORBIDDEN,
                "send events with an API key, or with a lead's tracking token and no credentials",
            ),
        };
        if !key.scopes.contains(&ApiScope::Capture) {
            return reply(
                StatusCode::FORBIDDEN,
                "this API key lacks the capture scope",
            );
        }
        let Some(lead_id) = request
            .lead_id
            .as_deref()
            .and_then(|id| Uuid::parse_str(id).ok())
        else {
            return reply(
                StatusCode::UNPROCESSABLE_ENTITY,
                "leadId is required and must be a lead's id",
            );
        };
        (
            lead_id,
            Actor {
                user_id: None,
                api_key_id: Some(key.id),
            },
        )
    } else {
        let Some(lead_id) = request
            .token
            .as_deref()
            .and_then(|t| s.app.tracking.verify(t))
        else {
            return reply(
                StatusCode::UNAUTHORIZED,
                "the tracking token is missing or not valid",
            );
        };
        (lead_id, Actor::system())
    };
    let event = BehaviourEvent {
        lead_id,
        kind,
        url: request.url,
        name: request.name,
        occurred_at: request.occurred_at,
        properties: request.properties,
    };
    match tracking::track(&s.app.db, actor, event).await {
        Ok(recorded) => (
            StatusCode::ACCEPTED,
            Json(serde_json::json!({ "ok": true, "eventId": recorded.id })),
        )
            .into_response(),
        Err(DomainError::Invalid(problems)) => {
            let status = if problems
                .iter()
                .any(|p| p.code == leadflow_shared::UserErrorCode::NotFound)
            {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let errors: Vec<_> = problems
                .iter()
                .map(|p| serde_json::json!({ "field": p.field, "message": p.message, "code": p.code }))
                .collect();
            (
                status,
                Json(serde_json::json!({ "ok": false, "errors": errors })),
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "tracking failed");
            failed(&e)
        }
    }
}
