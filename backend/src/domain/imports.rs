//! CSV import: a trade-show list, an export from another tool, a purchased list — every
//! row goes through [`capture`](super::capture) like any other lead.
//!
//! 1. **Upload**: the body is streamed to a file under the data directory (never held
//!    in memory), capped in size, and its encoding detected on the way: a UTF-8 BOM or
//!    valid UTF-8 is UTF-8; anything else is read as GB18030, the superset of GBK that
//!    Chinese Excel writes. The file is written under a temporary name and renamed
//!    when complete, so a cut upload leaves nothing behind.
//! 2. **Preview**: the header row, the first rows and a suggested column mapping from
//!    the header names (Chinese or English).
//! 3. **Start**: the mapping and a dedup policy are checked and a durable job enqueued
//!    in the same transaction.
//! 4. **Run** (the job): rows are counted in a quick streaming pass (the progress bar's
//!    denominator), then imported in chunks. Each chunk is ONE transaction: every row's
//!    capture (each in a savepoint, so a row the database refuses is reported, not
//!    fatal), the chunk's row errors, the counters and the resume position (byte offset
//!    and line of the next row). A crash loses at most the uncommitted chunk, which the
//!    next run re-does from the committed position: no row is lost or doubled.
//!
//! The file is parsed as bytes: the CSV structure (`,`, `"`, line breaks) is ASCII,
//! and neither UTF-8 nor GB18030 uses ASCII bytes inside a multi-byte character, so
//! splitting on bytes and decoding each field afterwards is exact for both — and byte
//! offsets in the file are resume positions. Quoted line breaks are part of the field;
//! rows may have more or fewer columns than the header; blank lines and rows whose
//! cells are all blank are ignored. Row numbers are the file's line numbers where the
//! row starts (the header is line 1), as a text editor — and Excel, unless a cell holds
//! a line break — shows them.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, SeekFrom};
use std::path::{Path, PathBuf};

use chrono::Utc;
use futures_util::{Stream, StreamExt};
use leadflow_shared::{Channel, Role, UserErrorCode};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use super::capture::{self, Applied, CaptureInput, CaptureOutcome, DedupPolicy};
use super::forms::{CUSTOM_PREFIX, LEAD_FIELDS};
use super::{begin_write, Actor};
use crate::config::Config;
use crate::entity::import_job::{self, ColumnMapping, MappedColumn};
use crate::entity::import_row_error;
use crate::error::{DomainError, DomainResult, Invalid};
use crate::events::{EventBus, ImportProgressed};
use crate::jobs::{self, Job, Queue};

/// Who may upload and import files.
pub const IMPORTERS: &[Role] = &[Role::Admin, Role::Marketer, Role::Manager];
/// The job kind that runs an import.
pub const JOB_KIND: &str = "import.run";
/// Rows shown in the preview.
pub const PREVIEW_ROWS: usize = 10;
/// The lead field holding tags: a cell like `展会,VIP` becomes two tags.
pub const TAGS_FIELD: &str = "tags";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// Longest raw row kept with a row error.
const MAX_RAW_CHARS: usize = 4000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    /// The file is here; nobody has started importing it.
    Uploaded,
    /// Started; waiting for a worker.
    Queued,
    Running,
    Done,
    /// The import as a whole could not run (the file vanished...); see `error`.
    Failed,
}

impl ImportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Uploaded => "uploaded",
            ImportStatus::Queued => "queued",
            ImportStatus::Running => "running",
            ImportStatus::Done => "done",
            ImportStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<ImportStatus> {
        [
            ImportStatus::Uploaded,
            ImportStatus::Queued,
            ImportStatus::Running,
            ImportStatus::Done,
            ImportStatus::Failed,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// GB18030, which reads GBK and GB2312 too.
    Gb18030,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Gb18030 => "gb18030",
        }
    }

    pub fn parse(s: &str) -> Option<Encoding> {
        match s {
            "utf-8" => Some(Encoding::Utf8),
            "gb18030" => Some(Encoding::Gb18030),
            _ => None,
        }
    }

    fn decode(self, bytes: &[u8]) -> Cow<'_, str> {
        match self {
            Encoding::Utf8 => String::from_utf8_lossy(bytes),
            Encoding::Gb18030 => encoding_rs::GB18030.decode_without_bom_handling(bytes).0,
        }
    }
}

/// Checks that a byte stream is UTF-8, chunk by chunk (a character may straddle two).
#[derive(Default)]
struct Utf8Check {
    carry: Vec<u8>,
    invalid: bool,
}

impl Utf8Check {
    fn feed(&mut self, chunk: &[u8]) {
        if self.invalid {
            return;
        }
        let mut bytes = std::mem::take(&mut self.carry);
        bytes.extend_from_slice(chunk);
        match std::str::from_utf8(&bytes) {
            Ok(_) => {}
            // Cut mid-character at the end: keep the start for the next chunk.
            Err(e) if e.error_len().is_none() => self.carry = bytes[e.valid_up_to()..].to_vec(),
            Err(_) => self.invalid = true,
        }
    }

