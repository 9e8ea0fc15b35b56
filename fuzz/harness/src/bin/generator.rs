//! libFuzzer entry point of the `generator` target (body: `fuzz_targets::generator::run`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::generator::run(data));
