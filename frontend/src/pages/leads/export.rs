//! "Export": the lead list as the toolbar filters it, or the ticked rows, downloaded as
//! CSV (`GET /leads/export.csv`, bearer auth, so fetched and saved rather than linked).

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::files;
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::i18n::{use_i18n, Key};

const EXPORT_PATH: &str = "/leads/export.csv";

#[derive(Properties, PartialEq)]
pub struct ExportButtonProps {
    /// The export's query string: the list's filters, or `ids=…` for a selection.
    pub query: String,
    /// The bulk bar's smaller button.
    #[prop_or_default]
    pub small: bool,
}

#[component]
pub fn ExportButton(props: &ExportButtonProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let busy = use_state(|| false);
    let failure = use_state(|| None::<ApiError>);
    let onclick = {
        let (busy, failure) = (busy.clone(), failure.clone());
        let query = props.query.clone();
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
            <button type="button" class={classes!("btn", "btn-secondary", props.small.then_some("btn-sm"))}
                    data-testid={if props.small { "bulk-export" } else { "lead-export" }}
                    disabled={*busy} aria-busy={busy.to_string()} {onclick}>
                { i18n.t(if *busy { Key::Exporting } else { Key::ExportCsv }) }
            </button>
            if let Some(err) = &*failure {
                <div class="toolbar-error"><ErrorNotice error={err.clone()} /></div>
            }
        </>
    }
}
