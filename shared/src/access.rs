//! Who may do what: user roles and API-key scopes.
//!
//! Roles describe people in the SPA; scopes describe what a third-party integration
//! holding an API key may touch. Both are closed enums end to end (Rust, database
//! string, GraphQL enum).

use serde::{Deserialize, Serialize};

/// A signed-in person's role. Decides which screens and operations they reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Runs the installation: users, teams, API keys, every setting.
    Admin,
    /// Leads a team: sees and reassigns the team's leads, watches the live feed.
    Manager,
    /// Works leads: own leads, the claim pool, activities.
    Rep,
    /// Designs forms, scoring, journeys; reads source ROI.
    Marketer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Manager, Role::Rep, Role::Marketer];

    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Rep => "rep",
            Role::Marketer => "marketer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// What an API key may do. A key holds one or more scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApiScope {
    /// `leads:read` — query leads.
    LeadsRead,
    /// `leads:write` — change leads.
    LeadsWrite,
    /// `capture` — push new leads and behaviour events in.
    Capture,
    /// `assignments:subscribe` — receive the live assignment feed.
    AssignmentsSubscribe,
}

impl ApiScope {
    pub const ALL: [ApiScope; 4] = [
        ApiScope::LeadsRead,
        ApiScope::LeadsWrite,
        ApiScope::Capture,
        ApiScope::AssignmentsSubscribe,
    ];

    /// The conventional `area:verb` name, as stored and as shown to integrators.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiScope::LeadsRead => "leads:read",
            ApiScope::LeadsWrite => "leads:write",
            ApiScope::Capture => "capture",
            ApiScope::AssignmentsSubscribe => "assignments:subscribe",
        }
    }

    pub fn parse(s: &str) -> Option<ApiScope> {
        ApiScope::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("owner"), None);
    }

    #[test]
    fn scope_names_round_trip() {
        for scope in ApiScope::ALL {
            assert_eq!(ApiScope::parse(scope.as_str()), Some(scope));
        }
        assert_eq!(ApiScope::parse("leads:delete"), None);
    }

    #[test]
    fn wire_names_match_graphql_enum_values() {
        assert_eq!(
            serde_json::to_string(&Role::Marketer).unwrap(),
            "\"MARKETER\""
        );
        assert_eq!(
            serde_json::to_string(&ApiScope::AssignmentsSubscribe).unwrap(),
            "\"ASSIGNMENTS_SUBSCRIBE\""
        );
    }
}
