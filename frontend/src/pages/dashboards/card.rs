//! The pieces every widget is built from: the card with its title and CSV button, and
//! the link that opens the lead list behind a number.

use leadflow_shared::analytics::{AnalyticsWidget, LeadDrillDown};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::icon::{Icon, IconName};
use crate::i18n::{use_i18n, Key};
use crate::pages::leads::params::ListParams;
use crate::routes::Route;

#[derive(Properties, PartialEq)]
pub struct WidgetCardProps {
    pub title: Key,
    #[prop_or_default]
    pub subtitle: Option<AttrValue>,
    /// Offers "CSV" for this widget's export.
    #[prop_or_default]
    pub csv: Option<AnalyticsWidget>,
    #[prop_or_default]
    pub on_csv: Option<Callback<AnalyticsWidget>>,
    pub testid: AttrValue,
    /// Spans the whole row.
    #[prop_or_default]
    pub wide: bool,
    #[prop_or_default]
    pub actions: Html,
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn WidgetCard(props: &WidgetCardProps) -> Html {
    let i18n = use_i18n();
    let csv = props.csv.zip(props.on_csv.clone()).map(|(widget, on_csv)| {
        let onclick = Callback::from(move |_: MouseEvent| on_csv.emit(widget));
        html! {
            <button type="button" class="btn btn-ghost btn-sm widget-csv" {onclick}
                    data-testid={format!("csv-{}", widget.slug())} title={i18n.t(Key::DashCsvHint)}>
                <Icon name={IconName::ArrowDown} />
                <span>{ "CSV" }</span>
            </button>
        }
    });
    html! {
        <section class={classes!("card", "widget", props.wide.then_some("widget-wide"))}
                 data-testid={props.testid.clone()} aria-label={i18n.t(props.title)}>
            <header class="widget-head">
                <div>
                    <h2 class="widget-title">{ i18n.t(props.title) }</h2>
                    if let Some(sub) = &props.subtitle {
                        <p class="widget-subtitle">{ sub.clone() }</p>
                    }
                </div>
                <div class="widget-actions">
                    { props.actions.clone() }
                    { for csv }
                </div>
            </header>
            <div class="widget-body">{ props.children.clone() }</div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct DrillLinkProps {
    pub drill: LeadDrillDown,
    #[prop_or_default]
    pub testid: Option<AttrValue>,
    #[prop_or_default]
    pub title: Option<AttrValue>,
    #[prop_or_default]
    pub children: Html,
}

/// A real link to the filtered lead list (middle-click opens a tab), followed in-app.
#[component]
pub fn DrillLink(props: &DrillLinkProps) -> Html {
    let navigator = use_navigator();
    let params = ListParams::from_drill_down(&props.drill);
    let href = params.href();
    let onclick = Callback::from(move |e: MouseEvent| {
        if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
            return;
        }
        if let Some(navigator) = &navigator {
            e.prevent_default();
            open_leads(navigator, &params);
        }
    });
    html! {
        <a class="drill-link" {href} {onclick} data-testid={props.testid.clone()} title={props.title.clone()}>
            { props.children.clone() }
        </a>
    }
}

/// Goes to the lead list with `params`.
pub fn open_leads(navigator: &Navigator, params: &ListParams) {
    if let Err(err) = navigator.push_with_query(&Route::Leads, params.to_query()) {
        gloo::console::warn!(format!("could not open the lead list: {err}"));
    }
}
