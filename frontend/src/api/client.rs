//! Queries and mutations over HTTP, with the session's access token and one silent
//! token refresh.
//!
//! When the server answers `UNAUTHENTICATED`, the client calls `refreshSession` once
//! (shared by every request that failed at the same moment, because refresh tokens
//! rotate and a second use would be refused), retries with the new access token, and
//! if that is impossible signs the session out, which sends the user to the login page.

use std::cell::RefCell;

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use gloo::net::http::Request;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use yew::prelude::*;

use super::ApiError;
use crate::session::{use_session, Session, SessionAction, Tokens};

const ENDPOINT: &str = "/graphql";

const REFRESH_SESSION: &str = "mutation RefreshSession($input: RefreshSessionInput!) {
  refreshSession(input: $input) { accessToken refreshToken userErrors { field message code } }
}";

type Renewal = Shared<LocalBoxFuture<'static, Result<Tokens, ApiError>>>;

thread_local! {
    /// The refresh in flight, if any; concurrent failures all wait for this one.
    static RENEWAL: RefCell<Option<Renewal>> = const { RefCell::new(None) };
}

/// A handle for talking to the server; cheap to clone, get it with [`use_client`].
#[derive(Clone, PartialEq)]
pub struct Client {
    session: UseReducerDispatcher<Session>,
}

#[hook]
pub fn use_client() -> Client {
    let session = use_session();
    Client {
        session: session.dispatcher(),
    }
}

#[derive(Deserialize)]
struct Response {
    data: Option<Value>,
    #[serde(default)]
    errors: Vec<GraphQlError>,
}

#[derive(Deserialize)]
pub(super) struct GraphQlError {
    message: String,
    #[serde(default)]
    extensions: Option<Value>,
}

impl GraphQlError {
    pub(super) fn to_api_error(&self) -> ApiError {
        let code = self
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .and_then(Value::as_str);
        ApiError::from_code(code, &self.message)
    }
}

/// The first top-level error of a response, as an [`ApiError`].
pub(super) fn first_error(errors: &[GraphQlError]) -> Option<ApiError> {
    errors.first().map(GraphQlError::to_api_error)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RefreshPayload {
    access_token: Option<String>,
    refresh_token: Option<String>,
}

impl Client {
    /// Runs `document` with `variables` and decodes `data` into `D`.
    pub async fn request<D: DeserializeOwned>(
        &self,
        document: &str,
        variables: Value,
    ) -> Result<D, ApiError> {
        let used = Tokens::stored();
        let bearer = used.as_ref().map(|t| t.access_token.as_str());
        let data = match send(document, &variables, bearer).await {
            Err(ApiError::Unauthenticated) if used.is_some() => {
                let fresh = self.renew(used.as_ref()).await?;
                let retried = send(document, &variables, Some(&fresh.access_token)).await;
                if retried == Err(ApiError::Unauthenticated) {
                    self.sign_out_locally();
                }
                retried?
            }
            other => other?,
        };
        decode(data)
    }

    /// Gets a usable token pair after the server refused `used`: the one another request
    /// already obtained, or a new one from `refreshSession`.
    pub async fn renew(&self, used: Option<&Tokens>) -> Result<Tokens, ApiError> {
        let Some(current) = Tokens::stored() else {
            self.sign_out_locally();
            return Err(ApiError::Unauthenticated);
        };
        if used != Some(&current) {
            return Ok(current);
        }
        let renewal = RENEWAL.with(|slot| {
            slot.borrow_mut()
                .get_or_insert_with(|| {
                    refresh(current.refresh_token.clone(), self.session.clone())
                        .boxed_local()
                        .shared()
                })
                .clone()
        });
        let result = renewal.await;
        RENEWAL.with(|slot| slot.borrow_mut().take());
        result
    }

    /// Forgets the session in this browser (the server side is handled by `logout`).
    pub fn sign_out_locally(&self) {
        self.session.dispatch(SessionAction::SignedOut);
    }

    pub fn dispatch(&self, action: SessionAction) {
        self.session.dispatch(action);
    }
}

async fn refresh(
    refresh_token: String,
    session: UseReducerDispatcher<Session>,
) -> Result<Tokens, ApiError> {
    let variables = json!({ "input": { "refreshToken": refresh_token } });
    let outcome = match send(REFRESH_SESSION, &variables, None).await {
        Ok(mut data) => {
            let payload: Result<RefreshPayload, _> =
                serde_json::from_value(data["refreshSession"].take());
            match payload {
                Ok(RefreshPayload {
                    access_token: Some(access_token),
                    refresh_token: Some(refresh_token),
                }) => Ok(Tokens {
                    access_token,
                    refresh_token,
                }),
                // userErrors (TOKEN_INVALID): the session is over.
                _ => Err(ApiError::Unauthenticated),
            }
        }
        // A flaky network is not a reason to sign someone out.
        Err(err @ (ApiError::Network | ApiError::Server(_))) => return Err(err),
        Err(_) => Err(ApiError::Unauthenticated),
    };
    match &outcome {
        Ok(tokens) => {
            tokens.save();
            session.dispatch(SessionAction::Refreshed(tokens.clone()));
        }
        Err(_) => session.dispatch(SessionAction::SignedOut),
    }
    outcome
}

/// One HTTP round trip; returns `data` or the first error.
async fn send(document: &str, variables: &Value, bearer: Option<&str>) -> Result<Value, ApiError> {
    let mut request = Request::post(ENDPOINT).header("Accept", "application/json");
    if let Some(token) = bearer {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let body = json!({ "query": document, "variables": variables });
    let response = request
        .json(&body)
        .map_err(|e| ApiError::BadRequest(e.to_string()))?
        .send()
        .await
        .map_err(|e| {
            gloo::console::warn!(format!("GraphQL request failed: {e}"));
            ApiError::Network
        })?;
    let status = response.status();
    let text = response.text().await.map_err(|_| ApiError::Network)?;
    let parsed: Response = match serde_json::from_str(&text) {
        Ok(parsed) => parsed,
        Err(_) if !(200..300).contains(&status) => {
            return Err(ApiError::from_status(status, &text))
        }
        Err(e) => return Err(ApiError::Decode(e.to_string())),
    };
    if let Some(err) = first_error(&parsed.errors) {
        if let Some(detail) = err.detail() {
            gloo::console::warn!(format!("GraphQL error: {detail}"));
        }
        return Err(err);
    }
    parsed
        .data
        .ok_or_else(|| ApiError::Decode("response without data".into()))
}

fn decode<D: DeserializeOwned>(data: Value) -> Result<D, ApiError> {
    serde_json::from_value(data).map_err(|e| {
        gloo::console::warn!(format!("Unexpected GraphQL data: {e}"));
        ApiError::Decode(e.to_string())
    })
}

/// Takes the field `name` out of a `data` object, e.g. `userCreate`.
pub fn field<D: DeserializeOwned>(mut data: Value, name: &str) -> Result<D, ApiError> {
    decode(data[name].take())
}
