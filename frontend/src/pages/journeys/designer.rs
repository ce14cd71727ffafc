//! The journey designer: toolbar (name, status, version, save, activate, pause,
//! resume, dry run), palette, canvas and side panel.
//!
//! The draft is validated by the shared `validate()` on every edit and its problems
//! are painted on the nodes; what the server says when activating is painted the same
//! way. While the journey has been activated, the live counts per node refresh every
//! few seconds. The dry run walks a sample of real leads through the draft in the
//! browser with the shared `step()` on a simulated clock.

use std::collections::BTreeMap;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Interval;
use leadflow_shared::UserErrorCode;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::canvas::{world_of, Canvas, ProblemMap};
use super::dry_run::{self, DryRun};
use super::editor::{Drag, Editor, Msg, PaletteItem};
use super::graph::{NodeKind, TriggerKind};
use super::panel::Panel;
use super::status_badge;
use crate::api::journeys::{self, EmailTemplate, Journey, JourneyStatus, NodeCount, StatusChange};
use crate::api::leads::{self, LeadFilter, LeadSort};
use crate::api::types::UserError;
use crate::api::{use_client, ApiError};
use crate::components::error_notice::{ErrorNotice, SuccessNotice};
use crate::components::icon::{Icon, IconName};
use crate::i18n::{use_i18n, user_error_key, Key};
use crate::routes::Route;

/// How often the live counts refresh.
const COUNTS_EVERY_MS: u32 = 3_000;
/// Pages of the lead list the dry run samples (50 leads a page).
const DRY_RUN_PAGES: usize = 4;

#[derive(Properties, PartialEq)]
pub struct DesignerPageProps {
    pub id: String,
}

/// Loads the journey and the templates, then hands them to the [`Designer`].
#[component]
pub fn JourneyDesignerPage(props: &DesignerPageProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let loaded = use_state(|| None::<Result<(Option<Journey>, Vec<EmailTemplate>), ApiError>>);
    let reload = use_state(|| 0u32);
    {
        let (client, loaded, id) = (client.clone(), loaded.clone(), props.id.clone());
        use_effect_with((id, *reload), move |(id, _)| {
            let id = id.clone();
            loaded.set(None);
            spawn_local(async move {
                let journey = journeys::get(&client, &id).await;
                let templates = journeys::templates(&client).await;
                loaded.set(Some(journey.and_then(|j| templates.map(|t| (j, t)))));
            });
        });
    }
    let retry = {
        let reload = reload.clone();
        Callback::from(move |()| reload.set(*reload + 1))
    };
    let body = match &*loaded {
        None => html! {
            <div class="jd-loading card card-pad" aria-busy="true" data-testid="loading">{ i18n.t(Key::Loading) }</div>
        },
        Some(Err(err)) => html! { <ErrorNotice error={err.clone()} on_retry={retry} /> },
        Some(Ok((None, _))) => html! {
            <div class="notice notice-error" data-testid="journey-missing">{ i18n.t(Key::JrnMissing) }</div>
        },
        Some(Ok((Some(journey), templates))) => html! {
            <Designer key={journey.id.clone()} journey={journey.clone()} templates={Rc::new(templates.clone())} />
        },
    };
    html! { <section class="page page-wide jd-page" data-testid="page-journey-designer">{ body }</section> }
}

#[derive(Properties, PartialEq)]
struct DesignerProps {
    journey: Journey,
    templates: Rc<Vec<EmailTemplate>>,
}

/// Problems from the server (activation) by node, from `definition.nodes.<id>` fields.
fn server_problems(errors: &[UserError]) -> ProblemMap {
    let mut map = ProblemMap::new();
    for e in errors {
        let node = e
            .field
            .as_deref()
            .and_then(|f| f.strip_prefix("definition.nodes."))
            .map(str::to_owned);
        map.entry(node).or_default().push(e.message.clone());
    }
    map
}

