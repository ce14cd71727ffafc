//! `GET /healthz`: 200 when the server can reach its database, 503 otherwise.

use axum::extract::State;
use axum::http::StatusCode;

use crate::app::HttpState;

pub async fn healthz(State(s): State<HttpState>) -> (StatusCode, &'static str) {
    match s.app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
