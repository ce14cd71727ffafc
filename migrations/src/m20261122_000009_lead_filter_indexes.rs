//! A partial index per list filter, over live (not merged-away) leads only: the count
//! behind "12,345 leads" and the first page of a filtered list read an index, not the
//! table, on a million leads.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: &[(&str, &str)] = &[
    (
        "leads_live_stage_score_idx",
        "(stage, total_score DESC, created_at DESC, id DESC)",
    ),
    ("leads_live_source_created_idx", "(source, created_at)"),
    ("leads_live_province_city_idx", "(province, city)"),
    ("leads_live_industry_idx", "(industry)"),
    ("leads_live_campaign_idx", "(campaign_id)"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
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
        Ok(())
    }
}
