//! Small pieces both the list and the detail page show: the stage badge, the score
//! meter, and how a lead's region and owner read.

use leadflow_shared::LeadStage;
use yew::prelude::*;

use crate::api::types::UserRef;
use crate::i18n::{stage_key, use_i18n, I18n, Key};

#[derive(Properties, PartialEq)]
pub struct StageBadgeProps {
    pub stage: LeadStage,
}

/// The stage as a coloured badge; the colour follows the funnel (cool → warm → done).
#[component]
pub fn StageBadge(props: &StageBadgeProps) -> Html {
    let i18n = use_i18n();
    html! {
        <span class={classes!("badge", "stage", format!("stage-{}", props.stage.as_str()))}
              data-stage={props.stage.as_str()}>
            { i18n.t(stage_key(props.stage)) }
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct ScoreMeterProps {
    pub score: i32,
}

/// The total score as a number and a short bar (full at 100, the usual MQL scale).
#[component]
pub fn ScoreMeter(props: &ScoreMeterProps) -> Html {
    let width = props.score.clamp(0, 100);
    let level = match props.score {
        s if s >= 70 => "score-hot",
        s if s >= 40 => "score-warm",
        _ => "score-cold",
    };
    html! {
        <span class={classes!("score", level)}>
            <span class="score-value">{ props.score }</span>
            <span class="score-track" aria-hidden="true">
                <span class="score-fill" style={format!("width:{width}%")} />
            </span>
        </span>
    }
}

/// "浙江 · 杭州"; a city that is its own province (上海 · 上海) is said once.
pub fn region(province: Option<&str>, city: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = [province, city]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    match parts.as_slice() {
        [] => None,
        [a, b] if a == b => Some((*a).to_owned()),
        _ => Some(parts.join(" · ")),
    }
}

/// The owner's name, or the pool when nobody owns the lead.
pub fn owner_html(i18n: &I18n, owner: Option<&UserRef>) -> Html {
    match owner {
        Some(owner) => html! { <span class="owner">{ owner.name.clone() }</span> },
        None => html! { <span class="owner owner-pool">{ i18n.t(Key::OwnerPool) }</span> },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_read_naturally() {
        assert_eq!(
            region(Some("浙江"), Some("杭州")).as_deref(),
            Some("浙江 · 杭州")
        );
        assert_eq!(region(Some("上海"), Some("上海")).as_deref(), Some("上海"));
        assert_eq!(region(None, Some("深圳")).as_deref(), Some("深圳"));
        assert_eq!(region(Some(" "), None), None);
    }
}