    fn encoding(self) -> Encoding {
        if self.invalid || !self.carry.is_empty() {
            Encoding::Gb18030
        } else {
            Encoding::Utf8
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("{0}")]
    Invalid(String),
    #[error("the upload was interrupted: {0}")]
    Interrupted(String),
    #[error(transparent)]
    Domain(#[from] DomainError),
}

fn io_error(context: &str, e: std::io::Error) -> DomainError {
    DomainError::Internal(anyhow::anyhow!("{context}: {e}"))
}

fn uploads_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("imports")
}

/// Streams an upload to disk and records it. Refuses files over `max_bytes` or empty;
/// removes whatever it wrote when it fails.
pub async fn upload<S, B, E>(
    db: &DatabaseConnection,
    config: &Config,
    user_id: Uuid,
    file_name: &str,
    mut body: S,
) -> Result<import_job::Model, UploadError>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: std::fmt::Display,
{
    let file_name: String = match file_name.trim() {
        "" => "import.csv".to_string(),
        name => name.chars().take(255).collect(),
    };
    let dir = uploads_dir(&config.data_dir);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| io_error("creating the uploads folder", e))?;
    let id = Uuid::now_v7();
    let path = dir.join(format!("{id}.csv"));
    let partial = dir.join(format!("{id}.csv.part"));
    let written = write_stream(&partial, config.max_upload_bytes, &mut body).await;
    let (size, encoding) = match written {
        Ok(done) => done,
        Err(e) => {
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(e);
        }
    };
    if size == 0 {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(UploadError::Invalid("the file is empty".into()));
    }
    tokio::fs::rename(&partial, &path)
        .await
        .map_err(|e| io_error("keeping the upload", e))?;
    let now = Utc::now();
    let saved = import_job::ActiveModel {
        id: Set(id),
        created_by: Set(Some(user_id)),
        file_path: Set(path.to_string_lossy().into_owned()),
        file_name: Set(file_name),
        file_size: Set(i64::try_from(size).unwrap_or(i64::MAX)),
        encoding: Set(encoding.as_str().to_string()),
        mapping: Set(None),
        dedup_policy: Set(None),
        source: Set(None),
        campaign_id: Set(None),
        status: Set(ImportStatus::Uploaded.as_str().to_string()),
        total_rows: Set(None),
        rows_done: Set(0),
        rows_created: Set(0),
        rows_merged: Set(0),
        rows_skipped: Set(0),
        rows_failed: Set(0),
        next_byte_offset: Set(0),
        next_row: Set(1),
        error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(None),
    }
    .insert(db)
    .await;
    match saved {
        Ok(model) => {
            tracing::info!(import_id = %id, size, encoding = encoding.as_str(), "CSV uploaded");
            Ok(model)
        }
        Err(e) => {
            let _ = tokio::fs::remove_file(&path).await;
            Err(DomainError::Db(e).into())
        }
    }
}

async fn write_stream<S, B, E>(
    path: &Path,
    max_bytes: u64,
    body: &mut S,
) -> Result<(u64, Encoding), UploadError>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: std::fmt::Display,
{
    use tokio::io::AsyncWriteExt;
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|e| io_error("creating the upload file", e))?;
    let mut size = 0u64;
    let mut check = Utf8Check::default();
    let mut first = true;
    let mut bom = false;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| UploadError::Interrupted(e.to_string()))?;
        let mut bytes = chunk.as_ref();
        size += bytes.len() as u64;
        if size > max_bytes {
            return Err(UploadError::TooLarge { limit: max_bytes });
        }
        file.write_all(bytes)
            .await
            .map_err(|e| io_error("writing the upload", e))?;
        if first && !bytes.is_empty() {
            first = false;
            if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
                bytes = rest;
                bom = true;
            }
        }
        check.feed(bytes);
    }
    file.sync_all()
        .await
        .map_err(|e| io_error("writing the upload", e))?;
    // A BOM declares UTF-8; a stray bad byte then becomes U+FFFD, not a re-guess.
    let encoding = if bom {
        Encoding::Utf8
    } else {
        check.encoding()
    };
    Ok((size, encoding))
}

/// What the user maps columns from.
#[derive(Debug, Clone)]
pub struct Preview {
    pub encoding: Encoding,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub suggested: Vec<MappedColumn>,
}

pub async fn find(db: &DatabaseConnection, id: Uuid) -> DomainResult<Option<import_job::Model>> {
    Ok(import_job::Entity::find_by_id(id).one(db).await?)
}

/// The most recent imports first.
pub async fn list(db: &DatabaseConnection, first: u64) -> DomainResult<Vec<import_job::Model>> {
    Ok(import_job::Entity::find()
        .order_by_desc(import_job::Column::CreatedAt)
        .order_by_desc(import_job::Column::Id)
        .limit(first)
        .all(db)
        .await?)
}

fn encoding_of(job: &import_job::Model) -> Encoding {
    Encoding::parse(&job.encoding).unwrap_or(Encoding::Utf8)
}

