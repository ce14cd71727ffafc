//! The import's choices besides the mapping: what a row matching an existing lead does
//! (skip, merge or create, each with its one-line explanation) and the source.

use leadflow_shared::Channel;
use yew::prelude::*;

use crate::api::imports::DedupPolicy;
use crate::components::form::select_value;
use crate::i18n::{channel_key, use_i18n, Key};

fn policy_keys(policy: DedupPolicy) -> (Key, Key) {
    match policy {
        DedupPolicy::Skip => (Key::DedupSkip, Key::DedupSkipHint),
        DedupPolicy::Merge => (Key::DedupMerge, Key::DedupMergeHint),
        DedupPolicy::Create => (Key::DedupCreate, Key::DedupCreateHint),
    }
}

#[derive(Properties, PartialEq)]
pub struct ImportOptionsProps {
    pub dedup: DedupPolicy,
    pub on_dedup: Callback<DedupPolicy>,
    pub source: Channel,
    pub on_source: Callback<Channel>,
}

#[component]
pub fn ImportOptions(props: &ImportOptionsProps) -> Html {
    let i18n = use_i18n();
    let choice = |policy: DedupPolicy| {
        let (label, hint) = policy_keys(policy);
        let onchange = {
            let on_dedup = props.on_dedup.clone();
            Callback::from(move |_: Event| on_dedup.emit(policy))
        };
        html! {
            <label class="radio-card" data-testid={format!("import-dedup-{}", policy.as_str())}>
                <input type="radio" name="dedup" checked={props.dedup == policy} {onchange} />
                <span>
                    <strong>{ i18n.t(label) }</strong>
                    <span class="muted">{ i18n.t(hint) }</span>
                </span>
            </label>
        }
    };
    let on_source = {
        let on_source = props.on_source.clone();
        Callback::from(move |e: Event| {
            if let Some(channel) = Channel::parse(&select_value(&e)) {
                on_source.emit(channel);
            }
        })
    };
    html! {
        <div class="import-options">
            <fieldset class="import-dedup">
                <legend class="field-label">{ i18n.t(Key::ImportDedup) }</legend>
                { for DedupPolicy::ALL.into_iter().map(choice) }
            </fieldset>
            <label class="field import-source">
                <span class="field-label">{ i18n.t(Key::Source) }</span>
                <select class="input" data-testid="import-source" onchange={on_source}>
                    { for Channel::ALL.into_iter().map(|c| html! {
                        <option value={c.as_str()} selected={props.source == c}>{ i18n.t(channel_key(c)) }</option>
                    }) }
                </select>
            </label>
        </div>
    }
}
