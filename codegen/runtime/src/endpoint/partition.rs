//! The AWS partition table (`partitions.json`, format 1.1) as static data, and `aws.partition`.
//!
//! Generated crates declare the table with `codegen::emit::endpoints::partitions_tokens`:
//!
//! ```
//! use awsjson_runtime::endpoint::{KnownRegion, Partition, PartitionOutputs, Partitions};
//! static PARTITIONS: Partitions = Partitions {
//!     partitions: &[Partition {
//!         id: "aws",
//!         region_regex: r"^(us|eu)\-\w+\-\d+$",
//!         regions: &[KnownRegion::new("us-east-1")],
//!         outputs: PartitionOutputs {
//!             name: "aws",
//!             dns_suffix: "amazonaws.com",
//!             dual_stack_dns_suffix: "api.aws",
//!             supports_fips: true,
//!             supports_dual_stack: true,
//!             implicit_global_region: "us-east-1",
//!         },
//!     }],
//! };
//! let aws = PARTITIONS.resolve("eu-west-9").unwrap().unwrap();
//! assert_eq!(aws.dns_suffix, "amazonaws.com");
//! ```

use std::sync::{Mutex, OnceLock};

use super::region_regex::RegionRegex;
use super::EndpointError;

/// The whole partition table.
#[derive(Debug)]
pub struct Partitions {
    /// In the order of `partitions.json`.
    pub partitions: &'static [Partition],
}

/// One partition (`aws`, `aws-cn`, ...).
#[derive(Debug)]
pub struct Partition {
    pub id: &'static str,
    /// Matches the names of regions of this partition that are not (yet) listed in `regions`.
    pub region_regex: &'static str,
    /// The regions listed for this partition, with any per-region overrides of `outputs`.
    pub regions: &'static [KnownRegion],
    pub outputs: PartitionOutputs,
}

/// What `aws.partition` returns (the `Partition` structure of the rules engine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionOutputs {
    pub name: &'static str,
    pub dns_suffix: &'static str,
    pub dual_stack_dns_suffix: &'static str,
    pub supports_fips: bool,
    pub supports_dual_stack: bool,
    pub implicit_global_region: &'static str,
}

/// A region listed in a partition, with the outputs it overrides (usually none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownRegion {
    pub id: &'static str,
    pub dns_suffix: Option<&'static str>,
    pub dual_stack_dns_suffix: Option<&'static str>,
    pub supports_fips: Option<bool>,
    pub supports_dual_stack: Option<bool>,
    pub implicit_global_region: Option<&'static str>,
}

impl KnownRegion {
    /// A listed region that overrides nothing.
    pub const fn new(id: &'static str) -> Self {
        KnownRegion {
            id,
            dns_suffix: None,
            dual_stack_dns_suffix: None,
            supports_fips: None,
            supports_dual_stack: None,
            implicit_global_region: None,
        }
    }

    fn apply(&self, mut outputs: PartitionOutputs) -> PartitionOutputs {
        if let Some(v) = self.dns_suffix {
            outputs.dns_suffix = v;
        }
        if let Some(v) = self.dual_stack_dns_suffix {
            outputs.dual_stack_dns_suffix = v;
        }
        if let Some(v) = self.supports_fips {
            outputs.supports_fips = v;
        }
        if let Some(v) = self.supports_dual_stack {
            outputs.supports_dual_stack = v;
        }
        if let Some(v) = self.implicit_global_region {
            outputs.implicit_global_region = v;
        }
        outputs
    }
}

/// The id of the partition used for a region no partition recognises.
pub const DEFAULT_PARTITION: &str = "aws";

impl Partitions {
    /// `aws.partition(region)`: the partition listing `region`; else the first whose region regex
    /// matches it; else the `aws` partition. `Ok(None)` only if the table has no `aws` partition;
    /// `Err` if a region regex of the table is invalid.
    pub fn resolve(&self, region: &str) -> Result<Option<PartitionOutputs>, EndpointError> {
        for p in self.partitions {
            if let Some(known) = p.regions.iter().find(|r| r.id == region) {
                return Ok(Some(known.apply(p.outputs)));
            }
        }
        for p in self.partitions {
            if regex_matches(p.region_regex, region)? {
                return Ok(Some(p.outputs));
            }
        }
        Ok(self.partitions.iter().find(|p| p.id == DEFAULT_PARTITION).map(|p| p.outputs))
    }
}