/// A parser over the file from `offset`, numbering lines from `line`.
fn open_at(path: &Path, offset: u64, line: u64) -> std::io::Result<csv::Reader<BufReader<File>>> {
    let file = File::open(path)?;
    // Only `\n` ends a row (a `\r` before it is trimmed off the last cell), so every row
    // ends by consuming one line break and line numbers can be told exactly.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(BufReader::with_capacity(64 * 1024, file));
    let mut position = csv::Position::new();
    position.set_byte(offset).set_line(line);
    reader
        .seek_raw(SeekFrom::Start(offset), position)
        .map_err(std::io::Error::other)?;
    Ok(reader)
}

fn csv_error(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}

fn decode_row(encoding: Encoding, record: &csv::ByteRecord) -> Vec<String> {
    let last = record.len().saturating_sub(1);
    record
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let f = if i == last {
                f.strip_suffix(b"\r").unwrap_or(f)
            } else {
                f
            };
            encoding.decode(f).into_owned()
        })
        .collect()
}

/// The file's length and whether its last byte ends a line.
fn file_end(path: &Path) -> std::io::Result<(u64, bool)> {
    use std::io::{Read, Seek};
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok((0, false));
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok((len, last[0] == b'\n'))
}

/// The line a row starts on, from where reading it ended: back over the line breaks
/// inside its cells and the one that ended it (absent at the very end of a file
/// without a final line break). Blank lines before the row are thus not counted in.
///
/// A row never starts before where reading it began. At the very end of a file, a
/// final line break taken into a quote that was never closed did not end the row:
/// too few line breaks were read for it to have.
fn start_line(record: &csv::ByteRecord, after: &csv::Position, end: (u64, bool)) -> u64 {
    let inside = record
        .iter()
        .map(|f| f.iter().filter(|b| **b == b'\n').count() as u64)
        .sum::<u64>();
    let from = record.position().map_or(1, csv::Position::line);
    let read = after.line().saturating_sub(from);
    let terminated = after.byte() < end.0 || (end.1 && read > inside);
    let counted_back = after.line().saturating_sub(inside + u64::from(terminated));
    std::cmp::max(std::cmp::max(counted_back, from), 1)
}

fn is_blank(record: &csv::ByteRecord) -> bool {
    record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace))
}

/// Where the data rows start: after the BOM and the header row.
struct Layout {
    headers: Vec<String>,
    data_offset: u64,
    data_line: u64,
}

/// Reads the header and up to `rows` data rows.
fn read_head(
    path: &Path,
    encoding: Encoding,
    rows: usize,
) -> std::io::Result<(Layout, Vec<Vec<String>>)> {
    let mut start = [0u8; 3];
    let bom = {
        use std::io::Read;
        let mut f = File::open(path)?;
        let n = f.read(&mut start)?;
        n == 3 && start == UTF8_BOM
    };
    let mut reader = open_at(path, if bom { 3 } else { 0 }, 1)?;
    let mut record = csv::ByteRecord::new();
    let mut headers = Vec::new();
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        if !is_blank(&record) {
            headers = decode_row(encoding, &record)
                .into_iter()
                .map(|h| h.trim().to_string())
                .collect();
            break;
        }
    }
    let after = reader.position().clone();
    let mut sample = Vec::new();
    while sample.len() < rows && reader.read_byte_record(&mut record).map_err(csv_error)? {
        if !is_blank(&record) {
            sample.push(decode_row(encoding, &record));
        }
    }
    Ok((
        Layout {
            headers,
            data_offset: after.byte(),
            data_line: after.line(),
        },
        sample,
    ))
}

async fn head(job: &import_job::Model, rows: usize) -> DomainResult<(Layout, Vec<Vec<String>>)> {
    let path = PathBuf::from(&job.file_path);
    let encoding = encoding_of(job);
    let read = tokio::task::spawn_blocking(move || read_head(&path, encoding, rows))
        .await
        .map_err(|e| DomainError::Internal(e.into()))?;
    let (layout, sample) = match read {
        Ok(found) => found,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(DomainError::invalid(
                "uploadId",
                UserErrorCode::NotFound,
                "the uploaded file is no longer on the server; upload it again",
            ))
        }
        Err(e) => return Err(io_error("reading the upload", e)),
    };
    if layout.headers.is_empty() {
        return Err(DomainError::invalid(
            "uploadId",
            UserErrorCode::Invalid,
            "the file has no header row; the first row must name the columns",
        ));
    }
    Ok((layout, sample))
}

/// The header, the first rows, and a mapping guessed from the header names.
pub async fn preview(db: &DatabaseConnection, id: Uuid) -> DomainResult<Preview> {
    let job = find(db, id)
        .await?
        .ok_or_else(|| DomainError::not_found("uploadId", "upload"))?;
    let (layout, rows) = head(&job, PREVIEW_ROWS).await?;
    Ok(Preview {
        encoding: encoding_of(&job),
        suggested: suggest_mapping(&layout.headers),
        headers: layout.headers,
        rows,
    })
}

