//! The schema check of the JUnit reports can fail: Jenkins' xUnit schema
//! (`.ci/schemas/junit-10.xsd`) accepts a report in its dialect and rejects
//! what it rejects, so `support::assert_valid_junit`, run on the JUnit
//! report of every grade the suite makes, tests something.

mod support;

use quick_junit::{TestCase, TestCaseStatus, TestSuite};

fn validate(xml: &str) -> Option<Result<(), String>> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("junit.xml");
    std::fs::write(&path, xml).expect("write");
    support::xunit_validation(&path)
}

#[test]
fn the_xunit_schema_rejects_what_jenkins_rejects() {
    // quick-junit's serialisation, which the checker used to write: a
    // `skipped` count on <testsuites> and properties inside a <testcase>.
    let mut report = quick_junit::Report::new("checker");
    let mut suite = TestSuite::new("01-sums");
    let mut case = TestCase::new("adds", TestCaseStatus::success());
    case.add_property(("score", "4"));
    suite.add_test_case(case);
    report.add_test_suite(suite);
    let xml = report.to_string().expect("serialises");
    match validate(&xml) {
        None => {}
        Some(Ok(())) => panic!("junit-10.xsd accepted what it forbids:\n{xml}"),
        Some(Err(complaint)) => assert!(complaint.contains("skipped"), "{complaint}"),
    }
}

#[test]
fn the_xunit_schema_accepts_its_own_dialect() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="checker" tests="2" failures="1" errors="0" time="1.500">
  <testsuite name="01-sums" tests="2" failures="1" errors="0" skipped="0" time="0.020">
    <properties><property name="score" value="4"/></properties>
    <testcase name="t::adds" classname="01-sums.adds" time="0.010"/>
    <testcase name="t::doubles" classname="01-sums.doubles" time="0.010">
      <failure message="double 4" type="failed">assertion failed: double 4</failure>
    </testcase>
  </testsuite>
</testsuites>
"#;
    if let Some(result) = validate(xml) {
        result.expect("a report in the schema's dialect validates");
    }
}
