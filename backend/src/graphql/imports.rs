//! CSV imports over GraphQL. The file itself goes to `POST /imports/upload`; here the
//! SPA previews it, maps columns, starts the import and watches its progress.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, Subscription, ID};
use chrono::{DateTime, Utc};
use futures_util::Stream;
use leadflow_shared::Channel;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt;

use super::errors::{internal, payload, ErrorCode, UserError};
use super::guards::RoleGuard;
use super::users::parse_id;
use crate::app::AppState;
use crate::domain::capture::DedupPolicy as DomainPolicy;
use crate::domain::imports::{self, Encoding, ImportStatus as DomainStatus, IMPORTERS};
use crate::entity::import_job::{self, MappedColumn};
use crate::error::DomainError;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ImportStatus {
    /// Uploaded; not started.
    Uploaded,
    /// Started; waiting for a worker.
    Queued,
    Running,
    Done,
    /// Could not run as a whole; see `error`.
    Failed,
}

impl From<DomainStatus> for ImportStatus {
    fn from(s: DomainStatus) -> Self {
        match s {
            DomainStatus::Uploaded => ImportStatus::Uploaded,
            DomainStatus::Queued => ImportStatus::Queued,
            DomainStatus::Running => ImportStatus::Running,
            DomainStatus::Done => ImportStatus::Done,
            DomainStatus::Failed => ImportStatus::Failed,
        }
    }
}

/// What an imported row that matches an existing lead does.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum DedupPolicy {
    /// Keep the existing lead untouched; the row is counted as skipped.
    Skip,
    /// Fill the existing lead's empty fields from the row.
    Merge,
    /// Create a new lead anyway.
    Create,
}

impl From<DedupPolicy> for DomainPolicy {
    fn from(p: DedupPolicy) -> Self {
        match p {
            DedupPolicy::Skip => DomainPolicy::Skip,
            DedupPolicy::Merge => DomainPolicy::Merge,
            DedupPolicy::Create => DomainPolicy::Create,
        }
    }
}

