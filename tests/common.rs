//! Helpers shared by the integration tests (they run the real `amn` binary).
#![allow(dead_code)]

use assert_cmd::Command;
use assert_cmd::assert::Assert;
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

/// `amn <args> --model <model>`: most commands take the model after their own options; files
/// and other arguments can follow.
pub fn amn_on(model: &Path, args: &[&str]) -> Command {
    let mut cmd = amn();
    cmd.args(args).arg("--model").arg(model);
    cmd
}

/// What a finished command wrote on stdout (the caller checks how it exited). cli_hostile keeps
/// its own `stdout` for a raw `Output`, which shadows this one there.
pub fn stdout(a: Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

/// What a command that must succeed wrote on stdout.
pub fn stdout_ok(cmd: &mut Command) -> String {
    stdout(cmd.assert().success())
}

/// Each line of `text` (JSON lines output) parsed.
pub fn json_lines(text: impl AsRef<[u8]>) -> Vec<serde_json::Value> {
    std::str::from_utf8(text.as_ref())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Each subcommand's `--help` works and mentions `needle`.
pub fn assert_help(subcommands: &[&str], needle: &str) {
    for sub in subcommands {
        amn()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(predicates::str::contains(needle));
    }
}

/// The first `n` bulletins of dev.jsonl as `small.jsonl` in `dir`: labeled, and quick to
/// evaluate.
pub fn dev_head(dir: &Path, n: usize) -> PathBuf {
    let dev = std::fs::read_to_string(dev_jsonl()).unwrap();
    let small: String = dev.lines().take(n).map(|l| format!("{l}\n")).collect();
    write(dir, "small.jsonl", small)
}
