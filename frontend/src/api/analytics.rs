//! Dashboards: one `analytics` query for every widget on screen, the campaigns for the
//! filter bar, and the CSV path of each widget.
//!
//! The series are `leadflow_shared::analytics` types, deserialised as the server wrote
//! them. A filter the server refuses (an inverted range, an unknown team) comes back as
//! `userErrors` with no report, never as a failed request.

use leadflow_shared::analytics::{
    AnalyticsFilter, AnalyticsWidget, CampaignRoiRow, ConversionCycle, Funnel, LeaderboardRow,
    LostReasons, SourceRoiRow, SpeedToLead, Trend, UnitEconomics,
};
use leadflow_shared::Channel;
use serde::Deserialize;
use serde_json::{json, Value};

use super::client::field;
use super::types::UserError;
use super::{ApiError, Client};

/// Every widget the dashboard draws, as one report.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub source_roi: Vec<SourceRoiRow>,
    pub campaign_roi: Vec<CampaignRoiRow>,
    pub funnel: Funnel,
    pub speed_to_lead: SpeedToLead,
    pub conversion_cycle: ConversionCycle,
    pub leaderboard: Vec<LeaderboardRow>,
    pub lost_reasons: LostReasons,
    pub unit_economics: UnitEconomics,
    pub trend: Trend,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsResult {
    pub report: Option<Report>,
    pub user_errors: Vec<UserError>,
}

const ROI: &str = "leads mqls sqls opportunities won wonAmount mqlRate sqlRate \
     opportunityRate winRate cost costPerLead roi";
const CYCLE: &str = "won averageDays medianDays";

fn report_fields() -> String {
    format!(
        "sourceRoi {{ source metrics {{ {ROI} }} }}
         campaignRoi {{ campaignId name channel totalCost totalLeads metrics {{ {ROI} }} }}
         funnel {{ steps {{ step count conversionFromPrevious conversionFromStart medianSecondsInStep timedLeads }} }}
         speedToLead {{ leads contacted medianSeconds withinFiveMinutes withinOneHour
           withinFiveMinutesRate withinOneHourRate
           buckets {{ label minSeconds maxSeconds count }}
           breachesByRep {{ ownerId ownerName teamId teamName clocks breached breachRate }}
           breachesByTeam {{ teamId teamName clocks breached breachRate }} }}
         conversionCycle {{ overall {{ {CYCLE} }} bySource {{ source stats {{ {CYCLE} }} }}
           byCompanySize {{ companySize stats {{ {CYCLE} }} }} }}
         leaderboard {{ ownerId ownerName teamId teamName leads contacted won wonAmount
           conversionRate averageResponseSeconds calls emails visits notes }}
         lostReasons {{ lost reasons {{ reason count share }} }}
         unitEconomics {{ marketingCost newCustomers wonAmount cac ltv ltvToCac }}
         trend {{ bucket points {{ periodStart leads mqls sqls opportunities won wonAmount }} }}"
    )
}

/// The whole dashboard for `filter`.
pub async fn report(
    client: &Client,
    filter: &AnalyticsFilter,
) -> Result<AnalyticsResult, ApiError> {
    let document = format!(
        "query Dashboard($f: AnalyticsFilterInput!) {{
           analytics(filter: $f) {{ userErrors {{ field message code }} report {{ {} }} }}
         }}",
        report_fields()
    );
    let data: Value = client.request(&document, json!({ "f": filter })).await?;
    field(data, "analytics")
}

/// A campaign, as the filter bar lists it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CampaignOption {
    pub id: String,
    pub name: String,
    pub channel: Channel,
}

pub async fn campaigns(client: &Client) -> Result<Vec<CampaignOption>, ApiError> {
    let data: Value = client
        .request(
            "query Campaigns { campaigns { id name channel } }",
            json!({}),
        )
        .await?;
    field(data, "campaigns")
}

/// `GET /api/analytics/{widget}.csv?…` for the same filter.
pub fn csv_path(widget: AnalyticsWidget, filter: &AnalyticsFilter) -> String {
    let mut parts = vec![
        (
            "from",
            filter
                .from
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ),
        (
            "to",
            filter.to.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ),
        ("bucket", filter.bucket.as_str().to_owned()),
        ("utcOffsetMinutes", filter.utc_offset_minutes.to_string()),
    ];
    if let Some(team) = &filter.team_id {
        parts.push(("teamId", team.clone()));
    }
    if let Some(owner) = &filter.owner_id {
        parts.push(("ownerId", owner.clone()));
    }
    if let Some(source) = filter.source {
        parts.push(("source", source.as_str().to_owned()));
    }
    if let Some(campaign) = &filter.campaign_id {
        parts.push(("campaignId", campaign.clone()));
    }
    let query: Vec<String> = parts
        .into_iter()
        .map(|(k, v)| format!("{k}={}", String::from(js_sys::encode_uri_component(&v))))
        .collect();
    format!("/api/analytics/{}.csv?{}", widget.slug(), query.join("&"))
}
