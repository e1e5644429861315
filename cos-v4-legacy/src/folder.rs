//! Folder operations: create, stat, update, list (also as a stream of pages), delete.

use std::collections::HashSet;

use bytes::Bytes;
use futures_util::Stream;
use http::Method;

use crate::client::{Call, CosClient, Payload, Signing};
use crate::error::{Error, Result};
use crate::file::delete;
use crate::path;
use crate::types::{FolderStat, ListPage};
use crate::wire::Json;

/// The most members one list request may ask for.
pub const MAX_LIST_NUM: u32 = 199;

/// A folder request addressed by bucket and path.
#[derive(Debug, Clone)]
struct FolderTarget {
    client: CosClient,
    bucket: String,
    cos_path: String,
}

impl FolderTarget {
    async fn post_json(
        &self,
        operation: &'static str,
        fields: Vec<(String, Json)>,
        signing: Signing,
    ) -> Result<()> {
        let body = Json::Object(fields).dumps();
        self.client
            .call(Call {
                operation,
                method: Method::POST,
                bucket: &self.bucket,
                cos_path: &self.cos_path,
                query: &[],
                payload: Payload::Typed("application/json".into(), Bytes::from(body)),
                signing,
            })
            .await?;
        Ok(())
    }
}

/// `create_folder`: see [`CosClient::create_folder`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct CreateFolder {
    target: FolderTarget,
    biz_attr: String,
}

impl CreateFolder {
    /// Sets the folder's note (default empty).
    pub fn biz_attr(mut self, biz_attr: impl Into<String>) -> Self {
        self.biz_attr = biz_attr.into();
        self
    }

    /// Creates the folder.
    ///
    /// Errors: [`Error::Params`] for a bad path; the service's codes (e.g. when it exists).
    pub async fn send(self) -> Result<()> {
        path::check_folder(&self.target.cos_path)?;
        self.target
            .post_json(
                "V4CreateFolder",
                vec![
                    ("biz_attr".into(), Json::Str(self.biz_attr.clone())),
                    ("op".into(), Json::Str("create".into())),
                ],
                Signing::More,
            )
            .await
    }
}

/// `stat_folder`: see [`CosClient::stat_folder`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct StatFolder(FolderTarget);

impl StatFolder {
    /// Gets the attributes.
    ///
    /// Errors: [`Error::Params`] for a bad path; the service's codes.
    pub async fn send(self) -> Result<FolderStat> {
        let t = self.0;
        path::check_folder(&t.cos_path)?;
        t.client
            .call(Call {
                operation: "V4StatFolder",
                method: Method::GET,
                bucket: &t.bucket,
                cos_path: &t.cos_path,
                query: &[("op", "stat")],
                payload: Payload::Empty,
                signing: Signing::More,
            })
            .await?
            .data()
    }
}

/// `update_folder`: see [`CosClient::update_folder`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct UpdateFolder {
    target: FolderTarget,
    biz_attr: String,
}

impl UpdateFolder {
    /// Sets the note.
    pub fn biz_attr(mut self, biz_attr: impl Into<String>) -> Self {
        self.biz_attr = biz_attr.into();
        self
    }

    /// Updates the folder (a once-signed request).
    ///
    /// Errors: [`Error::Params`] for a bad path; the service's codes.
    pub async fn send(self) -> Result<()> {
        path::check_folder(&self.target.cos_path)?;
        self.target
            .post_json(
                "V4UpdateFolder",
                vec![
                    ("biz_attr".into(), Json::Str(self.biz_attr.clone())),
                    ("op".into(), Json::Str("update".into())),
                ],
                Signing::Once,
            )
            .await
    }
}

/// `del_folder`: see [`CosClient::del_folder`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct DelFolder(FolderTarget);

impl DelFolder {
    /// Deletes the (empty) folder.
    ///
    /// Errors: [`Error::Params`] for a bad path or the bucket root `/`; the service's
    /// codes (e.g. when the folder is not empty).
    pub async fn send(self) -> Result<()> {
        let t = self.0;
        path::check_folder(&t.cos_path)?;
        if t.cos_path == "/" {
            return Err(Error::params("the bucket root cannot be deleted"));
        }
        delete(&t.client, &t.bucket, &t.cos_path, "V4DelFolder").await
    }
}

/// `list_folder`: see [`CosClient::list_folder`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await or .into_stream()"]
pub struct ListFolder {
    target: FolderTarget,
    num: u32,
    prefix: String,
    context: String,
}

impl ListFolder {
    /// Members per page, 1 to [`MAX_LIST_NUM`] (default 199).
    pub fn num(mut self, num: u32) -> Self {
        self.num = num;
        self
    }

    /// Only members whose names start with `prefix`.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The `context` of the previous page (empty for the first page).
    pub fn context(mut self, context: impl Into<String>) -> Self {
        self.context = context.into();
        self
    }

