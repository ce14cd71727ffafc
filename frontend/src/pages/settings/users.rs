//! The Users tab: everyone in the workspace with role, team, capacity and status;
//! create, edit, deactivate and reactivate; live updates from `userChanges` so another
//! administrator's change shows up without a reload.

use std::rc::Rc;

use serde_json::json;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::user_form::{FormMode, UserForm};
use crate::api::subscription::{subscribe, SubscriptionEvent};
use crate::api::types::{Team, User};
use crate::api::users::{self, UserChanges, UserConnection};
use crate::api::{teams, use_client, ApiError};
use crate::components::empty_state::EmptyState;
use crate::components::error_notice::{ErrorNotice, SuccessNotice};
use crate::components::icon::{Icon, IconName};
use crate::components::skeleton::TableSkeleton;
use crate::i18n::{role_key, use_i18n, Key};

/// Whether the live feed is connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Live {
    Connecting,
    Connected,
    Reconnecting,
    Off,
}

#[derive(Debug, Clone, PartialEq)]
struct UsersState {
    users: Vec<User>,
    total: i64,
    next_cursor: Option<String>,
    loading: bool,
    error: Option<ApiError>,
    live: Live,
}

impl Default for UsersState {
    fn default() -> Self {
        UsersState {
            users: Vec::new(),
            total: 0,
            next_cursor: None,
            loading: true,
            error: None,
            live: Live::Connecting,
        }
    }
}

enum UsersAction {
    Loading,
    Loaded {
        page: UserConnection,
        append: bool,
    },
    Failed(ApiError),
    /// A user was created or changed, here or by someone else.
    Upsert(User),
    Live(Live),
}

impl Reducible for UsersState {
    type Action = UsersAction;

    fn reduce(self: Rc<Self>, action: UsersAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            UsersAction::Loading => {
                next.loading = true;
                next.error = None;
            }
            UsersAction::Loaded { page, append } => {
                let fresh = page.edges.into_iter().map(|e| e.node);
                if append {
                    for user in fresh {
                        upsert(&mut next.users, user);
                    }
                } else {
                    next.users = fresh.collect();
                }
                next.total = page.total_count;
                next.next_cursor = page
                    .page_info
                    .has_next_page
                    .then_some(page.page_info.end_cursor)
                    .flatten();
                next.loading = false;
            }
            UsersAction::Failed(err) => {
                next.loading = false;
                next.error = Some(err);
            }
            UsersAction::Upsert(user) => {
                if upsert(&mut next.users, user) {
                    next.total += 1;
                }
            }
            UsersAction::Live(live) => next.live = live,
        }
        Rc::new(next)
    }
}

/// Replaces the user with the same id, or inserts it in name order. True if inserted.
fn upsert(users: &mut Vec<User>, user: User) -> bool {
    if let Some(existing) = users.iter_mut().find(|u| u.id == user.id) {
        *existing = user;
        return false;
    }
    let key = user.name.to_lowercase();
    let at = users
        .iter()
        .position(|u| u.name.to_lowercase() > key)
        .unwrap_or(users.len());
    users.insert(at, user);
    true
}

