//! Routing: where an admin or a marketer designs who gets each new lead, seconds after
//! it arrives.
//!
//! - [`draft`] holds the rules as typed and turns them into the shared
//!   [`RoutingRules`], naming what cannot be read by its JSON path;
//! - [`rule_card`] edits one rule: conditions (scoring's condition editor), strategy,
//!   working hours; the fallback uses the same strategy editor;
//! - [`simulation`] replays the last days' real leads through the rules being edited,
//!   in the browser, with the engine the server decides with.
//!
//! Every edit is validated against the directory of users and teams on the spot, and the
//! problems sit beside the inputs they name; Save stays off while there are any.
//! Managers see the rules read-only; reps get a plain notice.

mod draft;
mod rule_card;
mod simulation;

use std::rc::Rc;

use leadflow_shared::routing::{Directory, RoutingRules};
use leadflow_shared::scoring::RuleError;
use leadflow_shared::{Role, RoutingTrigger, UserErrorCode};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::routing::{self, RoutingConfig};
use crate::api::{use_client, ApiError};
use crate::components::empty_state::EmptyState;
use crate::components::error_notice::{ErrorNotice, SuccessNotice};
use crate::components::form::select_value;
use crate::components::icon::{Icon, IconName};
use crate::components::page_header::PageHeader;
use crate::i18n::{use_i18n, user_error_key, I18n, Key};
use crate::pages::scoring::draft::Problems;
use crate::session::use_session;
use draft::{Edit, RoutingDraft, Target};
use rule_card::{problem_line, Dir, RuleCard, StrategyEditor};
use simulation::{Data, Outcome, Simulation, Summary};

/// The days of leads the simulation starts with.
const DEFAULT_DAYS: i32 = 7;

