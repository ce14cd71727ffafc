//! `GET /api/analytics/{widget}.csv`: any dashboard widget as a CSV file, with the
//! dashboard's filter as query parameters (`from`, `to`, `teamId`, `ownerId`, `source`,
//! `campaignId`, `bucket`, `utcOffsetMinutes`).
//!
//! Signed in like the lead export (a bearer access token or an API key with
//! `leads:read`) and scoped like the GraphQL `analytics` query; the numbers are the
//! same ones, computed by `domain::analytics`. Columns are the GraphQL field names.
//! UTF-8 with a BOM, so Excel opens Chinese names correctly.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use leadflow_shared::analytics::{AnalyticsFilter, AnalyticsWidget, RoiMetrics, TrendBucket};
use leadflow_shared::{ApiScope, Channel};
use serde::Deserialize;

use crate::app::HttpState;
use crate::auth::{Authentication, Principal};
use crate::domain::analytics::{self, Scope, WidgetData};
use crate::domain::sessions;
use crate::error::DomainError;

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Params {
    from: Option<String>,
    to: Option<String>,
    team_id: Option<String>,
    owner_id: Option<String>,
    source: Option<String>,
    campaign_id: Option<String>,
    bucket: Option<String>,
    utc_offset_minutes: Option<String>,
}

fn refuse(
    status: StatusCode,
    field: Option<&str>,
    code: &str,
    message: impl Into<String>,
) -> Response {
    (
        status,
        Json(serde_json::json!({ "error": message.into(), "field": field, "code": code })),
    )
        .into_response()
}

fn bad(field: &str, message: impl Into<String>) -> Response {
    refuse(StatusCode::BAD_REQUEST, Some(field), "INVALID", message)
}

fn internal(err: &dyn std::fmt::Display) -> Response {
    let (status, code, message) = crate::error::failure_reply(err);
    refuse(status, None, code, message)
}

/// A refusal, boxed so the `Result`s that carry one stay small.
fn boxed_bad(field: &str, message: impl Into<String>) -> Box<Response> {
    Box::new(bad(field, message))
}

fn time(field: &str, raw: Option<&str>) -> Result<DateTime<Utc>, Box<Response>> {
    let raw = raw
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            Box::new(refuse(
                StatusCode::BAD_REQUEST,
                Some(field),
                "REQUIRED",
                format!("{field} is required (RFC 3339, e.g. 2026-11-01T00:00:00Z)"),
            ))
        })?;
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            boxed_bad(
                field,
                format!("{field} must be RFC 3339, e.g. 2026-11-01T00:00:00Z"),
            )
        })
}

fn filter(p: &Params) -> Result<AnalyticsFilter, Box<Response>> {
    let source = match p.source.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            Channel::parse(&s.to_ascii_lowercase())
                .ok_or_else(|| boxed_bad("source", format!("'{s}' is not a source channel")))?,
        ),
    };
    let bucket = match p.bucket.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => TrendBucket::default(),
        Some(b) => TrendBucket::parse(b).ok_or_else(|| {
            boxed_bad(
                "bucket",
                format!("'{b}' is not a bucket: use day, week or month"),
            )
        })?,
    };
    let utc_offset_minutes = match p.utc_offset_minutes.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(o) => o.parse().map_err(|_| {
            boxed_bad(
                "utcOffsetMinutes",
                "utcOffsetMinutes must be a whole number",
            )
        })?,
    };
    Ok(AnalyticsFilter {
        from: time("from", p.from.as_deref())?,
        to: time("to", p.to.as_deref())?,
        team_id: p.team_id.clone(),
        owner_id: p.owner_id.clone(),
        source,
        campaign_id: p.campaign_id.clone(),
        bucket,
        utc_offset_minutes,
    })
}

