//! The canvas: the trigger box and the nodes as absolutely positioned cards inside one
//! transformed layer (pan and zoom), the edges as SVG curves beneath them, ports to draw
//! edges from, and on every card what the marketer needs at a glance: its problems in
//! red, its live counts (entered / waiting / left) and the dry run's badge.
//!
//! Only `pointerdown`s are handled here; moves and the release are the designer's, so a
//! drag that leaves a card (or starts in the palette) keeps working.

use std::collections::BTreeMap;
use std::rc::Rc;

use leadflow_shared::journey::{Action, Condition, Node, Trigger, Wait};
use web_sys::HtmlElement;
use yew::prelude::*;

use super::dry_run::DryRun;
use super::editor::{Drag, Editor, Msg, Selection};
use super::graph::{self, NodeKind, Source, TriggerKind, NODE_H, NODE_W};
use crate::api::journeys::{EmailTemplate, NodeCount};
use crate::i18n::{channel_key, stage_key, use_i18n, I18n, Key};

/// Problems by node (`None`: the trigger, the goal or the whole graph).
pub type ProblemMap = BTreeMap<Option<String>, Vec<String>>;

#[derive(Properties, PartialEq)]
pub struct CanvasProps {
    pub editor: UseReducerHandle<Editor>,
    pub canvas_ref: NodeRef,
    pub templates: Rc<Vec<EmailTemplate>>,
    pub problems: Rc<ProblemMap>,
    pub counts: Rc<BTreeMap<String, NodeCount>>,
    /// Show the live counts strip (the journey was activated at least once).
    pub live: bool,
    pub dry_run: Option<Rc<DryRun>>,
}

/// Client coordinates to canvas units, through the canvas element's box and the view.
pub fn world_of(
    canvas: &NodeRef,
    editor: &Editor,
    cx: f64,
    cy: f64,
) -> (leadflow_shared::journey::Position, bool) {
    match canvas.cast::<HtmlElement>() {
        Some(el) => {
            let rect = el.get_bounding_client_rect();
            let over =
                cx >= rect.left() && cx <= rect.right() && cy >= rect.top() && cy <= rect.bottom();
            (
                editor.view.to_world(cx - rect.left(), cy - rect.top()),
                over,
            )
        }
        None => (editor.view.to_world(cx, cy), false),
    }
}

