//! Arbitrary bytes through the text pipeline: see `checks::analyzer`.

#![no_main]

mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::analyzer(data));
