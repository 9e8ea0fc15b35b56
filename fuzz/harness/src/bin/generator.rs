//! libFuzzer entry point of the `generator` target (body: `fuzz_targets::generator::run`).
//!
//! No `#![forbid(unsafe_code)]` here: `fuzz_target!` exports libFuzzer's C entry point with
//! `#[no_mangle]`, which that lint rejects. The body, in `fuzz-targets`, forbids unsafe code.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::generator::run(data));
