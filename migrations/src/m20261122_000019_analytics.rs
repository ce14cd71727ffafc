//! What the dashboards read, kept on the lead so every widget is one aggregate over
//! `leads` (no scan of millions of timeline events):
//!
//! - `mql_at`, `sql_at`, `opportunity_at`, `won_at`: when the lead first reached each
//!   funnel stage — the funnel counts, time in stage and the conversion cycle;
//! - `won_amount_minor`: the amount of its won deals — source ROI, LTV, leaderboard.
//!
//! Existing leads are filled in from their `stage_changed` events and won deals; a lead
//! whose stage was set without an event (imports, demo data) gets its current stage's
//! time from `updated_at`.
//!
//! Indexes: the cohort is "captured in a range", optionally of one owner, source or
//! campaign; activities are read by actor and time.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Leads {
    Table,
    MqlAt,
    SqlAt,
    OpportunityAt,
    WonAt,
    WonAmountMinor,
    OwnerId,
    CreatedAt,
    CampaignId,
}

#[derive(DeriveIden, Clone, Copy)]
enum LeadEvents {
    Table,
    ActorUserId,
    OccurredAt,
    Kind,
}

/// Each column and the stage whose first arrival it records.
const STAGE_COLUMNS: [(Leads, &str); 4] = [
    (Leads::MqlAt, "mql"),
    (Leads::SqlAt, "sql"),
    (Leads::OpportunityAt, "opportunity"),
    (Leads::WonAt, "customer"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (col, _) in STAGE_COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Leads::Table)
                        .add_column(ColumnDef::new(col).timestamp_with_time_zone().null())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Leads::Table)
                    .add_column(ColumnDef::new(Leads::WonAmountMinor).big_integer().null())
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        let to_stage = match manager.get_database_backend() {
            DbBackend::Postgres => "(e.data ->> 'to')",
            _ => "json_extract(e.data, '$.to')",
        };
        for (col, stage) in STAGE_COLUMNS {
            let col = col.to_string();
            db.execute_unprepared(&format!(
                "UPDATE leads SET {col} = (SELECT MIN(e.occurred_at) FROM lead_events e \
                 WHERE e.lead_id = leads.id AND e.kind = 'stage_changed' AND {to_stage} = '{stage}') \
                 WHERE {col} IS NULL"
            ))
            .await?;
            // Reached without an event (imported or seeded at that stage).
            db.execute_unprepared(&format!(
                "UPDATE leads SET {col} = updated_at WHERE {col} IS NULL AND stage = '{stage}'"
            ))
            .await?;
        }
        db.execute_unprepared(
            "UPDATE leads SET won_amount_minor = (SELECT SUM(o.amount_minor) FROM opportunities o \
             JOIN pipeline_stages s ON s.id = o.stage_id \
             WHERE o.lead_id = leads.id AND s.kind = 'won') \
             WHERE won_at IS NOT NULL",
        )
        .await?;

        let lead_indexes = [
            (
                "leads_created_owner_idx",
                vec![Leads::CreatedAt, Leads::OwnerId],
            ),
            (
                "leads_owner_created_idx",
                vec![Leads::OwnerId, Leads::CreatedAt],
            ),
            (
                "leads_campaign_created_idx",
                vec![Leads::CampaignId, Leads::CreatedAt],
            ),
        ];
        for (name, cols) in lead_indexes {
            let mut stmt = Index::create();
            stmt.name(name).table(Leads::Table);
            for c in cols {
                stmt.col(c);
            }
            manager.create_index(stmt.to_owned()).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("lead_events_actor_occurred_idx")
                    .table(LeadEvents::Table)
                    .col(LeadEvents::ActorUserId)
                    .col(LeadEvents::OccurredAt)
                    .col(LeadEvents::Kind)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("lead_events_actor_occurred_idx")
                    .table(LeadEvents::Table)
                    .to_owned(),
            )
            .await?;
        for name in [
            "leads_created_owner_idx",
            "leads_owner_created_idx",
            "leads_campaign_created_idx",
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Leads::Table).to_owned())
                .await?;
        }
        for col in [
            Leads::WonAmountMinor,
            Leads::WonAt,
            Leads::OpportunityAt,
            Leads::SqlAt,
            Leads::MqlAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Leads::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
