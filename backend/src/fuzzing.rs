//! The parsers a stranger's bytes reach, callable without a server or a database: the
//! form-post body, a visitor's answers, an uploaded CSV file, a capture's validation.
//! The fuzz targets in `shared/fuzz` drive them with random input, and their regression
//! tests replay every input that once broke one.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{header, Request};
use chrono::{TimeZone, Utc};
use leadflow_shared::Channel;
use uuid::Uuid;

use crate::domain::capture::{self, CaptureInput};
use crate::domain::forms::{self, Answers};
use crate::domain::imports::{self, Encoding, FileRows};
use crate::entity::form::{self, FormField, FormFields};
use crate::error::Invalid;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a single-threaded runtime starts")
    })
}

/// A form body as `POST /f/{key}` reads it: the answers by field name, or the HTTP
/// status it is refused with.
pub fn form_values(content_type: &str, body: Vec<u8>) -> Result<BTreeMap<String, String>, u16> {
    let mut request = Request::builder().method("POST").uri("/f/fuzz");
    if !content_type.is_empty() {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    let request = request
        .body(Body::from(body))
        .expect("a request with a byte body");
    runtime()
        .block_on(crate::http::forms::read_values(request))
        .map_err(|response| response.status().as_u16())
}

/// A form asking every lead field and one custom field, the name required.
pub fn sample_form() -> form::Model {
    let field = |name: &str, required: bool| FormField {
        name: name.to_string(),
        label: name.to_string(),
        required,
    };
    let mut fields: Vec<FormField> = forms::LEAD_FIELDS
        .iter()
        .map(|name| field(name, *name == "personName"))
        .collect();
    fields.push(field("custom:预算", false));
    let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
    form::Model {
        id: Uuid::nil(),
        key: "fuzz".into(),
        name: "展会报名".into(),
        fields: FormFields(fields),
        source: Channel::WebForm.as_str().to_string(),
        campaign_id: None,
        thank_you_url: None,
        thank_you_message: None,
        active: true,
        created_by: None,
        created_at: at,
        updated_at: at,
    }
}

/// A visitor's answers through the form and capture's validation: `Ok(None)` for a bot,
/// `Ok(Some(key))` with the submission's idempotency key for a lead that would be
/// stored, or the problems a visitor is shown.
pub fn form_submission(
    form: &form::Model,
    values: &BTreeMap<String, String>,
) -> Result<Option<String>, Vec<Invalid>> {
    let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 30, 0).unwrap();
    match forms::answers(form, values, at)? {
        Answers::Bot => Ok(None),
        Answers::Capture(input, key) => {
            capture::validate(&input)?;
            Ok(Some(key))
        }
    }
}

/// Whether a capture input would be accepted, and if not, why.
pub fn check_capture(input: &CaptureInput) -> Result<(), Vec<Invalid>> {
    capture::validate(input).map(|_| ())
}

/// A CSV file read as an import reads it, `chunk` rows between restarts.
pub fn import_rows(path: &Path, encoding: Encoding, chunk: usize) -> std::io::Result<FileRows> {
    imports::read_resuming(path, encoding, chunk)
}

/// The encoding told from an upload arriving in `pieces`.
pub fn upload_encoding<'a>(pieces: impl IntoIterator<Item = &'a [u8]>) -> Encoding {
    imports::encoding_of_upload(pieces)
}

/// Each row mapped by the columns its header suggests, as capture inputs checked by
/// capture's validation; the error report's line for every row that fails.
pub fn import_outcomes(file: &FileRows) -> Vec<Result<(), String>> {
    let mapping = imports::suggest_mapping(&file.headers);
    file.rows
        .iter()
        .map(|(line, cells)| {
            let row = imports::Row {
                line: *line,
                cells: cells.clone(),
            };
            let input = imports::to_input(&row, &mapping, Channel::Import, None, Uuid::nil())?;
            capture::validate(&input).map(|_| ()).map_err(|problems| {
                let raw = imports::raw_line(cells);
                format!("{} problems in {raw}", problems.len())
            })
        })
        .collect()
}
