//! libFuzzer entry point of the `output_decoders` target (body: `fuzz_targets::output_decoders::run`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::output_decoders::run(data));
