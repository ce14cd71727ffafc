//! The sales pipeline: pipelines and their stages (with win probabilities),
//! opportunities (a converted SQL with an amount, a close date and a stage), and what
//! a won deal becomes — a customer account and its contact. Tasks may belong to an
//! opportunity too.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Pipelines {
    Table,
    Id,
    Name,
    IsDefault,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PipelineStages {
    Table,
    Id,
    PipelineId,
    Name,
    Position,
    Probability,
    Kind,
}

#[derive(DeriveIden)]
enum Opportunities {
    Table,
    Id,
    LeadId,
    PipelineId,
    StageId,
    Name,
    AmountMinor,
    Currency,
    ExpectedCloseOn,
    OwnerId,
    LostReason,
    Version,
    CreatedAt,
    UpdatedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Name,
    CompanyKey,
    OwnerId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
    Id,
    AccountId,
    LeadId,
    Name,
    Title,
    Email,
    Phone,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    OpportunityId,
}

#[derive(DeriveIden)]
enum Leads {
    Table,
    Id,
}

fn at(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Pipelines::Table)
                    .col(
                        ColumnDef::new(Pipelines::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Pipelines::Name).string_len(100).not_null())
                    .col(
                        ColumnDef::new(Pipelines::IsDefault)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(at(Pipelines::CreatedAt))
                    .col(at(Pipelines::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PipelineStages::Table)
                    .col(
                        ColumnDef::new(PipelineStages::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(PipelineStages::PipelineId).uuid().not_null())
                    .col(
                        ColumnDef::new(PipelineStages::Name)
                            .string_len(40)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PipelineStages::Position)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PipelineStages::Probability)
                            .small_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PipelineStages::Kind)
                            .string_len(8)
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("pipeline_stages_pipeline_id_fkey")
                            .from(PipelineStages::Table, PipelineStages::PipelineId)
                            .to(Pipelines::Table, Pipelines::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("pipeline_stages_pipeline_position_idx")
                    .table(PipelineStages::Table)
                    .col(PipelineStages::PipelineId)
                    .col(PipelineStages::Position)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Opportunities::Table)
                    .col(
                        ColumnDef::new(Opportunities::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Opportunities::LeadId).uuid().not_null())
                    .col(ColumnDef::new(Opportunities::PipelineId).uuid().not_null())
                    .col(ColumnDef::new(Opportunities::StageId).uuid().not_null())
                    .col(
                        ColumnDef::new(Opportunities::Name)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Opportunities::AmountMinor)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Opportunities::Currency)
                            .string_len(3)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Opportunities::ExpectedCloseOn).date().null())
                    .col(ColumnDef::new(Opportunities::OwnerId).uuid().null())
                    .col(
                        ColumnDef::new(Opportunities::LostReason)
                            .string_len(200)
                            .null(),
                    )
                    .col(ColumnDef::new(Opportunities::Version).integer().not_null())
                    .col(at(Opportunities::CreatedAt))
                    .col(at(Opportunities::UpdatedAt))
                    .col(
                        ColumnDef::new(Opportunities::ClosedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("opportunities_lead_id_fkey")
                            .from(Opportunities::Table, Opportunities::LeadId)
                            .to(Leads::Table, Leads::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("opportunities_stage_id_fkey")
                            .from(Opportunities::Table, Opportunities::StageId)
                            .to(PipelineStages::Table, PipelineStages::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "opportunities_board_idx",
                vec![
                    Opportunities::PipelineId,
                    Opportunities::StageId,
                    Opportunities::UpdatedAt,
                ],
            ),
            ("opportunities_lead_idx", vec![Opportunities::LeadId]),
            (
                "opportunities_owner_idx",
                vec![Opportunities::OwnerId, Opportunities::StageId],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(Opportunities::Table);
            for c in cols {
                index.col(c);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(ColumnDef::new(Accounts::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Accounts::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Accounts::CompanyKey).string_len(200).null())
                    .col(ColumnDef::new(Accounts::OwnerId).uuid().null())
                    .col(at(Accounts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("accounts_company_key_idx")
                    .table(Accounts::Table)
                    .col(Accounts::CompanyKey)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Contacts::Table)
                    .col(ColumnDef::new(Contacts::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Contacts::AccountId).uuid().not_null())
                    .col(ColumnDef::new(Contacts::LeadId).uuid().null())
                    .col(ColumnDef::new(Contacts::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Contacts::Title).string_len(200).null())
                    .col(ColumnDef::new(Contacts::Email).string_len(320).null())
                    .col(ColumnDef::new(Contacts::Phone).string_len(64).null())
                    .col(at(Contacts::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("contacts_account_id_fkey")
                            .from(Contacts::Table, Contacts::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("contacts_account_idx")
                    .table(Contacts::Table)
                    .col(Contacts::AccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(Tasks::Table)
                    .add_column(ColumnDef::new(Tasks::OpportunityId).uuid().null())
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Tasks::Table)
                    .drop_column(Tasks::OpportunityId)
                    .to_owned(),
            )
            .await?;
        for table in [
            Contacts::Table.into_iden(),
            Accounts::Table.into_iden(),
            Opportunities::Table.into_iden(),
            PipelineStages::Table.into_iden(),
            Pipelines::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
