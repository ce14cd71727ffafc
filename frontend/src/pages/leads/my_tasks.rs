//! "My tasks": the signed-in user's open tasks at the top of the Leads page — overdue
//! first, then due today, then later — each linking to its lead, with a checkbox to
//! complete it.

use yew::platform::spawn_local;
use yew::prelude::*;

use super::tasks::TaskItem;
use crate::api::activities::{self, Task};
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::i18n::{use_i18n, Key};
use crate::time::is_today;

/// Which group of the day a task falls in; the order is the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Due {
    Overdue,
    Today,
    Later,
}

fn due_of(task: &Task) -> Due {
    if task.overdue {
        Due::Overdue
    } else if is_today(&task.due_at) {
        Due::Today
    } else {
        Due::Later
    }
}

#[component]
pub fn MyTasks() -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let tasks = use_state(|| None::<Result<Vec<Task>, ApiError>>);
    let reload = use_state(|| 0u32);
    {
        let (client, tasks) = (client.clone(), tasks.clone());
        use_effect_with(*reload, move |_| {
            spawn_local(async move { tasks.set(Some(activities::my_tasks(&client).await)) });
        });
    }
    let on_changed = {
        let reload = reload.clone();
        Callback::from(move |()| reload.set(*reload + 1))
    };

    let body = match &*tasks {
        None => html! { <p class="muted" aria-busy="true">{ i18n.t(Key::Loading) }</p> },
        Some(Err(err)) => {
            html! { <ErrorNotice error={err.clone()} on_retry={on_changed.clone()} /> }
        }
        Some(Ok(list)) if list.is_empty() => {
            html! { <p class="muted" data-testid="my-tasks-empty">{ i18n.t(Key::MyTasksEmpty) }</p> }
        }
        Some(Ok(list)) => {
            let groups = [
                (Due::Overdue, Key::Overdue, "overdue"),
                (Due::Today, Key::DueToday, "today"),
                (Due::Later, Key::DueLater, "later"),
            ];
            html! {
                <div class="my-tasks-groups">
                    { for groups.into_iter().map(|(due, label, testid)| {
                        let in_group: Vec<&Task> = list.iter().filter(|t| due_of(t) == due).collect();
                        if in_group.is_empty() {
                            return Html::default();
                        }
                        html! {
                            <div class={classes!("task-group", format!("task-group-{testid}"))}
                                 data-testid={format!("my-tasks-{testid}")}>
                                <h3 class="task-group-title">{ i18n.t(label) }<span class="count">{ in_group.len() }</span></h3>
                                <ul class="tasks">
                                    { for in_group.into_iter().map(|task| html! {
                                        <TaskItem key={task.id.clone()} task={task.clone()} show_lead=true
                                                  on_changed={on_changed.clone()} />
                                    }) }
                                </ul>
                            </div>
                        }
                    }) }
                </div>
            }
        }
    };
    let count = match &*tasks {
        Some(Ok(list)) if !list.is_empty() => {
            Some(i18n.tf(Key::MyTasksCount, &[("n", &list.len().to_string())]))
        }
        _ => None,
    };
    html! {
        <section class="card card-pad my-tasks" aria-labelledby="my-tasks-title" data-testid="my-tasks">
            <div class="section-head">
                <h2 id="my-tasks-title" class="section-title">{ i18n.t(Key::MyTasks) }</h2>
                if let Some(count) = count {
                    <span class="muted">{ count }</span>
                }
            </div>
            { body }
        </section>
    }
}
