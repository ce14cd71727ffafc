//! Server configuration, read once from the environment.
//!
//! Every variable has a default that works on a laptop with nothing installed: an
//! SQLite file next to the working directory, loopback on port 8080, a JWT secret
//! generated on first start and kept in the database.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://leadflow.db?mode=rwc` or `postgres://user:pass@host/db`.
    pub database_url: String,
    /// `LEADFLOW_BIND`: the address the HTTP server listens on.
    pub bind: SocketAddr,
    /// `LEADFLOW_JWT_SECRET`: signs access tokens. Unset: generated and persisted.
    pub jwt_secret: Option<String>,
    /// `LEADFLOW_DIST_DIR`: the built single-page app (Trunk's output).
    pub dist_dir: PathBuf,
    /// `LEADFLOW_GRAPHIQL`: serve the GraphiQL explorer at `/graphiql`.
    pub graphiql: bool,
    /// `LEADFLOW_ACCESS_TOKEN_TTL_SECS`: lifetime of an access token.
    pub access_token_ttl_secs: i64,
    /// `LEADFLOW_DATA_DIR`: files the server keeps (uploaded CSV imports).
    pub data_dir: PathBuf,
    /// `LEADFLOW_MAX_UPLOAD_BYTES`: the largest CSV upload accepted.
    pub max_upload_bytes: u64,
    /// Rows an import writes per transaction; a crash re-does at most this many.
    pub import_chunk_rows: usize,
    /// The time SLA timers and due jobs count in: the wall clock, moved only by tests.
    pub clock: crate::clock::Clock,
    /// `LEADFLOW_POOL_CLAIMS_PER_DAY`: leads one rep may claim from the pool per 24 hours.
    pub pool_claims_per_day: u32,
    /// How far a free-text search of the lead list counts before it says "10,000+";
    /// also where searching switches from gathering matches to probing leads.
    pub search_count_cap: u64,
    /// `LEADFLOW_INTROSPECTION`: answer GraphQL introspection (schema discovery for
    /// integrators). Production may turn it off; the SDL is published with the release.
    pub introspection: bool,
    /// `LEADFLOW_API_KEY_REQUESTS_PER_MINUTE`: GraphQL requests one API key may make per
    /// minute (0: no limit). Over it the key gets 429 with `Retry-After`.
    pub api_key_requests_per_minute: u32,
    /// `LEADFLOW_SMTP_HOST` (and `_PORT`, `_TLS` none/starttls/tls, `_FROM`, `_USERNAME`,
    /// `_PASSWORD`): the relay journey email goes out through. Unset: journey emails
    /// are queued and recorded as failed ("no mail server configured").
    pub smtp: Option<crate::domain::email::SmtpConfig>,
    /// `LEADFLOW_PUBLIC_URL`: how leads reach this server, for the links in emails
    /// (open pixel, clicks, unsubscribe). Unset: `http://` + the bound address.
    pub public_url: Option<String>,
}

/// Enough for a busy integration (50 captures a second) while a runaway script is
/// stopped within a minute.
pub const DEFAULT_API_KEY_REQUESTS_PER_MINUTE: u32 = 3_000;

