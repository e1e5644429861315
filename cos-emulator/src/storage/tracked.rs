//! Maps that remember what changed: the basis of transactions on the [`State`]
//! (the buckets map is in `buckets`).
//!
//! Every mutable access to an entry records the entry's value from before the
//! transaction (once per transaction), so that a transaction can be rolled back
//! exactly, and its changes (the touched entries' new values) written to the journal
//! without looking at the rest of the state. Reads go through `Deref` to the plain
//! `BTreeMap`; there is no `DerefMut`, so no change can escape the tracking.
//!
//! [`State`]: super::state::State

use std::collections::BTreeMap;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

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
}
