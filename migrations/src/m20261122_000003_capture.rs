//! What capture writes besides the lead: the lead's event history, the outbox that
//! fans changes out, and the idempotency keys that make retries safe.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LeadEvents {
    Table,
    Id,
    LeadId,
    Kind,
    ActorUserId,
    ActorApiKeyId,
    Data,
    OccurredAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Topic,
    AggregateId,
    Payload,
    CreatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
enum CaptureRequests {
    Table,
    Principal,
    IdempotencyKey,
    LeadId,
    Outcome,
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
                    .table(LeadEvents::Table)
                    .col(
                        ColumnDef::new(LeadEvents::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(LeadEvents::LeadId).uuid().not_null())
                    .col(ColumnDef::new(LeadEvents::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(LeadEvents::ActorUserId).uuid().null())
                    .col(ColumnDef::new(LeadEvents::ActorApiKeyId).uuid().null())
                    .col(ColumnDef::new(LeadEvents::Data).json().not_null())
                    .col(
                        ColumnDef::new(LeadEvents::OccurredAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LeadEvents::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("lead_events_lead_id_fkey")
                            .from(LeadEvents::Table, LeadEvents::LeadId)
                            .to(Leads::Table, Leads::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("lead_events_lead_occurred_idx")
                    .table(LeadEvents::Table)
                    .col(LeadEvents::LeadId)
                    .col(LeadEvents::OccurredAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("lead_events_kind_occurred_idx")
                    .table(LeadEvents::Table)
                    .col(LeadEvents::Kind)
                    .col(LeadEvents::OccurredAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(ColumnDef::new(Outbox::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Outbox::Topic).string_len(64).not_null())
                    .col(ColumnDef::new(Outbox::AggregateId).uuid().not_null())
                    .col(ColumnDef::new(Outbox::Payload).json().not_null())
                    .col(
                        ColumnDef::new(Outbox::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Outbox::PublishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_unpublished_idx")
                    .table(Outbox::Table)
                    .col(Outbox::PublishedAt)
                    .col(Outbox::CreatedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CaptureRequests::Table)
                    .col(
                        ColumnDef::new(CaptureRequests::Principal)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CaptureRequests::IdempotencyKey)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(ColumnDef::new(CaptureRequests::LeadId).uuid().not_null())
                    .col(
                        ColumnDef::new(CaptureRequests::Outcome)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CaptureRequests::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(CaptureRequests::Principal)
                            .col(CaptureRequests::IdempotencyKey),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("capture_requests_lead_id_fkey")
                            .from(CaptureRequests::Table, CaptureRequests::LeadId)
                            .to(Leads::Table, Leads::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CaptureRequests::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Outbox::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(LeadEvents::Table).to_owned())
            .await
    }
}
