//! cos-crc64's integration tests, in one binary.

mod combine;
