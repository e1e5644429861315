//! Presigned URLs through cos-core (q-sign in the query; the STS token, when the
//! credentials have one, as the signed `x-cos-security-token` parameter).

use std::time::Duration;

use super::object_store;
use async_trait::async_trait;
use http::Method;
use object_store::Result;
use object_store::path::Path;
use object_store::signer::Signer;
use url::Url;

use super::CosObjectStore;
use super::error::{generic, map};

#[async_trait]
impl Signer for CosObjectStore {
    async fn signed_url(&self, method: Method, path: &Path, expires_in: Duration) -> Result<Url> {
        let key = self.key(path)?;
        let signed = self
            .client
            .get_presigned_url(method.as_str(), &self.bucket, &key)
            .expires(expires_in)
            .build()
            .await
            .map_err(|e| map(path.as_ref(), e))?;
        Url::parse(&signed.url).map_err(|e| generic(format!("presigned URL for {path}: {e}")))
    }
}
