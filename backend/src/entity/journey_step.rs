use sea_orm::entity::prelude::*;

/// A step an enrolment took. The key (enrolment, step) is written in the transaction
/// that carries out the step's effects, so a step can never be done twice.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "journey_steps")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub enrollment_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub step: i32,
    /// The node the lead entered on this step, if it entered one.
    pub node: Option<String>,
    /// The `leadflow_shared::journey::Effect`s carried out.
    pub effects: Json,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
