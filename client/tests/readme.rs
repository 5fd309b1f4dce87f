//! The README's policy example is a real policy: it parses, and it is the
//! test fixture's policy (so its keys are real keys, from fixed seeds).

mod common;

use sightline_proofs::Policy;

/// The first fenced block after the "The policy file" heading.
fn policy_example() -> String {
    let readme = include_str!("../README.md");
    let section = readme.split("## The policy file").nth(1).expect("section");
    let block = section.split("```text\n").nth(1).expect("block");
    block.split("```").next().expect("block end").to_owned()
}

#[test]
fn readme_policy_example_parses_and_is_the_fixtures() {
    let example = policy_example();
    let parsed = Policy::parse(example.as_bytes()).expect("README policy parses");
    let mut fixture = common::policy_text(&common::Keys::new(), 2);
    fixture = fixture.replace("max-age 3600", "max-age 86400");
    let expected = Policy::parse(fixture.as_bytes()).expect("fixture policy");
    assert_eq!(
        parsed.encode(),
        expected.encode(),
        "README example differs from the fixture policy:\n{fixture}"
    );
}
