//! The dialog that creates a user or edits one; server `userErrors` appear beside the
//! field they name.

use std::rc::Rc;

use leadflow_shared::{Role, UserErrorCode};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::types::{Team, User, UserCreateInput, UserUpdateInput};
use crate::api::{use_client, users, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::form::{
    input_value, select_value, split_list, Field, FormAlert, FormErrors,
};
use crate::i18n::{role_key, use_i18n, Key};

#[derive(Debug, Clone, PartialEq)]
pub enum FormMode {
    Create,
    Edit(User),
}

/// What the form holds while the admin types; text as typed, parsed on submit.
#[derive(Debug, Clone, PartialEq)]
struct Draft {
    email: String,
    name: String,
    password: String,
    role: Role,
    team_id: String,
    regions: String,
    industries: String,
    capacity: String,
}

impl Draft {
    fn for_mode(mode: &FormMode) -> Draft {
        match mode {
            FormMode::Create => Draft {
                email: String::new(),
                name: String::new(),
                password: String::new(),
                role: Role::Rep,
                team_id: String::new(),
                regions: String::new(),
                industries: String::new(),
                capacity: String::new(),
            },
            FormMode::Edit(user) => Draft {
                email: user.email.clone(),
                name: user.name.clone(),
                password: String::new(),
                role: user.role,
                team_id: user.team.as_ref().map(|t| t.id.clone()).unwrap_or_default(),
                regions: user.regions.join(", "),
                industries: user.industries.join(", "),
                capacity: user.capacity.to_string(),
            },
        }
    }

    fn team_id(&self) -> Option<String> {
        (!self.team_id.is_empty()).then(|| self.team_id.clone())
    }

    /// The capacity as typed; `Err` when it is not a whole number ≥ 0.
    fn capacity(&self) -> Result<Option<i32>, ()> {
        let text = self.capacity.trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse::<i32>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or(())
    }
}

struct Edit(fn(&mut Draft, String), String);

impl Reducible for Draft {
    type Action = Edit;

    fn reduce(self: Rc<Self>, Edit(apply, value): Edit) -> Rc<Self> {
        let mut next = (*self).clone();
        apply(&mut next, value);
        Rc::new(next)
    }
}

/// Fields this form shows; `userErrors` about anything else go above the form.
const FIELDS: [&str; 8] = [
    "email",
    "name",
    "password",
    "role",
    "teamId",
    "regions",
    "industries",
    "capacity",
];

#[derive(Properties, PartialEq)]
pub struct UserFormProps {
    pub mode: FormMode,
    pub teams: Vec<Team>,
    /// The saved user, and whether it was newly created.
    pub on_saved: Callback<(User, bool)>,
    pub on_cancel: Callback<()>,
}

#[component]
pub fn UserForm(props: &UserFormProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let draft = use_reducer(|| Draft::for_mode(&props.mode));
    let errors = use_state(FormErrors::default);
    let failure = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let first_input = use_node_ref();
    let creating = props.mode == FormMode::Create;

    {
        let first_input = first_input.clone();
        use_effect_with((), move |_| {
            if let Some(input) = first_input.cast::<web_sys::HtmlElement>() {
                let _ = input.focus();
            }
        });
    }

    let on_input = |apply: fn(&mut Draft, String)| {
        let draft = draft.dispatcher();
        Callback::from(move |e: InputEvent| draft.dispatch(Edit(apply, input_value(&e))))
    };
    let on_select = |apply: fn(&mut Draft, String)| {
        let draft = draft.dispatcher();
        Callback::from(move |e: Event| draft.dispatch(Edit(apply, select_value(&e))))
    };

    let onsubmit = {
        let (draft, errors, failure, busy) =
            (draft.clone(), errors.clone(), failure.clone(), busy.clone());
        let (mode, on_saved) = (props.mode.clone(), props.on_saved.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let Ok(capacity) = draft.capacity() else {
                errors.set(FormErrors::local("capacity", UserErrorCode::Invalid));
                return;
            };
            busy.set(true);
            failure.set(None);
            let d = (*draft).clone();
            let (client, errors, failure, busy, mode, on_saved) = (
                client.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                mode.clone(),
                on_saved.clone(),
            );
            spawn_local(async move {
                let result = match &mode {
                    FormMode::Create => {
                        let input = UserCreateInput {
                            email: d.email.trim().to_owned(),
                            name: d.name.trim().to_owned(),
                            password: d.password.clone(),
                            role: d.role,
                            team_id: d.team_id(),
                            regions: split_list(&d.regions),
                            industries: split_list(&d.industries),
                            capacity,
                        };
                        users::create(&client, &input).await
                    }
                    FormMode::Edit(user) => {
                        let input = UserUpdateInput {
                            id: user.id.clone(),
                            name: d.name.trim().to_owned(),
                            role: d.role,
                            team_id: d.team_id(),
                            regions: split_list(&d.regions),
                            industries: split_list(&d.industries),
                            capacity,
                        };
                        users::update(&client, &input).await
                    }
                };
                busy.set(false);
                match result {
                    Ok(payload) => match payload.user {
                        Some(user) if payload.user_errors.is_empty() => {
                            on_saved.emit((user, mode == FormMode::Create))
                        }
                        _ => errors.set(FormErrors::new(payload.user_errors)),
                    },
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };

    let cancel = {
        let cb = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let onkeydown = {
        let cb = props.on_cancel.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                cb.emit(());
            }
        })
    };
    let err = |field: &str| errors.for_field(&i18n, field);
    let invalid = |field: &str| errors.for_field(&i18n, field).is_some().then_some("true");
    let title = i18n.t(if creating {
        Key::NewUser
    } else {
        Key::EditUser
    });

    html! {
        <div class="dialog-backdrop" {onkeydown}>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="user-form-title">
                <form class="form" data-testid="user-form" {onsubmit}>
                    <header class="dialog-header">
                        <h2 id="user-form-title" class="dialog-title">{ title }</h2>
                    </header>
                    <div class="dialog-body">
                        <FormAlert messages={errors.general(&i18n, &FIELDS)} />
                        if let Some(failure) = &*failure {
                            <ErrorNotice error={failure.clone()} />
                        }
                        <div class="form-grid">
                            <Field id="user-email" label={i18n.t(Key::Email)} error={err("email")}>
                                if creating {
                                    <input id="user-email" data-testid="user-email" class="input" type="email"
                                           ref={first_input.clone()} autocomplete="off" required=true
                                           placeholder={i18n.t(Key::EmailPlaceholder)} aria-invalid={invalid("email")}
                                           value={draft.email.clone()} oninput={on_input(|d, v| d.email = v)} />
                                } else {
                                    <input id="user-email" class="input" type="email" value={draft.email.clone()} disabled=true />
                                }
                            </Field>
                            <Field id="user-name" label={i18n.t(Key::Name)} error={err("name")}>
                                <input id="user-name" data-testid="user-name" class="input" type="text" required=true
                                       ref={if creating { NodeRef::default() } else { first_input.clone() }}
                                       aria-invalid={invalid("name")} autocomplete="off"
                                       value={draft.name.clone()} oninput={on_input(|d, v| d.name = v)} />
                            </Field>
                            if creating {
                                <Field id="user-password" label={i18n.t(Key::Password)} error={err("password")}>
                                    <input id="user-password" data-testid="user-password" class="input" type="password"
                                           autocomplete="new-password" required=true aria-invalid={invalid("password")}
                                           value={draft.password.clone()} oninput={on_input(|d, v| d.password = v)} />
                                </Field>
                            }
                            <Field id="user-role" label={i18n.t(Key::Role)} error={err("role")}>
                                <select id="user-role" data-testid="user-role" class="input"
                                        onchange={on_select(|d, v| d.role = Role::parse(&v).unwrap_or(Role::Rep))}>
                                    { for Role::ALL.iter().map(|role| html! {
                                        <option value={role.as_str()} selected={*role == draft.role}>
                                            { i18n.t(role_key(*role)) }
                                        </option>
                                    }) }
                                </select>
                            </Field>
                            <Field id="user-team" label={i18n.t(Key::Team)} error={err("teamId")}>
                                <select id="user-team" data-testid="user-team" class="input"
                                        onchange={on_select(|d, v| d.team_id = v)}>
                                    <option value="" selected={draft.team_id.is_empty()}>{ i18n.t(Key::NoTeam) }</option>
                                    { for props.teams.iter().map(|team| html! {
                                        <option value={team.id.clone()} selected={team.id == draft.team_id}>
                                            { team.name.clone() }
                                        </option>
                                    }) }
                                </select>
                            </Field>
                            <Field id="user-capacity" label={i18n.t(Key::Capacity)} error={err("capacity")}
                                   hint={AttrValue::from(i18n.t(Key::CapacityHint))}>
                                <input id="user-capacity" data-testid="user-capacity" class="input" type="number"
                                       min="0" step="1" inputmode="numeric" aria-invalid={invalid("capacity")}
                                       value={draft.capacity.clone()} oninput={on_input(|d, v| d.capacity = v)} />
                            </Field>
                            <Field id="user-regions" label={i18n.t(Key::Regions)} error={err("regions")}
                                   hint={AttrValue::from(i18n.t(Key::CommaSeparated))}>
                                <input id="user-regions" data-testid="user-regions" class="input" type="text"
                                       autocomplete="off" aria-invalid={invalid("regions")}
                                       value={draft.regions.clone()} oninput={on_input(|d, v| d.regions = v)} />
                            </Field>
                            <Field id="user-industries" label={i18n.t(Key::Industries)} error={err("industries")}
                                   hint={AttrValue::from(i18n.t(Key::CommaSeparated))}>
                                <input id="user-industries" data-testid="user-industries" class="input" type="text"
                                       autocomplete="off" aria-invalid={invalid("industries")}
                                       value={draft.industries.clone()} oninput={on_input(|d, v| d.industries = v)} />
                            </Field>
                        </div>
                    </div>
                    <footer class="dialog-footer">
                        <button type="button" class="btn btn-secondary" data-testid="user-cancel" onclick={cancel}>
                            { i18n.t(Key::Cancel) }
                        </button>
                        <button type="submit" class="btn btn-primary" data-testid="user-submit"
                                disabled={*busy} aria-busy={busy.to_string()}>
                            { i18n.t(if *busy { Key::Saving } else if creating { Key::Create } else { Key::Save }) }
                        </button>
                    </footer>
                </form>
            </div>
        </div>
    }
}
