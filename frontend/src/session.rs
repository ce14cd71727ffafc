//! Who is signed in: the session state every page shares.
//!
//! [`Session`] is a [`Reducible`] changed only through [`SessionAction`]s, provided by
//! [`SessionProvider`] and reached with [`use_session`]. The tokens are mirrored into
//! localStorage so a reload (or a second tab) stays signed in; the GraphQL client reads
//! them from there at request time, so a refresh done by one request is seen by the next.

use std::rc::Rc;

use gloo::storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use yew::prelude::*;

use crate::api::types::User;

const STORAGE_KEY: &str = "leadflow.session";

/// The pair the server hands out at login and on every refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
}

impl Tokens {
    /// The tokens saved by the last login or refresh, if any.
    pub fn stored() -> Option<Tokens> {
        LocalStorage::get(STORAGE_KEY).ok()
    }

    pub fn save(&self) {
        Tokens::store(Some(self));
    }

    fn store(tokens: Option<&Tokens>) {
        match tokens {
            // A failed write (private mode, quota) only means the next reload asks to sign in.
            Some(tokens) => {
                let _ = LocalStorage::set(STORAGE_KEY, tokens);
            }
            None => LocalStorage::delete(STORAGE_KEY),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Session {
    pub tokens: Option<Tokens>,
    /// The signed-in user, once `login` or `me` has told us.
    pub me: Option<User>,
}

impl Session {
    pub fn signed_in(&self) -> bool {
        self.tokens.is_some()
    }
}

pub enum SessionAction {
    SignedIn { tokens: Tokens, user: User },
    Refreshed(Tokens),
    Me(User),
    SignedOut,
}

impl Reducible for Session {
    type Action = SessionAction;

    fn reduce(self: Rc<Self>, action: SessionAction) -> Rc<Self> {
        let next = match action {
            SessionAction::SignedIn { tokens, user } => Session {
                tokens: Some(tokens),
                me: Some(user),
            },
            SessionAction::Refreshed(tokens) => Session {
                tokens: Some(tokens),
                me: self.me.clone(),
            },
            SessionAction::Me(user) if self.tokens.is_some() => Session {
                tokens: self.tokens.clone(),
                me: Some(user),
            },
            SessionAction::Me(_) => return self,
            SessionAction::SignedOut => Session::default(),
        };
        Tokens::store(next.tokens.as_ref());
        Rc::new(next)
    }
}

pub type SessionContext = UseReducerHandle<Session>;

#[derive(Properties, PartialEq)]
pub struct SessionProviderProps {
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn SessionProvider(props: &SessionProviderProps) -> Html {
    let session = use_reducer(|| Session {
        tokens: Tokens::stored(),
        me: None,
    });
    html! {
        <ContextProvider<SessionContext> context={session}>
            { props.children.clone() }
        </ContextProvider<SessionContext>>
    }
}

/// The session; panics only if used outside [`SessionProvider`], a programming error.
#[hook]
pub fn use_session() -> SessionContext {
    use_context::<SessionContext>().expect("use_session called outside SessionProvider")
}