/// Parsed region regexes, by pattern (the patterns are `'static`, so there are few of them).
fn regex_matches(pattern: &'static str, input: &str) -> Result<bool, EndpointError> {
    static CACHE: OnceLock<Mutex<Vec<(&'static str, RegionRegex)>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, re)) = cache.iter().find(|(p, _)| std::ptr::eq(*p, pattern) || *p == pattern) {
        return Ok(re.is_match(input));
    }
    let re = RegionRegex::new(pattern).map_err(|e| {
        EndpointError::new(format!("invalid region regex in the partition table: {e}"))
    })?;
    let matched = re.is_match(input);
    cache.push((pattern, re));
    Ok(matched)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUT: PartitionOutputs = PartitionOutputs {
        name: "aws",
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-east-1",
    };

    static TABLE: Partitions = Partitions {
        partitions: &[
            Partition {
                id: "aws",
                region_regex: r"^(us|eu)\-\w+\-\d+$",
                regions: &[KnownRegion::new("aws-global"), KnownRegion::new("us-east-1")],
                outputs: OUT,
            },
            Partition {
                id: "aws-cn",
                region_regex: r"^cn\-\w+\-\d+$",
                regions: &[KnownRegion {
                    dns_suffix: Some("special.cn"),
                    supports_fips: Some(false),
                    ..KnownRegion::new("cn-odd-1")
                }],
                outputs: PartitionOutputs {
                    name: "aws-cn",
                    dns_suffix: "amazonaws.com.cn",
                    dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
                    implicit_global_region: "cn-northwest-1",
                    ..OUT
                },
            },
            Partition {
                id: "aws-us-gov",
                region_regex: r"^us\-gov\-\w+\-\d+$",
                regions: &[KnownRegion::new("us-gov-west-1")],
                outputs: PartitionOutputs { name: "aws-us-gov", ..OUT },
            },
        ],
    };

    #[test]
    fn resolution_order() {
        let name = |r: &str| TABLE.resolve(r).unwrap().unwrap().name;
        // Listed regions win over regexes.
        assert_eq!(name("us-gov-west-1"), "aws-us-gov");
        // Regexes, in table order: aws's `^(us|eu)\-\w+\-\d+$` does not match `us-gov-east-1`
        // (`\w` excludes `-`), aws-us-gov's does.
        assert_eq!(name("us-gov-east-1"), "aws-us-gov");
        assert_eq!(name("eu-new-7"), "aws");
        assert_eq!(name("cn-north-1"), "aws-cn");
        assert_eq!(name("aws-global"), "aws");
        // Unknown: the aws partition.
        assert_eq!(name("mars-east-1"), "aws");
        assert_eq!(name(""), "aws");
    }

    #[test]
    fn region_overrides() {
        let odd = TABLE.resolve("cn-odd-1").unwrap().unwrap();
        assert_eq!(odd.dns_suffix, "special.cn");
        assert!(!odd.supports_fips);
        assert_eq!(odd.dual_stack_dns_suffix, "api.amazonwebservices.com.cn");
        let plain = TABLE.resolve("cn-north-1").unwrap().unwrap();
        assert_eq!(plain.dns_suffix, "amazonaws.com.cn");
        assert!(plain.supports_fips);
    }

    #[test]
    fn no_aws_partition_and_bad_regex() {
        static ONLY_CN: Partitions = Partitions {
            partitions: &[Partition {
                id: "aws-cn",
                region_regex: r"^cn\-\w+\-\d+$",
                regions: &[],
                outputs: OUT,
            }],
        };
        assert_eq!(ONLY_CN.resolve("us-east-1").unwrap(), None);
        static BAD: Partitions = Partitions {
            partitions: &[Partition {
                id: "aws",
                region_regex: r"^(unclosed",
                regions: &[],
                outputs: OUT,
            }],
        };
        let err = BAD.resolve("us-east-1").unwrap_err();
        assert!(err.message().contains("invalid region regex"), "{err}");
    }
}
