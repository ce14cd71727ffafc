//! The first lead indexes (000002) covered merged-away leads too; the live-lead partial
//! indexes of 000008 and 000009 now serve every list filter and sort. Each extra index
//! is written on every capture and every score change (a re-score of a million leads
//! rewrote five score indexes), so the superseded ones go. The campaign index stays:
//! deleting a campaign clears it on every lead, merged ones included.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Name and definition, to drop and (on the way down) to restore.
const SUPERSEDED: &[(&str, &str)] = &[
    (
        "leads_owner_stage_score_idx",
        "(owner_id, stage, total_score)",
    ),
    ("leads_stage_score_idx", "(stage, total_score)"),
    ("leads_source_created_idx", "(source, created_at)"),
    ("leads_province_idx", "(province)"),
    ("leads_industry_idx", "(industry)"),
    ("leads_created_at_idx", "(created_at)"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _) in SUPERSEDED {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, columns) in SUPERSEDED {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON leads {columns}"))
                .await?;
        }
        Ok(())
    }
}
