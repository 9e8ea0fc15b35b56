//! End-to-end tests of the generated SFN client live in `tests/`; run them with `tests/moto.sh`.
//!
//! The repository README is included below so that its usage example is compiled as a doctest.
#![doc = include_str!("../../README.md")]
