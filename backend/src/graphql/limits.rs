//! Refuses documents that multiply work through aliases before anything runs.
//!
//! Depth and complexity are limited by the schema builder; aliases are not: one field
//! asked for under a thousand names is a thousand resolver calls (a favourite way to
//! brute-force `login` in one request). No screen of the app uses more than a handful.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Positioned, ServerError, ServerResult, Variables};

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
            let mut error = ServerError::new(
                format!(
                    "the query uses {aliases} aliases; at most {MAX_ALIASES} are allowed in one request"
                ),
                None,
            );
            error.extensions = Some({
                let mut e = async_graphql::ErrorExtensionValues::default();
                e.set("code", "QUERY_TOO_COMPLEX");
                e
            });
            return Err(error);
        }
        Ok(document)
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
