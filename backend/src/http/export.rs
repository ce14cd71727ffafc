//! `GET /leads/export.csv`: the lead list, filtered like the list, as a CSV file.
//!
//! Streamed batch by batch, so a million leads never sit in memory; UTF-8 with a BOM so
//! Excel opens Chinese text correctly. Query parameters mirror `LeadFilter`: `stage`
//! and `source` (comma-separated enum names), `ownerId`, `pool`, `campaignId`, `tag`,
//! `province`, `city`, `industry`, `scoreMin`, `scoreMax`, `search`, `teamId`, `reached`
//! (`MQL`, `SQL`, `OPPORTUNITY`, `WON`: ever reached that funnel step), `lostReason`.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use leadflow_shared::analytics::FunnelStep;
use leadflow_shared::{ApiScope, Channel, LeadStage};
use serde::Deserialize;
use uuid::Uuid;

use crate::app::HttpState;
use crate::auth::{Authentication, Principal};
use crate::domain::leads::{self, LeadFilter, Visibility};
use crate::domain::{sessions, users};
use crate::entity::lead;

const BATCH: u64 = 1_000;

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ExportParams {
    stage: Option<String>,
    source: Option<String>,
    owner_id: Option<Uuid>,
    pool: Option<bool>,
    campaign_id: Option<Uuid>,
    tag: Option<String>,
    province: Option<String>,
    city: Option<String>,
    industry: Option<String>,
    score_min: Option<i32>,
    score_max: Option<i32>,
    search: Option<String>,
    /// `a,b,c`: only these leads (a bulk selection), at most 500.
    ids: Option<String>,
    team_id: Option<Uuid>,
    /// `MQL`, `SQL`, `OPPORTUNITY`, `WON`: leads that ever reached that funnel step.
    reached: Option<FunnelStep>,
    lost_reason: Option<String>,
}

fn failed(err: &dyn std::fmt::Display) -> Response {
    let (status, code, message) = crate::error::failure_reply(err);
    (
        status,
        Json(serde_json::json!({ "error": message, "code": code })),
    )
        .into_response()
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(serde_json::json!({ "error": message.into() }))).into_response()
}

/// Reads `a,b,c` of GraphQL enum names (`MQL`, `WEB_FORM`) or stored names (`mql`).
fn enum_list<T>(
    raw: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    what: &str,
) -> Result<Vec<T>, String> {
    let mut out = Vec::new();
    for part in raw
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let value =
            parse(&part.to_ascii_lowercase()).ok_or_else(|| format!("'{part}' is not a {what}"))?;
        out.push(value);
    }
    Ok(out)
}

const HEADER: [&str; 18] = [
    "id",
    "personName",
    "title",
    "company",
    "email",
    "phone",
    "phoneE164",
    "province",
    "city",
    "industry",
    "companySize",
    "source",
    "stage",
    "owner",
    "totalScore",
    "tags",
    "createdAt",
    "firstContactedAt",
];

fn row(l: &lead::Model, owners: &HashMap<Uuid, String>) -> [String; 18] {
    let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    [
        l.id.to_string(),
        l.person_name.clone(),
        l.title.clone().unwrap_or_default(),
        l.company.clone().unwrap_or_default(),
        l.email.clone().unwrap_or_default(),
        l.phone.clone().unwrap_or_default(),
        l.phone_e164.clone().unwrap_or_default(),
        l.province.clone().unwrap_or_default(),
        l.city.clone().unwrap_or_default(),
        l.industry.clone().unwrap_or_default(),
        l.company_size.map(|s| s.to_string()).unwrap_or_default(),
        l.source.clone(),
        l.stage.clone(),
        l.owner_id
            .and_then(|id| owners.get(&id).cloned())
            .unwrap_or_default(),
        l.total_score.to_string(),
        l.tags.0.join(";"),
        time(Some(l.created_at)),
        time(l.first_contacted_at),
    ]
}

fn csv_bytes<I: IntoIterator<Item = [String; 18]>>(
    rows: I,
    with_header: bool,
) -> Result<Vec<u8>, csv::Error> {
    let mut out = Vec::new();
    if with_header {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        if with_header {
            writer.write_record(HEADER)?;
        }
        for r in rows {
            writer.write_record(&r)?;
        }
        writer.flush()?;
    }
    Ok(out)
}

