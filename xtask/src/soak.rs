//! `cargo xtask soak`: large transfers through cos-transfer against a faulty emulator
//! child process, with kill -9 and restart (cos-transfer's `soak` example).

use crate::util::{cargo, root};

/// Builds the emulator and the soak driver in release mode and runs it; `args` go to
/// the driver (`--rounds N`, `--size 1GiB`, `--seed N`, `--dir DIR`).
pub fn soak(args: &[&str]) -> Result<(), String> {
    cargo(&[
        "build",
        "--release",
        "-p",
        "cos-emulator",
        "--bin",
        "cos-emulator",
    ])?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(|d| root().join(d))
        .unwrap_or_else(|| root().join("target"));
    let emulator = target.join("release/cos-emulator");
    let emulator = emulator.to_string_lossy();
    let mut a = vec![
        "run",
        "--release",
        "-p",
        "cos-transfer",
        "--example",
        "soak",
        "--",
        "--emulator",
        &emulator,
    ];
    a.extend(args);
    cargo(&a)
}
