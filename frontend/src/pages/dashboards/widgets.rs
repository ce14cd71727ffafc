//! The dashboard's widgets, one component each: the KPI tiles, the funnel, the trend,
//! sources and campaigns, speed-to-lead with SLA breaches, the conversion cycle, the
//! rep leaderboard and lost reasons.
//!
//! Each draws its chart with [`Chart`] and repeats the numbers in a table whose counts
//! are links to the lead list behind them ([`DrillLink`]); a click on a bar, step,
//! point or slice goes to the same list.

use std::rc::Rc;

use chrono::NaiveDate;
use leadflow_shared::analytics::{
    AnalyticsFilter, AnalyticsWidget, FunnelStep, LeadDrillDown, RoiMetrics, TrendBucket,
};
use leadflow_shared::money::parse_minor_units;
use leadflow_shared::Channel;
use yew::prelude::*;
use yew_router::prelude::*;

use super::card::{open_leads, DrillLink, WidgetCard};
use super::chart::{css_color, Chart, ChartSpec, Series};
use super::filters::local_midnight;
use super::format::{self, count, duration, money, money_opt, percent, times, NONE};
use crate::api::analytics::Report;
use crate::i18n::{channel_key, use_i18n, I18n, Key};
use crate::pages::leads::params::ListParams;

#[derive(Properties, PartialEq)]
pub struct WidgetProps {
    pub report: Rc<Report>,
    pub filter: AnalyticsFilter,
    pub on_csv: Callback<AnalyticsWidget>,
}

/// Goes to the lead list for the drill-down `make(index)`, if there is one.
fn pick_to_leads(
    navigator: Option<Navigator>,
    make: impl Fn(usize) -> Option<LeadDrillDown> + 'static,
) -> Callback<usize> {
    Callback::from(move |index: usize| {
        if let (Some(navigator), Some(drill)) = (&navigator, make(index)) {
            open_leads(navigator, &ListParams::from_drill_down(&drill));
        }
    })
}

pub fn step_key(step: FunnelStep) -> Key {
    match step {
        FunnelStep::Lead => Key::DashStepLead,
        FunnelStep::Mql => Key::DashStepMql,
        FunnelStep::Sql => Key::DashStepSql,
        FunnelStep::Opportunity => Key::DashStepOpportunity,
        FunnelStep::Won => Key::DashStepWon,
    }
}

// ------------------------------------------------------------------------- KPIs

#[derive(Properties, PartialEq)]
struct KpiProps {
    label: Key,
    value: AttrValue,
    #[prop_or_default]
    hint: Option<AttrValue>,
    testid: AttrValue,
    #[prop_or_default]
    drill: Option<LeadDrillDown>,
}

#[component]
fn Kpi(props: &KpiProps) -> Html {
    let i18n = use_i18n();
    let value = html! { <span class="kpi-value" data-testid={format!("{}-value", props.testid)}>{ props.value.clone() }</span> };
    html! {
        <div class="kpi" data-testid={props.testid.clone()}>
            <span class="kpi-label">{ i18n.t(props.label) }</span>
            if let Some(drill) = &props.drill {
                <DrillLink drill={drill.clone()}>{ value }</DrillLink>
            } else {
                { value }
            }
            if let Some(hint) = &props.hint {
                <span class="kpi-hint">{ hint.clone() }</span>
            }
        </div>
    }
}

