//! Assignments: every change of a lead's owner, with who did it and why.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Assignments {
    Table,
    Id,
    LeadId,
    FromOwnerId,
    ToOwnerId,
    Reason,
    ActorUserId,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Leads {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Assignments::Table)
                    .col(
                        ColumnDef::new(Assignments::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Assignments::LeadId).uuid().not_null())
                    .col(ColumnDef::new(Assignments::FromOwnerId).uuid().null())
                    .col(ColumnDef::new(Assignments::ToOwnerId).uuid().null())
                    .col(
                        ColumnDef::new(Assignments::Reason)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Assignments::ActorUserId).uuid().null())
                    .col(ColumnDef::new(Assignments::Note).string_len(500).null())
                    .col(
                        ColumnDef::new(Assignments::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("assignments_lead_id_fkey")
                            .from(Assignments::Table, Assignments::LeadId)
                            .to(Leads::Table, Leads::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("assignments_lead_created_idx")
                    .table(Assignments::Table)
                    .col(Assignments::LeadId)
                    .col(Assignments::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("assignments_to_owner_created_idx")
                    .table(Assignments::Table)
                    .col(Assignments::ToOwnerId)
                    .col(Assignments::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Assignments::Table).to_owned())
            .await
    }
}
