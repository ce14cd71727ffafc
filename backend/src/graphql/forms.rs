//! Web-to-lead forms over GraphQL: marketers and admins list, create and edit them.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use leadflow_shared::{Channel, Role};

use super::errors::{internal, payload, UserError};
use super::guards::{current_user, RoleGuard};
use super::users::parse_id;
use crate::app::AppState;
use crate::domain::forms::{self, FormDefinition, HONEYPOT_FIELD};
use crate::domain::Actor;
use crate::entity::form::{self as form_entity, FormField as StoredField};

const DESIGNERS: &[Role] = &[Role::Admin, Role::Marketer];

pub struct Form(pub form_entity::Model);

#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "FormFieldInput")]
pub struct FormField {
    /// A lead field (`personName`, `company`, `title`, `email`, `phone`, `province`,
    /// `city`, `industry`, `companySize`) or `custom:<name>`.
    pub name: String,
    pub label: String,
    pub required: bool,
}

#[Object]
impl Form {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The public key in `/f/{key}`.
    async fn key(&self) -> &str {
        &self.0.key
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn fields(&self) -> Vec<FormField> {
        self.0
            .fields
            .0
            .iter()
            .map(|f| FormField {
                name: f.name.clone(),
                label: f.label.clone(),
                required: f.required,
            })
            .collect()
    }
    async fn source(&self) -> Channel {
        Channel::parse(&self.0.source).unwrap_or(Channel::WebForm)
    }
    async fn campaign_id(&self) -> Option<ID> {
        self.0.campaign_id.map(|id| ID(id.to_string()))
    }
    async fn thank_you_url(&self) -> Option<&str> {
        self.0.thank_you_url.as_deref()
    }
    async fn thank_you_message(&self) -> Option<&str> {
        self.0.thank_you_message.as_deref()
    }
    /// Switched-off forms answer 404 and take no submissions.
    async fn active(&self) -> bool {
        self.0.active
    }
    /// Path of the hosted page and of the submission endpoint.
    async fn path(&self) -> String {
        format!("/f/{}", self.0.key)
    }
    /// A plain HTML form to paste into a website; `origin` is this server's address
    /// as the website reaches it (e.g. `https://crm.example.cn`).
    async fn embed_snippet(&self, origin: String) -> String {
        let origin = origin.trim_end_matches('/');
        let mut html = format!(
            "<form method=\"post\" action=\"{origin}/f/{}\" accept-charset=\"utf-8\">\n",
            self.0.key
        );
        for f in &self.0.fields.0 {
            let ty = forms::input_type(&f.name);
            html.push_str(&format!(
                "  <label>{}<input name=\"{}\" type=\"{ty}\"{}></label>\n",
                f.label.replace('<', "&lt;"),
                f.name,
                if f.required { " required" } else { "" }
            ));
        }
        html.push_str(&format!(
            "  <div style=\"position:absolute;left:-10000px\" aria-hidden=\"true\"><input name=\"{HONEYPOT_FIELD}\" tabindex=\"-1\" autocomplete=\"off\"></div>\n  <button type=\"submit\">Submit</button>\n</form>"
        ));
        html
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(Default)]
pub struct FormsQuery;

#[Object]
impl FormsQuery {
    /// Every web-to-lead form, newest first.
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn forms(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Form>> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(forms::list(&state.db)
            .await
            .map_err(internal)?
            .into_iter()
            .map(Form)
            .collect())
    }
}

#[derive(InputObject)]
pub struct FormCreateInput {
    pub name: String,
    pub fields: Vec<FormField>,
    /// The channel its leads count for; `WEB_FORM` when omitted.
    pub source: Option<Channel>,
    pub campaign_id: Option<ID>,
    /// Where visitors go after submitting; our own thank-you page when omitted.
    pub thank_you_url: Option<String>,
    pub thank_you_message: Option<String>,
}

#[derive(InputObject)]
pub struct FormUpdateInput {
    pub id: ID,
    pub name: String,
    pub fields: Vec<FormField>,
    pub source: Option<Channel>,
    pub campaign_id: Option<ID>,
    pub thank_you_url: Option<String>,
    pub thank_you_message: Option<String>,
    pub active: bool,
}

#[derive(SimpleObject)]
pub struct FormPayload {
    pub form: Option<Form>,
    pub user_errors: Vec<UserError>,
}

fn definition(
    name: String,
    fields: Vec<FormField>,
    source: Option<Channel>,
    campaign_id: Option<&ID>,
    thank_you_url: Option<String>,
    thank_you_message: Option<String>,
) -> async_graphql::Result<FormDefinition> {
    Ok(FormDefinition {
        name,
        fields: fields
            .into_iter()
            .map(|f| StoredField {
                name: f.name,
                label: f.label,
                required: f.required,
            })
            .collect(),
        source: source.unwrap_or(Channel::WebForm),
        campaign_id: campaign_id
            .map(|id| parse_id("campaignId", id))
            .transpose()?,
        thank_you_url,
        thank_you_message,
    })
}

fn form_payload(
    result: crate::error::DomainResult<form_entity::Model>,
) -> async_graphql::Result<FormPayload> {
    Ok(match payload(result)? {
        Ok(f) => FormPayload {
            form: Some(Form(f)),
            user_errors: vec![],
        },
        Err(user_errors) => FormPayload {
            form: None,
            user_errors,
        },
    })
}

#[derive(Default)]
pub struct FormsMutation;

#[Object]
impl FormsMutation {
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn form_create(
        &self,
        ctx: &Context<'_>,
        input: FormCreateInput,
    ) -> async_graphql::Result<FormPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let actor = Actor::user(current_user(ctx)?.id);
        let def = definition(
            input.name,
            input.fields,
            input.source,
            input.campaign_id.as_ref(),
            input.thank_you_url,
            input.thank_you_message,
        )?;
        form_payload(forms::create(&state.db, actor, def).await)
    }

    /// Replaces the form's definition; its key and embeds stay valid.
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn form_update(
        &self,
        ctx: &Context<'_>,
        input: FormUpdateInput,
    ) -> async_graphql::Result<FormPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let actor = Actor::user(current_user(ctx)?.id);
        let id = parse_id("id", &input.id)?;
        let def = definition(
            input.name,
            input.fields,
            input.source,
            input.campaign_id.as_ref(),
            input.thank_you_url,
            input.thank_you_message,
        )?;
        form_payload(forms::update(&state.db, actor, id, def, input.active).await)
    }
}
