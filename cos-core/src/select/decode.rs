//! A sans-IO decoder (and encoder) of the event-stream framing SELECT Object Content
//! answers with: feed it bytes as they arrive, in chunks of any size, and take whole
//! messages out. No I/O, no async: the same code serves the client stream, tests and
//! benchmarks.
//!
//! A message is a 12-byte prelude (total length, headers length, CRC-32 of those eight
//! bytes, all big-endian), the headers, the payload and a CRC-32 of everything before
//! it. A header is a 1-byte name length, the name, a 1-byte value type and the value
//! (types 0–9: true, false, byte, short, int, long, bytes, string, timestamp, uuid).
//! Both CRCs are checked (`crc32fast`); any inconsistency is a [`FrameError`] and the
//! decoder stays failed, so a corrupt stream can never yield a wrong message.
//!
//! ```
//! use cos_core::select::decode::{Decoder, Header, HeaderValue, encode};
//!
//! let msg = encode(&[Header::string(":event-type", "Records")], b"a,b\n");
//! let mut d = Decoder::new();
//! for byte in &msg {
//!     d.push(std::slice::from_ref(byte)); // any chunking works
//! }
//! let m = d.next_message()?.expect("one whole message");
//! assert_eq!(m.header(":event-type"), Some("Records"));
//! assert_eq!(&m.payload[..], b"a,b\n");
//! assert!(d.next_message()?.is_none());
//! # Ok::<(), cos_core::select::decode::FrameError>(())
//! ```

use bytes::{Buf, BufMut, Bytes, BytesMut};

/// Prelude (12) + message CRC (4).
const OVERHEAD: usize = 16;
/// Largest message accepted: COS sends records in messages far smaller; a larger
/// length is a corrupt prelude, refused before buffering it.
pub const MAX_MESSAGE: usize = 32 << 20;

/// Why a byte stream is not a valid event stream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The prelude's CRC-32 does not match its first eight bytes.
    #[error("event-stream prelude CRC-32 mismatch: computed {computed:#010x}, sent {sent:#010x}")]
    PreludeCrc {
        /// CRC-32 computed here.
        computed: u32,
        /// CRC-32 in the prelude.
        sent: u32,
    },
    /// The message's CRC-32 does not match its bytes.
    #[error("event-stream message CRC-32 mismatch: computed {computed:#010x}, sent {sent:#010x}")]
    MessageCrc {
        /// CRC-32 computed here.
        computed: u32,
        /// CRC-32 at the end of the message.
        sent: u32,
    },
    /// The prelude's lengths are impossible (too small, too large, headers past the end).
    #[error("event-stream message lengths are invalid: total {total}, headers {headers}")]
    Length {
        /// Total length in the prelude.
        total: u32,
        /// Headers length in the prelude.
        headers: u32,
    },
    /// A header is cut short, names an unknown type or is not UTF-8 where it must be.
    #[error("event-stream header is malformed: {0}")]
    Header(String),
    /// The stream ended in the middle of a message.
    #[error("event stream ended inside a message ({0} bytes left over)")]
    Incomplete(usize),
}

/// The value of a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderValue {
    /// Type 0 / 1.
    Bool(bool),
    /// Type 2.
    Byte(i8),
    /// Type 3.
    Short(i16),
    /// Type 4.
    Int(i32),
    /// Type 5.
    Long(i64),
    /// Type 6.
    Bytes(Bytes),
    /// Type 7.
    String(String),
    /// Type 8: milliseconds since the epoch.
    Timestamp(i64),
    /// Type 9.
    Uuid([u8; 16]),
}

/// One header of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Its name, e.g. `:event-type`.
    pub name: String,
    /// Its value.
    pub value: HeaderValue,
}

impl Header {
    /// A string header.
    pub fn string(name: impl Into<String>, value: impl Into<String>) -> Self {
        Header {
            name: name.into(),
            value: HeaderValue::String(value.into()),
        }
    }
}

/// One decoded message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The headers, in order.
    pub headers: Vec<Header>,
    /// The payload.
    pub payload: Bytes,
}

