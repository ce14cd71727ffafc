//! The claim pool: leads nobody owns yet, as the lead list with `pool: true` fixed.
//!
//! Claiming arrives with lead routing; until then the page says so instead of offering a
//! button that could not work.

use yew::prelude::*;

use crate::components::icon::{Icon, IconName};
use crate::components::page_header::PageHeader;
use crate::i18n::{use_i18n, Key};
use crate::pages::leads::list::LeadList;
use crate::routes::Route;

#[component]
pub fn PoolPage() -> Html {
    let i18n = use_i18n();
    html! {
        <section class="page" data-testid="page-pool">
            <PageHeader title={i18n.t(Key::NavPool)} subtitle={AttrValue::from(i18n.t(Key::PoolSubtitle))} />
            <div class="notice notice-info" data-testid="pool-claim-note">
                <Icon name={IconName::Info} />
                <div class="notice-body"><span>{ i18n.t(Key::PoolClaimNote) }</span></div>
            </div>
            <LeadList route={Route::Pool} pool_fixed=true empty_title={Key::PoolEmptyTitle}
                      empty_hint={Key::PoolEmptyHint} empty_icon={IconName::Pool} />
        </section>
    }
}