/// 512 MiB: a few million rows of a typical lead list.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 512 * 1024 * 1024;
pub const DEFAULT_IMPORT_CHUNK_ROWS: usize = 200;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://leadflow.db?mode=rwc";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let bind = var("LEADFLOW_BIND").unwrap_or_else(|| DEFAULT_BIND.to_string());
        let bind = bind.parse().with_context(|| {
            format!("LEADFLOW_BIND={bind} is not an address like 127.0.0.1:8080")
        })?;
        let graphiql = match var("LEADFLOW_GRAPHIQL").as_deref() {
            None => true,
            Some(v) => parse_bool(v)
                .with_context(|| format!("LEADFLOW_GRAPHIQL={v} must be true or false"))?,
        };
        let introspection = match var("LEADFLOW_INTROSPECTION").as_deref() {
            None => true,
            Some(v) => parse_bool(v)
                .with_context(|| format!("LEADFLOW_INTROSPECTION={v} must be true or false"))?,
        };
        let api_key_requests_per_minute = match var("LEADFLOW_API_KEY_REQUESTS_PER_MINUTE") {
            None => DEFAULT_API_KEY_REQUESTS_PER_MINUTE,
            Some(v) => v.parse::<u32>().ok().filter(|n| *n <= 1_000_000).with_context(|| {
                format!("LEADFLOW_API_KEY_REQUESTS_PER_MINUTE={v} must be a number from 0 (no limit) to 1000000")
            })?,
        };
        let access_token_ttl_secs = match var("LEADFLOW_ACCESS_TOKEN_TTL_SECS") {
            None => 900,
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|s| (10..=86_400).contains(s))
                .with_context(|| {
                    format!(
                        "LEADFLOW_ACCESS_TOKEN_TTL_SECS={v} must be seconds between 10 and 86400"
                    )
                })?,
        };
        let jwt_secret = var("LEADFLOW_JWT_SECRET");
        if let Some(secret) = &jwt_secret {
            anyhow::ensure!(
                secret.len() >= 32,
                "LEADFLOW_JWT_SECRET must be at least 32 characters"
            );
        }
        let max_upload_bytes = match var("LEADFLOW_MAX_UPLOAD_BYTES") {
            None => DEFAULT_MAX_UPLOAD_BYTES,
            Some(v) => v.parse::<u64>().ok().filter(|n| *n > 0).with_context(|| {
                format!("LEADFLOW_MAX_UPLOAD_BYTES={v} must be a positive number of bytes")
            })?,
        };
        let pool_claims_per_day = match var("LEADFLOW_POOL_CLAIMS_PER_DAY") {
            None => crate::domain::pool::DEFAULT_CLAIMS_PER_DAY,
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=10_000).contains(n))
                .with_context(|| {
                    format!("LEADFLOW_POOL_CLAIMS_PER_DAY={v} must be a number from 1 to 10000")
                })?,
        };
        let smtp = match var("LEADFLOW_SMTP_HOST") {
            None => None,
            Some(host) => {
                use crate::domain::email::{SmtpConfig, SmtpTls};
                let tls = match var("LEADFLOW_SMTP_TLS") {
                    None => SmtpTls::StartTls,
                    Some(v) => SmtpTls::parse(&v).with_context(|| {
                        format!("LEADFLOW_SMTP_TLS={v} must be none, starttls or tls")
                    })?,
                };
                let default_port = match tls {
                    SmtpTls::None => 25,
                    SmtpTls::StartTls => 587,
                    SmtpTls::Tls => 465,
                };
                let port =
                    match var("LEADFLOW_SMTP_PORT") {
                        None => default_port,
                        Some(v) => v.parse::<u16>().ok().filter(|p| *p > 0).with_context(|| {
                            format!("LEADFLOW_SMTP_PORT={v} must be a port number")
                        })?,
                    };
                let from = var("LEADFLOW_SMTP_FROM").context(
                    "LEADFLOW_SMTP_FROM (the sender address) is required with LEADFLOW_SMTP_HOST",
                )?;
                anyhow::ensure!(
                    from.parse::<lettre::message::Mailbox>().is_ok(),
                    "LEADFLOW_SMTP_FROM={from} is not an address like Leadflow <news@example.com>"
                );
                Some(SmtpConfig {
                    host,
                    port,
                    tls,
                    from,
                    username: var("LEADFLOW_SMTP_USERNAME"),
                    password: var("LEADFLOW_SMTP_PASSWORD"),
                    timeout_secs: 30,
                })
            }
        };
        Ok(Config {
            smtp,
            public_url: var("LEADFLOW_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string()),
            pool_claims_per_day,
            search_count_cap: crate::domain::leads::SEARCH_COUNT_CAP,
            introspection,
            api_key_requests_per_minute,
            data_dir: var("LEADFLOW_DATA_DIR").map_or_else(|| PathBuf::from("data"), PathBuf::from),
            max_upload_bytes,
            import_chunk_rows: DEFAULT_IMPORT_CHUNK_ROWS,
            clock: crate::clock::Clock::default(),
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            bind,
            jwt_secret,
            dist_dir: var("LEADFLOW_DIST_DIR").map_or_else(|| PathBuf::from("dist"), PathBuf::from),
            graphiql,
            access_token_ttl_secs,
        })
    }

    /// A configuration for tests: loopback on a free port, the given database, a fresh
    /// data directory under the system's temp folder (tests may point it elsewhere).
    pub fn for_tests(database_url: impl Into<String>, dist_dir: PathBuf) -> Config {
        Config {
            smtp: None,
            public_url: None,
            data_dir: std::env::temp_dir().join(format!("leadflow-{}", uuid::Uuid::new_v4())),
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            import_chunk_rows: DEFAULT_IMPORT_CHUNK_ROWS,
            clock: crate::clock::Clock::default(),
            pool_claims_per_day: crate::domain::pool::DEFAULT_CLAIMS_PER_DAY,
            search_count_cap: crate::domain::leads::SEARCH_COUNT_CAP,
            introspection: true,
            api_key_requests_per_minute: DEFAULT_API_KEY_REQUESTS_PER_MINUTE,
            database_url: database_url.into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            jwt_secret: None,
            dist_dir,
            graphiql: true,
            access_token_ttl_secs: 900,
        }
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}
