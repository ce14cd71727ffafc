//! One typed error for everything that can go wrong between the SPA and the server.
//!
//! Input problems a user can fix are not errors here: mutations return them as
//! `userErrors` and forms show them beside the field. An [`ApiError`] is what remains:
//! the network, the session, permissions, or a bug. Each variant knows which words
//! explain it and what the user should do next.

use crate::i18n::Key;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The request never got an answer: offline, server down, DNS.
    Network,
    /// No valid session and the refresh token could not renew it.
    Unauthenticated,
    /// Signed in, but the role does not allow this.
    Forbidden,
    /// The server refused the request as malformed (a client bug or an outdated SPA).
    BadRequest(String),
    /// The server failed (`INTERNAL`, 5xx).
    Server(String),
    /// The answer could not be decoded into what the SPA expected.
    Decode(String),
}

impl ApiError {
    /// Maps a top-level GraphQL error's `extensions.code` (plus its message for logs).
    pub fn from_code(code: Option<&str>, message: &str) -> ApiError {
        match code {
            Some("UNAUTHENTICATED") => ApiError::Unauthenticated,
            Some("FORBIDDEN") => ApiError::Forbidden,
            Some("INTERNAL") => ApiError::Server(message.to_owned()),
            // BAD_REQUEST, and errors async-graphql raises before resolvers run
            // (parse, validation, limits), which carry no code.
            _ => ApiError::BadRequest(message.to_owned()),
        }
    }

    /// Maps an HTTP status that came without a GraphQL body.
    pub fn from_status(status: u16, body: &str) -> ApiError {
        match status {
            401 => ApiError::Unauthenticated,
            403 => ApiError::Forbidden,
            400..=499 => ApiError::BadRequest(format!("HTTP {status}: {body}")),
            _ => ApiError::Server(format!("HTTP {status}: {body}")),
        }
    }

    pub fn title(&self) -> Key {
        match self {
            ApiError::Network => Key::ApiNetworkTitle,
            ApiError::Unauthenticated => Key::ApiUnauthenticatedTitle,
            ApiError::Forbidden => Key::ApiForbiddenTitle,
            ApiError::BadRequest(_) => Key::ApiBadRequestTitle,
            ApiError::Server(_) => Key::ApiServerTitle,
            ApiError::Decode(_) => Key::ApiDecodeTitle,
        }
    }

    /// What the user should do next.
    pub fn hint(&self) -> Key {
        match self {
            ApiError::Network => Key::ApiNetworkHint,
            ApiError::Unauthenticated => Key::ApiUnauthenticatedHint,
            ApiError::Forbidden => Key::ApiForbiddenHint,
            ApiError::BadRequest(_) => Key::ApiBadRequestHint,
            ApiError::Server(_) => Key::ApiServerHint,
            ApiError::Decode(_) => Key::ApiDecodeHint,
        }
    }

    /// Whether trying the same thing again can help.
    pub fn retryable(&self) -> bool {
        matches!(self, ApiError::Network | ApiError::Server(_))
    }

    /// Technical detail for the console and a tooltip; never the main message.
    pub fn detail(&self) -> Option<&str> {
        match self {
            ApiError::BadRequest(d) | ApiError::Server(d) | ApiError::Decode(d) => Some(d),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_variants() {
        assert_eq!(
            ApiError::from_code(Some("UNAUTHENTICATED"), "x"),
            ApiError::Unauthenticated
        );
        assert_eq!(
            ApiError::from_code(Some("FORBIDDEN"), "x"),
            ApiError::Forbidden
        );
        assert_eq!(
            ApiError::from_code(Some("INTERNAL"), "boom"),
            ApiError::Server("boom".into())
        );
        assert_eq!(
            ApiError::from_code(None, "Unknown field"),
            ApiError::BadRequest("Unknown field".into())
        );
    }

    #[test]
    fn statuses_map_to_variants() {
        assert_eq!(ApiError::from_status(401, ""), ApiError::Unauthenticated);
        assert_eq!(ApiError::from_status(403, ""), ApiError::Forbidden);
        assert!(matches!(
            ApiError::from_status(413, ""),
            ApiError::BadRequest(_)
        ));
        assert!(matches!(
            ApiError::from_status(502, ""),
            ApiError::Server(_)
        ));
    }
}