impl Message {
    /// The value of a string header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find_map(|h| match &h.value {
            HeaderValue::String(s) if h.name == name => Some(s.as_str()),
            _ => None,
        })
    }
}

/// The decoder: push bytes, pull messages.
#[derive(Debug, Default)]
pub struct Decoder {
    buf: BytesMut,
    failed: Option<FrameError>,
}

impl Decoder {
    /// An empty decoder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends bytes received.
    pub fn push(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Bytes held that do not yet make a whole message.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Checks that the stream ended on a message boundary.
    ///
    /// Errors: [`FrameError::Incomplete`] when bytes of a partial message are left.
    pub fn finish(&self) -> Result<(), FrameError> {
        match self.buf.len() {
            0 => Ok(()),
            n => Err(FrameError::Incomplete(n)),
        }
    }

    /// The next whole message, `None` until enough bytes were pushed.
    ///
    /// Errors: a [`FrameError`]; the decoder then keeps failing with it.
    pub fn next_message(&mut self) -> Result<Option<Message>, FrameError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let r = self.decode_one();
        if let Err(e) = &r {
            self.failed = Some(e.clone());
        }
        r
    }

    fn decode_one(&mut self) -> Result<Option<Message>, FrameError> {
        if self.buf.len() < 12 {
            return Ok(None);
        }
        let total = u32::from_be_bytes([self.buf[0], self.buf[1], self.buf[2], self.buf[3]]);
        let headers = u32::from_be_bytes([self.buf[4], self.buf[5], self.buf[6], self.buf[7]]);
        let sent = u32::from_be_bytes([self.buf[8], self.buf[9], self.buf[10], self.buf[11]]);
        let computed = crc32fast::hash(&self.buf[..8]);
        if computed != sent {
            return Err(FrameError::PreludeCrc { computed, sent });
        }
        let (t, h) = (total as usize, headers as usize);
        if !(OVERHEAD..=MAX_MESSAGE).contains(&t) || h > t - OVERHEAD {
            return Err(FrameError::Length { total, headers });
        }
        if self.buf.len() < t {
            self.buf.reserve(t - self.buf.len());
            return Ok(None);
        }
        let sent = u32::from_be_bytes([
            self.buf[t - 4],
            self.buf[t - 3],
            self.buf[t - 2],
            self.buf[t - 1],
        ]);
        let computed = crc32fast::hash(&self.buf[..t - 4]);
        if computed != sent {
            return Err(FrameError::MessageCrc { computed, sent });
        }
        let mut msg = self.buf.split_to(t).freeze();
        msg.advance(12);
        let header_bytes = msg.split_to(h);
        msg.truncate(msg.len() - 4);
        Ok(Some(Message {
            headers: parse_headers(header_bytes)?,
            payload: msg,
        }))
    }
}

fn need(b: &Bytes, n: usize, what: &str) -> Result<(), FrameError> {
    if b.remaining() < n {
        return Err(FrameError::Header(format!("{what} is cut short")));
    }
    Ok(())
}

fn parse_headers(mut b: Bytes) -> Result<Vec<Header>, FrameError> {
    let mut out = Vec::with_capacity(3);
    while b.has_remaining() {
        let n = usize::from(b.get_u8());
        need(&b, n + 1, "a header name")?;
        let name = String::from_utf8(b.split_to(n).to_vec())
            .map_err(|_| FrameError::Header("a header name is not UTF-8".into()))?;
        let value = match b.get_u8() {
            0 => HeaderValue::Bool(true),
            1 => HeaderValue::Bool(false),
            2 => {
                need(&b, 1, "a byte header")?;
                HeaderValue::Byte(b.get_i8())
            }
            3 => {
                need(&b, 2, "a short header")?;
                HeaderValue::Short(b.get_i16())
            }
            4 => {
                need(&b, 4, "an int header")?;
                HeaderValue::Int(b.get_i32())
            }
            5 => {
                need(&b, 8, "a long header")?;
                HeaderValue::Long(b.get_i64())
            }
            8 => {
                need(&b, 8, "a timestamp header")?;
                HeaderValue::Timestamp(b.get_i64())
            }
            t @ (6 | 7) => {
                need(&b, 2, "a header length")?;
                let len = usize::from(b.get_u16());
                need(&b, len, "a header value")?;
                let v = b.split_to(len);
                if t == 6 {
                    HeaderValue::Bytes(v)
                } else {
                    HeaderValue::String(String::from_utf8(v.to_vec()).map_err(|_| {
                        FrameError::Header(format!("the value of {name} is not UTF-8"))
                    })?)
                }
            }
            9 => {
                need(&b, 16, "a uuid header")?;
                let mut u = [0u8; 16];
                b.copy_to_slice(&mut u);
                HeaderValue::Uuid(u)
            }
            t => return Err(FrameError::Header(format!("unknown header type {t}"))),
        };
        out.push(Header { name, value });
    }
    Ok(out)
}

