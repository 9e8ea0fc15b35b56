//! The benchmark driver behind `tests/bench/run.sh`: measures the generated `sfn-client` (../ours)
//! and `aws-sdk-sfn` (../official) side by side on this machine and writes ../RESULTS.md and the
//! comparison section of the repository's README.md from it. What each figure means and how it
//! is computed: ../README.md.
//!
//! ```text
//! tests/bench/run.sh [--quick] [--rounds N]
//! ```
//!
//! `--quick` (for development): fewer rounds and calls, no timed clean builds, and the table is
//! printed and written to target/RESULTS-quick.md only, never to RESULTS.md or README.md.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::Instant;

const README_BEGIN: &str =
    "<!-- bench-results:begin (written by tests/bench/run.sh from tests/bench/RESULTS.md) -->";
const README_END: &str = "<!-- bench-results:end -->";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: error: {e}");
            ExitCode::FAILURE
        }
    }
}

struct Settings {
    quick: bool,
    rounds: usize,
    /// Calls per measurement of StartExecution / DescribeExecution.
    small_calls: usize,
    /// Calls per measurement of the list operations (each size).
    big_calls: usize,
    codegen_runs: usize,
}

fn parse_args(args: &[String]) -> Result<Settings, String> {
    let mut s =
        Settings { quick: false, rounds: 0, small_calls: 5_000, big_calls: 200, codegen_runs: 20 };
    let mut rounds = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => s.quick = true,
            "--rounds" => {
                let v = it.next().ok_or("--rounds needs a value")?;
                rounds = Some(
                    v.parse()
                        .ok()
                        .filter(|&n: &usize| n > 0)
                        .ok_or_else(|| format!("--rounds {v}: not a positive number"))?,
                );
            }
            "-h" | "--help" => {
                return Err("usage: tests/bench/run.sh [--quick] [--rounds N]".into())
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}` (usage: tests/bench/run.sh [--quick] [--rounds N])"
                ))
            }
        }
    }
    if s.quick {
        (s.rounds, s.small_calls, s.big_calls, s.codegen_runs) = (3, 1_000, 40, 5);
    } else {
        s.rounds = 7;
    }
    if let Some(r) = rounds {
        s.rounds = r;
    }
    Ok(s)
}

/// The operations measured: (name in the table, `--op` of the programs, `--elements`).
const SMALL: [(&str, &str, usize); 4] = [
    ("StartExecution", "start", 1),
    ("StartExecution", "start", 64),
    ("DescribeExecution", "describe", 1),
    ("DescribeExecution", "describe", 64),
];
/// (table name, `--op`, element name): each measured with 1,000 and with 1 element.
const BIG: [(&str, &str, &str); 2] =
    [("GetExecutionHistory", "history", "event"), ("ListExecutions", "list", "item")];
const BIG_N: usize = 1_000;

/// One measurement of one client: what the program printed.
#[derive(Clone, Debug)]
struct Sample {
    calls: u64,
    elements: u64,
    checksum: u64,
    cpu_us: f64,
    calls_per_sec: f64,
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let settings = parse_args(&args)?;
    let command_line = std::iter::once("tests/bench/run.sh".to_string())
        .chain(args.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    let here =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/bench").to_path_buf();
    let root = here.parent().and_then(Path::parent).expect("the repository").to_path_buf();
    let work = std::env::var_os("BENCH_DIR").map_or_else(|| here.join("target"), PathBuf::from);
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;

    let started_at = capture(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]))?;
    let load_start = load_average()?;
    let cores = capture(&mut Command::new("nproc"))?;
    let rustc = capture(Command::new("rustc").arg("--version").current_dir(here.join("ours")))?;
    let commit = capture(
        Command::new("git").args(["-C"]).arg(&root).args(["describe", "--always", "--dirty"]),
    )?;
    eprintln!("bench: {started_at}, {cores} cores, load {load_start}, {rustc}, commit {commit}");

    // The table's sections, in the order of issue 11's targets: per element, per call, builds.
    let (mut per_element_rows, mut per_call_rows, mut rows, mut codegen_rows) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // c. Dependencies, builds, size.
    for p in ["ours", "official"] {
        step(
            &format!("cargo fetch ({p})"),
            Command::new("cargo").args(["fetch", "-q"]).current_dir(here.join(p)),
        )?;
    }
    let deps = [dependency_count(&here.join("ours"))?, dependency_count(&here.join("official"))?];
    rows.push(Row::compared(
        "crates in the minimal program's dependency tree",
        deps[0] as f64,
        deps[1] as f64,
        0,
        Some(0.45),
    ));
    if settings.quick {
        eprintln!("bench: --quick: no timed clean builds");
    } else {
        let mut clean = [(0.0, 0.0); 2];
        let mut rebuild = [(0.0, 0.0); 2];
        for (i, (p, krate)) in
            [("ours", "sfn-client"), ("official", "aws-sdk-sfn")].into_iter().enumerate()
        {
            let target = work.join(format!("debug-{p}"));
            let _ = std::fs::remove_dir_all(&target);
            clean[i] = timed(
                &format!("clean debug build ({p})"),
                cargo_in(&here.join(p), &target).arg("build"),
            )?;
            step(
                &format!("cargo clean -p {krate}"),
                cargo_in(&here.join(p), &target).args(["clean", "-q", "-p", krate]),
            )?;
            rebuild[i] = timed(
                &format!("debug rebuild of {krate} ({p})"),
                cargo_in(&here.join(p), &target).arg("build"),
            )?;
        }
        rows.push(Row::compared(
            "clean debug build of the minimal program, wall (s)",
            clean[0].0,
            clean[1].0,
            1,
            Some(0.35),
        ));
        rows.push(Row::compared(
            "clean debug build of the minimal program, CPU of cargo and rustc (s)",
            clean[0].1,
            clean[1].1,
            1,
            Some(0.35),
        ));
        rows.push(Row::compared(
            "debug rebuild of the SFN crate and the program, wall (s)",
            rebuild[0].0,
            rebuild[1].0,
            1,
            None,
        ));
        rows.push(Row::compared(
            "debug rebuild of the SFN crate and the program, CPU (s)",
            rebuild[0].1,
            rebuild[1].1,
            1,
            None,
        ));
    }
    let mut binaries = Vec::new();
    for p in ["ours", "official"] {
        let target = work.join(format!("release-{p}"));
        step(
            &format!("release build ({p})"),
            cargo_in(&here.join(p), &target).args(["build", "--release"]),
        )?;
        binaries.push(target.join("release").join(format!("sfn-bench-{p}")));
    }
    let size = |p: &Path| {
        std::fs::metadata(p)
            .map(|m| m.len() as f64 / 1e6)
            .map_err(|e| format!("{}: {e}", p.display()))
    };
    rows.push(Row::compared(
        "stripped release binary (MB)",
        size(&binaries[0])?,
        size(&binaries[1])?,
        2,
        Some(0.30),
    ));

    // a, b. Client CPU against the canned server, interleaved: ours, theirs, ours, theirs…
    let server_path =
        std::env::current_exe().map_err(|e| e.to_string())?.with_file_name("bench-server");
    let mut server = Server::start(&server_path)?;
    let mut small: BTreeMap<usize, [Vec<Sample>; 2]> = BTreeMap::new();
    let mut big: BTreeMap<(usize, usize), [Vec<Sample>; 2]> = BTreeMap::new();
    for round in 1..=settings.rounds {
        eprintln!("bench: round {round}/{}", settings.rounds);
        for (i, &(name, op, concurrency)) in SMALL.iter().enumerate() {
            let pair = measure_pair(
                &binaries,
                &server.endpoint,
                op,
                1,
                settings.small_calls,
                concurrency,
                name,
            )?;
            push_pair(small.entry(i).or_default(), pair);
        }
        for (i, &(name, op, _)) in BIG.iter().enumerate() {
            for n in [BIG_N, 1] {
                let pair =
                    measure_pair(&binaries, &server.endpoint, op, n, settings.big_calls, 1, name)?;
                push_pair(big.entry((i, n)).or_default(), pair);
            }
        }
    }
    server.stop();
    for (i, &(name, _, _)) in BIG.iter().enumerate() {
        let (_, _, element) = BIG[i];
        let per_element = |c: usize| -> Vec<f64> {
            big[&(i, BIG_N)][c]
                .iter()
                .zip(&big[&(i, 1)][c])
                .map(|(full, one)| {
                    (full.cpu_us - one.cpu_us) / (BIG_N - 1) as f64 / full.calls as f64
                })
                .collect()
        };
        let kb = match i {
            0 => sfn_bench_harness::execution_history(BIG_N).len(),
            _ => sfn_bench_harness::list_executions(BIG_N).len(),
        } as f64
            / 1000.0;
        per_element_rows.push(Row::compared(
            &format!("{name}, 1,000 {element}s ({kb:.0} KB): client CPU per {element} (µs)"),
            median(per_element(0)),
            median(per_element(1)),
            3,
            Some(0.30),
        ));
    }
    for (i, &(name, _, concurrency)) in SMALL.iter().enumerate() {
        let tasks =
            if concurrency == 1 { "1 task".to_string() } else { format!("{concurrency} tasks") };
        let cpu =
            |c: usize| median(small[&i][c].iter().map(|s| s.cpu_us / s.calls as f64).collect());
        let rate = |c: usize| median(small[&i][c].iter().map(|s| s.calls_per_sec).collect());
        per_call_rows.push(Row::compared(
            &format!("{name}, {tasks}: client CPU per call (µs)"),
            cpu(0),
            cpu(1),
            1,
            Some(0.30),
        ));
        per_call_rows.push(Row::compared(
            &format!("{name}, {tasks}: calls/s"),
            rate(0),
            rate(1),
            0,
            None,
        ));
    }

    // d. Codegen (ours only).
    let out = capture(
        Command::new("cargo")
            .args(["xtask", "bench-codegen", "--runs"])
            .arg(settings.codegen_runs.to_string())
            .current_dir(&root),
    )?;
    let figure = |key: &str| -> Result<f64, String> {
        out.split_once(key)
            .and_then(|(_, rest)| rest.split_whitespace().next()?.parse().ok())
            .filter(|x: &f64| x.is_finite())
            .ok_or_else(|| format!("`cargo xtask bench-codegen` printed no `{key}`: {out}"))
    };
    codegen_rows.push(Row::ours_only(
        &format!(
            "`cargo xtask bench-codegen`: generating the SFN crate, wall (ms, median of {})",
            settings.codegen_runs
        ),
        figure("wall median")?,
    ));
    codegen_rows.push(Row::ours_only(
        &format!(
            "`cargo xtask bench-codegen`: generating the SFN crate, CPU (ms, median of {})",
            settings.codegen_runs
        ),
        figure("CPU median")?,
    ));

    let load_end = load_average()?;
    let mut body = String::new();
    writeln!(
        body,
        "Measured {started_at} on {cores} cores (load average {load_start} at the start, {load_end} at the end), \
         {rustc}, commit `{commit}`, with `{command_line}`: {} rounds, ours then aws-sdk-sfn in each, medians; \
         {} calls per small-call measurement, {} per list measurement (each size). \
         What the figures mean: [tests/bench/README.md](/tests/bench/README.md).",
        settings.rounds, settings.small_calls, settings.big_calls
    )
    .unwrap();
    body.push('\n');
    body.push_str("| figure | ours | aws-sdk-sfn | ratio (ours/theirs) | target | met? |\n|---|---:|---:|---:|---:|:---:|\n");
    for r in per_element_rows.iter().chain(&per_call_rows).chain(&rows).chain(&codegen_rows) {
        body.push_str(&r.markdown());
    }
    let results = format!("# sfn-client (generated) vs aws-sdk-sfn 1.125.0\n\n<!-- Written by tests/bench/run.sh; do not edit by hand. -->\n\n{body}");
    print!("{results}");
    if settings.quick {
        let path = work.join("RESULTS-quick.md");
        std::fs::write(&path, &results).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("bench: --quick: written to {} only", path.display());
        return Ok(());
    }
    let path = here.join("RESULTS.md");
    std::fs::write(&path, &results).map_err(|e| format!("{}: {e}", path.display()))?;
    copy_into_readme(&path, &root.join("README.md"))?;
    eprintln!("bench: written {} and the comparison section of README.md", path.display());
    Ok(())
}

/// Copies the body of RESULTS.md (all after its title and comment) between README.md's markers.
fn copy_into_readme(results: &Path, readme: &Path) -> Result<(), String> {
    let results =
        std::fs::read_to_string(results).map_err(|e| format!("{}: {e}", results.display()))?;
    let body = results
        .split_once("-->\n\n")
        .map(|(_, b)| b)
        .ok_or("RESULTS.md: no body after the comment")?;
    let text = std::fs::read_to_string(readme).map_err(|e| format!("{}: {e}", readme.display()))?;
    let (before, rest) = text
        .split_once(README_BEGIN)
        .ok_or_else(|| format!("{}: no `{README_BEGIN}` line", readme.display()))?;
    let (_, after) = rest
        .split_once(README_END)
        .ok_or_else(|| format!("{}: no `{README_END}` line", readme.display()))?;
    let text = format!("{before}{README_BEGIN}\n{body}{README_END}{after}");
    std::fs::write(readme, text).map_err(|e| format!("{}: {e}", readme.display()))
}

struct Row {
    figure: String,
    ours: String,
    theirs: String,
    ratio: String,
    target: String,
    met: String,
}

impl Row {
    fn compared(figure: &str, ours: f64, theirs: f64, decimals: usize, target: Option<f64>) -> Row {
        let ratio = ours / theirs;
        Row {
            figure: figure.to_string(),
            ours: number(ours, decimals),
            theirs: number(theirs, decimals),
            ratio: ratio_text(ratio, target),
            target: target.map_or("—".into(), |t| format!("≤ {t:.2}")),
            met: target.map_or("—".into(), |t| {
                if ratio <= t {
                    "yes".into()
                } else {
                    "**no**".into()
                }
            }),
        }
    }

    fn ours_only(figure: &str, ours: f64) -> Row {
        Row {
            figure: figure.to_string(),
            ours: number(ours, 1),
            theirs: "—".into(),
            ratio: "—".into(),
            target: "—".into(),
            met: "—".into(),
        }
    }

    fn markdown(&self) -> String {
        format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            self.figure, self.ours, self.theirs, self.ratio, self.target, self.met
        )
    }
}

/// The ratio with 2 decimals, or 3 when 2 would show a missed target as equal to it.
fn ratio_text(ratio: f64, target: Option<f64>) -> String {
    let two = format!("{ratio:.2}");
    match target {
        Some(t) if two == format!("{t:.2}") && ratio != t => format!("{ratio:.3}"),
        _ => two,
    }
}

/// `x` with `decimals` decimals and thousands separated by commas.
fn number(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn push_pair(into: &mut [Vec<Sample>; 2], pair: [Sample; 2]) {
    let [a, b] = pair;
    into[0].push(a);
    into[1].push(b);
}

/// Ours, then theirs, with the same arguments; fails unless both decoded the expected number of
/// elements and the same checksum of what they decoded.
fn measure_pair(
    binaries: &[PathBuf],
    endpoint: &str,
    op: &str,
    elements: usize,
    calls: usize,
    concurrency: usize,
    name: &str,
) -> Result<[Sample; 2], String> {
    let ours = measure(&binaries[0], endpoint, op, elements, calls, concurrency)?;
    let theirs = measure(&binaries[1], endpoint, op, elements, calls, concurrency)?;
    let what = format!("{name} ({elements} elements, {concurrency} tasks)");
    for (who, s) in [("ours", &ours), ("aws-sdk-sfn", &theirs)] {
        if s.elements != s.calls * elements as u64 {
            return Err(format!(
                "{what}: {who} decoded {} elements in {} calls, expected {elements} per call",
                s.elements, s.calls
            ));
        }
    }
    if ours.calls != theirs.calls || ours.checksum != theirs.checksum {
        return Err(format!(
            "{what}: the clients decoded different output: ours {} calls, checksum {}; aws-sdk-sfn {} calls, checksum {}",
            ours.calls, ours.checksum, theirs.calls, theirs.checksum
        ));
    }
    Ok([ours, theirs])
}

fn measure(
    binary: &Path,
    endpoint: &str,
    op: &str,
    elements: usize,
    calls: usize,
    concurrency: usize,
) -> Result<Sample, String> {
    let warmup = (calls / 10).max(concurrency).max(20);
    let out = capture(Command::new(binary).args([
        "--endpoint",
        endpoint,
        "--op",
        op,
        "--elements",
        &elements.to_string(),
        "--calls",
        &calls.to_string(),
        "--concurrency",
        &concurrency.to_string(),
        "--warmup",
        &warmup.to_string(),
    ]))?;
    let fields: BTreeMap<&str, &str> =
        out.split_whitespace().filter_map(|kv| kv.split_once('=')).collect();
    let get = |k: &str| -> Result<f64, String> {
        fields
            .get(k)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{}: no `{k}=` in its output `{out}`", binary.display()))
    };
    Ok(Sample {
        calls: get("calls")? as u64,
        elements: get("elements")? as u64,
        checksum: fields
            .get("checksum")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{}: no checksum in `{out}`", binary.display()))?,
        cpu_us: get("cpu_us")?,
        calls_per_sec: get("calls_per_sec")?,
    })
}

/// The canned server, started for the measurements.
struct Server {
    child: Child,
    endpoint: String,
}

impl Server {
    fn start(path: &Path) -> Result<Server, String> {
        let mut child = Command::new(path).stdout(Stdio::piped()).spawn().map_err(|e| {
            format!(
                "cannot start {}: {e} (run tests/bench/run.sh, which builds it)",
                path.display()
            )
        })?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let endpoint = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("bench-server said `{line}`"))?
            .to_string();
        Ok(Server { child, endpoint })
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `cargo` run in the program's directory `dir` with its target directory `target`.
fn cargo_in(dir: &Path, target: &Path) -> Command {
    let mut c = Command::new("cargo");
    c.current_dir(dir).env("CARGO_TARGET_DIR", target);
    c
}

/// Runs `cmd` (its output into target/last-build.log), failing with its name.
fn step(what: &str, cmd: &mut Command) -> Result<(), String> {
    eprintln!("bench: {what}");
    let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// Runs `cmd` and returns its wall time and the CPU time (user + system) of it and every
/// process it waited for (cargo: rustc, build scripts), in seconds.
fn timed(what: &str, cmd: &mut Command) -> Result<(f64, f64), String> {
    let cpu = children_cpu_secs()?;
    let started = Instant::now();
    step(what, cmd)?;
    let secs = started.elapsed().as_secs_f64();
    let cpu = children_cpu_secs()? - cpu;
    eprintln!("bench: {what}: {secs:.1} s, CPU {cpu:.1} s");
    Ok((secs, cpu))
}

/// getrusage(RUSAGE_CHILDREN): user + system time of the waited-for descendants, in seconds.
fn children_cpu_secs() -> Result<f64, String> {
    #[repr(C)]
    struct Timeval {
        sec: i64,
        usec: i64,
    }
    /// `struct rusage` of 64-bit Linux: two timevals, then 14 longs.
    #[repr(C)]
    struct Rusage {
        utime: Timeval,
        stime: Timeval,
        rest: [i64; 14],
    }
    extern "C" {
        fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    }
    const RUSAGE_CHILDREN: i32 = -1;
    let mut u = Rusage {
        utime: Timeval { sec: 0, usec: 0 },
        stime: Timeval { sec: 0, usec: 0 },
        rest: [0; 14],
    };
    // SAFETY: `u` is a valid, writable `struct rusage`; getrusage only writes into it.
    if unsafe { getrusage(RUSAGE_CHILDREN, &mut u) } != 0 {
        return Err(format!("getrusage: {}", std::io::Error::last_os_error()));
    }
    let secs = |t: &Timeval| t.sec as f64 + t.usec as f64 / 1e6;
    Ok(secs(&u.utime) + secs(&u.stime))
}

/// Runs `cmd` and returns its standard output, trimmed.
fn capture(cmd: &mut Command) -> Result<String, String> {
    let what = format!("{:?}", cmd.get_program());
    let out = cmd.stderr(Stdio::inherit()).output().map_err(|e| format!("{what}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed ({})\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The three load averages of /proc/loadavg.
fn load_average() -> Result<String, String> {
    let text =
        std::fs::read_to_string("/proc/loadavg").map_err(|e| format!("/proc/loadavg: {e}"))?;
    Ok(text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

/// Distinct crates (name and version) in the normal and build dependency tree of the program.
fn dependency_count(dir: &Path) -> Result<usize, String> {
    let tree = capture(
        Command::new("cargo")
            .args(["tree", "-q", "-e", "normal,build", "--prefix", "none"])
            .current_dir(dir),
    )?;
    let crates: std::collections::BTreeSet<String> = tree
        .lines()
        .map(|l| l.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    Ok(crates.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(number(27554.4, 0), "27,554");
        assert_eq!(number(1234567.891, 2), "1,234,567.89");
        assert_eq!(number(999.0, 1), "999.0");
        assert_eq!(number(0.0123, 3), "0.012");
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn rows_say_whether_the_target_is_met() {
        let met = Row::compared("x", 3.0, 10.0, 1, Some(0.30));
        assert_eq!((met.ratio.as_str(), met.met.as_str()), ("0.30", "yes"));
        let missed = Row::compared("x", 3.1, 10.0, 1, Some(0.30));
        assert_eq!((missed.ratio.as_str(), missed.met.as_str()), ("0.31", "**no**"));
        let barely = Row::compared("x", 43.2, 143.6, 1, Some(0.30));
        assert_eq!((barely.ratio.as_str(), barely.met.as_str()), ("0.301", "**no**"));
        let under = Row::compared("x", 29.96, 100.0, 1, Some(0.30));
        assert_eq!((under.ratio.as_str(), under.met.as_str()), ("0.300", "yes"));
        assert_eq!(Row::compared("x", 1.0, 2.0, 0, None).met, "—");
    }

    /// A stand-in for a client program: a script printing `line`.
    fn fake_client(dir: &Path, name: &str, line: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\necho '{line}'\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn a_pair_must_decode_the_same_elements() {
        let dir = std::env::temp_dir().join(format!("sfn-bench-pair-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let line = |elements: u64, checksum: u64| {
            format!("op=list calls=10 concurrency=1 elements={elements} checksum={checksum} secs=0.5 cpu_us=1234 calls_per_sec=20.0")
        };
        let good = fake_client(&dir, "good", &line(10_000, 77));
        let same = fake_client(&dir, "same", &line(10_000, 77));
        let other = fake_client(&dir, "other", &line(10_000, 78));
        let short = fake_client(&dir, "short", &line(9_990, 77));
        let pair =
            measure_pair(&[good.clone(), same], "http://x", "list", 1000, 10, 1, "ListExecutions")
                .unwrap();
        assert_eq!(
            (pair[0].cpu_us, pair[1].calls_per_sec, pair[1].elements),
            (1234.0, 20.0, 10_000)
        );
        let e =
            measure_pair(&[good.clone(), other], "http://x", "list", 1000, 10, 1, "ListExecutions")
                .unwrap_err();
        assert!(e.contains("decoded different output"), "{e}");
        let e = measure_pair(&[good, short], "http://x", "list", 1000, 10, 1, "ListExecutions")
            .unwrap_err();
        assert!(
            e.contains("aws-sdk-sfn decoded 9990 elements in 10 calls, expected 1000 per call"),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_readme_section_is_replaced_between_the_markers_only() {
        let dir = std::env::temp_dir().join(format!("sfn-bench-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (results, readme) = (dir.join("RESULTS.md"), dir.join("README.md"));
        std::fs::write(&results, "# title\n\n<!-- comment -->\n\nnew line\n| table |\n").unwrap();
        std::fs::write(&readme, format!("intro\n{README_BEGIN}\nold\n{README_END}\nrest\n"))
            .unwrap();
        copy_into_readme(&results, &readme).unwrap();
        copy_into_readme(&results, &readme).unwrap();
        let text = std::fs::read_to_string(&readme).unwrap();
        assert_eq!(
            text,
            format!("intro\n{README_BEGIN}\nnew line\n| table |\n{README_END}\nrest\n")
        );
        std::fs::write(&readme, "no markers\n").unwrap();
        assert!(copy_into_readme(&results, &readme)
            .unwrap_err()
            .contains("no `<!-- bench-results:begin"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
