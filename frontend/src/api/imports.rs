//! CSV imports: preview an uploaded file, start the import with a column mapping, and
//! follow it on `importProgress`. The upload itself is plain HTTP ([`super::files`]).
//!
//! Lead fields a column can feed are the strings the schema names (`personName`,
//! `phone`, ..., `custom:<name>`); [`MappingTarget`] is the SPA's typed view of them.

use leadflow_shared::Channel;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::client::field;
use super::types::UserError;
use super::{ApiError, Client};

/// How the server decoded the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum FileEncoding {
    #[serde(rename = "UTF8")]
    Utf8,
    #[serde(rename = "GB18030")]
    Gb18030,
}

impl FileEncoding {
    /// Encodings are proper names; the same in every language.
    pub fn label(self) -> &'static str {
        match self {
            FileEncoding::Utf8 => "UTF-8",
            FileEncoding::Gb18030 => "GB18030",
        }
    }
}

/// What a row that matches an existing lead does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DedupPolicy {
    Skip,
    /// Fill the existing lead's empty fields; the server's default.
    #[default]
    Merge,
    Create,
}

impl DedupPolicy {
    pub const ALL: [DedupPolicy; 3] = [DedupPolicy::Skip, DedupPolicy::Merge, DedupPolicy::Create];

    pub fn as_str(self) -> &'static str {
        match self {
            DedupPolicy::Skip => "skip",
            DedupPolicy::Merge => "merge",
            DedupPolicy::Create => "create",
        }
    }
}

/// CSV column (from 0) → lead field, as the schema spells the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    pub column: i32,
    pub field: String,
}

/// Where one column goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappingTarget {
    /// A lead field such as `personName`.
    Field(&'static str),
    /// `custom:<name>`; the name is the column's header.
    Custom,
    Ignore,
}

impl MappingTarget {
    /// The lead fields a column can feed, in the order the select offers them.
    pub const FIELDS: [&'static str; 10] = [
        "personName",
        "company",
        "title",
        "email",
        "phone",
        "province",
        "city",
        "industry",
        "companySize",
        "tags",
    ];

    /// The value of the `<select>` option.
    pub fn as_value(&self) -> &'static str {
        match self {
            MappingTarget::Field(f) => f,
            MappingTarget::Custom => "custom",
            MappingTarget::Ignore => "",
        }
    }

    pub fn from_value(value: &str) -> MappingTarget {
        match value {
            "custom" => MappingTarget::Custom,
            v => MappingTarget::FIELDS
                .iter()
                .find(|f| **f == v)
                .map_or(MappingTarget::Ignore, |f| MappingTarget::Field(f)),
        }
    }

    /// The target the server suggested (`custom:x` counts as custom).
    pub fn from_field(field: &str) -> MappingTarget {
        if field.starts_with("custom:") {
            MappingTarget::Custom
        } else {
            MappingTarget::from_value(field)
        }
    }

    /// The mapping entry for `column` with header `header`, unless ignored.
    pub fn mapping(&self, column: usize, header: &str) -> Option<ColumnMapping> {
        let field = match self {
            MappingTarget::Field(f) => (*f).to_owned(),
            MappingTarget::Custom => format!("custom:{}", header.trim()),
            MappingTarget::Ignore => return None,
        };
        Some(ColumnMapping {
            column: i32::try_from(column).ok()?,
            field,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    pub upload_id: String,
    pub file_name: String,
    pub encoding: FileEncoding,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub suggested_mapping: Vec<ColumnMapping>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImportStatus {
    Uploaded,
    Queued,
    Running,
    Done,
    Failed,
}

impl ImportStatus {
    /// No more progress will come.
    pub fn is_finished(self) -> bool {
        matches!(self, ImportStatus::Done | ImportStatus::Failed)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ImportRowError {
    /// The file line (the header is line 1).
    pub row: i32,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportJob {
    pub id: String,
    pub status: ImportStatus,
    pub total_rows: Option<i32>,
    pub rows_done: i32,
    pub rows_created: i32,
    pub rows_merged: i32,
    pub rows_skipped: i32,
    pub rows_failed: i32,
    /// Why the import as a whole failed.
    pub error: Option<String>,
    pub row_errors: Vec<ImportRowError>,
    pub errors_url: String,
}

impl ImportJob {
    /// Progress from 0 to 100; 100 once finished, whatever the counts say.
    pub fn percent(&self) -> u32 {
        if self.status.is_finished() {
            return 100;
        }
        match self.total_rows {
            Some(total) if total > 0 => {
                let done = self.rows_done.clamp(0, total);
                u32::try_from(i64::from(done) * 100 / i64::from(total)).unwrap_or(0)
            }
            _ => 0,
        }
    }
}

/// How many row errors the summary shows; the rest are in the download.
const ROW_ERRORS_SHOWN: i32 = 10;

fn job_fields() -> String {
    format!(
        "id status totalRows rowsDone rowsCreated rowsMerged rowsSkipped rowsFailed error \
         errorsUrl rowErrors(first: {ROW_ERRORS_SHOWN}) {{ row message }}"
    )
}

/// What [`start`] sends.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportStartInput {
    pub upload_id: String,
    pub mapping: Vec<ColumnMapping>,
    pub dedup_policy: DedupPolicy,
    pub source: Channel,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportStartPayload {
    pub import_job: Option<ImportJob>,
    pub user_errors: Vec<UserError>,
}

/// The file as read, with a guessed mapping; `None` when the upload is unknown.
pub async fn preview(client: &Client, upload_id: &str) -> Result<Option<ImportPreview>, ApiError> {
    const PREVIEW: &str = "query ImportPreview($id: ID!) {
      importPreview(uploadId: $id) {
        uploadId fileName encoding headers rows suggestedMapping { column field }
      }
    }";
    let data: Value = client.request(PREVIEW, json!({ "id": upload_id })).await?;
    field(data, "importPreview")
}

pub async fn start(
    client: &Client,
    input: &ImportStartInput,
) -> Result<ImportStartPayload, ApiError> {
    let document = format!(
        "mutation ImportStart($input: ImportStartInput!) {{
           importStart(input: $input) {{ importJob {{ {} }} userErrors {{ field message code }} }}
         }}",
        job_fields()
    );
    let input = serde_json::to_value(input).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let data: Value = client.request(&document, json!({ "input": input })).await?;
    field(data, "importStart")
}

/// The `importProgress` subscription document, for [`super::subscription::subscribe`].
pub fn progress_document() -> String {
    format!(
        "subscription ImportProgress($id: ID!) {{ importProgress(id: $id) {{ importJob {{ {} }} }} }}",
        job_fields()
    )
}

/// One `importProgress` event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgressData {
    pub import_progress: ImportProgressEvent,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgressEvent {
    pub import_job: ImportJob,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_round_trip_through_select_values() {
        for f in MappingTarget::FIELDS {
            assert_eq!(
                MappingTarget::from_value(MappingTarget::Field(f).as_value()),
                MappingTarget::Field(f)
            );
        }
        assert_eq!(MappingTarget::from_value("custom"), MappingTarget::Custom);
        assert_eq!(MappingTarget::from_value(""), MappingTarget::Ignore);
        assert_eq!(
            MappingTarget::from_field("custom:预算"),
            MappingTarget::Custom
        );
    }

    #[test]
    fn custom_columns_are_named_after_their_header() {
        let m = MappingTarget::Custom.mapping(3, " 预算 ");
        assert_eq!(
            m,
            Some(ColumnMapping {
                column: 3,
                field: "custom:预算".into()
            })
        );
        assert_eq!(MappingTarget::Ignore.mapping(0, "x"), None);
    }
}
