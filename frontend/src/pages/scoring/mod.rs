//! Scoring: where a marketer designs the model that turns who a lead is and what the lead
//! did into the score sales works by.
//!
//! - [`draft`] holds the model as typed and the problems found in it;
//! - [`rules`] edits fit rules, behaviour rules, the decay and the MQL threshold;
//! - [`preview`] scores a sample of real open leads in the browser, with the same shared
//!   engine as the server, on every keystroke;
//! - [`activation`] follows the re-scoring of every open lead after "Activate";
//! - [`predictive`] shows admins the learned win score and lets them retrain it.
//!
//! The page edits the newest draft when there is one newer than the active version, else
//! the active version (saving then starts a new draft), else the starter rules. Only
//! admins and marketers design scoring; others get a plain notice.

mod activation;
pub(crate) mod draft;
mod predictive;
mod preview;
pub(crate) mod rules;

use std::rc::Rc;

use leadflow_shared::{Role, ScoringModel};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::scoring::{self, ModelStatus, ModelVersion, RescoreRun, SAMPLE_SIZE};
use crate::api::{use_client, ApiError};
use crate::components::empty_state::EmptyState;
use crate::components::error_notice::{ErrorNotice, SuccessNotice};
use crate::components::icon::IconName;
use crate::components::page_header::PageHeader;
use crate::i18n::{use_i18n, user_error_key, Key};
use crate::session::use_session;
use activation::RescoreProgress;
use draft::{Draft, Edit, Problems};
use predictive::PredictivePanel;
use preview::{Checked, Sample, ScorePreview};
use rules::{BehaviourRules, FitRules, ThresholdDecay};

/// Problems shown by an input outside the rule lists; the rest of the model's problems
/// (no rules at all, a bad time zone) go above the editor.
const SHOWN_OUTSIDE_RULES: [&str; 2] = ["mqlThreshold", "decay"];

#[component]
pub fn ScoringPage() -> Html {
    let i18n = use_i18n();
    let session = use_session();
    let role = session.me.as_ref().map(|me| me.role);
    let header = html! {
        <PageHeader title={i18n.t(Key::ScoringTitle)} subtitle={AttrValue::from(i18n.t(Key::ScoringSubtitle))} />
    };
    let body = match role {
        None => html! {
            <>
                { header }
                <div class="card card-pad muted" aria-busy="true">{ i18n.t(Key::Loading) }</div>
            </>
        },
        Some(role @ (Role::Admin | Role::Marketer)) => html! {
            <ScoringWorkspace is_admin={role == Role::Admin} />
        },
        Some(_) => html! {
            <>
                { header }
                <div class="card" data-testid="scoring-designers-only">
                    <EmptyState icon={IconName::Scoring} title={i18n.t(Key::ScoringDesignersOnlyTitle)}
                                hint={i18n.t(Key::ScoringDesignersOnlyHint)} />
                </div>
            </>
        },
    };
    html! {
        <section class="page scoring-page" data-testid="page-scoring">
            { body }
        </section>
    }
}

/// The version the designer opens: the newest draft if it is newer than the active
/// version (an older draft was overtaken), else the active version; `None` when there
/// is no model yet.
pub fn pick_base(versions: &[ModelVersion]) -> Option<&ModelVersion> {
    let active = versions.iter().find(|v| v.status == ModelStatus::Active);
    let draft = versions
        .iter()
        .filter(|v| v.status == ModelStatus::Draft)
        .max_by_key(|v| v.version);
    match (draft, active) {
        (Some(d), Some(a)) if d.version > a.version => Some(d),
        (Some(d), None) => Some(d),
        (_, active) => active,
    }
}

#[derive(Properties, PartialEq)]
struct WorkspaceProps {
    is_admin: bool,
}

