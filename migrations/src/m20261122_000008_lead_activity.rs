//! When a lead last did something or had something done to it, for "sort by last
//! activity", and list indexes that skip merged-away leads, so the first page of a
//! million-lead list is an index range read however it is sorted.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Leads {
    Table,
    LastActivityAt,
}

/// Partial indexes read the same on SQLite and PostgreSQL.
const INDEXES: &[(&str, &str)] = &[
    (
        "leads_live_score_idx",
        "(total_score DESC, created_at DESC, id DESC)",
    ),
    ("leads_live_created_idx", "(created_at, id)"),
    ("leads_live_activity_idx", "(last_activity_at, id)"),
    (
        "leads_live_owner_score_idx",
        "(owner_id, total_score DESC, created_at DESC, id DESC)",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Leads::Table)
                    .add_column(
                        ColumnDef::new(Leads::LastActivityAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // The last timeline event that is work on the lead or behaviour of the lead;
        // a lead nobody has touched was last active when it arrived.
        db.execute_unprepared(
            "UPDATE leads SET last_activity_at = COALESCE(
                (SELECT MAX(e.occurred_at) FROM lead_events e
                  WHERE e.lead_id = leads.id
                    AND e.kind IN ('call', 'email', 'visit', 'note', 'page_view', 'download',
                                   'webinar_attended', 'email_open', 'email_click',
                                   'form_submit', 'custom', 'captured', 'captured_again')),
                created_at)",
        )
        .await?;
        for (name, columns) in INDEXES {
            db.execute_unprepared(&format!(
                "CREATE INDEX {name} ON leads {columns} WHERE merged_into IS NULL"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Leads::Table)
                    .drop_column(Leads::LastActivityAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
