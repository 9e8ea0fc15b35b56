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
        Ok(entries) => entries
            .map(|e| e.expect("a readable directory entry").path())
            .filter(|p| p.is_file())
            .collect(),
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
        let data =
            std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
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
    let target =
        TARGETS.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no target {name}"));
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
        assert!(
            source.contains(&format!("fn {}() {{", target.name)),
            "no test for {}",
            target.name
        );
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
        Ok(entries) => entries
            .map(|e| e.expect("a readable directory entry").path())
            .filter(|p| p.is_dir())
            .collect(),
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

/// The real models the generator target starts from go all the way through (so their mutations
/// reach validation and the IR, not only the JSON parser), and the target takes them without a
/// panic. They are third-party data and not committed: the pinned SFN model (located and verified
/// by `xtask-inputs`; `./test.sh` copies it into `model/`) and, when `SFN_MODELS_DIR` names them,
/// the other SFN versions.
#[test]
fn generator_takes_the_real_models() {
    let (pinned, _) =
        xtask_inputs::read_pinned(xtask_inputs::pins::SFN).unwrap_or_else(|e| panic!("{e}"));
    let mut paths = vec![pinned];
    if let Some(dir) = std::env::var_os("SFN_MODELS_DIR") {
        paths.extend(
            files(Path::new(&dir))
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "json")),
        );
    }
    paths.push(root().join("corpus/generator/kitchen-sink.json"));
    let target = TARGETS.iter().find(|t| t.name == "generator").expect("the generator target");
    for path in &paths {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let outcome = fuzz_targets::generator::front_end(&text).map(|s| s.operations.len());
        assert!(matches!(outcome, Ok(n) if n > 0), "{}: {outcome:?}", path.display());
        (target.run)(text.as_bytes());
    }
}
