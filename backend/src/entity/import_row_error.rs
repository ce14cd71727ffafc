use sea_orm::entity::prelude::*;

/// A CSV row an import could not take, and why.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_row_errors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub import_id: Uuid,
    /// The line of the file the row starts on (the header is line 1).
    pub row_number: i64,
    pub message: String,
    /// The row as read, re-encoded as one CSV line.
    pub raw: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
