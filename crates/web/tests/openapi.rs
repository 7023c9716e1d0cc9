//! The committed OpenAPI document must match what the server serves.
//! Regenerate after an API change with: `UPDATE_OPENAPI=1 cargo test -p pathway-web --test openapi`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[test]
fn committed_openapi_document_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
    let generated = pathway_web::openapi_json() + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json is out of date with the API. Run `UPDATE_OPENAPI=1 cargo test -p pathway-web --test openapi` and commit the result."
    );
    let doc: serde_json::Value = serde_json::from_str(&generated).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/frameworks/{id}/items/{code}"]["get"].is_object());
}
