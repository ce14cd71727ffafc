//! Pieces several pages share: the app shell, notices, empty states, form fields.

pub mod away_switch;
pub mod empty_state;
pub mod error_notice;
pub mod form;
pub mod icon;
pub mod lang_switch;
pub mod notifications;
pub mod page_header;
pub mod shell;
pub mod skeleton;
pub mod toast;
pub mod working_hours;
