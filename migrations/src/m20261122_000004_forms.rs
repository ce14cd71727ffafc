//! Web-to-lead forms: what a marketer designs and the public `/f/{key}` endpoint serves.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Forms {
    Table,
    Id,
    Key,
    Name,
    Fields,
    Source,
    CampaignId,
    ThankYouUrl,
    ThankYouMessage,
    Active,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Campaigns {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Forms::Table)
                    .col(ColumnDef::new(Forms::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Forms::Key).string_len(32).not_null())
                    .col(ColumnDef::new(Forms::Name).string_len(100).not_null())
                    .col(ColumnDef::new(Forms::Fields).json().not_null())
                    .col(ColumnDef::new(Forms::Source).string_len(16).not_null())
                    .col(ColumnDef::new(Forms::CampaignId).uuid().null())
                    .col(ColumnDef::new(Forms::ThankYouUrl).string_len(500).null())
                    .col(
                        ColumnDef::new(Forms::ThankYouMessage)
                            .string_len(500)
                            .null(),
                    )
                    .col(ColumnDef::new(Forms::Active).boolean().not_null())
                    .col(ColumnDef::new(Forms::CreatedBy).uuid().null())
                    .col(
                        ColumnDef::new(Forms::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Forms::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("forms_campaign_id_fkey")
                            .from(Forms::Table, Forms::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("forms_key_key")
                    .table(Forms::Table)
                    .col(Forms::Key)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Forms::Table).to_owned())
            .await
    }
}
