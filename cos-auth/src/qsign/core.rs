//! The one HttpString → StringToSign → HMAC core shared by [`sign`](super::sign),
//! [`presign_url`](super::presign_url) and [`verify`](super::verify), and the one
//! writer of the authorization string.
//!
//! Each layout (HttpString, StringToSign) is written in one place, as a sequence of
//! byte pieces fed to a sink: the hashers on the hot path, a `String` for
//! [`Intermediates`](super::Intermediates). So what is hashed and what is shown cannot
//! drift apart.

use hmac::Mac;
use sha1::{Digest, Sha1};

use super::key::{SigningKey, write_key_time};
use super::key_time::KeyTime;
use crate::encode::hex_into;

/// A request in canonical form: the four lines of the HttpString, without newlines.
#[derive(Debug, Clone, Copy)]
pub(super) struct HttpParts<'a> {
    /// The HTTP method, any case (it is lowercased here).
    pub(super) method: &'a str,
    /// The signed path ([`signed_path`](crate::encode::signed_path) of the key).
    pub(super) path: &'a str,
    /// `name=value&…` of the signed parameters: encoded, names lowercased, sorted.
    pub(super) params: &'a str,
    /// `name=value&…` of the signed headers, in the same form.
    pub(super) headers: &'a str,
}

impl HttpParts<'_> {
    /// Feeds `lower(method)\n{path}\n{params}\n{headers}\n` to `out`.
    fn write(&self, out: &mut impl FnMut(&[u8])) {
        // Lowercased through a stack buffer: methods are short, and this is the hot path.
        let mut buf = [0u8; 16];
        for chunk in self.method.as_bytes().chunks(buf.len()) {
            let lower = &mut buf[..chunk.len()];
            lower.copy_from_slice(chunk);
            lower.make_ascii_lowercase();
            out(lower);
        }
        for piece in [self.path, self.params, self.headers] {
            out(b"\n");
            out(piece.as_bytes());
        }
        out(b"\n");
    }

    /// The HttpString as text.
    pub(super) fn http_string(&self) -> String {
        let mut s = Vec::with_capacity(
            self.method.len() + self.path.len() + self.params.len() + self.headers.len() + 4,
        );
        self.write(&mut |b| s.extend_from_slice(b));
        // Every piece is UTF-8 and the lowercasing is ASCII-only.
        String::from_utf8_lossy(&s).into_owned()
    }
}

/// Feeds `sha1\n{sign time}\n{hex(SHA1(HttpString))}\n` to `out`.
fn write_string_to_sign(sign_time: &[u8], http_sha1: &[u8; 40], out: &mut impl FnMut(&[u8])) {
    out(b"sha1\n");
    out(sign_time);
    out(b"\n");
    out(http_sha1);
    out(b"\n");
}

/// What the core computes for one request.
pub(super) struct Digests {
    http_string_sha1: [u8; 40],
    signature: [u8; 40],
}

impl Digests {
    /// Lowercase hex SHA-1 of the HttpString.
    pub(super) fn http_string_sha1(&self) -> &str {
        std::str::from_utf8(&self.http_string_sha1).unwrap_or_default()
    }

    /// The signature, lowercase hex (`q-signature`).
    pub(super) fn signature(&self) -> &str {
        std::str::from_utf8(&self.signature).unwrap_or_default()
    }

    /// The signature as bytes, for a constant-time comparison.
    pub(super) fn signature_bytes(&self) -> &[u8; 40] {
        &self.signature
    }

    /// The StringToSign these digests were computed from.
    pub(super) fn string_to_sign(&self, sign_time: KeyTime) -> String {
        let mut buf = [0u8; 41];
        let mut s = Vec::with_capacity(90);
        write_string_to_sign(
            write_key_time(sign_time, &mut buf),
            &self.http_string_sha1,
            &mut |b| s.extend_from_slice(b),
        );
        String::from_utf8_lossy(&s).into_owned()
    }
}

/// The signature of `parts` valid during `sign_time` under `key`:
/// `hex(HMAC-SHA1(SignKey, "sha1\n{sign_time}\n{hex(SHA1(HttpString))}\n"))`.
///
/// Signing passes the key's own key time as `sign_time`; a verifier passes the received
/// `q-sign-time`, which the official SDKs set equal to `q-key-time`.
pub(super) fn compute(parts: &HttpParts<'_>, sign_time: KeyTime, key: &SigningKey) -> Digests {
    let mut sha = Sha1::new();
    parts.write(&mut |b| sha.update(b));
    let mut http_string_sha1 = [0u8; 40];
    hex_into(&sha.finalize(), &mut http_string_sha1);
    let mut buf = [0u8; 41];
    let sign_time_text = if sign_time == key.key_time() {
        key.key_time_text()
    } else {
        write_key_time(sign_time, &mut buf)
    };
    let mut mac = key.mac();
    write_string_to_sign(sign_time_text, &http_string_sha1, &mut |b| mac.update(b));
    let mut signature = [0u8; 40];
    hex_into(&mac.finalize().into_bytes(), &mut signature);
    Digests {
        http_string_sha1,
        signature,
    }
}

/// The authorization string (the `Authorization` header value, and the `q-*` fields
/// of a presigned URL in this order), with `q-sign-time` = `q-key-time` as the
/// official SDKs send it.
pub(super) fn authorization(
    secret_id: &str,
    key: &SigningKey,
    header_list: &str,
    param_list: &str,
    signature: &str,
) -> String {
    // Key time text is ASCII digits and `;`.
    let kt = std::str::from_utf8(key.key_time_text()).unwrap_or_default();
    let mut a = String::with_capacity(
        130 + 2 * kt.len() + secret_id.len() + header_list.len() + param_list.len(),
    );
    for piece in [
        "q-sign-algorithm=sha1&q-ak=",
        secret_id,
        "&q-sign-time=",
        kt,
        "&q-key-time=",
        kt,
        "&q-header-list=",
        header_list,
        "&q-url-param-list=",
        param_list,
        "&q-signature=",
        signature,
    ] {
        a.push_str(piece);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARTS: HttpParts<'static> = HttpParts {
        method: "PUT",
        path: "/a b",
        params: "acl=",
        headers: "host=h",
    };

    #[test]
    fn http_string_lowercases_the_method_and_ends_each_line() {
        assert_eq!(PARTS.http_string(), "put\n/a b\nacl=\nhost=h\n");
        let long = HttpParts {
            method: "VERY-LONG-CUSTOM-METHOD-NAME",
            ..PARTS
        };
        assert!(
            long.http_string()
                .starts_with("very-long-custom-method-name\n")
        );
    }

    #[test]
    fn digests_are_those_of_the_shown_strings() {
        let kt = KeyTime::new(1, 2).unwrap();
        let key = SigningKey::derive("secret", kt);
        for sign_time in [kt, KeyTime::new(1, 3).unwrap()] {
            let d = compute(&PARTS, sign_time, &key);
            let mut sha = [0u8; 40];
            hex_into(&Sha1::digest(PARTS.http_string().as_bytes()), &mut sha);
            assert_eq!(d.http_string_sha1().as_bytes(), sha);
            let sts = d.string_to_sign(sign_time);
            assert_eq!(
                sts,
                format!("sha1\n{sign_time}\n{}\n", d.http_string_sha1())
            );
            let mut mac = key.mac();
            mac.update(sts.as_bytes());
            let mut sig = [0u8; 40];
            hex_into(&mac.finalize().into_bytes(), &mut sig);
            assert_eq!(d.signature().as_bytes(), sig);
        }
    }
}
