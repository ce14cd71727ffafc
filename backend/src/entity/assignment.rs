use sea_orm::entity::prelude::*;

/// One change of a lead's owner. `to_owner_id` null: released to the pool.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub lead_id: Uuid,
    pub from_owner_id: Option<Uuid>,
    pub to_owner_id: Option<Uuid>,
    /// An `AssignmentReason` name.
    pub reason: String,
    pub actor_user_id: Option<Uuid>,
    pub note: Option<String>,
    /// The routing rule that decided, for `rule` assignments.
    pub rule_label: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
