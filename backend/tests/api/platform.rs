//! Health, metrics, the SPA's files and client-side routes.

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_metrics_and_spa_fallback() {
    let app = spawn_app().await;

    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");

    // A client-side route is answered by the SPA's index.html.
    let page = app
        .client
        .get(app.url("/settings/users"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert!(page.text().await.unwrap().contains("Leadflow test shell"));

    let graphiql = app.client.get(app.url("/graphiql")).send().await.unwrap();
    assert_eq!(graphiql.status(), 200);
    assert!(graphiql.text().await.unwrap().contains("/graphql/ws"));

    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), 200);
    let text = metrics.text().await.unwrap();
    assert!(text.contains("leadflow_http_requests_total"), "{text}");
    assert!(text.contains("route=\"/healthz\""), "{text}");
}

#[tokio::test]
async fn graceful_shutdown_stops_serving() {
    let app = spawn_app().await;
    let url = app.url("/healthz");
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 200);
    app.server.shutdown().await;
    assert!(reqwest::Client::new().get(&url).send().await.is_err());
}
