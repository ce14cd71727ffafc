//! Short-lived messages in the bottom-right corner: "Claimed 张伟", a live notification,
//! a refused action. They leave by themselves after a few seconds (or on ×), and never
//! move the page underneath.
//!
//! [`ToastProvider`] holds the list (a [`Reducible`] with an action enum) and draws it;
//! any component below it shows one with [`use_toaster`]:
//! `toaster.show(Toast::success(title).with_link(route, label))`.

use std::rc::Rc;

use gloo::timers::future::TimeoutFuture;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::icon::{Icon, IconName};
use crate::i18n::{use_i18n, Key};
use crate::routes::Route;

/// How long a toast stays before it leaves by itself.
const LIFETIME_MS: u32 = 6_000;
/// More than this at once and the oldest leave early, so a burst never fills the screen.
const MAX_SHOWN: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastTone {
    Info,
    Success,
    Error,
}

/// One message, already translated.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub tone: ToastTone,
    pub title: String,
    pub body: Option<String>,
    /// Where "Open" leads, and its words.
    pub link: Option<(Route, String)>,
}

impl Toast {
    fn new(tone: ToastTone, title: impl Into<String>) -> Toast {
        Toast {
            tone,
            title: title.into(),
            body: None,
            link: None,
        }
    }

    pub fn info(title: impl Into<String>) -> Toast {
        Toast::new(ToastTone::Info, title)
    }

    pub fn success(title: impl Into<String>) -> Toast {
        Toast::new(ToastTone::Success, title)
    }

    pub fn error(title: impl Into<String>) -> Toast {
        Toast::new(ToastTone::Error, title)
    }

    pub fn with_body(mut self, body: impl Into<String>) -> Toast {
        self.body = Some(body.into());
        self
    }

    pub fn with_link(mut self, to: Route, label: impl Into<String>) -> Toast {
        self.link = Some((to, label.into()));
        self
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Toasts {
    shown: Vec<(u32, Toast)>,
}

enum ToastAction {
    Show(u32, Toast),
    Dismiss(u32),
}

impl Reducible for Toasts {
    type Action = ToastAction;

    fn reduce(self: Rc<Self>, action: ToastAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            ToastAction::Show(id, toast) => {
                next.shown.push((id, toast));
                let excess = next.shown.len().saturating_sub(MAX_SHOWN);
                next.shown.drain(..excess);
            }
            ToastAction::Dismiss(id) => next.shown.retain(|(shown, _)| *shown != id),
        }
        Rc::new(next)
    }
}

/// What [`use_toaster`] gives: a way to show a toast.
#[derive(Clone, PartialEq)]
pub struct Toaster {
    show: Callback<Toast>,
}

impl Toaster {
    pub fn show(&self, toast: Toast) {
        self.show.emit(toast);
    }
}

#[derive(Properties, PartialEq)]
pub struct ToastProviderProps {
    #[prop_or_default]
    pub children: Html,
}

/// Provides [`Toaster`] to everything below and draws the toasts; sits inside the router
/// so a toast can link to a page.
#[component]
pub fn ToastProvider(props: &ToastProviderProps) -> Html {
    let i18n = use_i18n();
    let toasts = use_reducer(Toasts::default);
    let next_id = use_mut_ref(|| 0u32);
    let toaster = {
        let dispatcher = toasts.dispatcher();
        use_memo((), move |_| {
            let show = Callback::from(move |toast: Toast| {
                let id = {
                    let mut next = next_id.borrow_mut();
                    *next = next.wrapping_add(1);
                    *next
                };
                dispatcher.dispatch(ToastAction::Show(id, toast));
                let dispatcher = dispatcher.clone();
                spawn_local(async move {
                    TimeoutFuture::new(LIFETIME_MS).await;
                    dispatcher.dispatch(ToastAction::Dismiss(id));
                });
            });
            Toaster { show }
        })
    };
    html! {
        <ContextProvider<Toaster> context={(*toaster).clone()}>
            { props.children.clone() }
            <div class="toasts" role="region" aria-label={i18n.t(Key::Notifications)}>
                { for toasts.shown.iter().map(|(id, toast)| {
                    let dismiss = {
                        let (dispatcher, id) = (toasts.dispatcher(), *id);
                        Callback::from(move |()| dispatcher.dispatch(ToastAction::Dismiss(id)))
                    };
                    html! { <ToastView key={*id} toast={toast.clone()} on_dismiss={dismiss} /> }
                }) }
            </div>
        </ContextProvider<Toaster>>
    }
}

/// The toaster; outside a [`ToastProvider`] (never in the app) toasts go nowhere.
#[hook]
pub fn use_toaster() -> Toaster {
    use_context::<Toaster>().unwrap_or(Toaster {
        show: Callback::noop(),
    })
}

#[derive(Properties, PartialEq)]
struct ToastViewProps {
    toast: Toast,
    on_dismiss: Callback<()>,
}

#[component]
fn ToastView(props: &ToastViewProps) -> Html {
    let i18n = use_i18n();
    let toast = &props.toast;
    let (class, icon, role) = match toast.tone {
        ToastTone::Info => ("toast-info", IconName::Info, "status"),
        ToastTone::Success => ("toast-success", IconName::Check, "status"),
        ToastTone::Error => ("toast-error", IconName::Alert, "alert"),
    };
    let dismiss = {
        let cb = props.on_dismiss.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <div class={classes!("toast", class)} {role} data-testid="toast">
            <Icon name={icon} />
            <div class="toast-body">
                <strong class="toast-title">{ toast.title.clone() }</strong>
                if let Some(body) = &toast.body {
                    <span class="toast-text">{ body.clone() }</span>
                }
                if let Some((to, label)) = &toast.link {
                    <span onclick={dismiss.clone()}>
                        <Link<Route> to={to.clone()} classes="toast-link">{ label.clone() }</Link<Route>>
                    </span>
                }
            </div>
            <button type="button" class="btn btn-ghost btn-sm toast-close" aria-label={i18n.t(Key::Close)}
                    onclick={dismiss}>{ "×" }</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_keeps_only_the_newest_few() {
        let mut toasts = Rc::new(Toasts::default());
        for id in 0..6 {
            toasts = toasts.reduce(ToastAction::Show(id, Toast::info(format!("n{id}"))));
        }
        let ids: Vec<u32> = toasts.shown.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, [2, 3, 4, 5]);
        let toasts = toasts.reduce(ToastAction::Dismiss(4));
        assert_eq!(toasts.shown.len(), 3);
    }
}
