//! `get_object_url`: the plain (unsigned) URL of an object.

use crate::client::Client;
use crate::types::{BucketName, ObjectKey};

impl Client {
    /// The unsigned URL of `key` in `bucket`, as this client addresses it: its scheme,
    /// its endpoint or custom domain (or, path-style, the bucket in the path), the key
    /// percent-encoded. Usable as is for public-read objects; nothing is sent.
    ///
    /// ```
    /// # fn run() -> Result<(), cos_core::Error> {
    /// use cos_core::{BucketName, Client, Config, ObjectKey};
    /// let client = Client::new(Config::builder().region("ap-guangzhou").anonymous().build()?)?;
    /// let url = client.get_object_url(
    ///     &BucketName::new("examplebucket-1250000000")?,
    ///     &ObjectKey::new("dir/a b.txt")?,
    /// );
    /// assert_eq!(
    ///     url,
    ///     "https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/dir/a%20b.txt"
    /// );
    /// # Ok(()) }
    /// ```
    pub fn get_object_url(&self, bucket: &BucketName, key: &ObjectKey) -> String {
        let config = self.config();
        let host = config.bucket_host(bucket, &config.endpoint);
        let path = if config.path_style {
            format!("/{bucket}{}", cos_auth::encode::url_path(key.as_str()))
        } else {
            cos_auth::encode::url_path(key.as_str())
        };
        format!("{}://{host}{path}", config.scheme.as_str())
    }
}
