use sea_orm::entity::prelude::*;
use sea_orm::FromJsonQueryResult;
use serde::{Deserialize, Serialize};

/// One CSV upload and, once started, its import: the mapping, the policy, the progress
/// and where to resume.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "import_jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_by: Option<Uuid>,
    /// Where the uploaded bytes are kept, under the configured data directory.
    pub file_path: String,
    /// As the user named it.
    pub file_name: String,
    pub file_size: i64,
    /// `utf-8` or `gb18030`.
    pub encoding: String,
    pub mapping: Option<ColumnMapping>,
    /// `skip`, `merge` or `create`; set when started.
    pub dedup_policy: Option<String>,
    /// A `leadflow_shared::Channel` name; set when started.
    pub source: Option<String>,
    pub campaign_id: Option<Uuid>,
    /// `uploaded`, `queued`, `running`, `done`, `failed`.
    pub status: String,
    pub total_rows: Option<i64>,
    pub rows_done: i64,
    pub rows_created: i64,
    pub rows_merged: i64,
    pub rows_skipped: i64,
    pub rows_failed: i64,
    /// Byte offset in the file of the next record to import.
    pub next_byte_offset: i64,
    /// File line number of the next record to import.
    pub next_row: i64,
    /// Why the whole import failed, when it did.
    pub error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct ColumnMapping(pub Vec<MappedColumn>);

/// CSV column (0-based) → lead field (`personName`, ..., `custom:<name>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedColumn {
    pub column: usize,
    pub field: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