#[component]
pub fn RoutingPage() -> Html {
    let i18n = use_i18n();
    let session = use_session();
    let header = html! {
        <PageHeader title={i18n.t(Key::RoutingTitle)} subtitle={AttrValue::from(i18n.t(Key::RoutingSubtitle))} />
    };
    let body = match session.me.as_ref().map(|me| me.role) {
        None => html! {
            <>
                { header }
                <div class="card card-pad muted" aria-busy="true">{ i18n.t(Key::Loading) }</div>
            </>
        },
        Some(Role::Admin | Role::Marketer) => html! { <RoutingWorkspace read_only={false} /> },
        Some(Role::Manager) => html! { <RoutingWorkspace read_only={true} /> },
        Some(_) => html! {
            <>
                { header }
                <div class="card" data-testid="routing-designers-only">
                    <EmptyState icon={IconName::Routing} title={i18n.t(Key::RoutingDesignersOnlyTitle)}
                                hint={i18n.t(Key::RoutingDesignersOnlyHint)} />
                </div>
            </>
        },
    };
    html! {
        <section class="page routing-page" data-testid="page-routing">
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct WorkspaceProps {
    read_only: bool,
}

/// Loads the saved rules and the simulation data.
#[component]
fn RoutingWorkspace(props: &WorkspaceProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let config = use_state(|| None::<Result<RoutingConfig, ApiError>>);
    let data = use_state(|| None::<Result<Data, ApiError>>);
    let reload_config = use_state(|| 0u32);
    let reload_data = use_state(|| 0u32);
    let days = use_state(|| DEFAULT_DAYS);

    {
        let (client, config) = (client.clone(), config.clone());
        use_effect_with(*reload_config, move |_| {
            config.set(None);
            spawn_local(async move { config.set(Some(routing::config(&client).await)) });
        });
    }
    {
        let (client, data) = (client.clone(), data.clone());
        use_effect_with((*days, *reload_data), move |(days, _)| {
            let days = *days;
            data.set(None);
            spawn_local(async move {
                let loaded = routing::simulation_data(&client, days).await;
                data.set(Some(loaded.map(|d| Data(Rc::new(d)))));
            });
        });
    }

    let on_saved = {
        let config = config.clone();
        Callback::from(move |saved: RoutingConfig| config.set(Some(Ok(saved))))
    };
    let on_reload = {
        let reload = reload_config.clone();
        Callback::from(move |()| reload.set(*reload + 1))
    };
    let on_days = {
        let days = days.clone();
        Callback::from(move |d: i32| days.set(d))
    };
    let retry_data = {
        let reload = reload_data.clone();
        Callback::from(move |()| reload.set(*reload + 1))
    };

    match &*config {
        None => html! {
            <>
                <PageHeader title={i18n.t(Key::RoutingTitle)} subtitle={AttrValue::from(i18n.t(Key::RoutingSubtitle))} />
                <div class="card card-pad" aria-busy="true" data-testid="loading">
                    { for (0..6).map(|i| html! {
                        <span class="skeleton-bar skeleton-line" style={format!("width:{}%", 40 + (i * 17) % 50)} />
                    }) }
                </div>
            </>
        },
        Some(Err(err)) => html! {
            <>
                <PageHeader title={i18n.t(Key::RoutingTitle)} subtitle={AttrValue::from(i18n.t(Key::RoutingSubtitle))} />
                <ErrorNotice error={err.clone()} on_retry={on_reload} />
            </>
        },
        Some(Ok(base)) => html! {
            <Designer key={*reload_config} base={base.clone()} data={(*data).clone()} days={*days}
                      read_only={props.read_only} {on_saved} {on_reload} {on_days} on_retry_data={retry_data} />
        },
    }
}

#[derive(Properties, PartialEq)]
struct DesignerProps {
    base: RoutingConfig,
    data: Option<Result<Data, ApiError>>,
    days: i32,
    read_only: bool,
    on_saved: Callback<RoutingConfig>,
    /// Load the saved rules again, dropping the edits (after a conflict).
    on_reload: Callback<()>,
    on_days: Callback<i32>,
    on_retry_data: Callback<()>,
}

/// The rules as checked against the directory, and as simulated.
#[derive(Clone)]
struct Checked {
    problems: Vec<RuleError>,
    outcome: Outcome,
}

fn check(rules: &RoutingRules, data: &Option<Data>) -> Checked {
    let directory = data.as_ref().map(|d| &d.0.directory);
    let compiled = rules.compile();
    let problems = match (directory, &compiled) {
        (Some(directory), _) => rules.validate(directory).err().unwrap_or_default(),
        (None, Err(problems)) => problems.clone(),
        (None, Ok(_)) => Vec::new(),
    };
    let decisions = match (data, compiled) {
        (Some(data), Ok(compiled)) => Some(compiled.simulate(&data.0.arrivals, &data.0.team_state)),
        _ => None,
    };
    Checked {
        problems,
        outcome: Outcome(Rc::new(decisions)),
    }
}

fn trigger_name(trigger: RoutingTrigger) -> &'static str {
    match trigger {
        RoutingTrigger::OnCapture => "ON_CAPTURE",
        RoutingTrigger::OnMql => "ON_MQL",
        RoutingTrigger::Both => "BOTH",
    }
}

fn trigger_key(trigger: RoutingTrigger) -> Key {
    match trigger {
        RoutingTrigger::OnCapture => Key::RoutingTriggerOnCapture,
        RoutingTrigger::OnMql => Key::RoutingTriggerOnMql,
        RoutingTrigger::Both => Key::RoutingTriggerBoth,
    }
}

const TRIGGERS: [RoutingTrigger; 3] = [
    RoutingTrigger::OnCapture,
    RoutingTrigger::OnMql,
    RoutingTrigger::Both,
];

/// Problems that belong to no rule and not to the fallback: the rule set as a whole.
fn general(problems: &[RuleError]) -> Vec<&RuleError> {
    problems
        .iter()
        .filter(|e| !(e.path.starts_with("rules[") && e.path.contains(']')))
        .filter(|e| !e.path.starts_with("fallback"))
        .collect()
}

#[component]
fn Designer(props: &DesignerProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let base_rules = props.base.rules();
    let unreadable_base = base_rules.is_err();
    let base_rules = base_rules.unwrap_or_default();
    let draft = {
        let (rules, trigger) = (base_rules.clone(), props.base.trigger);
        use_reducer(move || RoutingDraft::of(&rules, trigger))
    };
    let server_problems = use_state(Problems::default);
    let busy = use_state(|| false);
    let failure = use_state(|| None::<ApiError>);
    let saved_notice = use_state(|| false);
    let conflict = use_state(|| false);

    let (rules, unreadable) = draft.to_rules();
    let data_ok: Option<Data> = match &props.data {
        Some(Ok(d)) => Some(d.clone()),
        _ => None,
    };
    let checked = use_memo((rules.clone(), data_ok.clone()), |(rules, data)| {
        check(rules, data)
    });
    let live = Problems::new(
        unreadable
            .into_iter()
            .chain(checked.problems.iter().cloned()),
    );
    let problems = live.and(&server_problems);
    let all_problems: Vec<RuleError> = problems.iter().cloned().collect();
    let directory = use_memo(data_ok.clone(), |d| {
        Dir(d.as_ref().map_or_else(
            || Rc::new(Directory::default()),
            |d| Rc::new(d.0.directory.clone()),
        ))
    });
    let summary = checked
        .outcome
        .0
        .as_ref()
        .as_ref()
        .map(|decisions| Summary::of(decisions));

    let dirty = rules != base_rules || draft.trigger != props.base.trigger;
    let valid = live.is_empty();
    let can_save = !props.read_only && !*busy && dirty && valid;

    let on_edit = {
        let (draft, server_problems, saved_notice) = (
            draft.dispatcher(),
            server_problems.clone(),
            saved_notice.clone(),
        );
        Callback::from(move |edit: Edit| {
            server_problems.set(Problems::default());
            saved_notice.set(false);
            draft.dispatch(edit);
        })
    };

    let save = {
        let trigger = draft.trigger;
        let (client, draft, server_problems, busy, failure, saved_notice, conflict) = (
            client.clone(),
            draft.dispatcher(),
            server_problems.clone(),
            busy.clone(),
            failure.clone(),
            saved_notice.clone(),
            conflict.clone(),
        );
        let (rules, version, on_saved) =
            (rules.clone(), props.base.version, props.on_saved.clone());
        Callback::from(move |_: MouseEvent| {
            busy.set(true);
            failure.set(None);
            saved_notice.set(false);
            let (client, draft, server_problems, busy, failure, saved_notice, conflict) = (
                client.clone(),
                draft.clone(),
                server_problems.clone(),
                busy.clone(),
                failure.clone(),
                saved_notice.clone(),
                conflict.clone(),
            );
            let (rules, on_saved) = (rules.clone(), on_saved.clone());
            spawn_local(async move {
                let result = routing::save(&client, &rules, trigger, version).await;
                busy.set(false);
                match result {
                    Ok(payload) => match payload.routing {
                        Some(saved) if payload.user_errors.is_empty() => {
                            if let Ok(saved_rules) = saved.rules() {
                                draft.dispatch(Edit::Replace(Box::new(RoutingDraft::of(
                                    &saved_rules,
                                    saved.trigger,
                                ))));
                            }
                            saved_notice.set(true);
                            on_saved.emit(saved);
                        }
                        _ if payload
                            .user_errors
                            .iter()
                            .any(|e| e.code == UserErrorCode::Conflict) =>
                        {
                            conflict.set(true)
                        }
                        _ => server_problems.set(Problems::from_user_errors(&payload.user_errors)),
                    },
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };

    let discard = {
        let (on_edit, base_rules, trigger) =
            (on_edit.clone(), base_rules.clone(), props.base.trigger);
        Callback::from(move |_: MouseEvent| {
            on_edit.emit(Edit::Replace(Box::new(RoutingDraft::of(
                &base_rules,
                trigger,
            ))))
        })
    };
    let add_rule = {
        let on_edit = on_edit.clone();
        Callback::from(move |_: MouseEvent| on_edit.emit(Edit::AddRule))
    };
    let on_trigger = {
        let on_edit = on_edit.clone();
        Callback::from(move |e: Event| {
            let chosen = select_value(&e);
            if let Some(t) = TRIGGERS.into_iter().find(|t| trigger_name(*t) == chosen) {
                on_edit.emit(Edit::Trigger(t));
            }
        })
    };

    let general = general(&all_problems);
    let count = draft.rules.len();
    let fallback_rest = problems.rest_of("fallback", &[]);

    html! {
        <>
            <PageHeader title={i18n.t(Key::RoutingTitle)} subtitle={AttrValue::from(version_line(&i18n, &props.base))}>
                if dirty && !props.read_only {
                    <span class="unsaved" data-testid="routing-unsaved">{ i18n.t(Key::UnsavedChanges) }</span>
                    <button type="button" class="btn btn-ghost" data-testid="routing-discard"
                            disabled={*busy} onclick={discard}>
                        { i18n.t(Key::DiscardChanges) }
                    </button>
                }
                if !props.read_only {
                    <button type="button" class="btn btn-primary" data-testid="routing-save" disabled={!can_save}
                            title={(!valid).then(|| i18n.t(Key::RoutingFixFirst))} aria-busy={busy.to_string()}
                            onclick={save}>
                        { i18n.t(if *busy { Key::Saving } else { Key::Save }) }
                    </button>
                }
            </PageHeader>
            if props.read_only {
                <div class="notice notice-info" data-testid="routing-read-only">
                    <Icon name={IconName::Info} />
                    <div class="notice-body"><span>{ i18n.t(Key::RoutingReadOnly) }</span></div>
                </div>
            }
            if unreadable_base {
                <div class="notice notice-error" role="alert" data-testid="routing-unreadable">
                    <div class="notice-body"><span>{ i18n.t(Key::RoutingUnreadable) }</span></div>
                </div>
            }
            if *saved_notice {
                <SuccessNotice message={i18n.t(Key::RoutingSaved)} on_dismiss={{
                    let saved_notice = saved_notice.clone();
                    Callback::from(move |()| saved_notice.set(false))
                }} />
            }
            if *conflict {
                <div class="notice notice-error" role="alert" data-testid="routing-conflict">
                    <Icon name={IconName::Alert} />
                    <div class="notice-body">
                        <strong>{ i18n.t(Key::RoutingConflictTitle) }</strong>
                        <span>{ i18n.t(Key::RoutingConflictHint) }</span>
                    </div>
                    <button type="button" class="btn btn-secondary btn-sm" data-testid="routing-reload"
                            onclick={{
                                let on_reload = props.on_reload.clone();
                                Callback::from(move |_: MouseEvent| on_reload.emit(()))
                            }}>
                        { i18n.t(Key::RoutingReload) }
                    </button>
                </div>
            }
            if let Some(err) = &*failure {
                <ErrorNotice error={err.clone()} />
            }
            if !problems.is_empty() {
                <div class="notice notice-error scoring-problems" role="alert" data-testid="routing-problems">
                    <div class="notice-body">
                        <strong data-testid="problem-count">
                            { i18n.tf(Key::RoutingProblems, &[("n", &problems.len().to_string())]) }
                        </strong>
                        { for general.iter().map(|e| html! {
                            <span data-testid="routing-error" data-path={e.path.clone()}>
                                { i18n.t(user_error_key(e.code)) }
                                if !e.message.trim().is_empty() { { " " }<span class="muted">{ e.message.clone() }</span> }
                            </span>
                        }) }
                    </div>
                </div>
            }
            <div class="scoring-grid routing-grid">
                <fieldset class="routing-editor" disabled={props.read_only}>
                    <section class="card card-pad rule-card" aria-labelledby="routing-rules-title">
                        <div class="section-head">
                            <div>
                                <h2 id="routing-rules-title" class="section-title">{ i18n.t(Key::RoutingRules) }</h2>
                                <p class="section-hint">{ i18n.t(Key::RoutingRulesHint) }</p>
                            </div>
                            <span class="count-pill">{ count }</span>
                        </div>
                        if count == 0 {
                            <p class="muted rules-empty" data-testid="routing-rules-empty">{ i18n.t(Key::RoutingRulesEmpty) }</p>
                        } else {
                            <ol class="routing-rules">
                                { for draft.rules.iter().enumerate().map(|(at, rule)| html! {
                                    <RuleCard key={rule_key(&draft.rules, at)} {at} {count} rule={rule.clone()} problems={problems.clone()}
                                              directory={(*directory).clone()}
                                              simulated={summary.as_ref().map(|s| s.count_for(&rule.id))}
                                              on_edit={on_edit.clone()} />
                                }) }
                            </ol>
                        }
                        <button type="button" class="btn btn-secondary btn-sm add-rule" data-testid="routing-rule-add" onclick={add_rule}>
                            <Icon name={IconName::Plus} />{ i18n.t(Key::RoutingAddRule) }
                        </button>
                    </section>
                    <section class={classes!("card", "card-pad", "rule-card", problems.any_in("fallback").then_some("has-problem"))}
                             data-testid="routing-fallback" aria-labelledby="routing-fallback-title">
                        <h2 id="routing-fallback-title" class="section-title">{ i18n.t(Key::RoutingFallback) }</h2>
                        <p class="section-hint">{ i18n.t(Key::RoutingFallbackHint) }</p>
                        <StrategyEditor target={Target::Fallback} strategy={draft.fallback.clone()} problems={problems.clone()}
                                        directory={(*directory).clone()} on_edit={on_edit.clone()} />
                        if !fallback_rest.is_empty() {
                            <ul class="rule-errors" role="alert">
                                { for fallback_rest.into_iter().map(|e| problem_line(&i18n, "fallback", e)) }
                            </ul>
                        }
                    </section>
                    <section class="card card-pad rule-card" aria-labelledby="routing-trigger-title">
                        <h2 id="routing-trigger-title" class="section-title">{ i18n.t(Key::RoutingTrigger) }</h2>
                        <div class="setting-row">
                            <span class="setting-name">{ i18n.t(Key::RoutingTriggerWhen) }</span>
                            <div class="setting-body">
                                <select class="input input-sm routing-trigger" data-testid="routing-trigger" onchange={on_trigger}
                                        aria-label={i18n.t(Key::RoutingTrigger)}>
                                    { for TRIGGERS.into_iter().map(|t| html! {
                                        <option value={trigger_name(t)} selected={t == draft.trigger}>{ i18n.t(trigger_key(t)) }</option>
                                    }) }
                                </select>
                                <p class="field-hint">{ i18n.t(Key::RoutingTriggerHint) }</p>
                            </div>
                        </div>
                    </section>
                </fieldset>
                <aside class="scoring-aside">
                    <Simulation data={props.data.clone()} outcome={checked.outcome.clone()} {rules}
                                days={props.days} on_days={props.on_days.clone()} on_retry={props.on_retry_data.clone()} />
                </aside>
            </div>
        </>
    }
}

/// A rule's key among its siblings: its id, made unique if loaded rules share one (the
/// checks report that; the list must still render).
fn rule_key(rules: &[draft::RuleDraft], at: usize) -> String {
    let id = &rules[at].id;
    if rules[..at].iter().any(|r| &r.id == id) {
        format!("{id}@{at}")
    } else {
        id.clone()
    }
}

/// Under the title: which version is live, since when and by whom.
fn version_line(i18n: &I18n, base: &RoutingConfig) -> String {
    if base.version == 0 {
        return i18n.t(Key::RoutingNeverSaved).to_owned();
    }
    let mut line = i18n.tf(
        Key::RoutingVersion,
        &[("version", &base.version.to_string())],
    );
    if let Some(at) = &base.updated_at {
        line.push_str(" · ");
        line.push_str(&i18n.datetime(at));
    }
    if let Some(by) = &base.updated_by {
        line.push_str(" · ");
        line.push_str(&by.name);
    }
    line
}
