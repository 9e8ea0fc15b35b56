//! Every fuzz target over its committed seed corpus (`corpus/<target>/`) and every regression
//! input (`regressions/<target>/`): what the fuzzer found once stays fixed. Runs in CI.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use fuzz_targets::{Target, TARGETS};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The files of a directory, sorted (an absent directory has none).
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.expect("a readable directory entry").path()).filter(|p| p.is_file()).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => panic!("cannot read {}: {e}", dir.display()),
    };
    out.sort();
    out
}

/// Runs `target` over every file of `dir`; the files that panicked, with the message.
fn run_dir(target: &Target, dir: &Path) -> (usize, Vec<String>) {
    let inputs = files(dir);
    let mut failures = Vec::new();
    for path in &inputs {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| (target.run)(&data))) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{}: {message}", path.display()));
        }
    }
    (inputs.len(), failures)
}

fn check(name: &str) {
    let target = TARGETS.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no target {name}"));
    let (seeds, mut failures) = run_dir(target, &root().join("corpus").join(name));
    assert!(seeds > 0, "the seed corpus of {name} is empty");
    let (_, regressions) = run_dir(target, &root().join("regressions").join(name));
    failures.extend(regressions);
    assert!(failures.is_empty(), "{name} panicked on:\n{}", failures.join("\n"));
}

#[test]
fn generator() {
    check("generator");
}

#[test]
fn endpoint_rules() {
    check("endpoint_rules");
}

#[test]
fn output_decoders() {
    check("output_decoders");
}

#[test]
fn json_differential() {
    check("json_differential");
}

/// Each target has a test above, a harness binary and a seed corpus; no stray directory names a
/// target that does not exist.
#[test]
fn targets_are_wired_up() {
    let source = std::fs::read_to_string(root().join("tests/corpus.rs")).expect("this file");
    for target in TARGETS {
        assert!(source.contains(&format!("fn {}() {{", target.name)), "no test for {}", target.name);
        let bin = root().join("harness/src/bin").join(format!("{}.rs", target.name));
        assert!(bin.is_file(), "no harness binary {}", bin.display());
    }
    for dir in ["corpus", "regressions", "harness/src/bin"] {
        for path in files(&root().join(dir)).into_iter().chain(subdirs(&root().join(dir))) {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
            assert!(TARGETS.iter().any(|t| t.name == stem), "{} names no target", path.display());
        }
    }
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.expect("a readable directory entry").path()).filter(|p| p.is_dir()).collect(),
        Err(_) => Vec::new(),
    }
}

/// The output decoder target covers exactly the operations of the generated client.
#[test]
fn output_decoders_cover_every_operation() {
    let mut ours: Vec<&str> = fuzz_targets::output_decoders::OPERATIONS.to_vec();
    let mut model: Vec<&str> = sfn_client::test_util::OPERATIONS.iter().map(|o| o.name).collect();
    ours.sort_unstable();
    model.sort_unstable();
    assert_eq!(ours, model);
}

/// The real models of the generator's seed corpus go all the way through (so mutations of them
/// reach validation and the IR, not only the JSON parser).
#[test]
fn generator_seeds_reach_the_ir() {
    let mut outcomes = Vec::new();
    for path in files(&root().join("corpus/generator")) {
        let text = std::fs::read_to_string(&path).expect("a UTF-8 model");
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        outcomes.push((name, fuzz_targets::generator::front_end(&text).map(|s| s.operations.len())));
    }
    for (name, outcome) in &outcomes {
        eprintln!("{name}: {outcome:?}");
    }
    assert!(outcomes.iter().any(|(n, _)| n.starts_with("sfn-")), "the SFN model is not a seed");
    for (name, outcome) in &outcomes {
        assert!(matches!(outcome, Ok(n) if *n > 0), "{name}: {outcome:?}");
    }
}
