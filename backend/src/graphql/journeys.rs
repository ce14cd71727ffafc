//! Nurture journeys over GraphQL: drafts, versioned activation, pause and resume,
//! per-node live counts, manual enrolment, and the email templates journeys send.
//!
//! Admins and marketers design and run journeys; managers and reps do not see them
//! (what a journey did to a lead shows on the lead's timeline).

use async_graphql::{Context, Enum, InputObject, Json, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use leadflow_shared::journey::Problem;
use leadflow_shared::Role;

use super::errors::{internal, payload, UserError};
use super::guards::RoleGuard;
use super::users::parse_id;
use crate::app::AppState;
use crate::domain::journeys::{self, JourneyStatus as Status};
use crate::entity::{email_template, journey, journey_version};

/// Who designs and runs journeys.
const DESIGNERS: &[Role] = &[Role::Admin, Role::Marketer];

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum JourneyStatus {
    Draft,
    Active,
    Paused,
}

pub struct Journey(pub journey::Model);

#[Object]
impl Journey {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn status(&self) -> JourneyStatus {
        match Status::parse(&self.0.status) {
            Status::Draft => JourneyStatus::Draft,
            Status::Active => JourneyStatus::Active,
            Status::Paused => JourneyStatus::Paused,
        }
    }
    /// The definition being edited (`leadflow_shared::journey::JourneyDefinition`).
    async fn draft(&self) -> Json<serde_json::Value> {
        Json(self.0.draft.clone())
    }
    /// What keeps the draft from being activated, by node.
    async fn problems(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<JourneyProblem>> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(journeys::problems(&state.db, &self.0.draft)
            .await
            .map_err(internal)?
            .into_iter()
            .map(JourneyProblem::from)
            .collect())
    }
    /// The version new leads enter; `null` until first activated.
    async fn active_version(&self) -> Option<i32> {
        self.0.active_version
    }
    async fn versions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<JourneyVersion>> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(journeys::versions(&state.db, self.0.id)
            .await
            .map_err(internal)?
            .into_iter()
            .map(JourneyVersion)
            .collect())
    }
    /// Per node: leads that entered it, wait in it now, and left the journey from it.
    /// `version`: one version's counts; all versions summed when omitted.
    async fn node_counts(
        &self,
        ctx: &Context<'_>,
        version: Option<i32>,
    ) -> async_graphql::Result<Vec<JourneyNodeCount>> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(journeys::node_counts(&state.db, self.0.id, version)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|c| JourneyNodeCount {
                node: c.node,
                entered: c.entered,
                waiting: c.waiting,
                left: c.left,
            })
            .collect())
    }
    /// Leads in the journey now (every version).
    async fn enrolled_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(journeys::enrolled_count(&state.db, self.0.id, None)
            .await
            .map_err(internal)? as i64)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

pub struct JourneyVersion(pub journey_version::Model);

#[Object]
impl JourneyVersion {
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn definition(&self) -> Json<serde_json::Value> {
        Json(self.0.definition.clone())
    }
    async fn activated_at(&self) -> DateTime<Utc> {
        self.0.activated_at
    }
    async fn enrolled_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(
            journeys::enrolled_count(&state.db, self.0.journey_id, Some(self.0.id))
                .await
                .map_err(internal)? as i64,
        )
    }
}

/// One validation problem; `node` is null for the trigger, the goal or the graph.
#[derive(SimpleObject)]
pub struct JourneyProblem {
    pub node: Option<String>,
    /// A `ProblemCode`: MISSING_START, DUPLICATE_NODE, DANGLING_EDGE, DANGLING_BRANCH,
    /// ORPHAN, LOOP_WITHOUT_WAIT, UNKNOWN_TEMPLATE, INVALID_SETTING.
    pub code: String,
    pub message: String,
}

impl From<Problem> for JourneyProblem {
    fn from(p: Problem) -> Self {
        JourneyProblem {
            node: p.node,
            code: serde_json::to_value(p.code)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            message: p.message,
        }
    }
}

#[derive(SimpleObject)]
pub struct JourneyNodeCount {
    pub node: String,
    pub entered: i64,
    pub waiting: i64,
    pub left: i64,
}

pub struct EmailTemplate(pub email_template::Model);

