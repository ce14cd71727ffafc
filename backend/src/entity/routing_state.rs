use sea_orm::entity::prelude::*;

/// The single row (id 1) holding every round robin's rotation, by rule id. Routing
/// decisions lock it, so turns are handed out one at a time.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "routing_state")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// `BTreeMap<String, leadflow_shared::routing::Rotation>`.
    pub rotations: Json,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
