//! The public side of web-to-lead forms:
//!
//! - `GET /f/{key}`: a hosted form page that works without JavaScript;
//! - `POST /f/{key}`: a submission, urlencoded (a plain HTML form, on our page or
//!   embedded on the company's site) or JSON (a script); CORS-enabled; answered with a
//!   303 to the thank-you page or with JSON;
//! - `GET /f/{key}/thanks`: the thank-you message.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Form, Json};

use crate::app::HttpState;
use crate::domain::forms::{self, Submitted, HONEYPOT_FIELD};
use crate::entity::form;
use crate::error::{DomainError, Invalid};
use crate::http::limits;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Words of the hosted page itself (labels come from the form).
struct Words {
    lang: &'static str,
    submit: &'static str,
    required: &'static str,
    fix: &'static str,
    thanks: &'static str,
    not_found: &'static str,
    not_found_hint: &'static str,
}

fn words(headers: &HeaderMap) -> Words {
    let zh = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("zh"));
    if zh {
        Words {
            lang: "zh-CN",
            submit: "提交",
            required: "必填",
            fix: "请修改以下内容后再提交：",
            thanks: "感谢您的提交，我们会尽快与您联系。",
            not_found: "找不到这个表单",
            not_found_hint: "链接可能有误，或表单已停用。",
        }
    } else {
        Words {
            lang: "en",
            submit: "Submit",
            required: "required",
            fix: "Please correct the following and submit again:",
            thanks: "Thank you. We will be in touch shortly.",
            not_found: "This form does not exist",
            not_found_hint: "The link may be wrong, or the form has been switched off.",
        }
    }
}

const PAGE_STYLE: &str = "body{margin:0;font:15px/1.5 -apple-system,'Segoe UI','PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',sans-serif;background:#f5f6f8;color:#1f2330}\
main{max-width:480px;margin:48px auto;background:#fff;border:1px solid #e3e5ea;border-radius:10px;padding:28px 32px}\
h1{font-size:20px;margin:0 0 20px}label{display:block;font-weight:500;margin:14px 0 4px}\
input{box-sizing:border-box;width:100%;padding:8px 10px;border:1px solid #c9ccd4;border-radius:6px;font:inherit}\
input:focus{outline:2px solid #4f5bd5;border-color:#4f5bd5}button{margin-top:22px;width:100%;padding:10px;border:0;border-radius:6px;background:#4f5bd5;color:#fff;font:inherit;font-weight:600;cursor:pointer}\
.req{color:#8a8f9c;font-weight:400;font-size:13px}.errors{background:#fdecec;border:1px solid #f3b9b9;border-radius:6px;padding:10px 14px;color:#8c1d1d}\
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}";

fn page(w: &Words, title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title}</title><style>{PAGE_STYLE}</style></head><body><main>{body}</main></body></html>",
        lang = w.lang,
        title = escape(title),
    )
}

fn render_form(
    w: &Words,
    form: &form::Model,
    values: &BTreeMap<String, String>,
    errors: &[Invalid],
) -> String {
    let mut body = format!("<h1>{}</h1>", escape(&form.name));
    if !errors.is_empty() {
        body.push_str(&format!(
            "<div class=\"errors\" role=\"alert\"><p>{}</p><ul>",
            w.fix
        ));
        for e in errors {
            body.push_str(&format!("<li>{}</li>", escape(&e.message)));
        }
        body.push_str("</ul></div>");
    }
    body.push_str(&format!(
        "<form method=\"post\" action=\"/f/{}\" accept-charset=\"utf-8\">",
        escape(&form.key)
    ));
    for f in &form.fields.0 {
        let id = escape(&f.name);
        let value = values.get(&f.name).map(|v| escape(v)).unwrap_or_default();
        let required = if f.required {
            format!(" <span class=\"req\">({})</span>", w.required)
        } else {
            String::new()
        };
        body.push_str(&format!(
            "<label for=\"{id}\">{label}{required}</label><input id=\"{id}\" name=\"{id}\" type=\"{ty}\" value=\"{value}\"{req}>",
            label = escape(&f.label),
            ty = forms::input_type(&f.name),
            req = if f.required { " required" } else { "" },
        ));
    }
    body.push_str(&format!(
        "<div class=\"hp\" aria-hidden=\"true\"><label for=\"{HONEYPOT_FIELD}\">Website</label>\
         <input id=\"{HONEYPOT_FIELD}\" name=\"{HONEYPOT_FIELD}\" type=\"text\" tabindex=\"-1\" autocomplete=\"off\"></div>\
         <button type=\"submit\">{}</button></form>",
        w.submit
    ));
    page(w, &form.name, &body)
}

fn not_found(w: &Words, json: bool) -> Response {
    if json {
        return (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({ "ok": false, "error": "form not found" })),
        )
            .into_response();
    }
    (
        StatusCode::NOT_FOUND,
        Html(page(
            w,
            w.not_found,
            &format!("<h1>{}</h1><p>{}</p>", w.not_found, w.not_found_hint),
        )),
    )
        .into_response()
}

