//! Streams of individual list entries beside `into_pages()`: objects, versions,
//! uploads and parts, page after page (with the same progress checks).

use cos_xml::{ObjectSummary, Part, Upload, VersionEntry};
use futures_util::{StreamExt, TryStreamExt};

use super::list::{
    ItemStream, ListMultipartUploads, ListObjectVersions, ListObjects, ListParts, PageStream,
};

/// The items `items` takes out of each page, in order; an error ends the stream.
fn flatten<P, T>(pages: PageStream<P>, items: fn(P) -> Vec<T>) -> ItemStream<T>
where
    P: Send + 'static,
    T: Send + 'static,
{
    pages
        .map_ok(move |page| futures_util::stream::iter(items(page).into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}

impl ListObjects {
    /// Every object of the listing, one at a time, following pages as
    /// [`into_pages`](Self::into_pages) does (common prefixes are in the pages only).
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use futures_util::TryStreamExt;
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let mut objects = client.list_objects(&bucket).prefix("logs/").into_objects();
    /// while let Some(o) = objects.try_next().await? {
    ///     println!("{} {}", o.key, o.size);
    /// }
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn into_objects(self) -> ItemStream<ObjectSummary> {
        flatten(self.into_pages(), |p| p.contents)
    }
}

impl ListObjectVersions {
    /// Every version and delete marker, one at a time, following pages as
    /// [`into_pages`](Self::into_pages) does.
    pub fn into_versions(self) -> ItemStream<VersionEntry> {
        flatten(self.into_pages(), |p| p.entries)
    }
}

impl ListMultipartUploads {
    /// Every upload in progress, one at a time, following pages as
    /// [`into_pages`](Self::into_pages) does.
    pub fn into_uploads(self) -> ItemStream<Upload> {
        flatten(self.into_pages(), |p| p.uploads)
    }
}

impl ListParts {
    /// Every uploaded part, one at a time, following pages as
    /// [`into_pages`](Self::into_pages) does.
    pub fn into_parts(self) -> ItemStream<Part> {
        flatten(self.into_pages(), |p| p.parts)
    }
}
