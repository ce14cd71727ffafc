//! The claim pool: leads nobody owns yet, as the lead list with `pool: true` fixed, and a
//! "Claim" button on every row for those who may take leads (reps, managers, admins).
//!
//! Above the list, how many leads the user claimed in the last 24 hours against the
//! limit. Claiming is a race the server decides: on success the row leaves the list and
//! a toast confirms; when someone else was faster, or the limit is reached, the server's
//! words show in a toast and the list is loaded again.

use std::collections::BTreeSet;
use std::rc::Rc;

use leadflow_shared::{Role, UserErrorCode};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::leads::LeadRow;
use crate::api::pool::{self, PoolClaimStatus};
use crate::api::use_client;
use crate::components::icon::{Icon, IconName};
use crate::components::page_header::PageHeader;
use crate::components::toast::{use_toaster, Toast};
use crate::i18n::{use_i18n, Key};
use crate::pages::leads::list::LeadList;
use crate::routes::Route;
use crate::session::use_session;

/// Who may claim from the pool (the server enforces it too).
pub fn can_claim(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Rep | Role::Manager | Role::Admin))
}

/// How a claim ended, for the page that offered it.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimOutcome {
    /// The lead (by id) is the user's now.
    Claimed(String),
    /// Refused or failed; the user was told why.
    NotClaimed,
}

#[derive(Properties, PartialEq)]
pub struct ClaimButtonProps {
    pub lead_id: AttrValue,
    pub lead_name: AttrValue,
    #[prop_or_default]
    pub small: bool,
    pub on_done: Callback<ClaimOutcome>,
}

/// "Claim": takes the lead and says how it went in a toast.
#[component]
pub fn ClaimButton(props: &ClaimButtonProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let toaster = use_toaster();
    let busy = use_state(|| false);

    let onclick = {
        let (busy, i18n) = (busy.clone(), i18n.clone());
        let (id, name, on_done) = (
            props.lead_id.to_string(),
            props.lead_name.to_string(),
            props.on_done.clone(),
        );
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            if *busy {
                return;
            }
            busy.set(true);
            let (client, toaster, busy, i18n, on_done, id, name) = (
                client.clone(),
                toaster.clone(),
                busy.clone(),
                i18n.clone(),
                on_done.clone(),
                id.clone(),
                name.clone(),
            );
            spawn_local(async move {
                let outcome = match pool::claim(&client, &id).await {
                    Ok(payload) => match payload.user_errors.first() {
                        None => {
                            let to = Route::LeadDetail { id: id.clone() };
                            toaster.show(
                                Toast::success(i18n.tf(Key::ClaimedToast, &[("name", &name)]))
                                    .with_body(i18n.t(Key::ClaimedToastHint))
                                    .with_link(to, i18n.t(Key::OpenLead)),
                            );
                            ClaimOutcome::Claimed(id)
                        }
                        Some(error) => {
                            let title = match error.code {
                                UserErrorCode::Taken => Key::ClaimTaken,
                                _ => Key::ClaimFailed,
                            };
                            toaster
                                .show(Toast::error(i18n.t(title)).with_body(error.message.clone()));
                            ClaimOutcome::NotClaimed
                        }
                    },
                    Err(err) => {
                        toaster.show(
                            Toast::error(i18n.t(Key::ClaimFailed)).with_body(i18n.t(err.hint())),
                        );
                        ClaimOutcome::NotClaimed
                    }
                };
                busy.set(false);
                on_done.emit(outcome);
            });
        })
    };

    html! {
        <button type="button" class={classes!("btn", "btn-secondary", props.small.then_some("btn-sm"))}
                data-testid="pool-claim" data-lead-id={props.lead_id.clone()}
                aria-label={i18n.tf(Key::ClaimRow, &[("name", &props.lead_name)])}
                disabled={*busy} aria-busy={busy.to_string()} {onclick}>
            { i18n.t(if *busy { Key::Claiming } else { Key::Claim }) }
        </button>
    }
}