/// Guesses each lead field's column from the header names, Chinese or English.
pub fn suggest_mapping(headers: &[String]) -> Vec<MappedColumn> {
    const NAMES: &[(&str, &[&str])] = &[
        (
            "personName",
            &[
                "姓名",
                "名字",
                "联系人",
                "客户姓名",
                "name",
                "fullname",
                "personname",
                "contact",
                "contactname",
            ],
        ),
        (
            "phone",
            &[
                "手机",
                "手机号",
                "手机号码",
                "电话",
                "联系电话",
                "电话号码",
                "联系方式",
                "phone",
                "mobile",
                "tel",
                "telephone",
                "cellphone",
                "phonenumber",
                "mobilephone",
            ],
        ),
        (
            "email",
            &[
                "邮箱",
                "电子邮箱",
                "电子邮件",
                "邮件",
                "email",
                "mail",
                "emailaddress",
            ],
        ),
        (
            "company",
            &[
                "公司",
                "公司名称",
                "单位",
                "企业",
                "企业名称",
                "company",
                "companyname",
                "organization",
                "organisation",
                "account",
            ],
        ),
        (
            "title",
            &["职位", "职务", "头衔", "title", "jobtitle", "position"],
        ),
        (
            "province",
            &["省份", "省", "地区", "province", "state", "region"],
        ),
        ("city", &["城市", "市", "city"]),
        ("industry", &["行业", "所属行业", "industry"]),
        (
            "companySize",
            &[
                "公司规模",
                "企业规模",
                "规模",
                "员工数",
                "人数",
                "companysize",
                "size",
                "employees",
            ],
        ),
        (TAGS_FIELD, &["标签", "tags", "tag"]),
    ];
    let normal: Vec<String> = headers
        .iter()
        .map(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .to_lowercase()
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '.' | ':' | '：'))
                .collect()
        })
        .collect();
    let mut mapping: Vec<MappedColumn> = Vec::new();
    for (field, names) in NAMES {
        let found = normal
            .iter()
            .enumerate()
            .find(|(i, h)| names.contains(&h.as_str()) && !mapping.iter().any(|m| m.column == *i));
        if let Some((column, _)) = found {
            mapping.push(MappedColumn {
                column,
                field: (*field).to_string(),
            });
        }
    }
    mapping.sort_by_key(|m| m.column);
    mapping
}

fn is_lead_field(field: &str) -> bool {
    LEAD_FIELDS.contains(&field)
        || field == TAGS_FIELD
        || field.strip_prefix(CUSTOM_PREFIX).is_some_and(|n| {
            !n.is_empty()
                && n.chars().count() <= 40
                && n.chars().all(|c| c.is_alphanumeric() || c == '_')
        })
}

/// What the user chose on the mapping screen.
#[derive(Debug, Clone)]
pub struct StartImport {
    pub upload_id: Uuid,
    pub mapping: Vec<MappedColumn>,
    pub policy: DedupPolicy,
    pub source: Channel,
    pub campaign_id: Option<Uuid>,
}

fn check_mapping(mapping: &[MappedColumn], columns: usize) -> Vec<Invalid> {
    let mut problems = Vec::new();
    let mut fields: Vec<&str> = Vec::new();
    for m in mapping {
        if !is_lead_field(&m.field) {
            problems.push(Invalid::new(
                "mapping",
                UserErrorCode::Invalid,
                format!(
                    "'{}' is not a lead field; use one of {}, {TAGS_FIELD} or custom:<name>",
                    m.field,
                    LEAD_FIELDS.join(", ")
                ),
            ));
        } else if fields.contains(&m.field.as_str()) {
            problems.push(Invalid::new(
                "mapping",
                UserErrorCode::Invalid,
                format!("'{}' is mapped from two columns; keep one", m.field),
            ));
        } else {
            fields.push(&m.field);
        }
        if m.column >= columns {
            problems.push(Invalid::new(
                "mapping",
                UserErrorCode::Invalid,
                format!(
                    "column {} does not exist; the file has {columns} columns (counted from 0)",
                    m.column
                ),
            ));
        }
    }
    if !fields.contains(&"personName") {
        problems.push(Invalid::new(
            "mapping",
            UserErrorCode::Required,
            "map a column to personName (the person's name)",
        ));
    }
    if !fields.contains(&"email") && !fields.contains(&"phone") {
        problems.push(Invalid::new(
            "mapping",
            UserErrorCode::Required,
            "map a column to email or phone, so each lead can be reached",
        ));
    }
    problems
}

