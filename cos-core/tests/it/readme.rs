//! The README's "Using cos-core" snippet is `examples/readme.rs` (which the build
//! compiles), and its `[dependencies]` block names what that example needs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn readme_snippet_is_the_compiled_example() {
    let readme = include_str!("../../../README.md");
    let example = include_str!("../../examples/readme.rs");
    let begin = example.find("// README: begin\n").unwrap() + "// README: begin\n".len();
    let end = example.find("// README: end").unwrap();
    let code = &example[begin..end];
    let section = &readme[readme.find("## Using cos-core").unwrap()..];
    assert!(
        section.contains(&format!("```rust\n{code}```")),
        "README's cos-core snippet differs from cos-core/examples/readme.rs"
    );
    let deps = &section[section.find("[dependencies]").unwrap()..];
    let deps = &deps[..deps.find("```").unwrap()];
    for name in ["cos-core", "futures-util", "tokio"] {
        assert!(
            deps.contains(name),
            "{name} missing from the [dependencies] block"
        );
    }
}
