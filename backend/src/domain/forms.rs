//! Web-to-lead forms: a marketer designs one (which fields, which are required, which
//! channel and campaign its leads count for, what the visitor sees afterwards); the
//! public endpoint hands each submission to capture.
//!
//! A submission is idempotent for ten minutes: the same answers sent twice (a double
//! click, a reload) give one capture. A filled honeypot field is a bot: it is told
//! "thank you" and nothing is stored.

use std::collections::BTreeMap;

use base64::Engine;
use chrono::Utc;
use leadflow_shared::{Channel, UserErrorCode};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::capture::{self, CaptureInput, Captured};
use super::{audit, begin_write, required_text, Actor};
use crate::entity::campaign;
use crate::entity::form::{self, FormField, FormFields};
use crate::error::{DomainError, DomainResult, Invalid};

/// Lead fields a form may ask for, in the order a form usually lists them.
pub const LEAD_FIELDS: [&str; 9] = [
    "personName",
    "company",
    "title",
    "email",
    "phone",
    "province",
    "city",
    "industry",
    "companySize",
];
/// Prefix of a form field stored in the lead's custom fields.
pub const CUSTOM_PREFIX: &str = "custom:";
/// The hidden field people never see and bots fill in.
pub const HONEYPOT_FIELD: &str = "website";
const MAX_FIELDS: usize = 30;

/// What a marketer defines.
#[derive(Debug, Clone)]
pub struct FormDefinition {
    pub name: String,
    pub fields: Vec<FormField>,
    pub source: Channel,
    pub campaign_id: Option<Uuid>,
    pub thank_you_url: Option<String>,
    pub thank_you_message: Option<String>,
}

/// The HTML input type that suits a form field, so phones get a phone keypad.
pub fn input_type(field_name: &str) -> &'static str {
    match field_name {
        "email" => "email",
        "phone" => "tel",
        "companySize" => "number",
        _ => "text",
    }
}

