//! Helpers shared by the integration tests (they run the real `amn` binary).
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn amn() -> Command {
    let mut cmd = Command::cargo_bin("amn").expect("binary built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn shared() -> PathBuf {
    root().join("../shared")
}

pub fn dev_jsonl() -> PathBuf {
    shared().join("corpus/labeled/dev.jsonl")
}

/// A model trained once per test binary on the seeds (small and fast).
pub fn seed_model() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        amn()
            .args(["train", "--corpus", "seeds", "--model"])
            .arg(dir.path())
            .assert()
            .success();
        dir
    })
    .path()
}

pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}