#[component]
fn Designer(props: &DesignerProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let initial = props.journey.definition();
    let unreadable = initial.is_none();
    let editor = {
        let (def, name) = (
            initial.unwrap_or_else(super::graph::blank),
            props.journey.name.clone(),
        );
        use_reducer(move || Editor::new(def, name))
    };
    let journey = use_state(|| props.journey.clone());
    let counts = use_state(|| Rc::new(counts_map(&props.journey.node_counts)));
    let server = use_state(|| (0u32, ProblemMap::new()));
    let busy = use_state(|| false);
    let failure = use_state(|| None::<ApiError>);
    let notice = use_state(|| None::<String>);
    let general_errors = use_state(Vec::<String>::new);
    let dry = use_state(|| None::<Rc<DryRun>>);
    let dry_days = use_state(|| 30u32);
    let dry_open = use_state(|| 30u32);
    let dry_busy = use_state(|| false);
    let canvas_ref = use_node_ref();

    let template_ids: Vec<String> = props.templates.iter().map(|t| t.id.clone()).collect();
    let first_template = props.templates.first().map(|t| t.id.clone());
    let live_problems = use_memo((editor.def.clone(), template_ids.clone()), |(def, ids)| {
        def.validate(ids)
    });
    let problems: Rc<ProblemMap> = {
        let mut map = ProblemMap::new();
        for p in live_problems.iter() {
            map.entry(p.node.clone())
                .or_default()
                .push(p.message.clone());
        }
        // What the server said, until the next edit.
        if server.0 == editor.revision {
            for (node, msgs) in server.1.iter() {
                let list = map.entry(node.clone()).or_default();
                for m in msgs {
                    if !list.contains(m) {
                        list.push(m.clone());
                    }
                }
            }
        }
        Rc::new(map)
    };

    // Live counts while the journey runs (or ran).
    let live = journey.active_version.is_some();
    {
        let (client, counts, id) = (client.clone(), counts.clone(), journey.id.clone());
        use_effect_with(live, move |live| {
            let interval = live.then(|| {
                Interval::new(COUNTS_EVERY_MS, move || {
                    let (client, counts, id) = (client.clone(), counts.clone(), id.clone());
                    spawn_local(async move {
                        if let Ok(Some(list)) = journeys::counts(&client, &id).await {
                            let map = counts_map(&list);
                            if **counts != map {
                                counts.set(Rc::new(map));
                            }
                        }
                    });
                })
            });
            move || drop(interval)
        });
    }

    // Wheel zoom needs a non-passive listener to keep the page from scrolling.
    {
        let (editor, canvas_ref) = (editor.clone(), canvas_ref.clone());
        use_effect_with((), move |_| {
            let listener = canvas_ref.cast::<HtmlElement>().map(|el| {
                let target = el.clone();
                EventListener::new_with_options(
                    &el,
                    "wheel",
                    EventListenerOptions::enable_prevent_default(),
                    move |ev| {
                        let Some(ev) = ev.dyn_ref::<web_sys::WheelEvent>() else {
                            return;
                        };
                        ev.prevent_default();
                        let rect = target.get_bounding_client_rect();
                        let factor = if ev.delta_y() < 0.0 { 1.1 } else { 1.0 / 1.1 };
                        editor.dispatch(Msg::Zoom {
                            factor,
                            sx: f64::from(ev.client_x()) - rect.left(),
                            sy: f64::from(ev.client_y()) - rect.top(),
                        });
                    },
                )
            });
            move || drop(listener)
        });
    }

    let on_move = {
        let (editor, canvas_ref) = (editor.clone(), canvas_ref.clone());
        Callback::from(move |ev: PointerEvent| {
            // Only while a button is held. The reducer decides whether a drag is on:
            // this render's `editor` may not show a drag that began a moment ago yet.
            if ev.buttons() & 1 == 0 {
                return;
            }
            let (cx, cy) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
            let (world, over_canvas) = world_of(&canvas_ref, &editor, cx, cy);
            editor.dispatch(Msg::PointerMove {
                client: (cx, cy),
                world,
                over_canvas,
            });
        })
    };
    let on_up = {
        let (editor, canvas_ref, first_template) =
            (editor.clone(), canvas_ref.clone(), first_template.clone());
        Callback::from(move |ev: PointerEvent| {
            // Always to the reducer, which ignores a release without a drag: a quick
            // drag can end before this render shows that it began.
            let (world, over_canvas) = world_of(
                &canvas_ref,
                &editor,
                f64::from(ev.client_x()),
                f64::from(ev.client_y()),
            );
            editor.dispatch(Msg::PointerUp {
                world,
                over_canvas,
                first_template: first_template.clone(),
            });
        })
    };
    // `pointerleave` of the designer itself (Yew also hands it its children's leaves).
    let designer_ref = use_node_ref();
    let on_leave = {
        let (editor, designer_ref) = (editor.clone(), designer_ref.clone());
        Callback::from(move |ev: PointerEvent| {
            let own = designer_ref.get();
            let target: Option<web_sys::Node> = ev.target().and_then(|t| t.dyn_into().ok());
            if own.is_some() && own == target {
                editor.dispatch(Msg::CancelDrag);
            }
        })
    };

    // Saving, then (optionally) a status change, with the answers painted on the canvas.
    let run = {
        let (client, editor, journey, server, busy, failure, notice, general_errors, counts) = (
            client.clone(),
            editor.clone(),
            journey.clone(),
            server.clone(),
            busy.clone(),
            failure.clone(),
            notice.clone(),
            general_errors.clone(),
            counts.clone(),
        );
        let i18n = i18n.clone();
        Callback::from(move |change: Option<StatusChange>| {
            let (client, editor, journey, server, busy, failure, notice, general_errors, counts) = (
                client.clone(),
                editor.clone(),
                journey.clone(),
                server.clone(),
                busy.clone(),
                failure.clone(),
                notice.clone(),
                general_errors.clone(),
                counts.clone(),
            );
            let i18n = i18n.clone();
            busy.set(true);
            failure.set(None);
            notice.set(None);
            general_errors.set(Vec::new());
            spawn_local(async move {
                let id = journey.id.clone();
                let revision = editor.revision;
                // Save first when there is something to save (activation freezes the draft).
                if editor.dirty || change.is_none() {
                    match journeys::save_draft(&client, &id, editor.name.trim(), &editor.def).await
                    {
                        Ok(payload) => match payload.journey {
                            Some(saved) if payload.user_errors.is_empty() => {
                                editor.dispatch(Msg::Saved);
                                journey.set(saved);
                            }
                            _ => {
                                busy.set(false);
                                report(
                                    &i18n,
                                    &payload.user_errors,
                                    revision,
                                    &server,
                                    &general_errors,
                                );
                                return;
                            }
                        },
                        Err(err) => {
                            busy.set(false);
                            failure.set(Some(err));
                            return;
                        }
                    }
                }
                let Some(change) = change else {
                    busy.set(false);
                    notice.set(Some(i18n.t(Key::JrnSavedDraft).to_owned()));
                    return;
                };
                let result = journeys::change_status(&client, &id, change).await;
                busy.set(false);
                match result {
                    Ok(payload) => match payload.journey {
                        Some(changed) if payload.user_errors.is_empty() => {
                            counts.set(Rc::new(counts_map(&changed.node_counts)));
                            let message = match change {
                                StatusChange::Activate => i18n.tf(
                                    Key::JrnActivated,
                                    &[("v", &changed.active_version.unwrap_or(1).to_string())],
                                ),
                                StatusChange::Pause => i18n.t(Key::JrnPausedNotice).to_owned(),
                                StatusChange::Resume => i18n.t(Key::JrnResumedNotice).to_owned(),
                            };
                            notice.set(Some(message));
                            journey.set(changed);
                        }
                        _ => report(
                            &i18n,
                            &payload.user_errors,
                            revision,
                            &server,
                            &general_errors,
                        ),
                    },
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };

    let run_dry = {
        let (client, editor, dry, dry_busy, failure) = (
            client.clone(),
            editor.clone(),
            dry.clone(),
            dry_busy.clone(),
            failure.clone(),
        );
        let (days, open) = (*dry_days, *dry_open);
        Callback::from(move |_: MouseEvent| {
            let (client, def, dry, dry_busy, failure) = (
                client.clone(),
                editor.def.clone(),
                dry.clone(),
                dry_busy.clone(),
                failure.clone(),
            );
            dry_busy.set(true);
            spawn_local(async move {
                match sample_leads(&client).await {
                    Ok(leads) => {
                        let now =
                            chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64)
                                .unwrap_or_default();
                        dry.set(Some(Rc::new(dry_run::simulate(
                            &def, &leads, now, days, open,
                        ))));
                    }
                    Err(err) => failure.set(Some(err)),
                }
                dry_busy.set(false);
            });
        })
    };

    let status = journey.status;
    let save = {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| run.emit(None))
    };
    let status_button = |change: StatusChange| {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| run.emit(Some(change)))
    };
    let zoom = |factor: f64| {
        let (editor, canvas_ref) = (editor.clone(), canvas_ref.clone());
        Callback::from(move |_: MouseEvent| {
            let (w, h) = canvas_ref
                .cast::<HtmlElement>()
                .map(|el| (f64::from(el.client_width()), f64::from(el.client_height())))
                .unwrap_or((800.0, 600.0));
            editor.dispatch(Msg::Zoom {
                factor,
                sx: w / 2.0,
                sy: h / 2.0,
            });
        })
    };
    let reset_view = {
        let editor = editor.clone();
        Callback::from(move |_: MouseEvent| editor.dispatch(Msg::ResetView))
    };
    let rename = {
        let editor = editor.clone();
        Callback::from(move |ev: InputEvent| {
            editor.dispatch(Msg::Rename(crate::components::form::input_value(&ev)))
        })
    };

    let palette_item = |item: PaletteItem,
                        label: &'static str,
                        glyph: &'static str,
                        slug: String,
                        testid: &'static str| {
        let grab = {
            let editor = editor.clone();
            Callback::from(move |ev: PointerEvent| {
                if ev.button() != 0 {
                    return;
                }
                ev.prevent_default();
                editor.dispatch(Msg::GrabPalette(
                    item,
                    f64::from(ev.client_x()),
                    f64::from(ev.client_y()),
                ));
            })
        };
        let key = {
            let (editor, first) = (editor.clone(), first_template.clone());
            Callback::from(move |ev: KeyboardEvent| {
                if matches!(ev.key().as_str(), "Enter" | " ") {
                    ev.prevent_default();
                    editor.dispatch(Msg::AddFromPalette(item, first.clone()));
                }
            })
        };
        html! {
            <div class={classes!("jd-palette-item", format!("jd-kind-{slug}"))} role="button" tabindex="0"
                 data-testid={testid} data-kind={slug.clone()} onpointerdown={grab} onkeydown={key}>
                <span class="jd-node-icon">{ glyph }</span>
                <span>{ label }</span>
            </div>
        }
    };

    let ghost = match &editor.drag {
        Some(Drag::Palette { item, client, .. }) => {
            let (label, glyph) = match item {
                PaletteItem::Node(k) => (i18n.t(k.key()), k.glyph()),
                PaletteItem::Trigger(k) => (i18n.t(k.key()), "⚡"),
            };
            html! {
                <div class="jd-ghost" style={format!("left:{}px;top:{}px", client.0, client.1)}>
                    <span class="jd-node-icon">{ glyph }</span>{ label }
                </div>
            }
        }
        _ => html! {},
    };

    let problem_count = live_problems.len();
    let version_text = match journey.active_version {
        None => i18n.t(Key::JrnNeverActivated).to_owned(),
        Some(v) => i18n.tf(Key::JrnVersionActive, &[("v", &v.to_string())]),
    };
    let can_activate = !*busy && problem_count == 0;
    let dirty = editor.dirty;

    let dry_summary = (*dry).as_ref().map(|d| {
        html! {
            <span class="jd-dry-summary" data-testid="jd-dry-summary">
                { i18n.tf(Key::JrnDrySummary, &[("n", &d.enrolled.to_string()), ("of", &d.sampled.to_string()),
                    ("days", &d.days.to_string()), ("done", &d.finished.to_string())]) }
            </span>
        }
    });
    let on_days = {
        let dry_days = dry_days.clone();
        Callback::from(move |ev: Event| {
            if let Ok(d) = crate::components::form::select_value(&ev).parse() {
                dry_days.set(d);
            }
        })
    };
    let on_open = {
        let dry_open = dry_open.clone();
        Callback::from(move |ev: Event| {
            if let Ok(d) = crate::components::form::select_value(&ev).parse() {
                dry_open.set(d);
            }
        })
    };
    let dismiss_notice = {
        let notice = notice.clone();
        Callback::from(move |()| notice.set(None))
    };
    let clear_dry = {
        let dry = dry.clone();
        Callback::from(move |_: MouseEvent| dry.set(None))
    };

    html! {
        <div ref={designer_ref} class={classes!("jd-designer", editor.drag.is_some().then_some("is-dragging"))}
             onpointermove={on_move} onpointerup={on_up} onpointerleave={on_leave}>
            <header class="jd-toolbar">
                <Link<Route> to={Route::Journeys} classes="btn btn-ghost btn-sm">
                    <Icon name={IconName::ArrowLeft} /><span>{ i18n.t(Key::NavJourneys) }</span>
                </Link<Route>>
                <input class="input jd-name" data-testid="jd-name" value={editor.name.clone()} oninput={rename}
                       aria-label={i18n.t(Key::JrnName)} />
                { status_badge(&i18n, status) }
                <span class="jd-version muted" data-testid="jd-version">{ version_text }</span>
                if dirty {
                    <span class="jd-dirty" data-testid="jd-dirty">{ i18n.t(Key::JrnUnsaved) }</span>
                }
                <span class="jd-spacer" />
                if problem_count > 0 {
                    <span class="jd-problem-count" data-testid="jd-problem-count">
                        <Icon name={IconName::Alert} />{ i18n.tf(Key::JrnProblemCount, &[("n", &problem_count.to_string())]) }
                    </span>
                } else {
                    <span class="jd-ready" data-testid="jd-ready"><Icon name={IconName::Check} />{ i18n.t(Key::JrnReady) }</span>
                }
                <button type="button" class="btn btn-secondary btn-sm" data-testid="jd-save" disabled={*busy || !dirty} onclick={save}>
                    { i18n.t(Key::JrnSaveDraft) }
                </button>
                if status == JourneyStatus::Active {
                    <button type="button" class="btn btn-secondary btn-sm" data-testid="jd-pause" disabled={*busy}
                            onclick={status_button(StatusChange::Pause)}>{ i18n.t(Key::JrnPause) }</button>
                }
                if status == JourneyStatus::Paused {
                    <button type="button" class="btn btn-secondary btn-sm" data-testid="jd-resume" disabled={*busy}
                            onclick={status_button(StatusChange::Resume)}>{ i18n.t(Key::JrnResume) }</button>
                }
                <button type="button" class="btn btn-primary btn-sm" data-testid="jd-activate" disabled={!can_activate}
                        title={(problem_count > 0).then(|| i18n.t(Key::JrnFixFirst))}
                        onclick={status_button(StatusChange::Activate)}>
                    { if journey.active_version.is_some() { i18n.t(Key::JrnActivateNew) } else { i18n.t(Key::JrnActivate) } }
                </button>
            </header>
            if unreadable {
                <div class="notice notice-error">{ i18n.t(Key::JrnUnreadable) }</div>
            }
            if let Some(err) = &*failure {
                <ErrorNotice error={err.clone()} />
            }
            if let Some(message) = &*notice {
                <SuccessNotice message={message.clone()} on_dismiss={dismiss_notice} />
            }
            if !general_errors.is_empty() {
                <div class="notice notice-error" role="alert" data-testid="jd-errors">
                    <Icon name={IconName::Alert} />
                    <div class="notice-body">{ for general_errors.iter().map(|m| html! { <span>{ m.clone() }</span> }) }</div>
                </div>
            }
            <div class="jd-body">
                <nav class="jd-palette" aria-label={i18n.t(Key::JrnPalette)} data-testid="jd-palette">
                    <h3>{ i18n.t(Key::JrnPaletteTriggers) }</h3>
                    { for TriggerKind::ALL.iter().map(|k| palette_item(PaletteItem::Trigger(*k), i18n.t(k.key()), "⚡", format!("trigger-{}", k.slug()), "jd-palette-trigger")) }
                    <h3>{ i18n.t(Key::JrnPaletteSteps) }</h3>
                    { for NodeKind::ALL.iter().map(|k| palette_item(PaletteItem::Node(*k), i18n.t(k.key()), k.glyph(), k.slug().to_owned(), "jd-palette-node")) }
                </nav>
                <div class="jd-stage">
                    <Canvas editor={editor.clone()} canvas_ref={canvas_ref.clone()} templates={props.templates.clone()}
                            problems={problems.clone()} counts={(*counts).clone()} {live} dry_run={(*dry).clone()} />
                    <div class="jd-zoom" role="group" aria-label={i18n.t(Key::JrnZoom)}>
                        <button type="button" class="btn btn-secondary btn-sm" data-testid="jd-zoom-out" onclick={zoom(1.0 / 1.2)} title={i18n.t(Key::JrnZoomOut)}>{ "−" }</button>
                        <span class="jd-zoom-level" data-testid="jd-zoom-level">{ format!("{:.0}%", editor.view.zoom * 100.0) }</span>
                        <button type="button" class="btn btn-secondary btn-sm" data-testid="jd-zoom-in" onclick={zoom(1.2)} title={i18n.t(Key::JrnZoomIn)}>{ "+" }</button>
                        <button type="button" class="btn btn-ghost btn-sm" onclick={reset_view}>{ i18n.t(Key::JrnZoomReset) }</button>
                    </div>
                    <div class="jd-dry" data-testid="jd-dry">
                        <strong>{ i18n.t(Key::JrnDryRun) }</strong>
                        <label>{ i18n.t(Key::JrnDryDays) }
                            <select class="input input-sm" data-testid="jd-dry-days" onchange={on_days}>
                                { for [1u32, 3, 7, 14, 30, 90].iter().map(|d| html! {
                                    <option value={d.to_string()} selected={*d == *dry_days}>{ if *d == 1 { i18n.t(Key::JrnOneDay).to_owned() } else { i18n.tf(Key::JrnDays, &[("n", &d.to_string())]) } }</option>
                                }) }
                            </select>
                        </label>
                        <label>{ i18n.t(Key::JrnDryOpenRate) }
                            <select class="input input-sm" onchange={on_open}>
                                { for [0u32, 10, 30, 50, 100].iter().map(|d| html! {
                                    <option value={d.to_string()} selected={*d == *dry_open}>{ format!("{d}%") }</option>
                                }) }
                            </select>
                        </label>
                        <button type="button" class="btn btn-secondary btn-sm" data-testid="jd-dry-run" disabled={*dry_busy} onclick={run_dry}>
                            { if *dry_busy { i18n.t(Key::JrnDryRunning) } else { i18n.t(Key::JrnDryRunButton) } }
                        </button>
                        { for dry_summary }
                        if dry.is_some() {
                            <button type="button" class="btn btn-ghost btn-sm" onclick={clear_dry}>{ i18n.t(Key::JrnDryClear) }</button>
                        }
                    </div>
                </div>
                <Panel editor={editor.clone()} templates={props.templates.clone()} problems={problems.clone()} />
            </div>
            { ghost }
        </div>
    }
}

fn counts_map(list: &[NodeCount]) -> BTreeMap<String, NodeCount> {
    list.iter().map(|c| (c.node.clone(), c.clone())).collect()
}

/// Paints `userErrors` on the nodes they name; the rest go to the banner.
fn report(
    i18n: &crate::i18n::I18n,
    errors: &[UserError],
    revision: u32,
    server: &UseStateHandle<(u32, ProblemMap)>,
    general: &UseStateHandle<Vec<String>>,
) {
    let (on_graph, other): (Vec<UserError>, Vec<UserError>) =
        errors.iter().cloned().partition(|e| {
            e.field
                .as_deref()
                .is_some_and(|f| f.starts_with("definition"))
        });
    server.set((revision, server_problems(&on_graph)));
    let mut lines: Vec<String> = other
        .iter()
        .map(|e| match e.code {
            UserErrorCode::Conflict => i18n.t(Key::JrnConflict).to_owned(),
            code => format!("{} {}", i18n.t(user_error_key(code)), e.message),
        })
        .collect();
    if !on_graph.is_empty() {
        lines.push(i18n.tf(Key::JrnServerRefused, &[("n", &on_graph.len().to_string())]));
    }
    general.set(lines);
}

/// A few pages of the lead list, newest first: the dry run's sample.
async fn sample_leads(client: &crate::api::Client) -> Result<Vec<leads::LeadRow>, ApiError> {
    let mut out = Vec::new();
    let mut after = None;
    for _ in 0..DRY_RUN_PAGES {
        let page =
            leads::list(client, &LeadFilter::default(), LeadSort::CreatedDesc, after).await?;
        out.extend(page.edges.into_iter().map(|e| e.node));
        if !page.page_info.has_next_page {
            break;
        }
        after = page.page_info.end_cursor;
    }
    Ok(out)
}