pub async fn leads_csv(
    State(s): State<HttpState>,
    headers: HeaderMap,
    params: Result<Query<ExportParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(params) = match params {
        Ok(p) => p,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                format!(
                    "the export's query parameters are malformed: {}",
                    e.body_text()
                ),
            )
        }
    };
    let visibility = match sessions::authenticate(
        &s.app.db,
        &s.app.keys,
        crate::http::graphql::bearer(&headers),
    )
    .await
    {
        Err(e) => {
            tracing::error!(error = %e, "export: reading credentials failed");
            return failed(&e);
        }
        Ok(Authentication::Authenticated(Principal::User(u))) => {
            match Visibility::for_user(&s.app.db, u.id, u.role).await {
                Ok(v) => v,
                Err(e) => {
                    tracing::error!(error = %e, "export: visibility failed");
                    return failed(&e);
                }
            }
        }
        Ok(Authentication::Authenticated(Principal::ApiKey(k)))
            if k.scopes.contains(&ApiScope::LeadsRead) =>
        {
            Visibility::All
        }
        Ok(Authentication::Authenticated(Principal::ApiKey(_))) => {
            return refuse(
                StatusCode::FORBIDDEN,
                "this API key lacks the leads:read scope",
            )
        }
        Ok(Authentication::Rejected(why)) => {
            return refuse(StatusCode::UNAUTHORIZED, format!("{why}; sign in again"))
        }
        Ok(Authentication::Anonymous) => return refuse(StatusCode::UNAUTHORIZED, "sign in first"),
    };
    let stages = match enum_list(params.stage.as_deref(), LeadStage::parse, "lead stage") {
        Ok(v) => v,
        Err(m) => return refuse(StatusCode::BAD_REQUEST, m),
    };
    let sources = match enum_list(params.source.as_deref(), Channel::parse, "source channel") {
        Ok(v) => v,
        Err(m) => return refuse(StatusCode::BAD_REQUEST, m),
    };
    let mut ids = Vec::new();
    for part in params
        .ids
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match Uuid::parse_str(part) {
            Ok(id) => ids.push(id),
            Err(_) => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    format!("'{part}' is not a lead id"),
                )
            }
        }
    }
    if ids.len() > crate::domain::assignments::MAX_BULK {
        return refuse(
            StatusCode::BAD_REQUEST,
            format!(
                "export at most {} selected leads, or export the filtered list",
                crate::domain::assignments::MAX_BULK
            ),
        );
    }
    let filter = LeadFilter {
        ids,
        stages,
        owner_id: params.owner_id,
        pool: params.pool.unwrap_or(false),
        sources,
        campaign_id: params.campaign_id,
        tag: params.tag,
        province: params.province,
        city: params.city,
        industry: params.industry,
        score_min: params.score_min,
        score_max: params.score_max,
        created_from: None,
        created_to: None,
        search: params.search,
        team_id: params.team_id,
        reached: params.reached,
        lost_reason: params.lost_reason,
    };
    let owners: HashMap<Uuid, String> = match users::list(&s.app.db, None, 0, 100_000).await {
        Ok((rows, _)) => rows.into_iter().map(|u| (u.id, u.email)).collect(),
        Err(e) => {
            tracing::error!(error = %e, "export: loading owners failed");
            return failed(&e);
        }
    };
    let db = s.app.db.clone();
    let search_cap = s.app.config.search_count_cap;
    // State: (where the next batch starts, header sent, finished).
    let stream =
        futures_util::stream::unfold((None, false, false), move |(after, header_sent, done)| {
            let (db, visibility, filter, owners) = (
                db.clone(),
                visibility.clone(),
                filter.clone(),
                owners.clone(),
            );
            async move {
                if done {
                    return None;
                }
                let batch = match leads::export_batch(
                    &db,
                    &visibility,
                    &filter,
                    after,
                    BATCH,
                    search_cap,
                )
                .await
                {
                    Ok(batch) => batch,
                    Err(e) => {
                        tracing::error!(error = %e, "export batch failed; the file is cut short");
                        return Some((
                            Err(std::io::Error::other("export failed")),
                            (after, true, true),
                        ));
                    }
                };
                let last = batch.last().map(|l| (l.created_at, l.id));
                let finished = (batch.len() as u64) < BATCH;
                let bytes = csv_bytes(batch.iter().map(|l| row(l, &owners)), !header_sent)
                    .map_err(std::io::Error::other);
                Some((bytes, (last.or(after), true, finished)))
            }
        });
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"leads-{}.csv\"",
                    Utc::now().format("%Y%m%d-%H%M")
                ),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}
