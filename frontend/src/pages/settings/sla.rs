//! The SLA tab: first-contact service levels per team. Each policy says, in business
//! minutes on its calendar, when a new owner who has not contacted the lead is reminded,
//! when their manager hears of it, and when the lead is recycled (to the pool or through
//! routing again). Admins edit; managers read.

use leadflow_shared::routing::WorkingHours;
use leadflow_shared::scoring::RuleError;
use leadflow_shared::sla::RecycleAction;
use leadflow_shared::UserErrorCode;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::sla::{self, SlaPolicy, SlaPolicySaveInput};
use crate::api::types::Team;
use crate::api::{teams, use_client, ApiError};
use crate::components::empty_state::EmptyState;
use crate::components::error_notice::{ErrorNotice, SuccessNotice};
use crate::components::form::{input_value, select_value, Field, FormAlert};
use crate::components::icon::{Icon, IconName};
use crate::components::skeleton::TableSkeleton;
use crate::components::working_hours::{self, default_hours, WorkingHoursEditor};
use crate::i18n::{use_i18n, user_error_key, I18n, Key};

/// The policy being created or edited, as typed.
#[derive(Debug, Clone, PartialEq)]
struct SlaForm {
    id: Option<String>,
    name: String,
    /// Blank: the default policy for every team without its own.
    team_id: String,
    hours: WorkingHours,
    remind: String,
    escalate: String,
    recycle: String,
    action: RecycleAction,
    /// Blank: never.
    inactivity: String,
}

impl SlaForm {
    fn new() -> SlaForm {
        SlaForm {
            id: None,
            name: String::new(),
            team_id: String::new(),
            hours: default_hours(),
            remind: "30".into(),
            escalate: "60".into(),
            recycle: "120".into(),
            action: RecycleAction::Pool,
            inactivity: String::new(),
        }
    }

