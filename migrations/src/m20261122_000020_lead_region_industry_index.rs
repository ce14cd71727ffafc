//! "Industry in a province" is one of the commonest list filters (a regional team's
//! vertical). With only the industry index, a million-lead table answered it by reading
//! every lead of the industry to check its province. One index over industry, province
//! and city serves industry alone, industry + province and industry + province + city
//! from the index itself, so it replaces the industry-only index.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX leads_live_industry_region_idx ON leads (industry, province, city) \
             WHERE merged_into IS NULL",
        )
        .await?;
        db.execute_unprepared("DROP INDEX leads_live_industry_idx")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX leads_live_industry_idx ON leads (industry) WHERE merged_into IS NULL",
        )
        .await?;
        db.execute_unprepared("DROP INDEX leads_live_industry_region_idx")
            .await?;
        Ok(())
    }
}