/// Encodes one message (for tests, benchmarks and servers).
///
/// # Panics
///
/// Never: names longer than 255 bytes and string/bytes values longer than 65535 bytes
/// are cut to fit the format.
pub fn encode(headers: &[Header], payload: &[u8]) -> Vec<u8> {
    let mut hb = BytesMut::new();
    for h in headers {
        let name = &h.name.as_bytes()[..h.name.len().min(255)];
        hb.put_u8(name.len() as u8);
        hb.put_slice(name);
        match &h.value {
            HeaderValue::Bool(true) => hb.put_u8(0),
            HeaderValue::Bool(false) => hb.put_u8(1),
            HeaderValue::Byte(v) => {
                hb.put_u8(2);
                hb.put_i8(*v);
            }
            HeaderValue::Short(v) => {
                hb.put_u8(3);
                hb.put_i16(*v);
            }
            HeaderValue::Int(v) => {
                hb.put_u8(4);
                hb.put_i32(*v);
            }
            HeaderValue::Long(v) => {
                hb.put_u8(5);
                hb.put_i64(*v);
            }
            HeaderValue::Timestamp(v) => {
                hb.put_u8(8);
                hb.put_i64(*v);
            }
            HeaderValue::Bytes(v) => put_sized(&mut hb, 6, v),
            HeaderValue::String(v) => put_sized(&mut hb, 7, v.as_bytes()),
            HeaderValue::Uuid(v) => {
                hb.put_u8(9);
                hb.put_slice(v);
            }
        }
    }
    let total = 12 + hb.len() + payload.len() + 4;
    let mut m = Vec::with_capacity(total);
    m.put_u32(total as u32);
    m.put_u32(hb.len() as u32);
    let crc = crc32fast::hash(&m);
    m.put_u32(crc);
    m.put_slice(&hb);
    m.put_slice(payload);
    let crc = crc32fast::hash(&m);
    m.put_u32(crc);
    m
}

