//! The whole pipeline for one service: model → index → IR → files, as a map from path (relative
//! to the crate directory) to contents.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::emit::crate_files::{self, CrateInfo, IndexEntry};
use crate::emit::{operation, shapes};
use crate::error::{Error, Errors};
use crate::index::ShapeIndex;
use crate::ir;
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
    /// The AWS partition table (`partitions.json`) for endpoint rules that call `aws.partition`.
    pub partitions: Option<Value>,
}

/// The single service of a model, or the one named.
pub fn pick_service(model: &Model, wanted: Option<&ShapeId>) -> Result<ShapeId, Error> {
    if let Some(id) = wanted {
        return Ok(id.clone());
    }
    let services: Vec<&ShapeId> = model.shapes.iter().filter(|(_, s)| matches!(s, Shape::Service(_))).map(|(id, _)| id).collect();
    match services.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Error::model("model", "the model defines no service")),
        many => Err(Error::model(
            "model",
            format!("the model defines several services; name one of: {}", many.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")),
        )),
    }
}

/// Generates every file of the crate.
pub fn generate(model: &Model, options: &Options) -> Result<BTreeMap<String, String>, Errors> {
    let service_id = pick_service(model, options.service.as_ref())?;
    let index = ShapeIndex::build(model, &service_id)?;
    let service = ir::build(&index)?;
    let header = render::header(service_id.as_str());
    let mut files = Files { header: header.clone(), out: BTreeMap::new(), errors: Vec::new() };

    files.rust("src/lib.rs", crate_files::lib_rs(&service, &options.crate_info));
    files.rust("src/primitives.rs", crate_files::primitives_rs());
    files.rust("src/config.rs", crate_files::config_rs());
    files.rust("src/client.rs", crate_files::client_rs(&service));
    files.rust("src/error.rs", crate_files::error_rs(&service));

    // types/: one file per shape, so that a change to a shape stays in its file.
    let mut entries = Vec::new();
    for s in &service.structures {
        files.rust(&format!("src/types/{}.rs", file_stem(&s.module)), shapes::structure(s));
        entries.push(IndexEntry { module: s.module.clone(), item: s.rust_name.clone(), builder: true });
    }
    for u in &service.unions {
        files.rust(&format!("src/types/{}.rs", file_stem(&u.module)), shapes::union(u));
        entries.push(IndexEntry { module: u.module.clone(), item: u.rust_name.clone(), builder: false });
    }
    for e in &service.enums {
        files.rust(&format!("src/types/{}.rs", file_stem(&e.module)), shapes::enumeration(e));
        entries.push(IndexEntry { module: e.module.clone(), item: e.rust_name.clone(), builder: false });
    }
    for e in &service.int_enums {
        files.rust(&format!("src/types/{}.rs", file_stem(&e.module)), shapes::int_enum(e));
        entries.push(IndexEntry { module: e.module.clone(), item: e.rust_name.clone(), builder: false });
    }
    entries.sort_by(|a, b| a.module.cmp(&b.module));
    let error_entries: Vec<IndexEntry> = service
        .errors
        .iter()
        .map(|s| IndexEntry { module: s.module.clone(), item: s.rust_name.clone(), builder: true })
        .collect();
    for s in &service.errors {
        files.rust(&format!("src/types/error/{}.rs", file_stem(&s.module)), shapes::structure(s));
    }
    files.rust(
        "src/types.rs",
        crate_files::module_index("The shapes of the service: structures, unions and enums.", &entries, quote!(pub mod error;)),
    );
    files.rust(
        "src/types/error.rs",
        crate_files::module_index("The modeled errors of the service.", &error_entries, quote!()),
    );

    // operation/: one module per operation.
    let mut op_mods = Vec::new();
    for op in &service.operations {
        files.rust(&format!("src/operation/{}.rs", file_stem(&op.fn_name)), operation::operation(op, &service));
        op_mods.push(crate::emit::ident(&op.fn_name));
    }
    files.rust(
        "src/operation.rs",
        quote! {
            //! One module per operation: its input, output, error and fluent builder.
            #(pub mod #op_mods;)*
        },
    );

    let crate_ident = options.crate_info.package_name.replace('-', "_");
    match crate::emit::smoke_tests::smoke_tests(&service, &crate_ident) {
        Ok(Some(tokens)) => files.rust("tests/smoke_tests.rs", tokens),
        Ok(None) => {}
        Err(e) => files.errors.push(e),
    }
    if let Some(rules) = &service.endpoint_rule_set {
        files.endpoint_rules(rules, options.partitions.as_ref(), service.endpoint_tests.as_ref(), &crate_ident);
    }

    files.out.insert("Cargo.toml".into(), crate_files::cargo_toml(&options.crate_info, &service, &toml_header(&header)));
    files.out.insert("MODEL".into(), model_record(&service_id, &options.model_source));
    if files.errors.is_empty() {
        Ok(files.out)
    } else {
        Err(Errors(files.errors))
    }
}

/// `r#type` → `type` for file names.
fn file_stem(module: &str) -> &str {
    crate::naming::unraw(module)
}

fn toml_header(rust_header: &str) -> String {
    rust_header.lines().map(|l| format!("#{}", l.trim_start_matches('/'))).collect::<Vec<_>>().join("\n")
}

/// The `MODEL` file: which model the crate was generated from.
fn model_record(service: &ShapeId, source: &BTreeMap<String, String>) -> String {
    let mut out = format!("# The Smithy model this crate was generated from (written by `cargo xtask codegen`).\nservice = {service}\n");
    for (k, v) in source {
        out.push_str(&format!("{k} = {v}\n"));
    }
    out
}

struct Files {
    header: String,
    out: BTreeMap<String, String>,
    errors: Vec<Error>,
}

impl Files {
    fn rust(&mut self, path: &str, tokens: TokenStream) {
        match render::rust_file(path, tokens, &self.header) {
            Ok(text) => {
                self.out.insert(path.to_string(), text);
            }
            Err(e) => self.errors.push(e),
        }
    }

    /// `src/endpoint_rules.rs` (the rule set and partition table as static data) and
    /// `tests/endpoint_tests.rs` (one test per case of the model's `smithy.rules#endpointTests`).
    fn endpoint_rules(&mut self, rules: &Value, partitions: Option<&Value>, tests: Option<&Value>, crate_ident: &str) {
        let Some(partitions) = partitions else {
            self.errors.push(Error::model("partitions.json", "the service has endpoint rules, which need the AWS partition table"));
            return;
        };
        match crate::endpoints::rules_module_tokens(rules, partitions) {
            Ok(tokens) => self.rust("src/endpoint_rules.rs", quote! {
                //! The service's endpoint rule set and the AWS partition table, as static data the
                //! runtime evaluates.
                #tokens
            }),
            Err(e) => self.errors.push(e),
        }
        if let Some(tests) = tests {
            let krate = crate::emit::ident(crate_ident);
            match crate::endpoints::endpoint_tests_tokens(tests, rules, &quote!(&#krate::endpoint_rules::RULES)) {
                Ok(tokens) => self.rust("tests/endpoint_tests.rs", quote! {
                    //! The model's endpoint test cases (`smithy.rules#endpointTests`), one test each.
                    #tokens
                }),
                Err(e) => self.errors.push(e),
            }
        }
    }
}