/// Loads the versions and the preview sample, and keeps the re-scoring run.
#[component]
fn ScoringWorkspace(props: &WorkspaceProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let versions = use_state(|| None::<Result<Vec<ModelVersion>, ApiError>>);
    let sample = use_state(|| None::<Result<Sample, ApiError>>);
    let reload_versions = use_state(|| 0u32);
    let reload_sample = use_state(|| 0u32);
    let run = use_state(|| None::<RescoreRun>);

    {
        let (client, versions) = (client.clone(), versions.clone());
        use_effect_with(*reload_versions, move |_| {
            // A reload after a save or an activation keeps the page on screen meanwhile.
            spawn_local(async move {
                let loaded = scoring::models(&client).await;
                if loaded.is_ok() || versions.as_ref().is_none_or(|v| v.is_err()) {
                    versions.set(Some(loaded));
                }
            });
        });
    }
    {
        let (client, sample) = (client.clone(), sample.clone());
        use_effect_with(*reload_sample, move |_| {
            sample.set(None);
            spawn_local(async move {
                let loaded = scoring::sample(&client, SAMPLE_SIZE).await;
                sample.set(Some(loaded.map(|s| Sample(Rc::new(s)))));
            });
        });
    }

    let on_saved = {
        let versions = versions.clone();
        Callback::from(move |saved: ModelVersion| {
            let mut list = match &*versions {
                Some(Ok(list)) => list.clone(),
                _ => Vec::new(),
            };
            match list.iter_mut().find(|v| v.id == saved.id) {
                Some(existing) => *existing = saved,
                None => list.insert(0, saved),
            }
            versions.set(Some(Ok(list)));
        })
    };
    let on_activated = {
        let (run, reload) = (run.clone(), reload_versions.clone());
        Callback::from(move |started: Option<RescoreRun>| {
            run.set(started);
            reload.set(*reload + 1);
        })
    };
    let on_run_finished = {
        let (reload, sample_reload) = (reload_versions.clone(), reload_sample.clone());
        Callback::from(move |_: RescoreRun| {
            reload.set(*reload + 1);
            // Today's scores changed: "before" in the preview is now the new model.
            sample_reload.set(*sample_reload + 1);
        })
    };
    let on_run_dismiss = {
        let run = run.clone();
        Callback::from(move |()| run.set(None))
    };
    let retry_sample = {
        let reload = reload_sample.clone();
        Callback::from(move |()| reload.set(*reload + 1))
    };

    match &*versions {
        None => html! {
            <>
                <PageHeader title={i18n.t(Key::ScoringTitle)} subtitle={AttrValue::from(i18n.t(Key::ScoringSubtitle))} />
                <div class="card card-pad" aria-busy="true" data-testid="loading">
                    { for (0..6).map(|i| html! {
                        <span class="skeleton-bar skeleton-line" style={format!("width:{}%", 40 + (i * 17) % 50)} />
                    }) }
                </div>
            </>
        },
        Some(Err(err)) => {
            let reload = reload_versions.clone();
            html! {
                <>
                    <PageHeader title={i18n.t(Key::ScoringTitle)} subtitle={AttrValue::from(i18n.t(Key::ScoringSubtitle))} />
                    <ErrorNotice error={err.clone()} on_retry={Callback::from(move |()| reload.set(*reload + 1))} />
                </>
            }
        }
        Some(Ok(list)) => {
            let base = pick_base(list).cloned();
            let active = list
                .iter()
                .find(|v| v.status == ModelStatus::Active)
                .cloned();
            let progress = (*run).clone().map(|r| {
                let key = r.id.clone();
                html! {
                    <RescoreProgress {key} run={r} on_finished={on_run_finished.clone()}
                                     on_dismiss={on_run_dismiss.clone()} />
                }
            });
            html! {
                <Designer {base} {active} sample={(*sample).clone()} is_admin={props.is_admin}
                          running={run.as_ref().is_some_and(|r| !r.is_finished())}
                          {on_saved} {on_activated} on_retry_sample={retry_sample}>
                    { for progress }
                </Designer>
            }
        }
    }
}

#[derive(Properties, PartialEq)]
struct DesignerProps {
    /// The version being edited; `None`: the starter rules, not saved yet.
    base: Option<ModelVersion>,
    active: Option<ModelVersion>,
    sample: Option<Result<Sample, ApiError>>,
    is_admin: bool,
    /// A re-scoring run is still going; activating again waits for it.
    running: bool,
    on_saved: Callback<ModelVersion>,
    on_activated: Callback<Option<RescoreRun>>,
    on_retry_sample: Callback<()>,
    /// The re-scoring progress, shown under the header.
    #[prop_or_default]
    children: Html,
}

/// What the designer is busy with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Busy {
    Saving,
    Activating,
}

/// The model a version holds, or `None` when its definition cannot be read.
fn model_of(version: Option<&ModelVersion>) -> Option<ScoringModel> {
    match version {
        Some(v) => v.model().ok(),
        None => Some(ScoringModel::starter()),
    }
}

