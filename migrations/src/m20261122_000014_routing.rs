//! Routing, the claim pool, SLA clocks and notifications:
//!
//! - `routing_configs`: every saved version of the routing rules, the newest in force;
//! - `routing_state`: one row holding where each round robin stands, locked by every
//!   routing decision so two leads arriving together never get the same turn;
//! - `users.away` and `assignments.rule_label`;
//! - `sla_policies` and `lead_slas` (one first-contact clock per owner a lead had);
//! - `notifications`, per reader;
//! - the outbox gains a sequence number, so each server relays events in order and a
//!   live feed that reconnects can ask for everything after the last one it saw. On
//!   PostgreSQL a trigger NOTIFYs the other servers when events are committed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RoutingConfigs {
    Table,
    Id,
    Version,
    Rules,
    Trigger,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RoutingState {
    Table,
    Id,
    Rotations,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Away,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Leads {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Assignments {
    Table,
    RuleLabel,
}

#[derive(DeriveIden)]
enum SlaPolicies {
    Table,
    Id,
    Name,
    TeamId,
    WorkingHours,
    RemindAfterMinutes,
    EscalateAfterMinutes,
    RecycleAfterMinutes,
    RecycleAction,
    InactivityDays,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LeadSlas {
    Table,
    Id,
    LeadId,
    OwnerId,
    PolicyId,
    PolicyName,
    State,
    StartedAt,
    RemindAt,
    EscalateAt,
    RecycleAt,
    MetAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    LeadId,
    LeadName,
    Data,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Seq,
    Id,
    Topic,
    AggregateId,
    Payload,
    CreatedAt,
}

const OLD_OUTBOX: &str = "outbox_before_seq";

fn at(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();

        manager
            .create_table(
                Table::create()
                    .table(RoutingConfigs::Table)
                    .col(
                        ColumnDef::new(RoutingConfigs::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(RoutingConfigs::Version)
                            .integer()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(RoutingConfigs::Rules).json().not_null())
                    .col(
                        ColumnDef::new(RoutingConfigs::Trigger)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(RoutingConfigs::CreatedBy).uuid().null())
                    .col(at(RoutingConfigs::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoutingState::Table)
                    .col(
                        ColumnDef::new(RoutingState::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(RoutingState::Rotations).json().not_null())
                    .col(at(RoutingState::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "INSERT INTO routing_state (id, rotations, updated_at) VALUES (1, '{}', CURRENT_TIMESTAMP)",
        )
        .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(
                        ColumnDef::new(Users::Away)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Assignments::Table)
                    .add_column(
                        ColumnDef::new(Assignments::RuleLabel)
                            .string_len(120)
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SlaPolicies::Table)
                    .col(
                        ColumnDef::new(SlaPolicies::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SlaPolicies::Name).string_len(100).not_null())
                    .col(ColumnDef::new(SlaPolicies::TeamId).uuid().null())
                    .col(ColumnDef::new(SlaPolicies::WorkingHours).json().not_null())
                    .col(
                        ColumnDef::new(SlaPolicies::RemindAfterMinutes)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SlaPolicies::EscalateAfterMinutes)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SlaPolicies::RecycleAfterMinutes)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SlaPolicies::RecycleAction)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(SlaPolicies::InactivityDays).integer().null())
                    .col(at(SlaPolicies::CreatedAt))
                    .col(at(SlaPolicies::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("sla_policies_team_id_fkey")
                            .from(SlaPolicies::Table, SlaPolicies::TeamId)
                            .to(Teams::Table, Teams::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("sla_policies_team_idx")
                    .table(SlaPolicies::Table)
                    .col(SlaPolicies::TeamId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LeadSlas::Table)
                    .col(ColumnDef::new(LeadSlas::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(LeadSlas::LeadId).uuid().not_null())
                    .col(ColumnDef::new(LeadSlas::OwnerId).uuid().not_null())
                    .col(ColumnDef::new(LeadSlas::PolicyId).uuid().null())
                    .col(
                        ColumnDef::new(LeadSlas::PolicyName)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(ColumnDef::new(LeadSlas::State).string_len(16).not_null())
                    .col(at(LeadSlas::StartedAt))
                    .col(at(LeadSlas::RemindAt))
                    .col(at(LeadSlas::EscalateAt))
                    .col(at(LeadSlas::RecycleAt))
                    .col(
                        ColumnDef::new(LeadSlas::MetAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(at(LeadSlas::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("lead_slas_lead_id_fkey")
                            .from(LeadSlas::Table, LeadSlas::LeadId)
                            .to(Leads::Table, Leads::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("lead_slas_lead_started_idx")
                    .table(LeadSlas::Table)
                    .col(LeadSlas::LeadId)
                    .col(LeadSlas::StartedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("lead_slas_owner_state_idx")
                    .table(LeadSlas::Table)
                    .col(LeadSlas::OwnerId)
                    .col(LeadSlas::State)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(
                        ColumnDef::new(Notifications::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Notifications::UserId).uuid().not_null())
                    .col(
                        ColumnDef::new(Notifications::Kind)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Notifications::LeadId).uuid().null())
                    .col(
                        ColumnDef::new(Notifications::LeadName)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Notifications::Data).json().not_null())
                    .col(at(Notifications::CreatedAt))
                    .col(
                        ColumnDef::new(Notifications::ReadAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("notifications_user_id_fkey")
                            .from(Notifications::Table, Notifications::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("notifications_user_created_idx")
                    .table(Notifications::Table)
                    .col(Notifications::UserId)
                    .col(Notifications::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("notifications_user_unread_idx")
                    .table(Notifications::Table)
                    .col(Notifications::UserId)
                    .col(Notifications::ReadAt)
                    .to_owned(),
            )
            .await?;

        // The outbox, again, with a sequence number. Its rows are kept, in order.
        manager
            .rename_table(
                Table::rename()
                    .table(Outbox::Table, Alias::new(OLD_OUTBOX))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(
                        ColumnDef::new(Outbox::Seq)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Outbox::Id).uuid().not_null().unique_key())
                    .col(ColumnDef::new(Outbox::Topic).string_len(64).not_null())
                    .col(ColumnDef::new(Outbox::AggregateId).uuid().not_null())
                    .col(ColumnDef::new(Outbox::Payload).json().not_null())
                    .col(at(Outbox::CreatedAt))
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO outbox (id, topic, aggregate_id, payload, created_at) \
             SELECT id, topic, aggregate_id, payload, created_at FROM {OLD_OUTBOX} ORDER BY id"
        ))
        .await?;
        manager
            .drop_table(Table::drop().table(Alias::new(OLD_OUTBOX)).to_owned())
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_topic_seq_idx")
                    .table(Outbox::Table)
                    .col(Outbox::Topic)
                    .col(Outbox::Seq)
                    .to_owned(),
            )
            .await?;
        if backend == DbBackend::Postgres {
            db.execute_unprepared(
                "CREATE FUNCTION leadflow_outbox_notify() RETURNS trigger AS $$ \
                 BEGIN PERFORM pg_notify('leadflow_outbox', ''); RETURN NULL; END \
                 $$ LANGUAGE plpgsql",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER outbox_notify AFTER INSERT ON outbox \
                 FOR EACH STATEMENT EXECUTE FUNCTION leadflow_outbox_notify()",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP TRIGGER IF EXISTS outbox_notify ON outbox")
                .await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS leadflow_outbox_notify()")
                .await?;
        }
        for table in [
            Notifications::Table.into_iden(),
            LeadSlas::Table.into_iden(),
            SlaPolicies::Table.into_iden(),
            RoutingState::Table.into_iden(),
            RoutingConfigs::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Assignments::Table)
                    .drop_column(Assignments::RuleLabel)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::Away)
                    .to_owned(),
            )
            .await
    }
}
