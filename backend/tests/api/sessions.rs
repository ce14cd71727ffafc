//! Signing in, refreshing, signing out, and every way a credential can be bad.

use leadflow::auth::TokenKeys;
use leadflow_shared::Role;
use serde_json::json;

use crate::helpers::{error_code, spawn_app, ADMIN_EMAIL, ADMIN_PASSWORD};

const ME: &str = "{ me { email role } }";

#[tokio::test]
async fn login_returns_tokens_that_open_me() {
    let app = spawn_app().await;
    let login = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(login["userErrors"], json!([]));
    assert_eq!(login["expiresIn"], 900);
    assert_eq!(login["user"]["role"], "ADMIN");
    let token = login["accessToken"].as_str().unwrap();
    let me = app.gql(Some(token), ME, json!({})).await;
    assert_eq!(
        me["data"]["me"],
        json!({ "email": ADMIN_EMAIL, "role": "ADMIN" })
    );

    // Email is matched however it is typed.
    let login = app.login("  Admin@Example.COM ", ADMIN_PASSWORD).await;
    assert!(login["accessToken"].is_string(), "{login}");
}

#[tokio::test]
async fn wrong_password_and_unknown_email_look_the_same() {
    let app = spawn_app().await;
    let wrong_password = app.login(ADMIN_EMAIL, "not-the-password").await;
    let unknown_email = app.login("nobody@example.com", "not-the-password").await;
    for payload in [&wrong_password, &unknown_email] {
        assert!(payload["accessToken"].is_null());
        assert!(payload["refreshToken"].is_null());
        assert_eq!(payload["userErrors"][0]["code"], "INVALID_CREDENTIALS");
    }
    assert_eq!(wrong_password["userErrors"], unknown_email["userErrors"]);
}

#[tokio::test]
async fn repeated_failures_from_one_address_are_paused() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let payload = app.login(ADMIN_EMAIL, "guess-guess-guess").await;
        assert_eq!(payload["userErrors"][0]["code"], "INVALID_CREDENTIALS");
    }
    // Even the right password is refused while the pause lasts.
    let payload = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(
        payload["userErrors"][0]["code"], "RATE_LIMITED",
        "{payload}"
    );
    assert!(payload["accessToken"].is_null());
    let message = payload["userErrors"][0]["message"].as_str().unwrap();
    assert!(message.contains("try again in"), "{message}");
}

#[tokio::test]
async fn missing_tampered_and_expired_tokens_are_rejected() {
    let app = spawn_app().await;
    let anonymous = app.gql(None, ME, json!({})).await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
    assert!(anonymous["data"].is_null());

    let token = app.admin_token().await;
    let mut tampered = token.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let body = app.gql(Some(&tampered), ME, json!({})).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");

    // A token signed with the server's own secret but already expired.
    let secret = leadflow::domain::settings::jwt_secret(&app.server.db, None)
        .await
        .unwrap();
    let keys = TokenKeys::new(&secret, 60);
    let claims = keys.verify(&token).unwrap();
    let expired = keys
        .issue(
            claims.sub,
            claims.sid,
            Role::Admin,
            chrono::Utc::now().timestamp() - 3_600,
        )
        .unwrap();
    let body = app.gql(Some(&expired), ME, json!({})).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("expired"));

    // Signed with another secret.
    let forged = TokenKeys::new("someone-elses-secret-0123456789ab", 60)
        .issue(
            claims.sub,
            claims.sid,
            Role::Admin,
            chrono::Utc::now().timestamp(),
        )
        .unwrap();
    assert_eq!(
        error_code(&app.gql(Some(&forged), ME, json!({})).await),
        "UNAUTHENTICATED"
    );
}

const REFRESH: &str = "mutation($t: String!) { refreshSession(input: { refreshToken: $t }) {
    accessToken refreshToken userErrors { code } } }";
const LOGOUT: &str = "mutation($t: String!) { logout(input: { refreshToken: $t }) { loggedOut userErrors { code } } }";

