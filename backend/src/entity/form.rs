use sea_orm::entity::prelude::*;
use sea_orm::FromJsonQueryResult;
use serde::{Deserialize, Serialize};

/// A web-to-lead form: which fields it asks, where its leads come from, what the
/// visitor sees after submitting.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "forms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The public, unguessable part of `/f/{key}`.
    pub key: String,
    pub name: String,
    pub fields: FormFields,
    /// A `leadflow_shared::Channel` name.
    pub source: String,
    pub campaign_id: Option<Uuid>,
    pub thank_you_url: Option<String>,
    pub thank_you_message: Option<String>,
    pub active: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct FormFields(pub Vec<FormField>);

/// One question on a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// A lead field (`personName`, `email`, ...) or `custom:<name>` for a custom field.
    pub name: String,
    /// What the visitor reads.
    pub label: String,
    pub required: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
