//! [`DecryptedBody`]: a GET body decrypted as it streams, with the plaintext length and
//! CRC-64 checked at its end when the envelope stores them (whole-object reads).

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};

use cos_crc64::Crc64;

use crate::cipher::DataKey;
use crate::error::CryptoError;

/// The plaintext a whole-object read must end with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Expect {
    pub len: Option<u64>,
    pub crc64: Option<u64>,
}

/// The decrypted body of an encrypted object (or of a range of it).
pub struct DecryptedBody {
    inner: cos_core::ByteStream,
    key: DataKey,
    /// Object offset of the next received byte.
    pos: u64,
    /// Decrypted bytes still to drop (an unaligned range start).
    skip: u64,
    expect: Option<Expect>,
    crc: Crc64,
    len: u64,
    what: String,
    done: bool,
}

impl std::fmt::Debug for DecryptedBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecryptedBody")
            .field("what", &self.what)
            .field("pos", &self.pos)
            .finish_non_exhaustive()
    }
}

impl DecryptedBody {
    pub(crate) fn new(
        inner: cos_core::ByteStream,
        key: DataKey,
        start: u64,
        skip: u64,
        expect: Option<Expect>,
        what: String,
    ) -> Self {
        Self {
            inner,
            key,
            pos: start,
            skip,
            expect,
            crc: Crc64::new(),
            len: 0,
            what,
            done: false,
        }
    }

    /// Reads the whole (decrypted, checked) body into memory.
    pub async fn bytes(mut self) -> Result<Bytes, CryptoError> {
        let mut out = BytesMut::new();
        while let Some(chunk) = self.next().await {
            out.extend_from_slice(&chunk?);
        }
        Ok(out.freeze())
    }

    fn finish(&mut self) -> Option<CryptoError> {
        let expect = self.expect?;
        let mismatch = |check, expected, got| CryptoError::Integrity {
            what: self.what.clone(),
            check,
            expected,
            got,
        };
        if let Some(len) = expect.len
            && len != self.len
        {
            return Some(mismatch("length", len, self.len));
        }
        match expect.crc64 {
            Some(crc) if crc != self.crc.value() => Some(mismatch("crc64", crc, self.crc.value())),
            _ => None,
        }
    }
}

impl Stream for DecryptedBody {
    type Item = Result<Bytes, CryptoError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            match this.inner.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    this.done = true;
                    return Poll::Ready(this.finish().map(Err));
                }
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e.into())));
                }
                Poll::Ready(Some(Ok(chunk))) => {
                    let mut buf = BytesMut::from(&chunk[..]);
                    this.key.apply(this.pos, &mut buf);
                    this.pos += buf.len() as u64;
                    let drop = usize::try_from(this.skip).map_or(buf.len(), |s| s.min(buf.len()));
                    this.skip -= drop as u64;
                    let out = buf.split_off(drop).freeze();
                    if out.is_empty() {
                        continue;
                    }
                    if this.expect.is_some() {
                        this.crc.update(&out);
                        this.len += out.len() as u64;
                    }
                    return Poll::Ready(Some(Ok(out)));
                }
            }
        }
    }
}
