//! The forms table: name (with its public key), source channel, live or off, created.
//! Clicking a row opens it in the designer.

use yew::prelude::*;

use crate::api::forms::Form;
use crate::api::ApiError;
use crate::components::empty_state::EmptyState;
use crate::components::error_notice::ErrorNotice;
use crate::components::icon::{Icon, IconName};
use crate::components::skeleton::TableSkeleton;
use crate::i18n::{channel_key, use_i18n, Key};

#[derive(Properties, PartialEq)]
pub struct FormListProps {
    /// `None` while loading.
    pub list: Option<Result<Vec<Form>, ApiError>>,
    /// The form open in the designer, highlighted.
    pub selected: Option<String>,
    pub on_edit: Callback<Form>,
    pub on_retry: Callback<()>,
    pub on_new: Callback<MouseEvent>,
}

#[component]
pub fn FormList(props: &FormListProps) -> Html {
    let i18n = use_i18n();
    let head = html! {
        <thead><tr>
            <th scope="col">{ i18n.t(Key::FormName) }</th>
            <th scope="col">{ i18n.t(Key::Source) }</th>
            <th scope="col">{ i18n.t(Key::Status) }</th>
            <th scope="col">{ i18n.t(Key::Created) }</th>
            <th scope="col" class="actions-col"><span class="visually-hidden">{ i18n.t(Key::Actions) }</span></th>
        </tr></thead>
    };
    match &props.list {
        None => html! {
            <div class="card table-wrap"><table class="table">{ head }<TableSkeleton columns={5} rows={3} /></table></div>
        },
        Some(Err(err)) => {
            html! { <ErrorNotice error={err.clone()} on_retry={props.on_retry.clone()} /> }
        }
        Some(Ok(forms)) if forms.is_empty() => html! {
            <div class="card">
                <EmptyState icon={IconName::Forms} title={i18n.t(Key::FormsEmptyTitle)} hint={i18n.t(Key::FormsEmptyHint)}>
                    <button type="button" class="btn btn-primary" data-testid="new-form-empty" onclick={props.on_new.clone()}>
                        <Icon name={IconName::Plus} />{ i18n.t(Key::NewForm) }
                    </button>
                </EmptyState>
            </div>
        },
        Some(Ok(forms)) => html! {
            <div class="card table-wrap">
                <table class="table" data-testid="forms-table">
                    { head }
                    <tbody>
                        { for forms.iter().map(|form| {
                            let onclick = {
                                let (cb, form) = (props.on_edit.clone(), form.clone());
                                Callback::from(move |_: MouseEvent| cb.emit(form.clone()))
                            };
                            let selected = props.selected.as_deref() == Some(form.id.as_str());
                            html! {
                                <tr key={form.id.clone()} data-testid="form-row" data-name={form.name.clone()}
                                    class={classes!(selected.then_some("is-selected"), (!form.active).then_some("is-muted"))}>
                                    <td>
                                        <div class="cell-primary">{ form.name.clone() }</div>
                                        <code class="cell-secondary mono">{ form.path.clone() }</code>
                                    </td>
                                    <td>{ i18n.t(channel_key(form.source)) }</td>
                                    <td>
                                        if form.active {
                                            <span class="status status-on"><span class="status-dot" aria-hidden="true" />{ i18n.t(Key::FormOn) }</span>
                                        } else {
                                            <span class="status status-off"><span class="status-dot" aria-hidden="true" />{ i18n.t(Key::FormOff) }</span>
                                        }
                                    </td>
                                    <td class="cell-secondary">{ i18n.date(&form.created_at) }</td>
                                    <td class="actions-col">
                                        <button type="button" class="btn btn-ghost btn-sm" data-testid="form-edit" {onclick}>
                                            { i18n.t(Key::Edit) }
                                        </button>
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        },
    }
}