#[Object]
impl EmailTemplate {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// Text with `{{name}}`, `{{company}}`, `{{owner_name}}`; URLs become tracked links.
    async fn body(&self) -> &str {
        &self.0.body
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

#[derive(SimpleObject)]
pub struct EmailPreview {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(SimpleObject)]
pub struct EmailPreviewPayload {
    pub preview: Option<EmailPreview>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct JourneyPayload {
    pub journey: Option<Journey>,
    pub user_errors: Vec<UserError>,
}

impl JourneyPayload {
    fn from(result: Result<journey::Model, Vec<UserError>>) -> Self {
        match result {
            Ok(j) => JourneyPayload {
                journey: Some(Journey(j)),
                user_errors: vec![],
            },
            Err(user_errors) => JourneyPayload {
                journey: None,
                user_errors,
            },
        }
    }
}

#[derive(SimpleObject)]
pub struct JourneyEnrolPayload {
    /// Leads newly enrolled (ones already in the journey or unsubscribed are skipped).
    pub enrolled: i32,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct EmailTemplatePayload {
    pub template: Option<EmailTemplate>,
    pub user_errors: Vec<UserError>,
}

impl EmailTemplatePayload {
    fn from(result: Result<email_template::Model, Vec<UserError>>) -> Self {
        match result {
            Ok(t) => EmailTemplatePayload {
                template: Some(EmailTemplate(t)),
                user_errors: vec![],
            },
            Err(user_errors) => EmailTemplatePayload {
                template: None,
                user_errors,
            },
        }
    }
}

#[derive(SimpleObject)]
pub struct EmailTemplateDeletePayload {
    pub deleted_id: Option<ID>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct EmailTemplateTestSendPayload {
    pub sent: bool,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct JourneyCreateInput {
    pub name: String,
    /// A `JourneyDefinition`.
    pub definition: Json<serde_json::Value>,
}

#[derive(InputObject)]
pub struct JourneyCreateReactivationInput {
    pub name: String,
    /// Days without activity before a lead enters.
    pub inactive_days: i32,
}

#[derive(InputObject)]
pub struct JourneySaveDraftInput {
    pub id: ID,
    pub name: Option<String>,
    pub definition: Json<serde_json::Value>,
}

#[derive(InputObject)]
pub struct JourneyIdInput {
    pub id: ID,
}

#[derive(InputObject)]
pub struct JourneyEnrolInput {
    pub journey_id: ID,
    pub lead_ids: Vec<ID>,
}

#[derive(InputObject)]
pub struct EmailTemplateCreateInput {
    pub name: String,
    pub subject: String,
    pub body: String,
}

#[derive(InputObject)]
pub struct EmailTemplateUpdateInput {
    pub id: ID,
    pub name: String,
    pub subject: String,
    pub body: String,
}

#[derive(InputObject)]
pub struct EmailTemplateIdInput {
    pub id: ID,
}

#[derive(InputObject)]
pub struct EmailTemplateTestSendInput {
    pub id: ID,
    pub to: String,
}

#[derive(Default)]
pub struct JourneysQuery;

#[Object]
impl JourneysQuery {
    /// Every journey, most recently changed first.
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn journeys(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Journey>> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(journeys::list(&state.db)
            .await
            .map_err(internal)?
            .into_iter()
            .map(Journey)
            .collect())
    }

    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn journey(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Journey>> {
        let state = ctx.data_unchecked::<AppState>();
        let id = parse_id("id", &id)?;
        Ok(journeys::find(&state.db, id)
            .await
            .map_err(internal)?
            .map(Journey))
    }

    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn email_templates(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<EmailTemplate>> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(journeys::templates(&state.db)
            .await
            .map_err(internal)?
            .into_iter()
            .map(EmailTemplate)
            .collect())
    }

    /// Renders a template as a lead (or a sample lead) would receive it.
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn email_template_preview(
        &self,
        ctx: &Context<'_>,
        subject: String,
        body: String,
        lead_id: Option<ID>,
    ) -> async_graphql::Result<EmailPreviewPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let lead_id = lead_id.map(|id| parse_id("leadId", &id)).transpose()?;
        Ok(
            match payload(journeys::preview(&state.db, &subject, &body, lead_id).await)? {
                Ok(r) => EmailPreviewPayload {
                    preview: Some(EmailPreview {
                        subject: r.subject,
                        text: r.text,
                        html: r.html,
                    }),
                    user_errors: vec![],
                },
                Err(user_errors) => EmailPreviewPayload {
                    preview: None,
                    user_errors,
                },
            },
        )
    }
}

#[derive(Default)]
pub struct JourneysMutation;

#[Object]
impl JourneysMutation {
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn journey_create(
        &self,
        ctx: &Context<'_>,
        input: JourneyCreateInput,
    ) -> async_graphql::Result<JourneyPayload> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(JourneyPayload::from(payload(
            journeys::create(&state.db, &input.name, input.definition.0).await,
        )?))
    }

    /// Creates the ready "re-activate sleeping leads" journey (a draft) and its two
    /// email templates.
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn journey_create_reactivation(
        &self,
        ctx: &Context<'_>,
        input: JourneyCreateReactivationInput,
    ) -> async_graphql::Result<JourneyPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let days = u32::try_from(input.inactive_days).unwrap_or(0);
        Ok(JourneyPayload::from(payload(
            journeys::create_reactivation(&state.db, &input.name, days).await,
        )?))
    }

    /// Saves the draft; an invalid graph may be saved (its problems are listed).
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn journey_save_draft(
        &self,
        ctx: &Context<'_>,
        input: JourneySaveDraftInput,
    ) -> async_graphql::Result<JourneyPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let id = parse_id("id", &input.id)?;
        Ok(JourneyPayload::from(payload(
            journeys::save_draft(&state.db, id, input.name.as_deref(), input.definition.0).await,
        )?))
    }

    /// Freezes the draft as a new version that new leads enter; enrolled leads finish
    /// on the version they entered. Refused, naming the nodes, for an invalid graph.
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn journey_activate(
        &self,
        ctx: &Context<'_>,
        input: JourneyIdInput,
    ) -> async_graphql::Result<JourneyPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let id = parse_id("id", &input.id)?;
        let result = journeys::activate(&state.db, id).await;
        state.jobs.wake();
        Ok(JourneyPayload::from(payload(result)?))
    }

    /// No new enrolments; enrolled leads hold where they are.
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn journey_pause(
        &self,
        ctx: &Context<'_>,
        input: JourneyIdInput,
    ) -> async_graphql::Result<JourneyPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let id = parse_id("id", &input.id)?;
        Ok(JourneyPayload::from(payload(
            journeys::pause(&state.db, id).await,
        )?))
    }

    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn journey_resume(
        &self,
        ctx: &Context<'_>,
        input: JourneyIdInput,
    ) -> async_graphql::Result<JourneyPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let id = parse_id("id", &input.id)?;
        Ok(JourneyPayload::from(payload(
            journeys::resume(&state.db, &state.jobs, id).await,
        )?))
    }

