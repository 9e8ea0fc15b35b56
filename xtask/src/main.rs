//! Developer commands. Run `cargo xtask help`.
#![forbid(unsafe_code)]

mod any_model;
mod e2e;
mod fmt;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use codegen::emit::crate_files::CrateInfo;
use codegen::generate::{self, Options};
use codegen::model::Model;

use xtask_inputs::pins::{self as inputs, Pin, Pins};
use xtask_inputs::test_crates;

const HELP: &str = "\
cargo xtask <command>

Commands:
  codegen [--check] [--model PATH] [--partitions PATH] [--protocol-tests PATH]
        Generate the SFN client crate into generated/ from the pinned model, and the
        test crates (kitchen sink, AWS protocol compliance test services).
        --check writes nothing and fails, naming them, if files are out of date,
        missing or should not exist.
  codegen --model FILE --out DIR [--package NAME] [--service ID] [--runtime PATH]
        [--partitions PATH]
        Generate a client crate for any awsJson Smithy model (JSON AST) into DIR: package
        NAME (default: the service's sdkId, `DynamoDB` -> `dynamodb-client`), depending
        on this repository's runtime by a path computed relative to DIR (or PATH, written
        as given). Prints what the generator left out or cannot honour. DIR is a crate of
        its own (outside this workspace, or add it to a workspace's members).
  codegen-all [--models DIR] [--out DIR] [--target-dir DIR] [--compile all|none|P1,P2..]
        Generate a crate for every *.json model of DIR (default $AWS_MODELS_DIR, else
        ../shared/models/aws) into one scratch workspace OUT (default
        $CARGO_TARGET_DIR/codegen-all, else target/codegen-all), then run
        `cargo clippy --all-targets` on the crates named (default all; by package or model
        file name) with one shared target dir (default OUT/target). Prints a markdown table
        (model, generated, compiled, warnings, time) and fails if any model does not
        generate or any compiled crate has an error or a warning.
  fetch-model [--url URL] [--partitions-url URL]
        Download every pinned input (model, partition table, protocol test models) into
        model/, verifying sha256.
  protocol-report [--protocol-tests PATH]
        Run the generated protocol compliance tests of each protocol test crate and print
        a markdown table: cases passed / client cases / listed exceptions, per service.
  diff OLD NEW [--format markdown|json] [--fail-on breaking|additive|patch]
        Compare two models semantically and recommend a version bump.
  aws-e2e-clients [--models DIR] [--partitions PATH]
        Generate the SQS, DynamoDB and KMS clients of the end-to-end tests in
        tests/aws-e2e/ into tests/aws-e2e/gen/ (git-ignored) from the models of
        DIR (default $AWS_MODELS_DIR, else ../shared/models/aws), verifying sha256.
  fmt [--check]
        rustfmt (settings: rustfmt.toml) over the hand-written Rust: the workspace's
        hand-written packages, codegen/services/, the aws-e2e tests, the benchmark and fuzz
        harnesses. The generated crates are formatted by the generator, not by rustfmt.
  bench-codegen [--runs N]
        Time generating the SFN crate in memory (parse the model, generate, format; no
        writing), N runs (default 20); prints the wall time's min, median and max and the
        median CPU time (every thread). Build xtask the same way
        for figures you compare: the usual `cargo xtask` uses the dev profile.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen_cmd(&args[1..]),
        Some("codegen-all") => codegen_all_cmd(&args[1..]),
        Some("fetch-model") => fetch_cmd(&args[1..]),
        Some("diff") => diff_cmd(&args[1..]),
        Some("bench-codegen") => bench_codegen_cmd(&args[1..]),
        Some("protocol-report") => protocol_report_cmd(&args[1..]),
        Some("aws-e2e-clients") => e2e::aws_e2e_clients_cmd(&args[1..]),
        Some("fmt") => fmt_dispatch(&args[1..]),
        Some("help") | Some("--help") | Some("-h") | None => {
            print!("{HELP}");
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `fmt [--check]`.
fn fmt_dispatch(args: &[String]) -> Result<ExitCode, String> {
    let (opts, rest) = parse_options(args, &[], &["check"])?;
    if let Some(a) = rest.first() {
        return Err(format!("unexpected argument `{a}`"));
    }
    fmt::fmt_cmd(&root(), opts.contains_key("check"))
}

/// The repository root (the parent of this crate).
fn root() -> PathBuf {
    xtask_inputs::repo_root()
}

/// Parses `--name value` options and bare flags; unknown options are refused.
fn parse_options(
    args: &[String],
    with_value: &[&str],
    flags: &[&str],
) -> Result<(BTreeMap<String, String>, Vec<String>), String> {
    let mut options = BTreeMap::new();
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(name) = a.strip_prefix("--") {
            if flags.contains(&name) {
                options.insert(name.to_string(), String::new());
            } else if with_value.contains(&name) {
                let v = it.next().ok_or_else(|| format!("`--{name}` needs a value"))?;
                options.insert(name.to_string(), v.clone());
            } else {
                return Err(format!("unknown option `{a}`"));
            }
        } else {
            positional.push(a.clone());
        }
    }
    Ok((options, positional))
}

fn bench_codegen_cmd(args: &[String]) -> Result<ExitCode, String> {
    let (opts, rest) = parse_options(args, &["runs"], &[])?;
    if !rest.is_empty() {
        return Err(format!("unexpected argument `{}`", rest[0]));
    }
    let runs: usize = match opts.get("runs") {
        Some(n) => n
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("`--runs {n}`: not a positive number"))?,
        None => 20,
    };
    let root = root();
    let pins = Pins::load(&root)?;
    let model_path = pins.sfn.locate(&root, None)?;
    let partitions_path = pins.partitions.locate(&root, None)?;
    let model_text = String::from_utf8(pins.sfn.read_verified(&model_path)?)
        .map_err(|_| "the model is not UTF-8".to_string())?;
    let partitions = codegen::ir::endpoints::parse_partitions(
        &pins.partitions.read_verified(&partitions_path)?,
        &partitions_path.display().to_string(),
    )
    .map_err(|e| e.to_string())?;
    let options = Options {
        service: None,
        crate_info: CrateInfo {
            package_name: "sfn-client".into(),
            version: "0.1.0".into(),
            runtime_path: "../codegen/runtime".into(),
            publish: true,
        },
        model_source: pins.sfn.source_record(),
        partitions: Some(partitions),
        additions: Some(sfn_additions(&root)?),
    };
    let mut times = Vec::with_capacity(runs);
    let mut cpu_times = Vec::with_capacity(runs);
    let mut lines = 0;
    for _ in 0..runs {
        let cpu = cpu_millis();
        let started = Instant::now();
        let model = Model::from_json(&model_text, "sfn model").map_err(|e| e.to_string())?;
        let files = generate::generate(&model, &options).map_err(|e| e.to_string())?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        cpu_times.push(cpu_millis() - cpu);
        lines = files.values().map(|f| f.lines().count()).sum::<usize>();
    }
    times.sort_by(f64::total_cmp);
    cpu_times.sort_by(f64::total_cmp);
    // tests/bench/run.sh reads `wall median` and `CPU median`.
    println!(
        "SFN codegen, {runs} runs ({lines} lines, {} threads): wall min {:.1} ms, wall median {:.1} ms, wall max {:.1} ms; CPU median {:.1} ms",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        times[0],
        times[runs / 2],
        times[runs - 1],
        cpu_times[runs / 2]
    );
    Ok(ExitCode::SUCCESS)
}

