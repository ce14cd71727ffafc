use sea_orm::entity::prelude::*;

/// One lead's way through one journey version.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "enrollments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub journey_id: Uuid,
    pub version_id: Uuid,
    pub lead_id: Uuid,
    /// A `leadflow_shared::journey::EnrolmentState` as JSON.
    pub state: Json,
    pub at_node: Option<String>,
    /// Steps taken; the next step's number is `steps + 1`.
    pub steps: i32,
    /// `journey:lead` while enrolled, `None` after leaving (unique).
    pub open_key: Option<String>,
    pub left_reason: Option<String>,
    pub left_node: Option<String>,
    pub left_at: Option<DateTimeUtc>,
    pub next_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