    /// Enrols leads by hand in an active journey.
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn journey_enrol(
        &self,
        ctx: &Context<'_>,
        input: JourneyEnrolInput,
    ) -> async_graphql::Result<JourneyEnrolPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let id = parse_id("journeyId", &input.journey_id)?;
        let leads = input
            .lead_ids
            .iter()
            .map(|l| parse_id("leadIds", l))
            .collect::<async_graphql::Result<Vec<_>>>()?;
        let now = state.config.clock.now();
        Ok(
            match payload(journeys::enrol_manually(&state.db, &state.jobs, id, &leads, now).await)?
            {
                Ok(n) => JourneyEnrolPayload {
                    enrolled: n as i32,
                    user_errors: vec![],
                },
                Err(user_errors) => JourneyEnrolPayload {
                    enrolled: 0,
                    user_errors,
                },
            },
        )
    }

    /// A template using an unknown `{{variable}}` is refused.
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn email_template_create(
        &self,
        ctx: &Context<'_>,
        input: EmailTemplateCreateInput,
    ) -> async_graphql::Result<EmailTemplatePayload> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(EmailTemplatePayload::from(payload(
            journeys::create_template(&state.db, &input.name, &input.subject, &input.body).await,
        )?))
    }

    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn email_template_update(
        &self,
        ctx: &Context<'_>,
        input: EmailTemplateUpdateInput,
    ) -> async_graphql::Result<EmailTemplatePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let id = parse_id("id", &input.id)?;
        Ok(EmailTemplatePayload::from(payload(
            journeys::update_template(&state.db, id, &input.name, &input.subject, &input.body)
                .await,
        )?))
    }

    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn email_template_delete(
        &self,
        ctx: &Context<'_>,
        input: EmailTemplateIdInput,
    ) -> async_graphql::Result<EmailTemplateDeletePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let id = parse_id("id", &input.id)?;
        Ok(
            match payload(journeys::delete_template(&state.db, id).await)? {
                Ok(()) => EmailTemplateDeletePayload {
                    deleted_id: Some(input.id),
                    user_errors: vec![],
                },
                Err(user_errors) => EmailTemplateDeletePayload {
                    deleted_id: None,
                    user_errors,
                },
            },
        )
    }

    /// Sends the template with sample values to `to` through the mail server now.
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn email_template_test_send(
        &self,
        ctx: &Context<'_>,
        input: EmailTemplateTestSendInput,
    ) -> async_graphql::Result<EmailTemplateTestSendPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let id = parse_id("id", &input.id)?;
        Ok(
            match payload(journeys::test_send(&state.db, &state.config, id, &input.to).await)? {
                Ok(()) => EmailTemplateTestSendPayload {
                    sent: true,
                    user_errors: vec![],
                },
                Err(user_errors) => EmailTemplateTestSendPayload {
                    sent: false,
                    user_errors,
                },
            },
        )
    }
}
