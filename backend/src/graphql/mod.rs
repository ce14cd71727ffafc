//! The GraphQL API: one module per area, merged into one schema.
//!
//! Resolvers are thin: parse the input, check permission (guards), call `domain`, map
//! the result to a payload with `userErrors`. Authorisation failures and malformed
//! requests are top-level errors carrying `extensions.code`.

mod activities;
mod analytics;
mod api_keys;
mod assignments;
mod campaigns;
mod duplicates;
mod errors;
mod feed;
mod forms;
mod guards;
mod imports;
mod journeys;
mod leads;
mod limits;
mod loaders;
mod pipeline;
mod routing;
mod scoring;
mod session;
mod teams;
mod types;
mod users;

use async_graphql::{MergedObject, MergedSubscription, Schema};

pub use errors::{outage_error, ErrorCode, UserError};
pub use guards::RoleGuard;

use crate::app::AppState;
use crate::auth::Authentication;

#[derive(MergedObject, Default)]
pub struct Query(
    session::SessionQuery,
    users::UsersQuery,
    teams::TeamsQuery,
    api_keys::ApiKeysQuery,
    leads::LeadsQuery,
    forms::FormsQuery,
    imports::ImportsQuery,
    activities::ActivitiesQuery,
    campaigns::CampaignsQuery,
    duplicates::DuplicatesQuery,
    scoring::ScoringQuery,
    routing::RoutingQuery,
    feed::FeedQuery,
    pipeline::PipelineQuery,
    analytics::AnalyticsQuery,
    journeys::JourneysQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    session::SessionMutation,
    users::UsersMutation,
    teams::TeamsMutation,
    api_keys::ApiKeysMutation,
    leads::LeadsMutation,
    forms::FormsMutation,
    imports::ImportsMutation,
    activities::ActivitiesMutation,
    campaigns::CampaignsMutation,
    duplicates::DuplicatesMutation,
    assignments::AssignmentsMutation,
    scoring::ScoringMutation,
    routing::RoutingMutation,
    feed::FeedMutation,
    pipeline::PipelineMutation,
    journeys::JourneysMutation,
);

#[derive(MergedSubscription, Default)]
pub struct Subscription(
    users::UsersSubscription,
    imports::ImportsSubscription,
    scoring::ScoringSubscription,
    feed::FeedSubscription,
    pipeline::PipelineSubscription,
);

pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// Nesting deeper than this is refused before execution.
pub const MAX_DEPTH: usize = 16;
/// The summed cost of the selected fields; a list field counts its page size.
pub const MAX_COMPLEXITY: usize = 5_000;

/// Builds the schema. `state` is `None` only when printing the SDL.
pub fn build_schema(state: Option<AppState>) -> AppSchema {
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .limit_recursive_depth(32)
    .limit_directives(20)
    .extension(limits::AliasLimit);
    if let Some(state) = state {
        if !state.config.introspection {
            builder = builder.disable_introspection();
        }
        builder = builder.data(state);
    }
    builder.finish()
}

/// The schema in SDL, as checked in at `backend/schema.graphql`.
pub fn sdl() -> String {
    build_schema(None).sdl()
}

/// Attaches per-request data: who is calling, from where, and fresh batch loaders.
pub fn prepare_request(
    request: async_graphql::Request,
    state: &AppState,
    auth: Authentication,
    client_ip: std::net::IpAddr,
) -> async_graphql::Request {
    let (users, teams) = loaders::fresh(&state.db, true);
    request
        .data(auth)
        .data(ClientIp(client_ip))
        .data(users)
        .data(teams)
}

/// Data for a WebSocket connection. Its loaders do not cache: a subscription lives for
/// hours and must see current rows.
pub fn connection_data(
    state: &AppState,
    auth: Authentication,
    client_ip: std::net::IpAddr,
) -> async_graphql::Data {
    let mut data = async_graphql::Data::default();
    data.insert(auth);
    data.insert(ClientIp(client_ip));
    let (users, teams) = loaders::fresh(&state.db, false);
    data.insert(users);
    data.insert(teams);
    data
}

/// The address a request came from, for per-address limits.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub std::net::IpAddr);