/// User + system CPU time of this process so far (every thread), in milliseconds, from
/// `/proc/self/stat` (fields 14 and 15, in Linux's fixed USER_HZ of 100 ticks a second: 10 ms
/// resolution, fine for runs of hundreds of milliseconds). NaN where there is no such file.
fn cpu_millis() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return f64::NAN };
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let Some((_, rest)) = stat.rsplit_once(')') else { return f64::NAN };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state): utime is field 14, stime field 15.
    match (
        fields.get(11).and_then(|v| v.parse::<f64>().ok()),
        fields.get(12).and_then(|v| v.parse::<f64>().ok()),
    ) {
        (Some(user), Some(system)) => (user + system) * 10.0,
        _ => f64::NAN,
    }
}

/// One crate the generator writes.
struct Target {
    pub dir: PathBuf,
    pub files: BTreeMap<String, String>,
}

/// Where the SFN crate's hand-written modules are (`codegen/services/sfn/`, see its README).
const SFN_ADDITIONS: &str = "codegen/services/sfn";

fn sfn_additions(root: &Path) -> Result<codegen::additions::Additions, String> {
    codegen::additions::Additions::load(&root.join(SFN_ADDITIONS), SFN_ADDITIONS)
        .map_err(|e| format!("cannot read the SFN crate's hand-written modules:\n{e}"))
}

