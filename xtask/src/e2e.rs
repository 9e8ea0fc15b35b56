//! `cargo xtask aws-e2e-clients`: generates the clients the end-to-end tests of other AWS services
//! use (`tests/aws-e2e/`) from models of `../shared/models/aws/` (or `$AWS_MODELS_DIR`), verified
//! by sha256. The crates are written under `tests/aws-e2e/gen/`, git-ignored: models are
//! third-party data and the crates generated from them are never committed.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use crate::{any_model, parse_options, root, write_target, Target};
use xtask_inputs::pins::Pins;

/// One generated client: its model file in the models folder, the model's sha256 (as the
/// folder's `INDEX.md` lists it) and the crate's directory and package name.
struct E2eClient {
    file: &'static str,
    sha256: &'static str,
    dir: &'static str,
    package: &'static str,
}

const CLIENTS: &[E2eClient] = &[
    E2eClient {
        file: "sqs-2012-11-05.json",
        sha256: "0876ed7d69e2f886a55103bcab5dec93426a5941d21f9f0287eda85c8081d0f7",
        dir: "sqs",
        package: "sqs-client",
    },
    E2eClient {
        file: "dynamodb-2012-08-10.json",
        sha256: "ff371fe960cab7ca56bd9134d0a773787cf999096a3820811c3f71b1e712df21",
        dir: "dynamodb",
        package: "dynamodb-client",
    },
    E2eClient {
        file: "kms-2014-11-01.json",
        sha256: "85e0a577d74b5c80290218b9787c0987db1056acc2c8f1958eeca5e74980117b",
        dir: "kms",
        package: "kms-client",
    },
];

/// The crates' directory, relative to the repository root.
const OUT: &str = "tests/aws-e2e/gen";

pub fn aws_e2e_clients_cmd(args: &[String]) -> Result<ExitCode, String> {
    let (opts, rest) = parse_options(args, &["models", "partitions"], &[])?;
    if !rest.is_empty() {
        return Err(format!("unexpected argument `{}`", rest[0]));
    }
    let root = root();
    let models = match opts.get("models").cloned().or_else(|| std::env::var("AWS_MODELS_DIR").ok())
    {
        Some(dir) => PathBuf::from(dir),
        None => root.join("../shared/models/aws"),
    };
    let pins = Pins::load(&root)?;
    let partitions_path =
        pins.partitions.locate(&root, opts.get("partitions").map(PathBuf::from))?;
    let partitions = codegen::ir::endpoints::parse_partitions(
        &pins.partitions.read_verified(&partitions_path)?,
        &partitions_path.display().to_string(),
    )
    .map_err(|e| e.to_string())?;

    let started = Instant::now();
    let mut written = 0;
    for c in CLIENTS {
        let path = models.join(c.file);
        if !path.is_file() {
            return Err(format!(
                "{} not found (the AWS models folder: --models DIR or $AWS_MODELS_DIR)",
                path.display()
            ));
        }
        let generated = any_model::generate_model(
            &path,
            Some(c.sha256),
            Some(c.package),
            None,
            // From tests/aws-e2e/gen/<dir>.
            "../../../../codegen/runtime",
            &partitions,
        )
        .map_err(|e| format!("cannot generate {} from {}:\n{e}", c.package, path.display()))?;
        let dir = root.join(OUT).join(c.dir);
        written += write_target(&Target { dir, files: generated.files })?;
    }
    println!(
        "generated {} clients into {OUT} ({written} files changed) in {:.1} s",
        CLIENTS.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
