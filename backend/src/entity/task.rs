use sea_orm::entity::prelude::*;

/// A to-do on a lead for one person, due at a time.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub lead_id: Uuid,
    /// Set when the task is about a deal.
    pub opportunity_id: Option<Uuid>,
    pub assignee_id: Uuid,
    pub title: String,
    pub due_at: DateTimeUtc,
    pub done_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
