//! Leads: the list with its filters, the "New lead" form, and one lead's page.
//!
//! - [`list`] is the list both this page and the Pool page show; [`params`] keeps its
//!   filters in the address bar; [`toolbar`] and [`table`] are its two halves.
//! - [`form`] captures a lead by hand; [`detail`] and [`timeline`] show one lead, and
//!   its work panel: [`facts`] (view and edit), [`activity`] (log a call...), [`tasks`],
//!   and [`score`], the score breakdown and predictive win probability; [`ownership`]
//!   is its owner, first-contact clock and owner history; [`qualification`] is its BANT
//!   answers, "Convert to opportunity" and its deals.
//! - [`my_tasks`] is the user's day at the top of the list: overdue, today, later.
//! - [`export`] downloads the list, as filtered, as CSV; the import and duplicates
//!   pages ([`crate::pages::lead_import`], [`crate::pages::duplicates`]) start here too.
//! - [`bulk`] is the bar and dialogs for ticked rows: assign to someone, tag.
//! - [`badges`] holds the small pieces (stage, score, owner) the list and detail share.

mod activity;
pub mod badges;
mod bulk;
pub mod detail;
mod export;
mod facts;
mod form;
pub mod list;
mod my_tasks;
mod ownership;
pub mod params;
mod qualification;
mod score;
mod table;
mod tasks;
mod timeline;
mod toolbar;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::leads::DuplicateMatch;
use crate::components::icon::{Icon, IconName};
use crate::components::page_header::PageHeader;
use crate::i18n::{use_i18n, Key};
use crate::routes::Route;
use form::{Captured, LeadForm};
use list::LeadList;
use my_tasks::MyTasks;

/// How a merge was recognised, in words.
pub(crate) fn match_key(by: DuplicateMatch) -> Key {
    match by {
        DuplicateMatch::Email => Key::MatchEmail,
        DuplicateMatch::Phone => Key::MatchPhone,
        DuplicateMatch::CompanyAndName => Key::MatchCompanyAndName,
    }
}

#[component]
pub fn LeadsPage() -> Html {
    let i18n = use_i18n();
    let navigator = use_navigator();
    let form_open = use_state(|| false);

    let open = {
        let form_open = form_open.clone();
        Callback::from(move |_: MouseEvent| form_open.set(true))
    };
    let on_cancel = {
        let form_open = form_open.clone();
        Callback::from(move |_| form_open.set(false))
    };
    // Straight to the lead, carrying the outcome so its page can say what happened.
    let on_captured = {
        let form_open = form_open.clone();
        Callback::from(move |captured: Captured| {
            form_open.set(false);
            if let Some(navigator) = &navigator {
                let to = Route::LeadDetail {
                    id: captured.lead_id.clone(),
                };
                navigator.push_with_state(&to, captured);
            }
        })
    };
    let new_lead_button = |testid: &'static str| {
        html! {
            <button type="button" class="btn btn-primary" data-testid={testid} onclick={open.clone()}>
                <Icon name={IconName::Plus} />{ i18n.t(Key::NewLead) }
            </button>
        }
    };

    html! {
        <section class="page" data-testid="page-leads">
            <PageHeader title={i18n.t(Key::NavLeads)} subtitle={AttrValue::from(i18n.t(Key::LeadsSubtitle))}>
                <Link<Route> to={Route::LeadDuplicates} classes="btn btn-secondary">
                    <span data-testid="leads-duplicates">{ i18n.t(Key::NavDuplicates) }</span>
                </Link<Route>>
                <Link<Route> to={Route::LeadImport} classes="btn btn-secondary">
                    <span data-testid="leads-import">{ i18n.t(Key::ImportCsv) }</span>
                </Link<Route>>
                { new_lead_button("new-lead") }
            </PageHeader>
            <MyTasks />
            <LeadList route={Route::Leads} empty_title={Key::LeadsEmptyTitle} empty_hint={Key::LeadsEmptyHint}
                      empty_action={new_lead_button("new-lead-empty")} />
            if *form_open {
                <LeadForm {on_captured} {on_cancel} />
            }
        </section>
    }
}
