//! The lead page's way into the pipeline: the "Qualification (BANT)" card — budget,
//! authority, need, timeline, saved with `leadSetBant` and the lead's version — and
//! the "Opportunities" card: "Convert to opportunity" for an SQL (`leadConvert`), and
//! the deals the lead already has, with a link to the board.
//!
//! Like the score and ownership cards, these ask for their own data
//! (`lead { bant opportunities }`), so the rest of the page never waits on them.

use leadflow_shared::money::parse_minor_units;
use leadflow_shared::pipeline::StageKind;
use leadflow_shared::{LeadStage, UserErrorCode};
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::pipeline::{
    self, Bant, LeadConvertInput, LeadPipeline, LeadSetBantInput, Opportunity, Pipeline,
};
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::form::{input_value, select_value, Field, FormAlert, FormErrors};
use crate::components::icon::{Icon, IconName};
use crate::components::toast::{use_toaster, Toast};
use crate::i18n::{use_i18n, I18n, Key};
use crate::pages::pipeline::money::format_amount;
use crate::routes::Route;

/// The currencies a deal can be in, CNY first.
const CURRENCIES: [&str; 5] = ["CNY", "USD", "EUR", "HKD", "JPY"];

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Loaded(Box<LeadPipeline>),
    Failed(ApiError),
}

#[derive(Properties, PartialEq)]
pub struct QualificationCardsProps {
    pub lead_id: String,
    pub person_name: String,
    pub company: Option<String>,
    /// Changes whenever the lead changed, so the cards ask again.
    pub revision: String,
    /// Something changed here (BANT saved, converted): the page loads the lead again.
    pub on_changed: Callback<()>,
}

#[component]
pub fn QualificationCards(props: &QualificationCardsProps) -> Html {
    let client = use_client();
    let load = use_state(|| Load::Loading);
    {
        let (client, load) = (client.clone(), load.clone());
        use_effect_with(
            (props.lead_id.clone(), props.revision.clone()),
            move |(id, _)| {
                let id = id.clone();
                spawn_local(async move {
                    load.set(match pipeline::lead_pipeline(&client, &id).await {
                        Ok(Some(lead)) => Load::Loaded(Box::new(lead)),
                        // Gone or no longer visible: the page itself will say so.
                        Ok(None) => Load::Failed(ApiError::Forbidden),
                        Err(err) => Load::Failed(err),
                    });
                });
            },
        );
    }
    match &*load {
        Load::Loading => html! {
            <section class="card card-pad" data-testid="lead-bant" aria-busy="true">
                <span class="skeleton-bar skeleton-line" style="width:40%" />
                <span class="skeleton-bar skeleton-line" style="width:70%" />
            </section>
        },
        Load::Failed(err) => html! {
            <section class="card card-pad" data-testid="lead-bant"><ErrorNotice error={err.clone()} /></section>
        },
        Load::Loaded(lead) => html! {
            <>
                <BantCard key={format!("{}-{}", lead.id, lead.version)} lead={(**lead).clone()}
                          on_changed={props.on_changed.clone()} />
                if lead.stage == LeadStage::Sql || !lead.opportunities.is_empty() {
                    <OpportunitiesCard lead={(**lead).clone()} person_name={props.person_name.clone()}
                                       company={props.company.clone()} on_changed={props.on_changed.clone()} />
                }
            </>
        },
    }
}

#[derive(Properties, PartialEq)]
struct LeadProps {
    lead: LeadPipeline,
    on_changed: Callback<()>,
}

/// The four answers as typed.
#[derive(Debug, Clone, PartialEq, Default)]
struct BantDraft {
    budget: String,
    authority: String,
    need: String,
    timeline: String,
}

impl BantDraft {
    fn of(bant: &Bant) -> BantDraft {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        BantDraft {
            budget: s(&bant.budget),
            authority: s(&bant.authority),
            need: s(&bant.need),
            timeline: s(&bant.timeline),
        }
    }

    fn input(&self, lead_id: &str, version: i32) -> LeadSetBantInput {
        let opt = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        LeadSetBantInput {
            lead_id: lead_id.to_owned(),
            version,
            budget: opt(&self.budget),
            authority: opt(&self.authority),
            need: opt(&self.need),
            timeline: opt(&self.timeline),
        }
    }
}