fn is_custom_name(name: &str) -> bool {
    name.strip_prefix(CUSTOM_PREFIX).is_some_and(|n| {
        !n.is_empty() && n.len() <= 40 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// A definition that passed validation, trimmed.
struct ValidForm {
    name: String,
    fields: Vec<FormField>,
    url: Option<String>,
    message: Option<String>,
}

fn validate(def: &FormDefinition) -> Result<ValidForm, Vec<Invalid>> {
    let mut problems = Vec::new();
    let name = required_text("name", "form name", &def.name, 100)
        .map_err(|e| problems.push(e))
        .ok();
    let mut fields: Vec<FormField> = Vec::new();
    if def.fields.is_empty() || def.fields.len() > MAX_FIELDS {
        problems.push(Invalid::new(
            "fields",
            UserErrorCode::Invalid,
            format!("a form has 1 to {MAX_FIELDS} fields"),
        ));
    }
    for f in &def.fields {
        let field_name = f.name.trim();
        if !LEAD_FIELDS.contains(&field_name) && !is_custom_name(field_name) {
            problems.push(Invalid::new(
                "fields",
                UserErrorCode::Invalid,
                format!(
                    "'{field_name}' is not a lead field; use one of {} or custom:<name>",
                    LEAD_FIELDS.join(", ")
                ),
            ));
            continue;
        }
        if fields.iter().any(|x| x.name == field_name) {
            problems.push(Invalid::new(
                "fields",
                UserErrorCode::Invalid,
                format!("'{field_name}' appears twice"),
            ));
            continue;
        }
        let label = f.label.trim();
        if label.is_empty() || label.chars().count() > 100 {
            problems.push(Invalid::new(
                "fields",
                UserErrorCode::Invalid,
                format!("the label of '{field_name}' must have 1 to 100 characters"),
            ));
        }
        fields.push(FormField {
            name: field_name.to_string(),
            label: label.to_string(),
            required: f.required,
        });
    }
    let has = |n: &str, required: bool| {
        fields
            .iter()
            .any(|f| f.name == n && (f.required || !required))
    };
    if !def.fields.is_empty() && !has("personName", true) {
        problems.push(Invalid::new(
            "fields",
            UserErrorCode::Required,
            "a form must ask for the person's name, as a required field",
        ));
    }
    if !def.fields.is_empty() && !has("email", false) && !has("phone", false) {
        problems.push(Invalid::new(
            "fields",
            UserErrorCode::Required,
            "a form must ask for an email or a phone number",
        ));
    }
    let url = match def
        .thank_you_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        None => None,
        Some(u)
            if (u.starts_with("https://") || u.starts_with("http://"))
                && u.len() <= 500
                && !u.contains(char::is_whitespace) =>
        {
            Some(u.to_string())
        }
        Some(_) => {
            problems.push(Invalid::new(
                "thankYouUrl",
                UserErrorCode::Invalid,
                "the thank-you page must be an http(s) address",
            ));
            None
        }
    };
    let message = super::optional_text(
        "thankYouMessage",
        "thank-you message",
        def.thank_you_message.as_deref(),
        500,
    )
    .map_err(|e| problems.push(e))
    .ok()
    .flatten();
    match name {
        Some(name) if problems.is_empty() => Ok(ValidForm {
            name,
            fields,
            url,
            message,
        }),
        _ => Err(problems),
    }
}

async fn check_campaign(db: &impl ConnectionTrait, id: Option<Uuid>) -> DomainResult<()> {
    if let Some(id) = id {
        if campaign::Entity::find_by_id(id).one(db).await?.is_none() {
            return Err(DomainError::not_found("campaignId", "campaign"));
        }
    }
    Ok(())
}

fn new_key() -> String {
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub async fn create(
    db: &DatabaseConnection,
    actor: Actor,
    def: FormDefinition,
) -> DomainResult<form::Model> {
    let ValidForm {
        name,
        fields,
        url,
        message,
    } = validate(&def).map_err(DomainError::Invalid)?;
    let txn = begin_write(db).await?;
    check_campaign(&txn, def.campaign_id).await?;
    let now = Utc::now();
    let created = form::ActiveModel {
        id: Set(Uuid::now_v7()),
        key: Set(new_key()),
        name: Set(name),
        fields: Set(FormFields(fields)),
        source: Set(def.source.as_str().to_string()),
        campaign_id: Set(def.campaign_id),
        thank_you_url: Set(url),
        thank_you_message: Set(message),
        active: Set(true),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "form.create",
        Some(created.id),
        serde_json::json!({ "name": created.name }),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Replaces a form's definition; its key (and so every embed) stays.
pub async fn update(
    db: &DatabaseConnection,
    actor: Actor,
    id: Uuid,
    def: FormDefinition,
    active: bool,
) -> DomainResult<form::Model> {
    let ValidForm {
        name,
        fields,
        url,
        message,
    } = validate(&def).map_err(DomainError::Invalid)?;
    let txn = begin_write(db).await?;
    let existing = form::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "form"))?;
    check_campaign(&txn, def.campaign_id).await?;
    let mut model = existing.into_active_model();
    model.name = Set(name);
    model.fields = Set(FormFields(fields));
    model.source = Set(def.source.as_str().to_string());
    model.campaign_id = Set(def.campaign_id);
    model.thank_you_url = Set(url);
    model.thank_you_message = Set(message);
    model.active = Set(active);
    model.updated_at = Set(Utc::now());
    let updated = model.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "form.update",
        Some(id),
        serde_json::json!({ "name": updated.name, "active": active }),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

pub async fn list(db: &DatabaseConnection) -> DomainResult<Vec<form::Model>> {
    Ok(form::Entity::find()
        .order_by_desc(form::Column::CreatedAt)
        .all(db)
        .await?)
}

/// The live form behind a public key; `None` for unknown or switched-off forms.
pub async fn find_live(db: &DatabaseConnection, key: &str) -> DomainResult<Option<form::Model>> {
    Ok(form::Entity::find()
        .filter(form::Column::Key.eq(key))
        .filter(form::Column::Active.eq(true))
        .one(db)
        .await?)
}

#[derive(Debug)]
pub enum Submitted {
    Captured(Box<Captured>),
    /// The honeypot was filled: a bot. Answered like a success, nothing stored.
    Ignored,
}

/// A visitor's answers read against the form, before anything is stored.
#[derive(Debug)]
pub enum Answers {
    /// The honeypot was filled: a bot.
    Bot,
    /// What to capture, and the idempotency key that makes a double submit one.
    Capture(Box<CaptureInput>, String),
}

/// Reads a visitor's answers: required fields present, the company size a number, custom
/// fields gathered; unknown names are ignored. Pure, so the fuzz targets reach it too.
pub fn answers(
    form: &form::Model,
    values: &BTreeMap<String, String>,
    now: chrono::DateTime<Utc>,
) -> Result<Answers, Vec<Invalid>> {
    if values
        .get(HONEYPOT_FIELD)
        .is_some_and(|v| !v.trim().is_empty())
    {
        return Ok(Answers::Bot);
    }
    let value = |name: &str| {
        values
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let mut problems = Vec::new();
    for f in &form.fields.0 {
        if f.required && value(&f.name).is_none() {
            // The field's own name, so the hosted page and API clients can point at it.
            problems.push(Invalid {
                field: Some(f.name.clone()),
                message: format!("{} is required", f.label),
                code: UserErrorCode::Required,
            });
        }
    }
    let asked = |name: &str| form.fields.0.iter().any(|f| f.name == name);
    let pick = |name: &str| if asked(name) { value(name) } else { None };
    let company_size = match pick("companySize") {
        None => None,
        Some(v) => match v.replace([',', '，'], "").parse::<i32>() {
            Ok(n) => Some(n),
            Err(_) => {
                problems.push(Invalid::new(
                    "companySize",
                    UserErrorCode::Invalid,
                    "company size is a number of employees",
                ));
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut custom = serde_json::Map::new();
    for f in &form.fields.0 {
        if let (Some(name), Some(v)) = (f.name.strip_prefix(CUSTOM_PREFIX), value(&f.name)) {
            custom.insert(name.to_string(), serde_json::Value::String(v));
        }
    }
    let input = CaptureInput {
        person_name: pick("personName").unwrap_or_default(),
        title: pick("title"),
        company: pick("company"),
        email: pick("email"),
        phone: pick("phone"),
        industry: pick("industry"),
        province: pick("province"),
        city: pick("city"),
        company_size,
        source: Some(Channel::parse(&form.source).unwrap_or(Channel::WebForm)),
        campaign_id: form.campaign_id,
        tags: vec![],
        custom_fields: Some(serde_json::Value::Object(custom)),
        origin: Some(serde_json::json!({ "formId": form.id, "formName": form.name })),
    };
    // The same answers within ten minutes are one submission.
    let window = now.timestamp() / 600;
    let fingerprint: String = form
        .fields
        .0
        .iter()
        .map(|f| format!("{}={}\n", f.name, value(&f.name).unwrap_or_default()))
        .collect();
    let key = format!(
        "form:{}:{window}:{}",
        form.id,
        crate::auth::sha256_hex(&fingerprint)
    );
    Ok(Answers::Capture(Box::new(input), key))
}

/// Hands a visitor's answers to capture. `values` holds what the browser sent, by
/// field name; unknown names are ignored.
pub async fn submit(
    db: &DatabaseConnection,
    form: &form::Model,
    values: &BTreeMap<String, String>,
) -> DomainResult<Submitted> {
    let (input, key) = match answers(form, values, Utc::now()).map_err(DomainError::Invalid)? {
        Answers::Bot => {
            metrics::counter!("leadflow_form_honeypot_total").increment(1);
            tracing::info!(form_id = %form.id, "form submission dropped: honeypot filled");
            return Ok(Submitted::Ignored);
        }
        Answers::Capture(input, key) => (input, key),
    };
    // Capture names its fields (`personName`, `email`...) as the form does.
    let captured = capture::capture(db, Actor::system(), *input, Some(&key)).await?;
    Ok(Submitted::Captured(Box::new(captured)))
}