    fn check(&self) -> Result<()> {
        path::check_folder(&self.target.cos_path)?;
        if self.num == 0 || self.num > MAX_LIST_NUM {
            return Err(Error::params(format!(
                "num must be between 1 and {MAX_LIST_NUM}, not {}",
                self.num
            )));
        }
        if self.prefix.contains('/') {
            return Err(Error::params("prefix must not contain /"));
        }
        Ok(())
    }

    /// Gets one page.
    ///
    /// Errors: [`Error::Params`] for a bad path, `num` or prefix; the service's codes.
    pub async fn send(self) -> Result<ListPage> {
        self.check()?;
        self.page(&self.context).await
    }

    async fn page(&self, context: &str) -> Result<ListPage> {
        let t = &self.target;
        let list_path = format!("{}{}", t.cos_path, self.prefix);
        let num = self.num.to_string();
        t.client
            .call(Call {
                operation: "V4ListFolder",
                method: Method::GET,
                bucket: &t.bucket,
                cos_path: &list_path,
                query: &[("num", &num), ("context", context), ("op", "list")],
                payload: Payload::Empty,
                signing: Signing::More,
            })
            .await?
            .data()
    }

    /// Every page, from `context` on, until the page with `listover`.
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// use futures_util::TryStreamExt;
    /// let mut pages = std::pin::pin!(client.list_folder("mybucket", "/sample_folder/").num(50).into_stream());
    /// while let Some(page) = pages.try_next().await? {
    ///     for entry in page.infos {
    ///         println!("{}{}", entry.name, if entry.is_folder() { "/" } else { "" });
    ///     }
    /// }
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn into_stream(self) -> impl Stream<Item = Result<ListPage>> + Send + 'static {
        let context = Some(self.context.clone());
        // Every context asked for so far: an answer naming one again would list forever.
        let seen = HashSet::from([self.context.clone()]);
        let state = (self, context, seen);
        futures_util::stream::try_unfold(state, |(list, context, mut seen)| async move {
            let Some(context) = context else {
                return Ok(None);
            };
            list.check()?;
            let page = list.page(&context).await?;
            let next = if page.listover || page.context.is_empty() {
                None
            } else if !seen.insert(page.context.clone()) {
                return Err(Error::Network {
                    status: None,
                    message: format!(
                        "list_folder answered context {:?} again without listover: the listing does not advance",
                        page.context
                    ),
                });
            } else {
                Some(page.context.clone())
            };
            Ok(Some((page, (list, next, seen))))
        })
    }
}

impl CosClient {
    fn folder_target(&self, bucket: &str, cos_path: &str) -> FolderTarget {
        FolderTarget {
            client: self.clone(),
            bucket: bucket.to_owned(),
            cos_path: cos_path.to_owned(),
        }
    }

    /// Creates a folder (`cos_path` ends with `/`).
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// # client.del_folder("mybucket", "/sample_folder/").send().await?;
    /// client.create_folder("mybucket", "/sample_folder/").biz_attr("demo").send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn create_folder(&self, bucket: &str, cos_path: &str) -> CreateFolder {
        CreateFolder {
            target: self.folder_target(bucket, cos_path),
            biz_attr: String::new(),
        }
    }

    /// Gets a folder's attributes.
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// let stat = client.stat_folder("mybucket", "/sample_folder/").send().await?;
    /// println!("{} {}", stat.name, stat.biz_attr);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn stat_folder(&self, bucket: &str, cos_path: &str) -> StatFolder {
        StatFolder(self.folder_target(bucket, cos_path))
    }

    /// Updates a folder's note.
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// client
    ///     .update_folder("mybucket", "/sample_folder/")
    ///     .biz_attr("This is a test directory")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn update_folder(&self, bucket: &str, cos_path: &str) -> UpdateFolder {
        UpdateFolder {
            target: self.folder_target(bucket, cos_path),
            biz_attr: String::new(),
        }
    }

    /// Lists a folder's members, one page per request (see
    /// [`ListFolder::into_stream`] for all pages).
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// # client.upload_bytes("mybucket", "/sample_folder/test.txt", "hello").send().await?;
    /// let page = client
    ///     .list_folder("mybucket", "/sample_folder/")
    ///     .num(100)
    ///     .prefix("test")
    ///     .send()
    ///     .await?;
    /// println!("{} members, last page: {}", page.infos.len(), page.listover);
    /// # assert_eq!(page.infos.len(), 1);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn list_folder(&self, bucket: &str, cos_path: &str) -> ListFolder {
        ListFolder {
            target: self.folder_target(bucket, cos_path),
            num: MAX_LIST_NUM,
            prefix: String::new(),
            context: String::new(),
        }
    }

    /// Deletes an empty folder (a once-signed request).
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// client.del_folder("mybucket", "/sample_folder/").send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn del_folder(&self, bucket: &str, cos_path: &str) -> DelFolder {
        DelFolder(self.folder_target(bucket, cos_path))
    }
}
