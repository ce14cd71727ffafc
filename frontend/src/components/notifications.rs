//! The bell in the sidebar: the unread count, a dropdown of the latest notifications,
//! and a toast for each one that arrives live.
//!
//! The latest twenty come from `notifications` when the shell mounts; the live
//! `notifications` subscription adds new ones at the top. The socket reconnects by
//! itself ([`crate::api::subscription`]); after a drop the list is fetched again so
//! nothing missed meanwhile is lost (without toasts: they would all arrive at once).
//! Opening an item marks it read; "Mark all read" marks the rest.

use std::rc::Rc;

use leadflow_shared::NotificationKind;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::notifications::{self, LiveNotification, Notification, NotificationList};
use crate::api::subscription::{subscribe, Subscription, SubscriptionEvent};
use crate::api::{use_client, Client};
use crate::components::icon::{Icon, IconName};
use crate::components::toast::{use_toaster, Toast};
use crate::i18n::{use_i18n, I18n, Key};
use crate::routes::Route;
use crate::time::now_rfc3339;

/// What a notification says, from its kind, the lead's name and its data.
pub fn notification_text(i18n: &I18n, n: &Notification) -> String {
    let name = n.lead_name.as_str();
    let owner = n.data_str("ownerName");
    match (n.kind, owner) {
        (NotificationKind::LeadAssigned, _) => i18n.tf(Key::NotifLeadAssigned, &[("name", name)]),
        (NotificationKind::SlaReminder, _) => i18n.tf(Key::NotifSlaReminder, &[("name", name)]),
        (NotificationKind::SlaEscalation, Some(owner)) => i18n.tf(
            Key::NotifSlaEscalationBy,
            &[("owner", owner), ("name", name)],
        ),
        (NotificationKind::SlaEscalation, None) => {
            i18n.tf(Key::NotifSlaEscalation, &[("name", name)])
        }
        (NotificationKind::SlaRecycled, _) => i18n.tf(Key::NotifSlaRecycled, &[("name", name)]),
        (NotificationKind::LeadClaimed, Some(owner)) => {
            i18n.tf(Key::NotifLeadClaimedBy, &[("owner", owner), ("name", name)])
        }
        (NotificationKind::LeadClaimed, None) => i18n.tf(Key::NotifLeadClaimed, &[("name", name)]),
        (NotificationKind::TaskDue, _) => i18n.tf(
            Key::NotifTaskDue,
            &[
                ("title", n.data_str("title").unwrap_or_default()),
                ("name", name),
            ],
        ),
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Inbox {
    items: Vec<Notification>,
    unread: i32,
}

enum InboxAction {
    Loaded(NotificationList),
    Arrived(Notification),
    /// Marked read here; the server's count follows with [`InboxAction::Unread`].
    Read(Option<Vec<String>>),
    Unread(i32),
}

impl Reducible for Inbox {
    type Action = InboxAction;

    fn reduce(self: Rc<Self>, action: InboxAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            InboxAction::Loaded(list) => {
                next.items = list.items;
                next.unread = list.unread_count;
            }
            InboxAction::Arrived(n) => {
                if next.items.iter().any(|i| i.id == n.id) {
                    return self;
                }
                if n.is_unread() {
                    next.unread += 1;
                }
                next.items.insert(0, n);
                next.items.truncate(notifications::LATEST as usize * 2);
            }
            InboxAction::Read(ids) => {
                let now = now_rfc3339();
                for item in &mut next.items {
                    let hit = ids.as_ref().is_none_or(|ids| ids.contains(&item.id));
                    if hit && item.is_unread() {
                        item.read_at = Some(now.clone());
                        next.unread = (next.unread - 1).max(0);
                    }
                }
                if ids.is_none() {
                    next.unread = 0;
                }
            }
            InboxAction::Unread(n) => next.unread = n.max(0),
        }
        Rc::new(next)
    }
}

/// Marks `ids` (or everything) read on the server and takes its count.
fn mark_read(client: Client, inbox: UseReducerDispatcher<Inbox>, ids: Option<Vec<String>>) {
    inbox.dispatch(InboxAction::Read(ids.clone()));
    spawn_local(async move {
        match notifications::mark_read(&client, ids).await {
            Ok(payload) if payload.user_errors.is_empty() => {
                inbox.dispatch(InboxAction::Unread(payload.unread_count))
            }
            Ok(_) => {}
            Err(err) => gloo::console::warn!(format!("marking notifications read failed: {err:?}")),
        }
    });
}

fn reload(client: Client, inbox: UseReducerDispatcher<Inbox>) {
    spawn_local(async move {
        match notifications::latest(&client).await {
            Ok(list) => inbox.dispatch(InboxAction::Loaded(list)),
            Err(err) => gloo::console::warn!(format!("notifications failed: {err:?}")),
        }
    });
}

#[component]
pub fn NotificationBell() -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let toaster = use_toaster();
    let navigator = use_navigator();
    let inbox = use_reducer(Inbox::default);
    let open = use_state(|| false);
    // The socket is up: live notifications will arrive (`data-live` on the bell).
    let connected = use_state(|| false);
    let live: Rc<std::cell::RefCell<Option<Subscription>>> = use_mut_ref(|| None);

    // The latest on mount, then live; after a dropped socket, the latest again.
    {
        let (client, dispatcher, live) = (client.clone(), inbox.dispatcher(), live.clone());
        let (toaster, i18n, connected) = (toaster.clone(), i18n.clone(), connected.clone());
        use_effect_with((), move |_| {
            reload(client.clone(), dispatcher.clone());
            let dropped = Rc::new(std::cell::Cell::new(false));
            let on_event = {
                let (client, dispatcher) = (client.clone(), dispatcher.clone());
                Callback::from(
                    move |event: SubscriptionEvent<LiveNotification>| match event {
                        SubscriptionEvent::Connected => {
                            connected.set(true);
                            if dropped.replace(false) {
                                reload(client.clone(), dispatcher.clone());
                            }
                        }
                        SubscriptionEvent::Data(LiveNotification { notifications: n }) => {
                            let mut toast = Toast::info(notification_text(&i18n, &n));
                            if let Some(lead) = &n.lead {
                                let to = Route::LeadDetail {
                                    id: lead.id.clone(),
                                };
                                toast = toast.with_link(to, i18n.t(Key::OpenLead));
                            }
                            toaster.show(toast);
                            dispatcher.dispatch(InboxAction::Arrived(n));
                        }
                        SubscriptionEvent::Reconnecting => {
                            connected.set(false);
                            dropped.set(true);
                        }
                        SubscriptionEvent::Failed(err) => {
                            connected.set(false);
                            gloo::console::warn!(format!("notifications subscription: {err:?}"))
                        }
                    },
                )
            };
            *live.borrow_mut() = Some(subscribe(
                client,
                notifications::live_document(),
                serde_json::json!({}),
                on_event,
            ));
            move || {
                live.borrow_mut().take();
            }
        });
    }

    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    let on_key = {
        let open = open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                open.set(false);
            }
        })
    };
    let mark_all = {
        let (client, dispatcher) = (client.clone(), inbox.dispatcher());
        Callback::from(move |_: MouseEvent| mark_read(client.clone(), dispatcher.clone(), None))
    };

    let unread = inbox.unread;
    let count_text = if unread > 99 {
        "99+".to_owned()
    } else {
        unread.to_string()
    };
    let bell_label = if unread > 0 {
        format!(
            "{} · {}",
            i18n.t(Key::Notifications),
            i18n.tf(Key::NotificationsUnread, &[("n", &unread.to_string())])
        )
    } else {
        i18n.t(Key::Notifications).to_owned()
    };

    let item = |n: &Notification| {
        let to = n.lead.as_ref().map(|lead| Route::LeadDetail {
            id: lead.id.clone(),
        });
        let onclick = {
            let (client, dispatcher, open, navigator) = (
                client.clone(),
                inbox.dispatcher(),
                open.clone(),
                navigator.clone(),
            );
            let (id, unread, to) = (n.id.clone(), n.is_unread(), to.clone());
            Callback::from(move |e: MouseEvent| {
                if unread {
                    mark_read(client.clone(), dispatcher.clone(), Some(vec![id.clone()]));
                }
                let plain = !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0);
                if let (Some(to), Some(navigator), true) = (&to, &navigator, plain) {
                    e.prevent_default();
                    navigator.push(to);
                    open.set(false);
                }
            })
        };
        let class = classes!(
            "notif-item",
            format!("notif-{}", n.kind.as_str()),
            n.is_unread().then_some("is-unread")
        );
        let body = html! { <>
            <span class="notif-dot" aria-hidden="true" />
            <span class="notif-main">
                <span class="notif-text">{ notification_text(&i18n, n) }</span>
                <time class="notif-time" datetime={n.created_at.clone()} title={i18n.datetime(&n.created_at)}>
                    { i18n.relative(&n.created_at) }
                </time>
            </span>
        </> };
        html! {
            <li key={n.id.clone()}>
                if let Some(to) = to {
                    <a {class} href={to.to_path()} data-testid="notification-item" data-read={(!n.is_unread()).to_string()}
                       {onclick}>{ body }</a>
                } else {
                    <button type="button" {class} data-testid="notification-item"
                            data-read={(!n.is_unread()).to_string()} {onclick}>{ body }</button>
                }
            </li>
        }
    };

    html! {
        <div class="notif" onkeydown={on_key}>
            <button type="button" class={classes!("notif-bell", open.then_some("is-open"))} data-testid="notification-bell"
                    data-live={connected.to_string()}
                    aria-haspopup="true" aria-expanded={open.to_string()} aria-label={bell_label.clone()}
                    title={bell_label} onclick={toggle}>
                <Icon name={IconName::Bell} size={18} />
                if unread > 0 {
                    <span class="notif-count" data-testid="notification-count">{ count_text }</span>
                }
            </button>
            if *open {
                <div class="notif-backdrop" onclick={close} />
                <div class="notif-panel" role="dialog" aria-label={i18n.t(Key::Notifications)}
                     data-testid="notification-panel">
                    <div class="notif-head">
                        <strong>{ i18n.t(Key::Notifications) }</strong>
                        if unread > 0 {
                            <span class="muted">{ i18n.tf(Key::NotificationsUnread, &[("n", &unread.to_string())]) }</span>
                        }
                        <span class="toolbar-spacer" />
                        <button type="button" class="btn btn-ghost btn-sm" data-testid="notifications-mark-all-read"
                                disabled={unread == 0} onclick={mark_all}>
                            { i18n.t(Key::NotificationsMarkAllRead) }
                        </button>
                    </div>
                    if inbox.items.is_empty() {
                        <div class="notif-empty">
                            <strong>{ i18n.t(Key::NotificationsEmpty) }</strong>
                            <span class="muted">{ i18n.t(Key::NotificationsEmptyHint) }</span>
                        </div>
                    } else {
                        <ul class="notif-list" data-testid="notification-list">
                            { for inbox.items.iter().map(item) }
                        </ul>
                    }
                </div>
            }
        </div>
    }
}
