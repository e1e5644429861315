//! The buckets by name, tracked for transactions like
//! [`Tracked`](super::tracked::Tracked) maps: a bucket's
//! configuration is remembered before its first change, removed buckets are kept until
//! the transaction ends.

use std::collections::BTreeMap;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

use super::model::Bucket;

/// What a bucket looked like before the transaction.
#[derive(Debug)]
pub(super) enum BucketBefore {
    /// It did not exist.
    Absent,
    /// Its configuration (objects and uploads are tracked by their own maps).
    Config(Box<Bucket>),
}

/// The buckets by name; changes of their configurations are tracked, and removed
/// buckets are kept until the transaction ends.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Buckets {
    map: BTreeMap<String, Bucket>,
    #[serde(skip)]
    before: BTreeMap<String, BucketBefore>,
    /// Buckets removed in this transaction, whole, in order of removal.
    #[serde(skip)]
    removed: Vec<Bucket>,
}

impl Deref for Buckets {
    type Target = BTreeMap<String, Bucket>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl Buckets {
    fn note(&mut self, name: &str) {
        if !self.before.contains_key(name) {
            let b = match self.map.get(name) {
                Some(b) => BucketBefore::Config(Box::new(b.config())),
                None => BucketBefore::Absent,
            };
            self.before.insert(name.to_owned(), b);
        }
    }

    /// The bucket `name`, to change.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Bucket> {
        if self.map.contains_key(name) {
            self.note(name);
        }
        self.map.get_mut(name)
    }

    /// Adds a bucket (replacing any bucket of that name).
    pub fn insert(&mut self, name: String, bucket: Bucket) {
        self.note(&name);
        if let Some(old) = self.map.insert(name, bucket) {
            self.removed.push(old);
        }
    }

    /// Removes a bucket with everything in it.
    pub fn remove(&mut self, name: &str) {
        self.note(name);
        if let Some(old) = self.map.remove(name) {
            self.removed.push(old);
        }
    }

    /// Names of the buckets touched in this transaction, with their state before it.
    pub(super) fn touched(&self) -> &BTreeMap<String, BucketBefore> {
        &self.before
    }

    /// Buckets removed (or replaced) in this transaction.
    pub(super) fn removed(&self) -> &[Bucket] {
        &self.removed
    }

    /// The bucket `name` for applying saved changes (untracked).
    pub(super) fn get_untracked(&mut self, name: &str) -> Option<&mut Bucket> {
        self.map.get_mut(name)
    }

    /// Sets a bucket's configuration without tracking: creates it if absent, removes
    /// it (with its contents) for `None`.
    pub(super) fn set_config_untracked(&mut self, name: String, config: Option<Bucket>) {
        match (config, self.map.get_mut(&name)) {
            (None, _) => {
                self.map.remove(&name);
            }
            (Some(c), Some(b)) => b.set_config(c),
            (Some(c), None) => {
                self.map.insert(name, c);
            }
        }
    }

    /// Ends the transaction, keeping its changes.
    pub(super) fn commit(&mut self) {
        for name in std::mem::take(&mut self.before).into_keys() {
            if let Some(b) = self.map.get_mut(&name) {
                b.objects.commit();
                b.uploads.commit();
            }
        }
        self.removed.clear();
    }

    /// Ends the transaction, undoing its changes.
    pub(super) fn rollback(&mut self) {
        // Removed buckets come back whole (the earliest removal last, so it wins)...
        for b in std::mem::take(&mut self.removed).into_iter().rev() {
            self.map.insert(b.name.clone(), b);
        }
        for (name, before) in std::mem::take(&mut self.before) {
            match before {
                BucketBefore::Absent => {
                    self.map.remove(&name);
                }
                // ... with their contents and configuration as they were.
                BucketBefore::Config(c) => {
                    if let Some(b) = self.map.get_mut(&name) {
                        b.objects.rollback();
                        b.uploads.rollback();
                        b.set_config(*c);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_buckets_come_back_whole() {
        let mut b = Buckets::default();
        let mut x = Bucket {
            name: "x".into(),
            ..Default::default()
        };
        x.objects.insert("k".into(), Vec::new());
        x.objects.commit();
        b.insert("x".into(), x);
        b.commit();
        if let Some(x) = b.get_mut("x") {
            x.versioning = Some("Enabled".into());
            x.objects.remove("k");
        }
        b.remove("x");
        b.insert("y".into(), Bucket::default());
        b.rollback();
        assert_eq!(b.keys().collect::<Vec<_>>(), vec!["x"]);
        assert!(b["x"].versioning.is_none());
        assert!(b["x"].objects.contains_key("k"));
    }
}
