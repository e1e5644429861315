//! Shared helpers for the integration tests.

use std::fmt::Debug;
use std::path::PathBuf;

use serde::{Serialize, de::DeserializeOwned};

/// Path of a file under `testdata/`.
pub fn testdata(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

/// Contents of a file under `testdata/`.
pub fn load(name: &str) -> String {
    std::fs::read_to_string(testdata(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
}

/// Parses a document, serializes it (with and without declaration), parses
/// again and checks both copies equal the first parse. Returns the parsed model.
pub fn roundtrip_str<T>(xml: &str) -> T
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let first: T = cos_xml::from_str(xml).unwrap_or_else(|e| panic!("parse: {e}\n{xml}"));
    let out = cos_xml::to_string(&first).unwrap();
    assert!(
        !out.starts_with("<?xml"),
        "to_string must not write a declaration"
    );
    let second: T = cos_xml::from_str(&out).unwrap_or_else(|e| panic!("reparse: {e}\n{out}"));
    assert_eq!(first, second, "round trip changed the model\n{out}");
    let with_decl = cos_xml::to_string_with_declaration(&first).unwrap();
    assert!(with_decl.starts_with(cos_xml::codec::XML_DECLARATION));
    let third: T = cos_xml::from_slice(with_decl.as_bytes()).unwrap();
    assert_eq!(first, third);
    // Serialization is deterministic.
    assert_eq!(cos_xml::to_string(&second).unwrap(), out);
    first
}

/// [`roundtrip_str`] on a file under `testdata/`.
pub fn roundtrip<T>(name: &str) -> T
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    roundtrip_str(&load(name))
}
