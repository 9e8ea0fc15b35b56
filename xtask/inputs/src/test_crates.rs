//! The crates generated from models of our own (and test models), beside the SFN crate, and
//! where they live in the repository. They go through exactly the same pipeline; `cargo xtask
//! codegen` writes and checks them like `generated/`.

use std::collections::BTreeMap;
use std::path::Path;

use codegen::ir::endpoints::Partitions;

use codegen::emit::crate_files::CrateInfo;
use codegen::generate::{generate, Options};
use codegen::model::{Model, ShapeId};

/// Where a test crate's model comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelInput {
    /// A model kept in this repository, by path relative to the repository root.
    InRepo(&'static str),
    /// A pinned third-party input, by its key in `model/pin.json` (never committed: located and
    /// verified by xtask like the SFN model).
    Pinned(&'static str),
}

/// A crate generated from a model kept in this repository or pinned in `model/pin.json`.
pub struct TestCrate {
    pub package_name: &'static str,
    pub model: ModelInput,
    pub service: &'static str,
    /// The crate directory, relative to the repository root.
    pub out_dir: &'static str,
    /// The runtime crate, relative to `out_dir`.
    pub runtime_path: &'static str,
}

/// The pin key of the AWS protocol compliance test models.
pub const PROTOCOL_TESTS_PIN: &str = crate::pins::PROTOCOL_TESTS;

pub const TEST_CRATES: &[TestCrate] = &[
    TestCrate {
        package_name: "kitchen-sink-client",
        model: ModelInput::InRepo("codegen/tests/kitchen-sink/model.json"),
        service: "example.kitchen#KitchenSink",
        out_dir: "codegen/tests/kitchen-sink/crate",
        runtime_path: "../../../runtime",
    },
    TestCrate {
        package_name: "json-rpc10-client",
        model: ModelInput::Pinned(PROTOCOL_TESTS_PIN),
        service: "aws.protocoltests.json10#JsonRpc10",
        out_dir: "codegen/tests/protocol-tests/json-rpc10",
        runtime_path: "../../../runtime",
    },
    TestCrate {
        package_name: "query-compatible-json-rpc10-client",
        model: ModelInput::Pinned(PROTOCOL_TESTS_PIN),
        service: "aws.protocoltests.json10#QueryCompatibleJsonRpc10",
        out_dir: "codegen/tests/protocol-tests/query-compatible-json-rpc10",
        runtime_path: "../../../runtime",
    },
    TestCrate {
        package_name: "json-protocol-client",
        model: ModelInput::Pinned(PROTOCOL_TESTS_PIN),
        service: "aws.protocoltests.json#JsonProtocol",
        out_dir: "codegen/tests/protocol-tests/json-protocol",
        runtime_path: "../../../runtime",
    },
];

impl TestCrate {
    /// Generates the crate from its model, already loaded. `model_source` is recorded in the
    /// crate's `MODEL` file (for an in-repository model, its path is recorded when it is empty).
    pub fn generate(
        &self,
        model: &Model,
        mut model_source: BTreeMap<String, String>,
        partitions: Option<&Partitions>,
    ) -> Result<BTreeMap<String, String>, String> {
        if let (ModelInput::InRepo(path), true) = (self.model, model_source.is_empty()) {
            model_source.insert("path".to_string(), path.to_string());
        }
        let options = Options {
            service: Some(ShapeId::new(self.service)),
            crate_info: CrateInfo {
                package_name: self.package_name.into(),
                version: "0.1.0".into(),
                runtime_path: self.runtime_path.into(),
                publish: false,
            },
            model_source,
            partitions: partitions.cloned(),
            additions: None,
        };
        generate(model, &options).map_err(|e| e.to_string())
    }

    /// Loads an in-repository model (`None` for a pinned one, which xtask locates and verifies).
    pub fn load_in_repo_model(&self, root: &Path) -> Option<Result<Model, String>> {
        match self.model {
            ModelInput::InRepo(path) => {
                Some(Model::from_path(&root.join(path)).map_err(|e| e.to_string()))
            }
            ModelInput::Pinned(_) => None,
        }
    }
}