    fn of(p: &SlaPolicy) -> SlaForm {
        SlaForm {
            id: Some(p.id.clone()),
            name: p.name.clone(),
            team_id: p.team.as_ref().map(|t| t.id.clone()).unwrap_or_default(),
            hours: p.working_hours.clone(),
            remind: p.remind_after_minutes.to_string(),
            escalate: p.escalate_after_minutes.to_string(),
            recycle: p.recycle_after_minutes.to_string(),
            action: p.recycle_action,
            inactivity: p.inactivity_days.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    /// The input to send, or every problem found before asking the server (which checks
    /// the thresholds' order and ranges itself).
    fn to_input(&self) -> Result<SlaPolicySaveInput, Vec<RuleError>> {
        let mut bad = working_hours::check(&self.hours, "workingHours");
        let mut problem = |path: &str, code| {
            bad.push(RuleError {
                path: path.into(),
                code,
                message: String::new(),
            })
        };
        if self.name.trim().is_empty() {
            problem("name", UserErrorCode::Required);
        }
        let mut minutes = |path: &str, text: &str| -> i32 {
            match text.trim() {
                "" => {
                    problem(path, UserErrorCode::Required);
                    0
                }
                t => t.parse::<i32>().unwrap_or_else(|_| {
                    problem(path, UserErrorCode::Invalid);
                    0
                }),
            }
        };
        let remind = minutes("remindAfterMinutes", &self.remind);
        let escalate = minutes("escalateAfterMinutes", &self.escalate);
        let recycle = minutes("recycleAfterMinutes", &self.recycle);
        let inactivity = match self.inactivity.trim() {
            "" => None,
            t => t.parse::<i32>().ok().or_else(|| {
                problem("inactivityDays", UserErrorCode::Invalid);
                None
            }),
        };
        if !bad.is_empty() {
            return Err(bad);
        }
        Ok(SlaPolicySaveInput {
            id: self.id.clone(),
            name: self.name.trim().to_owned(),
            team_id: (!self.team_id.is_empty()).then(|| self.team_id.clone()),
            working_hours: self.hours.clone(),
            remind_after_minutes: remind,
            escalate_after_minutes: escalate,
            recycle_after_minutes: recycle,
            recycle_action: self.action,
            inactivity_days: inactivity,
        })
    }
}

/// One edit of the form, given the text an input carried.
type FormChange = Box<dyn Fn(&mut SlaForm, String)>;

fn action_key(action: RecycleAction) -> Key {
    match action {
        RecycleAction::Pool => Key::SlaRecyclePool,
        RecycleAction::Reroute => Key::SlaRecycleReroute,
    }
}

/// The translated problem at `path` and the server's own sentence, for a [`Field`].
fn field_error(i18n: &I18n, errors: &[RuleError], path: &str) -> (Option<String>, Option<String>) {
    errors
        .iter()
        .find(|e| e.path == path)
        .map_or((None, None), |e| {
            let detail = Some(e.message.trim().to_owned()).filter(|m| !m.is_empty());
            (Some(i18n.t(user_error_key(e.code)).to_owned()), detail)
        })
}

const FORM_FIELDS: [&str; 7] = [
    "name",
    "teamId",
    "remindAfterMinutes",
    "escalateAfterMinutes",
    "recycleAfterMinutes",
    "recycleAction",
    "inactivityDays",
];

#[derive(Properties, PartialEq)]
pub struct SlaTabProps {
    /// Admins edit; managers read.
    pub can_edit: bool,
}

#[component]
pub fn SlaTab(props: &SlaTabProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let list = use_state(|| None::<Result<Vec<SlaPolicy>, ApiError>>);
    let team_list = use_state(Vec::<Team>::new);
    let reload = use_state(|| 0u32);
    let form = use_state(|| None::<SlaForm>);
    let errors = use_state(Vec::<RuleError>::new);
    let failure = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let flash = use_state(|| None::<String>);

    {
        let (client, list) = (client.clone(), list.clone());
        use_effect_with(*reload, move |_| {
            spawn_local(async move { list.set(Some(sla::list(&client).await)) });
        });
    }
    {
        let (client, team_list) = (client.clone(), team_list.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(list) = teams::list(&client).await {
                    team_list.set(list);
                }
            });
        });
    }

    let open = {
        let (form, errors, flash) = (form.clone(), errors.clone(), flash.clone());
        Callback::from(move |f: SlaForm| {
            errors.set(Vec::new());
            flash.set(None);
            form.set(Some(f));
        })
    };
    let cancel = {
        let (form, errors) = (form.clone(), errors.clone());
        Callback::from(move |_: MouseEvent| {
            errors.set(Vec::new());
            form.set(None);
        })
    };
    let update = {
        let form = form.clone();
        move |f: FormChange| {
            let form = form.clone();
            move |value: String| {
                if let Some(current) = &*form {
                    let mut next = current.clone();
                    f(&mut next, value);
                    form.set(Some(next));
                }
            }
        }
    };

    let onsubmit = {
        let (client, form, errors, failure, busy, reload, flash, i18n) = (
            client.clone(),
            form.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
            reload.clone(),
            flash.clone(),
            i18n.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(current) = (*form).clone() else {
                return;
            };
            if *busy {
                return;
            }
            let input = match current.to_input() {
                Ok(input) => input,
                Err(problems) => {
                    errors.set(problems);
                    return;
                }
            };
            busy.set(true);
            failure.set(None);
            let (client, form, errors, failure, busy, reload, flash, i18n) = (
                client.clone(),
                form.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                reload.clone(),
                flash.clone(),
                i18n.clone(),
            );
            spawn_local(async move {
                match sla::save(&client, &input).await {
                    Ok(payload) if payload.user_errors.is_empty() && payload.policy.is_some() => {
                        errors.set(Vec::new());
                        form.set(None);
                        flash.set(Some(i18n.tf(Key::SlaSaved, &[("name", &input.name)])));
                        reload.set(*reload + 1);
                    }
                    Ok(payload) => errors.set(
                        payload
                            .user_errors
                            .into_iter()
                            .map(|e| RuleError {
                                path: e.field.unwrap_or_default(),
                                code: e.code,
                                message: e.message,
                            })
                            .collect(),
                    ),
                    Err(err) => failure.set(Some(err)),
                }
                busy.set(false);
            });
        })
    };

    let delete = {
        let (client, failure, reload, flash, form, i18n) = (
            client.clone(),
            failure.clone(),
            reload.clone(),
            flash.clone(),
            form.clone(),
            i18n.clone(),
        );
        Callback::from(move |(id, name): (String, String)| {
            if !gloo::dialogs::confirm(&i18n.tf(Key::SlaDeleteConfirm, &[("name", &name)])) {
                return;
            }
            let (client, failure, reload, flash, form, i18n) = (
                client.clone(),
                failure.clone(),
                reload.clone(),
                flash.clone(),
                form.clone(),
                i18n.clone(),
            );
            spawn_local(async move {
                match sla::delete(&client, &id).await {
                    Ok(payload) if payload.user_errors.is_empty() => {
                        if form.as_ref().and_then(|f| f.id.as_deref()) == Some(id.as_str()) {
                            form.set(None);
                        }
                        flash.set(Some(i18n.tf(Key::SlaDeleted, &[("name", &name)])));
                        reload.set(*reload + 1);
                    }
                    Ok(payload) => {
                        let detail = payload
                            .user_errors
                            .first()
                            .map(|e| e.message.clone())
                            .unwrap_or_default();
                        failure.set(Some(ApiError::BadRequest(detail)));
                    }
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };
    let retry = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };

    let team_name = |p: &SlaPolicy| -> String {
        p.team.as_ref().map_or_else(
            || i18n.t(Key::SlaDefaultTeam).to_owned(),
            |t| t.name.clone(),
        )
    };

    let head = html! {
        <thead><tr>
            <th scope="col">{ i18n.t(Key::SlaName) }</th>
            <th scope="col">{ i18n.t(Key::SlaTeam) }</th>
            <th scope="col">{ i18n.t(Key::SlaThresholdsTitle) }</th>
            <th scope="col">{ i18n.t(Key::WorkingHours) }</th>
            <th scope="col">{ i18n.t(Key::SlaRecycleAction) }</th>
            <th scope="col">{ i18n.t(Key::SlaInactivity) }</th>
            if props.can_edit { <th scope="col" class="actions-col"><span class="visually-hidden">{ i18n.t(Key::Actions) }</span></th> }
        </tr></thead>
    };
    let columns = if props.can_edit { 7 } else { 6 };
    let table = match &*list {
        None => html! {
            <div class="card table-wrap"><table class="table">{ head }<TableSkeleton {columns} rows={2} /></table></div>
        },
        Some(Err(err)) => html! { <ErrorNotice error={err.clone()} on_retry={retry} /> },
        Some(Ok(policies)) if policies.is_empty() => html! {
            <div class="card" data-testid="sla-empty">
                <EmptyState icon={IconName::Clock} title={i18n.t(Key::SlaEmptyTitle)} hint={i18n.t(Key::SlaEmptyHint)} />
            </div>
        },
        Some(Ok(policies)) => html! {
            <div class="card table-wrap">
                <table class="table sla-table" data-testid="sla-table">
                    { head.clone() }
                    <tbody>
                        { for policies.iter().map(|p| {
                            let edit = {
                                let (open, f) = (open.clone(), SlaForm::of(p));
                                Callback::from(move |_: MouseEvent| open.emit(f.clone()))
                            };
                            let remove = {
                                let (delete, id, name) = (delete.clone(), p.id.clone(), p.name.clone());
                                Callback::from(move |_: MouseEvent| delete.emit((id.clone(), name.clone())))
                            };
                            html! {
                                <tr key={p.id.clone()} data-testid="sla-policy-row" data-name={p.name.clone()}>
                                    <td class="cell-primary">{ p.name.clone() }</td>
                                    <td class={classes!("c-nowrap", p.team.is_none().then_some("cell-secondary"))}>{ team_name(p) }</td>
                                    <td class="sla-thresholds">
                                        { i18n.tf(Key::SlaThresholds, &[
                                            ("remind", &p.remind_after_minutes.to_string()),
                                            ("escalate", &p.escalate_after_minutes.to_string()),
                                            ("recycle", &p.recycle_after_minutes.to_string()),
                                        ]) }
                                        <span class="cell-secondary inline">{ i18n.t(Key::SlaBusinessTime) }</span>
                                    </td>
                                    <td class="cell-secondary">{ working_hours::summary(&i18n, &p.working_hours) }</td>
                                    <td class="c-nowrap">{ i18n.t(action_key(p.recycle_action)) }</td>
                                    <td class="cell-secondary">
                                        { p.inactivity_days.map_or_else(
                                            || i18n.t(Key::SlaInactivityNever).to_owned(),
                                            |d| i18n.tf(Key::SlaInactivityDays, &[("n", &d.to_string())])) }
                                    </td>
                                    if props.can_edit {
                                        <td class="actions-col">
                                            <div class="row-actions">
                                                <button type="button" class="btn btn-ghost btn-sm" data-testid="sla-edit" onclick={edit}>
                                                    { i18n.t(Key::Edit) }
                                                </button>
                                                <button type="button" class="btn btn-ghost btn-sm btn-danger-text" data-testid="sla-delete"
                                                        aria-label={format!("{} · {}", i18n.t(Key::SlaDelete), p.name)} onclick={remove}>
                                                    <Icon name={IconName::Trash} />
                                                </button>
                                            </div>
                                        </td>
                                    }
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        },
    };

    let form_html = (*form).clone().map(|f| {
        let text = |apply: fn(&mut SlaForm, String)| {
            let apply = update(Box::new(apply));
            Callback::from(move |e: InputEvent| apply(input_value(&e)))
        };
        let on_team = {
            let apply = update(Box::new(|f, v| f.team_id = v));
            Callback::from(move |e: Event| apply(select_value(&e)))
        };
        let on_action = {
            let apply = update(Box::new(|f, v| {
                f.action = RecycleAction::parse(&v).unwrap_or_default();
            }));
            Callback::from(move |e: Event| apply(select_value(&e)))
        };
        let on_hours = {
            let form = form.clone();
            Callback::from(move |hours: WorkingHours| {
                if let Some(current) = &*form {
                    form.set(Some(SlaForm {
                        hours,
                        ..current.clone()
                    }));
                }
            })
        };
        let err = |path: &str| field_error(&i18n, &errors, path);
        let minutes = |id: &'static str, path: &'static str, label: Key, value: &str, apply: fn(&mut SlaForm, String)| {
            let (error, detail) = err(path);
            html! {
                <Field id={id} label={i18n.t(label)} {error} {detail}>
                    <label class="affix-input sla-minutes">
                        <input id={id} data-testid={id} class="input num" type="text" inputmode="numeric" autocomplete="off"
                               aria-invalid={errors.iter().any(|e| e.path == path).then_some("true")}
                               value={value.to_owned()} oninput={text(apply)} />
                        <span class="affix" aria-hidden="true">{ i18n.t(Key::MinutesShort) }</span>
                    </label>
                </Field>
            }
        };
        let general: Vec<String> = errors
            .iter()
            .filter(|e| !FORM_FIELDS.contains(&e.path.as_str()) && !working_hours::within(&e.path, "workingHours"))
            .map(|e| i18n.t(user_error_key(e.code)).to_owned())
            .collect();
        let (name_error, name_detail) = err("name");
        let (team_error, team_detail) = err("teamId");
        let (inactivity_error, inactivity_detail) = err("inactivityDays");
        let (action_error, action_detail) = err("recycleAction");
        html! {
            <form class="card card-pad form sla-form" data-testid="sla-form" onsubmit={onsubmit.clone()}>
                <h2 class="section-title">{ i18n.t(if f.id.is_some() { Key::SlaEditTitle } else { Key::SlaNewTitle }) }</h2>
                <FormAlert messages={general} />
                <div class="form-grid">
                    <Field id="sla-name" label={i18n.t(Key::SlaName)} error={name_error} detail={name_detail}>
                        <input id="sla-name" data-testid="sla-name" class="input" type="text" autocomplete="off"
                               placeholder={i18n.t(Key::SlaNamePlaceholder)} value={f.name.clone()} oninput={text(|f, v| f.name = v)} />
                    </Field>
                    <Field id="sla-team" label={i18n.t(Key::SlaTeam)} error={team_error} detail={team_detail}>
                        <select id="sla-team" data-testid="sla-team" class="input" onchange={on_team}>
                            <option value="" selected={f.team_id.is_empty()}>{ i18n.t(Key::SlaAllTeamsDefault) }</option>
                            { for team_list.iter().map(|t| html! {
                                <option value={t.id.clone()} selected={t.id == f.team_id}>{ t.name.clone() }</option>
                            }) }
                        </select>
                    </Field>
                </div>
                <div class="field">
                    <span class="field-label">{ i18n.t(Key::WorkingHours) }</span>
                    <WorkingHoursEditor hours={f.hours.clone()} path="workingHours" errors={(*errors).clone()} on_change={on_hours} />
                    <p class="field-hint">{ i18n.t(Key::SlaHoursHint) }</p>
                </div>
                <div class="sla-threshold-row">
                    { minutes("sla-remind", "remindAfterMinutes", Key::SlaRemindAfter, &f.remind, |f, v| f.remind = v) }
                    { minutes("sla-escalate", "escalateAfterMinutes", Key::SlaEscalateAfter, &f.escalate, |f, v| f.escalate = v) }
                    { minutes("sla-recycle", "recycleAfterMinutes", Key::SlaRecycleAfter, &f.recycle, |f, v| f.recycle = v) }
                </div>
                <p class="field-hint">{ i18n.t(Key::SlaThresholdsHint) }</p>
                <div class="form-grid">
                    <Field id="sla-action" label={i18n.t(Key::SlaRecycleAction)} error={action_error} detail={action_detail}>
                        <select id="sla-action" data-testid="sla-action" class="input" onchange={on_action}>
                            { for [RecycleAction::Pool, RecycleAction::Reroute].into_iter().map(|a| html! {
                                <option value={a.as_str()} selected={a == f.action}>{ i18n.t(action_key(a)) }</option>
                            }) }
                        </select>
                    </Field>
                    <Field id="sla-inactivity" label={i18n.t(Key::SlaInactivity)} error={inactivity_error} detail={inactivity_detail}
                           hint={AttrValue::from(i18n.t(Key::SlaInactivityHint))}>
                        <label class="affix-input sla-minutes">
                            <input id="sla-inactivity" data-testid="sla-inactivity" class="input num" type="text" inputmode="numeric"
                                   autocomplete="off" placeholder="–" value={f.inactivity.clone()} oninput={text(|f, v| f.inactivity = v)} />
                            <span class="affix" aria-hidden="true">{ i18n.t(Key::DaysShort) }</span>
                        </label>
                    </Field>
                </div>
                <div class="form-actions">
                    <button type="button" class="btn btn-ghost" data-testid="sla-cancel" onclick={cancel.clone()}>{ i18n.t(Key::Cancel) }</button>
                    <button type="submit" class="btn btn-primary" data-testid="sla-save" disabled={*busy} aria-busy={busy.to_string()}>
                        { i18n.t(if *busy { Key::Saving } else { Key::Save }) }
                    </button>
                </div>
            </form>
        }
    });

    let add = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.emit(SlaForm::new()))
    };

    html! {
        <div class="tab-panel" data-testid="page-settings-sla">
            <div class="section-head sla-head">
                <div>
                    <h2 class="section-title">{ i18n.t(Key::SlaPoliciesTitle) }</h2>
                    <p class="section-hint">{ i18n.t(Key::SlaHint) }</p>
                </div>
                if props.can_edit && form.is_none() {
                    <button type="button" class="btn btn-primary btn-sm" data-testid="sla-new" onclick={add}>
                        <Icon name={IconName::Plus} />{ i18n.t(Key::SlaNew) }
                    </button>
                }
            </div>
            if !props.can_edit {
                <div class="notice notice-info" data-testid="sla-read-only">
                    <Icon name={IconName::Info} />
                    <div class="notice-body"><span>{ i18n.t(Key::SlaReadOnly) }</span></div>
                </div>
            }
            if let Some(message) = &*flash {
                <SuccessNotice message={message.clone()} />
            }
            if let Some(err) = &*failure {
                <ErrorNotice error={err.clone()} />
            }
            { for form_html }
            { table }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reports_unreadable_minutes_and_calendar_problems_by_path() {
        let mut f = SlaForm::new();
        assert!(f.to_input().is_err(), "a policy needs a name");
        f.name = " 华东 SLA ".into();
        let input = f.to_input().ok();
        assert_eq!(input.as_ref().map(|i| i.name.as_str()), Some("华东 SLA"));
        assert_eq!(input.and_then(|i| i.team_id), None);
        f.escalate = "1h".into();
        f.hours.periods[0].to = "25:00".into();
        f.inactivity = "7".into();
        let paths: Vec<String> = f
            .to_input()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(
            paths,
            ["workingHours.periods[0].to", "escalateAfterMinutes"]
        );
    }
}
