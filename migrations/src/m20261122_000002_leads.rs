//! Leads and the campaigns they come from, with an index for every filter the lead
//! list offers and for the duplicate look-ups capture does (email, phone, company).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Campaigns {
    Table,
    Id,
    Name,
    Channel,
    CostCents,
    Currency,
    StartsOn,
    EndsOn,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Leads {
    Table,
    Id,
    PersonName,
    Title,
    Company,
    CompanyKey,
    Email,
    EmailNormalized,
    Phone,
    PhoneE164,
    Industry,
    Province,
    City,
    CompanySize,
    Source,
    CampaignId,
    Tags,
    CustomFields,
    Stage,
    OwnerId,
    FitScore,
    EngagementScore,
    TotalScore,
    Bant,
    LostReason,
    FirstAssignedAt,
    FirstContactedAt,
    MergedInto,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

fn index(name: &str, cols: &[Leads]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(Leads::Table);
    for col in cols {
        stmt.col(*col);
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Campaigns::Table)
                    .col(
                        ColumnDef::new(Campaigns::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Campaigns::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Campaigns::Channel).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Campaigns::CostCents)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Campaigns::Currency).string_len(3).not_null())
                    .col(ColumnDef::new(Campaigns::StartsOn).date().null())
                    .col(ColumnDef::new(Campaigns::EndsOn).date().null())
                    .col(
                        ColumnDef::new(Campaigns::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Campaigns::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("campaigns_name_key")
                    .table(Campaigns::Table)
                    .col(Campaigns::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Leads::Table)
                    .col(ColumnDef::new(Leads::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Leads::PersonName).string_len(100).not_null())
                    .col(ColumnDef::new(Leads::Title).string_len(100).null())
                    .col(ColumnDef::new(Leads::Company).string_len(200).null())
                    .col(ColumnDef::new(Leads::CompanyKey).string_len(200).null())
                    .col(ColumnDef::new(Leads::Email).string_len(254).null())
                    .col(
                        ColumnDef::new(Leads::EmailNormalized)
                            .string_len(254)
                            .null(),
                    )
                    .col(ColumnDef::new(Leads::Phone).string_len(40).null())
                    .col(ColumnDef::new(Leads::PhoneE164).string_len(16).null())
                    .col(ColumnDef::new(Leads::Industry).string_len(64).null())
                    .col(ColumnDef::new(Leads::Province).string_len(32).null())
                    .col(ColumnDef::new(Leads::City).string_len(64).null())
                    .col(ColumnDef::new(Leads::CompanySize).integer().null())
                    .col(ColumnDef::new(Leads::Source).string_len(16).not_null())
                    .col(ColumnDef::new(Leads::CampaignId).uuid().null())
                    .col(ColumnDef::new(Leads::Tags).json().not_null())
                    .col(ColumnDef::new(Leads::CustomFields).json().not_null())
                    .col(ColumnDef::new(Leads::Stage).string_len(16).not_null())
                    .col(ColumnDef::new(Leads::OwnerId).uuid().null())
                    .col(ColumnDef::new(Leads::FitScore).integer().not_null())
                    .col(ColumnDef::new(Leads::EngagementScore).integer().not_null())
                    .col(ColumnDef::new(Leads::TotalScore).integer().not_null())
                    .col(ColumnDef::new(Leads::Bant).json().null())
                    .col(ColumnDef::new(Leads::LostReason).string_len(64).null())
                    .col(
                        ColumnDef::new(Leads::FirstAssignedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Leads::FirstContactedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(Leads::MergedInto).uuid().null())
                    .col(ColumnDef::new(Leads::Version).integer().not_null())
                    .col(
                        ColumnDef::new(Leads::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Leads::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("leads_owner_id_fkey")
                            .from(Leads::Table, Leads::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("leads_campaign_id_fkey")
                            .from(Leads::Table, Leads::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("leads_merged_into_fkey")
                            .from(Leads::Table, Leads::MergedInto)
                            .to(Leads::Table, Leads::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;

        // The list: "my open leads by score", "the pool", filters by stage, source,
        // campaign, province, industry, newest first.
        let indexes = [
            index(
                "leads_owner_stage_score_idx",
                &[Leads::OwnerId, Leads::Stage, Leads::TotalScore],
            ),
            index("leads_stage_score_idx", &[Leads::Stage, Leads::TotalScore]),
            index(
                "leads_source_created_idx",
                &[Leads::Source, Leads::CreatedAt],
            ),
            index("leads_campaign_id_idx", &[Leads::CampaignId]),
            index("leads_province_idx", &[Leads::Province]),
            index("leads_industry_idx", &[Leads::Industry]),
            index("leads_created_at_idx", &[Leads::CreatedAt]),
            index("leads_updated_at_idx", &[Leads::UpdatedAt]),
            index("leads_merged_into_idx", &[Leads::MergedInto]),
            // Duplicate detection at capture.
            index("leads_email_normalized_idx", &[Leads::EmailNormalized]),
            index("leads_phone_e164_idx", &[Leads::PhoneE164]),
            index(
                "leads_company_person_idx",
                &[Leads::CompanyKey, Leads::PersonName],
            ),
        ];
        for stmt in indexes {
            manager.create_index(stmt).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Leads::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Campaigns::Table).to_owned())
            .await
    }
}
