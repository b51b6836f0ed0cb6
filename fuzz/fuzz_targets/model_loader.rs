//! Arbitrary bytes as a model file: see `checks::model_loader`.

#![no_main]

mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::model_loader(data));
