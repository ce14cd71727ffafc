//! The dry run: real leads walked through the journey being edited, in the browser, by
//! the shared [`step`] the server runs, on a simulated clock.
//!
//! Each lead that the trigger would take (as far as the lead list tells: stage, source,
//! tags, score) enters now and is stepped until it leaves, or until its next step falls
//! after the end of the simulated period. Effects are applied to the lead's facts (a
//! set-stage node moves the stage, a tag node tags it) so later branches and the goal
//! see them. Nobody really opens email in a simulation: `open_rate` percent of the
//! leads, spread over the sample, are taken to open every email (and half of those to click).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use leadflow_shared::journey::{
    step, Effect, EnrolmentState, JourneyDefinition, LeadFacts, Trigger,
};

use crate::api::leads::LeadRow;

/// Beijing time: the leads' clock when the list does not say (it does not).
const UTC_OFFSET_MINUTES: i32 = 480;
/// A lead taking more steps than this is on a loop the validation would refuse.
const MAX_STEPS: u32 = 500;

/// How many simulated leads reached, wait in and left from one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub entered: u32,
    pub waiting: u32,
    pub left: u32,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DryRun {
    /// Leads in the sample.
    pub sampled: u32,
    /// Of those, the ones the trigger takes.
    pub enrolled: u32,
    /// Left before the end of the period (completed, goal, woke up, routed).
    pub finished: u32,
    pub days: u32,
    pub per_node: BTreeMap<String, Tally>,
}

/// What the step function needs to know about a listed lead.
pub fn facts_of(lead: &LeadRow) -> LeadFacts {
    let mut fields = BTreeMap::new();
    let mut put = |k: &str, v: Option<&String>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            fields.insert(k.to_owned(), v.clone());
        }
    };
    put("company", lead.company.as_ref());
    put("province", lead.province.as_ref());
    put("city", lead.city.as_ref());
    put("title", lead.title.as_ref());
    let source = serde_json::to_value(lead.source)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned));
    put("source", source.as_ref());
    LeadFacts {
        stage: Some(lead.stage),
        total_score: lead.total_score,
        tags: lead.tags.clone(),
        fields,
        utc_offset_minutes: UTC_OFFSET_MINUTES,
        ..LeadFacts::default()
    }
}

/// Whether the trigger would take this lead, judged from what the list shows. Triggers
/// that depend on an event the list cannot show (a form post, inactivity, a manual
/// enrolment) take every lead: the run then shows what the journey does to them.
pub fn trigger_takes(trigger: &Trigger, lead: &LeadRow) -> bool {
    match trigger {
        Trigger::EntersStage { stage } => lead.stage == *stage,
        Trigger::Source { channel, .. } => channel.is_none_or(|c| c == lead.source),
        Trigger::TagAdded { tag } => lead.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)),
        Trigger::ScoreBand { min, max } => {
            lead.total_score >= *min && max.is_none_or(|max| lead.total_score <= max)
        }
        Trigger::FormSubmitted { .. } | Trigger::Inactive { .. } | Trigger::Manual => true,
    }
}

