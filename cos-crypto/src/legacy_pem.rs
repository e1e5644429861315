//! Legacy OpenSSL PEM encryption (`Proc-Type: 4,ENCRYPTED` / `DEK-Info: ALG,IV`), which
//! pycryptodome's `export_key(passphrase=...)` uses for keys it writes in PKCS#1 or as a
//! public key: the Python SDK's `RSAProvider(passphrase=...)` writes its generated public
//! key this way (`crypto.py`: `public_key.exportKey(passphrase=passphrase)`).
//!
//! The key is OpenSSL's `EVP_BytesToKey` with MD5, one iteration, the first 8 bytes of
//! the IV as salt (`D1 = MD5(pass ‖ salt)`, `Di = MD5(Di-1 ‖ pass ‖ salt)`, as many as
//! the cipher's key needs); the body is CBC with PKCS#7 padding. Supported: DES-EDE3-CBC
//! (what pycryptodome writes) and AES-128/192/256-CBC (OpenSSL's usual ones).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, KeyIvInit};
use md5::Digest;
use zeroize::Zeroizing;

use crate::error::CryptoError;

fn bad(reason: &str) -> CryptoError {
    CryptoError::InvalidKey(format!("encrypted PEM: {reason}"))
}

/// `EVP_BytesToKey(MD5, salt, pass, count = 1)`, `len` bytes.
fn bytes_to_key(pass: &[u8], salt: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(len + 16));
    let mut prev: Option<[u8; 16]> = None;
    while out.len() < len {
        let mut h = md5::Md5::new();
        if let Some(p) = prev {
            h.update(p);
        }
        h.update(pass);
        h.update(salt);
        let d: [u8; 16] = h.finalize().into();
        out.extend_from_slice(&d);
        prev = Some(d);
    }
    out.truncate(len);
    out
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn cbc_decrypt<C>(key: &[u8], iv: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError>
where
    C: cbc::cipher::BlockCipherDecrypt,
    cbc::Decryptor<C>: KeyIvInit + BlockModeDecrypt,
{
    cbc::Decryptor::<C>::new_from_slices(key, iv)
        .map_err(|_| bad("bad IV length"))?
        .decrypt_padded_vec::<Pkcs7>(data)
        .map_err(|_| bad("does not decrypt with this passphrase"))
}

/// A PEM label and the DER it holds (kept in zeroized memory).
pub(crate) type Decrypted = (String, Zeroizing<Vec<u8>>);

/// The DER inside an encrypted legacy PEM document `text` (with its label), decrypted
/// with `passphrase`.
pub(crate) fn decrypt(text: &str, passphrase: Option<&str>) -> Result<Decrypted, CryptoError> {
    let pass = passphrase.ok_or_else(|| bad("the key is encrypted: a passphrase is needed"))?;
    let mut lines = text.lines().map(str::trim);
    let label = lines
        .next()
        .and_then(|l| l.strip_prefix("-----BEGIN ")?.strip_suffix("-----"))
        .ok_or_else(|| bad("no BEGIN line"))?
        .to_owned();
    let mut dek = None;
    let mut body = String::new();
    for line in lines {
        if line.starts_with("-----END ") {
            break;
        } else if let Some(v) = line.strip_prefix("DEK-Info:") {
            dek = Some(v.trim().to_owned());
        } else if !line.contains(':') {
            body.push_str(line);
        }
    }
    let dek = dek.ok_or_else(|| bad("no DEK-Info"))?;
    let (alg, iv_hex) = dek.split_once(',').ok_or_else(|| bad("bad DEK-Info"))?;
    let iv = unhex(iv_hex.trim()).ok_or_else(|| bad("bad DEK-Info IV"))?;
    if iv.len() < 8 {
        return Err(bad("bad DEK-Info IV"));
    }
    let data = STANDARD
        .decode(&body)
        .map_err(|_| bad("body is not base64"))?;
    let key_len = match alg.trim() {
        "DES-EDE3-CBC" => 24,
        "AES-128-CBC" => 16,
        "AES-192-CBC" => 24,
        "AES-256-CBC" => 32,
        other => return Err(bad(&format!("cipher {other} is not supported"))),
    };
    let key = bytes_to_key(pass.as_bytes(), &iv[..8], key_len);
    let der = match alg.trim() {
        "DES-EDE3-CBC" => cbc_decrypt::<des::TdesEde3>(&key, &iv, &data)?,
        "AES-128-CBC" => cbc_decrypt::<aes::Aes128>(&key, &iv, &data)?,
        "AES-192-CBC" => cbc_decrypt::<aes::Aes192>(&key, &iv, &data)?,
        _ => cbc_decrypt::<aes::Aes256>(&key, &iv, &data)?,
    };
    Ok((label, Zeroizing::new(der)))
}
