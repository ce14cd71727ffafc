use sea_orm::entity::prelude::*;

/// A deal: a converted SQL with an amount, a close date and a stage.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "opportunities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub lead_id: Uuid,
    pub pipeline_id: Uuid,
    pub stage_id: Uuid,
    pub name: String,
    /// Minor units (fen for CNY).
    pub amount_minor: i64,
    pub currency: String,
    pub expected_close_on: Option<Date>,
    pub owner_id: Option<Uuid>,
    pub lost_reason: Option<String>,
    /// Bumped by every change; a move names the version it was made on.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