#[component]
pub fn UsersTab() -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let state = use_reducer(UsersState::default);
    let team_list = use_state(Vec::<Team>::new);
    let form = use_state(|| None::<FormMode>);
    let flash = use_state(|| None::<String>);
    let action_error = use_state(|| None::<ApiError>);
    let reload = use_state(|| 0u32);

    // First page (again on "try again").
    {
        let (client, dispatch) = (client.clone(), state.dispatcher());
        use_effect_with(*reload, move |_| {
            dispatch.dispatch(UsersAction::Loading);
            spawn_local(async move {
                match users::list(&client, None).await {
                    Ok(page) => dispatch.dispatch(UsersAction::Loaded {
                        page,
                        append: false,
                    }),
                    Err(err) => dispatch.dispatch(UsersAction::Failed(err)),
                }
            });
        });
    }
    // Teams, for the form's team picker.
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
    // Live changes for as long as the tab is open.
    {
        let (client, dispatch) = (client.clone(), state.dispatcher());
        use_effect_with((), move |_| {
            let on_event = Callback::from(move |event: SubscriptionEvent<UserChanges>| {
                dispatch.dispatch(match event {
                    SubscriptionEvent::Connected => UsersAction::Live(Live::Connected),
                    SubscriptionEvent::Reconnecting => UsersAction::Live(Live::Reconnecting),
                    SubscriptionEvent::Failed(_) => UsersAction::Live(Live::Off),
                    SubscriptionEvent::Data(change) => {
                        UsersAction::Upsert(change.user_changes.user)
                    }
                })
            });
            let subscription = subscribe(client, users::changes_document(), json!({}), on_event);
            move || drop(subscription)
        });
    }

    let load_more = {
        let (client, dispatch) = (client.clone(), state.dispatcher());
        let cursor = state.next_cursor.clone();
        Callback::from(move |_: MouseEvent| {
            let (client, dispatch, cursor) = (client.clone(), dispatch.clone(), cursor.clone());
            spawn_local(async move {
                match users::list(&client, cursor).await {
                    Ok(page) => dispatch.dispatch(UsersAction::Loaded { page, append: true }),
                    Err(err) => dispatch.dispatch(UsersAction::Failed(err)),
                }
            });
        })
    };

    let open_create = {
        let (form, flash) = (form.clone(), flash.clone());
        Callback::from(move |_: MouseEvent| {
            flash.set(None);
            form.set(Some(FormMode::Create));
        })
    };
    let on_saved = {
        let (form, flash, dispatch, i18n) = (
            form.clone(),
            flash.clone(),
            state.dispatcher(),
            i18n.clone(),
        );
        Callback::from(move |(user, created): (User, bool)| {
            flash.set(Some(if created {
                i18n.tf(Key::UserCreated, &[("name", &user.name)])
            } else {
                i18n.t(Key::ChangesSaved).to_owned()
            }));
            dispatch.dispatch(UsersAction::Upsert(user));
            form.set(None);
        })
    };
    let on_cancel = {
        let form = form.clone();
        Callback::from(move |_| form.set(None))
    };
    let toggle_active = {
        let (client, dispatch, i18n, action_error) = (
            client.clone(),
            state.dispatcher(),
            i18n.clone(),
            action_error.clone(),
        );
        Callback::from(move |user: User| {
            if user.active {
                let question = i18n.tf(Key::DeactivateConfirm, &[("name", &user.name)]);
                if !gloo::dialogs::confirm(&question) {
                    return;
                }
            }
            let (client, dispatch, action_error) =
                (client.clone(), dispatch.clone(), action_error.clone());
            spawn_local(async move {
                match users::set_active(&client, &user.id, !user.active).await {
                    Ok(payload) => {
                        if let Some(user) = payload.user {
                            dispatch.dispatch(UsersAction::Upsert(user));
                        }
                        action_error.set(None);
                    }
                    Err(err) => action_error.set(Some(err)),
                }
            });
        })
    };
    let on_edit = {
        let (form, flash) = (form.clone(), flash.clone());
        Callback::from(move |user: User| {
            flash.set(None);
            form.set(Some(FormMode::Edit(user)));
        })
    };
    let retry = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };

    let live = match state.live {
        Live::Connected => html! {
            <span class="live live-on" data-testid="live-indicator" title={i18n.t(Key::LiveHint)}>
                <span class="live-dot" aria-hidden="true" />{ i18n.t(Key::Live) }
            </span>
        },
        Live::Reconnecting => html! {
            <span class="live live-off" data-testid="live-indicator">
                <span class="live-dot" aria-hidden="true" />{ i18n.t(Key::Offline) }
            </span>
        },
        Live::Connecting | Live::Off => html! {},
    };

    let table_body = if state.loading && state.users.is_empty() {
        html! { <TableSkeleton columns={6} /> }
    } else {
        html! {
            <tbody>
                { for state.users.iter().map(|user| html! {
                    <UserRow key={user.id.clone()} user={user.clone()}
                             on_edit={on_edit.clone()} on_toggle={toggle_active.clone()} />
                }) }
            </tbody>
        }
    };
    let show_empty = !state.loading && state.error.is_none() && state.users.is_empty();

    html! {
        <div class="tab-panel" data-testid="users-tab">
            <div class="toolbar">
                <div class="toolbar-start">
                    <span class="count" data-testid="users-count">
                        { i18n.tf(Key::UsersCount, &[("n", &state.total.to_string())]) }
                    </span>
                    { live }
                </div>
                <button type="button" class="btn btn-primary" data-testid="new-user" onclick={open_create.clone()}>
                    <Icon name={IconName::Plus} />{ i18n.t(Key::NewUser) }
                </button>
            </div>
            if let Some(message) = &*flash {
                <SuccessNotice message={message.clone()} on_dismiss={{
                    let flash = flash.clone();
                    Callback::from(move |_| flash.set(None))
                }} />
            }
            if let Some(err) = &state.error {
                <ErrorNotice error={err.clone()} on_retry={retry} />
            }
            if let Some(err) = &*action_error {
                <ErrorNotice error={err.clone()} />
            }
            if show_empty {
                <div class="card">
                    <EmptyState icon={IconName::Users} title={i18n.t(Key::UsersEmptyTitle)} hint={i18n.t(Key::UsersEmptyHint)}>
                        <button type="button" class="btn btn-primary" onclick={open_create}>
                            <Icon name={IconName::Plus} />{ i18n.t(Key::NewUser) }
                        </button>
                    </EmptyState>
                </div>
            } else {
                <div class="card table-wrap">
                    <table class="table table-fixed" data-testid="users-table">
                        <colgroup>
                            <col style="width:27%" />
                            <col style="width:12%" />
                            <col />
                            <col style="width:76px" />
                            <col style="width:112px" />
                            <col style="width:180px" />
                        </colgroup>
                        <thead>
                            <tr>
                                <th scope="col">{ i18n.t(Key::Name) }</th>
                                <th scope="col">{ i18n.t(Key::Role) }</th>
                                <th scope="col">{ i18n.t(Key::Team) }</th>
                                <th scope="col" class="num">{ i18n.t(Key::Capacity) }</th>
                                <th scope="col">{ i18n.t(Key::Status) }</th>
                                <th scope="col" class="actions-col"><span class="visually-hidden">{ i18n.t(Key::Actions) }</span></th>
                            </tr>
                        </thead>
                        { table_body }
                    </table>
                </div>
                if state.next_cursor.is_some() {
                    <div class="table-more">
                        <button type="button" class="btn btn-secondary" onclick={load_more}>{ i18n.t(Key::LoadMore) }</button>
                    </div>
                }
            }
            if let Some(mode) = &*form {
                <UserForm mode={mode.clone()} teams={(*team_list).clone()} {on_saved} {on_cancel} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct UserRowProps {
    user: User,
    on_edit: Callback<User>,
    on_toggle: Callback<User>,
}

#[component]
fn UserRow(props: &UserRowProps) -> Html {
    let i18n = use_i18n();
    let user = &props.user;
    let edit = {
        let (cb, user) = (props.on_edit.clone(), user.clone());
        Callback::from(move |_: MouseEvent| cb.emit(user.clone()))
    };
    let toggle = {
        let (cb, user) = (props.on_toggle.clone(), user.clone());
        Callback::from(move |_: MouseEvent| cb.emit(user.clone()))
    };
    let areas: Vec<&str> = user
        .regions
        .iter()
        .chain(user.industries.iter())
        .map(String::as_str)
        .collect();
    html! {
        <tr data-testid="user-row" data-email={user.email.clone()}
            class={classes!((!user.active).then_some("is-muted"))}>
            <td>
                <div class="cell-primary">{ user.name.clone() }</div>
                <div class="cell-secondary">{ user.email.clone() }</div>
            </td>
            <td><span class={classes!("badge", format!("role-{}", user.role.as_str()))}>{ i18n.t(role_key(user.role)) }</span></td>
            <td>
                if let Some(team) = &user.team {
                    <div class="cell-primary">{ team.name.clone() }</div>
                } else {
                    <div class="muted">{ "—" }</div>
                }
                if !areas.is_empty() {
                    <div class="cell-secondary">{ areas.join(" · ") }</div>
                }
            </td>
            <td class="num">{ user.capacity }</td>
            <td>
                <span class={classes!("status", if user.active { "status-on" } else { "status-off" })}>
                    <span class="status-dot" aria-hidden="true" />
                    { i18n.t(if user.active { Key::StatusActive } else { Key::StatusDeactivated }) }
                </span>
            </td>
            <td class="actions-col">
                <div class="row-actions">
                    <button type="button" class="btn btn-ghost btn-sm" data-testid="user-edit" onclick={edit}>
                        { i18n.t(Key::Edit) }
                    </button>
                    <button type="button" class="btn btn-ghost btn-sm" data-testid="user-toggle-active" onclick={toggle}>
                        { i18n.t(if user.active { Key::Deactivate } else { Key::Reactivate }) }
                    </button>
                </div>
            </td>
        </tr>
    }
}
