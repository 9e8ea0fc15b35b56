//! libFuzzer entry point of the `json_differential` target (body: `fuzz_targets::json_differential::run`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::json_differential::run(data));
