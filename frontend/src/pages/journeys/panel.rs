//! The side panel: the settings of what is selected on the canvas — the trigger, a
//! node (template, wait, condition, stage, tag, points, message), an edge — or, with
//! nothing selected, the journey's goal and how to build one.
//!
//! Every input edits the definition at once through [`Msg::Edit`], so the canvas and
//! the live validation follow each keystroke.

use std::rc::Rc;

use leadflow_shared::journey::{Action, Condition, Goal, JourneyDefinition, Trigger, Wait};
use leadflow_shared::{Channel, LeadStage};
use yew::prelude::*;

use super::canvas::weekday_key;
use super::editor::{Editor, Msg, Selection};
use super::graph::{NodeKind, Source, TriggerKind};
use crate::api::journeys::EmailTemplate;
use crate::components::form::{input_value, select_value};
use crate::i18n::{channel_key, stage_key, use_i18n, Key};

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub editor: UseReducerHandle<Editor>,
    pub templates: Rc<Vec<EmailTemplate>>,
    pub problems: Rc<super::canvas::ProblemMap>,
}

/// A dispatcher of edits to the definition.
fn edit(editor: &UseReducerHandle<Editor>, f: impl Fn(&mut JourneyDefinition) + 'static) {
    editor.dispatch(Msg::Edit(Rc::new(f)));
}

/// Edits the action of node `id`.
fn on_action<E: 'static>(
    editor: &UseReducerHandle<Editor>,
    id: &str,
    read: impl Fn(&E) -> String + 'static,
    apply: impl Fn(&mut Action, &str) + 'static,
) -> Callback<E> {
    let (editor, id) = (editor.clone(), id.to_owned());
    let apply = Rc::new(apply);
    Callback::from(move |e: E| {
        let value = read(&e);
        let (id, apply) = (id.clone(), apply.clone());
        edit(&editor, move |def| {
            if let Some(n) = def.nodes.iter_mut().find(|n| n.id == id) {
                apply(&mut n.action, &value);
            }
        });
    })
}

fn on_trigger<E: 'static>(
    editor: &UseReducerHandle<Editor>,
    read: impl Fn(&E) -> String + 'static,
    apply: impl Fn(&mut Trigger, &str) + 'static,
) -> Callback<E> {
    let editor = editor.clone();
    let apply = Rc::new(apply);
    Callback::from(move |e: E| {
        let value = read(&e);
        let apply = apply.clone();
        edit(&editor, move |def| apply(&mut def.trigger, &value));
    })
}

