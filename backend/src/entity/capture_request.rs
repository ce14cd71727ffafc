use sea_orm::entity::prelude::*;

/// A capture made with an idempotency key: a retry with the same key by the same caller
/// gets this lead back instead of a second one.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "capture_requests")]
pub struct Model {
    /// `user:<id>` or `api_key:<id>`: keys are scoped to whoever sent them.
    #[sea_orm(primary_key, auto_increment = false)]
    pub principal: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub idempotency_key: String,
    pub lead_id: Uuid,
    pub outcome: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
