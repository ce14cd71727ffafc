use sea_orm::entity::prelude::*;

use super::StringList;

/// A lead as stored. Normalised copies of email, phone and company sit beside what the
/// person typed, for duplicate detection.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "leads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_name: String,
    pub title: Option<String>,
    pub company: Option<String>,
    pub company_key: Option<String>,
    pub email: Option<String>,
    pub email_normalized: Option<String>,
    pub phone: Option<String>,
    pub phone_e164: Option<String>,
    pub industry: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    /// Employees.
    pub company_size: Option<i32>,
    /// A `leadflow_shared::Channel` name.
    pub source: String,
    pub campaign_id: Option<Uuid>,
    pub tags: StringList,
    pub custom_fields: Json,
    /// A `leadflow_shared::LeadStage` name.
    pub stage: String,
    /// `None`: in the claim pool.
    pub owner_id: Option<Uuid>,
    pub fit_score: i32,
    pub engagement_score: i32,
    pub total_score: i32,
    pub bant: Option<Json>,
    pub lost_reason: Option<String>,
    pub first_assigned_at: Option<DateTimeUtc>,
    pub first_contacted_at: Option<DateTimeUtc>,
    pub merged_into: Option<Uuid>,
    /// Bumped on every change; a write that read an older version is refused.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The latest sales activity or behaviour event; the arrival time until then.
    pub last_activity_at: DateTimeUtc,
    /// The predictive model's chance this open lead is won, 0..1; `None` until a
    /// model trained on enough history has scored it.
    pub win_probability: Option<f64>,
    /// The factors behind `win_probability` (`[leadflow_shared::predict::Factor]`).
    pub win_factors: Option<Json>,
    /// When the lead first reached MQL, SQL, the pipeline and a win: the funnel's
    /// clock, kept by `domain::analytics::stage_reached`.
    pub mql_at: Option<DateTimeUtc>,
    pub sql_at: Option<DateTimeUtc>,
    pub opportunity_at: Option<DateTimeUtc>,
    pub won_at: Option<DateTimeUtc>,
    /// The amount of its won deals, in minor units.
    pub won_amount_minor: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
