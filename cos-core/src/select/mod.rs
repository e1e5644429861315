//! SELECT Object Content's event stream: the sans-IO frame [`decode`]r and the typed
//! [`SelectEvent`]s made from its messages. The operation itself is
//! [`Client::select_object_content`](crate::Client::select_object_content)
//! ([`crate::ops::select`]).

pub mod decode;

use bytes::Bytes;
pub use cos_xml::select::SelectStats;

use decode::Message;

/// One event of a SELECT Object Content answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SelectEvent {
    /// A chunk of result records, in the requested output format. Record boundaries
    /// need not match chunk boundaries.
    Records(Bytes),
    /// Progress so far (only when progress was requested).
    Progress(SelectStats),
    /// The final byte counts, just before [`SelectEvent::End`].
    Stats(SelectStats),
    /// A keep-alive sent while the scan finds nothing to return.
    Cont,
    /// The query finished; nothing follows.
    End,
}

/// What a message is.
#[derive(Debug)]
pub(crate) enum Decoded {
    Event(SelectEvent),
    /// An error message: code and text.
    Error {
        code: String,
        message: String,
    },
    /// An event type this client does not know (skipped, for forward compatibility).
    Unknown,
}

/// Interprets one message.
///
/// Errors: a message description for an unreadable Stats/Progress payload or a
/// message type that is neither `event` nor `error`.
pub(crate) fn interpret(m: Message) -> Result<Decoded, String> {
    match m.header(":message-type") {
        Some("error") => Ok(Decoded::Error {
            code: m.header(":error-code").unwrap_or("Unknown").to_owned(),
            message: m.header(":error-message").unwrap_or_default().to_owned(),
        }),
        Some("event") => Ok(match m.header(":event-type") {
            Some("Records") => Decoded::Event(SelectEvent::Records(m.payload)),
            Some(kind @ ("Stats" | "Progress")) => {
                let stats: SelectStats = cos_xml::from_slice(&m.payload)
                    .map_err(|e| format!("the {kind} event's payload is not readable: {e}"))?;
                Decoded::Event(if kind == "Stats" {
                    SelectEvent::Stats(stats)
                } else {
                    SelectEvent::Progress(stats)
                })
            }
            Some("Cont") => Decoded::Event(SelectEvent::Cont),
            Some("End") => Decoded::Event(SelectEvent::End),
            _ => Decoded::Unknown,
        }),
        other => Err(format!(
            "an event-stream message has :message-type {other:?}"
        )),
    }
}
