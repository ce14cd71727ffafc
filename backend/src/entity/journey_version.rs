use sea_orm::entity::prelude::*;

/// A journey's definition as frozen when it was activated; enrolments run on it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "journey_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub journey_id: Uuid,
    pub version: i32,
    pub definition: Json,
    /// The trigger's `type`, for finding the journeys an event may start.
    pub trigger_kind: String,
    pub activated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
