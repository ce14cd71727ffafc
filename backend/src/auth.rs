//! Credentials: password hashes (argon2id), access tokens (JWT, HS256 pinned), opaque
//! refresh tokens and API keys (random, stored as SHA-256), and the per-address
//! sign-in throttle.
//!
//! Nothing here touches the database; `domain::sessions` and `domain::api_keys` do.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use leadflow_shared::{ApiScope, Role};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Prefix of every API key, so a bearer token is recognisably a key and not a JWT.
pub const API_KEY_PREFIX: &str = "lf_";
const REFRESH_TOKEN_PREFIX: &str = "rt_";

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))
}

/// Checks a password against a stored hash. A malformed hash counts as a mismatch.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the same time as a real verification, so an unknown email cannot be told from
/// a wrong password by timing.
pub fn verify_password_against_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("leadflow-dummy-password").unwrap_or_default());
    let _ = verify_password(password, hash);
}

/// A password a human can type and a machine cannot guess (22 url-safe characters,
/// ~128 bits).
pub fn generate_password() -> String {
    random_token(16)
}

fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// SHA-256 as lowercase hex. For high-entropy secrets (refresh tokens, API keys) a fast
/// hash is enough: they cannot be brute-forced like passwords.
pub fn sha256_hex(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn new_refresh_token() -> String {
    format!("{REFRESH_TOKEN_PREFIX}{}", random_token(32))
}

pub fn new_api_key() -> String {
    format!("{API_KEY_PREFIX}{}", random_token(32))
}

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: Uuid,
    /// The sign-in (refresh-token family) this token belongs to; logging out revokes it.
    pub sid: Uuid,
    pub role: Role,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub iss: String,
}

const ISSUER: &str = "leadflow";

/// Signs and verifies access tokens. HS256 only: a token with any other algorithm
/// (including `none`) is rejected.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub access_ttl_secs: i64,
}

impl TokenKeys {
    pub fn new(secret: &str, access_ttl_secs: i64) -> Self {
        TokenKeys {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            access_ttl_secs,
        }
    }

    pub fn issue(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        role: Role,
        now: i64,
    ) -> anyhow::Result<String> {
        let claims = Claims {
            sub: user_id,
            sid: session_id,
            role,
            iat: now,
            nbf: now,
            exp: now + self.access_ttl_secs,
            iss: ISSUER.to_string(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| anyhow::anyhow!("signing an access token failed: {e}"))
    }

    pub fn verify(&self, token: &str) -> Result<Claims, TokenRejected> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_nbf = true;
        validation.leeway = 5;
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "sub"]);
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenRejected::Expired,
                _ => TokenRejected::Invalid,
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRejected {
    Expired,
    Invalid,
}

/// Who is calling. Resolvers check it through guards.
#[derive(Debug, Clone)]
pub enum Principal {
    User(CurrentUser),
    ApiKey(ApiKeyPrincipal),
}

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: Uuid,
    pub role: Role,
    pub team_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub struct ApiKeyPrincipal {
    pub id: Uuid,
    pub scopes: Vec<ApiScope>,
}

/// The outcome of reading a request's credentials.
#[derive(Debug, Clone)]
pub enum Authentication {
    Anonymous,
    Authenticated(Principal),
    /// Credentials were presented and are not good; says why, in words for the client.
    Rejected(&'static str),
}

/// Slows down password guessing: after a few failed sign-ins from one address, further
/// attempts from it are refused for a while, the pause doubling with each failure.
#[derive(Clone, Default)]
pub struct LoginThrottle {
    inner: Arc<Mutex<HashMap<IpAddr, Failures>>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

/// Failures tolerated before the pause starts.
const FREE_FAILURES: u32 = 5;
/// A quiet period after which an address starts afresh.
const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
const FIRST_PAUSE: Duration = Duration::from_secs(30);
const MAX_PAUSE: Duration = Duration::from_secs(15 * 60);

impl LoginThrottle {
    /// `Err(wait)` when the address must wait before trying again.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        let map = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let Some(f) = map.get(&ip) else { return Ok(()) };
        if f.count < FREE_FAILURES || f.last.elapsed() > FAILURE_WINDOW {
            return Ok(());
        }
        let pause = FIRST_PAUSE
            .saturating_mul(1 << (f.count - FREE_FAILURES).min(10))
            .min(MAX_PAUSE);
        let waited = f.last.elapsed();
        if waited >= pause {
            Ok(())
        } else {
            Err(pause - waited)
        }
    }

    pub fn record_failure(&self, ip: IpAddr) {
        let mut map = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, f| f.last.elapsed() < FAILURE_WINDOW);
        }
        let entry = map.entry(ip).or_insert(Failures {
            count: 0,
            last: Instant::now(),
        });
        if entry.last.elapsed() > FAILURE_WINDOW {
            entry.count = 0;
        }
        entry.count += 1;
        entry.last = Instant::now();
    }

    pub fn record_success(&self, ip: IpAddr) {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&ip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let hash = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("Correct horse", &hash));
        assert!(!verify_password("correct horse", "not-a-hash"));
    }

    #[test]
    fn tokens_are_pinned_and_checked() {
        let keys = TokenKeys::new("0123456789abcdef0123456789abcdef", 60);
        let now = chrono::Utc::now().timestamp();
        let (user, sid) = (Uuid::now_v7(), Uuid::now_v7());
        let token = keys.issue(user, sid, Role::Rep, now).unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!(
            (claims.sub, claims.sid, claims.role),
            (user, sid, Role::Rep)
        );

        let expired = keys.issue(user, sid, Role::Rep, now - 3600).unwrap();
        assert_eq!(keys.verify(&expired).unwrap_err(), TokenRejected::Expired);

        let other = TokenKeys::new("another-secret-another-secret-xx", 60);
        assert_eq!(other.verify(&token).unwrap_err(), TokenRejected::Invalid);

        // alg=none with the same claims.
        let payload = token.split('.').nth(1).unwrap();
        let none_header = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"alg":"none","typ":"JWT"}"#);
        assert_eq!(
            keys.verify(&format!("{none_header}.{payload}."))
                .unwrap_err(),
            TokenRejected::Invalid
        );
    }

    #[test]
    fn throttle_pauses_after_repeated_failures() {
        let throttle = LoginThrottle::default();
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        for _ in 0..FREE_FAILURES {
            assert!(throttle.check(ip).is_ok());
            throttle.record_failure(ip);
        }
        let wait = throttle.check(ip).unwrap_err();
        assert!(wait <= FIRST_PAUSE && wait > FIRST_PAUSE - Duration::from_secs(5));
        let other: IpAddr = "203.0.113.8".parse().unwrap();
        assert!(throttle.check(other).is_ok());
        throttle.record_success(ip);
        assert!(throttle.check(ip).is_ok());
    }
}
