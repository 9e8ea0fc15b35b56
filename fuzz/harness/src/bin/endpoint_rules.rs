//! libFuzzer entry point of the `endpoint_rules` target (body: `fuzz_targets::endpoint_rules::run`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::endpoint_rules::run(data));
