//! The model directory's write lock: one writer at a time (`train`, `add`, `retrain`, `label`,
//! `rollback`); readers never take it, because every file they read is replaced atomically.
//!
//! It is an advisory `flock` on the file `lock` (std's `File::try_lock`), so the kernel releases
//! it when the holder exits or is killed: a lock is never stale, and the file left behind is
//! harmless. The holder writes its pid and command into the file only so that a refused writer
//! can say who holds it. (On network file systems without `flock` support, locking may be
//! refused or not exclusive; keep model directories on local disks.)

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Held while a writer changes a model directory; released on drop (or by the kernel).
#[derive(Debug)]
pub struct WriteLock {
    file: File,
    path: PathBuf,
}

impl WriteLock {
    /// Takes the lock at `path` without waiting; refuses with [`Error::Locked`] when another
    /// process holds it. `what` (e.g. "amn add") is recorded for that process's message.
    pub fn acquire(path: &Path, what: &str) -> Result<WriteLock> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() {
                    "another amn process".to_string()
                } else {
                    format!("another amn process ({holder})")
                };
                return Err(Error::Locked {
                    path: path.to_path_buf(),
                    reason: format!(
                        "{who} is changing this model; try again when it has finished \
                         (reading it, e.g. `amn classify`, works meanwhile)"
                    ),
                });
            }
            Err(TryLockError::Error(e)) => return Err(Error::io(path, e)),
        }
        let note = format!("pid {}, {what}", std::process::id());
        let written = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(note.as_bytes()));
        written.map_err(|e| Error::io(path, e))?;
        Ok(WriteLock {
            file,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        // Emptied first so nobody reads a finished writer's pid; unlocking is also implied by
        // closing the file.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_writer_is_refused_with_the_holder_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let first = WriteLock::acquire(&path, "amn add").unwrap();
        let err = WriteLock::acquire(&path, "amn retrain").unwrap_err();
        assert_eq!(err.exit_code(), 6);
        let msg = err.to_string();
        assert!(msg.contains("lock") && msg.contains("amn add"), "{msg}");
        assert!(msg.contains(&std::process::id().to_string()), "{msg}");
        drop(first);
        WriteLock::acquire(&path, "amn retrain").unwrap();
    }
}
