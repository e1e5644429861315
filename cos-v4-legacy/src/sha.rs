//! SHA-1 of a file slice by slice, with the intermediate states the v4 slice upload
//! sends in `uploadparts`.
//!
//! # State format
//!
//! For every slice but the last, `datasha` is the SHA-1 state after the bytes up to the
//! end of that slice, *before* padding: the five 32-bit words `h0..h4`, each written
//! as the hex of its **little-endian** bytes (40 lowercase hex digits). This is what
//! qcloud-cos-v4 0.0.26 emits (`Sha1Hash.inner_digest()` in `cos_common.py`:
//! `struct.unpack('>5I', struct.pack('<5I', *h))` then `%08x` each). Only whole 64-byte
//! blocks are in the state; with a slice size that is a multiple of 64 that is every
//! byte of the slice. The last slice's `datasha` is the ordinary hex SHA-1 of the whole
//! file. The format comes from the SDK's code; whether the server checks it is not
//! confirmed by any capture (**inferred**).

use cos_auth::encode::hex;
use sha1::Digest;

/// The SHA-1 initial state.
const H0: [u32; 5] = [
    0x6745_2301,
    0xEFCD_AB89,
    0x98BA_DCFE,
    0x1032_5476,
    0xC3D2_E1F0,
];

/// One entry of `uploadparts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlicePart {
    /// Offset of the slice in the file.
    pub offset: u64,
    /// Length of the slice.
    pub datalen: u64,
    /// The state after this slice (see the [module docs](self)), or the whole file's
    /// SHA-1 for the last slice.
    pub datasha: String,
}

/// Feeds bytes and reports the state at slice ends.
#[derive(Clone)]
pub(crate) struct SliceHasher {
    state: [u32; 5],
    pending: Vec<u8>,
    full: sha1::Sha1,
}

impl SliceHasher {
    pub(crate) fn new() -> Self {
        SliceHasher {
            state: H0,
            pending: Vec::with_capacity(64),
            full: sha1::Sha1::new(),
        }
    }

    pub(crate) fn update(&mut self, mut data: &[u8]) {
        self.full.update(data);
        if !self.pending.is_empty() {
            let take = (64 - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.pending.len() == 64 {
                let mut block = [0u8; 64];
                block.copy_from_slice(&self.pending);
                sha1::block_api::compress(&mut self.state, &[block]);
                self.pending.clear();
            }
        }
        let mut chunks = data.chunks_exact(64);
        let blocks: Vec<[u8; 64]> = chunks
            .by_ref()
            .map(|c| {
                let mut b = [0u8; 64];
                b.copy_from_slice(c);
                b
            })
            .collect();
        if !blocks.is_empty() {
            sha1::block_api::compress(&mut self.state, &blocks);
        }
        self.pending.extend_from_slice(chunks.remainder());
    }

    /// The intermediate state in the SDK's format.
    pub(crate) fn inner_digest(&self) -> String {
        self.state
            .iter()
            .map(|h| {
                let le = h.to_le_bytes();
                format!("{:02x}{:02x}{:02x}{:02x}", le[0], le[1], le[2], le[3])
            })
            .collect()
    }

    /// The hex SHA-1 of everything fed.
    pub(crate) fn hexdigest(&self) -> String {
        hex(&self.full.clone().finalize())
    }
}

/// The hex SHA-1 of `data`.
pub(crate) fn sha1_hex(data: &[u8]) -> String {
    hex(&sha1::Sha1::digest(data))
}

/// `uploadparts` of a file read through `read_slice(offset, len)`.
pub(crate) async fn slice_parts<F, Fut>(
    file_size: u64,
    slice_size: u64,
    mut read_slice: F,
) -> std::io::Result<Vec<SlicePart>>
where
    F: FnMut(u64, u64) -> Fut,
    Fut: std::future::Future<Output = std::io::Result<bytes::Bytes>>,
{
    let mut hasher = SliceHasher::new();
    let mut parts = Vec::new();
    let mut offset = 0;
    while offset < file_size {
        let len = slice_size.min(file_size - offset);
        let data = read_slice(offset, len).await?;
        hasher.update(&data);
        parts.push(SlicePart {
            offset,
            datalen: len,
            datasha: hasher.inner_digest(),
        });
        offset += len;
    }
    if let Some(last) = parts.last_mut() {
        last.datasha = hasher.hexdigest();
    }
    Ok(parts)
}

/// The `uploadparts` JSON: `json.dumps` of the list (fields in the SDK's dict order
/// `datalen`, `datasha`, `offset`).
pub(crate) fn upload_parts_json(parts: &[SlicePart]) -> String {
    let items: Vec<String> = parts
        .iter()
        .map(|p| {
            format!(
                "{{\"datalen\": {}, \"datasha\": \"{}\", \"offset\": {}}}",
                p.datalen, p.datasha, p.offset
            )
        })
        .collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SDK's `Sha1Hash` re-done plainly: state after whole blocks, LE words.
    fn reference_inner(data: &[u8]) -> String {
        let mut state = H0;
        for c in data.chunks_exact(64) {
            let mut b = [0u8; 64];
            b.copy_from_slice(c);
            sha1::block_api::compress(&mut state, &[b]);
        }
        state
            .iter()
            .map(|h| format!("{:08x}", h.swap_bytes()))
            .collect()
    }

    #[test]
    fn states_and_digest() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        let mut h = SliceHasher::new();
        assert_eq!(h.inner_digest(), "0123456789abcdeffedcba9876543210f0e1d2c3");
        h.update(&data[..100]);
        h.update(&data[100..640]);
        assert_eq!(h.inner_digest(), reference_inner(&data[..640]));
        h.update(&data[640..]);
        assert_eq!(h.hexdigest(), sha1_hex(&data));
        // sha1("abc")
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    #[tokio::test]
    async fn parts() {
        let data = bytes::Bytes::from(vec![7u8; 300]);
        let parts = slice_parts(300, 128, |o, l| {
            let d = data.slice(o as usize..(o + l) as usize);
            async move { Ok(d) }
        })
        .await
        .unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[1].datasha, reference_inner(&data[..256]));
        assert_eq!(parts[2].datasha, sha1_hex(&data));
        assert_eq!(
            upload_parts_json(&parts[..1]),
            format!(
                "[{{\"datalen\": 128, \"datasha\": \"{}\", \"offset\": 0}}]",
                parts[0].datasha
            )
        );
    }
}
