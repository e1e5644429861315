//! The integration tests of cos-v4-legacy, in one test binary: one module per area.

mod emulator;
mod fuzz;
mod wire;
