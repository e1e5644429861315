//! Tests only (never published): DataFusion writes a Parquet file to `cos-emulator`
//! through `cos-rs-object-store` and queries it back with SQL (`tests/`). A crate of
//! its own so that DataFusion, a large compile, is built only for this test, never for
//! `cos-rs-object-store`'s own tests or for what it publishes.
