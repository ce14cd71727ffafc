//! Files over plain HTTP, beside GraphQL: uploading an import file and downloading CSV
//! (the lead export, an import's error rows).
//!
//! Both carry the session's access token as `Authorization: Bearer`, and, like
//! [`Client::request`], renew it once through [`Client::renew`] when the server answers
//! 401. A download is read into a blob and handed to the browser with a temporary
//! `<a download>`, because a plain link could not carry the token.

use gloo::net::http::{Request, RequestBuilder, Response};
use serde::Deserialize;
use wasm_bindgen::JsCast;

use super::{ApiError, Client};
use crate::session::Tokens;

/// Where `POST` puts an import file.
const UPLOAD_ENDPOINT: &str = "/imports/upload";
/// How long a saved file's object URL stays valid.
const REVOKE_AFTER_MS: u32 = 10_000;

/// The `{ error, code }` body the file endpoints answer with on failure.
#[derive(Deserialize)]
struct FileError {
    error: String,
    #[serde(default)]
    code: Option<String>,
}

/// Why an upload was refused, when the user can do something about it.
#[derive(Debug, Clone, PartialEq)]
pub enum UploadError {
    /// 413: larger than an import accepts; the server's sentence gives the limit.
    TooLarge(String),
    /// 400: not a readable CSV, or the upload broke off.
    Invalid(String),
    Api(ApiError),
}

impl From<ApiError> for UploadError {
    fn from(err: ApiError) -> Self {
        UploadError::Api(err)
    }
}

/// Sends `build()` with the stored access token; on 401 renews it once and retries.
async fn send_authorized(
    client: &Client,
    build: impl Fn(&str) -> Result<Request, ApiError>,
) -> Result<Response, ApiError> {
    let used = Tokens::stored();
    let token = used
        .as_ref()
        .map(|t| t.access_token.clone())
        .ok_or(ApiError::Unauthenticated)?;
    let response = fetch(build(&token)?).await?;
    if response.status() != 401 {
        return Ok(response);
    }
    let fresh = client.renew(used.as_ref()).await?;
    let retried = fetch(build(&fresh.access_token)?).await?;
    if retried.status() == 401 {
        client.sign_out_locally();
        return Err(ApiError::Unauthenticated);
    }
    Ok(retried)
}

async fn fetch(request: Request) -> Result<Response, ApiError> {
    request.send().await.map_err(|e| {
        gloo::console::warn!(format!("file request failed: {e}"));
        ApiError::Network
    })
}

fn bearer(builder: RequestBuilder, token: &str) -> RequestBuilder {
    builder.header("Authorization", &format!("Bearer {token}"))
}

/// Uploads `file` for an import and returns its `uploadId`.
pub async fn upload_import(client: &Client, file: &web_sys::File) -> Result<String, UploadError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Uploaded {
        upload_id: String,
    }
    let url = format!(
        "{UPLOAD_ENDPOINT}?fileName={}",
        String::from(js_sys::encode_uri_component(&file.name()))
    );
    let response = send_authorized(client, |token| {
        bearer(Request::post(&url), token)
            .header("Content-Type", "text/csv")
            .body(file.clone())
            .map_err(|e| ApiError::BadRequest(e.to_string()))
    })
    .await?;
    let status = response.status();
    let text = response.text().await.map_err(|_| ApiError::Network)?;
    if (200..300).contains(&status) {
        let uploaded: Uploaded =
            serde_json::from_str(&text).map_err(|e| ApiError::Decode(e.to_string()))?;
        return Ok(uploaded.upload_id);
    }
    let refused = serde_json::from_str::<FileError>(&text).ok();
    Err(match (status, refused) {
        (413, Some(e)) => UploadError::TooLarge(e.error),
        (413, None) => UploadError::TooLarge(String::new()),
        (400, Some(e)) if matches!(e.code.as_deref(), Some("INVALID" | "INTERRUPTED")) => {
            UploadError::Invalid(e.error)
        }
        (_, Some(e)) => UploadError::Api(ApiError::from_status(status, &e.error)),
        (_, None) => UploadError::Api(ApiError::from_status(status, &text)),
    })
}

/// Fetches `path` (e.g. `/leads/export.csv?stage=mql`) and saves it as `file_name`.
pub async fn download(client: &Client, path: &str, file_name: &str) -> Result<(), ApiError> {
    let response = send_authorized(client, |token| {
        bearer(Request::get(path), token)
            .build()
            .map_err(|e| ApiError::BadRequest(e.to_string()))
    })
    .await?;
    let status = response.status();
    if !(200..300).contains(&status) {
        let text = response.text().await.unwrap_or_default();
        return Err(ApiError::from_status(status, &text));
    }
    let bytes = response.binary().await.map_err(|_| ApiError::Network)?;
    save(&bytes, file_name).map_err(|e| ApiError::Server(format!("saving the file: {e:?}")))
}

/// Hands `bytes` to the browser as a download named `file_name`.
fn save(bytes: &[u8], file_name: &str) -> Result<(), wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = gloo::utils::document();
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.set_hidden(true);
    let body = gloo::utils::body();
    body.append_child(&anchor)?;
    anchor.click();
    body.remove_child(&anchor)?;
    // The browser reads the blob after this task; let it go a moment later.
    gloo::timers::callback::Timeout::new(REVOKE_AFTER_MS, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
