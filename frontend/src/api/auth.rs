//! Signing in and out, and asking who is signed in.

use serde::Deserialize;
use serde_json::{json, Value};

use super::client::field;
use super::types::{User, UserError, USER_FIELDS};
use super::{ApiError, Client};
use crate::session::Tokens;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginPayload {
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub user: Option<User>,
    pub user_errors: Vec<UserError>,
}

impl LoginPayload {
    /// The session this login opened, if it succeeded.
    pub fn session(&self) -> Option<(Tokens, User)> {
        match (&self.access_token, &self.refresh_token, &self.user) {
            (Some(access), Some(refresh), Some(user)) => Some((
                Tokens {
                    access_token: access.clone(),
                    refresh_token: refresh.clone(),
                },
                user.clone(),
            )),
            _ => None,
        }
    }
}

pub async fn login(client: &Client, email: &str, password: &str) -> Result<LoginPayload, ApiError> {
    let document = format!(
        "mutation Login($input: LoginInput!) {{
           login(input: $input) {{
             accessToken refreshToken expiresIn
             user {{ {USER_FIELDS} }}
             userErrors {{ field message code }}
           }}
         }}"
    );
    let variables = json!({ "input": { "email": email, "password": password } });
    let data: Value = client.request(&document, variables).await?;
    field(data, "login")
}

/// Revokes the refresh token on the server. The caller signs out locally either way.
pub async fn logout(client: &Client, refresh_token: &str) -> Result<(), ApiError> {
    const LOGOUT: &str = "mutation Logout($input: LogoutInput!) {
      logout(input: $input) { loggedOut userErrors { field message code } }
    }";
    let variables = json!({ "input": { "refreshToken": refresh_token } });
    let _: Value = client.request(LOGOUT, variables).await?;
    Ok(())
}

pub async fn me(client: &Client) -> Result<User, ApiError> {
    let document = format!("query Me {{ me {{ {USER_FIELDS} }} }}");
    let data: Value = client.request(&document, json!({})).await?;
    field(data, "me")
}
