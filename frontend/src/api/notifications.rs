//! The signed-in user's notifications: the latest ones, marking them read, and the live
//! `notifications` subscription that feeds the bell and the toasts.

use leadflow_shared::NotificationKind;
use serde::Deserialize;
use serde_json::{json, Value};

use super::client::field;
use super::types::UserError;
use super::{ApiError, Client};

/// How many notifications the bell keeps and asks for.
pub const LATEST: i32 = 20;

/// The lead a notification is about, while the reader may still see it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NotificationLead {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub id: String,
    pub kind: NotificationKind,
    pub lead: Option<NotificationLead>,
    /// The lead's name when it happened, so the text reads right even after a rename.
    pub lead_name: String,
    /// Kind-specific details, e.g. `{"ownerName": "王芳", "minutes": 30}`.
    #[serde(default)]
    pub data: Value,
    pub created_at: String,
    pub read_at: Option<String>,
}

impl Notification {
    pub fn is_unread(&self) -> bool {
        self.read_at.is_none()
    }

    /// A text field of `data`, if the server sent one.
    pub fn data_str(&self, key: &str) -> Option<&str> {
        self.data
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }
}

const NOTIFICATION_FIELDS: &str = "id kind lead { id } leadName data createdAt readAt";

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationList {
    pub items: Vec<Notification>,
    pub unread_count: i32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkReadPayload {
    pub unread_count: i32,
    pub user_errors: Vec<UserError>,
}

/// What each `next` of the live subscription carries.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LiveNotification {
    pub notifications: Notification,
}

/// The newest notifications, read and unread, with the unread count.
pub async fn latest(client: &Client) -> Result<NotificationList, ApiError> {
    let document = format!(
        "query Notifications($first: Int) {{
           notifications(first: $first) {{ items {{ {NOTIFICATION_FIELDS} }} unreadCount }}
         }}"
    );
    let data: Value = client
        .request(&document, json!({ "first": LATEST }))
        .await?;
    field(data, "notifications")
}

/// Marks `ids` read; `None` marks every notification read.
pub async fn mark_read(
    client: &Client,
    ids: Option<Vec<String>>,
) -> Result<MarkReadPayload, ApiError> {
    const MARK_READ: &str = "mutation NotificationsMarkRead($input: NotificationsMarkReadInput!) {
      notificationsMarkRead(input: $input) { unreadCount userErrors { field message code } }
    }";
    let input = match ids {
        Some(ids) => json!({ "ids": ids }),
        None => json!({ "all": true }),
    };
    let data: Value = client.request(MARK_READ, json!({ "input": input })).await?;
    field(data, "notificationsMarkRead")
}

/// The live subscription, for [`super::subscription::subscribe`].
pub fn live_document() -> String {
    format!("subscription Notifications {{ notifications {{ {NOTIFICATION_FIELDS} }} }}")
}
