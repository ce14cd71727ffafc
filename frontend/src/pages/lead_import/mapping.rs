//! The preview table of an import with its mapping row on top: for each column a select
//! of lead fields (or "custom field", or "ignore") above the first rows as read.

use yew::prelude::*;

use crate::api::imports::{ImportPreview, MappingTarget};
use crate::components::form::select_value;
use crate::i18n::{lead_field_key, use_i18n, Key};

#[derive(Properties, PartialEq)]
pub struct MappingTableProps {
    pub preview: ImportPreview,
    /// One per header, in column order.
    pub targets: Vec<MappingTarget>,
    pub on_change: Callback<(usize, MappingTarget)>,
}

#[component]
pub fn MappingTable(props: &MappingTableProps) -> Html {
    let i18n = use_i18n();
    let preview = &props.preview;
    let columns = preview.headers.len();

    let select = |column: usize, target: &MappingTarget| {
        let onchange = {
            let on_change = props.on_change.clone();
            Callback::from(move |e: Event| {
                on_change.emit((column, MappingTarget::from_value(&select_value(&e))))
            })
        };
        let option = |value: &'static str, label: &'static str| {
            html! { <option {value} selected={target.as_value() == value}>{ label }</option> }
        };
        html! {
            <select class={classes!("input", "input-sm", (*target == MappingTarget::Ignore).then_some("is-ignored"))}
                    data-testid={format!("import-map-{column}")}
                    aria-label={format!("{} → {}", preview.headers[column], i18n.t(Key::ImportMapping))}
                    {onchange}>
                { for MappingTarget::FIELDS.into_iter().map(|f| {
                    option(f, lead_field_key(f).map_or(f, |k| i18n.t(k)))
                }) }
                { option(MappingTarget::Custom.as_value(), i18n.t(Key::CustomFieldName)) }
                { option(MappingTarget::Ignore.as_value(), i18n.t(Key::ImportIgnore)) }
            </select>
        }
    };

    html! {
        <div class="table-wrap import-preview">
            <table class="table" data-testid="import-preview">
                <thead>
                    <tr class="mapping-row">
                        { for props.targets.iter().enumerate().map(|(column, target)| html! {
                            <th>{ select(column, target) }</th>
                        }) }
                    </tr>
                    <tr>
                        { for preview.headers.iter().map(|h| html! { <th class="import-header">{ h.clone() }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    { for preview.rows.iter().map(|row| html! {
                        <tr>
                            { for (0..columns).map(|c| html! {
                                <td>{ row.get(c).cloned().unwrap_or_default() }</td>
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
