//! Spreading threads over per-thread resources (the request log's shards, the header
//! case templates).

use std::sync::atomic::{AtomicUsize, Ordering};

/// A number per thread, handed out in the order threads first ask (for spreading
/// threads over per-thread resources).
pub(crate) fn thread_slot() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SLOT: usize = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    SLOT.with(|s| *s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_thread_keeps_its_slot_and_threads_differ() {
        let here = super::thread_slot();
        assert_eq!(super::thread_slot(), here);
        let there = std::thread::spawn(super::thread_slot).join().unwrap();
        assert_ne!(there, here);
    }
}