#[component]
pub fn Kpis(props: &WidgetProps) -> Html {
    let i18n = use_i18n();
    let r = &props.report;
    let base = props.filter.drill_down();
    let step = |s: FunnelStep| {
        r.funnel
            .steps
            .iter()
            .find(|x| x.step == s)
            .map(|x| (x.count, x.conversion_from_start))
            .unwrap_or((0, None))
    };
    let (leads, _) = step(FunnelStep::Lead);
    let (mqls, mql_rate) = step(FunnelStep::Mql);
    let (sqls, sql_rate) = step(FunnelStep::Sql);
    let ue = &r.unit_economics;
    let cost = parse_minor_units(&ue.marketing_cost).unwrap_or(0);
    let won = parse_minor_units(&ue.won_amount).unwrap_or(0);
    let cpl = leadflow_shared::analytics::per_unit_minor(cost, leads)
        .filter(|_| cost > 0)
        .map(|m| format::money(&format!("{}.{:02}", m / 100, (m % 100).abs())));
    let roi = leadflow_shared::analytics::roi(won, cost);
    let s = &r.speed_to_lead;
    let of = |rate: Option<f64>| i18n.tf(Key::DashOfLeads, &[("rate", &percent(rate))]);
    html! {
        <WidgetCard title={Key::DashKpis} testid="widget-kpis" wide=true
                    csv={AnalyticsWidget::UnitEconomics} on_csv={props.on_csv.clone()}>
            <div class="kpi-grid">
                <Kpi label={Key::DashKpiLeads} value={count(leads)} testid="kpi-leads" drill={base.clone()} />
                <Kpi label={Key::DashKpiMql} value={count(mqls)} hint={of(mql_rate)} testid="kpi-mql"
                     drill={base.clone().reached(FunnelStep::Mql)} />
                <Kpi label={Key::DashKpiSql} value={count(sqls)} hint={of(sql_rate)} testid="kpi-sql"
                     drill={base.clone().reached(FunnelStep::Sql)} />
                <Kpi label={Key::DashKpiWonAmount} value={money(&ue.won_amount)}
                     hint={i18n.tf(Key::DashCustomers, &[("n", &count(ue.new_customers))])} testid="kpi-won"
                     drill={base.clone().reached(FunnelStep::Won)} />
                <Kpi label={Key::DashKpiCpl} value={cpl.unwrap_or_else(|| NONE.to_owned())}
                     hint={i18n.tf(Key::DashSpend, &[("amount", &money(&ue.marketing_cost))])} testid="kpi-cpl" />
                <Kpi label={Key::DashKpiRoi} value={percent(roi)} testid="kpi-roi" />
                <Kpi label={Key::DashKpiCac} value={money_opt(ue.cac.as_deref())} testid="kpi-cac" />
                <Kpi label={Key::DashKpiLtv} value={money_opt(ue.ltv.as_deref())}
                     hint={i18n.tf(Key::DashLtvToCac, &[("x", &times(ue.ltv_to_cac))])} testid="kpi-ltv" />
                <Kpi label={Key::DashKpiSpeed} value={duration(&i18n, s.median_seconds)}
                     hint={i18n.tf(Key::DashContacted, &[("n", &count(s.contacted)), ("total", &count(s.leads))])}
                     testid="kpi-speed" />
                <Kpi label={Key::DashKpiWithin5m} value={percent(s.within_five_minutes_rate)} testid="kpi-5m" />
                <Kpi label={Key::DashKpiWithin1h} value={percent(s.within_one_hour_rate)} testid="kpi-1h" />
            </div>
        </WidgetCard>
    }
}

// ----------------------------------------------------------------------- funnel

#[component]
pub fn FunnelWidget(props: &WidgetProps) -> Html {
    let i18n = use_i18n();
    let navigator = use_navigator();
    let steps = props.report.funnel.steps.clone();
    let base = props.filter.drill_down();
    let labels: Vec<String> = steps
        .iter()
        .map(|s| i18n.t(step_key(s.step)).to_owned())
        .collect();
    let values: Vec<f64> = steps.iter().map(|s| s.count as f64).collect();
    let notes: Vec<String> = steps
        .iter()
        .map(|s| match s.conversion_from_previous {
            Some(_) => format!(
                "{} · {}",
                count(s.count),
                percent(s.conversion_from_previous)
            ),
            None => count(s.count),
        })
        .collect();
    let on_pick = {
        let (steps, base) = (steps.clone(), base.clone());
        pick_to_leads(navigator, move |i| {
            steps.get(i).map(|s| base.clone().reached(s.step))
        })
    };
    html! {
        <WidgetCard title={Key::DashFunnel} subtitle={i18n.t(Key::DashFunnelHint)} testid="widget-funnel"
                    csv={AnalyticsWidget::Funnel} on_csv={props.on_csv.clone()}>
            <Chart spec={ChartSpec::Funnel { labels, values, notes }} {on_pick} height={230}
                   label={i18n.t(Key::DashFunnel)} testid="chart-funnel" empty_text={i18n.t(Key::DashNoLeads)} />
            <div class="table-wrap"><table class="table table-compact" data-testid="funnel-table">
                <thead><tr>
                    <th>{ i18n.t(Key::DashStep) }</th>
                    <th class="num">{ i18n.t(Key::DashKpiLeads) }</th>
                    <th class="num">{ i18n.t(Key::DashFromPrevious) }</th>
                    <th class="num">{ i18n.t(Key::DashFromStart) }</th>
                    <th class="num">{ i18n.t(Key::DashTimeInStep) }</th>
                </tr></thead>
                <tbody>
                    { for steps.iter().map(|s| html! {
                        <tr data-testid="funnel-row" data-step={s.step.as_str()} data-count={s.count.to_string()}>
                            <td>
                                <DrillLink drill={base.clone().reached(s.step)} testid={format!("funnel-link-{}", s.step.as_str())}>
                                    { i18n.t(step_key(s.step)) }
                                </DrillLink>
                            </td>
                            <td class="num">{ count(s.count) }</td>
                            <td class="num">{ percent(s.conversion_from_previous) }</td>
                            <td class="num">{ percent(s.conversion_from_start) }</td>
                            <td class="num">{ duration(&i18n, s.median_seconds_in_step) }</td>
                        </tr>
                    }) }
                </tbody>
            </table></div>
        </WidgetCard>
    }
}

