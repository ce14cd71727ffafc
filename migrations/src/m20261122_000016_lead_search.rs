//! Free-text search over name, company, email and phone that stays fast on a million
//! leads: a trigram index, so any fragment of three or more characters (a part of a
//! company name, an email domain, some digits of a phone number) is found without
//! reading every lead.
//!
//! - SQLite: an FTS5 table with the trigram tokenizer (case-insensitive). FTS5 rows are
//!   numbered, leads are not, so `lead_search_docs` maps each lead to its row. Triggers
//!   on `leads` keep both current, whatever writes the lead.
//! - PostgreSQL: a pg_trgm GIN index on the same text, when the server offers pg_trgm
//!   (without it searches still work, reading the table).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The searchable text of a lead row (`NEW`, `OLD` or the table itself).
fn body(row: &str) -> String {
    format!(
        "coalesce({row}.person_name, '') || ' ' || coalesce({row}.company, '') || ' ' || \
         coalesce({row}.email_normalized, '') || ' ' || coalesce({row}.phone_e164, '')"
    )
}

/// The indexed expression on PostgreSQL; queries must spell it exactly so.
pub const PG_SEARCH_EXPR: &str = "lower(coalesce(person_name, '') || ' ' || coalesce(company, '') || ' ' || coalesce(email_normalized, '') || ' ' || coalesce(phone_e164, ''))";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                let available = db
                    .query_one_raw(Statement::from_string(
                        DbBackend::Postgres,
                        "SELECT 1 AS ok FROM pg_available_extensions WHERE name = 'pg_trgm'",
                    ))
                    .await?
                    .is_some();
                if available {
                    db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                        .await?;
                    db.execute_unprepared(&format!(
                        "CREATE INDEX leads_live_search_trgm_idx ON leads \
                         USING gin (({PG_SEARCH_EXPR}) gin_trgm_ops) WHERE merged_into IS NULL"
                    ))
                    .await?;
                }
            }
            _ => {
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE lead_search USING fts5(body, tokenize = 'trigram')",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TABLE lead_search_docs (lead_id BLOB NOT NULL PRIMARY KEY, doc INTEGER NOT NULL UNIQUE)",
                )
                .await?;
                db.execute_unprepared(&format!(
                    "INSERT INTO lead_search (rowid, body) SELECT rowid, {} FROM leads",
                    body("leads")
                ))
                .await?;
                db.execute_unprepared(
                    "INSERT INTO lead_search_docs (lead_id, doc) SELECT id, rowid FROM leads",
                )
                .await?;
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER leads_search_insert AFTER INSERT ON leads BEGIN \
                     INSERT INTO lead_search (body) VALUES ({}); \
                     INSERT INTO lead_search_docs (lead_id, doc) VALUES (NEW.id, last_insert_rowid()); \
                     END",
                    body("NEW")
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER leads_search_update \
                     AFTER UPDATE OF person_name, company, email_normalized, phone_e164 ON leads BEGIN \
                     UPDATE lead_search SET body = {} \
                     WHERE rowid = (SELECT doc FROM lead_search_docs WHERE lead_id = NEW.id); \
                     END",
                    body("NEW")
                ))
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER leads_search_delete AFTER DELETE ON leads BEGIN \
                     DELETE FROM lead_search \
                     WHERE rowid = (SELECT doc FROM lead_search_docs WHERE lead_id = OLD.id); \
                     DELETE FROM lead_search_docs WHERE lead_id = OLD.id; \
                     END",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared("DROP INDEX IF EXISTS leads_live_search_trgm_idx")
                    .await?;
            }
            _ => {
                for t in ["insert", "update", "delete"] {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS leads_search_{t}"))
                        .await?;
                }
                db.execute_unprepared("DROP TABLE IF EXISTS lead_search_docs")
                    .await?;
                db.execute_unprepared("DROP TABLE IF EXISTS lead_search")
                    .await?;
            }
        }
        Ok(())
    }
}
