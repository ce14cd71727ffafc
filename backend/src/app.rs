//! The shared application state and the HTTP router. Builds; does nothing else.

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use sea_orm::DatabaseConnection;

use crate::auth::{LoginThrottle, TokenKeys};
use crate::config::Config;
use crate::events::EventBus;
use crate::graphql::{self, AppSchema};
use crate::http;

/// What every request handler and resolver may reach.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub keys: Arc<TokenKeys>,
    pub login_throttle: LoginThrottle,
    pub events: EventBus,
    /// Submissions per address to the public form endpoint.
    pub form_limiter: http::limits::RateLimiter,
    /// Signs per-lead tracking tokens for website behaviour events.
    pub tracking: crate::domain::tracking::TrackingKey,
    /// Behaviour events per address to the public tracking endpoint.
    pub tracking_limiter: http::limits::RateLimiter,
    /// GraphQL requests per API key (see `Config::api_key_requests_per_minute`).
    pub api_key_limiter: http::limits::RateLimiter<uuid::Uuid>,
    /// Signs the open, click and unsubscribe links in journey emails.
    pub email_links: crate::domain::email::LinkKey,
    /// Wakes this server's job runner when work is enqueued.
    pub jobs: crate::jobs::Queue,
    pub config: Arc<Config>,
}

/// The router's state: the application plus the schema built over it.
#[derive(Clone)]
pub struct HttpState {
    pub app: AppState,
    pub schema: AppSchema,
}

/// Web-to-lead forms and behaviour tracking: any site may post to them, so they alone
/// allow every origin.
fn public_forms() -> Router<HttpState> {
    use axum::http::{header, Method};
    let cors = tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::ACCEPT]);
    Router::new()
        .route("/f/{key}", get(http::forms::show).post(http::forms::submit))
        .route("/f/{key}/thanks", get(http::forms::thanks))
        .route("/t", post(http::tracking::track))
        .route("/e/o/{token}", get(http::email::open))
        .route("/e/c/{token}", get(http::email::click))
        .route(
            "/e/u/{token}",
            get(http::email::unsubscribe).post(http::email::unsubscribe),
        )
        .layer(cors)
}

pub fn router(state: AppState) -> Router {
    let schema = graphql::build_schema(Some(state.clone()));
    let config = state.config.clone();
    let http_state = HttpState { app: state, schema };

    let mut api = Router::new()
        .route(
            "/graphql",
            post(http::graphql::execute).layer(http::limits::request_timeout()),
        )
        .route("/graphql/ws", get(http::graphql::subscriptions))
        .route("/leads/export.csv", get(http::export::leads_csv))
        .route("/api/analytics/{file}", get(http::analytics::widget_csv))
        .route("/healthz", get(http::health::healthz))
        .route("/imports/upload", post(http::imports::upload))
        .route("/imports/{id}/errors.csv", get(http::imports::errors_csv))
        .route("/metrics", get(http::metrics::render))
        .merge(public_forms());
    if config.graphiql {
        api = api.route("/graphiql", get(http::graphql::graphiql));
    }
    let router = api
        .fallback_service(http::spa::service(&config.dist_dir))
        .layer(axum::middleware::from_fn(http::limits::body_size))
        .layer(axum::middleware::from_fn(http::metrics::track))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(http_state);
    http::headers::with_security_headers(router)
}
