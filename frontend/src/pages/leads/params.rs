//! The list's filters and sort as they live in the address bar, so a reload or a shared
//! link opens the same list: `/leads?q=张&stage=lead,mql&source=web_form&pool=1&sort=newest`.
//!
//! [`ListParams`] is what the page works with; [`ListQuery`] is its flat, all-strings
//! form for the query string. Unknown or malformed values are dropped, never an error:
//! a hand-edited link still opens a list. [`use_list_params`] ties the two to the router.
//!
//! A dashboard drill-down adds [`DrillParams`] — `from`/`to` (RFC 3339, capture time),
//! `owner`, `team`, `campaign`, `reached` (`mql|sql|opportunity|won`) and `lost` (a lost
//! reason) — e.g. `/leads?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&reached=sql`,
//! built from the shared `LeadDrillDown` by [`ListParams::from_drill_down`].

use leadflow_shared::analytics::{FunnelStep, LeadDrillDown};
use leadflow_shared::{Channel, LeadStage};
use serde::{Deserialize, Serialize};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::leads::{LeadFilter, LeadSort};
use crate::routes::Route;

/// What the lead list shows, in which order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListParams {
    /// Free text as typed; matched against name, company, email and phone.
    pub search: String,
    /// Empty: every stage.
    pub stages: Vec<LeadStage>,
    pub source: Option<Channel>,
    pub pool_only: bool,
    pub sort: LeadSort,
    /// What a dashboard's drill-down narrowed the list to.
    pub drill: DrillParams,
}

/// The narrowing a dashboard adds: the leads behind one number.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DrillParams {
    /// Captured at or after (RFC 3339).
    pub created_from: Option<String>,
    /// Captured before (RFC 3339, exclusive).
    pub created_to: Option<String>,
    pub owner: Option<String>,
    pub team: Option<String>,
    pub campaign: Option<String>,
    pub reached: Option<FunnelStep>,
    pub lost_reason: Option<String>,
}

impl DrillParams {
    pub fn is_empty(&self) -> bool {
        *self == DrillParams::default()
    }
}

/// The query-string form of [`ListParams`]; absent parts are left out of the URL.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ListQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reached: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost: Option<String>,
}

