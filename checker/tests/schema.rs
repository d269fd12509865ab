//! The published JSON Schema of the report stays in step with the Rust types.

mod support;

use std::path::Path;

/// Regenerate with `CHECKER_BLESS=1 cargo nextest run -p checker --test schema`.
#[test]
fn published_schema_matches_the_report_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("report.schema.json");
    let generated = format!(
        "{}\n",
        serde_json::to_string_pretty(&checker::report::json_schema()).expect("schema serialises")
    );
    if std::env::var_os("CHECKER_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write the schema");
    }
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == generated,
        "checker/report.schema.json is stale: regenerate it with \
         `CHECKER_BLESS=1 cargo nextest run -p checker --test schema`"
    );
}

#[test]
fn the_schema_rejects_a_report_missing_a_field() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../report.schema.json")).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    let bad = serde_json::json!({"format_version": 1, "score": 0});
    assert!(!validator.is_valid(&bad));
}