/// Runs every lead of `leads` through `def` from `now` for `days` days.
pub fn simulate(
    def: &JourneyDefinition,
    leads: &[LeadRow],
    now: DateTime<Utc>,
    days: u32,
    open_rate: u32,
) -> DryRun {
    let end = now + Duration::days(i64::from(days));
    let mut run = DryRun {
        sampled: leads.len() as u32,
        days,
        ..DryRun::default()
    };
    let takers = leads.iter().filter(|l| trigger_takes(&def.trigger, l));
    for (i, lead) in takers.enumerate() {
        run.enrolled += 1;
        let mut facts = facts_of(lead);
        // Spread the openers over the sample: 37 is coprime with 100, so any 100
        // consecutive leads hold exactly `open_rate` openers.
        let opens = (i as u32 * 37 + 11) % 100 < open_rate;
        let clicks = opens && i % 2 == 0;
        let mut state = EnrolmentState::enter(def, &facts);
        let mut clock = now;
        loop {
            let at_before = state.at.clone();
            let outcome = step(def, &state, &facts, clock);
            for effect in &outcome.effects {
                match effect {
                    Effect::Entered { node } => {
                        run.per_node.entry(node.clone()).or_default().entered += 1
                    }
                    Effect::Left { .. } => {
                        if let Some(node) = &at_before {
                            run.per_node.entry(node.clone()).or_default().left += 1;
                        }
                        run.finished += 1;
                    }
                    Effect::SendEmail { node, .. } => {
                        if opens {
                            facts.opened.insert(node.clone());
                        }
                        if clicks {
                            facts.clicked.insert(node.clone());
                        }
                    }
                    Effect::SetStage { stage } => facts.stage = Some(*stage),
                    Effect::AddTag { tag } => {
                        if !facts.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
                            facts.tags.push(tag.clone());
                        }
                    }
                    Effect::RemoveTag { tag } => {
                        facts.tags.retain(|t| !t.eq_ignore_ascii_case(tag))
                    }
                    Effect::AdjustScore { points } => facts.total_score += points,
                    Effect::NotifyOwner { .. } | Effect::HandToRouting => {}
                }
            }
            state = outcome.state;
            match outcome.next_at {
                None => break,
                Some(_) if state.steps >= MAX_STEPS => break,
                Some(t) if t > end => {
                    if let Some(node) = &state.at {
                        run.per_node.entry(node.clone()).or_default().waiting += 1;
                    }
                    break;
                }
                Some(t) => clock = clock.max(t),
            }
        }
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::journeys::graph::{add_node, blank, connect, NodeKind, Source};
    use leadflow_shared::journey::{Action, Position, Wait};
    use leadflow_shared::{Channel, LeadStage};

    fn lead(stage: LeadStage, source: Channel) -> LeadRow {
        LeadRow {
            id: "l".into(),
            person_name: "Li".into(),
            title: None,
            company: Some("Acme".into()),
            email: None,
            phone: None,
            province: None,
            city: None,
            source,
            stage,
            owner: None,
            total_score: 10,
            created_at: String::new(),
            tags: vec![],
        }
    }

    #[test]
    fn a_week_long_wait_holds_leads_in_a_three_day_run_and_releases_them_in_thirty() {
        let mut def = blank();
        def.trigger = Trigger::Source {
            channel: Some(Channel::Event),
            campaign_id: None,
        };
        let p = Position::default();
        let email = add_node(&mut def, NodeKind::SendEmail, p, Some("t"));
        let wait = add_node(&mut def, NodeKind::Wait, p, None);
        let exit = add_node(&mut def, NodeKind::Exit, p, None);
        connect(&mut def, &Source::Trigger, &email);
        let next = |n: &str| Source::Port {
            node: n.to_owned(),
            port: "next",
        };
        connect(&mut def, &next(&email), &wait);
        connect(&mut def, &next(&wait), &exit);
        if let Some(n) = def.nodes.iter_mut().find(|n| n.id == wait) {
            n.action = Action::Wait {
                wait: Wait::Duration {
                    minutes: 7 * 24 * 60,
                },
                next: Some(exit.clone()),
            };
        }
        let leads = vec![
            lead(LeadStage::Lead, Channel::Event),
            lead(LeadStage::Lead, Channel::Event),
            lead(LeadStage::Lead, Channel::Organic),
        ];
        let now = DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default();
        let short = simulate(&def, &leads, now, 3, 0);
        assert_eq!((short.sampled, short.enrolled, short.finished), (3, 2, 0));
        assert_eq!(short.per_node[&email].entered, 2);
        assert_eq!(short.per_node[&wait].waiting, 2);
        assert!(!short.per_node.contains_key(&exit));
        let long = simulate(&def, &leads, now, 30, 0);
        assert_eq!(long.finished, 2);
        assert_eq!(long.per_node[&exit].entered, 2);
        assert_eq!(long.per_node[&exit].left, 2);
    }
}
