//! Signing and verifying [`http::Request`] values (feature `http`).

use crate::Credentials;
use crate::encode::{decode_path, decode_query};
use crate::qsign::{
    CredentialLookup, KeyTime, ReceivedRequest, SignableRequest, Signature, SigningSettings,
    Verified, VerifyError, sign, verify,
};

/// Why an `http::Request` could not be signed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpSignError {
    /// A header that would be signed is not valid UTF-8.
    #[error("header {0} is not valid UTF-8")]
    NonUtf8Header(String),
    /// The produced value could not be put into a header (the credentials' secret id
    /// or token holds a character HTTP forbids); the cause is the `source()`.
    #[error("a signature header value is not valid in HTTP")]
    InvalidHeaderValue(#[from] http::header::InvalidHeaderValue),
}

/// The headers as text, plus `host` from the URI when absent. Errors: the name of a
/// header whose value is not UTF-8.
fn collect_headers<B>(req: &http::Request<B>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::with_capacity(req.headers().len() + 1);
    for (k, v) in req.headers() {
        let v = v.to_str().map_err(|_| k.as_str().to_owned())?;
        out.push((k.as_str().to_owned(), v.to_owned()));
    }
    if !req.headers().contains_key(http::header::HOST)
        && let Some(auth) = req.uri().authority()
    {
        out.push(("host".to_owned(), auth.as_str().to_owned()));
    }
    Ok(out)
}

fn borrow(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Signs `req` in place: adds `Authorization` (and `x-cos-security-token` for
/// temporary credentials). The path is decoded from the URI; the Host comes from the
/// `Host` header or the URI's authority.
///
/// Errors: [`HttpSignError`] when a header is not UTF-8.
pub fn sign_request<B>(
    req: &mut http::Request<B>,
    credentials: &Credentials,
    key_time: KeyTime,
    settings: &SigningSettings,
) -> Result<Signature, HttpSignError> {
    let headers = collect_headers(req).map_err(HttpSignError::NonUtf8Header)?;
    let query = decode_query(req.uri().query().unwrap_or(""));
    let path = decode_path(req.uri().path());
    let (h, q) = (borrow(&headers), borrow(&query));
    let signable = SignableRequest::new(req.method().as_str(), &path)
        .params(&q)
        .headers(&h);
    let signature = sign(&signable, credentials, key_time, settings);
    for (name, value) in signature.headers() {
        req.headers_mut()
            .insert(name, http::HeaderValue::from_str(value)?);
    }
    Ok(signature)
}

/// Verifies a received `http::Request` at `now` (Unix seconds).
///
/// Errors: [`VerifyError`]; [`VerifyError::NonUtf8Header`] for a header that is not UTF-8.
pub fn verify_request<B, L>(
    req: &http::Request<B>,
    lookup: &L,
    now: u64,
) -> Result<Verified, VerifyError>
where
    L: CredentialLookup + ?Sized,
{
    let headers = collect_headers(req).map_err(VerifyError::NonUtf8Header)?;
    let query = decode_query(req.uri().query().unwrap_or(""));
    let path = decode_path(req.uri().path());
    let (h, q) = (borrow(&headers), borrow(&query));
    let received = ReceivedRequest {
        method: req.method().as_str(),
        path: &path,
        query: &q,
        headers: &h,
    };
    verify(&received, lookup, now)
}