pub async fn widget_csv(
    State(s): State<HttpState>,
    headers: HeaderMap,
    Path(file): Path<String>,
    params: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(widget) = file.strip_suffix(".csv").and_then(AnalyticsWidget::parse) else {
        return refuse(
            StatusCode::NOT_FOUND,
            None,
            "NOT_FOUND",
            "no such dashboard widget",
        );
    };
    let Query(params) = match params {
        Ok(p) => p,
        Err(e) => {
            return bad(
                "query",
                format!("malformed query parameters: {}", e.body_text()),
            )
        }
    };
    let scope = match sessions::authenticate(
        &s.app.db,
        &s.app.keys,
        crate::http::graphql::bearer(&headers),
    )
    .await
    {
        Err(e) => {
            tracing::error!(error = %e, "analytics export: reading credentials failed");
            return internal(&e);
        }
        Ok(Authentication::Authenticated(Principal::User(u))) => {
            match Scope::for_user(&s.app.db, u.id, u.role).await {
                Ok(scope) => scope,
                Err(e) => {
                    tracing::error!(error = %e, "analytics export: scope failed");
                    return internal(&e);
                }
            }
        }
        Ok(Authentication::Authenticated(Principal::ApiKey(k)))
            if k.scopes.contains(&ApiScope::LeadsRead) =>
        {
            Scope::All
        }
        Ok(Authentication::Authenticated(Principal::ApiKey(_))) => {
            return refuse(
                StatusCode::FORBIDDEN,
                None,
                "FORBIDDEN",
                "this API key lacks the leads:read scope",
            )
        }
        Ok(Authentication::Rejected(why)) => {
            return refuse(
                StatusCode::UNAUTHORIZED,
                None,
                "UNAUTHENTICATED",
                format!("{why}; sign in again"),
            )
        }
        Ok(Authentication::Anonymous) => {
            return refuse(
                StatusCode::UNAUTHORIZED,
                None,
                "UNAUTHENTICATED",
                "sign in first",
            )
        }
    };
    let filter = match filter(&params) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let name = format!(
        "{}-{}-{}.csv",
        widget.slug(),
        filter.from.format("%Y%m%d"),
        filter.to.format("%Y%m%d")
    );
    let dashboard = match analytics::dashboard(&s.app.db, scope, filter).await {
        Ok(d) => d,
        Err(DomainError::Invalid(problems)) => {
            let first = problems.into_iter().next();
            return match first {
                Some(p) => (
                    StatusCode::BAD_REQUEST,
                    Json(serde_json::json!({
                        "error": p.message,
                        "field": p.field,
                        "code": serde_json::to_value(p.code).unwrap_or_default(),
                    })),
                )
                    .into_response(),
                None => bad("query", "invalid filter"),
            };
        }
        Err(e) => {
            tracing::error!(error = %e, "analytics export failed");
            return internal(&e);
        }
    };
    let data = match dashboard.widget(&s.app.db, widget).await {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, widget = widget.slug(), "analytics export failed");
            return internal(&e);
        }
    };
    let body = match csv_bytes(&data) {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "analytics export: writing CSV failed");
            return internal(&e);
        }
    };
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

fn num<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

const METRIC_COLUMNS: [&str; 13] = [
    "leads",
    "mqls",
    "sqls",
    "opportunities",
    "won",
    "wonAmount",
    "mqlRate",
    "sqlRate",
    "opportunityRate",
    "winRate",
    "cost",
    "costPerLead",
    "roi",
];

