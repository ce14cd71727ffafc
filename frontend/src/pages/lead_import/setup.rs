//! Step 2 of an import: check the file as the server read it, say where each column
//! goes and how duplicates are handled, then start. `importStart`'s `userErrors` (a
//! missing name column, a field mapped twice) appear beside the mapping.

use leadflow_shared::Channel;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::mapping::MappingTable;
use super::options::ImportOptions;
use crate::api::imports::{
    self, DedupPolicy, ImportJob, ImportPreview, ImportStartInput, MappingTarget,
};
use crate::api::types::UserError;
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::icon::{Icon, IconName};
use crate::i18n::{use_i18n, user_error_key, Key};

/// The server's guess, one target per header; unmapped columns are ignored.
fn suggested_targets(preview: &ImportPreview) -> Vec<MappingTarget> {
    (0..preview.headers.len())
        .map(|column| {
            preview
                .suggested_mapping
                .iter()
                .find(|m| usize::try_from(m.column).ok() == Some(column))
                .map_or(MappingTarget::Ignore, |m| {
                    MappingTarget::from_field(&m.field)
                })
        })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct ImportSetupProps {
    pub preview: ImportPreview,
    pub on_started: Callback<ImportJob>,
    /// "Choose another file".
    pub on_restart: Callback<()>,
}

#[component]
pub fn ImportSetup(props: &ImportSetupProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let targets = use_state(|| suggested_targets(&props.preview));
    let dedup = use_state(DedupPolicy::default);
    let source = use_state(|| Channel::Import);
    let busy = use_state(|| false);
    let user_errors = use_state(Vec::<UserError>::new);
    let failure = use_state(|| None::<ApiError>);

    let on_target = {
        let targets = targets.clone();
        Callback::from(move |(column, target): (usize, MappingTarget)| {
            let mut next = (*targets).clone();
            if let Some(slot) = next.get_mut(column) {
                *slot = target;
            }
            targets.set(next);
        })
    };
    let on_dedup = {
        let dedup = dedup.clone();
        Callback::from(move |p| dedup.set(p))
    };
    let on_source = {
        let source = source.clone();
        Callback::from(move |c| source.set(c))
    };
    let start = {
        let (busy, user_errors, failure) = (busy.clone(), user_errors.clone(), failure.clone());
        let on_started = props.on_started.clone();
        let input = ImportStartInput {
            upload_id: props.preview.upload_id.clone(),
            mapping: targets
                .iter()
                .enumerate()
                .filter_map(|(c, t)| {
                    t.mapping(c, props.preview.headers.get(c).map_or("", |h| h.as_str()))
                })
                .collect(),
            dedup_policy: *dedup,
            source: *source,
        };
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            busy.set(true);
            failure.set(None);
            let (client, busy, user_errors, failure, on_started, input) = (
                client.clone(),
                busy.clone(),
                user_errors.clone(),
                failure.clone(),
                on_started.clone(),
                input.clone(),
            );
            spawn_local(async move {
                let result = imports::start(&client, &input).await;
                busy.set(false);
                match result {
                    Ok(payload) => match payload.import_job {
                        Some(job) if payload.user_errors.is_empty() => on_started.emit(job),
                        _ => user_errors.set(payload.user_errors),
                    },
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };
    let restart = {
        let on_restart = props.on_restart.clone();
        Callback::from(move |_: MouseEvent| on_restart.emit(()))
    };

    let preview = &props.preview;
    let shown = preview.rows.len().to_string();
    html! {
        <div class="card import-setup" data-testid="import-setup">
            <div class="import-setup-head">
                <div class="import-file">
                    <strong data-testid="import-file-name">{ preview.file_name.clone() }</strong>
                    <span class="badge" data-testid="import-encoding">
                        { i18n.t(Key::ImportEncoding) }{ ": " }{ preview.encoding.label() }
                    </span>
                    <span class="muted">{ i18n.tf(Key::ImportPreviewRows, &[("n", &shown)]) }</span>
                </div>
                <button type="button" class="btn btn-ghost btn-sm" data-testid="import-restart" onclick={restart}>
                    { i18n.t(Key::ImportChooseAnother) }
                </button>
            </div>
            <div class="import-mapping">
                <span class="field-label">{ i18n.t(Key::ImportMapping) }</span>
                if !user_errors.is_empty() {
                    <div class="notice notice-error" role="alert" data-testid="import-user-errors">
                        <Icon name={IconName::Alert} />
                        <div class="notice-body">
                            { for user_errors.iter().map(|e| html! {
                                <span>
                                    <strong>{ i18n.t(user_error_key(e.code)) }</strong>
                                    if !e.message.is_empty() { { " " }{ e.message.clone() } }
                                </span>
                            }) }
                        </div>
                    </div>
                }
            </div>
            <MappingTable preview={preview.clone()} targets={(*targets).clone()} on_change={on_target} />
            <ImportOptions dedup={*dedup} {on_dedup} source={*source} {on_source} />
            if let Some(err) = &*failure {
                <ErrorNotice error={err.clone()} />
            }
            <div class="import-actions">
                <button type="button" class="btn btn-primary" data-testid="import-start"
                        disabled={*busy} aria-busy={busy.to_string()} onclick={start}>
                    { i18n.t(if *busy { Key::ImportStarting } else { Key::ImportStart }) }
                </button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::imports::{ColumnMapping, FileEncoding};

    #[test]
    fn unsuggested_columns_start_ignored() {
        let preview = ImportPreview {
            upload_id: "u".into(),
            file_name: "a.csv".into(),
            encoding: FileEncoding::Utf8,
            headers: vec!["姓名".into(), "备注".into(), "手机".into(), "预算".into()],
            rows: vec![],
            suggested_mapping: vec![
                ColumnMapping {
                    column: 0,
                    field: "personName".into(),
                },
                ColumnMapping {
                    column: 2,
                    field: "phone".into(),
                },
                ColumnMapping {
                    column: 3,
                    field: "custom:预算".into(),
                },
            ],
        };
        assert_eq!(
            suggested_targets(&preview),
            vec![
                MappingTarget::Field("personName"),
                MappingTarget::Ignore,
                MappingTarget::Field("phone"),
                MappingTarget::Custom,
            ]
        );
    }
}
