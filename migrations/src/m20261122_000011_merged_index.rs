//! The index on `merged_into` only needs the few merged-away leads (to follow a merge
//! to its survivor). As a full index it also covered every live lead under NULL, and
//! SQLite's planner would then read a million-lead list through it and sort, instead
//! of walking the live-lead list indexes in order.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // A new name, created before the old index goes: every pooled connection sees
        // a consistent schema whichever runs each statement.
        db.execute_unprepared(
            "CREATE INDEX leads_merged_survivor_idx ON leads (merged_into) \
             WHERE merged_into IS NOT NULL",
        )
        .await?;
        db.execute_unprepared("DROP INDEX leads_merged_into_idx")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("CREATE INDEX leads_merged_into_idx ON leads (merged_into)")
            .await?;
        db.execute_unprepared("DROP INDEX leads_merged_survivor_idx")
            .await?;
        Ok(())
    }
}