fn codegen_cmd(args: &[String]) -> Result<ExitCode, String> {
    let (opts, rest) = parse_options(
        args,
        &["model", "partitions", "protocol-tests", "out", "package", "service", "runtime"],
        &["check"],
    )?;
    if !rest.is_empty() {
        return Err(format!("unexpected argument `{}`", rest[0]));
    }
    if opts.contains_key("out") {
        return codegen_any_cmd(&opts);
    }
    for only_with_out in ["package", "service", "runtime"] {
        if opts.contains_key(only_with_out) {
            return Err(format!(
                "`--{only_with_out}` goes with `--out DIR` (generating a crate for any model)"
            ));
        }
    }
    let root = root();
    let pins = Pins::load(&root)?;
    let model_path = pins.sfn.locate(&root, opts.get("model").map(PathBuf::from))?;
    let partitions_path =
        pins.partitions.locate(&root, opts.get("partitions").map(PathBuf::from))?;

    let started = Instant::now();
    let model_bytes = pins.sfn.read_verified(&model_path)?;
    let partitions_bytes = pins.partitions.read_verified(&partitions_path)?;
    let model_text = String::from_utf8(model_bytes)
        .map_err(|_| format!("{}: not UTF-8", model_path.display()))?;
    let raw_model = Model::from_json(&model_text, &model_path.display().to_string())
        .map_err(|e| e.to_string())?;
    let mut model = raw_model.clone();
    let mut model_source = pins.sfn.source_record();
    for (path, text) in xtask_inputs::read_overlays(&root)? {
        model.apply_overlay(&text, &path).map_err(|e| e.to_string())?;
        let (key, value) = xtask_inputs::overlay_record(&path, &text);
        model_source.insert(key, value);
    }
    let partitions = codegen::ir::endpoints::parse_partitions(
        &partitions_bytes,
        &partitions_path.display().to_string(),
    )
    .map_err(|e| e.to_string())?;

    let sfn = generate::generate(
        &model,
        &Options {
            service: None,
            crate_info: CrateInfo {
                package_name: "sfn-client".into(),
                version: "0.1.0".into(),
                runtime_path: "../codegen/runtime".into(),
                publish: true,
            },
            model_source,
            partitions: Some(partitions.clone()),
            additions: Some(sfn_additions(&root)?),
        },
    )
    .map_err(|e| format!("cannot generate the SFN client:\n{e}"))?;
    let sfn_in = started.elapsed();
    let mut targets = vec![Target { dir: root.join("generated"), files: sfn }];
    // Pinned test models are loaded once, however many crates use them.
    let mut pinned_models: BTreeMap<&str, (Model, BTreeMap<String, String>)> = BTreeMap::new();
    for t in test_crates::TEST_CRATES {
        let cannot = |e: String| format!("cannot generate {}:\n{e}", t.package_name);
        let files = match t.load_in_repo_model(&root) {
            Some(model) => t.generate(&model.map_err(cannot)?, BTreeMap::new(), Some(&partitions)),
            None => {
                let test_crates::ModelInput::Pinned(key) = t.model else {
                    unreachable!("not in the repository")
                };
                if !pinned_models.contains_key(key) {
                    let pin = pins.get(key)?;
                    let explicit = if key == test_crates::PROTOCOL_TESTS_PIN {
                        opts.get("protocol-tests")
                    } else {
                        None
                    };
                    let path = pin.locate(&root, explicit.map(PathBuf::from))?;
                    let bytes = pin.read_verified(&path)?;
                    let text = String::from_utf8(bytes)
                        .map_err(|_| format!("{}: not UTF-8", path.display()))?;
                    let model = Model::from_json(&text, &path.display().to_string())
                        .map_err(|e| e.to_string())?;
                    pinned_models.insert(key, (model, pin.source_record()));
                }
                let (model, source) = &pinned_models[key];
                t.generate(model, source.clone(), Some(&partitions))
            }
        }
        .map_err(cannot)?;
        targets.push(Target { dir: root.join(t.out_dir), files });
    }
    let generated_in = started.elapsed();
    report_model_change(&root, &pins.sfn, &raw_model);

    if opts.contains_key("check") {
        let mut problems = Vec::new();
        for t in &targets {
            problems.extend(check_target(&root, t)?);
        }
        if problems.is_empty() {
            println!(
                "generated code is up to date ({} files checked)",
                targets.iter().map(|t| t.files.len()).sum::<usize>()
            );
            Ok(ExitCode::SUCCESS)
        } else {
            eprintln!("generated code is out of date:");
            for p in &problems {
                eprintln!("  {p}");
            }
            eprintln!("run `cargo xtask codegen` and commit the result");
            Ok(ExitCode::FAILURE)
        }
    } else {
        let mut written = 0;
        for t in &targets {
            written += write_target(t)?;
        }
        let total: usize = targets.iter().map(|t| t.files.len()).sum();
        println!(
            "generated {total} files ({written} changed) in {:.1} ms (the SFN crate: {:.1} ms, including reading the model)",
            generated_in.as_secs_f64() * 1000.0,
            sfn_in.as_secs_f64() * 1000.0
        );
        Ok(ExitCode::SUCCESS)
    }
}