fn stage_name(stage: LeadStage) -> String {
    serde_json::to_value(stage)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn parse_stage(s: &str) -> Option<LeadStage> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

fn parse_channel(s: &str) -> Option<Channel> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

fn channel_name(c: Channel) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[component]
pub fn Panel(props: &PanelProps) -> Html {
    let i18n = use_i18n();
    let editor = props.editor.clone();
    let e: &Editor = &editor;
    let delete = {
        let editor = editor.clone();
        Callback::from(move |_: MouseEvent| editor.dispatch(Msg::DeleteSelected))
    };
    let stage_options = |current: Option<LeadStage>| {
        LeadStage::ALL
            .iter()
            .map(|s| {
                html! { <option value={stage_name(*s)} selected={current == Some(*s)}>{ i18n.t(stage_key(*s)) }</option> }
            })
            .collect::<Html>()
    };

    let body = match &e.selected {
        Selection::Journey => {
            let goal_kind = match &e.def.goal {
                None => "none",
                Some(Goal::ReachesStage { .. }) => "stage",
                Some(Goal::HasTag { .. }) => "tag",
            };
            let on_goal_kind = {
                let editor = editor.clone();
                Callback::from(move |ev: Event| {
                    let kind = select_value(&ev);
                    edit(&editor, move |def| {
                        def.goal = match kind.as_str() {
                            "stage" => Some(Goal::ReachesStage {
                                stage: LeadStage::Sql,
                            }),
                            "tag" => Some(Goal::HasTag { tag: String::new() }),
                            _ => None,
                        }
                    })
                })
            };
            let goal_detail = match &e.def.goal {
                Some(Goal::ReachesStage { stage }) => {
                    let editor = editor.clone();
                    let on = Callback::from(move |ev: Event| {
                        if let Some(stage) = parse_stage(&select_value(&ev)) {
                            edit(&editor, move |def| {
                                def.goal = Some(Goal::ReachesStage { stage })
                            });
                        }
                    });
                    html! {
                        <select class="input" data-testid="jd-goal-stage" onchange={on}>{ stage_options(Some(*stage)) }</select>
                    }
                }
                Some(Goal::HasTag { tag }) => {
                    let editor = editor.clone();
                    let on = Callback::from(move |ev: InputEvent| {
                        let tag = input_value(&ev);
                        edit(&editor, move |def| {
                            def.goal = Some(Goal::HasTag { tag: tag.clone() })
                        });
                    });
                    html! { <input class="input" data-testid="jd-goal-tag" value={tag.clone()} oninput={on}
                    placeholder={i18n.t(Key::JrnTagPlaceholder)} /> }
                }
                None => html! {},
            };
            html! {
                <>
                    <h2 class="jd-panel-title">{ i18n.t(Key::JrnJourneySettings) }</h2>
                    <label class="field">
                        <span class="field-label">{ i18n.t(Key::JrnGoal) }</span>
                        <select class="input" data-testid="jd-goal" onchange={on_goal_kind}>
                            <option value="none" selected={goal_kind == "none"}>{ i18n.t(Key::JrnGoalNone) }</option>
                            <option value="stage" selected={goal_kind == "stage"}>{ i18n.t(Key::JrnGoalStage) }</option>
                            <option value="tag" selected={goal_kind == "tag"}>{ i18n.t(Key::JrnGoalTag) }</option>
                        </select>
                        { goal_detail }
                        <span class="field-hint">{ i18n.t(Key::JrnGoalHint) }</span>
                    </label>
                    <div class="jd-howto">
                        <h3>{ i18n.t(Key::JrnHowToTitle) }</h3>
                        <ol>
                            <li>{ i18n.t(Key::JrnHowTo1) }</li>
                            <li>{ i18n.t(Key::JrnHowTo2) }</li>
                            <li>{ i18n.t(Key::JrnHowTo3) }</li>
                            <li>{ i18n.t(Key::JrnHowTo4) }</li>
                        </ol>
                    </div>
                </>
            }
        }
        Selection::Edge(from) => {
            let what = match from {
                Source::Trigger => i18n.t(Key::JrnTrigger).to_owned(),
                Source::Port { node, port } => format!("{node} · {port}"),
            };
            html! {
                <>
                    <h2 class="jd-panel-title">{ i18n.t(Key::JrnConnection) }</h2>
                    <p class="muted">{ what }</p>
                    <button type="button" class="btn btn-secondary btn-sm" data-testid="jd-delete" onclick={delete}>
                        { i18n.t(Key::JrnRemoveConnection) }
                    </button>
                </>
            }
        }
        Selection::Trigger => {
            let kind = TriggerKind::of(&e.def.trigger);
            let on_kind = on_trigger(
                &editor,
                |ev: &Event| select_value(ev),
                |t, v| {
                    if let Some(k) = TriggerKind::ALL.into_iter().find(|k| k.slug() == v) {
                        *t = k.default_trigger();
                    }
                },
            );
            let detail = match &e.def.trigger {
                Trigger::EntersStage { stage } => html! {
                    <label class="field"><span class="field-label">{ i18n.t(Key::JrnStage) }</span>
                        <select class="input" data-testid="jd-trigger-stage" onchange={on_trigger(&editor, |ev: &Event| select_value(ev), |t, v| {
                            if let Some(stage) = parse_stage(v) { *t = Trigger::EntersStage { stage }; }
                        })}>{ stage_options(Some(*stage)) }</select></label>
                },
                Trigger::Source {
                    channel,
                    campaign_id,
                } => html! {
                    <>
                        <label class="field"><span class="field-label">{ i18n.t(Key::JrnSource) }</span>
                            <select class="input" data-testid="jd-trigger-channel" onchange={on_trigger(&editor, |ev: &Event| select_value(ev), |t, v| {
                                if let Trigger::Source { channel, .. } = t { *channel = parse_channel(v); }
                            })}>
                                <option value="" selected={channel.is_none()}>{ i18n.t(Key::JrnAnySource) }</option>
                                { for Channel::ALL.iter().map(|c| html! {
                                    <option value={channel_name(*c)} selected={*channel == Some(*c)}>{ i18n.t(channel_key(*c)) }</option>
                                }) }
                            </select></label>
                        <label class="field"><span class="field-label">{ i18n.t(Key::JrnCampaignId) }</span>
                            <input class="input mono" value={campaign_id.clone().unwrap_or_default()} placeholder={i18n.t(Key::JrnOptional)}
                                   oninput={on_trigger(&editor, |ev: &InputEvent| input_value(ev), |t, v| {
                                       if let Trigger::Source { campaign_id, .. } = t {
                                           *campaign_id = Some(v.trim().to_owned()).filter(|s| !s.is_empty());
                                       }
                                   })} /></label>
                    </>
                },
                Trigger::TagAdded { tag } => html! {
                    <label class="field"><span class="field-label">{ i18n.t(Key::JrnTag) }</span>
                        <input class="input" value={tag.clone()} placeholder={i18n.t(Key::JrnTagPlaceholder)}
                               oninput={on_trigger(&editor, |ev: &InputEvent| input_value(ev), |t, v| *t = Trigger::TagAdded { tag: v.to_owned() })} /></label>
                },
                Trigger::ScoreBand { min, max } => html! {
                    <div class="jd-row">
                        <label class="field"><span class="field-label">{ i18n.t(Key::JrnScoreMin) }</span>
                            <input class="input" type="number" value={min.to_string()}
                                   oninput={on_trigger(&editor, |ev: &InputEvent| input_value(ev), |t, v| {
                                       if let (Trigger::ScoreBand { min, .. }, Ok(n)) = (t, v.trim().parse()) { *min = n; }
                                   })} /></label>
                        <label class="field"><span class="field-label">{ i18n.t(Key::JrnScoreMax) }</span>
                            <input class="input" type="number" value={max.map(|m| m.to_string()).unwrap_or_default()} placeholder={i18n.t(Key::JrnOptional)}
                                   oninput={on_trigger(&editor, |ev: &InputEvent| input_value(ev), |t, v| {
                                       if let Trigger::ScoreBand { max, .. } = t { *max = v.trim().parse().ok(); }
                                   })} /></label>
                    </div>
                },
                Trigger::FormSubmitted { form_id } => html! {
                    <label class="field"><span class="field-label">{ i18n.t(Key::JrnFormId) }</span>
                        <input class="input mono" value={form_id.clone().unwrap_or_default()} placeholder={i18n.t(Key::JrnAnyForm)}
                               oninput={on_trigger(&editor, |ev: &InputEvent| input_value(ev), |t, v| {
                                   *t = Trigger::FormSubmitted { form_id: Some(v.trim().to_owned()).filter(|s| !s.is_empty()) };
                               })} /></label>
                },
                Trigger::Inactive { days } => html! {
                    <label class="field"><span class="field-label">{ i18n.t(Key::JrnInactiveDays) }</span>
                        <input class="input" type="number" min="1" max="3650" value={days.to_string()}
                               oninput={on_trigger(&editor, |ev: &InputEvent| input_value(ev), |t, v| {
                                   if let Ok(days) = v.trim().parse() { *t = Trigger::Inactive { days }; }
                               })} /></label>
                },
                Trigger::Manual => {
                    html! { <p class="field-hint">{ i18n.t(Key::JrnManualHint) }</p> }
                }
            };
            html! {
                <>
                    <h2 class="jd-panel-title"><span class="jd-node-icon">{ "⚡" }</span>{ i18n.t(Key::JrnTrigger) }</h2>
                    <label class="field"><span class="field-label">{ i18n.t(Key::JrnWhoEnters) }</span>
                        <select class="input" data-testid="jd-trigger-kind" onchange={on_kind}>
                            { for TriggerKind::ALL.iter().map(|k| html! {
                                <option value={k.slug()} selected={*k == kind}>{ i18n.t(k.key()) }</option>
                            }) }
                        </select></label>
                    { detail }
                    { problem_list(props.problems.get(&None)) }
                </>
            }
        }
        Selection::Node(id) => match e.def.node(id) {
            None => html! {},
            Some(node) => {
                let kind = NodeKind::of(&node.action);
                let settings = node_settings(
                    &i18n,
                    &editor,
                    id,
                    &node.action,
                    &props.templates,
                    &stage_options,
                );
                html! {
                    <>
                        <h2 class="jd-panel-title">
                            <span class={classes!("jd-node-icon", format!("jd-kind-{}", kind.slug()))}>{ kind.glyph() }</span>
                            { i18n.t(kind.key()) }
                            <span class="jd-node-id">{ id.clone() }</span>
                        </h2>
                        { settings }
                        { problem_list(props.problems.get(&Some(id.clone()))) }
                        <button type="button" class="btn btn-danger-text btn-sm jd-delete" data-testid="jd-delete" onclick={delete}>
                            { i18n.t(Key::JrnDeleteNode) }
                        </button>
                    </>
                }
            }
        },
    };
    html! { <aside class="jd-panel" data-testid="jd-panel">{ body }</aside> }
}

fn problem_list(problems: Option<&Vec<String>>) -> Html {
    match problems {
        Some(list) if !list.is_empty() => html! {
            <ul class="jd-panel-problems" data-testid="jd-panel-problems">
                { for list.iter().map(|m| html! { <li>{ m.clone() }</li> }) }
            </ul>
        },
        _ => html! {},
    }
}

fn node_settings(
    i18n: &crate::i18n::I18n,
    editor: &UseReducerHandle<Editor>,
    id: &str,
    action: &Action,
    templates: &[EmailTemplate],
    stage_options: &dyn Fn(Option<LeadStage>) -> Html,
) -> Html {
    let text = |ev: &InputEvent| input_value(ev);
    let choice = |ev: &Event| select_value(ev);
    match action {
        Action::SendEmail { template_id, .. } => html! {
            <label class="field"><span class="field-label">{ i18n.t(Key::JrnTemplate) }</span>
                <select class="input" data-testid="jd-template" onchange={on_action(editor, id, choice, |a, v| {
                    if let Action::SendEmail { template_id, .. } = a { *template_id = v.to_owned(); }
                })}>
                    <option value="" selected={template_id.is_empty()} disabled=true>{ i18n.t(Key::JrnPickTemplate) }</option>
                    { for templates.iter().map(|t| html! {
                        <option value={t.id.clone()} selected={&t.id == template_id}>{ t.name.clone() }</option>
                    }) }
                </select>
                if let Some(t) = templates.iter().find(|t| &t.id == template_id) {
                    <div class="jd-template-peek">
                        <strong>{ t.subject.clone() }</strong>
                        <p>{ t.body.chars().take(160).collect::<String>() }</p>
                    </div>
                }
                <a class="field-hint" href="/journeys/templates" target="_blank">{ i18n.t(Key::JrnManageTemplates) }</a>
            </label>
        },
        Action::Wait { wait, .. } => {
            let mode = match wait {
                Wait::Duration { .. } => "duration",
                Wait::UntilWeekdayTime { .. } => "until",
            };
            let on_mode = on_action(editor, id, choice, |a, v| {
                if let Action::Wait { wait, .. } = a {
                    *wait = if v == "until" {
                        Wait::UntilWeekdayTime {
                            weekdays: vec![0, 1, 2, 3, 4],
                            hour: 10,
                            minute: 0,
                        }
                    } else {
                        Wait::Duration { minutes: 24 * 60 }
                    };
                }
            });
            let detail = match wait {
                Wait::Duration { minutes } => {
                    let (n, unit) = if minutes.is_multiple_of(24 * 60) {
                        (minutes / (24 * 60), 24 * 60)
                    } else if minutes.is_multiple_of(60) {
                        (minutes / 60, 60)
                    } else {
                        (*minutes, 1)
                    };
                    let on_n = on_action(editor, id, text, move |a, v| {
                        if let (Action::Wait { wait, .. }, Ok(n)) = (a, v.trim().parse::<u32>()) {
                            *wait = Wait::Duration {
                                minutes: n.saturating_mul(unit),
                            };
                        }
                    });
                    let on_unit = on_action(editor, id, choice, move |a, v| {
                        if let (Action::Wait { wait, .. }, Ok(u)) = (a, v.parse::<u32>()) {
                            *wait = Wait::Duration {
                                minutes: n.max(1).saturating_mul(u),
                            };
                        }
                    });
                    html! {
                        <div class="jd-row">
                            <input class="input" type="number" min="1" data-testid="jd-wait-amount" value={n.to_string()} oninput={on_n} />
                            <select class="input" data-testid="jd-wait-unit" onchange={on_unit}>
                                <option value="1" selected={unit == 1}>{ i18n.t(Key::JrnUnitMinutes) }</option>
                                <option value="60" selected={unit == 60}>{ i18n.t(Key::JrnUnitHours) }</option>
                                <option value="1440" selected={unit == 1440}>{ i18n.t(Key::JrnUnitDays) }</option>
                            </select>
                        </div>
                    }
                }
                Wait::UntilWeekdayTime {
                    weekdays,
                    hour,
                    minute,
                } => {
                    let on_time = on_action(editor, id, text, |a, v| {
                        let mut parts = v.split(':').map(|p| p.parse::<u8>());
                        if let (
                            Action::Wait {
                                wait: Wait::UntilWeekdayTime { hour, minute, .. },
                                ..
                            },
                            Some(Ok(h)),
                            Some(Ok(m)),
                        ) = (a, parts.next(), parts.next())
                        {
                            *hour = h;
                            *minute = m;
                        }
                    });
                    html! {
                        <>
                            <div class="jd-weekdays" role="group" aria-label={i18n.t(Key::JrnWeekdays)}>
                                { for (0u8..7).map(|d| {
                                    let on = weekdays.contains(&d);
                                    let toggle = {
                                        let (editor, id) = (editor.clone(), id.to_owned());
                                        Callback::from(move |_: MouseEvent| {
                                            let id = id.clone();
                                            edit(&editor, move |def| {
                                                if let Some(Action::Wait { wait: Wait::UntilWeekdayTime { weekdays, .. }, .. }) =
                                                    def.nodes.iter_mut().find(|n| n.id == id).map(|n| &mut n.action)
                                                {
                                                    if let Some(i) = weekdays.iter().position(|w| *w == d) {
                                                        weekdays.remove(i);
                                                    } else {
                                                        weekdays.push(d);
                                                        weekdays.sort_unstable();
                                                    }
                                                }
                                            })
                                        })
                                    };
                                    html! {
                                        <button type="button" class={classes!("jd-day", on.then_some("is-on"))}
                                                aria-pressed={on.to_string()} onclick={toggle}>{ i18n.t(weekday_key(d)) }</button>
                                    }
                                }) }
                            </div>
                            <label class="field"><span class="field-label">{ i18n.t(Key::JrnAtTime) }</span>
                                <input class="input" type="time" value={format!("{hour:02}:{minute:02}")} oninput={on_time} />
                                <span class="field-hint">{ i18n.t(Key::JrnLeadClockHint) }</span>
                            </label>
                        </>
                    }
                }
            };
            html! {
                <>
                    <label class="field"><span class="field-label">{ i18n.t(Key::JrnWaitMode) }</span>
                        <select class="input" data-testid="jd-wait-mode" onchange={on_mode}>
                            <option value="duration" selected={mode == "duration"}>{ i18n.t(Key::JrnWaitDuration) }</option>
                            <option value="until" selected={mode == "until"}>{ i18n.t(Key::JrnWaitUntilMode) }</option>
                        </select></label>
                    { detail }
                </>
            }
        }
        Action::Branch { condition, .. } => {
            let kind = match condition {
                Condition::OpenedPreviousEmail => "opened",
                Condition::ClickedPreviousEmail => "clicked",
                Condition::ScoreAbove { .. } => "score",
                Condition::FieldEquals { .. } => "field",
                Condition::StageIs { .. } => "stage",
            };
            let on_kind = on_action(editor, id, choice, |a, v| {
                if let Action::Branch { condition, .. } = a {
                    *condition = match v {
                        "clicked" => Condition::ClickedPreviousEmail,
                        "score" => Condition::ScoreAbove { points: 50 },
                        "field" => Condition::FieldEquals {
                            field: "industry".into(),
                            value: String::new(),
                        },
                        "stage" => Condition::StageIs {
                            stage: LeadStage::Mql,
                        },
                        _ => Condition::OpenedPreviousEmail,
                    };
                }
            });
            let detail = match condition {
                Condition::ScoreAbove { points } => html! {
                    <input class="input" type="number" value={points.to_string()}
                           oninput={on_action(editor, id, text, |a, v| {
                               if let (Action::Branch { condition, .. }, Ok(points)) = (a, v.trim().parse()) {
                                   *condition = Condition::ScoreAbove { points };
                               }
                           })} />
                },
                Condition::FieldEquals { field, value } => html! {
                    <div class="jd-row">
                        <select class="input" onchange={on_action(editor, id, choice, |a, v| {
                            if let Action::Branch { condition: Condition::FieldEquals { field, .. }, .. } = a { *field = v.to_owned(); }
                        })}>
                            { for ["company", "industry", "province", "city", "title", "source"].iter().map(|f| html! {
                                <option value={*f} selected={field == f}>{ *f }</option>
                            }) }
                        </select>
                        <input class="input" value={value.clone()} placeholder={i18n.t(Key::JrnValue)}
                               oninput={on_action(editor, id, text, |a, v| {
                                   if let Action::Branch { condition: Condition::FieldEquals { value, .. }, .. } = a { *value = v.to_owned(); }
                               })} />
                    </div>
                },
                Condition::StageIs { stage } => html! {
                    <select class="input" onchange={on_action(editor, id, choice, |a, v| {
                        if let (Action::Branch { condition, .. }, Some(stage)) = (a, parse_stage(v)) {
                            *condition = Condition::StageIs { stage };
                        }
                    })}>{ stage_options(Some(*stage)) }</select>
                },
                _ => html! {},
            };
            html! {
                <>
                    <label class="field"><span class="field-label">{ i18n.t(Key::JrnCondition) }</span>
                        <select class="input" data-testid="jd-condition" onchange={on_kind}>
                            <option value="opened" selected={kind == "opened"}>{ i18n.t(Key::JrnCondOpened) }</option>
                            <option value="clicked" selected={kind == "clicked"}>{ i18n.t(Key::JrnCondClicked) }</option>
                            <option value="score" selected={kind == "score"}>{ i18n.t(Key::JrnCondScoreAbove) }</option>
                            <option value="field" selected={kind == "field"}>{ i18n.t(Key::JrnCondField) }</option>
                            <option value="stage" selected={kind == "stage"}>{ i18n.t(Key::JrnCondStage) }</option>
                        </select></label>
                    { detail }
                    <p class="field-hint">{ i18n.t(Key::JrnBranchHint) }</p>
                </>
            }
        }
        Action::SetStage { stage, .. } => html! {
            <label class="field"><span class="field-label">{ i18n.t(Key::JrnStage) }</span>
                <select class="input" onchange={on_action(editor, id, choice, |a, v| {
                    if let (Action::SetStage { stage, .. }, Some(s)) = (a, parse_stage(v)) { *stage = s; }
                })}>{ stage_options(Some(*stage)) }</select></label>
        },
        Action::AddTag { tag, .. } | Action::RemoveTag { tag, .. } => html! {
            <label class="field"><span class="field-label">{ i18n.t(Key::JrnTag) }</span>
                <input class="input" data-testid="jd-tag" value={tag.clone()} placeholder={i18n.t(Key::JrnTagPlaceholder)}
                       oninput={on_action(editor, id, text, |a, v| {
                           if let Action::AddTag { tag, .. } | Action::RemoveTag { tag, .. } = a { *tag = v.to_owned(); }
                       })} /></label>
        },
        Action::AdjustScore { points, .. } => html! {
            <label class="field"><span class="field-label">{ i18n.t(Key::JrnPoints) }</span>
                <input class="input" type="number" min="-1000" max="1000" data-testid="jd-points" value={points.to_string()}
                       oninput={on_action(editor, id, text, |a, v| {
                           if let (Action::AdjustScore { points, .. }, Ok(n)) = (a, v.trim().parse()) { *points = n; }
                       })} />
                <span class="field-hint">{ i18n.t(Key::JrnPointsHint) }</span></label>
        },
        Action::NotifyOwner { message, .. } => html! {
            <label class="field"><span class="field-label">{ i18n.t(Key::JrnMessage) }</span>
                <textarea class="input" rows="3" data-testid="jd-message" value={message.clone()}
                          oninput={on_action(editor, id, text, |a, v| {
                              if let Action::NotifyOwner { message, .. } = a { *message = v.to_owned(); }
                          })} /></label>
        },
        Action::HandToRouting => html! { <p class="field-hint">{ i18n.t(Key::JrnRouteHint) }</p> },
        Action::Exit => html! { <p class="field-hint">{ i18n.t(Key::JrnExitHint) }</p> },
    }
}