/// Checks the mapping and queues the import. An upload is imported once.
pub async fn start(
    db: &DatabaseConnection,
    queue: &Queue,
    input: StartImport,
) -> DomainResult<import_job::Model> {
    let job = find(db, input.upload_id)
        .await?
        .ok_or_else(|| DomainError::not_found("uploadId", "upload"))?;
    if job.status != ImportStatus::Uploaded.as_str() {
        return Err(DomainError::invalid(
            "uploadId",
            UserErrorCode::Conflict,
            "this upload has already been imported; upload the file again to re-import it",
        ));
    }
    let (layout, _) = head(&job, 0).await?;
    let problems = check_mapping(&input.mapping, layout.headers.len());
    if !problems.is_empty() {
        return Err(DomainError::Invalid(problems));
    }
    let txn = begin_write(db).await?;
    if let Some(campaign) = input.campaign_id {
        if crate::entity::campaign::Entity::find_by_id(campaign)
            .one(&txn)
            .await?
            .is_none()
        {
            return Err(DomainError::not_found("campaignId", "campaign"));
        }
    }
    let now = Utc::now();
    let updated = import_job::Entity::update_many()
        .col_expr(
            import_job::Column::Mapping,
            Expr::value(ColumnMapping(input.mapping)),
        )
        .col_expr(
            import_job::Column::DedupPolicy,
            Expr::value(input.policy.as_str()),
        )
        .col_expr(
            import_job::Column::Source,
            Expr::value(input.source.as_str()),
        )
        .col_expr(
            import_job::Column::CampaignId,
            Expr::value(input.campaign_id),
        )
        .col_expr(
            import_job::Column::Status,
            Expr::value(ImportStatus::Queued.as_str()),
        )
        .col_expr(
            import_job::Column::NextByteOffset,
            Expr::value(i64::try_from(layout.data_offset).unwrap_or(i64::MAX)),
        )
        .col_expr(
            import_job::Column::NextRow,
            Expr::value(i64::try_from(layout.data_line).unwrap_or(i64::MAX)),
        )
        .col_expr(import_job::Column::UpdatedAt, Expr::value(now))
        .filter(import_job::Column::Id.eq(job.id))
        .filter(import_job::Column::Status.eq(ImportStatus::Uploaded.as_str()))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(DomainError::invalid(
            "uploadId",
            UserErrorCode::Conflict,
            "this upload has already been imported; upload the file again to re-import it",
        ));
    }
    jobs::enqueue(
        &txn,
        JOB_KIND,
        serde_json::json!({ "importId": job.id }),
        now,
    )
    .await?;
    txn.commit().await?;
    queue.wake();
    tracing::info!(import_id = %job.id, policy = input.policy.as_str(), "import queued");
    find(db, job.id)
        .await?
        .ok_or_else(|| DomainError::Internal(anyhow::anyhow!("the import vanished")))
}

/// A page of an import's row errors, in row order.
pub async fn row_errors(
    db: &DatabaseConnection,
    import_id: Uuid,
    after_row: Option<(i64, Uuid)>,
    limit: u64,
) -> DomainResult<Vec<import_row_error::Model>> {
    let mut query = import_row_error::Entity::find()
        .filter(import_row_error::Column::ImportId.eq(import_id))
        .order_by_asc(import_row_error::Column::RowNumber)
        .order_by_asc(import_row_error::Column::Id)
        .limit(limit);
    if let Some((row, id)) = after_row {
        query = query.filter(
            sea_orm::Condition::any()
                .add(import_row_error::Column::RowNumber.gt(row))
                .add(
                    sea_orm::Condition::all()
                        .add(import_row_error::Column::RowNumber.eq(row))
                        .add(import_row_error::Column::Id.gt(id)),
                ),
        );
    }
    Ok(query.all(db).await?)
}

pub async fn row_error_count(db: &DatabaseConnection, import_id: Uuid) -> DomainResult<u64> {
    Ok(import_row_error::Entity::find()
        .filter(import_row_error::Column::ImportId.eq(import_id))
        .count(db)
        .await?)
}

/// One data row, decoded, with the line it starts on.
pub(crate) struct Row {
    pub(crate) line: u64,
    pub(crate) cells: Vec<String>,
}

/// Reads up to `n` non-blank rows; returns them with the position after the last.
fn read_chunk(
    mut reader: csv::Reader<BufReader<File>>,
    encoding: Encoding,
    end: (u64, bool),
    n: usize,
) -> std::io::Result<(csv::Reader<BufReader<File>>, Vec<Row>, csv::Position)> {
    let mut record = csv::ByteRecord::new();
    let mut rows = Vec::with_capacity(n.min(4096));
    while rows.len() < n && reader.read_byte_record(&mut record).map_err(csv_error)? {
        if is_blank(&record) {
            continue;
        }
        let line = start_line(&record, reader.position(), end);
        rows.push(Row {
            line,
            cells: decode_row(encoding, &record),
        });
    }
    let position = reader.position().clone();
    Ok((reader, rows, position))
}

fn count_rows(path: &Path, offset: u64, line: u64) -> std::io::Result<u64> {
    let mut reader = open_at(path, offset, line)?;
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        if !is_blank(&record) {
            n += 1;
        }
    }
    Ok(n)
}

/// A file's rows as an import reads them (see [`read_resuming`]).
#[derive(Debug, PartialEq, Eq)]
pub struct FileRows {
    pub headers: Vec<String>,
    /// Each data row with the line it starts on.
    pub rows: Vec<(u64, Vec<String>)>,
    /// What the progress bar's total counts.
    pub counted: u64,
}

