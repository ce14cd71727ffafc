//! Protections every request passes: a body-size cap with a clear message, and a
//! per-request timeout for GraphQL.

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Largest request body accepted: 1 MiB.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Longest a GraphQL request may run.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

fn too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        axum::Json(serde_json::json!({
            "errors": [{
                "message": "request body is larger than 1 MiB; send less per request (split big batches, upload files through the import)",
                "extensions": { "code": "PAYLOAD_TOO_LARGE" }
            }]
        })),
    )
        .into_response()
}

/// Refuses bodies over [`MAX_BODY_BYTES`]: at once when the length is declared (the
/// HTTP layer holds the client to it), and after reading at most the limit when it is
/// not (chunked uploads).
pub async fn body_size(request: Request, next: Next) -> Response {
    // CSV uploads stream to disk under their own, larger cap.
    if request.uri().path() == crate::http::imports::UPLOAD_PATH {
        return next.run(request).await;
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > MAX_BODY_BYTES as u64 => too_large(),
        Some(_) => next.run(request).await,
        None if request.headers().contains_key(header::TRANSFER_ENCODING) => {
            let (parts, body) = request.into_parts();
            match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
                Ok(bytes) => {
                    next.run(Request::from_parts(parts, Body::from(bytes)))
                        .await
                }
                Err(_) => too_large(),
            }
        }
        None => next.run(request).await,
    }
}

pub fn request_timeout() -> tower_http::timeout::TimeoutLayer {
    tower_http::timeout::TimeoutLayer::with_status_code(
        StatusCode::GATEWAY_TIMEOUT,
        REQUEST_TIMEOUT,
    )
}

/// A fixed-window counter per client (an address, or an API key): at most `limit`
/// requests per `window`.
#[derive(Clone)]
pub struct RateLimiter<K = std::net::IpAddr> {
    limit: u32,
    window: Duration,
    seen: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<K, (std::time::Instant, u32)>>>,
}

impl<K: std::hash::Hash + Eq> RateLimiter<K> {
    pub fn new(limit: u32, window: Duration) -> Self {
        RateLimiter {
            limit,
            window,
            seen: Default::default(),
        }
    }

    /// `Err(wait)` when the client has used its allowance for this window.
    pub fn check(&self, client: K) -> Result<(), Duration> {
        let now = std::time::Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() > 100_000 {
            let window = self.window;
            seen.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = seen.entry(client).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit {
            return Err(self.window.saturating_sub(now.duration_since(entry.0)));
        }
        entry.1 += 1;
        Ok(())
    }
}

/// 429 with `Retry-After` for an API key over its allowance, shaped as a GraphQL
/// response so client libraries surface the message.
pub fn api_key_over_limit(wait: Duration, per_minute: u32) -> Response {
    let seconds = wait.as_secs().max(1);
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, seconds.to_string())],
        axum::Json(serde_json::json!({
            "errors": [{
                "message": format!(
                    "this API key has made {per_minute} requests this minute, its limit; try again in {seconds} seconds"
                ),
                "extensions": { "code": "RATE_LIMITED", "retryAfterSeconds": seconds }
            }]
        })),
    )
        .into_response()
}

/// 429 with `Retry-After`, as JSON or as a short page.
pub fn too_many_requests(wait: Duration, json: bool) -> Response {
    let seconds = wait.as_secs().max(1);
    let retry = [(header::RETRY_AFTER, seconds.to_string())];
    let message = format!("too many requests from your address; try again in {seconds} seconds");
    if json {
        (
            StatusCode::TOO_MANY_REQUESTS,
            retry,
            axum::Json(serde_json::json!({ "ok": false, "error": message })),
        )
            .into_response()
    } else {
        (
            StatusCode::TOO_MANY_REQUESTS,
            retry,
            axum::response::Html(format!(
                "<!doctype html><meta charset=utf-8><p>{message}</p>"
            )),
        )
            .into_response()
    }
}
