//! Bulk actions on the ticked rows of the lead list: the sticky [`BulkBar`] ("3 selected",
//! Assign…, Tag…, Clear) and its two dialogs.
//!
//! - [`AssignDialog`] (admins and managers): a new owner from `users`, or back to the
//!   pool, and an optional note → `leadsAssign`. The server checks the rest (a manager
//!   may only give leads to people in their teams) and refuses all-or-none; its
//!   `userErrors` stay in the dialog.
//! - [`TagDialog`]: tags to add and to remove, comma separated (Chinese commas too) →
//!   `leadsTag`.
//! - [`StageDialog`]: a new lifecycle stage (and, for Lost, the reason) →
//!   `leadsMoveStage`; the server checks every lead against the stage machine.

//!
//! Both report the leads the server changed, so the list updates those rows in place.

use leadflow_shared::{LeadStage, Role};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::export::ExportButton;
use crate::api::leads::{self, BulkLead};
use crate::api::types::User;
use crate::api::users;
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::form::{
    input_value, select_value, split_list, Field, FormAlert, FormErrors,
};
use crate::i18n::{stage_key, use_i18n, Key};

/// The `<select>` value meaning "no owner": back to the claim pool.
const POOL: &str = "__pool";

/// Who may use "Assign…" (the server enforces it too).
pub fn can_assign(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Admin | Role::Manager))
}

/// What a finished bulk action hands back to the list.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkDone {
    pub leads: Vec<BulkLead>,
    /// The confirmation to show, already translated.
    pub notice: String,
}

#[derive(Properties, PartialEq)]
pub struct BulkBarProps {
    pub count: usize,
    pub can_assign: bool,
    pub on_assign: Callback<()>,
    pub on_tag: Callback<()>,
    pub on_stage: Callback<()>,
    pub on_clear: Callback<()>,
    /// The ticked leads, for "Export CSV" of just these.
    pub ids: Vec<String>,
}

#[component]
pub fn BulkBar(props: &BulkBarProps) -> Html {
    let i18n = use_i18n();
    let emit = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <div class="bulk-bar" role="toolbar" aria-label={i18n.t(Key::BulkActions)} data-testid="bulk-bar">
            <span class="bulk-count" data-testid="bulk-count" aria-live="polite">
                { i18n.tf(Key::BulkSelected, &[("n", &props.count.to_string())]) }
            </span>
            <span class="toolbar-spacer" />
            if props.can_assign {
                <button type="button" class="btn btn-secondary btn-sm" data-testid="bulk-assign"
                        onclick={emit(&props.on_assign)}>
                    { i18n.t(Key::BulkAssign) }
                </button>
            }
            <button type="button" class="btn btn-secondary btn-sm" data-testid="bulk-tag" onclick={emit(&props.on_tag)}>
                { i18n.t(Key::BulkTag) }
            </button>
            <button type="button" class="btn btn-secondary btn-sm" data-testid="bulk-stage" onclick={emit(&props.on_stage)}>
                { i18n.t(Key::BulkStage) }
            </button>
            <ExportButton query={format!("ids={}", props.ids.join(","))} small=true />
            <button type="button" class="btn btn-ghost btn-sm" data-testid="bulk-clear" onclick={emit(&props.on_clear)}>
                { i18n.t(Key::BulkClear) }
            </button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct BulkDialogProps {
    /// The ticked leads.
    pub ids: Vec<String>,
    pub on_done: Callback<BulkDone>,
    pub on_cancel: Callback<()>,
}

/// Focus `node` once, when the dialog opens.
#[hook]
fn use_focus_on_open(node: NodeRef) {
    use_effect_with((), move |_| {
        if let Some(el) = node.cast::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    });
}

fn escape_closes(on_cancel: &Callback<()>) -> Callback<KeyboardEvent> {
    let cb = on_cancel.clone();
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            cb.emit(());
        }
    })
}

