//! The whole pipeline for one service: model → index → IR → files, as a map from path (relative
//! to the crate directory) to contents.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::additions::Additions;
use crate::emit::crate_files::{self, CrateInfo, IndexEntry};
use crate::emit::{operation, shapes};
use crate::error::{Error, Errors};
use crate::index::ShapeIndex;
use crate::ir;
use crate::ir::endpoints::{EndpointTests, Partitions, RuleSet};
use crate::model::{Model, Shape, ShapeId};
use crate::render;

/// What to generate and from what.
#[derive(Debug, Clone)]
pub struct Options {
    /// The service to generate; `None` picks the model's only service.
    pub service: Option<ShapeId>,
    pub crate_info: CrateInfo,
    /// Where the model came from, recorded in the crate's `MODEL` file (repository, path, commit,
    /// sha256: whatever identifies it).
    pub model_source: BTreeMap<String, String>,
    /// The AWS partition table (`partitions.json`, read by [`ir::endpoints::parse_partitions`]) for
    /// endpoint rules that call `aws.partition`.
    pub partitions: Option<Partitions>,
    /// Hand-written modules the crate takes in, with their dependencies and features
    /// ([`crate::additions`]; for SFN, `codegen/services/sfn/`).
    pub additions: Option<Additions>,
}

/// The single service of a model, or the one named.
pub fn pick_service(model: &Model, wanted: Option<&ShapeId>) -> Result<ShapeId, Error> {
    if let Some(id) = wanted {
        return Ok(id.clone());
    }
    let services: Vec<&ShapeId> = model
        .shapes
        .iter()
        .filter(|(_, s)| matches!(s, Shape::Service(_)))
        .map(|(id, _)| id)
        .collect();
    match services.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Error::model("model", "the model defines no service")),
        many => Err(Error::model(
            "model",
            format!(
                "the model defines several services; name one of: {}",
                many.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// The protocol (trait id) of a service and how many protocol compliance cases apply to its
/// client (and how many of those are listed exceptions).
pub fn protocol_case_count(
    model: &Model,
    service: &ShapeId,
) -> Result<(&'static str, ir::protocol_tests::CaseCount), Errors> {
    let index = ShapeIndex::build(model, service)?;
    let service = ir::build(&index)?;
    let cases = ir::protocol_tests::lower(&index, &service).map_err(Errors)?;
    Ok((ir::protocol_tests::protocol_trait(&service), cases.count()))
}

/// The files of a crate and what the generator could not honour in the model.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Path (relative to the crate directory) → contents.
    pub files: BTreeMap<String, String>,
    /// One line per construct left out or not honoured, naming the operation (and member); the
    /// crate's documentation says the same.
    pub warnings: Vec<String>,
}

/// Generates every file of the crate.
pub fn generate(model: &Model, options: &Options) -> Result<BTreeMap<String, String>, Errors> {
    generate_with_report(model, options).map(|g| g.files)
}

/// Generates every file of the crate, with the generator's warnings.
pub fn generate_with_report(model: &Model, options: &Options) -> Result<Generated, Errors> {
    let service_id = pick_service(model, options.service.as_ref())?;
    let index = ShapeIndex::build(model, &service_id)?;
    let service = ir::build(&index)?;
    let header = render::header(service_id.as_str());
    let allow_deprecated = crate_files::uses_deprecated(&service);
    let mut files = Files {
        header: header.clone(),
        allow_deprecated,
        out: BTreeMap::new(),
        errors: Vec::new(),
        jobs: Vec::new(),
    };

    let mut lib = crate_files::lib_rs(&service, &options.crate_info);
    if let Some(additions) = &options.additions {
        // Hand-written modules: declared in lib.rs, copied as written.
        files.errors.extend(additions.validate());
        lib.extend(additions.lib_items());
        files.out.extend(additions.files());
    }
    files.rust("src/lib.rs", lib);
    files.rust("src/primitives.rs", crate_files::primitives_rs());
    files.rust("src/config.rs", crate_files::config_rs());
    files.rust("src/client.rs", crate_files::client_rs(&service));
    files.rust("src/error.rs", crate_files::error_rs(&service));

    // types/: one file per shape, so that a change to a shape stays in its file.
    let mut entries = Vec::new();
    for s in &service.structures {
        files.job(format!("src/types/{}.rs", file_stem(&s.module)), move || shapes::structure(s));
        entries.push(IndexEntry {
            module: s.module.clone(),
            item: s.rust_name.clone(),
            builder: true,
        });
    }
    for u in &service.unions {
        files.job(format!("src/types/{}.rs", file_stem(&u.module)), move || shapes::union(u));
        entries.push(IndexEntry {
            module: u.module.clone(),
            item: u.rust_name.clone(),
            builder: false,
        });
    }
    for e in &service.enums {
        files.job(format!("src/types/{}.rs", file_stem(&e.module)), move || shapes::enumeration(e));
        entries.push(IndexEntry {
            module: e.module.clone(),
            item: e.rust_name.clone(),
            builder: false,
        });
    }
    for e in &service.int_enums {
        files.job(format!("src/types/{}.rs", file_stem(&e.module)), move || shapes::int_enum(e));
        entries.push(IndexEntry {
            module: e.module.clone(),
            item: e.rust_name.clone(),
            builder: false,
        });
    }
    entries.sort_by(|a, b| a.module.cmp(&b.module));
    let error_entries: Vec<IndexEntry> = service
        .errors
        .iter()
        .map(|s| IndexEntry { module: s.module.clone(), item: s.rust_name.clone(), builder: true })
        .collect();
    for s in &service.errors {
        files.job(format!("src/types/error/{}.rs", file_stem(&s.module)), move || {
            shapes::structure(s)
        });
    }
    files.rust(
        "src/types.rs",
        crate_files::module_index(
            "The shapes of the service: structures, unions and enums.",
            &entries,
            quote!(
                pub mod error;
            ),
        ),
    );
    files.rust(
        "src/types/error.rs",
        crate_files::module_index("The modeled errors of the service.", &error_entries, quote!()),
    );

    // operation/: one module per operation.
    let mut op_mods = Vec::new();
    for op in &service.operations {
        let service = &service;
        files.job(format!("src/operation/{}.rs", file_stem(&op.fn_name)), move || {
            operation::operation(op, service)
        });
        op_mods.push(crate::emit::ident(&op.fn_name));
    }
    files.rust("src/operation.rs", crate_files::operation_rs(&op_mods));
    if crate::emit::waiters::has_waiters(&service) {
        files.rust("src/waiters.rs", crate::emit::waiters::waiters_rs(&service));
    }

    let crate_ident = options.crate_info.package_name.replace('-', "_");
    // Test cases: lowered (checked, every problem an error), then emitted (cannot fail).
    match ir::smoke_tests::lower(&index, &service) {
        Ok(Some(smoke)) => files.rust(
            "tests/smoke_tests.rs",
            crate::emit::smoke_tests::smoke_tests(&smoke, &crate_ident),
        ),
        Ok(None) => {}
        Err(e) => files.errors.push(e),
    }
    if let Some(rules) = &service.endpoint_rule_set {
        files.endpoint_rules(
            rules,
            options.partitions.as_ref(),
            service.endpoint_tests.as_ref(),
            &crate_ident,
        );
    }

    let protocol_tests = match ir::protocol_tests::lower(&index, &service) {
        Ok(cases) => crate::emit::protocol_tests::protocol_tests(&cases, &crate_ident),
        Err(errors) => {
            files.errors.extend(errors);
            None
        }
    };
    let has_protocol_tests = protocol_tests.is_some();
    if let Some(tokens) = protocol_tests {
        files.rust("tests/protocol_tests.rs", tokens);
    }

    files.run_jobs();
    files.out.insert(
        "Cargo.toml".into(),
        crate_files::cargo_toml(
            &options.crate_info,
            &service,
            &toml_header(&header),
            has_protocol_tests,
            options.additions.as_ref(),
        ),
    );
    files.out.insert("MODEL".into(), model_record(&service_id, &options.model_source));
    if files.errors.is_empty() {
        let warnings = service.unsupported.iter().map(|u| u.describe().replace('`', "")).collect();
        Ok(Generated { files: files.out, warnings })
    } else {
        Err(Errors(files.errors))
    }
}

/// `r#type` → `type` for file names.
fn file_stem(module: &str) -> &str {
    crate::naming::unraw(module)
}

fn toml_header(rust_header: &str) -> String {
    rust_header
        .lines()
        .map(|l| format!("#{}", l.trim_start_matches('/')))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `MODEL` file: which model the crate was generated from.
fn model_record(service: &ShapeId, source: &BTreeMap<String, String>) -> String {
    let mut out = format!("# The Smithy model this crate was generated from (written by `cargo xtask codegen`).\nservice = {service}\n");
    for (k, v) in source {
        out.push_str(&format!("{k} = {v}\n"));
    }
    out
}

/// Emits a file's tokens. Run on a worker thread: token streams cannot cross threads, so each
/// job makes its own and hands back formatted text.
type Job<'a> = Box<dyn FnOnce() -> TokenStream + Send + 'a>;

struct Files<'a> {
    header: String,
    /// The model has `@deprecated` items: its test files allow their use.
    allow_deprecated: bool,
    out: BTreeMap<String, String>,
    errors: Vec<Error>,
    jobs: Vec<(String, Job<'a>)>,
}

impl<'a> Files<'a> {
    /// A file to emit and format later, in parallel with the others ([`Files::run_jobs`]).
    fn job(&mut self, path: String, emit: impl FnOnce() -> TokenStream + Send + 'a) {
        self.jobs.push((path, Box::new(emit)));
    }

    /// Emits and formats the queued files on as many threads as the machine has cores (most of
    /// the generator's time is formatting). The output does not depend on the thread count: each
    /// file is made by one job alone, and the results land in sorted maps.
    fn run_jobs(&mut self) {
        let jobs = std::mem::take(&mut self.jobs);
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8)
            .min(jobs.len().max(1));
        let mut buckets: Vec<Vec<(String, Job<'a>)>> = (0..threads).map(|_| Vec::new()).collect();
        for (i, job) in jobs.into_iter().enumerate() {
            buckets[i % threads].push(job);
        }
        let header = &self.header;
        let results: Vec<Vec<(String, Result<String, Error>)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = buckets
                .into_iter()
                .map(|bucket| {
                    scope.spawn(move || {
                        bucket
                            .into_iter()
                            .map(|(path, emit)| {
                                let text = render::rust_file(&path, emit(), header);
                                (path, text)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                .collect()
        });
        let mut results: Vec<_> = results.into_iter().flatten().collect();
        results.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, text) in results {
            match text {
                Ok(text) => {
                    self.out.insert(path, text);
                }
                Err(e) => self.errors.push(e),
            }
        }
    }

    fn rust(&mut self, path: &str, tokens: TokenStream) {
        // Tests of a model with `@deprecated` items use them (the crate's own code allows it too).
        let tokens = if path.starts_with("tests/") && self.allow_deprecated {
            quote!(#![allow(deprecated)] #tokens)
        } else {
            tokens
        };
        match render::rust_file(path, tokens, &self.header) {
            Ok(text) => {
                self.out.insert(path.to_string(), text);
            }
            Err(e) => self.errors.push(e),
        }
    }

    /// `src/endpoint_rules.rs` (the rule set and partition table as static data) and
    /// `tests/endpoint_tests.rs` (one test per case of the model's `smithy.rules#endpointTests`).
    fn endpoint_rules(
        &mut self,
        rules: &RuleSet,
        partitions: Option<&Partitions>,
        tests: Option<&EndpointTests>,
        crate_ident: &str,
    ) {
        let Some(partitions) = partitions else {
            self.errors.push(Error::input(
                "partitions.json",
                "the service has endpoint rules, which need the AWS partition table",
            ));
            return;
        };
        let tokens = crate::emit::endpoints::rules_module(rules, partitions);
        self.rust(
            "src/endpoint_rules.rs",
            quote! {
                //! The service's endpoint rule set and the AWS partition table, as static data the
                //! runtime evaluates.
                #tokens
            },
        );
        if let Some(tests) = tests {
            let krate = crate::emit::ident(crate_ident);
            let resolver = quote!(&#krate::endpoint_rules::RULES);
            let tokens = crate::emit::endpoints::endpoint_tests(
                tests,
                &resolver,
                &quote!(#krate::operation),
            );
            self.rust(
                "tests/endpoint_tests.rs",
                quote! {
                    //! The model's endpoint test cases (`smithy.rules#endpointTests`), one test each.
                    #tokens
                },
            );
        }
    }
}