fn kept(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl ListParams {
    pub fn from_query(query: &ListQuery) -> ListParams {
        let mut stages: Vec<LeadStage> = query
            .stage
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter_map(|s| LeadStage::parse(s.trim()))
            .collect();
        // Funnel order, no repeats: the same set always gives the same URL and request.
        crate::sort::by_key(&mut stages, |s| LeadStage::ALL.iter().position(|x| x == s));
        stages.dedup();
        ListParams {
            search: query.q.clone().unwrap_or_default(),
            stages,
            source: query.source.as_deref().and_then(Channel::parse),
            pool_only: matches!(query.pool.as_deref(), Some("1" | "true")),
            sort: query
                .sort
                .as_deref()
                .and_then(LeadSort::from_query)
                .unwrap_or_default(),
            drill: DrillParams {
                created_from: kept(&query.from),
                created_to: kept(&query.to),
                owner: kept(&query.owner),
                team: kept(&query.team),
                campaign: kept(&query.campaign),
                reached: query
                    .reached
                    .as_deref()
                    .and_then(FunnelStep::parse)
                    .filter(|s| *s != FunnelStep::Lead),
                lost_reason: kept(&query.lost),
            },
        }
    }

    /// The lead list behind a dashboard number.
    pub fn from_drill_down(drill: &LeadDrillDown) -> ListParams {
        let instant = |t: &chrono::DateTime<chrono::Utc>| {
            t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        };
        ListParams {
            stages: drill.stages.clone(),
            source: drill.source,
            drill: DrillParams {
                created_from: Some(instant(&drill.created_from)),
                created_to: Some(instant(&drill.created_to)),
                owner: drill.owner_id.clone(),
                team: drill.team_id.clone(),
                campaign: drill.campaign_id.clone(),
                reached: drill.reached.filter(|s| *s != FunnelStep::Lead),
                lost_reason: drill.lost_reason.clone(),
            },
            ..ListParams::default()
        }
    }

    /// `/leads?…` for these parameters, for a real link.
    pub fn href(&self) -> String {
        let q = self.to_query();
        let parts: Vec<(&str, &Option<String>)> = vec![
            ("q", &q.q),
            ("stage", &q.stage),
            ("source", &q.source),
            ("pool", &q.pool),
            ("sort", &q.sort),
            ("from", &q.from),
            ("to", &q.to),
            ("owner", &q.owner),
            ("team", &q.team),
            ("campaign", &q.campaign),
            ("reached", &q.reached),
            ("lost", &q.lost),
        ];
        let query: Vec<String> = parts
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", encode_component(v))))
            .collect();
        if query.is_empty() {
            "/leads".to_owned()
        } else {
            format!("/leads?{}", query.join("&"))
        }
    }

    pub fn to_query(&self) -> ListQuery {
        let search = self.search.trim();
        ListQuery {
            q: (!search.is_empty()).then(|| search.to_owned()),
            stage: (!self.stages.is_empty()).then(|| {
                self.stages
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            }),
            source: self.source.map(|c| c.as_str().to_owned()),
            pool: self.pool_only.then(|| "1".to_owned()),
            sort: (self.sort != LeadSort::default()).then(|| self.sort.as_query().to_owned()),
            from: self.drill.created_from.clone(),
            to: self.drill.created_to.clone(),
            owner: self.drill.owner.clone(),
            team: self.drill.team.clone(),
            campaign: self.drill.campaign.clone(),
            reached: self.drill.reached.map(|s| s.as_str().to_owned()),
            lost: self.drill.lost_reason.clone(),
        }
    }

    /// The server-side filter these parameters ask for.
    pub fn filter(&self) -> LeadFilter {
        let search = self.search.trim();
        LeadFilter {
            stages: self.stages.clone(),
            sources: self.source.into_iter().collect(),
            pool: self.pool_only,
            search: (!search.is_empty()).then(|| search.to_owned()),
            created_from: self.drill.created_from.clone(),
            created_to: self.drill.created_to.clone(),
            owner_id: self.drill.owner.clone(),
            team_id: self.drill.team.clone(),
            campaign_id: self.drill.campaign.clone(),
            reached: self.drill.reached,
            lost_reason: self.drill.lost_reason.clone(),
        }
    }

    /// The query string of `GET /leads/export.csv` for the same leads (no sort: the
    /// export has its own order).
    pub fn export_query(&self) -> String {
        let mut parts: Vec<(&str, String)> = Vec::new();
        if !self.stages.is_empty() {
            let stages: Vec<&str> = self.stages.iter().map(|s| s.as_str()).collect();
            parts.push(("stage", stages.join(",")));
        }
        if let Some(source) = self.source {
            parts.push(("source", source.as_str().to_owned()));
        }
        if self.pool_only {
            parts.push(("pool", "true".to_owned()));
        }
        let search = self.search.trim();
        if !search.is_empty() {
            parts.push(("search", search.to_owned()));
        }
        let d = &self.drill;
        for (name, value) in [
            ("ownerId", &d.owner),
            ("teamId", &d.team),
            ("campaignId", &d.campaign),
            ("lostReason", &d.lost_reason),
        ] {
            if let Some(v) = value {
                parts.push((name, v.clone()));
            }
        }
        if let Some(step) = d.reached {
            parts.push(("reached", step.as_str().to_ascii_uppercase()));
        }
        parts
            .into_iter()
            .map(|(k, v)| format!("{k}={}", encode_component(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Whether anything narrows the list (the sort does not).
    pub fn is_filtered(&self) -> bool {
        !self.search.trim().is_empty()
            || !self.stages.is_empty()
            || self.source.is_some()
            || self.pool_only
            || !self.drill.is_empty()
    }

    /// These parameters with `stage` switched on or off.
    pub fn toggle_stage(&self, stage: LeadStage) -> ListParams {
        let mut next = self.clone();
        if let Some(at) = next.stages.iter().position(|s| *s == stage) {
            next.stages.remove(at);
        } else {
            next.stages.push(stage);
            crate::sort::by_key(&mut next.stages, |s| {
                LeadStage::ALL.iter().position(|x| x == s)
            });
        }
        next
    }

    /// Only the sort kept: what "clear filters" leads to.
    pub fn cleared(&self) -> ListParams {
        ListParams {
            sort: self.sort,
            ..ListParams::default()
        }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters (UTF-8 bytes).
fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The list parameters of the current address, and a callback that replaces them (the
/// address changes with `replace`, so typing a search does not fill the back button).
#[hook]
pub fn use_list_params(route: Route) -> (ListParams, Callback<ListParams>) {
    let location = use_location();
    let navigator = use_navigator();
    let params = location
        .and_then(|l| l.query::<ListQuery>().ok())
        .map(|q| ListParams::from_query(&q))
        .unwrap_or_default();
    let set = Callback::from(move |next: ListParams| {
        if let Some(navigator) = &navigator {
            if let Err(err) = navigator.replace_with_query(&route, next.to_query()) {
                gloo::console::warn!(format!(
                    "could not write the list filters to the URL: {err}"
                ));
            }
        }
    });
    (params, set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_make_an_empty_query() {
        assert_eq!(ListParams::default().to_query(), ListQuery::default());
        assert!(!ListParams::default().is_filtered());
    }

    #[test]
    fn params_round_trip_through_the_query() {
        let params = ListParams {
            search: "张伟".into(),
            stages: vec![LeadStage::Lead, LeadStage::Mql],
            source: Some(Channel::PaidAds),
            pool_only: true,
            sort: LeadSort::CreatedDesc,
            drill: DrillParams {
                created_from: Some("2026-11-01T00:00:00Z".into()),
                reached: Some(FunnelStep::Sql),
                ..DrillParams::default()
            },
        };
        let query = params.to_query();
        assert_eq!(query.reached.as_deref(), Some("sql"));
        assert_eq!(query.stage.as_deref(), Some("lead,mql"));
        assert_eq!(query.source.as_deref(), Some("paid_ads"));
        assert_eq!(query.pool.as_deref(), Some("1"));
        assert_eq!(query.sort.as_deref(), Some("newest"));
        assert_eq!(ListParams::from_query(&query), params);
    }

    #[test]
    fn junk_in_a_hand_edited_link_is_dropped() {
        let query = ListQuery {
            q: None,
            stage: Some("mql,bogus,lead,mql".into()),
            source: Some("carrier_pigeon".into()),
            pool: Some("maybe".into()),
            sort: Some("random".into()),
            reached: Some("lead".into()),
            ..ListQuery::default()
        };
        let params = ListParams::from_query(&query);
        assert_eq!(params.stages, vec![LeadStage::Lead, LeadStage::Mql]);
        assert_eq!(params.source, None);
        assert!(!params.pool_only);
        assert_eq!(params.sort, LeadSort::ScoreDesc);
    }

    #[test]
    fn toggling_a_stage_keeps_funnel_order() {
        let params = ListParams::default()
            .toggle_stage(LeadStage::Sql)
            .toggle_stage(LeadStage::Lead);
        assert_eq!(params.stages, vec![LeadStage::Lead, LeadStage::Sql]);
        assert_eq!(
            params.toggle_stage(LeadStage::Lead).stages,
            vec![LeadStage::Sql]
        );
    }

    #[test]
    fn the_export_gets_the_same_filters() {
        let params = ListParams {
            search: " 张 & co ".into(),
            stages: vec![LeadStage::Lead, LeadStage::Mql],
            source: Some(Channel::WebForm),
            pool_only: true,
            sort: LeadSort::CreatedDesc,
            drill: DrillParams::default(),
        };
        assert_eq!(
            params.export_query(),
            "stage=lead%2Cmql&source=web_form&pool=true&search=%E5%BC%A0%20%26%20co"
        );
        assert_eq!(ListParams::default().export_query(), "");
    }

    #[test]
    fn blank_search_is_no_filter() {
        let params = ListParams {
            search: "   ".into(),
            ..ListParams::default()
        };
        assert!(!params.is_filtered());
        assert_eq!(params.filter().search, None);
        assert_eq!(params.to_query().q, None);
    }
}
