use sea_orm::entity::prelude::*;

/// A first-contact service level: the default one (`team_id` null) or a team's.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sla_policies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub team_id: Option<Uuid>,
    /// `leadflow_shared::routing::WorkingHours`.
    pub working_hours: Json,
    pub remind_after_minutes: i32,
    pub escalate_after_minutes: i32,
    pub recycle_after_minutes: i32,
    /// A `RecycleAction` name.
    pub recycle_action: String,
    pub inactivity_days: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
