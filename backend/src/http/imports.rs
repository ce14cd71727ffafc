//! CSV import files over plain HTTP (GraphQL does the rest: preview, start, progress):
//!
//! - `POST /imports/upload?fileName=...`: the raw file as the body, streamed to disk
//!   under its own cap (the 1 MiB limit of other requests does not apply); answers
//!   `{ "uploadId": ... }`.
//! - `GET /imports/{id}/errors.csv`: the rows that could not be imported, with their
//!   line numbers, as CSV in UTF-8 with a BOM (Excel then shows Chinese correctly).
//!
//! Both take `Authorization: Bearer <access token>` of an admin, marketer or manager.

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use uuid::Uuid;

use crate::app::HttpState;
use crate::auth::{Authentication, CurrentUser, Principal};
use crate::domain::{imports, sessions};

pub const UPLOAD_PATH: &str = "/imports/upload";
/// Error rows read per database round trip while streaming the report.
const REPORT_PAGE: u64 = 1000;

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(serde_json::json!({ "error": message.into(), "code": code })),
    )
        .into_response()
}

fn internal(err: impl std::fmt::Display) -> Response {
    tracing::error!(error = %err, "import request failed");
    let (status, code, message) = crate::error::failure_reply(&err);
    error(status, code, message)
}

/// The signed-in importer, or the response refusing the request.
async fn importer(s: &HttpState, headers: &HeaderMap) -> Result<CurrentUser, Response> {
    let bearer = crate::http::graphql::bearer(headers);
    match sessions::authenticate(&s.app.db, &s.app.keys, bearer).await {
        Err(e) => Err(internal(e)),
        Ok(Authentication::Authenticated(Principal::User(user))) => {
            if imports::IMPORTERS.contains(&user.role) {
                Ok(user)
            } else {
                Err(error(
                    StatusCode::FORBIDDEN,
                    "FORBIDDEN",
                    "your role does not allow importing leads",
                ))
            }
        }
        Ok(Authentication::Authenticated(Principal::ApiKey(_))) => Err(error(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "importing needs a signed-in user, not an API key",
        )),
        Ok(Authentication::Rejected(why)) => Err(error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            format!("{why}; sign in again"),
        )),
        Ok(Authentication::Anonymous) => Err(error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "sign in first",
        )),
    }
}

fn too_large(limit: u64) -> Response {
    let mib = limit as f64 / (1024.0 * 1024.0);
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
        format!(
            "the file is larger than the {mib:.1} MiB an import accepts ({limit} bytes); split it into smaller files"
        ),
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadQuery {
    file_name: Option<String>,
}

pub async fn upload(
    State(s): State<HttpState>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let user = match importer(&s, &headers).await {
        Ok(user) => user,
        Err(refused) => return refused,
    };
    let limit = s.app.config.max_upload_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return too_large(limit);
    }
    let name = query.file_name.unwrap_or_default();
    match imports::upload(
        &s.app.db,
        &s.app.config,
        user.id,
        &name,
        body.into_data_stream(),
    )
    .await
    {
        Ok(upload) => (
            StatusCode::CREATED,
            Json(serde_json::json!({
                "uploadId": upload.id,
                "fileName": upload.file_name,
                "size": upload.file_size,
                "encoding": upload.encoding,
            })),
        )
            .into_response(),
        Err(imports::UploadError::TooLarge { limit }) => too_large(limit),
        Err(imports::UploadError::Invalid(why)) => error(StatusCode::BAD_REQUEST, "INVALID", why),
        Err(imports::UploadError::Interrupted(why)) => error(
            StatusCode::BAD_REQUEST,
            "INTERRUPTED",
            format!("the upload was interrupted ({why}); try again"),
        ),
        Err(imports::UploadError::Domain(e)) => internal(e),
    }
}

/// Streams the error report page by page; never the whole report in memory.
pub async fn errors_csv(
    State(s): State<HttpState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = importer(&s, &headers).await {
        return refused;
    }
    let not_found = || error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such import");
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found();
    };
    match imports::find(&s.app.db, id).await {
        Ok(Some(_)) => {}
        Ok(None) => return not_found(),
        Err(e) => return internal(e),
    }
    let db = s.app.db.clone();
    // State: None = header not sent yet; Some(cursor) = after that row; done flag.
    let pages = futures_util::stream::unfold(
        (db, None::<Option<(i64, Uuid)>>, false),
        move |(db, cursor, done)| async move {
            if done {
                return None;
            }
            let Some(after) = cursor else {
                let header = Bytes::from(imports::error_report_header());
                return Some((Ok::<_, std::io::Error>(header), (db, Some(None), false)));
            };
            match imports::row_errors(&db, id, after, REPORT_PAGE).await {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let last = rows.last().map(|r| (r.row_number, r.id));
                    let done = (rows.len() as u64) < REPORT_PAGE;
                    let chunk = Bytes::from(imports::error_report_rows(&rows));
                    Some((Ok(chunk), (db, Some(last), done)))
                }
                Err(e) => {
                    tracing::error!(error = %e, import_id = %id, "reading import errors failed");
                    Some((
                        Err(std::io::Error::other("reading import errors failed")),
                        (db, None, true),
                    ))
                }
            }
        },
    );
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"import-errors-{id}.csv\""),
            ),
        ],
        Body::from_stream(pages),
    )
        .into_response()
}