fn metric_cells(m: &RoiMetrics) -> Vec<String> {
    vec![
        m.leads.to_string(),
        m.mqls.to_string(),
        m.sqls.to_string(),
        m.opportunities.to_string(),
        m.won.to_string(),
        m.won_amount.clone(),
        num(m.mql_rate),
        num(m.sql_rate),
        num(m.opportunity_rate),
        num(m.win_rate),
        m.cost.clone(),
        m.cost_per_lead.clone().unwrap_or_default(),
        num(m.roi),
    ]
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The widget as a header row and data rows.
fn table(data: &WidgetData) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    match data {
        WidgetData::SourceRoi(list) => {
            let mut head = strings(&["source"]);
            head.extend(strings(&METRIC_COLUMNS));
            rows.push(head);
            for r in list {
                let mut row = vec![r.source.as_str().to_string()];
                row.extend(metric_cells(&r.metrics));
                rows.push(row);
            }
        }
        WidgetData::CampaignRoi(list) => {
            let mut head = strings(&["campaignId", "name", "channel", "totalCost", "totalLeads"]);
            head.extend(strings(&METRIC_COLUMNS));
            rows.push(head);
            for r in list {
                let mut row = vec![
                    r.campaign_id.clone(),
                    r.name.clone(),
                    r.channel.as_str().to_string(),
                    r.total_cost.clone(),
                    r.total_leads.to_string(),
                ];
                row.extend(metric_cells(&r.metrics));
                rows.push(row);
            }
        }
        WidgetData::Funnel(f) => {
            rows.push(strings(&[
                "step",
                "count",
                "conversionFromPrevious",
                "conversionFromStart",
                "medianSecondsInStep",
                "timedLeads",
            ]));
            for s in &f.steps {
                rows.push(vec![
                    s.step.as_str().to_string(),
                    s.count.to_string(),
                    num(s.conversion_from_previous),
                    num(s.conversion_from_start),
                    num(s.median_seconds_in_step),
                    s.timed_leads.to_string(),
                ]);
            }
        }
        WidgetData::SpeedToLead(s) => {
            rows.push(strings(&["label", "minSeconds", "maxSeconds", "count"]));
            for b in &s.buckets {
                rows.push(vec![
                    b.label.clone(),
                    b.min_seconds.to_string(),
                    num(b.max_seconds),
                    b.count.to_string(),
                ]);
            }
        }
        WidgetData::SlaBreaches(reps, teams) => {
            rows.push(strings(&[
                "scope",
                "ownerId",
                "ownerName",
                "teamId",
                "teamName",
                "clocks",
                "breached",
                "breachRate",
            ]));
            for r in reps {
                rows.push(vec![
                    "rep".into(),
                    r.owner_id.clone(),
                    r.owner_name.clone(),
                    r.team_id.clone().unwrap_or_default(),
                    r.team_name.clone().unwrap_or_default(),
                    r.clocks.to_string(),
                    r.breached.to_string(),
                    num(r.breach_rate),
                ]);
            }
            for t in teams {
                rows.push(vec![
                    "team".into(),
                    String::new(),
                    String::new(),
                    t.team_id.clone().unwrap_or_default(),
                    t.team_name.clone().unwrap_or_default(),
                    t.clocks.to_string(),
                    t.breached.to_string(),
                    num(t.breach_rate),
                ]);
            }
        }
        WidgetData::ConversionCycle(c) => {
            rows.push(strings(&[
                "group",
                "key",
                "won",
                "averageDays",
                "medianDays",
            ]));
            let mut push = |group: &str, key: &str, s: &leadflow_shared::analytics::CycleStats| {
                rows.push(vec![
                    group.to_string(),
                    key.to_string(),
                    s.won.to_string(),
                    num(s.average_days),
                    num(s.median_days),
                ]);
            };
            push("overall", "", &c.overall);
            for s in &c.by_source {
                push("source", s.source.as_str(), &s.stats);
            }
            for s in &c.by_company_size {
                push("companySize", &s.company_size, &s.stats);
            }
        }
        WidgetData::Leaderboard(list) => {
            rows.push(strings(&[
                "ownerId",
                "ownerName",
                "teamId",
                "teamName",
                "leads",
                "contacted",
                "won",
                "wonAmount",
                "conversionRate",
                "averageResponseSeconds",
                "calls",
                "emails",
                "visits",
                "notes",
            ]));
            for r in list {
                rows.push(vec![
                    r.owner_id.clone(),
                    r.owner_name.clone(),
                    r.team_id.clone().unwrap_or_default(),
                    r.team_name.clone().unwrap_or_default(),
                    r.leads.to_string(),
                    r.contacted.to_string(),
                    r.won.to_string(),
                    r.won_amount.clone(),
                    num(r.conversion_rate),
                    num(r.average_response_seconds),
                    r.calls.to_string(),
                    r.emails.to_string(),
                    r.visits.to_string(),
                    r.notes.to_string(),
                ]);
            }
        }
        WidgetData::LostReasons(l) => {
            rows.push(strings(&["reason", "count", "share"]));
            for r in &l.reasons {
                rows.push(vec![r.reason.clone(), r.count.to_string(), num(r.share)]);
            }
        }
        WidgetData::UnitEconomics(u) => {
            rows.push(strings(&[
                "marketingCost",
                "newCustomers",
                "wonAmount",
                "cac",
                "ltv",
                "ltvToCac",
            ]));
            rows.push(vec![
                u.marketing_cost.clone(),
                u.new_customers.to_string(),
                u.won_amount.clone(),
                u.cac.clone().unwrap_or_default(),
                u.ltv.clone().unwrap_or_default(),
                num(u.ltv_to_cac),
            ]);
        }
        WidgetData::Trend(t) => {
            rows.push(strings(&[
                "periodStart",
                "leads",
                "mqls",
                "sqls",
                "opportunities",
                "won",
                "wonAmount",
            ]));
            for p in &t.points {
                rows.push(vec![
                    p.period_start.to_string(),
                    p.leads.to_string(),
                    p.mqls.to_string(),
                    p.sqls.to_string(),
                    p.opportunities.to_string(),
                    p.won.to_string(),
                    p.won_amount.clone(),
                ]);
            }
        }
    }
    rows
}

fn csv_bytes(data: &WidgetData) -> Result<Vec<u8>, csv::Error> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        for row in table(data) {
            writer.write_record(&row)?;
        }
        writer.flush()?;
    }
    Ok(out)
}
