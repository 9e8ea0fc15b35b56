//! The crates generated from models of our own (and test models), beside the SFN crate. They go
//! through exactly the same pipeline; `cargo xtask codegen` writes and checks them like `generated/`.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::emit::crate_files::CrateInfo;
use crate::generate::{generate, Options};
use crate::model::{Model, ShapeId};

/// A crate generated from a model kept in this repository.
pub struct TestCrate {
    pub package_name: &'static str,
    /// The model, relative to the repository root.
    pub model: &'static str,
    pub service: &'static str,
    /// The crate directory, relative to the repository root.
    pub out_dir: &'static str,
    /// The runtime crate, relative to `out_dir`.
    pub runtime_path: &'static str,
}

pub const TEST_CRATES: &[TestCrate] = &[TestCrate {
    package_name: "kitchen-sink-client",
    model: "codegen/tests/kitchen-sink/model.json",
    service: "example.kitchen#KitchenSink",
    out_dir: "codegen/tests/kitchen-sink/crate",
    runtime_path: "../../../runtime",
}];

impl TestCrate {
    pub fn generate(&self, root: &Path, partitions: Option<&Value>) -> Result<BTreeMap<String, String>, String> {
        let path = root.join(self.model);
        let model = Model::from_path(&path).map_err(|e| e.to_string())?;
        let options = Options {
            service: Some(ShapeId::new(self.service)),
            crate_info: CrateInfo {
                package_name: self.package_name.into(),
                version: "0.1.0".into(),
                runtime_path: self.runtime_path.into(),
            },
            model_source: BTreeMap::from([("path".to_string(), self.model.to_string())]),
            partitions: partitions.cloned(),
        };
        generate(&model, &options).map_err(|e| e.to_string())
    }
}
