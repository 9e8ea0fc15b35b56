//! `cargo xtask fmt [--check]`: rustfmt over the repository's hand-written Rust, with the
//! settings of `rustfmt.toml`.
//!
//! The generated crates (`generated/`, the kitchen sink and the protocol test crates) are not
//! rustfmt input: the generator formats them with prettyplease, and `cargo xtask codegen --check`
//! keeps them as generated. Everything else is: the workspace's hand-written packages, the
//! service additions under `codegen/services/` (copied into generated crates as written), and
//! the crates outside the workspace (the aws-e2e tests, the benchmark programs and harness, the
//! fuzz harness).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The workspace's hand-written packages.
const PACKAGES: &[&str] =
    &["codegen", "awsjson-runtime", "xtask", "xtask-inputs", "sfn-tests", "fuzz-targets"];

/// Directories of hand-written Rust outside the workspace's packages (files found recursively).
const OTHER_DIRS: &[&str] = &[
    "codegen/services",
    "tests/aws-e2e/tests",
    "tests/aws-e2e/lib.rs",
    "tests/bench/harness/src",
    "tests/bench/ours/src",
    "tests/bench/official/src",
    "fuzz/harness/src",
];

pub fn fmt_cmd(root: &Path, check: bool) -> Result<ExitCode, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root).arg("fmt");
    for p in PACKAGES {
        cmd.args(["-p", p]);
    }
    if check {
        cmd.args(["--", "--check"]);
    }
    let packages_ok = run(cmd)?;

    let mut files = Vec::new();
    for d in OTHER_DIRS {
        rust_files(&root.join(d), &mut files)?;
    }
    files.sort();
    let mut cmd = Command::new("rustfmt");
    cmd.current_dir(root).args(["--edition", "2021"]);
    if check {
        cmd.arg("--check");
    }
    cmd.args(&files);
    let others_ok = run(cmd)?;
    Ok(if packages_ok && others_ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn run(mut cmd: Command) -> Result<bool, String> {
    let status = cmd.status().map_err(|e| format!("{cmd:?}: {e}"))?;
    Ok(status.success())
}

/// `path` itself when it is a `.rs` file, else every `.rs` file under it (none when absent).
fn rust_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if path.extension().is_some_and(|x| x == "rs") {
        if path.is_file() {
            out.push(path.to_path_buf());
        }
        return Ok(());
    }
    let entries = match std::fs::read_dir(path) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    for entry in entries {
        let p = entry.map_err(|e| format!("{}: {e}", path.display()))?.path();
        if p.is_dir() {
            rust_files(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    Ok(())
}
