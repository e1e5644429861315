//! The adapter for object_store **0.13** (feature `object_store_0_13`, on by default):
//! the object_store that DataFusion 53–55 and Polars 0.55 depend on.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use cos_core::{BucketName, Client, Config};
//! use cos_rs_object_store::v0_13::CosObjectStore;
//! use cos_rs_object_store::v0_13::object_store::{ObjectStore, ObjectStoreExt, path::Path};
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
pub use object_store_0_13 as object_store;

pub use self::put::CosMultipartUpload;

/// object_store 0.13's result structs have no `extensions` field.
mod compat {
    use std::ops::Range;

    use super::object_store::path::Path;
    use super::object_store::{
        Attributes, GetResult, GetResultPayload, ListResult, ObjectMeta, PutResult,
    };

    pub(crate) fn put_result(e_tag: Option<String>, version: Option<String>) -> PutResult {
        PutResult { e_tag, version }
    }

    pub(crate) fn list_result(common_prefixes: Vec<Path>, objects: Vec<ObjectMeta>) -> ListResult {
        ListResult {
            common_prefixes,
            objects,
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
        }
    }
}

/// `MultipartStore::create_multipart_opts` does not exist in 0.13.
macro_rules! create_multipart_opts {
    () => {};
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
