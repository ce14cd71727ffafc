//! Leadflow's schema history. One file per change, applied in order, identical on
//! SQLite and PostgreSQL. A migration that has landed is never edited: a fix is a new
//! migration after it.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_accounts;
mod m20261122_000002_leads;
mod m20261122_000003_capture;
mod m20261122_000004_forms;
mod m20261122_000005_tasks;
mod m20261122_000006_imports;
mod m20261122_000007_assignments;
mod m20261122_000008_lead_activity;
mod m20261122_000009_lead_filter_indexes;
mod m20261122_000010_scoring;
mod m20261122_000011_merged_index;
mod m20261122_000012_lead_predictions;
mod m20261122_000013_drop_superseded_indexes;
mod m20261122_000014_routing;
mod m20261122_000015_owner_loads;
mod m20261122_000016_lead_search;
mod m20261122_000017_pipeline;
mod m20261122_000018_journeys;
mod m20261122_000019_analytics;
mod m20261122_000020_lead_region_industry_index;
mod m20261122_000021_lead_province_stage_index;
mod m20261122_000022_lead_province_score_index;
mod m20261122_000023_jobs_due_order_index;

/// The text the PostgreSQL search index covers; lead searches spell it exactly so.
pub use m20261122_000016_lead_search::PG_SEARCH_EXPR;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_accounts::Migration),
            Box::new(m20261122_000002_leads::Migration),
            Box::new(m20261122_000003_capture::Migration),
            Box::new(m20261122_000004_forms::Migration),
            Box::new(m20261122_000005_tasks::Migration),
            Box::new(m20261122_000006_imports::Migration),
            Box::new(m20261122_000007_assignments::Migration),
            Box::new(m20261122_000008_lead_activity::Migration),
            Box::new(m20261122_000009_lead_filter_indexes::Migration),
            Box::new(m20261122_000010_scoring::Migration),
            Box::new(m20261122_000011_merged_index::Migration),
            Box::new(m20261122_000012_lead_predictions::Migration),
            Box::new(m20261122_000013_drop_superseded_indexes::Migration),
            Box::new(m20261122_000014_routing::Migration),
            Box::new(m20261122_000015_owner_loads::Migration),
            Box::new(m20261122_000016_lead_search::Migration),
            Box::new(m20261122_000017_pipeline::Migration),
            Box::new(m20261122_000018_journeys::Migration),
            Box::new(m20261122_000019_analytics::Migration),
            Box::new(m20261122_000020_lead_region_industry_index::Migration),
            Box::new(m20261122_000021_lead_province_stage_index::Migration),
            Box::new(m20261122_000022_lead_province_score_index::Migration),
            Box::new(m20261122_000023_jobs_due_order_index::Migration),
        ]
    }
}
