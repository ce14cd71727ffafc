//! The checked-in schema is the contract with third parties: it must match the server.

#[test]
fn checked_in_schema_matches_the_server() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let live = leadflow::graphql::sdl();
    if std::env::var("LEADFLOW_UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &live).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == live,
        "backend/schema.graphql differs from the live schema; review the change and run \
         `LEADFLOW_UPDATE_SCHEMA=1 cargo test -p leadflow-backend --test api schema` to update it"
    );
}
