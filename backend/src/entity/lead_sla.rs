use sea_orm::entity::prelude::*;

/// One first-contact clock: started when a lead got an owner, with the instants of its
/// three thresholds already counted in business time.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lead_slas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub lead_id: Uuid,
    pub owner_id: Uuid,
    pub policy_id: Option<Uuid>,
    pub policy_name: String,
    /// An `SlaState` name.
    pub state: String,
    pub started_at: DateTimeUtc,
    pub remind_at: DateTimeUtc,
    pub escalate_at: DateTimeUtc,
    pub recycle_at: DateTimeUtc,
    pub met_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
