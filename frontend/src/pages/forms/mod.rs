//! Forms: the web-to-lead forms marketers put on the company's website.
//!
//! - [`list`] shows every form (name, source, live or off, created);
//! - [`designer`] edits one, with its field list in [`fields`] and the rules of the
//!   draft in [`draft`]; [`share`] gives a saved form's hosted page and embed snippet.
//!
//! Only admins and marketers design forms; everyone else gets a plain notice instead of
//! a FORBIDDEN error.

mod designer;
mod draft;
mod fields;
mod list;
mod share;

use leadflow_shared::Role;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::forms::{self, Form};
use crate::api::{use_client, ApiError};
use crate::components::empty_state::EmptyState;
use crate::components::error_notice::SuccessNotice;
use crate::components::icon::{Icon, IconName};
use crate::components::page_header::PageHeader;
use crate::i18n::{use_i18n, Key};
use crate::session::use_session;
use designer::FormDesigner;
use list::FormList;

#[component]
pub fn FormsPage() -> Html {
    let i18n = use_i18n();
    let session = use_session();
    let role = session.me.as_ref().map(|me| me.role);
    let may_design = matches!(role, Some(Role::Admin | Role::Marketer));

    let header = html! {
        <PageHeader title={i18n.t(Key::NavForms)} subtitle={AttrValue::from(i18n.t(Key::FormsSubtitle))} />
    };
    // Designers get the workspace, whose header carries the "New form" button.
    let body = match role {
        None => html! {
            <>
                { header }
                <div class="card card-pad muted" aria-busy="true">{ i18n.t(Key::Loading) }</div>
            </>
        },
        Some(_) if may_design => html! { <FormsWorkspace /> },
        Some(_) => html! {
            <>
                { header }
                <div class="card" data-testid="forms-designers-only">
                    <EmptyState icon={IconName::Forms} title={i18n.t(Key::FormsDesignersOnlyTitle)}
                                hint={i18n.t(Key::FormsDesignersOnlyHint)} />
                </div>
            </>
        },
    };
    html! {
        <section class="page" data-testid="page-forms">
            { body }
        </section>
    }
}

/// What the designer shows: nothing, a new form, or a saved one.
#[derive(Debug, Clone, PartialEq)]
enum Editing {
    Closed,
    /// The number tells one "New form" opening from the next, so each starts blank.
    New(u32),
    Saved(Box<Form>),
}

/// The list and the designer, for people allowed to design.
#[component]
fn FormsWorkspace() -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let list = use_state(|| None::<Result<Vec<Form>, ApiError>>);
    let reload = use_state(|| 0u32);
    let editing = use_state(|| Editing::Closed);
    let saved = use_state(|| false);

    {
        let (client, list) = (client.clone(), list.clone());
        use_effect_with(*reload, move |_| {
            spawn_local(async move { list.set(Some(forms::list(&client).await)) });
        });
    }

    let new_form = {
        let (editing, saved, reload) = (editing.clone(), saved.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            saved.set(false);
            editing.set(Editing::New(*reload));
        })
    };
    let on_edit = {
        let (editing, saved) = (editing.clone(), saved.clone());
        Callback::from(move |form: Form| {
            saved.set(false);
            editing.set(Editing::Saved(Box::new(form)));
        })
    };
    let on_saved = {
        let (editing, saved, reload) = (editing.clone(), saved.clone(), reload.clone());
        Callback::from(move |form: Form| {
            saved.set(true);
            editing.set(Editing::Saved(Box::new(form)));
            reload.set(*reload + 1);
        })
    };
    let on_close = {
        let (editing, saved) = (editing.clone(), saved.clone());
        Callback::from(move |()| {
            saved.set(false);
            editing.set(Editing::Closed);
        })
    };
    let retry = {
        let reload = reload.clone();
        Callback::from(move |()| reload.set(*reload + 1))
    };
    let selected = match &*editing {
        Editing::Saved(form) => Some(form.id.clone()),
        _ => None,
    };

    html! {
        <>
            <PageHeader title={i18n.t(Key::NavForms)} subtitle={AttrValue::from(i18n.t(Key::FormsSubtitle))}>
                <button type="button" class="btn btn-primary" data-testid="new-form" onclick={new_form.clone()}>
                    <Icon name={IconName::Plus} />{ i18n.t(Key::NewForm) }
                </button>
            </PageHeader>
            if *saved {
                <SuccessNotice message={i18n.t(Key::FormSaved)} on_dismiss={{
                    let saved = saved.clone();
                    Callback::from(move |()| saved.set(false))
                }} />
            }
            { match &*editing {
                Editing::Closed => Html::default(),
                Editing::New(n) => html! {
                    <FormDesigner key={format!("new-{n}")} form={None::<Form>} on_saved={on_saved.clone()} on_close={on_close.clone()} />
                },
                Editing::Saved(form) => html! {
                    <FormDesigner key={form.id.clone()} form={Some((**form).clone())} on_saved={on_saved.clone()} on_close={on_close.clone()} />
                },
            } }
            <FormList list={(*list).clone()} {selected} {on_edit} on_retry={retry}
                      on_new={new_form} />
        </>
    }
}