impl From<DomainPolicy> for DedupPolicy {
    fn from(p: DomainPolicy) -> Self {
        match p {
            DomainPolicy::Skip => DedupPolicy::Skip,
            DomainPolicy::Merge => DedupPolicy::Merge,
            DomainPolicy::Create => DedupPolicy::Create,
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum FileEncoding {
    #[graphql(name = "UTF8")]
    Utf8,
    /// GB18030, which also reads GBK/GB2312 (Chinese Excel exports).
    #[graphql(name = "GB18030")]
    Gb18030,
}

impl From<Encoding> for FileEncoding {
    fn from(e: Encoding) -> Self {
        match e {
            Encoding::Utf8 => FileEncoding::Utf8,
            Encoding::Gb18030 => FileEncoding::Gb18030,
        }
    }
}

/// CSV column (counted from 0) → lead field.
#[derive(SimpleObject, InputObject, Clone, Debug)]
#[graphql(input_name = "ColumnMappingInput")]
pub struct ColumnMapping {
    pub column: i32,
    /// `personName`, `company`, `title`, `email`, `phone`, `province`, `city`,
    /// `industry`, `companySize`, `tags` or `custom:<name>`.
    pub field: String,
}

impl From<MappedColumn> for ColumnMapping {
    fn from(m: MappedColumn) -> Self {
        ColumnMapping {
            column: i32::try_from(m.column).unwrap_or(i32::MAX),
            field: m.field,
        }
    }
}

#[derive(SimpleObject)]
pub struct ImportPreview {
    pub upload_id: ID,
    pub file_name: String,
    pub encoding: FileEncoding,
    pub headers: Vec<String>,
    /// The first rows, as read (a row may have more or fewer cells than the header).
    pub rows: Vec<Vec<String>>,
    /// A mapping guessed from the header names; the user confirms or changes it.
    pub suggested_mapping: Vec<ColumnMapping>,
}

#[derive(SimpleObject)]
pub struct ImportRowError {
    /// The file line the row starts on (the header is line 1).
    pub row: i64,
    pub message: String,
    /// The row as read, as one CSV line.
    pub raw: String,
}

pub struct ImportJob(pub import_job::Model);

#[Object]
impl ImportJob {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }
    /// Bytes.
    async fn file_size(&self) -> i64 {
        self.0.file_size
    }
    async fn encoding(&self) -> FileEncoding {
        Encoding::parse(&self.0.encoding)
            .unwrap_or(Encoding::Utf8)
            .into()
    }
    async fn status(&self) -> ImportStatus {
        DomainStatus::parse(&self.0.status)
            .unwrap_or(DomainStatus::Failed)
            .into()
    }
    async fn dedup_policy(&self) -> Option<DedupPolicy> {
        self.0
            .dedup_policy
            .as_deref()
            .and_then(DomainPolicy::parse)
            .map(Into::into)
    }
    async fn source(&self) -> Option<Channel> {
        self.0.source.as_deref().and_then(Channel::parse)
    }
    async fn campaign_id(&self) -> Option<ID> {
        self.0.campaign_id.map(|id| ID(id.to_string()))
    }
    async fn mapping(&self) -> Vec<ColumnMapping> {
        self.0
            .mapping
            .clone()
            .unwrap_or_default()
            .0
            .into_iter()
            .map(Into::into)
            .collect()
    }
    /// Data rows in the file; known shortly after the import starts.
    async fn total_rows(&self) -> Option<i64> {
        self.0.total_rows
    }
    /// Rows processed so far (created + merged + skipped + failed).
    async fn rows_done(&self) -> i64 {
        self.0.rows_done
    }
    async fn rows_created(&self) -> i64 {
        self.0.rows_created
    }
    async fn rows_merged(&self) -> i64 {
        self.0.rows_merged
    }
    async fn rows_skipped(&self) -> i64 {
        self.0.rows_skipped
    }
    async fn rows_failed(&self) -> i64 {
        self.0.rows_failed
    }
    /// Why the import as a whole failed.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// Download of the failed rows (CSV, same bearer token as GraphQL).
    async fn errors_url(&self) -> String {
        format!("/imports/{}/errors.csv", self.0.id)
    }
    /// The first failed rows, in file order; the full list is at `errorsUrl`.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn row_errors(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
    ) -> async_graphql::Result<Vec<ImportRowError>> {
        let state = ctx.data_unchecked::<AppState>();
        let first = u64::try_from(first.unwrap_or(20).clamp(0, 100)).unwrap_or(20);
        Ok(imports::row_errors(&state.db, self.0.id, None, first)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|e| ImportRowError {
                row: e.row_number,
                message: e.message,
                raw: e.raw,
            })
            .collect())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at
    }
}

#[derive(Default)]
pub struct ImportsQuery;

#[Object]
impl ImportsQuery {
    /// The header, first rows and a suggested mapping of an uploaded file.
    #[graphql(guard = "RoleGuard::new(IMPORTERS)")]
    async fn import_preview(
        &self,
        ctx: &Context<'_>,
        upload_id: ID,
    ) -> async_graphql::Result<Option<ImportPreview>> {
        let state = ctx.data_unchecked::<AppState>();
        let id = parse_id("uploadId", &upload_id)?;
        let Some(job) = imports::find(&state.db, id).await.map_err(internal)? else {
            return Ok(None);
        };
        match imports::preview(&state.db, id).await {
            Ok(p) => Ok(Some(ImportPreview {
                upload_id,
                file_name: job.file_name,
                encoding: p.encoding.into(),
                headers: p.headers,
                rows: p.rows,
                suggested_mapping: p.suggested.into_iter().map(Into::into).collect(),
            })),
            Err(DomainError::Invalid(problems)) => Err(ErrorCode::BadRequest.error(
                problems
                    .into_iter()
                    .map(|p| p.message)
                    .collect::<Vec<_>>()
                    .join("; "),
            )),
            Err(other) => Err(internal(other)),
        }
    }

