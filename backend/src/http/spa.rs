//! The single-page app's files from `dist/`, with every unknown path answered by
//! `index.html` so client-side routes survive a reload.

use std::path::Path;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse};
use axum::routing::{get_service, MethodRouter};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

pub fn service<S: Clone + Send + Sync + 'static>(dist: &Path) -> MethodRouter<S> {
    let index = dist.join("index.html");
    let Ok(html) = std::fs::read_to_string(&index) else {
        tracing::warn!(dist = %dist.display(), "the web app is not built; serving a notice instead");
        return axum::routing::get(not_built);
    };
    let policy = content_security_policy(&html);
    get_service(ServeDir::new(dist).fallback(ServeFile::new(index))).layer(
        SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&policy).expect("a policy is plain ASCII"),
        ),
    )
}

/// The app's Content-Security-Policy: scripts only from this server, plus the one
/// inline loader the build writes into `index.html` (allowed by its hash, so an
/// injected script is not); WebAssembly compiled from those scripts; data and
/// WebSockets only to this origin; never framed.
///
/// Styles allow inline attributes: the app positions cards and canvases with them.
pub fn content_security_policy(index_html: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let hashes: String = inline_scripts(index_html)
        .map(|script| {
            let digest = sha2::Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self'{hashes} 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The bodies of the `<script>` elements without a `src`.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (open, body) = rest.split_once('>')?;
        let (body, _) = body.split_once("</script>")?;
        (!open.contains("src=")).then_some(body)
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_exactly_the_inline_loader_by_hash() {
        let html = "<head><script type=\"module\">init();</script>\
                    <script src=\"/app.js\"></script></head>";
        let policy = content_security_policy(html);
        // sha256("init();"), base64.
        assert!(
            policy.contains("'sha256-GEnM5q1nYY/iACnyMTdov+tNp9OFcBnnDgNXUXaVNXc='"),
            "{policy}"
        );
        assert_eq!(policy.matches("'sha256-").count(), 1, "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"));
    }
}
