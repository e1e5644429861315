//! The category slugs crates.io accepts (`src/boot/categories.toml` of the crates.io
//! repository; crates.io rejects a publish naming any other slug, at most five).

/// Every category slug crates.io knows, subcategories as `parent::child`.
pub const SLUGS: &[&str] = &[
    "algorithms",
    "api-bindings",
    "asynchronous",
    "authentication",
    "caching",
    "command-line-interface",
    "command-line-utilities",
    "compression",
    "computer-vision",
    "config",
    "concurrency",
    "cryptography",
    "cryptography::cryptocurrencies",
    "database",
    "database-implementations",
    "data-structures",
    "date-and-time",
    "development-tools",
    "development-tools::build-utils",
    "development-tools::cargo-plugins",
    "development-tools::debugging",
    "development-tools::ffi",
    "development-tools::procedural-macro-helpers",
    "development-tools::profiling",
    "development-tools::testing",
    "email",
    "embedded",
    "emulators",
    "encoding",
    "external-ffi-bindings",
    "filesystem",
    "game-engines",
    "game-development",
    "games",
    "graphics",
    "gui",
    "hardware-support",
    "internationalization",
    "localization",
    "mathematics",
    "memory-management",
    "multimedia",
    "multimedia::audio",
    "multimedia::video",
    "multimedia::images",
    "multimedia::encoding",
    "network-programming",
    "no-std",
    "os",
    "os::linux-apis",
    "os::macos-apis",
    "os::unix-apis",
    "os::windows-apis",
    "parser-implementations",
    "parsing",
    "rendering",
    "rendering::engine",
    "rendering::graphics-api",
    "rendering::data-formats",
    "rust-patterns",
    "science",
    "science::robotics",
    "simulation",
    "template-engine",
    "text-editors",
    "text-processing",
    "value-formatting",
    "visualization",
    "wasm",
    "web-programming",
    "web-programming::http-client",
    "web-programming::http-server",
    "web-programming::websocket",
];

/// The most categories (and keywords) crates.io takes per crate.
pub const MAX_PER_CRATE: usize = 5;

/// Whether crates.io knows `slug`.
pub fn is_valid(slug: &str) -> bool {
    SLUGS.contains(&slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_slugs_and_only_those_are_valid() {
        assert!(is_valid("web-programming::http-client"));
        assert!(is_valid("development-tools::testing"));
        // Display names, unknown parents and made-up slugs are not slugs.
        for bad in [
            "HTTP client",
            "http-client",
            "storage",
            "cloud",
            "Cryptography",
            "",
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