    #[graphql(guard = "RoleGuard::new(IMPORTERS)")]
    async fn import_job(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<ImportJob>> {
        let state = ctx.data_unchecked::<AppState>();
        let id = parse_id("id", &id)?;
        Ok(imports::find(&state.db, id)
            .await
            .map_err(internal)?
            .map(ImportJob))
    }

    /// The most recent uploads and imports, newest first.
    #[graphql(
        guard = "RoleGuard::new(IMPORTERS)",
        complexity = "first.unwrap_or(20).max(0) as usize * child_complexity"
    )]
    async fn import_jobs(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
    ) -> async_graphql::Result<Vec<ImportJob>> {
        let state = ctx.data_unchecked::<AppState>();
        let first = u64::try_from(first.unwrap_or(20).clamp(0, 100)).unwrap_or(20);
        Ok(imports::list(&state.db, first)
            .await
            .map_err(internal)?
            .into_iter()
            .map(ImportJob)
            .collect())
    }
}

#[derive(InputObject)]
pub struct ImportStartInput {
    /// From `POST /imports/upload`.
    pub upload_id: ID,
    pub mapping: Vec<ColumnMapping>,
    #[graphql(default_with = "DedupPolicy::Merge")]
    pub dedup_policy: DedupPolicy,
    /// The channel the leads count for; `IMPORT` when omitted.
    pub source: Option<Channel>,
    pub campaign_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct ImportStartPayload {
    pub import_job: Option<ImportJob>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct ImportsMutation;

#[Object]
impl ImportsMutation {
    /// Checks the mapping and queues the import; progress arrives on `importProgress`.
    #[graphql(guard = "RoleGuard::new(IMPORTERS)")]
    async fn import_start(
        &self,
        ctx: &Context<'_>,
        input: ImportStartInput,
    ) -> async_graphql::Result<ImportStartPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let upload_id = parse_id("uploadId", &input.upload_id)?;
        let campaign_id = input
            .campaign_id
            .as_ref()
            .map(|id| parse_id("campaignId", id))
            .transpose()?;
        let mut mapping = Vec::with_capacity(input.mapping.len());
        for m in input.mapping {
            let column = usize::try_from(m.column)
                .map_err(|_| ErrorCode::BadRequest.error("a column is counted from 0"))?;
            mapping.push(MappedColumn {
                column,
                field: m.field,
            });
        }
        let start = imports::StartImport {
            upload_id,
            mapping,
            policy: input.dedup_policy.into(),
            source: input.source.unwrap_or(Channel::Import),
            campaign_id,
        };
        Ok(
            match payload(imports::start(&state.db, &state.jobs, start).await)? {
                Ok(job) => ImportStartPayload {
                    import_job: Some(ImportJob(job)),
                    user_errors: vec![],
                },
                Err(user_errors) => ImportStartPayload {
                    import_job: None,
                    user_errors,
                },
            },
        )
    }
}

#[derive(SimpleObject)]
pub struct ImportProgressEvent {
    pub import_job: ImportJob,
}

#[derive(Default)]
pub struct ImportsSubscription;

#[Subscription]
impl ImportsSubscription {
    /// The import's state now, then after every committed chunk; ends when it is done
    /// or failed.
    #[graphql(guard = "RoleGuard::new(IMPORTERS)")]
    async fn import_progress(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<impl Stream<Item = ImportProgressEvent>> {
        let state = ctx.data_unchecked::<AppState>().clone();
        let id = parse_id("id", &id)?;
        // Subscribe before reading the current state, so no change falls in between.
        let changes = BroadcastStream::new(state.events.subscribe_imports())
            // A lagging subscriber skips what it missed; the next event carries totals.
            .filter_map(Result::ok)
            .filter(move |e| e.import_id == id)
            .map(|_| ());
        let updates = tokio_stream::once(()).chain(changes);
        let jobs = Box::pin(
            updates
                .then(move |()| {
                    let db = state.db.clone();
                    async move { imports::find(&db, id).await.ok().flatten() }
                })
                .filter_map(|job| job),
        );
        // Pass the final state through, then end.
        Ok(futures_util::stream::unfold(
            (jobs, false),
            |(mut jobs, finished)| async move {
                if finished {
                    return None;
                }
                let job = jobs.next().await?;
                let finished = matches!(
                    DomainStatus::parse(&job.status),
                    Some(DomainStatus::Done | DomainStatus::Failed)
                );
                Some((
                    ImportProgressEvent {
                        import_job: ImportJob(job),
                    },
                    (jobs, finished),
                ))
            },
        ))
    }
}