/// `codegen --model FILE --out DIR`: one crate for any model, outside the pinned set.
fn codegen_any_cmd(opts: &BTreeMap<String, String>) -> Result<ExitCode, String> {
    if opts.contains_key("check") || opts.contains_key("protocol-tests") {
        return Err(
            "`--check` and `--protocol-tests` are for the pinned crates, not with `--out`".into()
        );
    }
    let model_path = PathBuf::from(opts.get("model").ok_or("`--out DIR` needs `--model FILE`")?);
    let root = root();
    let pins = Pins::load(&root)?;
    let partitions = load_partitions(&root, &pins, opts.get("partitions"))?;
    let out = any_model::absolute(Path::new(&opts["out"]))?;
    let runtime = match opts.get("runtime") {
        Some(r) => r.clone(),
        None => any_model::relative_path(&out, &root.join("codegen/runtime")),
    };
    let started = Instant::now();
    let generated = any_model::generate_model(
        &model_path,
        None,
        opts.get("package").map(String::as_str),
        opts.get("service").map(String::as_str),
        &runtime,
        &partitions,
    )?;
    // Files no longer generated are removed from DIR: only from a crate this command made.
    if !existing_files(&out)?.is_empty() && !out.join("MODEL").is_file() {
        return Err(format!(
            "{} is not empty and holds no generated crate (no MODEL file): choose a new directory",
            out.display()
        ));
    }
    let target = Target { dir: out.clone(), files: generated.files };
    let written = write_target(&target)?;
    for w in &generated.warnings {
        eprintln!("warning: {w}");
    }
    println!(
        "generated {} ({}) into {}: {} files ({written} changed) in {:.1} ms, {} warnings; runtime at {runtime}",
        generated.package,
        generated.service,
        out.display(),
        target.files.len(),
        started.elapsed().as_secs_f64() * 1000.0,
        generated.warnings.len(),
    );
    Ok(ExitCode::SUCCESS)
}

