use sea_orm::entity::prelude::*;

/// A marketing campaign: its channel and what it cost, for cost per lead and ROI.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    /// A `leadflow_shared::Channel` name.
    pub channel: String,
    /// Total spend in the currency's minor unit (fen for CNY).
    pub cost_cents: i64,
    pub currency: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
