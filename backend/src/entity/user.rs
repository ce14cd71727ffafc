use leadflow_shared::Role;
use sea_orm::entity::prelude::*;

use super::StringList;

/// The role as stored: a short lowercase string, mapped one to one onto [`Role`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DbRole {
    #[sea_orm(string_value = "admin")]
    Admin,
    #[sea_orm(string_value = "manager")]
    Manager,
    #[sea_orm(string_value = "rep")]
    Rep,
    #[sea_orm(string_value = "marketer")]
    Marketer,
}

impl From<Role> for DbRole {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => DbRole::Admin,
            Role::Manager => DbRole::Manager,
            Role::Rep => DbRole::Rep,
            Role::Marketer => DbRole::Marketer,
        }
    }
}

impl From<DbRole> for Role {
    fn from(r: DbRole) -> Self {
        match r {
            DbRole::Admin => Role::Admin,
            DbRole::Manager => Role::Manager,
            DbRole::Rep => Role::Rep,
            DbRole::Marketer => Role::Marketer,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: DbRole,
    pub team_id: Option<Uuid>,
    pub regions: StringList,
    pub industries: StringList,
    pub capacity: i32,
    pub active: bool,
    /// On leave or out of office: routing passes them over.
    pub away: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
