//! The encryption client's operations against the emulator: what is stored is
//! ciphertext with the envelope, and it reads back whole, by any range, after multipart
//! and after a copy.

use bytes::Bytes;
use cos_core::{BucketName, ObjectKey, ReadOptions, WriteOptions};
use cos_crypto::{ByteRange, CryptoError, EncryptionClient, Envelope, KeyProvider};
use cos_transfer::{CopyOptions, CopySource};
use futures_util::TryStreamExt;

use crate::common::{BUCKET, aes, random, rsa_path, setup};

fn names(key: &str) -> (BucketName, ObjectKey) {
    (
        BucketName::new(BUCKET).unwrap(),
        ObjectKey::new(key).unwrap(),
    )
}

async fn raw(enc: &EncryptionClient, b: &BucketName, k: &ObjectKey) -> Bytes {
    let out = enc.client().get_object(b, k).send().await.unwrap();
    let chunks: Vec<Bytes> = out.body.try_collect().await.unwrap();
    chunks.concat().into()
}

async fn get(enc: &EncryptionClient, b: &BucketName, k: &ObjectKey, r: Option<ByteRange>) -> Bytes {
    let out = enc
        .get_object(b, k, r, &ReadOptions::default())
        .await
        .unwrap();
    out.body.bytes().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_get_head_and_every_range_round_trip() {
    let (_emu, client) = setup().await;
    for (i, provider) in [
        std::sync::Arc::new(aes()) as std::sync::Arc<dyn KeyProvider>,
        std::sync::Arc::new(rsa_path()),
    ]
    .into_iter()
    .enumerate()
    {
        let enc = EncryptionClient::with_provider(client.clone(), provider.clone());
        for len in [0usize, 1, 15, 16, 17, 1000] {
            let (b, k) = names(&format!("rt/{i}/{len}"));
            let data = random(len, len as u64 + 1);
            let write = WriteOptions::default().metadata("owner", "me");
            enc.put_object(&b, &k, data.clone(), &write).await.unwrap();
            let stored = raw(&enc, &b, &k).await;
            assert_eq!(stored.len(), len);
            // A 1-byte object is stored unchanged once in 256 random data keys (a zero
            // keystream byte); from a block on, the chance is nil.
            if len >= 16 {
                assert_ne!(&stored[..], &data[..], "stored in the clear");
            }
            let head = enc
                .head_object(&b, &k, &ReadOptions::default())
                .await
                .unwrap();
            assert_eq!(head.envelope.plaintext_len, Some(len as u64));
            assert_eq!(
                head.envelope.plaintext_crc64,
                Some(cos_crc64::checksum(&data))
            );
            assert!(
                head.head
                    .metadata
                    .iter()
                    .any(|(n, v)| n == "owner" && v == "me")
            );
            // The stored envelope unwraps to the key that encrypted the stored bytes.
            let dk = provider.unwrap(&head.envelope.wrapped).await.unwrap();
            let mut clear = stored.to_vec();
            dk.apply(0, &mut clear);
            assert_eq!(clear, data);
            assert_eq!(&get(&enc, &b, &k, None).await[..], &data[..]);
            if len == 0 {
                continue;
            }
            for (s, e) in [
                (0, None),
                (1, Some(1)),
                (3, Some(20)),
                (15, None),
                (16, Some(16)),
            ] {
                let s = s.min(len as u64 - 1);
                let end = e.map(|e: u64| e.min(len as u64 - 1).max(s));
                let got = get(&enc, &b, &k, Some(ByteRange { start: s, end })).await;
                let want = &data[s as usize..end.map_or(len, |e| e as usize + 1)];
                assert_eq!(&got[..], want, "{len} {s}..={end:?}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multipart_parts_encrypt_independently_in_any_order() {
    let (_emu, client) = setup().await;
    let enc = EncryptionClient::new(client, aes());
    let (b, k) = names("mp/obj");
    let data = random(3 * 1024 * 1024 + 5, 9);
    let part = 1024 * 1024;
    let up = enc
        .create_multipart_upload(&b, &k, part, &WriteOptions::default())
        .await
        .unwrap();
    let mut etags = Vec::new();
    // Last part first: each part's counter comes from its offset.
    for n in (1..=4u32).rev() {
        let s = (n as usize - 1) * part as usize;
        let body = data[s..(s + part as usize).min(data.len())].to_vec();
        let out = enc.upload_part(&up, n, body).await.unwrap();
        etags.push((n, out.etag.unwrap()));
    }
    etags.sort();
    enc.complete_multipart_upload(&up, etags).await.unwrap();
    assert_eq!(&get(&enc, &b, &k, None).await[..], &data[..]);
    let r = ByteRange {
        start: part - 3,
        end: Some(part + 40),
    };
    assert_eq!(
        &get(&enc, &b, &k, Some(r)).await[..],
        &data[part as usize - 3..part as usize + 41]
    );
    // Part sizes must be multiples of 16; a part may not exceed it.
    assert!(matches!(
        enc.create_multipart_upload(&b, &k, 1000, &WriteOptions::default())
            .await,
        Err(CryptoError::PartSize(1000))
    ));
    let up = enc
        .create_multipart_upload(&b, &k, 32, &WriteOptions::default())
        .await
        .unwrap();
    assert!(matches!(
        enc.upload_part(&up, 1, vec![0u8; 33]).await,
        Err(CryptoError::PartSize(33))
    ));
    enc.abort_multipart_upload(up).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_keeps_the_envelope_and_a_plain_object_is_refused() {
    let (_emu, client) = setup().await;
    let enc = EncryptionClient::new(client.clone(), aes());
    let (b, k) = names("copy/src");
    let data = random(777, 3);
    enc.put_object(&b, &k, data.clone(), &WriteOptions::default())
        .await
        .unwrap();
    let (_, dst) = names("copy/dst");
    enc.copy_object(&b, &dst, &CopySource::new(&b, &k), CopyOptions::default())
        .await
        .unwrap();
    assert_eq!(&get(&enc, &b, &dst, None).await[..], &data[..]);

    let (_, plain) = names("copy/plain");
    client
        .put_object(&b, &plain)
        .body(b"clear".to_vec())
        .send()
        .await
        .unwrap();
    for r in [
        enc.get_object(&b, &plain, None, &ReadOptions::default())
            .await
            .map(|_| ()),
        enc.copy_object(
            &b,
            &dst,
            &CopySource::new(&b, &plain),
            CopyOptions::default(),
        )
        .await
        .map(|_| ()),
    ] {
        assert!(
            matches!(r, Err(CryptoError::MissingEnvelope { .. })),
            "{r:?}"
        );
    }
    assert!(matches!(
        enc.get_object(
            &b,
            &k,
            Some(ByteRange {
                start: 5,
                end: Some(4)
            }),
            &ReadOptions::default()
        )
        .await,
        Err(CryptoError::InvalidRange { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_master_key_is_an_error_not_garbage() {
    let (_emu, client) = setup().await;
    let enc = EncryptionClient::new(client.clone(), aes());
    let (b, k) = names("wrong/key");
    enc.put_object(&b, &k, random(100, 1), &WriteOptions::default())
        .await
        .unwrap();
    let other = EncryptionClient::new(
        client.clone(),
        cos_crypto::AesProvider::from_bytes(&[7u8; 32]).unwrap(),
    );
    let got = other
        .get_object(&b, &k, None, &ReadOptions::default())
        .await
        .unwrap()
        .body
        .bytes()
        .await;
    assert!(
        matches!(got, Err(CryptoError::Integrity { check: "crc64", .. })),
        "{got:?}"
    );
    // RSA: the unwrap itself fails.
    let rsa = EncryptionClient::new(client.clone(), rsa_path());
    let (_, k2) = names("wrong/rsa");
    rsa.put_object(&b, &k2, random(100, 1), &WriteOptions::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let other = cos_crypto::RsaProvider::generate_key_files(
        dir.path().join("pub.pem"),
        dir.path().join("priv.pem"),
        None,
    )
    .unwrap();
    let other = EncryptionClient::new(client.clone(), other);
    let got = other
        .get_object(&b, &k2, None, &ReadOptions::default())
        .await;
    assert!(matches!(got, Err(CryptoError::Unwrap(_))), "{got:?}");
    // A damaged (non-base64) envelope on the object.
    let (_, k3) = names("wrong/damaged");
    client
        .put_object(&b, &k3)
        .metadata("client-side-encryption-key", "%%%")
        .metadata("client-side-encryption-iv", "AAAAAAAAAAAAAAAAAAAAAA==")
        .body(b"x".to_vec())
        .send()
        .await
        .unwrap();
    let got = other
        .get_object(&b, &k3, None, &ReadOptions::default())
        .await;
    assert!(
        matches!(got, Err(CryptoError::InvalidEnvelope { .. })),
        "{got:?}"
    );
    assert!(Envelope::present(&[(
        "Client-Side-Encryption-Key".into(),
        "x".into()
    )]));
}
