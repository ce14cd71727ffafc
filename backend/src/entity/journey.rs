use sea_orm::entity::prelude::*;

/// A nurture journey: the draft being designed and which version is live.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "journeys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    /// `draft`, `active` or `paused`.
    pub status: String,
    /// A `leadflow_shared::journey::JourneyDefinition` as JSON.
    pub draft: Json,
    pub active_version: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
