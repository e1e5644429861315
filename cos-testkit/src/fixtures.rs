//! Test fixtures several crates share, kept once here (`cos-testkit/fixtures/`) and
//! embedded at compile time, so a test needs no path to another crate's files.

use std::path::PathBuf;

/// `wire_v5.json`: what the official Python SDK (cos-python-sdk-v5) sent to a
/// recording server — the wire path, query and signed header list of a PUT/GET in
/// IP:port mode — and the `<Error>` digests it extracted from the server's replies
/// (copied from the golden captures made with the official SDKs).
pub const WIRE_V5: &str = include_str!("../fixtures/wire_v5.json");

/// The path of a file under `cos-testkit/fixtures/`, for a test that needs a file
/// on disk rather than its contents.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn wire_v5_is_the_file_on_disk() {
        let on_disk = std::fs::read_to_string(fixture("wire_v5.json")).unwrap();
        assert_eq!(on_disk, WIRE_V5);
        assert!(WIRE_V5.contains("\"ip_port_mode\""));
        assert!(WIRE_V5.contains("\"errors\""));
    }
}
