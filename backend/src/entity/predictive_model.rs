use sea_orm::entity::prelude::*;

/// A trained predictive model; the newest is the one in use.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "predictive_models")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// A `leadflow_shared::predict::PredictiveModel` as JSON.
    pub model: Json,
    pub auc: Option<f64>,
    pub trained_on: i32,
    pub held_out: i32,
    pub closed: i32,
    pub trained_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
