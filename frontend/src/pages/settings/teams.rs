//! The Teams tab: create a team, see its members, set or change its manager.

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::types::{Team, User};
use crate::api::{teams, use_client, users, ApiError};
use crate::components::empty_state::EmptyState;
use crate::components::error_notice::{ErrorNotice, SuccessNotice};
use crate::components::form::{input_value, select_value, Field, FormAlert, FormErrors};
use crate::components::icon::{Icon, IconName};
use crate::components::skeleton::TableSkeleton;
use crate::i18n::{role_key, use_i18n, Key};

#[component]
pub fn TeamsTab() -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let list = use_state(|| None::<Result<Vec<Team>, ApiError>>);
    let people = use_state(Vec::<User>::new);
    let reload = use_state(|| 0u32);
    let name = use_state(String::new);
    let manager = use_state(String::new);
    let errors = use_state(FormErrors::default);
    let failure = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let flash = use_state(|| None::<String>);

    {
        let (client, list) = (client.clone(), list.clone());
        use_effect_with(*reload, move |_| {
            spawn_local(async move { list.set(Some(teams::list(&client).await)) });
        });
    }
    {
        let (client, people) = (client.clone(), people.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(page) = users::list(&client, None).await {
                    people.set(
                        page.edges
                            .into_iter()
                            .map(|e| e.node)
                            .filter(|u| u.active)
                            .collect(),
                    );
                }
            });
        });
    }

    let onsubmit = {
        let (client, name, manager, errors, failure, busy, reload, flash, i18n) = (
            client.clone(),
            name.clone(),
            manager.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
            reload.clone(),
            flash.clone(),
            i18n.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            failure.set(None);
            flash.set(None);
            let team_name = name.trim().to_owned();
            let manager_id = (!manager.is_empty()).then(|| (*manager).clone());
            let (client, name, manager, errors, failure, busy, reload, flash, i18n) = (
                client.clone(),
                name.clone(),
                manager.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                reload.clone(),
                flash.clone(),
                i18n.clone(),
            );
            spawn_local(async move {
                match teams::create(&client, &team_name, manager_id.as_deref()).await {
                    Ok(payload) if payload.user_errors.is_empty() && payload.team.is_some() => {
                        errors.set(FormErrors::default());
                        flash.set(Some(i18n.tf(Key::TeamCreated, &[("name", &team_name)])));
                        name.set(String::new());
                        manager.set(String::new());
                        reload.set(*reload + 1);
                    }
                    Ok(payload) => errors.set(FormErrors::new(payload.user_errors)),
                    Err(err) => failure.set(Some(err)),
                }
                busy.set(false);
            });
        })
    };

    let set_manager = {
        let (client, reload, failure) = (client.clone(), reload.clone(), failure.clone());
        Callback::from(move |(team_id, manager_id): (String, String)| {
            let (client, reload, failure) = (client.clone(), reload.clone(), failure.clone());
            spawn_local(async move {
                match teams::set_manager(&client, &team_id, &manager_id).await {
                    Ok(_) => reload.set(*reload + 1),
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };

    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| name.set(input_value(&e)))
    };
    let on_manager = {
        let manager = manager.clone();
        Callback::from(move |e: Event| manager.set(select_value(&e)))
    };
    let retry = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };

    let manager_options = |selected: &str| -> Html {
        html! { <>{ for people.iter().map(|u| html! {
            <option value={u.id.clone()} selected={u.id == selected}>
                { format!("{} · {}", u.name, i18n.t(role_key(u.role))) }
            </option>
        }) }</> }
    };

    let head = html! {
        <thead><tr>
        <th scope="col">{ i18n.t(Key::TeamName) }</th>
        <th scope="col">{ i18n.t(Key::Manager) }</th>
        <th scope="col">{ i18n.t(Key::Members) }</th>
        <th scope="col">{ i18n.t(Key::Created) }</th>
        </tr></thead>
    };
    let table = match &*list {
        None => html! {
            <div class="card table-wrap"><table class="table">{ head }<TableSkeleton columns={4} rows={3} /></table></div>
        },
        Some(Err(err)) => html! { <ErrorNotice error={err.clone()} on_retry={retry} /> },
        Some(Ok(teams)) if teams.is_empty() => html! {
            <div class="card">
                <EmptyState icon={IconName::Users} title={i18n.t(Key::TeamsEmptyTitle)} hint={i18n.t(Key::TeamsEmptyHint)} />
            </div>
        },
        Some(Ok(teams)) => html! {
            <div class="card table-wrap">
                <table class="table" data-testid="teams-table">
                    { head.clone() }
                    <tbody>
                        { for teams.iter().map(|team| {
                            let onchange = {
                                let (set_manager, team_id) = (set_manager.clone(), team.id.clone());
                                Callback::from(move |e: Event| {
                                    let value = select_value(&e);
                                    if !value.is_empty() {
                                        set_manager.emit((team_id.clone(), value));
                                    }
                                })
                            };
                            let current = team.manager.as_ref().map(|m| m.id.clone()).unwrap_or_default();
                            let members: Vec<&str> = team.members.iter().map(|m| m.name.as_str()).collect();
                            html! {
                                <tr key={team.id.clone()} data-testid="team-row" data-name={team.name.clone()}>
                                    <td class="cell-primary">{ team.name.clone() }</td>
                                    <td>
                                        <select class="input input-sm" aria-label={i18n.t(Key::Manager)}
                                                data-testid="team-manager-select" {onchange}>
                                            if current.is_empty() {
                                                <option value="" selected=true>{ i18n.t(Key::NoManager) }</option>
                                            }
                                            { manager_options(&current) }
                                        </select>
                                    </td>
                                    <td>
                                        <span class="count-pill">{ team.members.len() }</span>
                                        <span class="cell-secondary inline">{ members.join("、") }</span>
                                    </td>
                                    <td class="cell-secondary">{ i18n.datetime(&team.created_at) }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        },
    };

    html! {
        <div class="tab-panel" data-testid="teams-tab">
            <form class="card card-pad inline-form" data-testid="team-form" {onsubmit}>
                <h2 class="section-title">{ i18n.t(Key::NewTeam) }</h2>
                <FormAlert messages={errors.general(&i18n, &["name", "managerId"])} />
                <div class="inline-form-row">
                    <Field id="team-name" label={i18n.t(Key::TeamName)} error={errors.for_field(&i18n, "name")}>
                        <input id="team-name" data-testid="team-name" class="input" type="text" required=true
                               autocomplete="off" value={(*name).clone()} oninput={on_name} />
                    </Field>
                    <Field id="team-manager" label={i18n.t(Key::Manager)} error={errors.for_field(&i18n, "managerId")}>
                        <select id="team-manager" data-testid="team-manager" class="input" onchange={on_manager}>
                            <option value="" selected={manager.is_empty()}>{ i18n.t(Key::NoManager) }</option>
                            { manager_options(&manager) }
                        </select>
                    </Field>
                    <button type="submit" class="btn btn-primary" data-testid="team-create" disabled={*busy}>
                        <Icon name={IconName::Plus} />{ i18n.t(if *busy { Key::Saving } else { Key::Create }) }
                    </button>
                </div>
            </form>
            if let Some(message) = &*flash {
                <SuccessNotice message={message.clone()} />
            }
            if let Some(err) = &*failure {
                <ErrorNotice error={err.clone()} />
            }
            { table }
        </div>
    }
}
