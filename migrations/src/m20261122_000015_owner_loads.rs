//! How many open leads each owner has, kept by the database itself.
//!
//! Routing asks this for every lead it places (capacity, least-loaded); counting a
//! million leads each time would be far too slow. Triggers on `leads` keep
//! `owner_loads` exact whatever writes the lead — capture, import, assignment, claim,
//! stage change, merge — because they run inside the writing transaction.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The stages in which a lead still counts against its owner's capacity.
const OPEN: &str = "('lead', 'mql', 'sql', 'opportunity', 'recycled')";

fn sqlite_triggers() -> Vec<String> {
    let counts = |row: &str| {
        format!(
            "{row}.owner_id IS NOT NULL AND {row}.merged_into IS NULL AND {row}.stage IN {OPEN}"
        )
    };
    let add = |row: &str| {
        format!(
            "INSERT INTO owner_loads (owner_id, open_leads) SELECT {row}.owner_id, 1 WHERE {cond} \
             ON CONFLICT (owner_id) DO UPDATE SET open_leads = open_leads + 1;",
            cond = counts(row)
        )
    };
    let remove = |row: &str| {
        format!(
            "UPDATE owner_loads SET open_leads = open_leads - 1 \
             WHERE owner_id = {row}.owner_id AND {cond};",
            cond = counts(row)
        )
    };
    vec![
        format!(
            "CREATE TRIGGER leads_owner_load_insert AFTER INSERT ON leads BEGIN {} END",
            add("NEW")
        ),
        format!(
            "CREATE TRIGGER leads_owner_load_delete AFTER DELETE ON leads BEGIN {} END",
            remove("OLD")
        ),
        format!(
            "CREATE TRIGGER leads_owner_load_update AFTER UPDATE OF owner_id, stage, merged_into \
             ON leads BEGIN {} {} END",
            remove("OLD"),
            add("NEW")
        ),
    ]
}

fn postgres_triggers() -> Vec<String> {
    vec![
        format!(
            "CREATE FUNCTION leadflow_owner_load() RETURNS trigger AS $$
            BEGIN
              IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.owner_id IS NOT NULL
                 AND OLD.merged_into IS NULL AND OLD.stage IN {OPEN} THEN
                UPDATE owner_loads SET open_leads = open_leads - 1 WHERE owner_id = OLD.owner_id;
              END IF;
              IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.owner_id IS NOT NULL
                 AND NEW.merged_into IS NULL AND NEW.stage IN {OPEN} THEN
                INSERT INTO owner_loads (owner_id, open_leads) VALUES (NEW.owner_id, 1)
                ON CONFLICT (owner_id) DO UPDATE SET open_leads = owner_loads.open_leads + 1;
              END IF;
              RETURN NULL;
            END $$ LANGUAGE plpgsql"
        ),
        "CREATE TRIGGER leads_owner_load AFTER INSERT OR DELETE OR UPDATE OF owner_id, stage, merged_into \
         ON leads FOR EACH ROW EXECUTE FUNCTION leadflow_owner_load()"
            .to_string(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE owner_loads (owner_id uuid NOT NULL PRIMARY KEY, open_leads bigint NOT NULL)",
        )
        .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO owner_loads (owner_id, open_leads) \
             SELECT owner_id, COUNT(*) FROM leads \
             WHERE owner_id IS NOT NULL AND merged_into IS NULL AND stage IN {OPEN} \
             GROUP BY owner_id"
        ))
        .await?;
        let triggers = match manager.get_database_backend() {
            DbBackend::Postgres => postgres_triggers(),
            _ => sqlite_triggers(),
        };
        for sql in triggers {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared("DROP TRIGGER IF EXISTS leads_owner_load ON leads")
                    .await?;
                db.execute_unprepared("DROP FUNCTION IF EXISTS leadflow_owner_load()")
                    .await?;
            }
            _ => {
                for t in ["insert", "delete", "update"] {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS leads_owner_load_{t}"))
                        .await?;
                }
            }
        }
        db.execute_unprepared("DROP TABLE owner_loads").await?;
        Ok(())
    }
}
