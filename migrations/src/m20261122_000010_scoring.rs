//! Lead scoring: versioned scoring models (one active at a time), the background
//! re-scoring runs a model change starts, and the trained predictive models.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScoringModels {
    Table,
    Id,
    Version,
    Status,
    Definition,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    ActivatedAt,
}

#[derive(DeriveIden)]
enum RescoreRuns {
    Table,
    Id,
    ModelVersion,
    Reason,
    Status,
    Total,
    Done,
    Changed,
    AfterLeadId,
    StartedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum PredictiveModels {
    Table,
    Id,
    Model,
    Auc,
    TrainedOn,
    HeldOut,
    Closed,
    TrainedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ScoringModels::Table)
                    .col(
                        ColumnDef::new(ScoringModels::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ScoringModels::Version).integer().not_null())
                    .col(
                        ColumnDef::new(ScoringModels::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ScoringModels::Definition).json().not_null())
                    .col(ColumnDef::new(ScoringModels::CreatedBy).uuid().null())
                    .col(
                        ColumnDef::new(ScoringModels::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ScoringModels::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ScoringModels::ActivatedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("scoring_models_version_key")
                    .table(ScoringModels::Table)
                    .col(ScoringModels::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // At most one active model, enforced by the database.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX scoring_models_one_active ON scoring_models (status) \
                 WHERE status = 'active'",
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RescoreRuns::Table)
                    .col(
                        ColumnDef::new(RescoreRuns::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(RescoreRuns::ModelVersion)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RescoreRuns::Reason)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RescoreRuns::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(RescoreRuns::Total).big_integer().not_null())
                    .col(ColumnDef::new(RescoreRuns::Done).big_integer().not_null())
                    .col(
                        ColumnDef::new(RescoreRuns::Changed)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(RescoreRuns::AfterLeadId).uuid().null())
                    .col(
                        ColumnDef::new(RescoreRuns::StartedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RescoreRuns::FinishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PredictiveModels::Table)
                    .col(
                        ColumnDef::new(PredictiveModels::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(PredictiveModels::Model).json().not_null())
                    .col(ColumnDef::new(PredictiveModels::Auc).double().null())
                    .col(
                        ColumnDef::new(PredictiveModels::TrainedOn)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PredictiveModels::HeldOut)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PredictiveModels::Closed)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PredictiveModels::TrainedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PredictiveModels::Table.into_iden(),
            RescoreRuns::Table.into_iden(),
            ScoringModels::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
