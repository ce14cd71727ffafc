//! "Export": the lead list as the toolbar filters it, downloaded as CSV
//! (`GET /leads/export.csv`, bearer auth, so fetched and saved rather than linked).

use yew::platform::spawn_local;
use yew::prelude::*;

use super::params::ListParams;
use crate::api::files;
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::i18n::{use_i18n, Key};

const EXPORT_PATH: &str = "/leads/export.csv";

#[derive(Properties, PartialEq)]
pub struct ExportButtonProps {
    pub params: ListParams,
}

#[component]
pub fn ExportButton(props: &ExportButtonProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let busy = use_state(|| false);
    let failure = use_state(|| None::<ApiError>);
    let onclick = {
        let (busy, failure) = (busy.clone(), failure.clone());
        let query = props.params.export_query();
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            let path = if query.is_empty() {
                EXPORT_PATH.to_owned()
            } else {
                format!("{EXPORT_PATH}?{query}")
            };
            let (client, busy, failure) = (client.clone(), busy.clone(), failure.clone());
            busy.set(true);
            failure.set(None);
            spawn_local(async move {
                let result = files::download(&client, &path, "leads.csv").await;
                busy.set(false);
                failure.set(result.err());
            });
        })
    };
    html! {
        <>
            <button type="button" class="btn btn-secondary" data-testid="lead-export"
                    disabled={*busy} aria-busy={busy.to_string()} {onclick}>
                { i18n.t(if *busy { Key::Exporting } else { Key::ExportCsv }) }
            </button>
            if let Some(err) = &*failure {
                <div class="toolbar-error"><ErrorNotice error={err.clone()} /></div>
            }
        </>
    }
}
