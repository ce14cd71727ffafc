//! The score card of a lead: fit and engagement with the rule lines that make them up
//! (a behaviour rule that matched three times says "×3", a cap that held it back says
//! so, inactivity decay is a line of its own), the MQL badge, and — once the company has
//! enough closed leads for the predictive model — the chance of winning this lead with
//! the few reasons that move it most.

use leadflow_shared::predict::{Factor, Prediction};
use leadflow_shared::scoring::ScoreLineKind;
use leadflow_shared::{Channel, ScoreBreakdown, ScoreLine};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::leads::{self, LeadScore};
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::i18n::{channel_key, factor_field_key, factor_value_key, use_i18n, I18n, Key};

#[derive(Properties, PartialEq)]
pub struct ScoreCardProps {
    pub lead_id: String,
    /// Changes whenever the lead changed, so the card asks again.
    pub revision: String,
}

#[component]
pub fn ScoreCard(props: &ScoreCardProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let load = use_state(|| None::<Result<Option<LeadScore>, ApiError>>);
    let retry = use_state(|| 0u32);
    {
        let (client, load) = (client.clone(), load.clone());
        use_effect_with(
            (props.lead_id.clone(), props.revision.clone(), *retry),
            move |(id, _, _)| {
                let id = id.clone();
                spawn_local(async move { load.set(Some(leads::score(&client, &id).await)) });
            },
        );
    }

    let body = match &*load {
        None => html! {
            <div aria-busy="true" data-testid="score-loading">
                { for (0..4).map(|i| html! {
                    <span class="skeleton-bar skeleton-line" style={format!("width:{}%", 50 + (i * 19) % 40)} />
                }) }
            </div>
        },
        Some(Err(err)) => {
            let retry = retry.clone();
            html! { <ErrorNotice error={err.clone()} on_retry={Callback::from(move |()| retry.set(*retry + 1))} /> }
        }
        // The lead vanished meanwhile; the page itself says so on its next load.
        Some(Ok(None)) => Html::default(),
        Some(Ok(Some(score))) => html! {
            <>
                if let Some(b) = &score.score_breakdown {
                    { breakdown(&i18n, b) }
                } else {
                    <p class="muted score-none-model" data-testid="score-no-model">{ i18n.t(Key::NoActiveModelLead) }</p>
                }
                if let Some(prediction) = &score.prediction {
                    { prediction_html(&i18n, prediction) }
                }
            </>
        },
    };
    let mql =
        matches!(&*load, Some(Ok(Some(s))) if s.score_breakdown.as_ref().is_some_and(|b| b.is_mql));

    html! {
        <section class="card card-pad score-card" data-testid="lead-score" aria-labelledby="lead-score-title">
            <div class="section-head">
                <h2 id="lead-score-title" class="section-title">{ i18n.t(Key::Score) }</h2>
                if mql {
                    <span class="badge stage stage-mql" data-testid="lead-mql-badge" title={i18n.t(Key::MqlBadgeHint)}>
                        { i18n.t(Key::StageMql) }
                    </span>
                }
            </div>
            { body }
        </section>
    }
}

/// `+15`, `−5`, `0`: points with their sign, a true minus for negatives.
pub fn signed(points: i32) -> String {
    match points {
        p if p > 0 => format!("+{p}"),
        p if p < 0 => format!("−{}", p.unsigned_abs()),
        _ => "0".to_owned(),
    }
}

fn line_html(i18n: &I18n, line: &ScoreLine) -> Html {
    let (label, meta) = match line.kind {
        ScoreLineKind::Decay => (
            i18n.t(Key::InactivityDecay).to_owned(),
            vec![i18n.tf(Key::DaysQuiet, &[("n", &line.count.to_string())])],
        ),
        _ => {
            let mut meta = Vec::new();
            if line.kind == ScoreLineKind::Behaviour && line.count > 1 {
                meta.push(format!("×{}", line.count));
            }
            if line.capped {
                meta.push(i18n.t(Key::Capped).to_owned());
            }
            (line.label.clone(), meta)
        }
    };
    let kind = match line.kind {
        ScoreLineKind::Fit => "fit",
        ScoreLineKind::Behaviour => "behaviour",
        ScoreLineKind::Decay => "decay",
    };
    html! {
        <li class={classes!("score-line", format!("is-{kind}"), (line.points < 0).then_some("is-negative"))}
            data-testid="score-line" data-rule-id={line.rule_id.clone()} data-kind={kind}
            data-points={line.points.to_string()} data-count={line.count.to_string()}>
            <span class="score-line-label">{ label }</span>
            if !meta.is_empty() {
                <span class="score-line-meta" data-testid="score-line-meta">{ meta.join(" · ") }</span>
            }
            <span class="score-line-points num">{ signed(line.points) }</span>
        </li>
    }
}

