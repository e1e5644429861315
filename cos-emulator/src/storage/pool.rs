//! Recycled memory blocks for in-memory object bodies.
//!
//! Keeping the chunks hyper read would make hyper allocate a fresh read buffer for
//! every read, and every fresh page costs a fault and a cold-cache write. Instead,
//! bodies are copied out of hyper's (reused, cache-warm) buffer into 1 MiB blocks that
//! go back to this pool when the last `Bytes` referring to them is dropped, so steady
//! traffic writes into memory that is already mapped.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use bytes::Bytes;

/// Size of one block.
pub(crate) const BLOCK: usize = 1 << 20;
/// At most this many bytes of idle blocks are kept for reuse (enough for a 1 GiB object
/// to be overwritten without touching fresh pages).
const MAX_IDLE: usize = 1536 << 20;

struct Pool {
    idle: Mutex<Vec<Vec<u8>>>,
    idle_bytes: AtomicUsize,
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| Pool {
        idle: Mutex::new(Vec::new()),
        idle_bytes: AtomicUsize::new(0),
    })
}

/// An empty block with [`BLOCK`] bytes of capacity, recycled when possible.
pub(crate) fn take() -> Vec<u8> {
    let p = pool();
    let recycled = p.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
    match recycled {
        Some(mut v) => {
            p.idle_bytes.fetch_sub(v.capacity(), Ordering::Relaxed);
            v.clear();
            v
        }
        None => Vec::with_capacity(BLOCK),
    }
}

/// A filled block; returns its buffer to the pool when dropped.
struct Owned(Vec<u8>);

impl AsRef<[u8]> for Owned {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        let v = std::mem::take(&mut self.0);
        if v.capacity() != BLOCK {
            return;
        }
        let p = pool();
        if p.idle_bytes.load(Ordering::Relaxed) + BLOCK <= MAX_IDLE {
            p.idle_bytes.fetch_add(BLOCK, Ordering::Relaxed);
            p.idle.lock().unwrap_or_else(|e| e.into_inner()).push(v);
        }
    }
}

/// Freezes a filled block into `Bytes` that recycle it when the last clone drops.
pub(crate) fn freeze(block: Vec<u8>) -> Bytes {
    Bytes::from_owner(Owned(block))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_come_back() {
        let mut b = take();
        b.extend_from_slice(b"hello");
        let ptr = b.as_ptr();
        let bytes = freeze(b);
        let slice = bytes.slice(1..3);
        drop(bytes);
        assert_eq!(&slice[..], b"el");
        drop(slice);
        // The block is idle again; a later take may reuse it.
        let again: Vec<Vec<u8>> = (0..4).map(|_| take()).collect();
        assert!(
            again.iter().any(|v| v.as_ptr() == ptr)
                || pool().idle_bytes.load(Ordering::Relaxed) == 0
        );
    }
}
