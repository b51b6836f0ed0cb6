//! Inputs kept from fuzzing (`fuzz/`, see the README), run through the fuzz targets' own checks
//! in a normal `cargo test`: a minimized sample of each target's corpus plus hand-made inputs
//! (`handmade-*`) for the stages added with the fuzzers (HTML masking, Persian/Urdu detection).

#[path = "../fuzz/fuzz_targets/checks.rs"]
mod checks;

use std::path::PathBuf;

fn run_all(target: &str, check: fn(&[u8]), at_least: usize) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files.len() >= at_least,
        "{}: {} inputs",
        dir.display(),
        files.len()
    );
    let failed: Vec<String> = files
        .iter()
        .filter(|f| {
            let bytes = std::fs::read(f).unwrap();
            std::panic::catch_unwind(|| check(&bytes)).is_err()
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(failed.is_empty(), "failed: {failed:#?}");
}

#[test]
fn analyzer_inputs() {
    run_all("analyzer", checks::analyzer, 200);
}

#[test]
fn model_loader_inputs() {
    run_all("model_loader", checks::model_loader, 100);
}
