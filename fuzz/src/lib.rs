//! The bodies of the fuzz targets: plain functions over arbitrary bytes that must never panic.
//!
//! Each target checks, besides "no panic", the invariants that hold for every input (stated in its
//! module docs) and panics when one does not: under the fuzzer a panic is a crash, in
//! `cargo test` (`tests/corpus.rs`, over `corpus/<target>/` and `regressions/<target>/`) it is a
//! failing test. `harness/` is the thin libFuzzer driver, one binary per target; `run.sh` runs
//! one of them for N seconds. See `README.md`.
#![forbid(unsafe_code)]

pub mod endpoint_rules;
pub mod generator;
pub mod json_differential;
pub mod output_decoders;

/// One fuzz target: its name (the directory names under `corpus/` and `regressions/`, and the
/// harness binary) and its body.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
}

/// Every target.
pub const TARGETS: &[Target] = &[
    Target { name: "generator", run: generator::run },
    Target { name: "endpoint_rules", run: endpoint_rules::run },
    Target { name: "output_decoders", run: output_decoders::run },
    Target { name: "json_differential", run: json_differential::run },
];

/// Reads fuzz input as a few small choices and strings: a byte, a flag, a string up to the next
/// NUL byte (lossy UTF-8), the rest. Reading past the end yields zeros and empty strings, so every
/// input, even an empty one, decodes to some case.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Input { data }
    }

    /// The next byte, or 0 at the end.
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }

    /// The bytes up to the next NUL (which is consumed), or to the end.
    pub fn bytes(&mut self) -> &'a [u8] {
        match self.data.iter().position(|b| *b == 0) {
            Some(i) => {
                let (head, rest) = self.data.split_at(i);
                self.data = &rest[1..];
                head
            }
            None => std::mem::take(&mut self.data),
        }
    }

    /// [`Self::bytes`] as a string (invalid UTF-8 replaced).
    pub fn string(&mut self) -> String {
        String::from_utf8_lossy(self.bytes()).into_owned()
    }

    /// Whatever is left.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.data)
    }
}
