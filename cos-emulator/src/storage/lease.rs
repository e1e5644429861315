//! The body files directory, with leases that keep files alive while they are read.
//!
//! A response takes a lease on the files it will read while the state is locked (so
//! before any later transaction can drop them); a file the state no longer references
//! is deleted at once if unleased, otherwise when its last lease ends. Files left over
//! by a crash are removed at the next start (they are unreferenced).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The `blobs/` directory of a data directory (cheap to clone).
#[derive(Debug, Clone)]
pub(crate) struct Blobs(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    /// Files being read: number of leases, and whether to delete at the last one.
    readers: Mutex<HashMap<String, Readers>>,
}

#[derive(Debug)]
struct Readers {
    leases: usize,
    doomed: bool,
}

/// Keeps files from being deleted until dropped.
#[derive(Debug)]
pub(crate) struct Lease {
    blobs: Blobs,
    names: Vec<String>,
}

impl Blobs {
    pub fn new(path: PathBuf) -> Self {
        Blobs(Arc::new(Inner {
            path,
            readers: Mutex::new(HashMap::new()),
        }))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0.path
    }

    fn readers(&self) -> std::sync::MutexGuard<'_, HashMap<String, Readers>> {
        self.0.readers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Leases `names` (files the state references now).
    pub fn lease(&self, names: Vec<String>) -> Lease {
        let mut readers = self.readers();
        for n in &names {
            readers
                .entry(n.clone())
                .or_insert(Readers {
                    leases: 0,
                    doomed: false,
                })
                .leases += 1;
        }
        drop(readers);
        Lease {
            blobs: self.clone(),
            names,
        }
    }

    /// Deletes files the state no longer references: now, or when their last lease
    /// ends.
    pub async fn delete(&self, names: Vec<String>) {
        if names.is_empty() {
            return;
        }
        let blobs = self.clone();
        let _ = tokio::task::spawn_blocking(move || blobs.delete_now(names)).await;
    }

    /// [`Blobs::delete`], blocking.
    pub fn delete_now(&self, names: Vec<String>) {
        let now: Vec<PathBuf> = {
            let mut readers = self.readers();
            names
                .into_iter()
                .filter(|n| match readers.get_mut(n) {
                    Some(r) => {
                        r.doomed = true;
                        false
                    }
                    None => true,
                })
                .map(|n| self.0.path.join(n))
                .collect()
        };
        for p in now {
            let _ = std::fs::remove_file(p);
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let mut doomed = Vec::new();
        {
            let mut readers = self.blobs.readers();
            for n in self.names.drain(..) {
                if let Some(r) = readers.get_mut(&n) {
                    r.leases -= 1;
                    if r.leases == 0 {
                        if r.doomed {
                            doomed.push(self.blobs.0.path.join(&n));
                        }
                        readers.remove(&n);
                    }
                }
            }
        }
        for p in doomed {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_leased_file_outlives_its_deletion() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let blobs = Blobs::new(dir.path().to_path_buf());
        for n in ["a", "b"] {
            std::fs::write(dir.path().join(n), n).unwrap_or_else(|e| panic!("{e}"));
        }
        let lease = blobs.lease(vec!["a".into()]);
        let again = blobs.lease(vec!["a".into()]);
        blobs.delete(vec!["a".into(), "b".into()]).await;
        assert!(dir.path().join("a").exists());
        assert!(!dir.path().join("b").exists());
        drop(lease);
        assert!(dir.path().join("a").exists());
        drop(again);
        assert!(!dir.path().join("a").exists());
        assert!(blobs.readers().is_empty());
    }
}