#[component]
pub fn Canvas(props: &CanvasProps) -> Html {
    let i18n = use_i18n();
    let editor = props.editor.clone();
    let e: &Editor = &editor;
    let view = e.view;

    let on_background = {
        let editor = editor.clone();
        Callback::from(move |ev: PointerEvent| {
            if ev.button() != 0 {
                return;
            }
            ev.prevent_default();
            if let Some(el) = ev
                .current_target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<HtmlElement>(t).ok())
            {
                let _ = el.focus();
            }
            editor.dispatch(Msg::GrabCanvas(
                f64::from(ev.client_x()),
                f64::from(ev.client_y()),
            ));
        })
    };
    let on_key = {
        let editor = editor.clone();
        Callback::from(move |ev: KeyboardEvent| {
            if matches!(ev.key().as_str(), "Delete" | "Backspace") {
                ev.prevent_default();
                editor.dispatch(Msg::DeleteSelected);
            }
        })
    };
    let grab_node = |node: Option<String>| {
        let (editor, canvas) = (editor.clone(), props.canvas_ref.clone());
        Callback::from(move |ev: PointerEvent| {
            if ev.button() != 0 {
                return;
            }
            ev.prevent_default();
            ev.stop_propagation();
            let (world, _) = world_of(
                &canvas,
                &editor,
                f64::from(ev.client_x()),
                f64::from(ev.client_y()),
            );
            editor.dispatch(Msg::GrabNode(node.clone(), world));
        })
    };
    let grab_port = |from: Source| {
        let (editor, canvas) = (editor.clone(), props.canvas_ref.clone());
        Callback::from(move |ev: PointerEvent| {
            if ev.button() != 0 {
                return;
            }
            ev.prevent_default();
            ev.stop_propagation();
            let (world, _) = world_of(
                &canvas,
                &editor,
                f64::from(ev.client_x()),
                f64::from(ev.client_y()),
            );
            editor.dispatch(Msg::GrabPort(from.clone(), world));
        })
    };
    let select_edge = |from: Source| {
        let editor = editor.clone();
        Callback::from(move |ev: PointerEvent| {
            ev.stop_propagation();
            editor.dispatch(Msg::Select(Selection::Edge(from.clone())));
        })
    };

    // Edges, with the one being drawn.
    let edges = graph::edges(&e.def);
    let edge_views = edges.iter().filter_map(|edge| {
        let from = graph::source_point(&e.def, &edge.from)?;
        let to = graph::in_port(e.def.node(&edge.to)?.position);
        let d = graph::curve(from, to);
        let selected = e.selected == Selection::Edge(edge.from.clone());
        let port = match &edge.from {
            Source::Port { port, .. } => *port,
            Source::Trigger => "start",
        };
        let label = match port {
            "yes" => Some(i18n.t(Key::JrnYes)),
            "no" => Some(i18n.t(Key::JrnNo)),
            _ => None,
        };
        let remove = {
            let editor = editor.clone();
            let from = edge.from.clone();
            Callback::from(move |ev: PointerEvent| {
                ev.stop_propagation();
                editor.dispatch(Msg::Select(Selection::Edge(from.clone())));
                editor.dispatch(Msg::DeleteSelected);
            })
        };
        let mid = ((from.x + to.x) / 2.0, (from.y + to.y) / 2.0);
        Some(html! {
            <g class={classes!("jd-edge", format!("is-{port}"), selected.then_some("is-selected"))}
               data-testid="jd-edge" data-edge={edge.id()}>
                <path class="jd-edge-hit" d={d.clone()} onpointerdown={select_edge(edge.from.clone())} />
                <path class="jd-edge-line" d={d} marker-end="url(#jd-arrow)" />
                if let Some(label) = label {
                    <text class="jd-edge-label" x={format!("{:.1}", from.x + if port == "yes" { -10.0 } else { 10.0 })}
                          y={format!("{:.1}", from.y + 18.0)} text-anchor={if port == "yes" { "end" } else { "start" }}>{ label }</text>
                }
                if selected {
                    <g class="jd-edge-remove" transform={format!("translate({:.1} {:.1})", mid.0, mid.1)}
                       onpointerdown={remove} data-testid="jd-edge-remove">
                        <circle r="10" />
                        <path d="M -3.5 -3.5 L 3.5 3.5 M 3.5 -3.5 L -3.5 3.5" />
                    </g>
                }
            </g>
        })
    });
    let drawing = match &e.drag {
        Some(Drag::Connect { from, at }) => graph::source_point(&e.def, from).map(|p| {
            html! { <path class="jd-edge-draft" d={graph::curve(p, *at)} /> }
        }),
        _ => None,
    };

    // The trigger box.
    let trigger_problems = props.problems.get(&None).cloned().unwrap_or_default();
    let trigger_kind = TriggerKind::of(&e.def.trigger);
    let placeholder = e.def.nodes.is_empty() && trigger_kind == TriggerKind::Manual;
    let trigger_selected = e.selected == Selection::Trigger;
    let tp = e.def.trigger_position;
    let trigger_view = html! {
        <div class={classes!("jd-node", "jd-trigger", placeholder.then_some("is-placeholder"),
                             trigger_selected.then_some("is-selected"), (!trigger_problems.is_empty()).then_some("has-problem"))}
             style={format!("left:{}px;top:{}px;width:{NODE_W}px;height:{NODE_H}px", tp.x, tp.y)}
             data-testid="jd-trigger" data-kind={trigger_kind.slug()}
             onpointerdown={grab_node(None)}>
            <div class="jd-node-head">
                <span class="jd-node-icon">{ "⚡" }</span>
                <span class="jd-node-kind">{ i18n.t(Key::JrnTrigger) }</span>
            </div>
            <div class="jd-node-summary">{ trigger_summary(&i18n, &e.def.trigger) }</div>
            if placeholder {
                <div class="jd-node-hint">{ i18n.t(Key::JrnTriggerPlaceholder) }</div>
            }
            <span class="jd-port jd-port-out" data-testid="port-out" data-node="trigger" data-port="next"
                  style={format!("left:{}px", NODE_W / 2.0)} onpointerdown={grab_port(Source::Trigger)} />
            if !trigger_problems.is_empty() {
                <div class="jd-node-problems" data-testid="jd-problem" data-node="trigger">
                    { for trigger_problems.iter().map(|m| html! { <div>{ m.clone() }</div> }) }
                </div>
            }
        </div>
    };

    let node_views = e.def.nodes.iter().map(|node| {
        let kind = NodeKind::of(&node.action);
        let problems = props.problems.get(&Some(node.id.clone())).cloned().unwrap_or_default();
        let selected = e.selected == Selection::Node(node.id.clone());
        let counts = props.counts.get(&node.id);
        let dry = props.dry_run.as_ref().map(|d| d.per_node.get(&node.id).copied().unwrap_or_default());
        let p = node.position;
        let ports = node.action.ports();
        html! {
            <div key={node.id.clone()}
                 class={classes!("jd-node", format!("jd-kind-{}", kind.slug()), selected.then_some("is-selected"),
                                 (!problems.is_empty()).then_some("has-problem"))}
                 style={format!("left:{}px;top:{}px;width:{NODE_W}px;height:{NODE_H}px", p.x, p.y)}
                 data-testid="jd-node" data-node={node.id.clone()} data-kind={kind.slug()}
                 onpointerdown={grab_node(Some(node.id.clone()))}>
                <span class="jd-port jd-port-in" data-testid="port-in" data-node={node.id.clone()}
                      style={format!("left:{}px", NODE_W / 2.0)} />
                <div class="jd-node-head">
                    <span class="jd-node-icon">{ kind.glyph() }</span>
                    <span class="jd-node-kind">{ i18n.t(kind.key()) }</span>
                    <span class="jd-node-id">{ node.id.clone() }</span>
                </div>
                <div class="jd-node-summary" title={node_summary(&i18n, node, &props.templates)}>
                    { node_summary(&i18n, node, &props.templates) }
                </div>
                if props.live {
                    <div class="jd-node-counts" data-testid="jd-counts" data-node={node.id.clone()}>
                        <span class="jd-count" title={i18n.t(Key::JrnCountEntered)}>
                            <i class="dot dot-entered" />
                            <b data-testid="count-entered">{ counts.map_or(0, |c| c.entered) }</b>
                            <span class="jd-count-label">{ i18n.t(Key::JrnCountEnteredShort) }</span>
                        </span>
                        <span class="jd-count" title={i18n.t(Key::JrnCountWaiting)}>
                            <i class="dot dot-waiting" />
                            <b data-testid="count-waiting">{ counts.map_or(0, |c| c.waiting) }</b>
                            <span class="jd-count-label">{ i18n.t(Key::JrnCountWaitingShort) }</span>
                        </span>
                        <span class="jd-count" title={i18n.t(Key::JrnCountLeft)}>
                            <i class="dot dot-left" />
                            <b data-testid="count-left">{ counts.map_or(0, |c| c.left) }</b>
                            <span class="jd-count-label">{ i18n.t(Key::JrnCountLeftShort) }</span>
                        </span>
                    </div>
                }
                if let Some(dry) = dry {
                    <div class={classes!("jd-dry-badge", (dry.entered == 0).then_some("is-zero"))}
                         data-testid="jd-dry-badge" data-node={node.id.clone()} data-entered={dry.entered.to_string()}
                         title={i18n.tf(Key::JrnDryBadgeTitle, &[("n", &dry.entered.to_string()), ("w", &dry.waiting.to_string())])}>
                        { format!("▶ {}", dry.entered) }
                        if dry.waiting > 0 {
                            <span class="jd-dry-waiting">{ format!(" · ⏱ {}", dry.waiting) }</span>
                        }
                    </div>
                }
                { for ports.iter().map(|(port, _)| {
                    let from = Source::Port { node: node.id.clone(), port };
                    let x = graph::out_port(leadflow_shared::journey::Position::default(), port).x;
                    html! {
                        <span class={classes!("jd-port", "jd-port-out", format!("is-{port}"))} data-testid="port-out"
                              data-node={node.id.clone()} data-port={*port} style={format!("left:{x}px")}
                              title={match *port { "yes" => i18n.t(Key::JrnYes), "no" => i18n.t(Key::JrnNo), _ => i18n.t(Key::JrnPortNext) }}
                              onpointerdown={grab_port(from)} />
                    }
                }) }
                if !problems.is_empty() {
                    <div class="jd-node-problems" data-testid="jd-problem" data-node={node.id.clone()}>
                        { for problems.iter().map(|m| html! { <div>{ m.clone() }</div> }) }
                    </div>
                }
            </div>
        }
    });

    let grid = 24.0 * view.zoom;
    let classes = classes!(
        "jd-canvas",
        match &e.drag {
            Some(Drag::Pan { .. }) => Some("is-panning"),
            Some(Drag::Connect { .. }) => Some("is-connecting"),
            Some(Drag::Palette {
                over_canvas: true, ..
            }) => Some("is-drop-target"),
            _ => None,
        }
    );
    html! {
        <div ref={props.canvas_ref.clone()} class={classes} tabindex="0" data-testid="jd-canvas"
             data-zoom={format!("{:.2}", view.zoom)}
             style={format!("background-size:{grid}px {grid}px;background-position:{}px {}px", view.x, view.y)}
             onpointerdown={on_background} onkeydown={on_key} aria-label={i18n.t(Key::JrnCanvasLabel)}>
            <div class="jd-world" style={format!("transform:translate({}px,{}px) scale({})", view.x, view.y, view.zoom)}>
                <svg class="jd-edges" width="1" height="1">
                    <defs>
                        <marker id="jd-arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z" />
                        </marker>
                    </defs>
                    { for edge_views }
                    { for drawing }
                </svg>
                { trigger_view }
                { for node_views }
            </div>
        </div>
    }
}

