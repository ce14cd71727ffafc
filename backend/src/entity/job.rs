use sea_orm::entity::prelude::*;

/// One unit of durable background work (see `crate::jobs`): claimed by a worker with a
/// lease (`locked_until`), done once `done_at` is set.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Which handler runs it, e.g. `import.run`.
    pub kind: String,
    pub payload: Json,
    /// Not before.
    pub run_at: DateTimeUtc,
    pub attempts: i32,
    /// The lease of the worker holding it; past = free to claim again.
    pub locked_until: Option<DateTimeUtc>,
    /// The runner holding the lease.
    pub locked_by: Option<Uuid>,
    pub done_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
