//! The live preview: the sample of real open leads scored in the browser with the model
//! as edited, by the same shared engine the server runs, as of the browser's clock. The
//! histogram puts today's scores (what the server holds) beside the edited model's, with
//! the MQL threshold drawn across it, and the headline says how many leads would be MQL.
//!
//! Bucketing is pure and unit-tested; bars are plain elements sized in CSS, no chart
//! library.

use std::rc::Rc;

use leadflow_shared::scoring::RuleError;
use leadflow_shared::CompiledModel;
use serde::de::DeserializeOwned;
use serde_json::Value;
use yew::prelude::*;

use crate::api::scoring::SampleLead;
use crate::api::ApiError;
use crate::components::error_notice::ErrorNotice;
use crate::i18n::{use_i18n, Key};
use crate::time::now_rfc3339;

/// Bucket widths the histogram may use, narrowest first: round numbers only.
const WIDTHS: [i32; 12] = [
    10, 20, 25, 50, 100, 200, 250, 500, 1_000, 2_500, 5_000, 10_000,
];
/// More columns than this would be too thin to read beside the editor.
const MAX_BUCKETS: i32 = 14;

/// Scores from `from` (included) to `from + width` (excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    pub from: i32,
    pub before: usize,
    pub after: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Histogram {
    pub width: i32,
    pub buckets: Vec<Bucket>,
}

impl Histogram {
    /// Buckets of the narrowest round width that covers both lists in at most
    /// [`MAX_BUCKETS`] columns. Empty when there are no scores at all.
    pub fn of(before: &[i32], after: &[i32]) -> Histogram {
        let all = || before.iter().chain(after);
        let (Some(&lo), Some(&hi)) = (all().min(), all().max()) else {
            return Histogram {
                width: WIDTHS[0],
                buckets: Vec::new(),
            };
        };
        let start = |width: i32| lo.div_euclid(width) * width;
        let count = |width: i32| (hi.div_euclid(width) * width - start(width)) / width + 1;
        let width = WIDTHS
            .into_iter()
            .find(|w| count(*w) <= MAX_BUCKETS)
            .unwrap_or(WIDTHS[WIDTHS.len() - 1]);
        let first = start(width);
        let n = usize::try_from(count(width)).unwrap_or(0);
        let mut buckets: Vec<Bucket> = (0..n)
            .map(|i| Bucket {
                from: first + width * i32::try_from(i).unwrap_or(0),
                before: 0,
                after: 0,
            })
            .collect();
        let index = |score: i32| {
            usize::try_from((score.div_euclid(width) * width - first) / width)
                .unwrap_or(0)
                .min(n.saturating_sub(1))
        };
        for s in before {
            buckets[index(*s)].before += 1;
        }
        for s in after {
            buckets[index(*s)].after += 1;
        }
        Histogram { width, buckets }
    }

    /// The tallest bar, for scaling.
    pub fn peak(&self) -> usize {
        self.buckets
            .iter()
            .map(|b| b.before.max(b.after))
            .max()
            .unwrap_or(0)
    }

    /// Where `score` falls across the plot, from 0 (left edge) to 1 (right edge).
    pub fn position(&self, score: i32) -> Option<f64> {
        let first = self.buckets.first()?.from;
        let span = f64::from(self.width) * self.buckets.len() as f64;
        Some((f64::from(score - first) / span).clamp(0.0, 1.0))
    }
}

/// How many of `scores` reach the MQL threshold.
pub fn mql_count(scores: &[i32], threshold: i32) -> usize {
    scores.iter().filter(|s| **s >= threshold).count()
}

/// An instant read from RFC 3339 into whatever time type the caller needs (the engine's).
fn instant<T: DeserializeOwned>(rfc3339: &str) -> Option<T> {
    serde_json::from_value(Value::String(rfc3339.to_owned())).ok()
}

/// Every sample lead's total under `model`, as of `at` (RFC 3339).
pub fn rescore(model: &CompiledModel, sample: &[SampleLead], at: &str) -> Option<Vec<i32>> {
    let now = instant(at)?;
    let mut totals = Vec::with_capacity(sample.len());
    for lead in sample {
        totals.push(model.score(&lead.lead, &lead.events, now).total);
    }
    Some(totals)
}

/// The sample as loaded; compared by identity, so a re-render never compares 500 leads.
#[derive(Clone)]
pub struct Sample(pub Rc<Vec<SampleLead>>);