/// (field name on the wire, label, placeholder)
const BANT_FIELDS: [(&str, Key, Key); 4] = [
    ("budget", Key::BantBudget, Key::BantBudgetHint),
    ("authority", Key::BantAuthority, Key::BantAuthorityHint),
    ("need", Key::BantNeed, Key::BantNeedHint),
    ("timeline", Key::BantTimeline, Key::BantTimelineHint),
];

fn draft_field<'a>(draft: &'a mut BantDraft, name: &str) -> Option<&'a mut String> {
    match name {
        "budget" => Some(&mut draft.budget),
        "authority" => Some(&mut draft.authority),
        "need" => Some(&mut draft.need),
        "timeline" => Some(&mut draft.timeline),
        _ => None,
    }
}

#[component]
fn BantCard(props: &LeadProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let toaster = use_toaster();
    let editing = use_state(|| false);
    let draft = use_state(|| BantDraft::of(&props.lead.bant));
    let errors = use_state(FormErrors::default);
    let failure = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let bant = &props.lead.bant;

    let edit = {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(true))
    };
    let cancel = {
        let (editing, draft, errors, original) = (
            editing.clone(),
            draft.clone(),
            errors.clone(),
            props.lead.bant.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            editing.set(false);
            draft.set(BantDraft::of(&original));
            errors.set(FormErrors::default());
        })
    };
    let onsubmit = {
        let (draft, errors, failure, busy, editing, i18n) = (
            draft.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
            editing.clone(),
            i18n.clone(),
        );
        let (id, version, on_changed) = (
            props.lead.id.clone(),
            props.lead.version,
            props.on_changed.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            failure.set(None);
            let input = draft.input(&id, version);
            let (client, toaster, i18n, errors, failure, busy, editing, on_changed) = (
                client.clone(),
                toaster.clone(),
                i18n.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                editing.clone(),
                on_changed.clone(),
            );
            spawn_local(async move {
                let result = pipeline::set_bant(&client, &input).await;
                busy.set(false);
                match result {
                    Ok(payload) if payload.user_errors.is_empty() => {
                        errors.set(FormErrors::default());
                        editing.set(false);
                        toaster.show(Toast::success(i18n.t(Key::BantSaved)));
                        on_changed.emit(());
                    }
                    Ok(payload) => errors.set(FormErrors::new(payload.user_errors)),
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };

    let status = if bant.complete {
        html! { <span class="badge badge-success" data-testid="bant-status" data-complete="true">{ i18n.t(Key::BantComplete) }</span> }
    } else {
        html! { <span class="badge" data-testid="bant-status" data-complete="false">{ i18n.t(Key::BantIncomplete) }</span> }
    };

    let body = if *editing {
        let names: Vec<&str> = BANT_FIELDS.iter().map(|(n, _, _)| *n).collect();
        html! {
            <form class="form bant-form" onsubmit={onsubmit}>
                <FormAlert messages={errors.general(&i18n, &names)} />
                if let Some(err) = &*failure {
                    <ErrorNotice error={err.clone()} />
                }
                { for BANT_FIELDS.iter().map(|(name, label, hint)| {
                    let id = format!("bant-{name}");
                    let value = match *name {
                        "budget" => draft.budget.clone(),
                        "authority" => draft.authority.clone(),
                        "need" => draft.need.clone(),
                        _ => draft.timeline.clone(),
                    };
                    let oninput = {
                        let (draft, name) = (draft.clone(), *name);
                        Callback::from(move |e: InputEvent| {
                            let mut next = (*draft).clone();
                            if let Some(slot) = draft_field(&mut next, name) {
                                *slot = input_value(&e);
                            }
                            draft.set(next);
                        })
                    };
                    html! {
                        <Field id={id.clone()} label={i18n.t(*label)} error={errors.for_field(&i18n, name)}
                               detail={errors.detail_for_field(name)}>
                            <input id={id.clone()} data-testid={id} class="input" type="text" maxlength="500"
                                   autocomplete="off" placeholder={i18n.t(*hint)} {value} {oninput} />
                        </Field>
                    }
                }) }
                <div class="form-actions">
                    <button type="button" class="btn btn-secondary btn-sm" onclick={cancel}>{ i18n.t(Key::Cancel) }</button>
                    <button type="submit" class="btn btn-primary btn-sm" data-testid="bant-save"
                            disabled={*busy} aria-busy={busy.to_string()}>
                        { i18n.t(if *busy { Key::Saving } else { Key::Save }) }
                    </button>
                </div>
            </form>
        }
    } else {
        let answer = |v: &Option<String>| match v.as_ref().filter(|t| !t.trim().is_empty()) {
            Some(t) => html! { { t.clone() } },
            None => html! { <span class="muted">{ "—" }</span> },
        };
        html! {
            <dl class="facts bant-facts">
                { for BANT_FIELDS.iter().map(|(name, label, _)| {
                    let value = match *name {
                        "budget" => &bant.budget,
                        "authority" => &bant.authority,
                        "need" => &bant.need,
                        _ => &bant.timeline,
                    };
                    html! {
                        <div class="fact" data-testid={format!("bant-value-{name}")}>
                            <dt>{ i18n.t(*label) }</dt>
                            <dd>{ answer(value) }</dd>
                        </div>
                    }
                }) }
            </dl>
        }
    };

    html! {
        <section class="card card-pad" aria-labelledby="lead-bant-title" data-testid="lead-bant">
            <div class="section-head">
                <h2 id="lead-bant-title" class="section-title">{ i18n.t(Key::BantTitle) }</h2>
                <div class="section-head-actions">
                    { status }
                    if !*editing {
                        <button type="button" class="btn btn-ghost btn-sm" data-testid="bant-edit" onclick={edit}>
                            { i18n.t(Key::Edit) }
                        </button>
                    }
                </div>
            </div>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct OpportunitiesProps {
    lead: LeadPipeline,
    person_name: String,
    company: Option<String>,
    on_changed: Callback<()>,
}

#[component]
fn OpportunitiesCard(props: &OpportunitiesProps) -> Html {
    let i18n = use_i18n();
    let converting = use_state(|| false);
    let open = {
        let converting = converting.clone();
        Callback::from(move |_: MouseEvent| converting.set(true))
    };
    let close = {
        let converting = converting.clone();
        Callback::from(move |()| converting.set(false))
    };
    let done = {
        let (converting, on_changed) = (converting.clone(), props.on_changed.clone());
        Callback::from(move |()| {
            converting.set(false);
            on_changed.emit(());
        })
    };
    let lead = &props.lead;
    let default_name = props
        .company
        .clone()
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| props.person_name.clone());
    html! {
        <section class="card card-pad" aria-labelledby="lead-opps-title" data-testid="lead-opportunities">
            <div class="section-head">
                <h2 id="lead-opps-title" class="section-title">{ i18n.t(Key::Opportunities) }</h2>
                if lead.stage == LeadStage::Sql {
                    <button type="button" class="btn btn-primary btn-sm" data-testid="lead-convert" onclick={open}>
                        <Icon name={IconName::Pipeline} />{ i18n.t(Key::ConvertToOpportunity) }
                    </button>
                }
            </div>
            if lead.opportunities.is_empty() {
                <p class="muted">{ i18n.t(Key::OpportunitiesNone) }</p>
            } else {
                <ul class="lead-opps">
                    { for lead.opportunities.iter().map(|o| opportunity_row(&i18n, o)) }
                </ul>
                <Link<Route> to={Route::Pipeline} classes="btn btn-ghost btn-sm">
                    { i18n.t(Key::OpenPipeline) }
                </Link<Route>>
            }
            if *converting {
                <ConvertDialog lead_id={lead.id.clone()} version={lead.version} default_name={default_name}
                               on_cancel={close} on_done={done} />
            }
        </section>
    }
}

fn opportunity_row(i18n: &I18n, o: &Opportunity) -> Html {
    let kind = o.stage.kind;
    html! {
        <li class="lead-opp" data-testid="lead-opportunity" data-opportunity-id={o.id.clone()}>
            <div class="lead-opp-head">
                <strong>{ o.name.clone() }</strong>
                <span class={classes!("badge", format!("deal-stage-{}", kind.as_str()))} data-testid="lead-opportunity-stage">
                    { o.stage.name.clone() }
                </span>
            </div>
            <div class="lead-opp-meta">
                <span class="num">{ format_amount(&o.amount, &o.currency) }</span>
                if let Some(date) = o.expected_close_on.as_ref().filter(|d| !d.is_empty()) {
                    <span>{ i18n.tf(Key::ExpectedCloseOnValue, &[("date", date)]) }</span>
                }
                if kind == StageKind::Lost {
                    if let Some(reason) = &o.lost_reason {
                        <span>{ i18n.tf(Key::LostReasonValue, &[("reason", reason)]) }</span>
                    }
                }
            </div>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ConvertDialogProps {
    lead_id: String,
    version: i32,
    default_name: String,
    on_cancel: Callback<()>,
    on_done: Callback<()>,
}

/// The fields of the conversion as typed.
#[derive(Debug, Clone, PartialEq)]
struct ConvertDraft {
    name: String,
    amount: String,
    currency: String,
    close_on: String,
    pipeline_id: String,
}

const CONVERT_FIELDS: [&str; 5] = [
    "name",
    "amount",
    "currency",
    "expectedCloseOn",
    "pipelineId",
];

#[component]
fn ConvertDialog(props: &ConvertDialogProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let toaster = use_toaster();
    let draft = use_state(|| ConvertDraft {
        name: props.default_name.clone(),
        amount: String::new(),
        currency: "CNY".into(),
        close_on: String::new(),
        pipeline_id: String::new(),
    });
    let pipelines = use_state(Vec::<Pipeline>::new);
    let errors = use_state(FormErrors::default);
    let failure = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let first = use_node_ref();

    {
        let (client, pipelines, draft, first) = (
            client.clone(),
            pipelines.clone(),
            draft.clone(),
            first.clone(),
        );
        use_effect_with((), move |_| {
            if let Some(el) = first.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
            spawn_local(async move {
                if let Ok(meta) = pipeline::meta(&client).await {
                    let default = meta
                        .pipelines
                        .iter()
                        .find(|p| p.is_default)
                        .or(meta.pipelines.first())
                        .map(|p| p.id.clone())
                        .unwrap_or_default();
                    let mut next = (*draft).clone();
                    if next.pipeline_id.is_empty() {
                        next.pipeline_id = default;
                        draft.set(next);
                    }
                    pipelines.set(meta.pipelines);
                }
            });
        });
    }

    let onsubmit = {
        let (draft, errors, failure, busy, i18n) = (
            draft.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
            i18n.clone(),
        );
        let (lead_id, version, on_done) =
            (props.lead_id.clone(), props.version, props.on_done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            if draft.amount.trim().is_empty() {
                errors.set(FormErrors::local("amount", UserErrorCode::Required));
                return;
            }
            if parse_minor_units(&draft.amount).is_err() {
                errors.set(FormErrors::local("amount", UserErrorCode::Invalid));
                return;
            }
            let opt = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
            let input = LeadConvertInput {
                lead_id: lead_id.clone(),
                lead_version: version,
                name: opt(&draft.name),
                amount: draft.amount.trim().to_owned(),
                currency: opt(&draft.currency),
                expected_close_on: opt(&draft.close_on),
                pipeline_id: opt(&draft.pipeline_id),
            };
            busy.set(true);
            failure.set(None);
            errors.set(FormErrors::default());
            let (client, toaster, i18n, errors, failure, busy, on_done) = (
                client.clone(),
                toaster.clone(),
                i18n.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                on_done.clone(),
            );
            spawn_local(async move {
                let result = pipeline::convert(&client, &input).await;
                busy.set(false);
                match result {
                    Ok(payload) if payload.user_errors.is_empty() => {
                        let name = payload
                            .opportunity
                            .map(|o| o.name)
                            .or(input.name)
                            .unwrap_or_default();
                        toaster.show(
                            Toast::success(i18n.tf(Key::ConvertedToast, &[("name", &name)]))
                                .with_link(Route::Pipeline, i18n.t(Key::OpenPipeline)),
                        );
                        on_done.emit(());
                    }
                    Ok(payload) => errors.set(FormErrors::new(payload.user_errors)),
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };

    let set = |apply: fn(&mut ConvertDraft, String)| {
        let draft = draft.clone();
        move |value: String| {
            let mut next = (*draft).clone();
            apply(&mut next, value);
            draft.set(next);
        }
    };
    let on_name = {
        let set = set(|d, v| d.name = v);
        Callback::from(move |e: InputEvent| set(input_value(&e)))
    };
    let on_amount = {
        let set = set(|d, v| d.amount = v);
        Callback::from(move |e: InputEvent| set(input_value(&e)))
    };
    let on_currency = {
        let set = set(|d, v| d.currency = v);
        Callback::from(move |e: Event| set(select_value(&e)))
    };
    let on_close = {
        let set = set(|d, v| d.close_on = v);
        Callback::from(move |e: InputEvent| set(input_value(&e)))
    };
    let on_pipeline = {
        let set = set(|d, v| d.pipeline_id = v);
        Callback::from(move |e: Event| set(select_value(&e)))
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
    let err = |f: &str| errors.for_field(&i18n, f);
    let detail = |f: &str| errors.detail_for_field(f);

    html! {
        <div class="dialog-backdrop" {onkeydown}>
            <div class="dialog dialog-narrow" role="dialog" aria-modal="true" aria-labelledby="convert-title"
                 data-testid="convert-dialog">
                <form class="form" {onsubmit} novalidate=true>
                    <header class="dialog-header">
                        <h2 id="convert-title" class="dialog-title">{ i18n.t(Key::ConvertToOpportunity) }</h2>
                    </header>
                    <div class="dialog-body">
                        <FormAlert messages={errors.general(&i18n, &CONVERT_FIELDS)} />
                        if let Some(failure) = &*failure {
                            <ErrorNotice error={failure.clone()} />
                        }
                        <Field id="convert-name" label={i18n.t(Key::OpportunityName)} error={err("name")} detail={detail("name")}>
                            <input id="convert-name" data-testid="convert-name" class="input" type="text" maxlength="200"
                                   ref={first} value={draft.name.clone()} oninput={on_name} />
                        </Field>
                        <div class="form-grid">
                            <Field id="convert-amount" label={i18n.t(Key::Amount)} error={err("amount")} detail={detail("amount")}
                                   hint={AttrValue::from(i18n.t(Key::AmountHint))}>
                                <input id="convert-amount" data-testid="convert-amount" class="input num" type="text"
                                       inputmode="decimal" autocomplete="off" placeholder="180,000"
                                       value={draft.amount.clone()} oninput={on_amount} />
                            </Field>
                            <Field id="convert-currency" label={i18n.t(Key::Currency)} error={err("currency")} detail={detail("currency")}>
                                <select id="convert-currency" data-testid="convert-currency" class="input" onchange={on_currency}>
                                    { for CURRENCIES.iter().map(|c| html! {
                                        <option value={*c} selected={draft.currency == *c}>{ *c }</option>
                                    }) }
                                </select>
                            </Field>
                        </div>
                        <Field id="convert-close" label={i18n.t(Key::ExpectedCloseOn)} error={err("expectedCloseOn")}
                               detail={detail("expectedCloseOn")}>
                            <input id="convert-close" data-testid="convert-close" class="input" type="date"
                                   value={draft.close_on.clone()} oninput={on_close} />
                        </Field>
                        if pipelines.len() > 1 {
                            <Field id="convert-pipeline" label={i18n.t(Key::PipelineChoose)} error={err("pipelineId")}
                                   detail={detail("pipelineId")}>
                                <select id="convert-pipeline" data-testid="convert-pipeline" class="input" onchange={on_pipeline}>
                                    { for pipelines.iter().map(|p| html! {
                                        <option value={p.id.clone()} selected={draft.pipeline_id == p.id}>{ p.name.clone() }</option>
                                    }) }
                                </select>
                            </Field>
                        }
                    </div>
                    <footer class="dialog-footer">
                        <button type="button" class="btn btn-secondary" data-testid="convert-cancel" onclick={cancel}>
                            { i18n.t(Key::Cancel) }
                        </button>
                        <button type="submit" class="btn btn-primary" data-testid="convert-submit"
                                disabled={*busy} aria-busy={busy.to_string()}>
                            { i18n.t(if *busy { Key::Working } else { Key::ConvertSubmit }) }
                        </button>
                    </footer>
                </form>
            </div>
        </div>
    }
}
