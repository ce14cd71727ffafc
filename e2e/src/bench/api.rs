//! Talking to the server as its users do: GraphQL over HTTP, the hosted web form, the CSV
//! upload, and the assignment feed over graphql-transport-ws.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use super::data::Lead;

pub const DEMO_ADMIN: &str = "admin@leadflow.local";
pub const DEMO_PASSWORD: &str = "leadflow-demo";

pub const CAPTURE: &str = "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) {
    leadId outcome userErrors { field message code } } }";

#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
}

pub fn client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(64)
        .build()?)
}

impl Api {
    pub fn new(base: &str) -> Result<Api> {
        Ok(Api {
            base: base.to_string(),
            http: client()?,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A GraphQL request; top-level errors are failures.
    pub async fn gql(&self, token: &str, query: &str, variables: Value) -> Result<Value> {
        let body =
            post_graphql(&self.http, &self.url("/graphql"), token, query, &variables).await?;
        if body.get("errors").is_some_and(|e| !e.is_null()) {
            bail!("GraphQL errors: {}", body["errors"]);
        }
        Ok(body["data"].clone())
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<String> {
        let data = self
            .gql(
                "",
                "mutation($input: LoginInput!) { login(input: $input) { accessToken userErrors { message } } }",
                json!({ "input": { "email": email, "password": password } }),
            )
            .await?;
        data["login"]["accessToken"]
            .as_str()
            .map(str::to_string)
            .with_context(|| format!("signing in as {email}: {data}"))
    }

    pub async fn api_key(&self, token: &str, scopes: &[&str]) -> Result<String> {
        let data = self
            .gql(
                token,
                "mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { secret userErrors { message } } }",
                json!({ "input": { "name": "benchmark", "scopes": scopes } }),
            )
            .await?;
        data["apiKeyCreate"]["secret"]
            .as_str()
            .map(str::to_string)
            .with_context(|| format!("creating an API key: {data}"))
    }

    /// Creates a web-to-lead form asking for every lead field; gives its path (`/f/<key>`).
    pub async fn form(&self, token: &str) -> Result<String> {
        let fields: Vec<Value> = [
            "personName",
            "company",
            "title",
            "email",
            "phone",
            "province",
            "city",
            "industry",
        ]
        .iter()
        .map(|name| json!({ "name": name, "label": name, "required": *name == "personName" }))
        .collect();
        let data = self
            .gql(
                token,
                "mutation($input: FormCreateInput!) { formCreate(input: $input) { form { path } userErrors { field message } } }",
                json!({ "input": { "name": "产品演示预约", "fields": fields } }),
            )
            .await?;
        data["formCreate"]["form"]["path"]
            .as_str()
            .map(str::to_string)
            .with_context(|| format!("creating a form: {data}"))
    }
}

pub async fn post_graphql(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    query: &str,
    variables: &Value,
) -> Result<Value> {
    let mut request = http
        .post(url)
        .json(&json!({ "query": query, "variables": variables }));
    if !token.is_empty() {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status();
    if !status.is_success() {
        bail!(
            "HTTP {status}: {}",
            response.text().await.unwrap_or_default()
        );
    }
    Ok(response.json().await?)
}

/// What a visitor or an integration sends for `lead`: the fields it has, as typed.
pub fn lead_fields(lead: &Lead) -> serde_json::Map<String, Value> {
    let mut fields = serde_json::Map::new();
    fields.insert("personName".into(), json!(lead.person_name));
    let optional = [
        ("company", lead.company.as_deref()),
        ("title", lead.title),
        ("email", lead.email.as_deref()),
        ("phone", lead.phone.as_deref()),
        ("province", Some(lead.province)),
        ("city", Some(lead.city)),
        ("industry", Some(lead.industry)),
    ];
    for (name, value) in optional {
        if let Some(value) = value {
            fields.insert(name.into(), json!(value));
        }
    }
    fields
}

/// The `LeadCaptureInput` for `lead`.
pub fn capture_input(lead: &Lead) -> Value {
    let mut input = lead_fields(lead);
    input.insert("companySize".into(), json!(lead.company_size));
    input.insert("source".into(), json!(lead.source.to_uppercase()));
    input.insert("tags".into(), json!(lead.tags));
    Value::Object(input)
}

/// Posts to the hosted form from many loopback addresses (127.1.x.y), `per_address` posts
/// each: the form allows each visitor's address a few posts a minute, and a benchmark of
/// many visitors must look like many visitors.
pub struct Visitors {
    per_address: u64,
    /// The first visitor number of this crowd: crowds in one run never share an address.
    first: u64,
    clients: Mutex<HashMap<u64, reqwest::Client>>,
}

/// Visitor numbers handed out so far in this process.
static VISITORS_SEEN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Visitors {
    /// A crowd of at most `size` visitors, `per_address` posts each.
    pub fn new(per_address: u64, size: u64) -> Visitors {
        Visitors {
            per_address: per_address.max(1),
            first: VISITORS_SEEN.fetch_add(size, std::sync::atomic::Ordering::Relaxed),
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// The client of the visitor sending request `i`.
    pub fn client(&self, i: u64) -> Result<reqwest::Client> {
        let visitor = self.first + i / self.per_address;
        let mut clients = self
            .clients
            .lock()
            .map_err(|_| anyhow::anyhow!("visitor table poisoned"))?;
        if let Some(client) = clients.get(&visitor) {
            return Ok(client.clone());
        }
        // 127.1.0.1 onwards: 65,000 visitors before wrapping, far more than a run sends.
        let n = visitor % 65_000 + 1;
        let address = IpAddr::V4(Ipv4Addr::new(127, 1, (n >> 8) as u8, (n & 0xFF) as u8));
        let client = reqwest::Client::builder()
            .local_address(address)
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        clients.retain(|v, _| v + 64 > visitor);
        clients.insert(visitor, client.clone());
        Ok(client)
    }
}

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the GraphQL WebSocket, signs in with `token` and subscribes to `query`.
pub async fn subscribe(ws_url: &str, token: &str, query: &str) -> Result<Socket> {
    let mut request = ws_url.into_client_request()?;
    request
        .headers_mut()
        .insert("sec-websocket-protocol", "graphql-transport-ws".parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    let send = |v: Value| Message::Text(v.to_string().into());
    socket
        .send(send(json!({ "type": "connection_init",
                           "payload": { "authorization": format!("Bearer {token}") } })))
        .await?;
    let ack = next_message(&mut socket, Duration::from_secs(10))
        .await?
        .context("the socket closed before acknowledging")?;
    anyhow::ensure!(ack["type"] == "connection_ack", "no ack: {ack}");
    socket
        .send(send(json!({ "id": "1", "type": "subscribe",
                           "payload": { "query": query, "variables": {} } })))
        .await?;
    Ok(socket)
}

/// The next JSON message (pings skipped); `None` when the socket closes.
pub async fn next_message(socket: &mut Socket, wait: Duration) -> Result<Option<Value>> {
    loop {
        let Some(message) = tokio::time::timeout(wait, socket.next()).await? else {
            return Ok(None);
        };
        match message? {
            Message::Text(text) => return Ok(Some(serde_json::from_str(&text)?)),
            Message::Close(_) => return Ok(None),
            _ => continue,
        }
    }
}
