//! The single-page app's files from `dist/`, with every unknown path answered by
//! `index.html` so client-side routes survive a reload.

use std::path::Path;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::{get_service, MethodRouter};
use tower_http::services::{ServeDir, ServeFile};

pub fn service<S: Clone + Send + Sync + 'static>(dist: &Path) -> MethodRouter<S> {
    let index = dist.join("index.html");
    if !index.is_file() {
        tracing::warn!(dist = %dist.display(), "the web app is not built; serving a notice instead");
        return axum::routing::get(not_built);
    }
    get_service(ServeDir::new(dist).fallback(ServeFile::new(index)))
}

async fn not_built() -> impl IntoResponse {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(
            "<!doctype html><meta charset=utf-8><title>Leadflow</title>\
             <h1>The web app is not built</h1>\
             <p>Start Leadflow with <code>cargo xtask run</code>, which builds it, or set \
             <code>LEADFLOW_DIST_DIR</code> to a built <code>dist</code> folder. \
             The API is up: <a href=\"/graphiql\">/graphiql</a>.</p>",
        ),
    )
}