/// A failure on our side. When the database is full (507), read-only or unreachable
/// (503) the visitor is told their submission was not saved; anything else is a 500.
fn internal(err: impl std::fmt::Display, json: bool) -> Response {
    tracing::error!(error = %err, "form request failed");
    let (status, message) = match crate::error::Outage::of(&err) {
        Some(crate::error::Outage::Full) => (
            StatusCode::INSUFFICIENT_STORAGE,
            "we could not save your submission because our database is full; \
             please try again later",
        ),
        Some(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "we could not save your submission because our database is unavailable; \
             please try again in a minute",
        ),
        None => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "something went wrong on our side; please try again in a minute",
        ),
    };
    if json {
        (
            status,
            Json(serde_json::json!({ "ok": false, "error": message })),
        )
            .into_response()
    } else {
        (
            status,
            Html(format!(
                "<!doctype html><meta charset=utf-8><p>{message}</p>"
            )),
        )
            .into_response()
    }
}

pub async fn show(
    State(s): State<HttpState>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Response {
    let w = words(&headers);
    match forms::find_live(&s.app.db, &key).await {
        Ok(Some(form)) => Html(render_form(&w, &form, &BTreeMap::new(), &[])).into_response(),
        Ok(None) => not_found(&w, false),
        Err(e) => internal(e, false),
    }
}

pub async fn thanks(
    State(s): State<HttpState>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Response {
    let w = words(&headers);
    match forms::find_live(&s.app.db, &key).await {
        Ok(Some(form)) => {
            let message = form.thank_you_message.as_deref().unwrap_or(w.thanks);
            Html(page(
                &w,
                &form.name,
                &format!("<h1>{}</h1><p>{}</p>", escape(&form.name), escape(message)),
            ))
            .into_response()
        }
        Ok(None) => not_found(&w, false),
        Err(e) => internal(e, false),
    }
}

/// Reads the submission as urlencoded or JSON; `Err` is the response to send back.
pub(crate) async fn read_values(request: Request) -> Result<BTreeMap<String, String>, Response> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let bad = |message: &str| {
        (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({ "ok": false, "error": message })),
        )
            .into_response()
    };
    if content_type.starts_with("application/json") {
        let Json(body) = Json::<serde_json::Value>::from_request(request, &())
            .await
            .map_err(|_| bad("the body is not valid JSON"))?;
        let object = body
            .as_object()
            .ok_or_else(|| bad("send a JSON object of field names to values"))?;
        Ok(object
            .iter()
            .filter_map(|(k, v)| match v {
                serde_json::Value::String(s) => Some((k.clone(), s.clone())),
                serde_json::Value::Number(n) => Some((k.clone(), n.to_string())),
                serde_json::Value::Bool(b) => Some((k.clone(), b.to_string())),
                _ => None,
            })
            .collect())
    } else if content_type.starts_with("application/x-www-form-urlencoded")
        || content_type.is_empty()
    {
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, &())
            .await
            .map_err(|_| bad("the body is not a valid form submission"))?;
        Ok(pairs.into_iter().collect())
    } else {
        Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Json(serde_json::json!({ "ok": false, "error": "send application/x-www-form-urlencoded or application/json" })),
        )
            .into_response())
    }
}

fn wants_json(headers: &HeaderMap) -> bool {
    let is = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("application/json"))
    };
    is(header::CONTENT_TYPE) || is(header::ACCEPT)
}

pub async fn submit(
    State(s): State<HttpState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(key): Path<String>,
    request: Request,
) -> Response {
    let headers = request.headers().clone();
    let json = wants_json(&headers);
    let w = words(&headers);
    if let Err(wait) = s.app.form_limiter.check(addr.ip()) {
        return limits::too_many_requests(wait, json);
    }
    let form = match forms::find_live(&s.app.db, &key).await {
        Ok(Some(form)) => form,
        Ok(None) => return not_found(&w, json),
        Err(e) => return internal(e, json),
    };
    let values = match read_values(request).await {
        Ok(values) => values,
        Err(response) => return response,
    };
    match forms::submit(&s.app.db, &form, &values).await {
        Ok(Submitted::Captured(_)) | Ok(Submitted::Ignored) => {
            if json {
                let message = form.thank_you_message.as_deref().unwrap_or(w.thanks);
                Json(serde_json::json!({ "ok": true, "message": message, "redirect": form.thank_you_url })).into_response()
            } else {
                let target = form
                    .thank_you_url
                    .clone()
                    .unwrap_or_else(|| format!("/f/{}/thanks", form.key));
                Redirect::to(&target).into_response()
            }
        }
        Err(DomainError::Invalid(errors)) => {
            if json {
                let errors: Vec<_> = errors
                    .iter()
                    .map(|e| serde_json::json!({ "field": e.field, "message": e.message, "code": e.code }))
                    .collect();
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Json(serde_json::json!({ "ok": false, "errors": errors })),
                )
                    .into_response()
            } else {
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Html(render_form(&w, &form, &values, &errors)),
                )
                    .into_response()
            }
        }
        Err(e) => internal(e, json),
    }
}