#[derive(Properties, PartialEq)]
struct ClaimStatusBarProps {
    status: PoolClaimStatus,
}

/// "You claimed 3 of 20 in the last 24 h", a short meter, and what is left.
#[component]
fn ClaimStatusBar(props: &ClaimStatusBarProps) -> Html {
    let i18n = use_i18n();
    let s = &props.status;
    let percent = if s.limit > 0 {
        (s.claimed_last_24h * 100 / s.limit).clamp(0, 100)
    } else {
        100
    };
    let full = s.remaining <= 0;
    html! {
        <div class={classes!("claim-status", full.then_some("is-full"))} data-testid="pool-claim-status"
             data-remaining={s.remaining.to_string()} aria-live="polite">
            <Icon name={IconName::Pool} />
            <span class="claim-status-text">
                { i18n.tf(Key::PoolClaimStatus, &[
                    ("claimed", &s.claimed_last_24h.to_string()),
                    ("limit", &s.limit.to_string()),
                ]) }
            </span>
            <span class="claim-meter" aria-hidden="true">
                <span class="claim-meter-fill" style={format!("width:{percent}%")} />
            </span>
            <span class="claim-status-left">
                if full {
                    { i18n.t(Key::PoolClaimLimitReached) }
                } else {
                    { i18n.tf(Key::PoolClaimRemaining, &[("n", &s.remaining.to_string())]) }
                }
            </span>
        </div>
    }
}

#[component]
pub fn PoolPage() -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let session = use_session();
    let claims = can_claim(session.me.as_ref().map(|u| u.role));
    let status = use_state(|| None::<PoolClaimStatus>);
    // Bumped after each claim: the status is asked again.
    let status_revision = use_state(|| 0u32);
    let claimed = use_state(|| Rc::new(BTreeSet::<String>::new()));
    let list_revision = use_state(|| 0u32);

    {
        let (client, status) = (client.clone(), status.clone());
        use_effect_with((claims, *status_revision), move |(claims, _)| {
            if *claims {
                spawn_local(async move {
                    match pool::claim_status(&client).await {
                        Ok(s) => status.set(Some(s)),
                        Err(err) => gloo::console::warn!(format!("poolClaimStatus: {err:?}")),
                    }
                });
            }
        });
    }

    let on_done = {
        let (claimed, list_revision, status_revision) = (
            claimed.clone(),
            list_revision.clone(),
            status_revision.clone(),
        );
        Callback::from(move |outcome: ClaimOutcome| {
            match outcome {
                ClaimOutcome::Claimed(id) => {
                    let mut next = (**claimed).clone();
                    next.insert(id);
                    claimed.set(Rc::new(next));
                }
                // Someone was faster, or the limit is reached: show the pool as it is now.
                ClaimOutcome::NotClaimed => list_revision.set(list_revision.wrapping_add(1)),
            }
            status_revision.set(status_revision.wrapping_add(1));
        })
    };
    let row_action = claims.then(|| {
        Callback::from(move |lead: LeadRow| {
            html! {
                <ClaimButton lead_id={lead.id.clone()} lead_name={lead.person_name.clone()} small=true
                             on_done={on_done.clone()} />
            }
        })
    });

    html! {
        <section class="page" data-testid="page-pool">
            <PageHeader title={i18n.t(Key::NavPool)} subtitle={AttrValue::from(i18n.t(Key::PoolSubtitle))} />
            if let Some(status) = &*status {
                <ClaimStatusBar status={status.clone()} />
            }
            <LeadList route={Route::Pool} pool_fixed=true empty_title={Key::PoolEmptyTitle}
                      empty_hint={Key::PoolEmptyHint} empty_icon={IconName::Pool}
                      {row_action} hidden={(*claimed).clone()} revision={*list_revision} />
        </section>
    }
}
