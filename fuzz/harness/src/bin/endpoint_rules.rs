//! libFuzzer entry point of the `endpoint_rules` target (body: `fuzz_targets::endpoint_rules::run`).
//!
//! No `#![forbid(unsafe_code)]` here: `fuzz_target!` exports libFuzzer's C entry point with
//! `#[no_mangle]`, which that lint rejects. The body, in `fuzz-targets`, forbids unsafe code.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::endpoint_rules::run(data));
