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
