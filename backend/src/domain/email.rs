//! Email: templates with variables, the signed links every journey email carries
//! (open pixel, click redirect, unsubscribe) and delivery over SMTP with `lettre`.
//!
//! Rendering and link signing are pure; [`deliver`] is the only code that talks to a
//! mail server. Journeys queue an `outbound_emails` row in the step's transaction and a
//! job sends it (see `domain::journeys`), so a slow or refusing server never holds a
//! lead's transaction and a refused send is retried with backoff.

use base64::Engine;
use hmac::{Hmac, Mac};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sha2::Sha256;
use uuid::Uuid;

/// How the server reaches its SMTP relay (`LEADFLOW_SMTP_*`).
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// The `From:` address, e.g. `Leadflow <news@example.com>`.
    pub from: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub timeout_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP (a relay on the same host or network).
    None,
    /// Plain, upgraded with STARTTLS (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl SmtpTls {
    pub fn parse(s: &str) -> Option<SmtpTls> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" | "off" | "false" | "plain" => Some(SmtpTls::None),
            "starttls" => Some(SmtpTls::StartTls),
            "tls" | "ssl" | "smtps" | "on" | "true" => Some(SmtpTls::Tls),
            _ => None,
        }
    }
}

/// The variables a template may use.
pub const VARIABLES: [&str; 3] = ["name", "company", "owner_name"];

/// Values for the variables, for one lead.
#[derive(Debug, Clone, Default)]
pub struct Variables {
    pub name: String,
    pub company: String,
    pub owner_name: String,
}

impl Variables {
    fn get(&self, name: &str) -> Option<&str> {
        match name {
            "name" => Some(&self.name),
            "company" => Some(&self.company),
            "owner_name" => Some(&self.owner_name),
            _ => None,
        }
    }
}

/// Splits `text` into literal pieces and `{{ variable }}` names.
fn pieces(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else {
            break;
        };
        out.push((false, &rest[..open]));
        out.push((true, rest[open + 2..open + 2 + close].trim()));
        rest = &rest[open + 2 + close + 2..];
    }
    out.push((false, rest));
    out
}

/// The variables `text` uses that do not exist, in order of appearance.
pub fn unknown_variables(text: &str) -> Vec<String> {
    let mut unknown: Vec<String> = Vec::new();
    for (is_var, piece) in pieces(text) {
        if is_var && !VARIABLES.contains(&piece) && !unknown.iter().any(|u| u == piece) {
            unknown.push(piece.to_string());
        }
    }
    unknown
}

/// `text` with every known variable replaced (unknown ones are left as written; saving
/// refuses them).
pub fn render(text: &str, vars: &Variables) -> String {
    pieces(text)
        .into_iter()
        .map(|(is_var, piece)| match (is_var, vars.get(piece)) {
            (true, Some(v)) => v.to_string(),
            (true, None) => format!("{{{{{piece}}}}}"),
            (false, _) => piece.to_string(),
        })
        .collect()
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The URLs (`http://` or `https://` up to whitespace) in `text`, with their positions.
fn urls(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..]
        .find("http://")
        .into_iter()
        .chain(text[from..].find("https://"))
        .min()
    {
        let start = from + i;
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
            .map_or(text.len(), |e| start + e);
        let end = start
            + text[start..end]
                .trim_end_matches(['.', ',', ')', ';'])
                .len();
        found.push((start, end));
        from = end.max(start + 1);
    }
    found
}

/// A rendered email ready to queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The tracked links of one email; `None` for previews and test sends.
pub struct Links<'a> {
    pub key: &'a LinkKey,
    pub base_url: &'a str,
    pub email_id: Uuid,
    pub lead_id: Uuid,
}