fn breakdown(i18n: &I18n, b: &ScoreBreakdown) -> Html {
    let fit: Vec<&ScoreLine> = b
        .lines
        .iter()
        .filter(|l| l.kind == ScoreLineKind::Fit)
        .collect();
    let engagement: Vec<&ScoreLine> = b
        .lines
        .iter()
        .filter(|l| l.kind != ScoreLineKind::Fit)
        .collect();
    let group = |title: Key,
                 total: i32,
                 lines: Vec<&ScoreLine>,
                 empty: Key,
                 testid: &'static str| {
        html! {
            <div class="score-group" data-testid={testid}>
                <div class="score-group-head">
                    <span>{ i18n.t(title) }</span>
                    <span class="num" data-testid={format!("{testid}-total")}>{ total }</span>
                </div>
                if lines.is_empty() {
                    <p class="score-none muted">{ i18n.t(empty) }</p>
                } else {
                    <ul class="score-lines">{ for lines.into_iter().map(|l| line_html(i18n, l)) }</ul>
                }
            </div>
        }
    };
    html! {
        <div class="score-breakdown" data-testid="score-breakdown">
            { group(Key::FitScore, b.fit, fit, Key::NoFitPoints, "score-fit") }
            { group(Key::EngagementScore, b.engagement, engagement, Key::NoEngagementPoints, "score-engagement") }
            <div class="score-total">
                <span>{ i18n.t(Key::TotalScore) }</span>
                <span class="num" data-testid="score-total">{ b.total }</span>
            </div>
            if let Some(at) = &b.last_engaged_at {
                <p class="score-foot muted">
                    { i18n.tf(Key::LastEngaged, &[("when", &i18n.relative(&at.to_rfc3339()))]) }
                </p>
            }
        </div>
    }
}

/// A factor as a rep reads it: "Industry: 制造业", "Webinars: 2", "Seniority: Director".
fn factor_text(i18n: &I18n, factor: &Factor) -> String {
    let Some(field) = factor_field_key(&factor.field) else {
        return factor.label.clone();
    };
    let value = if factor.field == "source" {
        Channel::parse(&factor.value.to_ascii_lowercase())
            .map(|c| i18n.t(channel_key(c)).to_owned())
    } else {
        None
    }
    .or_else(|| factor_value_key(&factor.value).map(|k| i18n.t(k).to_owned()))
    .unwrap_or_else(|| factor.value.clone());
    format!("{}: {value}", i18n.t(field))
}

fn prediction_html(i18n: &I18n, p: &Prediction) -> Html {
    let percent = (p.probability.clamp(0.0, 1.0) * 100.0).round();
    html! {
        <div class="prediction" data-testid="lead-prediction">
            <div class="score-group-head">
                <span title={i18n.t(Key::WinProbabilityHint)}>{ i18n.t(Key::WinProbability) }</span>
                <span class="num" data-testid="win-probability">{ format!("{percent:.0}%") }</span>
            </div>
            <span class="prediction-track" aria-hidden="true">
                <span class="prediction-fill" style={format!("width:{percent:.0}%")} />
            </span>
            if !p.factors.is_empty() {
                <ul class="factors" aria-label={i18n.t(Key::WinFactors)}>
                    { for p.factors.iter().map(|f| {
                        let helps = f.contribution >= 0.0;
                        html! {
                            <li class={classes!("factor", if helps { "is-up" } else { "is-down" })} data-testid="prediction-factor"
                                title={i18n.t(if helps { Key::FactorHelps } else { Key::FactorHurts })}>
                                <span class="factor-mark" aria-hidden="true">{ if helps { "▲" } else { "▼" } }</span>
                                <span class="visually-hidden">{ i18n.t(if helps { Key::FactorHelps } else { Key::FactorHurts }) }</span>
                                <span>{ factor_text(i18n, f) }</span>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_carry_their_sign() {
        assert_eq!(signed(15), "+15");
        assert_eq!(signed(-5), "−5");
        assert_eq!(signed(0), "0");
    }
}