fn put_sized(b: &mut BytesMut, t: u8, v: &[u8]) {
    let v = &v[..v.len().min(usize::from(u16::MAX))];
    b.put_u8(t);
    b.put_u16(v.len() as u16);
    b.put_slice(v);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn header_value() -> impl Strategy<Value = HeaderValue> {
        prop_oneof![
            any::<bool>().prop_map(HeaderValue::Bool),
            any::<i8>().prop_map(HeaderValue::Byte),
            any::<i16>().prop_map(HeaderValue::Short),
            any::<i32>().prop_map(HeaderValue::Int),
            any::<i64>().prop_map(HeaderValue::Long),
            proptest::collection::vec(any::<u8>(), 0..40)
                .prop_map(|v| HeaderValue::Bytes(Bytes::from(v))),
            ".{0,30}".prop_map(HeaderValue::String),
            any::<i64>().prop_map(HeaderValue::Timestamp),
            any::<[u8; 16]>().prop_map(HeaderValue::Uuid),
        ]
    }

    fn message() -> impl Strategy<Value = Message> {
        (
            proptest::collection::vec(("[:a-z-]{1,20}", header_value()), 0..5),
            proptest::collection::vec(any::<u8>(), 0..300),
        )
            .prop_map(|(hs, p)| Message {
                headers: hs
                    .into_iter()
                    .map(|(name, value)| Header { name, value })
                    .collect(),
                payload: Bytes::from(p),
            })
    }

    /// Feeds `data` in chunks of the given sizes (cycled) and collects what comes out.
    fn feed(data: &[u8], sizes: &[usize]) -> (Vec<Message>, Option<FrameError>, Decoder) {
        let mut d = Decoder::new();
        let mut out = Vec::new();
        let mut pos = 0;
        let mut i = 0;
        while pos < data.len() {
            let n = sizes[i % sizes.len()].max(1).min(data.len() - pos);
            d.push(&data[pos..pos + n]);
            pos += n;
            i += 1;
            loop {
                match d.next_message() {
                    Ok(Some(m)) => out.push(m),
                    Ok(None) => break,
                    Err(e) => return (out, Some(e), d),
                }
            }
        }
        (out, None, d)
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_and_chunkings_never_panic(
            data in proptest::collection::vec(any::<u8>(), 0..2000),
            sizes in proptest::collection::vec(1usize..64, 1..8),
        ) {
            let (_, err, d) = feed(&data, &sizes);
            if err.is_none() {
                // Whatever is left is a partial message, reported by finish.
                prop_assert_eq!(d.finish().is_ok(), d.buffered() == 0);
            }
        }

        #[test]
        fn valid_streams_round_trip_under_any_chunking(
            msgs in proptest::collection::vec(message(), 0..6),
            sizes in proptest::collection::vec(1usize..100, 1..8),
        ) {
            let wire: Vec<u8> = msgs.iter().flat_map(|m| encode(&m.headers, &m.payload)).collect();
            let (out, err, d) = feed(&wire, &sizes);
            prop_assert!(err.is_none(), "{:?}", err);
            prop_assert_eq!(out, msgs);
            prop_assert!(d.finish().is_ok());
        }

        #[test]
        fn any_flipped_bit_fails_cleanly(
            msgs in proptest::collection::vec(message(), 1..4),
            at in any::<prop::sample::Index>(),
            bit in 0u8..8,
        ) {
            let wire: Vec<u8> = msgs.iter().flat_map(|m| encode(&m.headers, &m.payload)).collect();
            let mut bad = wire.clone();
            let i = at.index(bad.len());
            bad[i] ^= 1 << bit;
            let (out, err, d) = feed(&bad, &[7]);
            // Never a wrong message: an error, or (a length grown past the end) an
            // incomplete stream; messages before the flipped one are intact.
            prop_assert!(err.is_some() || d.finish().is_err());
            prop_assert!(out.len() < msgs.len());
            prop_assert_eq!(&out[..], &msgs[..out.len()]);
        }

        #[test]
        fn a_stream_cut_short_is_incomplete(
            msgs in proptest::collection::vec(message(), 1..4),
            cut in any::<prop::sample::Index>(),
        ) {
            let wire: Vec<u8> = msgs.iter().flat_map(|m| encode(&m.headers, &m.payload)).collect();
            let cut = cut.index(wire.len());
            let (out, err, d) = feed(&wire[..cut], &[13]);
            prop_assert!(err.is_none());
            prop_assert!(out.len() < msgs.len());
            let boundary: usize = msgs[..out.len()].iter().map(|m| encode(&m.headers, &m.payload).len()).sum();
            prop_assert_eq!(d.finish().is_err(), cut > boundary);
        }
    }

    #[test]
    fn lengths_are_checked_before_buffering() {
        let mut prelude = Vec::new();
        prelude.extend_from_slice(&u32::MAX.to_be_bytes());
        prelude.extend_from_slice(&0u32.to_be_bytes());
        let crc = crc32fast::hash(&prelude);
        prelude.extend_from_slice(&crc.to_be_bytes());
        let mut d = Decoder::new();
        d.push(&prelude);
        assert!(matches!(d.next_message(), Err(FrameError::Length { .. })));
        // The decoder stays failed.
        assert!(d.next_message().is_err());
    }
}