/// Renders subject and body for `vars`. With `links`, URLs in the body become click
/// redirects, and an unsubscribe link and an open pixel are added.
pub fn compose(subject: &str, body: &str, vars: &Variables, links: Option<&Links<'_>>) -> Rendered {
    let subject = render(subject, vars).replace(['\r', '\n'], " ");
    let body = render(body, vars);
    let mut text = String::new();
    let mut html = String::from("<!doctype html><html><body><div>");
    let mut last = 0;
    for (start, end) in urls(&body) {
        let url = &body[start..end];
        let target = links.map_or_else(|| url.to_string(), |l| l.click_url(url));
        text.push_str(&body[last..start]);
        text.push_str(&target);
        html.push_str(&escape_html(&body[last..start]).replace('\n', "<br>\n"));
        html.push_str(&format!(
            "<a href=\"{}\">{}</a>",
            escape_html(&target),
            escape_html(url)
        ));
        last = end;
    }
    text.push_str(&body[last..]);
    html.push_str(&escape_html(&body[last..]).replace('\n', "<br>\n"));
    html.push_str("</div>");
    if let Some(l) = links {
        let unsubscribe = l.unsubscribe_url();
        text.push_str(&format!("\n\n--\nTo stop these emails: {unsubscribe}\n"));
        html.push_str(&format!(
            "<p style=\"font-size:12px;color:#666\"><a href=\"{}\">Unsubscribe</a></p><img src=\"{}\" width=\"1\" height=\"1\" alt=\"\">",
            escape_html(&unsubscribe),
            escape_html(&l.open_url())
        ));
    }
    html.push_str("</body></html>");
    Rendered {
        subject,
        text,
        html,
    }
}

/// Signs the links in emails so nobody can fake opens, clicks or unsubscribes.
#[derive(Clone)]
pub struct LinkKey(Vec<u8>);

type HmacSha256 = Hmac<Sha256>;

impl LinkKey {
    /// Derived from the installation's secret: every instance verifies every link.
    pub fn derive(secret: &str) -> Self {
        let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
        mac.update(b"leadflow email links");
        LinkKey(mac.finalize().into_bytes().to_vec())
    }

    fn sign(&self, parts: &[&[u8]]) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes any key");
        for p in parts {
            mac.update(&(p.len() as u64).to_be_bytes());
            mac.update(p);
        }
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..16])
    }

    fn check(&self, parts: &[&[u8]], sig: &str) -> bool {
        let Ok(given) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(sig) else {
            return false;
        };
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes any key");
        for p in parts {
            mac.update(&(p.len() as u64).to_be_bytes());
            mac.update(p);
        }
        given.len() == 16 && mac.verify_truncated_left(&given).is_ok()
    }

    /// `<id>.<signature>` for `purpose` (`open`, `unsubscribe`).
    pub fn token(&self, purpose: &str, id: Uuid) -> String {
        format!(
            "{}.{}",
            id.simple(),
            self.sign(&[purpose.as_bytes(), id.as_bytes()])
        )
    }

    pub fn verify(&self, purpose: &str, token: &str) -> Option<Uuid> {
        let (id, sig) = token.trim().split_once('.')?;
        let id = Uuid::parse_str(id).ok()?;
        self.check(&[purpose.as_bytes(), id.as_bytes()], sig)
            .then_some(id)
    }

    /// A click token covers the email and the destination, so a link cannot be turned
    /// into an open redirect.
    pub fn click_token(&self, email_id: Uuid, url: &str) -> String {
        format!(
            "{}.{}",
            email_id.simple(),
            self.sign(&[b"click", email_id.as_bytes(), url.as_bytes()])
        )
    }

    pub fn verify_click(&self, token: &str, url: &str) -> Option<Uuid> {
        let (id, sig) = token.trim().split_once('.')?;
        let id = Uuid::parse_str(id).ok()?;
        self.check(&[b"click", id.as_bytes(), url.as_bytes()], sig)
            .then_some(id)
    }
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Links<'_> {
    pub fn open_url(&self) -> String {
        format!(
            "{}/e/o/{}.gif",
            self.base_url,
            self.key.token("open", self.email_id)
        )
    }
    pub fn click_url(&self, url: &str) -> String {
        format!(
            "{}/e/c/{}?u={}",
            self.base_url,
            self.key.click_token(self.email_id, url),
            percent_encode(url)
        )
    }
    pub fn unsubscribe_url(&self) -> String {
        format!(
            "{}/e/u/{}",
            self.base_url,
            self.key.token("unsubscribe", self.lead_id)
        )
    }
}