/// Reads a file the way an import does: the header, then the data rows `chunk` at a
/// time, each chunk from a fresh reader opened at the position committed after the one
/// before, as an import resumed after a restart reads. Whatever the chunk size, the rows
/// must be the same: no row read twice, none skipped (the fuzz targets hold it to that).
pub fn read_resuming(path: &Path, encoding: Encoding, chunk: usize) -> std::io::Result<FileRows> {
    let (layout, _) = read_head(path, encoding, 0)?;
    let end = file_end(path)?;
    let counted = count_rows(path, layout.data_offset, layout.data_line)?;
    let (mut offset, mut line) = (layout.data_offset, layout.data_line);
    let mut rows = Vec::new();
    loop {
        let reader = open_at(path, offset, line)?;
        let (_, chunk_rows, after) = read_chunk(reader, encoding, end, chunk.max(1))?;
        if chunk_rows.is_empty() {
            break;
        }
        rows.extend(chunk_rows.into_iter().map(|r| (r.line, r.cells)));
        (offset, line) = (after.byte(), after.line());
    }
    Ok(FileRows {
        headers: layout.headers,
        rows,
        counted,
    })
}

/// The encoding an upload is read in, told from its bytes as they arrive in `pieces`
/// (after a leading BOM): UTF-8 if every byte is, GB18030 otherwise.
pub fn encoding_of_upload<'a>(pieces: impl IntoIterator<Item = &'a [u8]>) -> Encoding {
    let mut check = Utf8Check::default();
    for piece in pieces {
        check.feed(piece);
    }
    check.encoding()
}

/// A row as the capture input it maps to, or why it cannot be one.
pub(crate) fn to_input(
    row: &Row,
    mapping: &[MappedColumn],
    source: Channel,
    campaign_id: Option<Uuid>,
    import_id: Uuid,
) -> Result<CaptureInput, String> {
    let mut input = CaptureInput {
        source: Some(source),
        campaign_id,
        origin: Some(serde_json::json!({ "importId": import_id, "row": row.line })),
        ..CaptureInput::default()
    };
    let mut custom = serde_json::Map::new();
    for m in mapping {
        let Some(value) = row
            .cells
            .get(m.column)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        let text = Some(value.to_string());
        match m.field.as_str() {
            "personName" => input.person_name = value.to_string(),
            "company" => input.company = text,
            "title" => input.title = text,
            "email" => input.email = text,
            "phone" => input.phone = text,
            "province" => input.province = text,
            "city" => input.city = text,
            "industry" => input.industry = text,
            "companySize" => {
                let digits: String = value
                    .trim_end_matches('人')
                    .chars()
                    .filter(|c| !matches!(c, ',' | '，' | ' '))
                    .collect();
                input.company_size =
                    Some(digits.parse::<i32>().map_err(|_| {
                        format!("companySize: '{value}' is not a number of employees")
                    })?);
            }
            TAGS_FIELD => {
                input.tags = value
                    .split([',', ';', '，', '；', '|', '、'])
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect();
            }
            other => {
                if let Some(name) = other.strip_prefix(CUSTOM_PREFIX) {
                    custom.insert(name.to_string(), value.into());
                }
            }
        }
    }
    if !custom.is_empty() {
        input.custom_fields = Some(serde_json::Value::Object(custom));
    }
    Ok(input)
}

/// The row as one CSV line, for the error report.
pub(crate) fn raw_line(cells: &[String]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = writer.write_record(cells);
    let bytes = writer.into_inner().unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    text.trim_end_matches('\n')
        .chars()
        .take(MAX_RAW_CHARS)
        .collect()
}

#[derive(Default)]
struct Tally {
    created: i64,
    merged: i64,
    skipped: i64,
    failed: i64,
}

/// The job handler: imports the rest of the file from the committed position.
pub async fn run_job(
    db: &DatabaseConnection,
    events: &EventBus,
    config: &Config,
    job: &Job,
) -> anyhow::Result<()> {
    let import_id = job
        .payload
        .get("importId")
        .and_then(|v| v.as_str())
        .and_then(|v| Uuid::parse_str(v).ok())
        .ok_or_else(|| anyhow::anyhow!("import job without an importId"))?;
    let Some(import) = find(db, import_id).await? else {
        tracing::warn!(%import_id, "import job for a missing import; dropping it");
        return Ok(());
    };
    match ImportStatus::parse(&import.status) {
        Some(ImportStatus::Queued | ImportStatus::Running) => {}
        _ => return Ok(()),
    }
    match super::memo::scope(run(db, events, config, import)).await {
        Ok(()) => Ok(()),
        Err(RunError::Fatal(why)) => {
            tracing::error!(%import_id, error = %why, "import failed");
            set_status(db, import_id, ImportStatus::Failed, Some(why)).await?;
            publish(db, events, import_id).await;
            Ok(())
        }
        Err(RunError::Retry(e)) => Err(e),
    }
}

