//! Tasks: the box on a lead (its tasks, and adding one with a title and a due time) and
//! the [`TaskItem`] row that "My tasks" shares. Ticking the checkbox completes a task
//! through `taskComplete`; overdue tasks are red.

use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::activities::{self, Task};
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::form::{input_value, Field, FormAlert, FormErrors};
use crate::components::icon::{Icon, IconName};
use crate::i18n::{use_i18n, Key};
use crate::routes::Route;
use crate::time::{default_due_input, local_input_to_rfc3339};

#[derive(Properties, PartialEq)]
pub struct TaskItemProps {
    pub task: Task,
    /// Show which lead it is for (in "My tasks"; on the lead's own page it is obvious).
    #[prop_or_default]
    pub show_lead: bool,
    /// Called after the task was completed.
    pub on_changed: Callback<()>,
}

#[component]
pub fn TaskItem(props: &TaskItemProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let busy = use_state(|| false);
    let failure = use_state(|| None::<ApiError>);
    let task = &props.task;
    let done = task.done_at.is_some();

    let onchange = {
        let (id, busy, failure, on_changed) = (
            task.id.clone(),
            busy.clone(),
            failure.clone(),
            props.on_changed.clone(),
        );
        Callback::from(move |_: Event| {
            if *busy {
                return;
            }
            busy.set(true);
            let (client, id, busy, failure, on_changed) = (
                client.clone(),
                id.clone(),
                busy.clone(),
                failure.clone(),
                on_changed.clone(),
            );
            spawn_local(async move {
                let result = activities::complete_task(&client, &id).await;
                busy.set(false);
                match result {
                    Ok(payload) if payload.user_errors.is_empty() => on_changed.emit(()),
                    // Someone else completed or removed it: show the current state.
                    Ok(_) => on_changed.emit(()),
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };
    let when = match &task.done_at {
        Some(at) => i18n.tf(Key::DoneAt, &[("when", &i18n.relative(at))]),
        None => i18n.datetime(&task.due_at),
    };
    html! {
        <li class={classes!("task", task.overdue.then_some("is-overdue"), done.then_some("is-done"))}
            data-testid="task" data-title={task.title.clone()} data-overdue={task.overdue.to_string()}>
            <label class="check task-check">
                <input type="checkbox" data-testid="task-complete" checked={done || *busy}
                       disabled={done || *busy} {onchange} aria-label={i18n.t(Key::MarkDone)} />
                <span class="task-title">{ task.title.clone() }</span>
            </label>
            <div class="task-meta">
                if props.show_lead {
                    if let Some(lead) = &task.lead {
                        <Link<Route> to={Route::LeadDetail { id: lead.id.clone() }} classes="task-lead">
                            { lead.person_name.clone() }
                            if let Some(company) = &lead.company {
                                <span class="muted">{ format!(" · {company}") }</span>
                            }
                        </Link<Route>>
                    }
                }
                <time class="task-due" datetime={task.due_at.clone()} title={i18n.relative(&task.due_at)}>
                    <Icon name={IconName::Clock} size={13} />
                    { when }
                    if task.overdue {
                        <span class="task-overdue-label">{ format!(" · {}", i18n.t(Key::Overdue)) }</span>
                    }
                </time>
            </div>
            if let Some(err) = &*failure {
                <ErrorNotice error={err.clone()} />
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct LeadTasksProps {
    pub lead_id: String,
    pub tasks: Vec<Task>,
    /// Called after a task was added or completed, to reload the lead.
    pub on_changed: Callback<()>,
}

/// The Tasks box on a lead: open tasks first, then done ones, and the add form.
#[component]
pub fn LeadTasks(props: &LeadTasksProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let title = use_state(String::new);
    let due = use_state(default_due_input);
    let errors = use_state(FormErrors::default);
    let failure = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);

    let mut tasks = props.tasks.clone();
    crate::sort::by_key(&mut tasks, |t| t.done_at.is_some());

    let onsubmit = {
        let (title, due, errors, failure, busy) = (
            title.clone(),
            due.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
        );
        let (lead_id, on_changed) = (props.lead_id.clone(), props.on_changed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let Some(due_at) = local_input_to_rfc3339(&due) else {
                errors.set(FormErrors::local(
                    "dueAt",
                    leadflow_shared::UserErrorCode::Required,
                ));
                return;
            };
            busy.set(true);
            failure.set(None);
            let text = title.trim().to_owned();
            let (client, lead_id, title, due, errors, failure, busy, on_changed) = (
                client.clone(),
                lead_id.clone(),
                title.clone(),
                due.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                on_changed.clone(),
            );
            spawn_local(async move {
                let result = activities::create_task(&client, &lead_id, &text, &due_at).await;
                busy.set(false);
                match result {
                    Ok(payload) if payload.user_errors.is_empty() => {
                        errors.set(FormErrors::default());
                        title.set(String::new());
                        due.set(default_due_input());
                        on_changed.emit(());
                    }
                    Ok(payload) => errors.set(FormErrors::new(payload.user_errors)),
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };
    let on_title = {
        let title = title.clone();
        Callback::from(move |e: InputEvent| title.set(input_value(&e)))
    };
    let on_due = {
        let due = due.clone();
        Callback::from(move |e: InputEvent| due.set(input_value(&e)))
    };
    let err = |field: &str| errors.for_field(&i18n, field);

    html! {
        <section class="card card-pad" aria-labelledby="lead-tasks-title" data-testid="lead-tasks">
            <h2 id="lead-tasks-title" class="section-title">{ i18n.t(Key::Tasks) }</h2>
            if tasks.is_empty() {
                <p class="muted tasks-empty">{ i18n.t(Key::TasksEmpty) }</p>
            } else {
                <ul class="tasks">
                    { for tasks.into_iter().map(|task| html! {
                        <TaskItem key={task.id.clone()} task={task.clone()} on_changed={props.on_changed.clone()} />
                    }) }
                </ul>
            }
            <form class="task-form" data-testid="task-form" {onsubmit}>
                <FormAlert messages={errors.general(&i18n, &["title", "dueAt"])} />
                if let Some(failure) = &*failure {
                    <ErrorNotice error={failure.clone()} />
                }
                <Field id="task-title" label={i18n.t(Key::TaskTitle)} error={err("title")}
                       detail={errors.detail_for_field("title")}>
                    <input id="task-title" data-testid="task-title" class="input" type="text" required=true
                           autocomplete="off" placeholder={i18n.t(Key::TaskTitlePlaceholder)}
                           value={(*title).clone()} oninput={on_title} />
                </Field>
                <div class="task-form-row">
                    <Field id="task-due" label={i18n.t(Key::DueAt)} error={err("dueAt")}
                           detail={errors.detail_for_field("dueAt")}>
                        <input id="task-due" data-testid="task-due" class="input" type="datetime-local" required=true
                               value={(*due).clone()} oninput={on_due} />
                    </Field>
                    <button type="submit" class="btn btn-secondary" data-testid="task-add"
                            disabled={*busy} aria-busy={busy.to_string()}>
                        <Icon name={IconName::Plus} />{ i18n.t(Key::AddTask) }
                    </button>
                </div>
            </form>
        </section>
    }
}
