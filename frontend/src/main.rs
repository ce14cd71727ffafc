//! Leadflow's single-page app: Yew, rendered in the browser, talking GraphQL.
//!
//! - [`app`] wires the providers and the router; [`routes`] lists every page.
//! - [`session`] holds who is signed in; [`i18n`] every word in both languages.
//! - [`api`] is the only module that talks to the server.
//! - [`pages`] has one file per screen; [`components`] the pieces they share.

mod api;
mod app;
mod components;
mod i18n;
mod pages;
mod routes;
mod session;
mod sort;
mod time;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
