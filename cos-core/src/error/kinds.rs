//! The kinds of client errors: which timeout, which configuration problem, what
//! could not be decoded.

use std::fmt;
use std::time::Duration;

/// Which timeout elapsed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutError {
    /// `read_timeout`: the connection made no progress sending the request or waiting
    /// for the response.
    NoProgress(Duration),
    /// `read_timeout`: no response body data arrived.
    BodyStalled(Duration),
    /// `operation_timeout` elapsed (`reading_body`: while the response body was read).
    Operation {
        /// The operation timeout.
        limit: Duration,
        /// Whether the response body was being read.
        reading_body: bool,
    },
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeoutError::NoProgress(t) => write!(
                f,
                "the connection made no progress for {t:?} sending the request or waiting \
                 for the response"
            ),
            TimeoutError::BodyStalled(t) => write!(f, "no response body data for {t:?}"),
            TimeoutError::Operation {
                limit,
                reading_body,
            } => {
                write!(f, "operation did not finish within {limit:?}")?;
                if *reading_body {
                    f.write_str(" (reading the response body)")?;
                }
                Ok(())
            }
        }
    }
}

/// What makes a configuration (or a request built from it) unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// No credentials (or credentials provider) was given.
    MissingCredentials,
    /// The proxy URL does not parse (its password is redacted here).
    ProxyUrl {
        /// The URL, userinfo redacted.
        url: String,
        /// Why it does not parse, when known.
        reason: Option<String>,
    },
    /// The proxy URL's credentials cannot be sent as a header.
    ProxyCredentials,
    /// `connect_to` is not an `http://host[:port]` / `https://host[:port]` origin.
    ConnectTo {
        /// The address, userinfo redacted.
        address: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The TLS stack cannot be set up (a CA bundle unreadable or invalid, no trusted
    /// root).
    Tls(String),
    /// The region is not a known COS region (a misspelling?); a region opened after
    /// this release is accepted with `ConfigBuilder::allow_unlisted_region(true)`.
    UnknownRegion {
        /// The region given.
        region: String,
        /// The closest known region, when one is near.
        suggestion: Option<&'static str>,
    },
    /// A request cannot be built from the configuration and its headers (e.g. a header
    /// value HTTP does not allow).
    Request(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingCredentials => f.write_str("credentials are required"),
            ConfigError::ProxyUrl { url, reason } => {
                write!(f, "bad proxy URL {url:?}")?;
                match reason {
                    Some(r) => write!(f, ": {r}"),
                    None => Ok(()),
                }
            }
            ConfigError::ProxyCredentials => f.write_str("bad proxy credentials"),
            ConfigError::ConnectTo { address, reason } => write!(
                f,
                "bad connect_to address {address:?}: {reason}; give an origin such as \
                 \"http://127.0.0.1:9000\" or \"https://gateway.example.com:443\""
            ),
            ConfigError::Tls(e) => write!(f, "TLS setup: {e}"),
            ConfigError::UnknownRegion { region, suggestion } => {
                write!(f, "unknown region {region:?}")?;
                if let Some(s) = suggestion {
                    write!(f, " (did you mean {s:?}?)")?;
                }
                f.write_str("; a new region is accepted with allow_unlisted_region(true)")
            }
            ConfigError::Request(e) => write!(f, "cannot build request: {e}"),
        }
    }
}

/// Why a response could not be decoded: a message, and the parser's error as the
/// [`source`](std::error::Error::source) of the [`Error::Decode`](crate::Error::Decode) holding it.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// What could not be decoded.
    pub message: String,
    /// The parser's error, when one caused it.
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl From<&str> for DecodeError {
    fn from(message: &str) -> Self {
        DecodeError {
            message: message.to_owned(),
            source: None,
        }
    }
}

impl From<String> for DecodeError {
    fn from(message: String) -> Self {
        DecodeError {
            message,
            source: None,
        }
    }
}
