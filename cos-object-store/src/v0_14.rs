//! The adapter for object_store **0.14** (feature `object_store_0_14`).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use cos_core::{BucketName, Client, Config};
//! use cos_rs_object_store::v0_14::CosObjectStore;
//! use cos_rs_object_store::v0_14::object_store::{ObjectStore, ObjectStoreExt, path::Path};
//! # let emulator = cos_emulator::Emulator::builder().region("ap-guangzhou").start().await?;
//!
//! let client = Client::new(
//!     Config::builder()
//!         .region("ap-guangzhou")
//! #       .credentials(cos_core::auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE")?)
//! #       .connect_to(emulator.endpoint())
//!         // real COS: .credentials_provider(cos_core::auth::EnvProvider::new())
//!         .build()?,
//! )?;
//! let bucket = BucketName::new("examplebucket-1250000000")?;
//! # client.put_bucket(&bucket).send().await?;
//! let store = CosObjectStore::new(client, bucket);
//! store.put(&Path::from("data/hello.txt"), "hello".into()).await?;
//! let bytes = store.get(&Path::from("data/hello.txt")).await?.bytes().await?;
//! assert_eq!(&bytes[..], b"hello");
//! # emulator.shutdown().await;
//! # Ok(()) }
//! ```

/// The object_store release this module implements (a re-export, so that callers
/// name the same traits).
pub use object_store_0_14 as object_store;

pub use self::put::CosMultipartUpload;

/// object_store 0.14's result structs carry `extensions` (left empty).
mod compat {
    use std::ops::Range;

    use super::object_store::path::Path;
    use super::object_store::{
        Attributes, GetResult, GetResultPayload, ListResult, ObjectMeta, PutResult,
    };

    pub(crate) fn put_result(e_tag: Option<String>, version: Option<String>) -> PutResult {
        PutResult {
            e_tag,
            version,
            extensions: Default::default(),
        }
    }

    pub(crate) fn list_result(common_prefixes: Vec<Path>, objects: Vec<ObjectMeta>) -> ListResult {
        ListResult {
            common_prefixes,
            objects,
            extensions: Default::default(),
        }
    }

    pub(crate) fn get_result(
        payload: GetResultPayload,
        meta: ObjectMeta,
        range: Range<u64>,
        attributes: Attributes,
    ) -> GetResult {
        GetResult {
            payload,
            meta,
            range,
            attributes,
            extensions: Default::default(),
        }
    }
}

/// `MultipartStore::create_multipart_opts` (new in 0.14): Initiate Multipart Upload
/// with the attributes and tags. Written as `async_trait` expands an `async fn`, since
/// it is spliced into an impl that `#[async_trait]` has already rewritten.
macro_rules! create_multipart_opts {
    () => {
        fn create_multipart_opts<'life0, 'life1, 'async_trait>(
            &'life0 self,
            path: &'life1 Path,
            opts: PutMultipartOptions,
        ) -> ::std::pin::Pin<
            Box<dyn ::std::future::Future<Output = Result<MultipartId>> + Send + 'async_trait>,
        >
        where
            'life0: 'async_trait,
            'life1: 'async_trait,
            Self: 'async_trait,
        {
            Box::pin(async move { self.initiate(path, opts).await })
        }
    };
}

#[path = "imp/error.rs"]
mod error;
#[path = "imp/get.rs"]
mod get;
#[path = "imp/list.rs"]
mod list;
#[path = "imp/multipart.rs"]
mod multipart;
#[path = "imp/put.rs"]
mod put;
#[cfg(feature = "signer")]
#[path = "imp/signer.rs"]
mod signer;

include!("imp/root.rs");
