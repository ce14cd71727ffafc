//! The Leadflow server.
//!
//! Outside in: [`http`] and [`graphql`] speak to clients and call [`domain`], which
//! holds the business and knows the database ([`entity`]) and the shared rules crate,
//! never axum or async-graphql. [`startup`] wires it together and is what `main.rs`
//! and the tests call.

pub mod app;
pub mod auth;
pub mod backup;
pub mod clock;
pub mod config;
pub mod domain;
pub mod entity;
pub mod error;
pub mod events;
#[doc(hidden)]
pub mod fuzzing;
pub mod graphql;
pub mod http;
pub mod jobs;
pub mod relay;
pub mod startup;
pub mod telemetry;

pub use config::Config;

/// Chooses the process-wide TLS crypto provider. Several dependencies bring rustls with
/// different providers; without an explicit choice rustls refuses to pick one.
pub fn install_crypto_provider() {
    // A second call (tests, several servers in one process) finds one installed: fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
