//! A lead's history, newest first: what happened, when (relative, exact on hover), who
//! did it and the few details that explain it. Kinds this version does not know yet are
//! shown by their raw name rather than hidden.

use leadflow_shared::{Channel, LeadStage};
use serde_json::Value;
use yew::prelude::*;

use crate::api::leads::{DuplicateMatch, LeadEvent};
use crate::i18n::{
    channel_key, event_kind_key, lead_field_key, outcome_key, stage_key, use_i18n, I18n, Key,
};
use leadflow_shared::ActivityOutcome;

use super::match_key;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub events: Vec<LeadEvent>,
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let i18n = use_i18n();
    if props.events.is_empty() {
        return html! { <p class="muted timeline-empty">{ i18n.t(Key::TimelineEmpty) }</p> };
    }
    html! {
        <ol class="timeline" data-testid="timeline">
            { for props.events.iter().map(|event| event_item(&i18n, event)) }
        </ol>
    }
}

/// The small facts under an event's name, as far as this version understands its data.
fn event_details(i18n: &I18n, event: &LeadEvent) -> Vec<String> {
    let mut details = Vec::new();
    if let Some(actor) = &event.actor {
        details.push(i18n.tf(Key::EventBy, &[("name", &actor.name)]));
    }
    if let Some(source) = event.data.get("source").and_then(Value::as_str) {
        if let Some(channel) = Channel::parse(source) {
            details.push(i18n.tf(Key::EventVia, &[("source", i18n.t(channel_key(channel)))]));
        }
    }
    if let Some(matched) = event
        .data
        .get("matchedBy")
        .and_then(Value::as_str)
        .and_then(DuplicateMatch::parse_event)
    {
        details.push(i18n.tf(Key::EventMatchedBy, &[("by", i18n.t(match_key(matched)))]));
    }
    if let Some(merged) = event.data.get("mergedIds").and_then(Value::as_array) {
        let n = merged.len().to_string();
        details.push(i18n.tf(Key::EventMergedCount, &[("n", &n)]));
    }
    if let Some(outcome) = event
        .data
        .get("outcome")
        .and_then(Value::as_str)
        .and_then(|s| {
            serde_json::from_value::<ActivityOutcome>(Value::String(s.to_uppercase())).ok()
        })
    {
        details.push(i18n.t(outcome_key(outcome)).to_owned());
    }
    if event.kind == "stage_changed" {
        let stage = |k: &str| {
            event
                .data
                .get(k)
                .and_then(Value::as_str)
                .and_then(LeadStage::parse)
                .map(|s| i18n.t(stage_key(s)).to_owned())
        };
        if let (Some(from), Some(to)) = (stage("from"), stage("to")) {
            details.push(format!("{from} → {to}"));
        }
        if let Some(reason) = event.data.get("lostReason").and_then(Value::as_str) {
            details.push(reason.to_owned());
        }
    }
    if event.kind == "updated" {
        if let Some(changes) = event.data.as_object().filter(|c| !c.is_empty()) {
            let names: Vec<String> = changes
                .keys()
                .map(|k| lead_field_key(k).map_or_else(|| k.clone(), |key| i18n.t(key).to_owned()))
                .collect();
            details.push(i18n.tf(Key::EventChanged, &[("fields", &names.join(", "))]));
        }
    }
    for key in ["title", "name"] {
        if let Some(text) = event.data.get(key).and_then(Value::as_str) {
            if !event.kind.starts_with("captured") {
                details.push(text.to_owned());
            }
        }
    }
    details
}

/// Longer text shown on its own line: a note, or the address a lead visited.
fn event_body(event: &LeadEvent) -> Option<(String, bool)> {
    let note = event.data.get("note").and_then(Value::as_str);
    let url = event.data.get("url").and_then(Value::as_str);
    note.map(|n| (n.to_owned(), false))
        .or_else(|| url.map(|u| (u.to_owned(), true)))
        .filter(|(text, _)| !text.trim().is_empty())
}

fn event_item(i18n: &I18n, event: &LeadEvent) -> Html {
    let known = event_kind_key(&event.kind);
    let name = known.map_or_else(|| event.kind.clone(), |k| i18n.t(k).to_owned());
    let details = event_details(i18n, event);
    let body = event_body(event);
    html! {
        <li key={event.id.clone()} class={classes!("timeline-item", format!("event-{}", event.kind))}
            data-testid="timeline-event" data-kind={event.kind.clone()}>
            <span class="timeline-dot" aria-hidden="true" />
            <div class="timeline-body">
                <div class="timeline-head">
                    <span class={classes!("timeline-kind", known.is_none().then_some("mono"))}>{ name }</span>
                    <time class="timeline-time" datetime={event.occurred_at.clone()} title={i18n.datetime(&event.occurred_at)}>
                        { i18n.relative(&event.occurred_at) }
                    </time>
                </div>
                if !details.is_empty() {
                    <div class="timeline-meta">{ details.join(" · ") }</div>
                }
                if let Some((text, is_url)) = body {
                    <div class={classes!("timeline-note", is_url.then_some("mono"))} data-testid="timeline-note">{ text }</div>
                }
            </div>
        </li>
    }
}
