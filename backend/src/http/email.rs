//! The links in journey emails: the open pixel, click redirects and unsubscribe.
//!
//! Each carries a token signed with the installation's key (see
//! `domain::email::LinkKey`), so nobody can fake an open, send a click anywhere, or
//! unsubscribe someone else. A bad token gets the same answer as a good one for the
//! pixel (a mail client shows nothing either way) and a plain 404 otherwise.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use leadflow_shared::BehaviourKind;
use serde::Deserialize;

use crate::app::HttpState;
use crate::domain::journeys;

/// A transparent 1x1 GIF.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// `GET /e/o/{token}.gif`
pub async fn open(State(s): State<HttpState>, Path(token): Path<String>) -> Response {
    let token = token.strip_suffix(".gif").unwrap_or(&token);
    if let Some(email_id) = s.app.email_links.verify("open", token) {
        if let Err(err) =
            journeys::record_engagement(&s.app.db, email_id, BehaviourKind::EmailOpen, None).await
        {
            tracing::error!(error = %err, %email_id, "recording an email open failed");
        }
    }
    (
        [
            (header::CONTENT_TYPE, "image/gif"),
            (header::CACHE_CONTROL, "no-store, max-age=0"),
        ],
        PIXEL,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct ClickQuery {
    u: String,
}

/// `GET /e/c/{token}?u=<url>`: records the click, then sends the reader on.
pub async fn click(
    State(s): State<HttpState>,
    Path(token): Path<String>,
    Query(q): Query<ClickQuery>,
) -> Response {
    let Some(email_id) = s.app.email_links.verify_click(&token, &q.u) else {
        return (StatusCode::NOT_FOUND, "This link is not valid.").into_response();
    };
    if let Err(err) =
        journeys::record_engagement(&s.app.db, email_id, BehaviourKind::EmailClick, Some(&q.u))
            .await
    {
        tracing::error!(error = %err, %email_id, "recording an email click failed");
    }
    Redirect::to(&q.u).into_response()
}

/// `GET|POST /e/u/{token}`: stops every journey email to the lead.
pub async fn unsubscribe(State(s): State<HttpState>, Path(token): Path<String>) -> Response {
    let Some(lead_id) = s.app.email_links.verify("unsubscribe", &token) else {
        return (StatusCode::NOT_FOUND, "This unsubscribe link is not valid.").into_response();
    };
    match journeys::unsubscribe(&s.app.db, lead_id).await {
        Ok(true) => Html(
            "<!doctype html><meta charset=utf-8><title>Unsubscribed</title>\
             <p>You are unsubscribed and will get no more of these emails. 您已退订。</p>",
        )
        .into_response(),
        Ok(false) => (StatusCode::NOT_FOUND, "This unsubscribe link is not valid.").into_response(),
        Err(err) => {
            tracing::error!(error = %err, %lead_id, "unsubscribing failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "We could not record this just now; please open the link again in a minute.",
            )
                .into_response()
        }
    }
}
