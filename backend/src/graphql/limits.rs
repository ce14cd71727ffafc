//! Refuses, before anything runs, documents that multiply work through aliases, and
//! text holding the NUL character (which PostgreSQL cannot store and no person types).
//!
//! Depth and complexity are limited by the schema builder; aliases are not: one field
//! asked for under a thousand names is a thousand resolver calls (a favourite way to
//! brute-force `login` in one request). No screen of the app uses more than a handful.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Positioned, Request, ServerError, ServerResult, Value, Variables};

/// Aliased fields allowed in one document, over all its operations and fragments.
pub const MAX_ALIASES: usize = 30;

pub struct AliasLimit;

impl ExtensionFactory for AliasLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AliasLimitExtension)
    }
}

struct AliasLimitExtension;

#[async_trait::async_trait]
impl Extension for AliasLimitExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if request.query.contains('\0') || request.variables.values().any(has_nul) {
            return Err(coded(
                "text may not contain the NUL character (U+0000); remove it and send again"
                    .to_string(),
                "INVALID",
            ));
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let aliases = count_aliases(&document);
        if aliases > MAX_ALIASES {
            return Err(coded(
                format!(
                    "the query uses {aliases} aliases; at most {MAX_ALIASES} are allowed in one request"
                ),
                "QUERY_TOO_COMPLEX",
            ));
        }
        Ok(document)
    }
}

fn coded(message: String, code: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

/// True when any string in `value` (keys included) holds U+0000.
fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::List(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

fn count_aliases(document: &ExecutableDocument) -> usize {
    let operations: usize = document
        .operations
        .iter()
        .map(|(_, op)| in_set(&op.node.selection_set))
        .sum();
    let fragments: usize = document
        .fragments
        .values()
        .map(|f| in_set(&f.node.selection_set))
        .sum();
    operations + fragments
}

fn in_set(set: &Positioned<SelectionSet>) -> usize {
    set.node
        .items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some()) + in_set(&field.node.selection_set)
            }
            Selection::InlineFragment(fragment) => in_set(&fragment.node.selection_set),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}