/// `codegen-all`: every model of a folder into one scratch workspace, generated and compiled.
fn codegen_all_cmd(args: &[String]) -> Result<ExitCode, String> {
    let (opts, rest) =
        parse_options(args, &["models", "out", "target-dir", "compile", "partitions"], &[])?;
    if !rest.is_empty() {
        return Err(format!("unexpected argument `{}`", rest[0]));
    }
    let root = root();
    let pins = Pins::load(&root)?;
    let partitions = load_partitions(&root, &pins, opts.get("partitions"))?;
    let models_dir = match (opts.get("models"), std::env::var_os("AWS_MODELS_DIR")) {
        (Some(d), _) => PathBuf::from(d),
        (None, Some(d)) => PathBuf::from(d),
        (None, None) => root.join("../shared/models/aws"),
    };
    let out = match (opts.get("out"), std::env::var_os("CARGO_TARGET_DIR")) {
        (Some(d), _) => any_model::absolute(Path::new(d))?,
        (None, Some(t)) => any_model::absolute(&Path::new(&t).join("codegen-all"))?,
        (None, None) => root.join("target/codegen-all"),
    };
    let target_dir = match opts.get("target-dir") {
        Some(d) => any_model::absolute(Path::new(d))?,
        None => out.join("target"),
    };
    let mut model_files: Vec<PathBuf> = std::fs::read_dir(&models_dir)
        .map_err(|e| {
            format!("{}: {e} (set --models DIR or $AWS_MODELS_DIR)", models_dir.display())
        })?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    model_files.sort();
    if model_files.is_empty() {
        return Err(format!("{}: no *.json model", models_dir.display()));
    }

    let started = Instant::now();
    let runtime = root.join("codegen/runtime");
    let mut rows = Vec::new();
    let mut packages = BTreeMap::new();
    for path in &model_files {
        let model = path.file_name().expect("a file").to_string_lossy().into_owned();
        let stem = model.trim_end_matches(".json").to_string();
        // The package name comes from the model; the directory is named after it.
        let generated = Model::from_path(path).map_err(|e| e.to_string()).and_then(|m| {
            let service = generate::pick_service(&m, None).map_err(|e| e.to_string())?;
            let package = any_model::default_package_name(&m, &service);
            let dir = out.join(&package);
            let g = any_model::generate_model(
                path,
                None,
                Some(&package),
                None,
                &any_model::relative_path(&dir, &runtime),
                &partitions,
            )?;
            if let Some(other) = packages.insert(package.clone(), model.clone()) {
                return Err(format!("package `{package}` is also the one of {other}"));
            }
            let target = Target { dir, files: g.files };
            write_target(&target)?;
            Ok((package, target.files.len(), g.warnings))
        });
        rows.push(match generated {
            Ok((package, n, warnings)) => {
                any_model::Row { model, package, generated: Ok(n), warnings, compile: None }
            }
            Err(e) => any_model::Row {
                model,
                package: stem,
                generated: Err(e),
                warnings: Vec::new(),
                compile: None,
            },
        });
    }
    let generation = started.elapsed();
    let members: Vec<String> =
        rows.iter().filter(|r| r.generated.is_ok()).map(|r| r.package.clone()).collect();
    let root_manifest =
        std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| format!("Cargo.toml: {e}"))?;
    std::fs::write(out.join("Cargo.toml"), any_model::workspace_manifest(&members, &root_manifest))
        .map_err(|e| format!("{}: {e}", out.display()))?;
    // The repository's lock file: the same dependency versions, no registry look-up needed.
    if !out.join("Cargo.lock").exists() {
        std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"))
            .map_err(|e| format!("Cargo.lock: {e}"))?;
    }
    eprintln!(
        "generated {} of {} models into {} in {:.1} s",
        members.len(),
        rows.len(),
        out.display(),
        generation.as_secs_f64()
    );

    let wanted: Option<Vec<String>> = match opts.get("compile").map(String::as_str) {
        None | Some("all") => None,
        Some("none") => Some(Vec::new()),
        Some(list) => {
            Some(list.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
        }
    };
    if let Some(wanted) = &wanted {
        for w in wanted {
            if !rows
                .iter()
                .any(|r| &r.package == w || r.model == *w || r.model.trim_end_matches(".json") == w)
            {
                return Err(format!(
                    "`--compile`: no model or package `{w}` in {}",
                    models_dir.display()
                ));
            }
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    for row in rows.iter_mut().filter(|r| r.generated.is_ok()) {
        let chosen = wanted.as_ref().is_none_or(|w| {
            w.iter().any(|w| {
                w == &row.package || *w == row.model || w == row.model.trim_end_matches(".json")
            })
        });
        if chosen {
            let c = any_model::clippy(&cargo, &out, &target_dir, &row.package)?;
            eprintln!(
                "{}: {} {} warnings {:.1} s",
                row.package,
                if c.ok { "compiled," } else { "FAILED," },
                c.warnings,
                c.seconds
            );
            row.compile = Some(c);
        }
    }
    let total = started.elapsed();

    println!("| model | package | generated | generator warnings | compiled | clippy warnings | time (s) |");
    println!("|---|---|---|---:|---|---:|---:|");
    let mut failed = false;
    for r in &rows {
        let generated = match &r.generated {
            Ok(n) => format!("yes ({n} files)"),
            Err(_) => {
                failed = true;
                "**no**".to_string()
            }
        };
        let (compiled, warnings, time) = match &r.compile {
            Some(c) => {
                failed |= !c.ok || c.warnings > 0;
                (
                    if c.ok { "yes" } else { "**no**" }.to_string(),
                    c.warnings.to_string(),
                    format!("{:.1}", c.seconds),
                )
            }
            None => ("—".to_string(), "—".to_string(), "—".to_string()),
        };
        println!(
            "| {} | {} | {generated} | {} | {compiled} | {warnings} | {time} |",
            r.model,
            r.package,
            r.warnings.len()
        );
    }
    let compiled: Vec<&any_model::Compile> =
        rows.iter().filter_map(|r| r.compile.as_ref()).collect();
    println!(
        "\n{} of {} models generated in {:.1} s; {} of {} crates compiled with their tests, {} clippy-clean; {:.0} s in all.",
        members.len(),
        rows.len(),
        generation.as_secs_f64(),
        compiled.iter().filter(|c| c.ok).count(),
        compiled.len(),
        compiled.iter().filter(|c| c.ok && c.warnings == 0).count(),
        total.as_secs_f64()
    );
    for r in &rows {
        if let Err(e) = &r.generated {
            println!("\n{} did not generate:\n{e}", r.model);
        }
        for w in &r.warnings {
            println!("\n{}: warning: {w}", r.model);
        }
        if let Some(c) = r.compile.as_ref().filter(|c| !c.ok || c.warnings > 0) {
            println!("\n{} ({} warnings):\n{}", r.package, c.warnings, c.messages.join("\n"));
        }
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// The pinned partition table, verified, parsed.
fn load_partitions(
    root: &Path,
    pins: &Pins,
    explicit: Option<&String>,
) -> Result<codegen::ir::endpoints::Partitions, String> {
    let path = pins.partitions.locate(root, explicit.map(PathBuf::from))?;
    let bytes = pins.partitions.read_verified(&path)?;
    codegen::ir::endpoints::parse_partitions(&bytes, &path.display().to_string())
        .map_err(|e| e.to_string())
}

/// Every file under `dir` (relative paths, `/`-separated), skipping `target/`.
fn existing_files(dir: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("{}: {e}", d.display())),
        };
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", d.display()))?;
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == "target") {
                    continue;
                }
                stack.push(path);
            } else {
                let rel =
                    path.strip_prefix(dir).expect("under dir").to_string_lossy().replace('\\', "/");
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn check_target(root: &Path, t: &Target) -> Result<Vec<String>, String> {
    let shown =
        |rel: &str| t.dir.strip_prefix(root).unwrap_or(&t.dir).join(rel).display().to_string();
    let mut problems = Vec::new();
    for (rel, contents) in &t.files {
        match std::fs::read_to_string(t.dir.join(rel)) {
            Ok(existing) if &existing == contents => {}
            Ok(_) => problems.push(format!("out of date: {}", shown(rel))),
            Err(_) => problems.push(format!("missing: {}", shown(rel))),
        }
    }
    for rel in existing_files(&t.dir)? {
        if !t.files.contains_key(&rel) {
            problems.push(format!("should not exist: {}", shown(&rel)));
        }
    }
    Ok(problems)
}

/// Writes the files that changed and removes files that are no longer generated. Returns how many
/// files were written or removed.
fn write_target(t: &Target) -> Result<usize, String> {
    let mut changed = 0;
    for (rel, contents) in &t.files {
        let path = t.dir.join(rel);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(contents.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, contents).map_err(|e| format!("{}: {e}", path.display()))?;
        changed += 1;
    }
    for rel in existing_files(&t.dir)? {
        if !t.files.contains_key(&rel) {
            let path = t.dir.join(&rel);
            std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            changed += 1;
        }
    }
    Ok(changed)
}

fn fetch_cmd(args: &[String]) -> Result<ExitCode, String> {
    let (opts, rest) = parse_options(args, &["url", "partitions-url"], &[])?;
    if !rest.is_empty() {
        return Err(format!("unexpected argument `{}`", rest[0]));
    }
    let root = root();
    let pins = Pins::load(&root)?;
    for (key, pin) in &pins.all {
        let url = match key.as_str() {
            "sfn" => opts.get("url"),
            "partitions" => opts.get("partitions-url"),
            _ => None,
        };
        let url = url.cloned().unwrap_or_else(|| pin.url.clone());
        let dest = root.join("model").join(&pin.file);
        inputs::fetch(&url, &pin.sha256, &dest)?;
        println!("fetched {} ({}) into {}", pin.description, pin.sha256, dest.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn diff_cmd(args: &[String]) -> Result<ExitCode, String> {
    let (opts, rest) = parse_options(args, &["format", "fail-on"], &[])?;
    let [old, new] = rest.as_slice() else {
        return Err("usage: cargo xtask diff OLD NEW [--format markdown|json] [--fail-on breaking|additive|patch]".into());
    };
    let format: codegen::diff::Format =
        opts.get("format").map_or(Ok(Default::default()), |f| f.parse())?;
    let fail_on: Option<codegen::diff::Class> = opts
        .get("fail-on")
        .map(|c| c.parse())
        .transpose()
        .map_err(|e| format!("`--fail-on`: {e}"))?;
    let report =
        codegen::diff::diff_files(Path::new(old), Path::new(new)).map_err(|e| e.to_string())?;
    let overlays = overlay_report(Path::new(new))?;
    match format {
        codegen::diff::Format::Markdown => {
            print!("{}", report.render(format));
            if let Some((applied, overlay_report)) = &overlays {
                print!("{}", overlay_markdown(applied, overlay_report));
            }
        }
        codegen::diff::Format::Json => {
            let mut json = report.to_json();
            if let (Some(o), Some((applied, overlay_report))) = (json.as_object_mut(), &overlays) {
                o.insert(
                    "overlays".to_string(),
                    serde_json::json!({ "applied": applied, "report": overlay_report.to_json() }),
                );
            }
            println!("{}", serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?);
        }
    }
    match fail_on {
        Some(threshold) if report.reaches(threshold) => {
            eprintln!("error: the changes reach `{}` (--fail-on)", threshold.as_str());
            Ok(ExitCode::from(2))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The section of `cargo xtask diff` on the repository's overlays: what they add to the NEW
/// model (the overlays whose shapes are all in it), as a diff of NEW without and with them. The
/// overlays tried (with why one was not applied) and the report; `None` without overlays.
fn overlay_report(new: &Path) -> Result<Option<(Vec<String>, codegen::diff::Report)>, String> {
    let base = Model::from_path(new).map_err(|e| e.to_string())?;
    let mut with = base.clone();
    let mut applied = Vec::new();
    for (path, text) in xtask_inputs::read_overlays(&root())? {
        let mut trial = with.clone();
        match trial.apply_overlay(&text, &path) {
            Ok(()) => {
                with = trial;
                applied.push(path);
            }
            Err(e) => applied.push(format!("{path} (not applied: {})", e.message)),
        }
    }
    if applied.is_empty() {
        return Ok(None);
    }
    let report = codegen::diff::diff_models(&base, &with).map_err(|e| e.to_string())?;
    Ok(Some((applied, report.with_labels("without overlays", "with overlays"))))
}

/// The Markdown of [`overlay_report`]: a section of its own after the report.
fn overlay_markdown(applied: &[String], report: &codegen::diff::Report) -> String {
    let mut out = String::from("\n## Overlays\n\nWhat the repository's overlays add to the new model when it is generated:\n\n");
    for p in applied {
        out.push_str(&format!("- `{p}`\n"));
    }
    out.push('\n');
    out.push_str(&report.render(codegen::diff::Format::Markdown));
    out
}

/// When the model differs from the one `generated/` was made from (its `MODEL` file), prints the
/// semantic diff between the two if the previous model file can be found (in `model/` or
/// `$SFN_MODELS_DIR`), so the reviewer sees what changed in the API.
fn report_model_change(root: &Path, pin: &Pin, model: &Model) {
    let record = std::fs::read_to_string(root.join("generated/MODEL")).unwrap_or_default();
    let Some(previous) = record.lines().find_map(|l| l.strip_prefix("sha256 = ")).map(str::trim)
    else {
        return;
    };
    if previous == pin.sha256 {
        return;
    }
    let mut dirs = vec![root.join("model")];
    if let Some(d) = std::env::var_os("SFN_MODELS_DIR") {
        dirs.push(PathBuf::from(d));
    }
    let found = dirs
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| std::fs::read(p).is_ok_and(|b| inputs::sha256_hex(&b) == previous));
    match found {
        Some(old_path) => match Model::from_path(&old_path).map_err(|e| e.to_string()).and_then(|old| {
            codegen::diff::diff_models(&old, model).map_err(|e| e.to_string())
        }) {
            Ok(report) => println!("The model changed since generated/ was made:\n\n{}", report.render(codegen::diff::Format::Markdown)),
            Err(e) => eprintln!("warning: cannot diff against the previous model {}: {e}", old_path.display()),
        },
        None => println!(
            "note: the model changed since generated/ was made (sha256 {previous} -> {}); put the previous model file in model/ \
             or $SFN_MODELS_DIR to see the API changes, or run `cargo xtask diff OLD NEW`",
            pin.sha256
        ),
    }
}

/// Runs each protocol test crate's `tests/protocol_tests.rs` and prints the pass table.
fn protocol_report_cmd(args: &[String]) -> Result<ExitCode, String> {
    use xtask_inputs::test_crates::{ModelInput, PROTOCOL_TESTS_PIN, TEST_CRATES};
    let (opts, rest) = parse_options(args, &["protocol-tests"], &[])?;
    if !rest.is_empty() {
        return Err(format!("unexpected argument `{}`", rest[0]));
    }
    let root = root();
    let pins = Pins::load(&root)?;
    let pin = pins.get(PROTOCOL_TESTS_PIN)?;
    let path = pin.locate(&root, opts.get("protocol-tests").map(PathBuf::from))?;
    let text = String::from_utf8(pin.read_verified(&path)?)
        .map_err(|_| format!("{}: not UTF-8", path.display()))?;
    let model = Model::from_json(&text, &path.display().to_string()).map_err(|e| e.to_string())?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut rows = Vec::new();
    let mut all_pass = true;
    for t in TEST_CRATES.iter().filter(|t| t.model == ModelInput::Pinned(PROTOCOL_TESTS_PIN)) {
        let service = codegen::model::ShapeId::new(t.service);
        let (protocol, count) =
            generate::protocol_case_count(&model, &service).map_err(|e| e.to_string())?;
        let output = std::process::Command::new(&cargo)
            .current_dir(&root)
            .args(["test", "--quiet", "-p", t.package_name, "--test", "protocol_tests"])
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let (passed, failed, ignored) = parse_test_result(&stdout).ok_or_else(|| {
            format!(
                "no test result from `cargo test -p {}`:\n{}",
                t.package_name,
                String::from_utf8_lossy(&output.stderr)
            )
        })?;
        if passed + failed + ignored != count.total || ignored != count.exceptions {
            return Err(format!(
                "{}: ran {} tests ({ignored} ignored) but the model has {} client cases ({} exceptions): regenerate with `cargo xtask codegen`",
                t.service,
                passed + failed + ignored,
                count.total,
                count.exceptions
            ));
        }
        all_pass &= failed == 0;
        let protocol = protocol.rsplit('#').next().unwrap_or(protocol);
        rows.push(format!(
            "| `{}` | {protocol} | {passed} | {} | {} |",
            t.service, count.total, count.exceptions
        ));
    }
    println!("| service | protocol | passed | client cases | exceptions |");
    println!("|---|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
    Ok(if all_pass { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Sums `test result: ... N passed; M failed; K ignored` lines of `cargo test` output.
fn parse_test_result(stdout: &str) -> Option<(usize, usize, usize)> {
    let mut found = None;
    for line in stdout.lines().filter(|l| l.starts_with("test result:")) {
        let num = |what: &str| -> Option<usize> {
            let end = line.find(&format!(" {what}"))?;
            line[..end].rsplit(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
        };
        let (p, f, i) = found.unwrap_or((0, 0, 0));
        found = Some((p + num("passed")?, f + num("failed")?, i + num("ignored")?));
    }
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn test_results_are_parsed() {
        let out = "running 3 tests\n...\ntest result: ok. 2 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s\n";
        assert_eq!(super::parse_test_result(out), Some((2, 0, 1)));
        assert_eq!(super::parse_test_result("nothing"), None);
    }
}
