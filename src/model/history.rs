//! Kept model versions: `history/model.<N>.amn` for the last [`KEEP`] versions. Each version's
//! file is written there first and then hard-linked (or copied, where links are not supported)
//! over `model.amn`, so a rollback is one rename and keeping a version costs no second write.

use super::file::replace_via_temp;
use crate::error::Result;
use std::path::{Path, PathBuf};

/// How many versions are kept.
pub const KEEP: usize = 5;

/// The file of version `n` in a history directory.
pub fn version_file(history: &Path, n: u64) -> PathBuf {
    history.join(format!("model.{n}.amn"))
}

/// Versions with a file, in increasing order.
pub fn kept(history: &Path) -> Vec<u64> {
    let mut out: Vec<u64> = std::fs::read_dir(history)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_prefix("model.")?
                .strip_suffix(".amn")?
                .parse()
                .ok()
        })
        .collect();
    out.sort_unstable();
    out
}

/// Atomically makes `target` the same file as `source`: a hard link (or a copy) beside the
/// target, fsynced, renamed over it.
pub fn install(source: &Path, target: &Path) -> Result<()> {
    replace_via_temp(target, |tmp| {
        // hard_link will not replace a file: clear a stale temp of this name first.
        let _ = std::fs::remove_file(tmp);
        if std::fs::hard_link(source, tmp).is_err() {
            std::fs::copy(source, tmp)?;
            std::fs::File::open(tmp)?.sync_all()?;
        }
        Ok(())
    })
}

/// Deletes version files beyond the newest [`KEEP`], never `current`.
pub fn prune(history: &Path, current: u64) {
    let versions = kept(history);
    let cut = versions.len().saturating_sub(KEEP);
    for &n in &versions[..cut] {
        if n != current {
            let _ = std::fs::remove_file(version_file(history, n));
        }
    }
}

/// Removes temporary files left by killed writers (only the writer holding the lock calls this,
/// and only writers write these files).
pub fn clean_temporaries(dirs: &[&Path], names: &[&str]) {
    for dir in dirs {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let ours = names
                .iter()
                .any(|n| name.starts_with(&format!(".{n}")) && name.contains(".tmp."));
            if ours {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_links_and_prune_keeps_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        let h = dir.path().join("history");
        std::fs::create_dir(&h).unwrap();
        for n in 1..=7 {
            std::fs::write(version_file(&h, n), format!("v{n}")).unwrap();
        }
        let target = dir.path().join("model.amn");
        install(&version_file(&h, 2), &target).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "v2");
        prune(&h, 2);
        assert_eq!(
            kept(&h),
            [2, 3, 4, 5, 6, 7],
            "the newest five and the current one"
        );
        std::fs::write(h.join(".model.9.amn.tmp.123"), "x").unwrap();
        clean_temporaries(&[&h], &["model."]);
        assert_eq!(std::fs::read_dir(&h).unwrap().count(), 6);
    }
}