#[tokio::test]
async fn refresh_rotates_and_a_replayed_token_ends_the_sign_in() {
    let app = spawn_app().await;
    let login = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let first = login["refreshToken"].as_str().unwrap().to_string();

    let body = app.gql(None, REFRESH, json!({ "t": first })).await;
    let refreshed = &body["data"]["refreshSession"];
    assert_eq!(refreshed["userErrors"], json!([]));
    let second = refreshed["refreshToken"].as_str().unwrap().to_string();
    let access = refreshed["accessToken"].as_str().unwrap().to_string();
    assert_ne!(first, second);
    assert_eq!(
        app.gql(Some(&access), ME, json!({})).await["data"]["me"]["email"],
        ADMIN_EMAIL
    );

    // The used token comes back: somebody copied it. The whole sign-in ends.
    let replay = app.gql(None, REFRESH, json!({ "t": first })).await;
    assert_eq!(
        replay["data"]["refreshSession"]["userErrors"][0]["code"],
        "TOKEN_INVALID"
    );
    let after = app.gql(None, REFRESH, json!({ "t": second })).await;
    assert_eq!(
        after["data"]["refreshSession"]["userErrors"][0]["code"],
        "TOKEN_INVALID"
    );
    assert_eq!(
        error_code(&app.gql(Some(&access), ME, json!({})).await),
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn logout_revokes_refresh_and_access_tokens() {
    let app = spawn_app().await;
    let login = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let access = login["accessToken"].as_str().unwrap();
    let refresh = login["refreshToken"].as_str().unwrap();
    let other = app.admin_token().await;

    let body = app.gql(None, LOGOUT, json!({ "t": refresh })).await;
    assert_eq!(body["data"]["logout"]["loggedOut"], true);
    assert_eq!(
        error_code(&app.gql(Some(access), ME, json!({})).await),
        "UNAUTHENTICATED"
    );
    let again = app.gql(None, REFRESH, json!({ "t": refresh })).await;
    assert_eq!(
        again["data"]["refreshSession"]["userErrors"][0]["code"],
        "TOKEN_INVALID"
    );
    // Another sign-in of the same person is untouched.
    assert_eq!(
        app.gql(Some(&other), ME, json!({})).await["data"]["me"]["email"],
        ADMIN_EMAIL
    );

    let unknown = app
        .gql(None, LOGOUT, json!({ "t": "rt_not-a-token" }))
        .await;
    assert_eq!(
        unknown["data"]["logout"]["userErrors"][0]["code"],
        "TOKEN_INVALID"
    );
}

#[tokio::test]
async fn a_deactivated_users_tokens_stop_working() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let rep_id = app
        .create_user(&admin, "rep@example.com", "REP", None)
        .await;
    let login = app.login("rep@example.com", "rep-password-123").await;
    let rep_access = login["accessToken"].as_str().unwrap();
    let rep_refresh = login["refreshToken"].as_str().unwrap();
    assert_eq!(
        app.gql(Some(rep_access), ME, json!({})).await["data"]["me"]["role"],
        "REP"
    );

    let body = app
        .gql(
            Some(&admin),
            "mutation($id: ID!) { userDeactivate(input: { id: $id }) { user { active } userErrors { code } } }",
            json!({ "id": rep_id }),
        )
        .await;
    assert_eq!(body["data"]["userDeactivate"]["user"]["active"], false);

    let me = app.gql(Some(rep_access), ME, json!({})).await;
    assert_eq!(error_code(&me), "UNAUTHENTICATED");
    assert!(me["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("deactivated"));
    let refresh = app.gql(None, REFRESH, json!({ "t": rep_refresh })).await;
    assert_eq!(
        refresh["data"]["refreshSession"]["userErrors"][0]["code"],
        "TOKEN_INVALID"
    );
    let login = app.login("rep@example.com", "rep-password-123").await;
    assert_eq!(login["userErrors"][0]["code"], "INVALID_CREDENTIALS");

    // Reactivated, they can sign in again.
    app.gql(
        Some(&admin),
        "mutation($id: ID!) { userReactivate(input: { id: $id }) { user { active } } }",
        json!({ "id": rep_id }),
    )
    .await;
    assert!(app.login("rep@example.com", "rep-password-123").await["accessToken"].is_string());
}