#[component]
fn Designer(props: &DesignerProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let base_model = model_of(props.base.as_ref());
    let unreadable_base = base_model.is_none();
    let base_model = base_model.unwrap_or_else(ScoringModel::starter);
    let draft = {
        let start = base_model.clone();
        use_reducer(move || Draft::of(&start))
    };
    let server_problems = use_state(Problems::default);
    let busy = use_state(|| None::<Busy>);
    let failure = use_state(|| None::<ApiError>);
    let saved_notice = use_state(|| None::<Key>);

    let (model, unreadable) = draft.to_model();
    let checked = use_memo(model.clone(), |m| m.compile());
    let compile_problems = match &*checked {
        Ok(_) => Vec::new(),
        Err(problems) => problems.clone(),
    };
    let live = Problems::new(unreadable.into_iter().chain(compile_problems));
    let problems = live.and(&server_problems);

    let dirty = props.base.is_none() || model != base_model;
    let is_draft = props
        .base
        .as_ref()
        .is_some_and(|v| v.status == ModelStatus::Draft);
    let compiles = live.is_empty();
    // The server refuses a draft that cannot be evaluated, so both wait for a clean model.
    let can_save = busy.is_none() && dirty && compiles;
    let can_activate = busy.is_none() && compiles && (dirty || is_draft) && !props.running;

    let on_edit = {
        let (draft, server_problems, saved_notice) = (
            draft.dispatcher(),
            server_problems.clone(),
            saved_notice.clone(),
        );
        Callback::from(move |edit: Edit| {
            // What the server said was about the model as it was saved.
            server_problems.set(Problems::default());
            saved_notice.set(None);
            draft.dispatch(edit);
        })
    };

    let save = {
        let (client, draft, server_problems, busy, failure, saved_notice) = (
            client.clone(),
            draft.dispatcher(),
            server_problems.clone(),
            busy.clone(),
            failure.clone(),
            saved_notice.clone(),
        );
        let (model, on_saved) = (model.clone(), props.on_saved.clone());
        let draft_id = props
            .base
            .as_ref()
            .filter(|_| is_draft)
            .map(|v| v.id.clone());
        Callback::from(move |_: MouseEvent| {
            busy.set(Some(Busy::Saving));
            failure.set(None);
            saved_notice.set(None);
            let (
                client,
                draft,
                server_problems,
                busy,
                failure,
                saved_notice,
                model,
                on_saved,
                draft_id,
            ) = (
                client.clone(),
                draft.clone(),
                server_problems.clone(),
                busy.clone(),
                failure.clone(),
                saved_notice.clone(),
                model.clone(),
                on_saved.clone(),
                draft_id.clone(),
            );
            spawn_local(async move {
                let result = scoring::save_draft(&client, draft_id.as_deref(), &model).await;
                busy.set(None);
                match result {
                    Ok(payload) => match payload.model {
                        Some(saved) if payload.user_errors.is_empty() => {
                            adopt(&draft, &saved);
                            saved_notice.set(Some(Key::DraftSaved));
                            on_saved.emit(saved);
                        }
                        _ => server_problems.set(Problems::from_user_errors(&payload.user_errors)),
                    },
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };

    let activate = {
        let (client, draft, server_problems, busy, failure, saved_notice) = (
            client.clone(),
            draft.dispatcher(),
            server_problems.clone(),
            busy.clone(),
            failure.clone(),
            saved_notice.clone(),
        );
        let (model, on_saved, on_activated) = (
            model.clone(),
            props.on_saved.clone(),
            props.on_activated.clone(),
        );
        let base = props.base.clone();
        let question = i18n.t(Key::ActivateConfirm).to_owned();
        Callback::from(move |_: MouseEvent| {
            if !gloo::dialogs::confirm(&question) {
                return;
            }
            busy.set(Some(Busy::Activating));
            failure.set(None);
            saved_notice.set(None);
            let (client, draft, server_problems, busy, failure, saved_notice) = (
                client.clone(),
                draft.clone(),
                server_problems.clone(),
                busy.clone(),
                failure.clone(),
                saved_notice.clone(),
            );
            let (model, on_saved, on_activated, base) = (
                model.clone(),
                on_saved.clone(),
                on_activated.clone(),
                base.clone(),
            );
            spawn_local(async move {
                // An unchanged draft is activated as saved; anything else is saved first.
                let unchanged_draft = base.as_ref().filter(|v| {
                    v.status == ModelStatus::Draft && v.model().ok().as_ref() == Some(&model)
                });
                let id = match unchanged_draft {
                    Some(v) => v.id.clone(),
                    None => {
                        let draft_id = base
                            .as_ref()
                            .filter(|v| v.status == ModelStatus::Draft)
                            .map(|v| v.id.clone());
                        match scoring::save_draft(&client, draft_id.as_deref(), &model).await {
                            Ok(payload) => match payload.model {
                                Some(saved) if payload.user_errors.is_empty() => {
                                    adopt(&draft, &saved);
                                    let id = saved.id.clone();
                                    on_saved.emit(saved);
                                    id
                                }
                                _ => {
                                    busy.set(None);
                                    server_problems
                                        .set(Problems::from_user_errors(&payload.user_errors));
                                    return;
                                }
                            },
                            Err(err) => {
                                busy.set(None);
                                failure.set(Some(err));
                                return;
                            }
                        }
                    }
                };
                let result = scoring::activate(&client, &id).await;
                busy.set(None);
                match result {
                    Ok(payload) if payload.user_errors.is_empty() => {
                        if let Some(active) = payload.model {
                            on_saved.emit(active);
                        }
                        // The progress card says it once re-scoring runs; say it here
                        // only when there was nothing to re-score.
                        if payload.run.is_none() {
                            saved_notice.set(Some(Key::ModelActivated));
                        }
                        on_activated.emit(payload.run);
                    }
                    Ok(payload) => {
                        server_problems.set(Problems::from_user_errors(&payload.user_errors))
                    }
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };

    let discard = {
        let (on_edit, base_model) = (on_edit.clone(), base_model.clone());
        Callback::from(move |_: MouseEvent| {
            on_edit.emit(Edit::Replace(Box::new(Draft::of(&base_model))))
        })
    };

    let threshold = model.mql_threshold;
    let threshold_before = props
        .active
        .as_ref()
        .and_then(|v| v.model().ok())
        .map_or(threshold, |m| m.mql_threshold);
    let general = problems.general(&SHOWN_OUTSIDE_RULES);

    html! {
        <>
            <PageHeader title={i18n.t(Key::ScoringTitle)} subtitle={AttrValue::from(version_line(&i18n, props.base.as_ref(), props.active.as_ref()))}>
                <VersionBadge base={props.base.clone()} {dirty} />
                if dirty && props.base.is_some() {
                    <button type="button" class="btn btn-ghost" data-testid="scoring-discard"
                            disabled={busy.is_some()} onclick={discard}>
                        { i18n.t(Key::DiscardChanges) }
                    </button>
                }
                <button type="button" class="btn btn-secondary" data-testid="scoring-save"
                        disabled={!can_save} title={(!compiles).then(|| i18n.t(Key::ActivateFixFirst))} aria-busy={(*busy == Some(Busy::Saving)).to_string()} onclick={save}>
                    { i18n.t(if *busy == Some(Busy::Saving) { Key::Saving } else { Key::SaveDraft }) }
                </button>
                <button type="button" class="btn btn-primary" data-testid="scoring-activate"
                        disabled={!can_activate} aria-busy={(*busy == Some(Busy::Activating)).to_string()}
                        title={activate_hint(&i18n, compiles, dirty || is_draft, props.running)}
                        onclick={activate}>
                    { i18n.t(if *busy == Some(Busy::Activating) { Key::Activating } else { Key::Activate }) }
                </button>
            </PageHeader>
            if unreadable_base {
                <div class="notice notice-error" role="alert" data-testid="scoring-unreadable">
                    <div class="notice-body"><span>{ i18n.t(Key::ModelUnreadable) }</span></div>
                </div>
            }
            if let Some(key) = *saved_notice {
                <SuccessNotice message={i18n.t(key)} on_dismiss={{
                    let saved_notice = saved_notice.clone();
                    Callback::from(move |()| saved_notice.set(None))
                }} />
            }
            if let Some(err) = &*failure {
                <ErrorNotice error={err.clone()} />
            }
            { props.children.clone() }
            if !problems.is_empty() {
                <div class="notice notice-error scoring-problems" role="alert" data-testid="scoring-problems">
                    <div class="notice-body">
                        <strong data-testid="problem-count">
                            if problems.len() == 1 {
                                { i18n.t(Key::ModelProblemsOne) }
                            } else {
                                { i18n.tf(Key::ModelProblems, &[("n", &problems.len().to_string())]) }
                            }
                        </strong>
                        { for general.iter().map(|e| html! {
                            <span data-testid="model-error" data-path={e.path.clone()}>
                                { i18n.t(user_error_key(e.code)) }
                                if !e.message.trim().is_empty() { { " " }<span class="muted">{ e.message.clone() }</span> }
                            </span>
                        }) }
                    </div>
                </div>
            }
            <div class="scoring-grid">
                <div class="scoring-editor">
                    <FitRules rules={draft.fit.clone()} problems={problems.clone()} on_edit={on_edit.clone()} />
                    <BehaviourRules rules={draft.behaviour.clone()} problems={problems.clone()} on_edit={on_edit.clone()} />
                    <ThresholdDecay threshold={draft.mql_threshold.clone()} decay={draft.decay.clone()}
                                    problems={problems.clone()} on_edit={on_edit.clone()} />
                </div>
                <aside class="scoring-aside">
                    <ScorePreview sample={props.sample.clone()} checked={Checked(checked.clone())}
                                  {threshold} {threshold_before} on_retry={props.on_retry_sample.clone()} />
                    if props.is_admin {
                        <PredictivePanel />
                    }
                </aside>
            </div>
        </>
    }
}

/// Takes the model as the server saved it, so "unsaved changes" is measured from there.
fn adopt(draft: &UseReducerDispatcher<Draft>, saved: &ModelVersion) {
    if let Ok(model) = saved.model() {
        draft.dispatch(Edit::Replace(Box::new(Draft::of(&model))));
    }
}

fn activate_hint(
    i18n: &crate::i18n::I18n,
    compiles: bool,
    changed: bool,
    running: bool,
) -> Option<String> {
    if !compiles {
        Some(i18n.t(Key::ActivateFixFirst).to_owned())
    } else if running {
        Some(i18n.t(Key::ActivateWaitRun).to_owned())
    } else if !changed {
        Some(i18n.t(Key::AlreadyActive).to_owned())
    } else {
        None
    }
}

/// Under the title: which version is live and since when, by whom.
fn version_line(
    i18n: &crate::i18n::I18n,
    base: Option<&ModelVersion>,
    active: Option<&ModelVersion>,
) -> String {
    match (base, active) {
        (_, Some(a)) => {
            let since = a
                .activated_at
                .as_deref()
                .map(|at| i18n.date(at))
                .unwrap_or_default();
            let by = a
                .created_by
                .as_ref()
                .map(|u| u.name.clone())
                .unwrap_or_default();
            let mut line = i18n.tf(
                Key::ActiveSince,
                &[("version", &a.version.to_string()), ("since", &since)],
            );
            if !by.is_empty() {
                line.push_str(&i18n.tf(Key::DesignedBy, &[("name", &by)]));
            }
            line
        }
        (Some(_), None) => i18n.t(Key::NoActiveModel).to_owned(),
        (None, None) => i18n.t(Key::StarterModelHint).to_owned(),
    }
}

#[derive(Properties, PartialEq)]
struct VersionBadgeProps {
    base: Option<ModelVersion>,
    dirty: bool,
}

/// "Draft v3", "Active v2" or "Starter rules", and whether there are unsaved changes.
#[component]
fn VersionBadge(props: &VersionBadgeProps) -> Html {
    let i18n = use_i18n();
    let (text, class, status) = match &props.base {
        Some(v) => {
            let version = v.version.to_string();
            match v.status {
                ModelStatus::Draft => (
                    i18n.tf(Key::DraftVersion, &[("version", &version)]),
                    "badge-draft",
                    "draft",
                ),
                ModelStatus::Active => (
                    i18n.tf(Key::ActiveVersion, &[("version", &version)]),
                    "badge-active",
                    "active",
                ),
                ModelStatus::Retired => (
                    i18n.tf(Key::RetiredVersion, &[("version", &version)]),
                    "",
                    "retired",
                ),
            }
        }
        None => (i18n.t(Key::StarterModel).to_owned(), "", "starter"),
    };
    html! {
        <span class="version-status" data-testid="scoring-version" data-status={status}>
            <span class={classes!("badge", class)}>{ text }</span>
            if props.dirty && props.base.is_some() {
                <span class="unsaved" data-testid="scoring-unsaved">{ i18n.t(Key::UnsavedChanges) }</span>
            }
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn version(n: i32, status: ModelStatus) -> ModelVersion {
        ModelVersion {
            id: format!("v{n}"),
            version: n,
            status,
            definition: json!({}),
            created_at: "2026-03-10T12:00:00Z".into(),
            activated_at: None,
            created_by: None,
        }
    }

    #[test]
    fn the_designer_opens_the_newest_draft_unless_the_active_version_overtook_it() {
        use ModelStatus::*;
        let pick = |list: &[ModelVersion]| pick_base(list).map(|v| v.version);
        assert_eq!(pick(&[]), None);
        assert_eq!(
            pick(&[version(3, Draft), version(2, Active), version(1, Retired)]),
            Some(3)
        );
        assert_eq!(pick(&[version(4, Active), version(3, Draft)]), Some(4));
        assert_eq!(pick(&[version(2, Draft), version(1, Draft)]), Some(2));
        assert_eq!(pick(&[version(2, Retired), version(1, Active)]), Some(1));
    }
}