fn minutes_text(i18n: &I18n, minutes: u32) -> String {
    let (n, key) = if minutes.is_multiple_of(24 * 60) {
        (minutes / (24 * 60), Key::JrnDays)
    } else if minutes.is_multiple_of(60) {
        (minutes / 60, Key::JrnHours)
    } else {
        (minutes, Key::JrnMinutes)
    };
    let key = match (n, key) {
        (1, Key::JrnDays) => Key::JrnOneDay,
        (1, Key::JrnHours) => Key::JrnOneHour,
        (1, Key::JrnMinutes) => Key::JrnOneMinute,
        (_, key) => key,
    };
    i18n.tf(key, &[("n", &n.to_string())])
}

pub fn weekday_key(day: u8) -> Key {
    match day {
        0 => Key::JrnMon,
        1 => Key::JrnTue,
        2 => Key::JrnWed,
        3 => Key::JrnThu,
        4 => Key::JrnFri,
        5 => Key::JrnSat,
        _ => Key::JrnSun,
    }
}

/// One line that says what a node does with its settings.
pub fn node_summary(i18n: &I18n, node: &Node, templates: &[EmailTemplate]) -> String {
    match &node.action {
        Action::SendEmail { template_id, .. } => templates
            .iter()
            .find(|t| &t.id == template_id)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| i18n.t(Key::JrnPickTemplate).to_owned()),
        Action::Wait {
            wait: Wait::Duration { minutes },
            ..
        } => i18n.tf(Key::JrnWaitFor, &[("d", &minutes_text(i18n, *minutes))]),
        Action::Wait {
            wait:
                Wait::UntilWeekdayTime {
                    weekdays,
                    hour,
                    minute,
                },
            ..
        } => {
            let days: Vec<&str> = weekdays.iter().map(|d| i18n.t(weekday_key(*d))).collect();
            i18n.tf(
                Key::JrnWaitUntil,
                &[
                    ("days", &days.join(" ")),
                    ("time", &format!("{hour:02}:{minute:02}")),
                ],
            )
        }
        Action::Branch { condition, .. } => match condition {
            Condition::OpenedPreviousEmail => i18n.t(Key::JrnCondOpened).to_owned(),
            Condition::ClickedPreviousEmail => i18n.t(Key::JrnCondClicked).to_owned(),
            Condition::ScoreAbove { points } => {
                i18n.tf(Key::JrnCondScoreAboveN, &[("n", &points.to_string())])
            }
            Condition::FieldEquals { field, value } => format!("{field} = {value}"),
            Condition::StageIs { stage } => {
                format!("{} = {}", i18n.t(Key::JrnStage), i18n.t(stage_key(*stage)))
            }
        },
        Action::SetStage { stage, .. } => format!("→ {}", i18n.t(stage_key(*stage))),
        Action::AddTag { tag, .. } => format!("+ {tag}"),
        Action::RemoveTag { tag, .. } => format!("− {tag}"),
        Action::AdjustScore { points, .. } => format!("{points:+}"),
        Action::NotifyOwner { message, .. } => message.clone(),
        Action::HandToRouting => i18n.t(Key::JrnRouteSummary).to_owned(),
        Action::Exit => i18n.t(Key::JrnExitSummary).to_owned(),
    }
}

pub fn trigger_summary(i18n: &I18n, trigger: &Trigger) -> String {
    match trigger {
        Trigger::EntersStage { stage } => i18n.tf(
            Key::JrnTrigStageSummary,
            &[("stage", i18n.t(stage_key(*stage)))],
        ),
        Trigger::Source { channel, .. } => i18n.tf(
            Key::JrnTrigSourceSummary,
            &[(
                "source",
                channel.map_or(i18n.t(Key::JrnAnySource), |c| i18n.t(channel_key(c))),
            )],
        ),
        Trigger::TagAdded { tag } => i18n.tf(Key::JrnTrigTagSummary, &[("tag", tag)]),
        Trigger::ScoreBand { min, max } => match max {
            Some(max) => format!("{min} – {max}"),
            None => format!("≥ {min}"),
        },
        Trigger::FormSubmitted { .. } => i18n.t(Key::JrnTriggerForm).to_owned(),
        Trigger::Inactive { days } => {
            i18n.tf(Key::JrnTrigInactiveSummary, &[("n", &days.to_string())])
        }
        Trigger::Manual => i18n.t(Key::JrnTriggerManual).to_owned(),
    }
}
