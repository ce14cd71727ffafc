#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| leadflow_fuzz::form_post(data));
