//! Maps that remember what changed: the basis of transactions on the [`State`].
//!
//! Every mutable access to an entry records the entry's value from before the
//! transaction (once per transaction), so that a transaction can be rolled back
//! exactly, and its changes (the touched entries' new values) written to the journal
//! without looking at the rest of the state. Reads go through `Deref` to the plain
//! `BTreeMap`; there is no `DerefMut`, so no change can escape the tracking.
//!
//! [`State`]: super::State

use std::collections::BTreeMap;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

use super::Bucket;

/// A `String`-keyed map that records the previous values of changed entries.
#[derive(Debug, Serialize, Deserialize)]
#[serde(transparent, bound(deserialize = "V: Deserialize<'de>"))]
pub(crate) struct Tracked<V> {
    map: BTreeMap<String, V>,
    /// Values before the transaction of the entries changed in it (`None`: absent).
    #[serde(skip)]
    before: BTreeMap<String, Option<V>>,
}

impl<V> Default for Tracked<V> {
    fn default() -> Self {
        Tracked {
            map: BTreeMap::new(),
            before: BTreeMap::new(),
        }
    }
}

impl<V> Deref for Tracked<V> {
    type Target = BTreeMap<String, V>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl<'a, V> IntoIterator for &'a Tracked<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = std::collections::btree_map::Iter<'a, String, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.iter()
    }
}

/// An entry of a [`Tracked`] map (only what the operations need).
pub(crate) struct Entry<'a, V> {
    map: &'a mut Tracked<V>,
    key: String,
}

impl<'a, V: Clone + Default> Entry<'a, V> {
    /// The entry's value, inserting the default first if absent.
    pub fn or_default(self) -> &'a mut V {
        self.map.note(&self.key);
        self.map.map.entry(self.key).or_default()
    }
}

impl<V: Clone> Tracked<V> {
    /// Remembers the value of `key` before its first change in this transaction.
    fn note(&mut self, key: &str) {
        if !self.before.contains_key(key) {
            self.before
                .insert(key.to_owned(), self.map.get(key).cloned());
        }
    }

    /// The value of `key`, to change.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        if self.map.contains_key(key) {
            self.note(key);
        }
        self.map.get_mut(key)
    }

    /// Inserts a value, returning the one it replaces.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        self.note(&key);
        self.map.insert(key, value)
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        if self.map.contains_key(key) {
            self.note(key);
        }
        self.map.remove(key)
    }

    /// The entry of `key`.
    pub fn entry(&mut self, key: String) -> Entry<'_, V> {
        Entry { map: self, key }
    }
}

impl<V> Tracked<V> {
    /// Forgets the recorded values: the transaction is over.
    pub(super) fn commit(&mut self) {
        self.before.clear();
    }

    /// Restores the recorded values: the transaction is undone.
    pub(super) fn rollback(&mut self) {
        for (k, v) in std::mem::take(&mut self.before) {
            match v {
                Some(v) => self.map.insert(k, v),
                None => self.map.remove(&k),
            };
        }
    }

    /// The entries changed in this transaction: `(key, old value, current value)`.
    pub(super) fn changes(&self) -> impl Iterator<Item = (&String, Option<&V>, Option<&V>)> {
        self.before
            .iter()
            .map(|(k, old)| (k, old.as_ref(), self.map.get(k)))
    }

    /// Sets an entry without tracking (replaying the journal, applying a saved change).
    pub(super) fn set_untracked(&mut self, key: String, value: Option<V>) {
        match value {
            Some(v) => self.map.insert(key, v),
            None => self.map.remove(&key),
        };
    }
}

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
    fn rollback_restores_and_commit_keeps() {
        let mut t: Tracked<u32> = Tracked::default();
        t.insert("a".into(), 1);
        t.commit();
        *t.get_mut("a").unwrap_or(&mut 0) += 1;
        t.insert("b".into(), 5);
        *t.entry("c".into()).or_default() += 3;
        assert_eq!(t.changes().count(), 3);
        t.rollback();
        assert_eq!(t.iter().collect::<Vec<_>>(), vec![(&"a".to_owned(), &1)]);
        t.remove("a");
        t.commit();
        assert!(t.is_empty());
        assert_eq!(t.changes().count(), 0);
    }

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
