//! [`Authorizer`]: step 3 of an attempt, the `Authorization` (and, for temporary
//! credentials, token) headers — computed afresh for every attempt, so a retry is
//! signed again.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use cos_auth::qsign::{SignableRequest, SigningKeyCache, SigningSettings, sign_with_key};
use cos_auth::{KeyTime, ProvideCredentials};

use super::request::RequestHead;
use crate::error::Error;

/// A callback giving the `Authorization` value of one attempt.
pub type AuthorizeFn = Arc<dyn Fn(&RequestHead<'_>) -> String + Send + Sync>;

/// How the requests of a [`Transport`](super::Transport) are authorized.
///
/// ```
/// use cos_core::transport::Authorizer;
/// // The v4 API: the value comes from the caller's signer, once per attempt.
/// let v4 = Authorizer::header(|_head| "signature".to_owned());
/// // The XML API: q-sign from a credentials provider, signatures valid for an hour.
/// let creds = cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE")?;
/// let xml = Authorizer::q_sign(std::sync::Arc::new(creds), std::time::Duration::from_secs(3600));
/// assert!(format!("{xml:?}").contains("QSign"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Authorizer {
    /// No authorization header.
    #[default]
    None,
    /// COS q-sign (`q-sign-algorithm=sha1`): the signed path and parameters are those a
    /// server decodes from the request's path and query.
    QSign(QSign),
    /// `Authorization` set to what the callback returns (e.g. a v4 signature).
    Header(AuthorizeFn),
}

impl fmt::Debug for Authorizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Authorizer::None => f.write_str("Authorizer::None"),
            Authorizer::QSign(q) => q.fmt(f),
            Authorizer::Header(_) => f.write_str("Authorizer::Header"),
        }
    }
}

/// The q-sign authorizer: credentials, a signing-key cache, the signature lifetime.
#[derive(Clone)]
pub struct QSign {
    credentials: Arc<dyn ProvideCredentials>,
    keys: Arc<SigningKeyCache>,
    expiry: Duration,
}

impl fmt::Debug for QSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QSign")
            .field("credentials", &self.credentials)
            .field("expiry", &self.expiry)
            .finish_non_exhaustive()
    }
}

impl Authorizer {
    /// q-sign with credentials from `credentials`, each signature valid for `expiry`.
    pub fn q_sign(credentials: Arc<dyn ProvideCredentials>, expiry: Duration) -> Self {
        Authorizer::QSign(QSign {
            credentials,
            keys: Arc::new(SigningKeyCache::new()),
            expiry,
        })
    }

    /// `Authorization` from `f`, called once per attempt.
    pub fn header(f: impl Fn(&RequestHead<'_>) -> String + Send + Sync + 'static) -> Self {
        Authorizer::Header(Arc::new(f))
    }

    /// The headers authorizing `head`.
    ///
    /// Errors: [`Error::Credentials`] when the provider fails.
    pub(crate) async fn authorize(
        &self,
        head: &RequestHead<'_>,
    ) -> Result<Vec<(&'static str, String)>, Error> {
        match self {
            Authorizer::None => Ok(Vec::new()),
            Authorizer::Header(f) => Ok(vec![("authorization", f(head))]),
            Authorizer::QSign(q) => q.sign(head).await,
        }
    }
}

impl QSign {
    async fn sign(&self, head: &RequestHead<'_>) -> Result<Vec<(&'static str, String)>, Error> {
        let creds = self.credentials.provide_credentials().await?;
        let key_time = KeyTime::aligned(cos_auth::qsign::unix_now(), self.expiry.as_secs());
        let signing_key = self.keys.get(&creds, key_time);
        let (path, query) = head
            .path_and_query
            .split_once('?')
            .unwrap_or((head.path_and_query, ""));
        // What a server reads back (cos-auth's contract): the decoded path and params.
        let path = cos_auth::encode::decode_path(path);
        let params = cos_auth::encode::decode_query(query);
        let q: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let h: Vec<(&str, &str)> = head
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let signable = SignableRequest::new(head.method.as_str(), &path)
            .params(&q)
            .headers(&h);
        let signature = sign_with_key(&signable, &creds, &signing_key, &SigningSettings::default());
        Ok(signature
            .headers()
            .map(|(k, v)| (k, v.to_owned()))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cos_auth::qsign::{ReceivedRequest, verify};

    #[tokio::test]
    async fn q_sign_signs_what_a_server_decodes() {
        let creds = cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap();
        let auth = Authorizer::q_sign(Arc::new(creds.clone()), Duration::from_secs(600));
        let headers = [
            (
                "Host".to_owned(),
                "b-1.cos.ap-guangzhou.myqcloud.com".to_owned(),
            ),
            ("Content-Length".to_owned(), "3".to_owned()),
        ];
        let head = RequestHead {
            method: &http::Method::PUT,
            path_and_query: "/dir/a%20b%2Bc.txt?x-id=1&prefix=a+b",
            headers: &headers,
            attempt: 1,
        };
        let signed = auth.authorize(&head).await.unwrap();
        let value = &signed
            .iter()
            .find(|(k, _)| *k == "authorization")
            .unwrap()
            .1;
        let params = [("x-id", "1"), ("prefix", "a b")];
        let h = [
            ("host", "b-1.cos.ap-guangzhou.myqcloud.com"),
            ("content-length", "3"),
            ("authorization", value.as_str()),
        ];
        let received = ReceivedRequest {
            method: "PUT",
            path: "/dir/a b+c.txt",
            query: &params,
            headers: &h,
        };
        let lookup = vec![creds];
        verify(&received, &lookup, cos_auth::qsign::unix_now()).unwrap();
        let none = Authorizer::None.authorize(&head).await.unwrap();
        assert!(none.is_empty());
        let v4 = Authorizer::header(|h| format!("sig-{}", h.attempt));
        assert_eq!(v4.authorize(&head).await.unwrap()[0].1, "sig-1");
    }
}