/// The people to choose from, loading or failed.
#[derive(Debug, Clone, PartialEq)]
enum People {
    Loading,
    Loaded(Vec<User>),
    Failed(ApiError),
}

#[component]
pub fn AssignDialog(props: &BulkDialogProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let people = use_state(|| People::Loading);
    let retry = use_state(|| 0u32);
    let owner = use_state(String::new);
    let note = use_state(String::new);
    let errors = use_state(FormErrors::default);
    let failure = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let first = use_node_ref();
    use_focus_on_open(first.clone());

    {
        let (client, people) = (client.clone(), people.clone());
        use_effect_with(*retry, move |_| {
            people.set(People::Loading);
            spawn_local(async move {
                people.set(match users::pickable(&client, None).await {
                    Ok(list) => People::Loaded(list),
                    Err(err) => People::Failed(err),
                });
            });
        });
    }

    let onsubmit = {
        let (owner, note, errors, failure, busy, people) = (
            owner.clone(),
            note.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
            people.clone(),
        );
        let (ids, on_done, i18n) = (props.ids.clone(), props.on_done.clone(), i18n.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            if owner.is_empty() {
                errors.set(FormErrors::local(
                    "ownerId",
                    leadflow_shared::UserErrorCode::Required,
                ));
                return;
            }
            let owner_id = (owner.as_str() != POOL).then(|| (*owner).clone());
            let owner_name = match (&*people, &owner_id) {
                (People::Loaded(list), Some(id)) => list
                    .iter()
                    .find(|u| &u.id == id)
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let note = Some(note.trim().to_owned()).filter(|n| !n.is_empty());
            busy.set(true);
            failure.set(None);
            errors.set(FormErrors::default());
            let (client, errors, failure, busy, ids, on_done, i18n) = (
                client.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                ids.clone(),
                on_done.clone(),
                i18n.clone(),
            );
            spawn_local(async move {
                let result =
                    leads::assign(&client, &ids, owner_id.as_deref(), note.as_deref()).await;
                busy.set(false);
                match result {
                    Ok(payload) if payload.user_errors.is_empty() => {
                        let n = payload.leads.len().to_string();
                        let notice = match owner_id {
                            Some(_) => {
                                i18n.tf(Key::AssignedNotice, &[("n", &n), ("name", &owner_name)])
                            }
                            None => i18n.tf(Key::ReleasedNotice, &[("n", &n)]),
                        };
                        on_done.emit(BulkDone {
                            leads: payload.leads,
                            notice,
                        });
                    }
                    Ok(payload) => errors.set(FormErrors::new(payload.user_errors)),
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };
    let on_owner = {
        let (owner, errors) = (owner.clone(), errors.clone());
        Callback::from(move |e: Event| {
            owner.set(select_value(&e));
            errors.set(FormErrors::default());
        })
    };
    let on_note = {
        let note = note.clone();
        Callback::from(move |e: InputEvent| note.set(input_value(&e)))
    };
    let cancel = {
        let cb = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_retry = {
        let retry = retry.clone();
        Callback::from(move |_| retry.set(*retry + 1))
    };
    let owner_error = errors.for_field(&i18n, "ownerId");
    let n = props.ids.len().to_string();
    let select = match &*people {
        People::Failed(err) => html! { <ErrorNotice error={err.clone()} on_retry={on_retry} /> },
        People::Loading | People::Loaded(_) => {
            let list: &[User] = match &*people {
                People::Loaded(list) => list,
                _ => &[],
            };
            let loading = matches!(&*people, People::Loading);
            html! {
                <select id="assign-owner" data-testid="assign-owner" class="input" ref={first.clone()}
                        required=true aria-invalid={owner_error.is_some().then_some("true")}
                        aria-busy={loading.to_string()} onchange={on_owner}>
                    <option value="" selected={owner.is_empty()} disabled=true>
                        { i18n.t(if loading { Key::Loading } else { Key::AssignChoose }) }
                    </option>
                    <option value={POOL} selected={owner.as_str() == POOL}>{ i18n.t(Key::AssignToPool) }</option>
                    { for list.iter().map(|u| html! {
                        <option value={u.id.clone()} selected={*owner == u.id}>
                            { format!("{} · {}", u.name, u.email) }
                        </option>
                    }) }
                </select>
            }
        }
    };
    let nobody = matches!(&*people, People::Loaded(list) if list.is_empty());

    html! {
        <div class="dialog-backdrop" onkeydown={escape_closes(&props.on_cancel)}>
            <div class="dialog dialog-narrow" role="dialog" aria-modal="true" aria-labelledby="assign-title"
                 data-testid="assign-dialog">
                <form class="form" {onsubmit}>
                    <header class="dialog-header">
                        <h2 id="assign-title" class="dialog-title">{ i18n.tf(Key::AssignTitle, &[("n", &n)]) }</h2>
                    </header>
                    <div class="dialog-body">
                        <FormAlert messages={errors.general(&i18n, &["ownerId", "note"])} />
                        if let Some(failure) = &*failure {
                            <ErrorNotice error={failure.clone()} />
                        }
                        <Field id="assign-owner" label={i18n.t(Key::AssignOwner)} error={owner_error.clone()}
                               detail={errors.detail_for_field("ownerId")}
                               hint={nobody.then(|| AttrValue::from(i18n.t(Key::AssignNoPeople)))}>
                            { select }
                        </Field>
                        <Field id="assign-note" label={i18n.t(Key::AssignNote)} error={errors.for_field(&i18n, "note")}
                               detail={errors.detail_for_field("note")} hint={AttrValue::from(i18n.t(Key::AssignNoteHint))}>
                            <textarea id="assign-note" data-testid="assign-note" class="input" rows="2"
                                      value={(*note).clone()} oninput={on_note} />
                        </Field>
                    </div>
                    <footer class="dialog-footer">
                        <button type="button" class="btn btn-secondary" data-testid="assign-cancel" onclick={cancel}>
                            { i18n.t(Key::Cancel) }
                        </button>
                        <button type="submit" class="btn btn-primary" data-testid="assign-submit"
                                disabled={*busy} aria-busy={busy.to_string()}>
                            { i18n.t(if *busy { Key::Working } else { Key::AssignSubmit }) }
                        </button>
                    </footer>
                </form>
            </div>
        </div>
    }
}

#[component]
pub fn TagDialog(props: &BulkDialogProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let add = use_state(String::new);
    let remove = use_state(String::new);
    let nothing = use_state(|| false);
    let errors = use_state(FormErrors::default);
    let failure = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let first = use_node_ref();
    use_focus_on_open(first.clone());

    let onsubmit = {
        let (add, remove, nothing, errors, failure, busy) = (
            add.clone(),
            remove.clone(),
            nothing.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
        );
        let (ids, on_done, i18n) = (props.ids.clone(), props.on_done.clone(), i18n.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let (to_add, to_remove) = (split_list(&add), split_list(&remove));
            if to_add.is_empty() && to_remove.is_empty() {
                nothing.set(true);
                return;
            }
            nothing.set(false);
            busy.set(true);
            failure.set(None);
            errors.set(FormErrors::default());
            let (client, errors, failure, busy, ids, on_done, i18n) = (
                client.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                ids.clone(),
                on_done.clone(),
                i18n.clone(),
            );
            spawn_local(async move {
                let result = leads::tag(&client, &ids, &to_add, &to_remove).await;
                busy.set(false);
                match result {
                    Ok(payload) if payload.user_errors.is_empty() => {
                        let n = payload.leads.len().to_string();
                        on_done.emit(BulkDone {
                            leads: payload.leads,
                            notice: i18n.tf(Key::TaggedNotice, &[("n", &n)]),
                        });
                    }
                    Ok(payload) => errors.set(FormErrors::new(payload.user_errors)),
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };
    let on_text = |state: &UseStateHandle<String>| {
        let (state, nothing) = (state.clone(), nothing.clone());
        Callback::from(move |e: InputEvent| {
            state.set(input_value(&e));
            nothing.set(false);
        })
    };
    let cancel = {
        let cb = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let n = props.ids.len().to_string();
    let mut general = errors.general(&i18n, &["add", "remove"]);
    if *nothing {
        general.push(i18n.t(Key::TagNothing).to_owned());
    }

    html! {
        <div class="dialog-backdrop" onkeydown={escape_closes(&props.on_cancel)}>
            <div class="dialog dialog-narrow" role="dialog" aria-modal="true" aria-labelledby="tag-title"
                 data-testid="tag-dialog">
                <form class="form" {onsubmit}>
                    <header class="dialog-header">
                        <h2 id="tag-title" class="dialog-title">{ i18n.tf(Key::TagTitle, &[("n", &n)]) }</h2>
                    </header>
                    <div class="dialog-body">
                        <FormAlert messages={general} />
                        if let Some(failure) = &*failure {
                            <ErrorNotice error={failure.clone()} />
                        }
                        <Field id="tag-add" label={i18n.t(Key::TagAdd)} error={errors.for_field(&i18n, "add")}
                               detail={errors.detail_for_field("add")} hint={AttrValue::from(i18n.t(Key::CommaSeparated))}>
                            <input id="tag-add" data-testid="tag-add" class="input" type="text" autocomplete="off"
                                   ref={first} value={(*add).clone()} oninput={on_text(&add)} />
                        </Field>
                        <Field id="tag-remove" label={i18n.t(Key::TagRemove)} error={errors.for_field(&i18n, "remove")}
                               detail={errors.detail_for_field("remove")} hint={AttrValue::from(i18n.t(Key::CommaSeparated))}>
                            <input id="tag-remove" data-testid="tag-remove" class="input" type="text" autocomplete="off"
                                   value={(*remove).clone()} oninput={on_text(&remove)} />
                        </Field>
                    </div>
                    <footer class="dialog-footer">
                        <button type="button" class="btn btn-secondary" data-testid="tag-cancel" onclick={cancel}>
                            { i18n.t(Key::Cancel) }
                        </button>
                        <button type="submit" class="btn btn-primary" data-testid="tag-submit"
                                disabled={*busy} aria-busy={busy.to_string()}>
                            { i18n.t(if *busy { Key::Working } else { Key::TagSubmit }) }
                        </button>
                    </footer>
                </form>
            </div>
        </div>
    }
}

/// The stages a bulk move may target: opportunities and customers come from the
/// pipeline, not from the list.
const MOVABLE: [LeadStage; 5] = [
    LeadStage::Lead,
    LeadStage::Mql,
    LeadStage::Sql,
    LeadStage::Lost,
    LeadStage::Recycled,
];

#[component]
pub fn StageDialog(props: &BulkDialogProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let stage = use_state(|| None::<LeadStage>);
    let reason = use_state(String::new);
    let errors = use_state(FormErrors::default);
    let failure = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let first = use_node_ref();
    use_focus_on_open(first.clone());

    let onsubmit = {
        let (stage, reason, errors, failure, busy) = (
            stage.clone(),
            reason.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
        );
        let (ids, on_done, i18n) = (props.ids.clone(), props.on_done.clone(), i18n.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let Some(to) = *stage else {
                errors.set(FormErrors::local(
                    "stage",
                    leadflow_shared::UserErrorCode::Required,
                ));
                return;
            };
            let why = Some(reason.trim().to_owned()).filter(|r| !r.is_empty());
            if to == LeadStage::Lost && why.is_none() {
                errors.set(FormErrors::local(
                    "lostReason",
                    leadflow_shared::UserErrorCode::Required,
                ));
                return;
            }
            busy.set(true);
            failure.set(None);
            errors.set(FormErrors::default());
            let (client, errors, failure, busy, ids, on_done, i18n) = (
                client.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                ids.clone(),
                on_done.clone(),
                i18n.clone(),
            );
            spawn_local(async move {
                let result = leads::move_stage(&client, &ids, to, why.as_deref()).await;
                busy.set(false);
                match result {
                    Ok(payload) if payload.user_errors.is_empty() => {
                        let n = payload.leads.len().to_string();
                        let name = i18n.t(stage_key(to));
                        on_done.emit(BulkDone {
                            leads: payload.leads,
                            notice: i18n.tf(Key::StageMovedNotice, &[("n", &n), ("stage", name)]),
                        });
                    }
                    Ok(payload) => errors.set(FormErrors::new(payload.user_errors)),
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };
    let on_stage = {
        let (stage, errors) = (stage.clone(), errors.clone());
        Callback::from(move |e: Event| {
            let value = select_value(&e);
            stage.set(MOVABLE.into_iter().find(|s| s.as_str() == value));
            errors.set(FormErrors::default());
        })
    };
    let on_reason = {
        let reason = reason.clone();
        Callback::from(move |e: InputEvent| reason.set(input_value(&e)))
    };
    let cancel = {
        let cb = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let n = props.ids.len().to_string();
    let general = errors.general(&i18n, &["stage", "lostReason"]);
    let chosen = stage.map(LeadStage::as_str).unwrap_or("");

    html! {
        <div class="dialog-backdrop" onkeydown={escape_closes(&props.on_cancel)}>
            <div class="dialog dialog-narrow" role="dialog" aria-modal="true" aria-labelledby="stage-title"
                 data-testid="stage-dialog">
                <form class="form" {onsubmit}>
                    <header class="dialog-header">
                        <h2 id="stage-title" class="dialog-title">{ i18n.tf(Key::StageTitle, &[("n", &n)]) }</h2>
                    </header>
                    <div class="dialog-body">
                        <FormAlert messages={general} />
                        if let Some(failure) = &*failure {
                            <ErrorNotice error={failure.clone()} />
                        }
                        <Field id="stage-to" label={i18n.t(Key::StageTo)} error={errors.for_field(&i18n, "stage")}
                               detail={errors.detail_for_field("stage")}>
                            <select id="stage-to" data-testid="stage-to" class="input" ref={first} onchange={on_stage}>
                                <option value="" selected={chosen.is_empty()} disabled=true>{ "—" }</option>
                                { for MOVABLE.iter().map(|s| html! {
                                    <option value={s.as_str()} selected={chosen == s.as_str()}>
                                        { i18n.t(stage_key(*s)) }
                                    </option>
                                }) }
                            </select>
                        </Field>
                        if *stage == Some(LeadStage::Lost) {
                            <Field id="stage-reason" label={i18n.t(Key::LostReasonLabel)}
                                   error={errors.for_field(&i18n, "lostReason")}
                                   detail={errors.detail_for_field("lostReason")}
                                   hint={AttrValue::from(i18n.t(Key::LostReasonHint))}>
                                <input id="stage-reason" data-testid="stage-reason" class="input" type="text"
                                       autocomplete="off" maxlength="64" value={(*reason).clone()} oninput={on_reason} />
                            </Field>
                        }
                    </div>
                    <footer class="dialog-footer">
                        <button type="button" class="btn btn-secondary" data-testid="stage-cancel" onclick={cancel}>
                            { i18n.t(Key::Cancel) }
                        </button>
                        <button type="submit" class="btn btn-primary" data-testid="stage-submit"
                                disabled={*busy} aria-busy={busy.to_string()}>
                            { i18n.t(if *busy { Key::Working } else { Key::StageSubmit }) }
                        </button>
                    </footer>
                </form>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_and_managers_assign() {
        assert!(can_assign(Some(Role::Admin)));
        assert!(can_assign(Some(Role::Manager)));
        assert!(!can_assign(Some(Role::Rep)));
        assert!(!can_assign(None));
    }
}