impl PartialEq for Sample {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The edited model once checked: compiled, or every problem. Compared by identity.
#[derive(Clone)]
pub struct Checked(pub Rc<Result<CompiledModel, Vec<RuleError>>>);

impl PartialEq for Checked {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct PreviewProps {
    /// `None` while the sample loads.
    pub sample: Option<Result<Sample, ApiError>>,
    pub checked: Checked,
    /// The threshold the edited model sets.
    pub threshold: i32,
    /// The threshold today's scores were judged by (the active model's).
    pub threshold_before: i32,
    pub on_retry: Callback<()>,
}

#[component]
pub fn ScorePreview(props: &PreviewProps) -> Html {
    let i18n = use_i18n();
    let body = match &props.sample {
        None => html! {
            <div class="preview-loading" aria-busy="true" data-testid="preview-loading">
                <span class="skeleton-bar" style="width:60%" />
                <div class="histogram-plot is-loading" />
            </div>
        },
        Some(Err(err)) => {
            let retry = props.on_retry.clone();
            html! { <ErrorNotice error={err.clone()} on_retry={retry} /> }
        }
        Some(Ok(sample)) if sample.0.is_empty() => html! {
            <p class="muted" data-testid="preview-empty">{ i18n.t(Key::PreviewNoLeads) }</p>
        },
        Some(Ok(sample)) => html! {
            <PreviewChart sample={sample.clone()} checked={props.checked.clone()}
                          threshold={props.threshold} threshold_before={props.threshold_before} />
        },
    };
    html! {
        <section class="card card-pad scoring-preview" data-testid="scoring-preview" aria-labelledby="preview-title">
            <div class="section-head">
                <h2 id="preview-title" class="section-title">{ i18n.t(Key::PreviewTitle) }</h2>
            </div>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ChartProps {
    sample: Sample,
    checked: Checked,
    threshold: i32,
    threshold_before: i32,
}

#[component]
fn PreviewChart(props: &ChartProps) -> Html {
    let i18n = use_i18n();
    let before: Rc<Vec<i32>> = {
        let sample = props.sample.clone();
        use_memo(sample, |s| s.0.iter().map(|l| l.total_score).collect())
    };
    // Re-scored on every edit: compiling and scoring 500 leads takes a few milliseconds.
    let after: Rc<Option<Vec<i32>>> = use_memo(
        (props.sample.clone(), props.checked.clone()),
        |(sample, checked)| match &*checked.0 {
            Ok(model) => rescore(model, &sample.0, &now_rfc3339()),
            Err(_) => None,
        },
    );
    let total = before.len();
    let after_scores: &[i32] = after.as_deref().unwrap_or(&[]);
    let histogram = Histogram::of(&before, after_scores);
    let peak = histogram.peak().max(1);
    let mql_before = mql_count(&before, props.threshold_before);

    let headline = match &*after {
        Some(after) => {
            let mql = mql_count(after, props.threshold);
            let changed = before.iter().zip(after).filter(|(b, a)| b != a).count();
            let average = |s: &[i32]| {
                let sum: i64 = s.iter().map(|v| i64::from(*v)).sum();
                (sum as f64 / s.len().max(1) as f64).round() as i64
            };
            let (avg_before, avg_after) = (average(&before), average(after));
            html! {
                <div class="preview-stats">
                    <p class="preview-mql" data-testid="preview-mql-count"
                       data-after={mql.to_string()} data-before={mql_before.to_string()}>
                        { i18n.tf(Key::PreviewMql, &[
                            ("n", &mql.to_string()),
                            ("total", &total.to_string()),
                            ("was", &mql_before.to_string()),
                        ]) }
                    </p>
                    <p class="preview-meta muted">
                        <span>{ i18n.tf(Key::PreviewAverage, &[("before", &avg_before.to_string()), ("after", &avg_after.to_string())]) }</span>
                        <span>{ i18n.tf(Key::PreviewChanged, &[("n", &changed.to_string())]) }</span>
                    </p>
                </div>
            }
        }
        None => html! {
            <div class="preview-stats">
                <p class="preview-mql is-waiting" data-testid="preview-mql-count" data-before={mql_before.to_string()}>
                    { i18n.t(Key::PreviewWaiting) }
                </p>
                <p class="preview-meta muted">{ i18n.tf(Key::PreviewMqlToday, &[("n", &mql_before.to_string()), ("total", &total.to_string())]) }</p>
            </div>
        },
    };

    let pct = |n: usize| format!("height:{:.1}%", n as f64 * 100.0 / peak as f64);
    let label_every = if histogram.buckets.len() > 8 { 2 } else { 1 };
    let marker = histogram.position(props.threshold).map(|x| {
        html! {
            // Near the right edge the label reads leftwards, so it stays inside the card.
            <div class={classes!("histogram-threshold", (x > 0.75).then_some("is-end"))}
                 style={format!("left:{:.2}%", x * 100.0)}
                 data-testid="histogram-threshold" aria-hidden="true">
                <span>{ i18n.tf(Key::PreviewThreshold, &[("n", &props.threshold.to_string())]) }</span>
            </div>
        }
    });
    let width = histogram.width;
    html! {
        <>
            { headline }
            <figure class="histogram" data-testid="preview-histogram" data-width={width.to_string()}>
                <div class="histogram-plot">
                    { for histogram.buckets.iter().map(|b| {
                        let range = format!("{}–{}", b.from, b.from + width - 1);
                        let title = if after.is_some() {
                            i18n.tf(Key::PreviewBucketTitle, &[("range", &range), ("before", &b.before.to_string()), ("after", &b.after.to_string())])
                        } else {
                            i18n.tf(Key::PreviewBucketTitleToday, &[("range", &range), ("before", &b.before.to_string())])
                        };
                        html! {
                            <div class="histogram-bucket" data-testid="histogram-bucket" data-from={b.from.to_string()} {title}>
                                <span class="histogram-bar is-before" data-testid="histogram-bar-before"
                                      data-count={b.before.to_string()} style={pct(b.before)} />
                                if after.is_some() {
                                    <span class="histogram-bar is-after" data-testid="histogram-bar-after"
                                          data-count={b.after.to_string()} style={pct(b.after)} />
                                }
                            </div>
                        }
                    }) }
                    { for marker }
                </div>
                <div class="histogram-axis" aria-hidden="true">
                    { for histogram.buckets.iter().enumerate().map(|(i, b)| html! {
                        <span>{ if i % label_every == 0 { b.from.to_string() } else { String::new() } }</span>
                    }) }
                </div>
                <figcaption class="histogram-legend">
                    <span class="legend-item"><span class="legend-swatch is-before" />{ i18n.t(Key::PreviewLegendToday) }</span>
                    if after.is_some() {
                        <span class="legend-item"><span class="legend-swatch is-after" />{ i18n.t(Key::PreviewLegendEdited) }</span>
                    }
                    <span class="legend-note">{ i18n.tf(Key::PreviewSampleNote, &[("n", &total.to_string())]) }</span>
                </figcaption>
            </figure>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leadflow_shared::{BehaviourKind, ScoringEvent, ScoringLead, ScoringModel};

    #[test]
    fn scores_fall_into_buckets_of_ten_from_the_lowest() {
        let h = Histogram::of(&[0, 5, 9, 10, 42], &[-3, 61]);
        assert_eq!(h.width, 10);
        let froms: Vec<_> = h.buckets.iter().map(|b| b.from).collect();
        assert_eq!(froms, [-10, 0, 10, 20, 30, 40, 50, 60]);
        let before: Vec<_> = h.buckets.iter().map(|b| b.before).collect();
        assert_eq!(before, [0, 3, 1, 0, 0, 1, 0, 0]);
        let after: Vec<_> = h.buckets.iter().map(|b| b.after).collect();
        assert_eq!(after, [1, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(h.peak(), 3);
    }

    #[test]
    fn wide_ranges_get_wider_round_buckets() {
        let h = Histogram::of(&[0, 150], &[310]);
        assert_eq!(h.width, 25);
        assert_eq!(h.buckets.len(), 13);
        let h = Histogram::of(&[-2_000], &[95_000]);
        assert_eq!(h.width, 10_000);
        assert_eq!(h.buckets.first().map(|b| b.from), Some(-10_000));
        let counted: usize = h.buckets.iter().map(|b| b.before + b.after).sum();
        assert_eq!(counted, 2);
    }

    #[test]
    fn no_scores_no_buckets() {
        let h = Histogram::of(&[], &[]);
        assert!(h.buckets.is_empty());
        assert_eq!(h.position(60), None);
        assert_eq!(h.peak(), 0);
    }

    #[test]
    fn the_threshold_sits_where_its_score_is() {
        let h = Histogram::of(&[0, 99], &[]);
        assert_eq!(h.position(60), Some(0.6));
        assert_eq!(h.position(500), Some(1.0));
        assert_eq!(mql_count(&[59, 60, 61, -5], 60), 2);
    }

    #[test]
    fn the_sample_is_scored_by_the_shared_engine_as_of_the_given_time() {
        let model = ScoringModel::starter().compile().ok();
        let lead = SampleLead {
            lead_id: "l1".into(),
            person_name: "王磊".into(),
            company: None,
            lead: ScoringLead {
                title: Some("IT总监".into()),
                company_size: Some(1200),
                ..ScoringLead::default()
            },
            events: vec![ScoringEvent {
                kind: BehaviourKind::WebinarAttended,
                url: None,
                name: None,
                at: instant("2026-03-09T08:00:00Z").expect("a time"),
            }],
            total_score: 0,
        };
        let scores = model
            .as_ref()
            .and_then(|m| rescore(m, std::slice::from_ref(&lead), "2026-03-10T12:00:00Z"));
        assert_eq!(scores, Some(vec![15 + 10 + 15]));
        // Three weeks of silence later the linear decay has taken 15.
        let later = model
            .as_ref()
            .and_then(|m| rescore(m, &[lead], "2026-03-31T08:00:00Z"));
        assert_eq!(later, Some(vec![15 + 10]));
        assert_eq!(
            model.as_ref().and_then(|m| rescore(m, &[], "yesterday")),
            None
        );
    }
}
