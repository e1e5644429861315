//! object_store's own integration suite (its `integration` module, as each of its
//! backends runs it) against an in-process emulator, plus the signer, run for every
//! object_store release whose feature is on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(feature = "object_store_0_13")]
mod v0_13 {
    use cos_rs_object_store::v0_13::CosObjectStore;
    use object_store_0_13 as object_store;

    include!("suite.rs");
}

#[cfg(feature = "object_store_0_14")]
mod v0_14 {
    use cos_rs_object_store::v0_14::CosObjectStore;
    use object_store_0_14 as object_store;

    include!("suite.rs");

    suite! {
        multipart_put_part_out_of_order => |s| integration::multipart_put_part_out_of_order(&s, &s);
    }

    /// object_store's `multipart_with_opts` with a metadata name COS accepts (its own
    /// uses `test_key`; see `put_get_attributes_with_cos_metadata_names`):
    /// `create_multipart_opts` keeps attributes and tags.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn multipart_store_with_opts() {
        let (emu, s) = store().await;
        let path = Path::from("test_multipart_with_opts");
        let attributes = Attributes::from_iter([
            (Attribute::Metadata("test-key".into()), "test_value"),
            (Attribute::ContentType, "text/plain"),
        ]);
        let opts = PutMultipartOptions {
            attributes: attributes.clone(),
            ..Default::default()
        };
        let id = s.create_multipart_opts(&path, opts).await.unwrap();
        let p1 = s.put_part(&path, &id, 1, "tail".into()).await.unwrap();
        let p0 = s
            .put_part(&path, &id, 0, vec![7u8; 1 << 20].into())
            .await
            .unwrap();
        s.complete_multipart(&path, &id, vec![p0, p1])
            .await
            .unwrap();
        let got = s.get(&path).await.unwrap();
        assert_eq!(got.attributes, attributes);
        let bytes = got.bytes().await.unwrap();
        assert_eq!(bytes.len(), (1 << 20) + 4);
        assert_eq!(&bytes[1 << 20..], b"tail");
        emu.shutdown().await;
    }
}