enum RunError {
    /// The import cannot go on (its file is gone or unreadable): it is marked failed.
    Fatal(String),
    /// Something passing (the database): the job is retried.
    Retry(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for RunError {
    fn from(e: E) -> Self {
        RunError::Retry(e.into())
    }
}

async fn set_status(
    db: &DatabaseConnection,
    id: Uuid,
    status: ImportStatus,
    error: Option<String>,
) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now();
    let mut update = import_job::Entity::update_many()
        .col_expr(import_job::Column::Status, Expr::value(status.as_str()))
        .col_expr(import_job::Column::UpdatedAt, Expr::value(now));
    if matches!(status, ImportStatus::Done | ImportStatus::Failed) {
        update = update
            .col_expr(import_job::Column::FinishedAt, Expr::value(now))
            .col_expr(import_job::Column::Error, Expr::value(error));
    }
    update
        .filter(import_job::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

async fn publish(db: &DatabaseConnection, events: &EventBus, id: Uuid) {
    if let Ok(Some(job)) = find(db, id).await {
        events.publish_import(ImportProgressed {
            import_id: id,
            rows_done: job.rows_done,
            total_rows: job.total_rows,
        });
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T, RunError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(RunError::Fatal(format!("reading the file failed: {e}"))),
        Err(e) => Err(RunError::Retry(e.into())),
    }
}

async fn run(
    db: &DatabaseConnection,
    events: &EventBus,
    config: &Config,
    mut import: import_job::Model,
) -> Result<(), RunError> {
    let id = import.id;
    let path = PathBuf::from(&import.file_path);
    if !path.exists() {
        return Err(RunError::Fatal(
            "the uploaded file is no longer on the server; upload it again".into(),
        ));
    }
    let encoding = encoding_of(&import);
    let mapping = import.mapping.clone().unwrap_or_default().0;
    let policy = import
        .dedup_policy
        .as_deref()
        .and_then(DedupPolicy::parse)
        .unwrap_or_default();
    let source = import
        .source
        .as_deref()
        .and_then(Channel::parse)
        .unwrap_or(Channel::Import);
    let actor = import.created_by.map_or_else(Actor::system, Actor::user);
    let offset = u64::try_from(import.next_byte_offset).unwrap_or(0);
    let line = u64::try_from(import.next_row).unwrap_or(1);

    if import.total_rows.is_none() {
        let (p, o, l) = (path.clone(), offset, line);
        let remaining = blocking(move || count_rows(&p, o, l)).await?;
        let total = import.rows_done + i64::try_from(remaining).unwrap_or(i64::MAX);
        import_job::Entity::update_many()
            .col_expr(import_job::Column::TotalRows, Expr::value(total))
            .filter(import_job::Column::Id.eq(id))
            .exec(db)
            .await?;
        import.total_rows = Some(total);
    }
    set_status(db, id, ImportStatus::Running, None).await?;
    publish(db, events, id).await;
    tracing::info!(import_id = %id, total = ?import.total_rows, from_line = line, "import running");

    let p = path.clone();
    let (mut reader, end) =
        blocking(move || Ok((open_at(&p, offset, line)?, file_end(&p)?))).await?;
    let mut position = (import.next_byte_offset, import.next_row);
    let chunk_rows = config.import_chunk_rows.max(1);
    loop {
        let (back, rows, after) =
            blocking(move || read_chunk(reader, encoding, end, chunk_rows)).await?;
        reader = back;
        if rows.is_empty() {
            break;
        }
        let next = (
            i64::try_from(after.byte()).unwrap_or(i64::MAX),
            i64::try_from(after.line()).unwrap_or(i64::MAX),
        );
        let txn = begin_write(db).await?;
        // The configuration is read afresh for each chunk, then once for all its rows.
        super::memo::forget();
        let mut tally = Tally::default();
        let mut errors = Vec::new();
        for row in &rows {
            let failure = match to_input(row, &mapping, source, import.campaign_id, id) {
                Err(message) => Some(message),
                Ok(input) => {
                    let savepoint = txn.begin().await?;
                    match capture::capture_in(&savepoint, actor, &input, policy).await {
                        Ok(applied) => {
                            savepoint.commit().await?;
                            match applied {
                                Applied::Captured(c) if c.outcome == CaptureOutcome::Merged => {
                                    tally.merged += 1;
                                }
                                Applied::Captured(_) => tally.created += 1,
                                Applied::Skipped { .. } => tally.skipped += 1,
                            }
                            None
                        }
                        Err(DomainError::Invalid(problems)) => {
                            savepoint.rollback().await?;
                            Some(
                                problems
                                    .iter()
                                    .map(|p| match &p.field {
                                        Some(f) => format!("{f}: {}", p.message),
                                        None => p.message.clone(),
                                    })
                                    .collect::<Vec<_>>()
                                    .join("; "),
                            )
                        }
                        Err(other) => {
                            savepoint.rollback().await?;
                            tracing::warn!(import_id = %id, row = row.line, error = %other, "the database refused an import row");
                            Some("the row could not be saved; check its values".to_string())
                        }
                    }
                }
            };
            if let Some(message) = failure {
                tally.failed += 1;
                errors.push(import_row_error::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    import_id: Set(id),
                    row_number: Set(i64::try_from(row.line).unwrap_or(i64::MAX)),
                    message: Set(message),
                    raw: Set(raw_line(&row.cells)),
                });
            }
        }
        if !errors.is_empty() {
            import_row_error::Entity::insert_many(errors)
                .exec(&txn)
                .await?;
        }
        let col = |c: import_job::Column, n: i64| Expr::col(c).add(n);
        let advanced = import_job::Entity::update_many()
            .col_expr(
                import_job::Column::RowsDone,
                col(import_job::Column::RowsDone, rows.len() as i64),
            )
            .col_expr(
                import_job::Column::RowsCreated,
                col(import_job::Column::RowsCreated, tally.created),
            )
            .col_expr(
                import_job::Column::RowsMerged,
                col(import_job::Column::RowsMerged, tally.merged),
            )
            .col_expr(
                import_job::Column::RowsSkipped,
                col(import_job::Column::RowsSkipped, tally.skipped),
            )
            .col_expr(
                import_job::Column::RowsFailed,
                col(import_job::Column::RowsFailed, tally.failed),
            )
            .col_expr(import_job::Column::NextByteOffset, Expr::value(next.0))
            .col_expr(import_job::Column::NextRow, Expr::value(next.1))
            .col_expr(import_job::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(import_job::Column::Id.eq(id))
            // Fencing: only from the position this worker started the chunk at. A
            // worker whose lease was taken over finds it moved and stops.
            .filter(import_job::Column::NextByteOffset.eq(position.0))
            .exec(&txn)
            .await?;
        if advanced.rows_affected == 0 {
            txn.rollback().await?;
            tracing::warn!(import_id = %id, "another worker took this import over; stopping");
            return Ok(());
        }
        txn.commit().await?;
        position = next;
        publish(db, events, id).await;
    }
    set_status(db, id, ImportStatus::Done, None).await?;
    // Every row is in the database now (good ones as leads, bad ones in the error
    // report): the uploaded copy is no longer needed.
    if let Err(e) = tokio::fs::remove_file(&path).await {
        tracing::warn!(import_id = %id, error = %e, "could not remove the finished upload");
    }
    publish(db, events, id).await;
    tracing::info!(import_id = %id, "import done");
    Ok(())
}

/// The start of the error report: a UTF-8 BOM (so Excel reads Chinese) and the header
/// `row,error,data`.
pub fn error_report_header() -> Vec<u8> {
    let mut out = UTF8_BOM.to_vec();
    out.extend_from_slice(b"row,error,data\r\n");
    out
}

/// Rows of the error report: the line number, what was wrong, the row as read.
pub fn error_report_rows(rows: &[import_row_error::Model]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for r in rows {
        let _ = writer.write_record([r.row_number.to_string().as_str(), &r.message, &r.raw]);
    }
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_utf8_across_chunks_and_gbk() {
        let text = "姓名,手机\n张三,13800138000\n".as_bytes();
        let mut check = Utf8Check::default();
        for chunk in text.chunks(1) {
            check.feed(chunk);
        }
        assert_eq!(check.encoding(), Encoding::Utf8);
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,手机\n张三,13800138000\n");
        let mut check = Utf8Check::default();
        check.feed(&gbk);
        assert_eq!(check.encoding(), Encoding::Gb18030);
    }

    fn lines(text: &str) -> Vec<u64> {
        let dir = std::env::temp_dir().join(format!("leadflow-lines-{}", Uuid::new_v4()));
        std::fs::write(&dir, text).unwrap();
        let end = file_end(&dir).unwrap();
        let reader = open_at(&dir, 0, 1).unwrap();
        let (_, rows, _) = read_chunk(reader, Encoding::Utf8, end, 100).unwrap();
        let _ = std::fs::remove_file(&dir);
        rows.iter().map(|r| r.line).collect()
    }

    #[test]
    fn rows_are_numbered_by_the_line_they_start_on() {
        let text = "h1,h2\na,\"x\ny\"\n\nb,1\nc,2";
        assert_eq!(lines(text), vec![1, 2, 5, 6]);
        assert_eq!(lines(&format!("{text}\n")), vec![1, 2, 5, 6]);
        assert_eq!(lines(&text.replace('\n', "\r\n")), vec![1, 2, 5, 6]);
        assert_eq!(lines("a,b\r\n,,\r\n\r\nc,d\r\n"), vec![1, 4]);
    }

    #[test]
    fn suggests_mapping_from_chinese_and_english_headers() {
        let headers: Vec<String> = ["姓名", "手机号码", "公司名称", "E-mail", "职位", "备注"]
            .map(String::from)
            .to_vec();
        let m = suggest_mapping(&headers);
        let field = |c: usize| m.iter().find(|x| x.column == c).map(|x| x.field.as_str());
        assert_eq!(field(0), Some("personName"));
        assert_eq!(field(1), Some("phone"));
        assert_eq!(field(2), Some("company"));
        assert_eq!(field(3), Some("email"));
        assert_eq!(field(4), Some("title"));
        assert_eq!(field(5), None);
    }

    #[test]
    fn a_mapping_needs_a_name_and_a_way_to_reach() {
        let m = |f: &str, c| MappedColumn {
            column: c,
            field: f.into(),
        };
        assert!(check_mapping(&[m("personName", 0), m("phone", 1)], 2).is_empty());
        assert_eq!(check_mapping(&[m("personName", 0)], 2).len(), 1);
        assert_eq!(
            check_mapping(&[m("personName", 0), m("email", 5)], 2).len(),
            1
        );
        assert_eq!(
            check_mapping(&[m("personName", 0), m("email", 1), m("bogus", 1)], 2).len(),
            1
        );
    }
}
