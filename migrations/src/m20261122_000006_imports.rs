//! The durable job queue and CSV imports: `jobs` is generic (any background work that
//! must survive a restart), `import_jobs` is one CSV upload and its progress,
//! `import_row_errors` the rows it could not take, with their line numbers.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Kind,
    Payload,
    RunAt,
    Attempts,
    LockedUntil,
    LockedBy,
    DoneAt,
    LastError,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ImportJobs {
    Table,
    Id,
    CreatedBy,
    FilePath,
    FileName,
    FileSize,
    Encoding,
    Mapping,
    DedupPolicy,
    Source,
    CampaignId,
    Status,
    TotalRows,
    RowsDone,
    RowsCreated,
    RowsMerged,
    RowsSkipped,
    RowsFailed,
    NextByteOffset,
    NextRow,
    Error,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum ImportRowErrors {
    Table,
    Id,
    ImportId,
    RowNumber,
    Message,
    Raw,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Campaigns {
    Table,
    Id,
}

fn timestamp(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(ColumnDef::new(Jobs::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Jobs::Kind).string_len(64).not_null())
                    .col(ColumnDef::new(Jobs::Payload).json().not_null())
                    .col(timestamp(Jobs::RunAt).not_null())
                    .col(ColumnDef::new(Jobs::Attempts).integer().not_null())
                    .col(timestamp(Jobs::LockedUntil).null())
                    .col(ColumnDef::new(Jobs::LockedBy).uuid().null())
                    .col(timestamp(Jobs::DoneAt).null())
                    .col(ColumnDef::new(Jobs::LastError).text().null())
                    .col(timestamp(Jobs::CreatedAt).not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("jobs_due_idx")
                    .table(Jobs::Table)
                    .col(Jobs::DoneAt)
                    .col(Jobs::RunAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ImportJobs::Table)
                    .col(
                        ColumnDef::new(ImportJobs::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ImportJobs::CreatedBy).uuid().null())
                    .col(
                        ColumnDef::new(ImportJobs::FilePath)
                            .string_len(1000)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportJobs::FileName)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportJobs::FileSize)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportJobs::Encoding)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ImportJobs::Mapping).json().null())
                    .col(
                        ColumnDef::new(ImportJobs::DedupPolicy)
                            .string_len(16)
                            .null(),
                    )
                    .col(ColumnDef::new(ImportJobs::Source).string_len(16).null())
                    .col(ColumnDef::new(ImportJobs::CampaignId).uuid().null())
                    .col(ColumnDef::new(ImportJobs::Status).string_len(16).not_null())
                    .col(ColumnDef::new(ImportJobs::TotalRows).big_integer().null())
                    .col(
                        ColumnDef::new(ImportJobs::RowsDone)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportJobs::RowsCreated)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportJobs::RowsMerged)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportJobs::RowsSkipped)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportJobs::RowsFailed)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportJobs::NextByteOffset)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ImportJobs::NextRow).big_integer().not_null())
                    .col(ColumnDef::new(ImportJobs::Error).text().null())
                    .col(timestamp(ImportJobs::CreatedAt).not_null())
                    .col(timestamp(ImportJobs::UpdatedAt).not_null())
                    .col(timestamp(ImportJobs::FinishedAt).null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("import_jobs_created_by_fkey")
                            .from(ImportJobs::Table, ImportJobs::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("import_jobs_campaign_id_fkey")
                            .from(ImportJobs::Table, ImportJobs::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("import_jobs_created_idx")
                    .table(ImportJobs::Table)
                    .col(ImportJobs::CreatedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ImportRowErrors::Table)
                    .col(
                        ColumnDef::new(ImportRowErrors::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ImportRowErrors::ImportId).uuid().not_null())
                    .col(
                        ColumnDef::new(ImportRowErrors::RowNumber)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ImportRowErrors::Message).text().not_null())
                    .col(ColumnDef::new(ImportRowErrors::Raw).text().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("import_row_errors_import_id_fkey")
                            .from(ImportRowErrors::Table, ImportRowErrors::ImportId)
                            .to(ImportJobs::Table, ImportJobs::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("import_row_errors_import_row_idx")
                    .table(ImportRowErrors::Table)
                    .col(ImportRowErrors::ImportId)
                    .col(ImportRowErrors::RowNumber)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ImportRowErrors::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ImportJobs::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Jobs::Table).to_owned())
            .await
    }
}