// ------------------------------------------------------------------------ trend

#[derive(Properties, PartialEq)]
pub struct TrendProps {
    pub report: Rc<Report>,
    pub filter: AnalyticsFilter,
    pub on_csv: Callback<AnalyticsWidget>,
    pub on_bucket: Callback<TrendBucket>,
}

fn period_label(bucket: TrendBucket, day: NaiveDate) -> String {
    match bucket {
        TrendBucket::Month => day.format("%Y-%m").to_string(),
        _ => day.format("%m-%d").to_string(),
    }
}

/// The leads captured in the period starting `start`, within the dashboard's range.
fn period_drill(filter: &AnalyticsFilter, bucket: TrendBucket, start: NaiveDate) -> LeadDrillDown {
    let mut drill = filter.drill_down();
    let offset = filter.utc_offset_minutes;
    drill.created_from = local_midnight(start, offset).max(filter.from);
    drill.created_to = local_midnight(bucket.next_period(start), offset).min(filter.to);
    drill
}

#[component]
pub fn TrendWidget(props: &TrendProps) -> Html {
    let i18n = use_i18n();
    let navigator = use_navigator();
    let trend = &props.report.trend;
    let bucket = trend.bucket;
    let points = trend.points.clone();
    let labels: Vec<String> = points
        .iter()
        .map(|p| period_label(bucket, p.period_start))
        .collect();
    let series = |key: Key, f: fn(&leadflow_shared::analytics::TrendPoint) -> i64| Series {
        name: i18n.t(key).to_owned(),
        values: points.iter().map(|p| f(p) as f64).collect(),
    };
    let lines = vec![
        series(Key::DashKpiLeads, |p| p.leads),
        series(Key::DashStepMql, |p| p.mqls),
        series(Key::DashStepSql, |p| p.sqls),
        series(Key::DashStepWon, |p| p.won),
    ];
    let on_pick = {
        let (points, filter) = (points.clone(), props.filter.clone());
        pick_to_leads(navigator, move |i| {
            points
                .get(i)
                .map(|p| period_drill(&filter, bucket, p.period_start))
        })
    };
    let toggle = html! {
        <div class="segmented" role="group" aria-label={i18n.t(Key::DashGroupBy)}>
            { for TrendBucket::ALL.into_iter().map(|b| {
                let on_bucket = props.on_bucket.clone();
                let key = match b {
                    TrendBucket::Day => Key::DashDay,
                    TrendBucket::Week => Key::DashWeek,
                    TrendBucket::Month => Key::DashMonth,
                };
                html! {
                    <button type="button" class={classes!("segmented-item", (b == bucket).then_some("is-active"))}
                            aria-pressed={(b == bucket).to_string()} data-testid={format!("bucket-{}", b.as_str())}
                            onclick={Callback::from(move |_: MouseEvent| on_bucket.emit(b))}>
                        { i18n.t(key) }
                    </button>
                }
            }) }
        </div>
    };
    html! {
        <WidgetCard title={Key::DashTrend} testid="widget-trend" csv={AnalyticsWidget::Trend}
                    on_csv={props.on_csv.clone()} actions={toggle}>
            <Chart spec={ChartSpec::Line { labels, series: lines }} {on_pick} height={230}
                   label={i18n.t(Key::DashTrend)} testid="chart-trend" empty_text={i18n.t(Key::DashNoLeads)} />
            <details class="widget-details">
                <summary>{ i18n.t(Key::DashShowTable) }</summary>
                <div class="table-wrap"><table class="table table-compact" data-testid="trend-table">
                    <thead><tr>
                        <th>{ i18n.t(Key::DashPeriod) }</th>
                        <th class="num">{ i18n.t(Key::DashKpiLeads) }</th>
                        <th class="num">{ i18n.t(Key::DashStepMql) }</th>
                        <th class="num">{ i18n.t(Key::DashStepSql) }</th>
                        <th class="num">{ i18n.t(Key::DashStepWon) }</th>
                        <th class="num">{ i18n.t(Key::DashKpiWonAmount) }</th>
                    </tr></thead>
                    <tbody>
                        { for points.iter().map(|p| html! {
                            <tr>
                                <td>{ p.period_start.to_string() }</td>
                                <td class="num">
                                    <DrillLink drill={period_drill(&props.filter, bucket, p.period_start)}>{ count(p.leads) }</DrillLink>
                                </td>
                                <td class="num">{ count(p.mqls) }</td>
                                <td class="num">{ count(p.sqls) }</td>
                                <td class="num">{ count(p.won) }</td>
                                <td class="num">{ money(&p.won_amount) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table></div>
            </details>
        </WidgetCard>
    }
}

// ---------------------------------------------------------- sources, campaigns

/// The funnel columns of a source or campaign row, each a link to its leads.
fn metric_cells(m: &RoiMetrics, drill: &LeadDrillDown, testid: &str) -> Html {
    let link = |n: i64, step: FunnelStep| {
        html! {
            <td class="num">
                <DrillLink drill={drill.clone().reached(step)} testid={format!("{testid}-{}", step.as_str())}>
                    { count(n) }
                </DrillLink>
            </td>
        }
    };
    html! { <>
        { link(m.leads, FunnelStep::Lead) }
        { link(m.mqls, FunnelStep::Mql) }
        { link(m.sqls, FunnelStep::Sql) }
        { link(m.opportunities, FunnelStep::Opportunity) }
        { link(m.won, FunnelStep::Won) }
        <td class="num">{ money(&m.won_amount) }</td>
        <td class="num">{ money(&m.cost) }</td>
        <td class="num">{ money_opt(m.cost_per_lead.as_deref()) }</td>
        <td class={classes!("num", m.roi.map(|r| if r < 0.0 { "is-negative" } else { "is-positive" }))}>{ percent(m.roi) }</td>
    </> }
}

fn metric_heads(i18n: &I18n) -> Html {
    html! { <>
        <th class="num">{ i18n.t(Key::DashKpiLeads) }</th>
        <th class="num">{ i18n.t(Key::DashStepMql) }</th>
        <th class="num">{ i18n.t(Key::DashStepSql) }</th>
        <th class="num">{ i18n.t(Key::DashStepOpportunity) }</th>
        <th class="num">{ i18n.t(Key::DashStepWon) }</th>
        <th class="num">{ i18n.t(Key::DashKpiWonAmount) }</th>
        <th class="num">{ i18n.t(Key::DashCost) }</th>
        <th class="num">{ i18n.t(Key::DashKpiCpl) }</th>
        <th class="num">{ i18n.t(Key::DashKpiRoi) }</th>
    </> }
}

#[component]
pub fn SourcesWidget(props: &WidgetProps) -> Html {
    let i18n = use_i18n();
    let navigator = use_navigator();
    let rows = props.report.source_roi.clone();
    let base = props.filter.drill_down();
    let labels: Vec<String> = rows
        .iter()
        .map(|r| i18n.t(channel_key(r.source)).to_owned())
        .collect();
    let values: Vec<f64> = rows.iter().map(|r| r.metrics.leads as f64).collect();
    let value_labels: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} · {}",
                count(r.metrics.leads),
                money(&r.metrics.won_amount)
            )
        })
        .collect();
    let sources: Vec<Channel> = rows.iter().map(|r| r.source).collect();
    let on_pick = {
        let (sources, base) = (sources.clone(), base.clone());
        pick_to_leads(navigator, move |i| {
            sources.get(i).map(|s| base.clone().source(*s))
        })
    };
    html! {
        <WidgetCard title={Key::DashSources} subtitle={i18n.t(Key::DashSourcesHint)} testid="widget-sources" wide=true
                    csv={AnalyticsWidget::SourceRoi} on_csv={props.on_csv.clone()}>
            <div class="widget-split">
                <div class="widget-split-main">
                    <Chart spec={ChartSpec::Bars { labels: labels.clone(), values: values.clone(), value_labels, horizontal: true }}
                           on_pick={on_pick.clone()} height={(60 + 34 * rows.len() as u32).max(150)}
                           label={i18n.t(Key::DashSources)} testid="chart-sources" empty_text={i18n.t(Key::DashNoLeads)} />
                </div>
                <div class="widget-split-side">
                    <Chart spec={ChartSpec::Pie { labels: labels.clone(), values }} {on_pick} height={190}
                           label={i18n.t(Key::DashLeadShare)} testid="chart-source-share" empty_text={i18n.t(Key::DashNoLeads)} />
                    <ul class="legend">
                        { for labels.iter().enumerate().map(|(i, l)| html! {
                            <li><span class="legend-swatch" style={format!("background:{}", css_color(i))}></span>{ l.clone() }</li>
                        }) }
                    </ul>
                </div>
            </div>
            <div class="table-wrap">
                <table class="table table-compact" data-testid="sources-table">
                    <thead><tr><th>{ i18n.t(Key::DashSource) }</th>{ metric_heads(&i18n) }</tr></thead>
                    <tbody>
                        { for rows.iter().map(|r| html! {
                            <tr data-testid="source-row" data-source={r.source.as_str()}>
                                <td>{ i18n.t(channel_key(r.source)) }</td>
                                { metric_cells(&r.metrics, &base.clone().source(r.source), &format!("source-{}", r.source.as_str())) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </WidgetCard>
    }
}

#[component]
pub fn CampaignsWidget(props: &WidgetProps) -> Html {
    let i18n = use_i18n();
    let rows = &props.report.campaign_roi;
    let base = props.filter.drill_down();
    html! {
        <WidgetCard title={Key::DashCampaigns} testid="widget-campaigns" wide=true
                    csv={AnalyticsWidget::CampaignRoi} on_csv={props.on_csv.clone()}>
            if rows.is_empty() {
                <p class="widget-empty">{ i18n.t(Key::DashNoCampaigns) }</p>
            } else {
                <div class="table-wrap">
                    <table class="table table-compact" data-testid="campaigns-table">
                        <thead><tr><th>{ i18n.t(Key::DashCampaign) }</th><th>{ i18n.t(Key::DashSource) }</th>{ metric_heads(&i18n) }</tr></thead>
                        <tbody>
                            { for rows.iter().map(|r| html! {
                                <tr data-testid="campaign-row" data-id={r.campaign_id.clone()}>
                                    <td title={i18n.tf(Key::DashCampaignTotal, &[("cost", &money(&r.total_cost)), ("n", &count(r.total_leads))])}>
                                        { r.name.clone() }
                                    </td>
                                    <td>{ i18n.t(channel_key(r.channel)) }</td>
                                    { metric_cells(&r.metrics, &base.clone().campaign(&r.campaign_id), "campaign") }
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </WidgetCard>
    }
}

// ---------------------------------------------------------------- speed-to-lead

#[component]
pub fn SpeedWidget(props: &WidgetProps) -> Html {
    let i18n = use_i18n();
    let s = &props.report.speed_to_lead;
    let labels: Vec<String> = s.buckets.iter().map(|b| b.label.clone()).collect();
    let values: Vec<f64> = s.buckets.iter().map(|b| b.count as f64).collect();
    let value_labels: Vec<String> = s.buckets.iter().map(|b| count(b.count)).collect();
    html! {
        <WidgetCard title={Key::DashSpeed} subtitle={i18n.t(Key::DashSpeedHint)} testid="widget-speed"
                    csv={AnalyticsWidget::SpeedToLead} on_csv={props.on_csv.clone()}>
            <div class="stat-row">
                <span><strong>{ duration(&i18n, s.median_seconds) }</strong>{ i18n.t(Key::DashMedian) }</span>
                <span><strong>{ percent(s.within_five_minutes_rate) }</strong>{ i18n.t(Key::DashKpiWithin5m) }</span>
                <span><strong>{ percent(s.within_one_hour_rate) }</strong>{ i18n.t(Key::DashKpiWithin1h) }</span>
            </div>
            <Chart spec={ChartSpec::Bars { labels, values, value_labels, horizontal: false }} height={190}
                   label={i18n.t(Key::DashSpeed)} testid="chart-speed" empty_text={i18n.t(Key::DashNoContacts)} />
        </WidgetCard>
    }
}

#[component]
pub fn SlaWidget(props: &WidgetProps) -> Html {
    let i18n = use_i18n();
    let s = &props.report.speed_to_lead;
    let base = props.filter.drill_down();
    let on_csv = &props.on_csv;
    let no_team = i18n.t(Key::DashNoTeam);
    html! {
        <WidgetCard title={Key::DashSla} subtitle={i18n.t(Key::DashSlaHint)} testid="widget-sla"
                    csv={AnalyticsWidget::SlaBreaches} on_csv={on_csv.clone()}>
            if s.breaches_by_rep.is_empty() {
                <p class="widget-empty">{ i18n.t(Key::DashNoClocks) }</p>
            } else {
                <div class="table-wrap"><table class="table table-compact" data-testid="sla-reps">
                    <thead><tr>
                        <th>{ i18n.t(Key::DashRep) }</th>
                        <th class="num">{ i18n.t(Key::DashClocks) }</th>
                        <th class="num">{ i18n.t(Key::DashBreached) }</th>
                        <th class="num">{ i18n.t(Key::DashRate) }</th>
                    </tr></thead>
                    <tbody>
                        { for s.breaches_by_rep.iter().map(|r| html! {
                            <tr>
                                <td>
                                    <DrillLink drill={base.clone().owner(&r.owner_id)}>{ r.owner_name.clone() }</DrillLink>
                                    <span class="cell-secondary">{ r.team_name.clone().unwrap_or_else(|| no_team.to_owned()) }</span>
                                </td>
                                <td class="num">{ count(r.clocks) }</td>
                                <td class={classes!("num", (r.breached > 0).then_some("is-negative"))}>{ count(r.breached) }</td>
                                <td class="num">{ percent(r.breach_rate) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table></div>
                <div class="table-wrap"><table class="table table-compact" data-testid="sla-teams">
                    <thead><tr>
                        <th>{ i18n.t(Key::DashTeam) }</th>
                        <th class="num">{ i18n.t(Key::DashClocks) }</th>
                        <th class="num">{ i18n.t(Key::DashBreached) }</th>
                        <th class="num">{ i18n.t(Key::DashRate) }</th>
                    </tr></thead>
                    <tbody>
                        { for s.breaches_by_team.iter().map(|t| html! {
                            <tr>
                                <td>{ t.team_name.clone().unwrap_or_else(|| no_team.to_owned()) }</td>
                                <td class="num">{ count(t.clocks) }</td>
                                <td class={classes!("num", (t.breached > 0).then_some("is-negative"))}>{ count(t.breached) }</td>
                                <td class="num">{ percent(t.breach_rate) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table></div>
            }
        </WidgetCard>
    }
}

// -------------------------------------------------------------------- the cycle

#[component]
pub fn CycleWidget(props: &WidgetProps) -> Html {
    let i18n = use_i18n();
    let navigator = use_navigator();
    let c = &props.report.conversion_cycle;
    let base = props.filter.drill_down();
    let sources: Vec<Channel> = c.by_source.iter().map(|r| r.source).collect();
    let labels: Vec<String> = c
        .by_source
        .iter()
        .map(|r| i18n.t(channel_key(r.source)).to_owned())
        .collect();
    let values: Vec<f64> = c
        .by_source
        .iter()
        .map(|r| r.stats.median_days.unwrap_or(0.0))
        .collect();
    let value_labels: Vec<String> = c
        .by_source
        .iter()
        .map(|r| format::days(&i18n, r.stats.median_days))
        .collect();
    let on_pick = {
        let base = base.clone();
        pick_to_leads(navigator, move |i| {
            sources
                .get(i)
                .map(|s| base.clone().source(*s).reached(FunnelStep::Won))
        })
    };
    let size_labels: Vec<String> = c
        .by_company_size
        .iter()
        .map(|r| size_label(&i18n, &r.company_size))
        .collect();
    let size_values: Vec<f64> = c
        .by_company_size
        .iter()
        .map(|r| r.stats.median_days.unwrap_or(0.0))
        .collect();
    let size_value_labels: Vec<String> = c
        .by_company_size
        .iter()
        .map(|r| format::days(&i18n, r.stats.median_days))
        .collect();
    let overall = &c.overall;
    html! {
        <WidgetCard title={Key::DashCycle}
                    subtitle={i18n.tf(Key::DashCycleHint, &[("median", &format::days(&i18n, overall.median_days)), ("avg", &format::days(&i18n, overall.average_days)), ("n", &count(overall.won))])}
                    testid="widget-cycle" csv={AnalyticsWidget::ConversionCycle} on_csv={props.on_csv.clone()}>
            if c.by_source.is_empty() {
                <p class="widget-empty">{ i18n.t(Key::DashNoWins) }</p>
            } else {
                <h3 class="widget-subhead">{ i18n.t(Key::DashBySource) }</h3>
                <Chart spec={ChartSpec::Bars { labels, values, value_labels, horizontal: true }} {on_pick}
                       height={(50 + 30 * c.by_source.len() as u32).max(110)}
                       label={i18n.t(Key::DashBySource)} testid="chart-cycle-source" empty_text={i18n.t(Key::DashNoWins)} />
                <h3 class="widget-subhead">{ i18n.t(Key::DashByCompanySize) }</h3>
                <Chart spec={ChartSpec::Bars { labels: size_labels.clone(), values: size_values, value_labels: size_value_labels, horizontal: true }}
                       height={(50 + 30 * c.by_company_size.len() as u32).max(110)}
                       label={i18n.t(Key::DashByCompanySize)} testid="chart-cycle-size" empty_text={i18n.t(Key::DashNoWins)} />
                <details class="widget-details">
                    <summary>{ i18n.t(Key::DashShowTable) }</summary>
                    <div class="table-wrap"><table class="table table-compact" data-testid="cycle-table">
                        <thead><tr>
                            <th>{ i18n.t(Key::DashSource) }</th>
                            <th class="num">{ i18n.t(Key::DashStepWon) }</th>
                            <th class="num">{ i18n.t(Key::DashMedian) }</th>
                            <th class="num">{ i18n.t(Key::DashAverage) }</th>
                        </tr></thead>
                        <tbody>
                            { for c.by_source.iter().map(|r| html! {
                                <tr>
                                    <td>{ i18n.t(channel_key(r.source)) }</td>
                                    <td class="num">
                                        <DrillLink drill={base.clone().source(r.source).reached(FunnelStep::Won)}>{ count(r.stats.won) }</DrillLink>
                                    </td>
                                    <td class="num">{ format::days(&i18n, r.stats.median_days) }</td>
                                    <td class="num">{ format::days(&i18n, r.stats.average_days) }</td>
                                </tr>
                            }) }
                            { for c.by_company_size.iter().zip(size_labels.iter()).map(|(r, label)| html! {
                                <tr>
                                    <td>{ label.clone() }</td>
                                    <td class="num">{ count(r.stats.won) }</td>
                                    <td class="num">{ format::days(&i18n, r.stats.median_days) }</td>
                                    <td class="num">{ format::days(&i18n, r.stats.average_days) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table></div>
                </details>
            }
        </WidgetCard>
    }
}

fn size_label(i18n: &I18n, band: &str) -> String {
    if band == "unknown" {
        i18n.t(Key::DashSizeUnknown).to_owned()
    } else {
        i18n.tf(Key::DashEmployees, &[("n", band)])
    }
}

// ------------------------------------------------------------------ leaderboard

#[component]
pub fn LeaderboardWidget(props: &WidgetProps) -> Html {
    let i18n = use_i18n();
    let navigator = use_navigator();
    let rows = props.report.leaderboard.clone();
    let base = props.filter.drill_down();
    let shown: Vec<_> = rows.iter().take(10).cloned().collect();
    let labels: Vec<String> = shown.iter().map(|r| r.owner_name.clone()).collect();
    let values: Vec<f64> = shown
        .iter()
        .map(|r| format::amount_value(&r.won_amount))
        .collect();
    let value_labels: Vec<String> = shown.iter().map(|r| money(&r.won_amount)).collect();
    let on_pick = {
        let (owners, base) = (
            shown.iter().map(|r| r.owner_id.clone()).collect::<Vec<_>>(),
            base.clone(),
        );
        pick_to_leads(navigator, move |i| {
            owners
                .get(i)
                .map(|o| base.clone().owner(o).reached(FunnelStep::Won))
        })
    };
    let no_team = i18n.t(Key::DashNoTeam);
    html! {
        <WidgetCard title={Key::DashLeaderboard} testid="widget-leaderboard" wide=true
                    csv={AnalyticsWidget::Leaderboard} on_csv={props.on_csv.clone()}>
            if rows.is_empty() {
                <p class="widget-empty">{ i18n.t(Key::DashNoReps) }</p>
            } else {
                <Chart spec={ChartSpec::Bars { labels, values, value_labels, horizontal: true }} {on_pick}
                       height={(50 + 32 * shown.len() as u32).max(120)}
                       label={i18n.t(Key::DashLeaderboard)} testid="chart-leaderboard" empty_text={i18n.t(Key::DashNoWins)} />
                <div class="table-wrap">
                    <table class="table table-compact" data-testid="leaderboard-table">
                        <thead><tr>
                            <th>{ i18n.t(Key::DashRep) }</th>
                            <th class="num">{ i18n.t(Key::DashKpiLeads) }</th>
                            <th class="num">{ i18n.t(Key::DashContactedCol) }</th>
                            <th class="num">{ i18n.t(Key::DashStepWon) }</th>
                            <th class="num">{ i18n.t(Key::DashKpiWonAmount) }</th>
                            <th class="num">{ i18n.t(Key::DashConversion) }</th>
                            <th class="num">{ i18n.t(Key::DashResponse) }</th>
                            <th class="num">{ i18n.t(Key::KindCall) }</th>
                            <th class="num">{ i18n.t(Key::KindEmail) }</th>
                            <th class="num">{ i18n.t(Key::KindVisit) }</th>
                            <th class="num">{ i18n.t(Key::KindNote) }</th>
                        </tr></thead>
                        <tbody>
                            { for rows.iter().map(|r| html! {
                                <tr data-testid="leaderboard-row" data-owner={r.owner_id.clone()}>
                                    <td>
                                        <span class="cell-primary">{ r.owner_name.clone() }</span>
                                        <span class="cell-secondary">{ r.team_name.clone().unwrap_or_else(|| no_team.to_owned()) }</span>
                                    </td>
                                    <td class="num"><DrillLink drill={base.clone().owner(&r.owner_id)} testid="leaderboard-leads">{ count(r.leads) }</DrillLink></td>
                                    <td class="num">{ count(r.contacted) }</td>
                                    <td class="num"><DrillLink drill={base.clone().owner(&r.owner_id).reached(FunnelStep::Won)}>{ count(r.won) }</DrillLink></td>
                                    <td class="num" data-testid="leaderboard-won-amount">{ money(&r.won_amount) }</td>
                                    <td class="num">{ percent(r.conversion_rate) }</td>
                                    <td class="num">{ duration(&i18n, r.average_response_seconds) }</td>
                                    <td class="num">{ count(r.calls) }</td>
                                    <td class="num">{ count(r.emails) }</td>
                                    <td class="num">{ count(r.visits) }</td>
                                    <td class="num">{ count(r.notes) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </WidgetCard>
    }
}

// ----------------------------------------------------------------- lost reasons

#[component]
pub fn LostWidget(props: &WidgetProps) -> Html {
    let i18n = use_i18n();
    let navigator = use_navigator();
    let lost = &props.report.lost_reasons;
    let base = props.filter.drill_down();
    let reason_text = |r: &str| {
        if r.is_empty() {
            i18n.t(Key::DashNoReason).to_owned()
        } else {
            r.to_owned()
        }
    };
    let reasons: Vec<String> = lost.reasons.iter().map(|r| r.reason.clone()).collect();
    let labels: Vec<String> = reasons.iter().map(|r| reason_text(r)).collect();
    let values: Vec<f64> = lost.reasons.iter().map(|r| r.count as f64).collect();
    let on_pick = {
        let base = base.clone();
        pick_to_leads(navigator, move |i| {
            reasons.get(i).map(|r| base.clone().lost_reason(r))
        })
    };
    html! {
        <WidgetCard title={Key::DashLost}
                    subtitle={i18n.tf(Key::DashLostHint, &[("n", &count(lost.lost))])}
                    testid="widget-lost" csv={AnalyticsWidget::LostReasons} on_csv={props.on_csv.clone()}>
            if lost.reasons.is_empty() {
                <p class="widget-empty">{ i18n.t(Key::DashNoLost) }</p>
            } else {
                <div class="widget-split">
                    <div class="widget-split-side">
                        <Chart spec={ChartSpec::Pie { labels: labels.clone(), values }} {on_pick} height={190}
                               label={i18n.t(Key::DashLost)} testid="chart-lost" empty_text={i18n.t(Key::DashNoLost)} />
                    </div>
                    <div class="widget-split-main">
                        <div class="table-wrap"><table class="table table-compact" data-testid="lost-table">
                            <tbody>
                                { for lost.reasons.iter().zip(labels.iter()).enumerate().map(|(i, (r, label))| html! {
                                    <tr>
                                        <td>
                                            <span class="legend-swatch" style={format!("background:{}", css_color(i))}></span>
                                            <DrillLink drill={base.clone().lost_reason(&r.reason)}>{ label.clone() }</DrillLink>
                                        </td>
                                        <td class="num">{ count(r.count) }</td>
                                        <td class="num">{ percent(r.share) }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table></div>
                    </div>
                </div>
            }
        </WidgetCard>
    }
}