/// Why a send did not go through.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    /// The server refused for good (5xx): retrying is unlikely to help.
    pub permanent: bool,
    pub message: String,
}

/// One message to deliver.
pub struct Outgoing<'a> {
    /// Becomes the `Message-ID`, so a receiving server can drop a duplicate.
    pub id: Uuid,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
}

fn invalid(message: String) -> SendError {
    SendError {
        permanent: true,
        message,
    }
}

/// Delivers `mail` through the configured relay.
pub async fn deliver(config: &SmtpConfig, mail: &Outgoing<'_>) -> Result<(), SendError> {
    let from = config
        .from
        .parse()
        .map_err(|e| invalid(format!("the From address is not valid: {e}")))?;
    let to = mail
        .to
        .parse()
        .map_err(|e| invalid(format!("{} is not a valid address: {e}", mail.to)))?;
    let part = |kind: ContentType, body: &str| {
        SinglePart::builder()
            .header(kind)
            .header(ContentTransferEncoding::Base64)
            .body(body.to_string())
    };
    let message = lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject)
        .message_id(Some(format!("<{}@leadflow>", mail.id.simple())))
        .multipart(
            MultiPart::alternative()
                .singlepart(part(ContentType::TEXT_PLAIN, mail.text))
                .singlepart(part(ContentType::TEXT_HTML, mail.html)),
        )
        .map_err(|e| invalid(format!("the message could not be built: {e}")))?;
    let builder = match config.tls {
        SmtpTls::None => {
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.as_str())
        }
        SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
            .map_err(|e| invalid(format!("SMTP TLS setup failed: {e}")))?,
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host)
            .map_err(|e| invalid(format!("SMTP TLS setup failed: {e}")))?,
    };
    let mut builder = builder
        .port(config.port)
        .timeout(Some(std::time::Duration::from_secs(config.timeout_secs)));
    if let (Some(user), Some(password)) = (&config.username, &config.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    let transport = builder.build();
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| SendError {
            permanent: e.is_permanent(),
            message: format!("the mail server refused: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Variables {
        Variables {
            name: "Li Wei".into(),
            company: "Acme <Shanghai>".into(),
            owner_name: "Ann".into(),
        }
    }

    #[test]
    fn variables_render_and_unknown_ones_are_named() {
        assert_eq!(
            render("Hi {{ name }} at {{company}}, {{owner_name}}", &vars()),
            "Hi Li Wei at Acme <Shanghai>, Ann"
        );
        assert_eq!(
            unknown_variables("{{name}} {{ first_name }} {{x}} {{x}}"),
            vec!["first_name", "x"]
        );
        assert!(unknown_variables("no {{ braces closing").is_empty());
    }

    #[test]
    fn links_are_rewritten_signed_and_escaped() {
        let key = LinkKey::derive("0123456789abcdef0123456789abcdef");
        let (email, lead) = (Uuid::now_v7(), Uuid::now_v7());
        let links = Links {
            key: &key,
            base_url: "http://x",
            email_id: email,
            lead_id: lead,
        };
        let r = compose(
            "For {{company}}",
            "See https://example.com/a?b=1.",
            &vars(),
            Some(&links),
        );
        assert!(r.html.contains("Acme &lt;Shanghai&gt;") || r.subject.contains("Acme <Shanghai>"));
        assert!(r.text.contains("/e/c/"));
        assert!(r.text.contains("u=https%3A%2F%2Fexample.com%2Fa%3Fb%3D1"));
        assert!(r.html.contains("/e/o/"));
        assert!(r
            .text
            .contains(&format!("/e/u/{}", key.token("unsubscribe", lead))));
        let token = key.click_token(email, "https://example.com/a?b=1");
        assert_eq!(
            key.verify_click(&token, "https://example.com/a?b=1"),
            Some(email)
        );
        assert_eq!(key.verify_click(&token, "https://evil.example"), None);
        assert_eq!(key.verify("open", &key.token("unsubscribe", lead)), None);
    }
}
