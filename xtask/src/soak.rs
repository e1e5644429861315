//! `cargo xtask soak`: large transfers through cos-transfer against a faulty emulator
//! child process, with kill -9 and restart (cos-transfer's `soak` example).

use crate::util::{cargo, root, run};

/// Builds the emulator and the soak driver in release mode (in one cargo invocation, so
/// that they share one feature resolution) and runs the driver; `args` go to it
/// (`--rounds N`, `--size 1GiB`, `--seed N`, `--dir DIR`).
pub fn soak(args: &[&str]) -> Result<(), String> {
    cargo(&[
        "build",
        "--release",
        "-p",
        "cos-emulator",
        "--bin",
        "cos-emulator",
        "-p",
        "cos-transfer",
        "--example",
        "soak",
    ])?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(|d| root().join(d))
        .unwrap_or_else(|| root().join("target"))
        .join("release");
    let emulator = target.join("cos-emulator").to_string_lossy().into_owned();
    let driver = target.join("examples/soak").to_string_lossy().into_owned();
    let mut a = vec!["--emulator", emulator.as_str()];
    a.extend(args);
    run(&driver, &a, &[])
}
