//! Nurture journeys: email templates, journeys with their frozen versions, the leads
//! enrolled in them, the log of steps taken (one row per enrolment and step number —
//! the idempotency key that makes each step's effects happen once), the emails sent,
//! and the leads that unsubscribed.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EmailTemplates {
    Table,
    Id,
    Name,
    Subject,
    Body,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Journeys {
    Table,
    Id,
    Name,
    Status,
    Draft,
    ActiveVersion,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum JourneyVersions {
    Table,
    Id,
    JourneyId,
    Version,
    Definition,
    TriggerKind,
    ActivatedAt,
}

#[derive(DeriveIden)]
enum Enrollments {
    Table,
    Id,
    JourneyId,
    VersionId,
    LeadId,
    State,
    AtNode,
    Steps,
    OpenKey,
    LeftReason,
    LeftNode,
    LeftAt,
    NextAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum JourneySteps {
    Table,
    EnrollmentId,
    Step,
    Node,
    Effects,
    At,
}

#[derive(DeriveIden)]
enum OutboundEmails {
    Table,
    Id,
    LeadId,
    EnrollmentId,
    Node,
    TemplateId,
    ToAddress,
    Subject,
    BodyText,
    BodyHtml,
    Status,
    Attempts,
    LastError,
    SentAt,
    OpenedAt,
    ClickedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EmailUnsubscribes {
    Table,
    LeadId,
    At,
}

fn at(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn at_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .uuid()
        .not_null()
        .primary_key()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EmailTemplates::Table)
                    .col(id(EmailTemplates::Id))
                    .col(
                        ColumnDef::new(EmailTemplates::Name)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(EmailTemplates::Subject)
                            .string_len(300)
                            .not_null(),
                    )
                    .col(ColumnDef::new(EmailTemplates::Body).text().not_null())
                    .col(at(EmailTemplates::CreatedAt))
                    .col(at(EmailTemplates::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Journeys::Table)
                    .col(id(Journeys::Id))
                    .col(ColumnDef::new(Journeys::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Journeys::Status).string_len(8).not_null())
                    .col(ColumnDef::new(Journeys::Draft).json().not_null())
                    .col(ColumnDef::new(Journeys::ActiveVersion).integer().null())
                    .col(at(Journeys::CreatedAt))
                    .col(at(Journeys::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JourneyVersions::Table)
                    .col(id(JourneyVersions::Id))
                    .col(ColumnDef::new(JourneyVersions::JourneyId).uuid().not_null())
                    .col(
                        ColumnDef::new(JourneyVersions::Version)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(JourneyVersions::Definition)
                            .json()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(JourneyVersions::TriggerKind)
                            .string_len(20)
                            .not_null(),
                    )
                    .col(at(JourneyVersions::ActivatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("journey_versions_journey_id_fkey")
                            .from(JourneyVersions::Table, JourneyVersions::JourneyId)
                            .to(Journeys::Table, Journeys::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("journey_versions_journey_version_key")
                    .table(JourneyVersions::Table)
                    .col(JourneyVersions::JourneyId)
                    .col(JourneyVersions::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Enrollments::Table)
                    .col(id(Enrollments::Id))
                    .col(ColumnDef::new(Enrollments::JourneyId).uuid().not_null())
                    .col(ColumnDef::new(Enrollments::VersionId).uuid().not_null())
                    .col(ColumnDef::new(Enrollments::LeadId).uuid().not_null())
                    .col(ColumnDef::new(Enrollments::State).json().not_null())
                    .col(ColumnDef::new(Enrollments::AtNode).string_len(100).null())
                    .col(ColumnDef::new(Enrollments::Steps).integer().not_null())
                    .col(ColumnDef::new(Enrollments::OpenKey).string_len(80).null())
                    .col(
                        ColumnDef::new(Enrollments::LeftReason)
                            .string_len(20)
                            .null(),
                    )
                    .col(ColumnDef::new(Enrollments::LeftNode).string_len(100).null())
                    .col(at_null(Enrollments::LeftAt))
                    .col(at_null(Enrollments::NextAt))
                    .col(at(Enrollments::CreatedAt))
                    .col(at(Enrollments::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("enrollments_version_id_fkey")
                            .from(Enrollments::Table, Enrollments::VersionId)
                            .to(JourneyVersions::Table, JourneyVersions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One open enrolment per lead and journey: `open_key` is "journey:lead" while
        // enrolled and NULL after leaving (NULLs never collide).
        manager
            .create_index(
                Index::create()
                    .name("enrollments_open_key")
                    .table(Enrollments::Table)
                    .col(Enrollments::OpenKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("enrollments_lead_idx")
                    .table(Enrollments::Table)
                    .col(Enrollments::LeadId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("enrollments_version_node_idx")
                    .table(Enrollments::Table)
                    .col(Enrollments::VersionId)
                    .col(Enrollments::AtNode)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JourneySteps::Table)
                    .col(ColumnDef::new(JourneySteps::EnrollmentId).uuid().not_null())
                    .col(ColumnDef::new(JourneySteps::Step).integer().not_null())
                    .col(ColumnDef::new(JourneySteps::Node).string_len(100).null())
                    .col(ColumnDef::new(JourneySteps::Effects).json().not_null())
                    .col(at(JourneySteps::At))
                    .primary_key(
                        Index::create()
                            .col(JourneySteps::EnrollmentId)
                            .col(JourneySteps::Step),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("journey_steps_enrollment_id_fkey")
                            .from(JourneySteps::Table, JourneySteps::EnrollmentId)
                            .to(Enrollments::Table, Enrollments::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OutboundEmails::Table)
                    .col(id(OutboundEmails::Id))
                    .col(ColumnDef::new(OutboundEmails::LeadId).uuid().null())
                    .col(ColumnDef::new(OutboundEmails::EnrollmentId).uuid().null())
                    .col(ColumnDef::new(OutboundEmails::Node).string_len(100).null())
                    .col(ColumnDef::new(OutboundEmails::TemplateId).uuid().null())
                    .col(
                        ColumnDef::new(OutboundEmails::ToAddress)
                            .string_len(320)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutboundEmails::Subject)
                            .string_len(400)
                            .not_null(),
                    )
                    .col(ColumnDef::new(OutboundEmails::BodyText).text().not_null())
                    .col(ColumnDef::new(OutboundEmails::BodyHtml).text().not_null())
                    .col(
                        ColumnDef::new(OutboundEmails::Status)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutboundEmails::Attempts)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(OutboundEmails::LastError).text().null())
                    .col(at_null(OutboundEmails::SentAt))
                    .col(at_null(OutboundEmails::OpenedAt))
                    .col(at_null(OutboundEmails::ClickedAt))
                    .col(at(OutboundEmails::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbound_emails_enrollment_idx")
                    .table(OutboundEmails::Table)
                    .col(OutboundEmails::EnrollmentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmailUnsubscribes::Table)
                    .col(id(EmailUnsubscribes::LeadId))
                    .col(at(EmailUnsubscribes::At))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EmailUnsubscribes::Table.into_iden(),
            OutboundEmails::Table.into_iden(),
            JourneySteps::Table.into_iden(),
            Enrollments::Table.into_iden(),
            JourneyVersions::Table.into_iden(),
            Journeys::Table.into_iden(),
            EmailTemplates::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
