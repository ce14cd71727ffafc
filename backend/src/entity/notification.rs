use sea_orm::entity::prelude::*;

/// Something one user should know: a lead assigned, an SLA reminder or escalation, a
/// recycle, a claim.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// A `NotificationKind` name.
    pub kind: String,
    pub lead_id: Option<Uuid>,
    pub lead_name: String,
    pub data: Json,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
