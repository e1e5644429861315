//! Custom domains, their certificates and back-to-origin rules: validation of the
//! documents kept by `families.rs`, and the certificates, kept per domain as
//! `domaincertificate/<domain>` → certificate id (the private key is checked for
//! shape and never stored). The emulator does not serve requests by custom domain
//! nor fetch from origins: these families are stored and validated only.
//!
//! 404 codes: `DomainConfigNotFoundError` for GET Bucket domain without one (the code
//! the official Python SDK's `ut/test.py` tolerates right after a PUT; see
//! `families.rs`); `NoSuchOriginConfiguration` and `NoSuchCertificate` follow the S3
//! pattern without evidence (neither COS's API pages nor the official SDKs' tests name
//! one).

use cos_xml::config::{
    DomainCertificate, DomainCertificateStatus, DomainConfiguration, OriginConfiguration,
};
use hyper::{Response, StatusCode};

use super::families::one_of;
use super::{Ctx, response};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};

/// COS PUT Bucket domain (436/36325): `Status` `ENABLED|DISABLED`, `Type`
/// `REST|WEBSITE`, `ForcedReplacement` `CNAME|TXT`, each name once.
pub(crate) fn validate_domains(c: &DomainConfiguration) -> Result<(), ApiError> {
    if c.rules.is_empty() {
        return Err(ApiError::malformed_xml(
            "at least one DomainRule is required",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for r in &c.rules {
        one_of("Status", &r.status, &["ENABLED", "DISABLED"])?;
        one_of("Type", &r.kind, &["REST", "WEBSITE"])?;
        if let Some(f) = r.forced_replacement.as_deref() {
            one_of("ForcedReplacement", f, &["CNAME", "TXT"])?;
        }
        if r.name.trim().is_empty() || !seen.insert(r.name.to_ascii_lowercase()) {
            return Err(ApiError::invalid_argument(format!(
                "The domain {:?} is empty or listed twice.",
                r.name
            )));
        }
    }
    Ok(())
}

/// COS PUT Bucket origin (436/43584): `OriginType` `Mirror|Proxy`, a host, and
/// `Protocol` `HTTP|HTTPS|FOLLOW`.
pub(crate) fn validate_origin(c: &OriginConfiguration) -> Result<(), ApiError> {
    if c.rules.is_empty() {
        return Err(ApiError::malformed_xml(
            "at least one OriginRule is required",
        ));
    }
    for r in &c.rules {
        one_of("OriginType", &r.origin_type, &["Mirror", "Proxy"])?;
        if r.origin_info.host_info.host_name.trim().is_empty() {
            return Err(ApiError::invalid_argument("HostName is empty."));
        }
        if let Some(p) = r
            .origin_parameter
            .as_ref()
            .and_then(|p| p.protocol.as_deref())
        {
            one_of("Protocol", p, &["HTTP", "HTTPS", "FOLLOW"])?;
        }
    }
    Ok(())
}

fn cert_key(domain: &str) -> String {
    format!("domaincertificate/{}", domain.to_ascii_lowercase())
}

fn domain_param(ctx: &Ctx<'_>) -> Result<String, ApiError> {
    match ctx.q("domainname") {
        Some(d) if !d.is_empty() => Ok(d.to_owned()),
        _ => Err(ApiError::invalid_argument(
            "The domainname parameter is required.",
        )),
    }
}

/// PUT Bucket domaincertificate: the domains must be custom domains of the bucket.
pub(crate) async fn put_certificate(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let c: DomainCertificate = ctx.xml_body().await?;
    let info = &c.certificate_info;
    one_of("CertType", &info.cert_type, &["CustomCert"])?;
    if !info.custom_cert.cert.contains("BEGIN CERTIFICATE")
        || !info.custom_cert.private_key.contains("PRIVATE KEY")
    {
        return Err(ApiError::invalid_argument(
            "Cert and PrivateKey must be PEM (a CERTIFICATE and a PRIVATE KEY block).",
        )
        .into());
    }
    if c.domain_list.domain_names.is_empty() {
        return Err(ApiError::malformed_xml("DomainList has no DomainName").into());
    }
    let id = {
        use md5::Digest;
        let d = md5::Md5::digest(info.custom_cert.cert.as_bytes());
        crate::storage::hex(&d[..8])
    };
    let name = ctx.bucket().to_owned();
    let domains = c.domain_list.domain_names.clone();
    ctx.shared
        .store
        .update(|st| {
            let b = st.bucket_mut(&name)?;
            let bound: DomainConfiguration = match b.configs.get("domain") {
                Some(doc) => cos_xml::from_str(doc).map_err(ApiError::internal)?,
                None => DomainConfiguration::default(),
            };
            for d in &domains {
                if !bound.rules.iter().any(|r| r.name.eq_ignore_ascii_case(d)) {
                    return Err(ApiError::invalid_argument(format!(
                        "{d:?} is not a custom domain of this bucket."
                    )));
                }
                b.configs.insert(cert_key(d), id.clone());
            }
            Ok(())
        })
        .await?;
    Ok(response(StatusCode::OK))
}

/// GET Bucket domaincertificate.
pub(crate) fn get_certificate(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let domain = domain_param(ctx)?;
    let st = ctx.shared.store.lock();
    let id = st
        .bucket(ctx.bucket())?
        .configs
        .get(&cert_key(&domain))
        .cloned();
    drop(st);
    let id = id.ok_or_else(|| {
        ApiError::new(
            404,
            "NoSuchCertificate",
            format!("No certificate is bound to {domain:?}."),
        )
    })?;
    let mut status = DomainCertificateStatus::default();
    status.status = "Enabled".into();
    status.cert_id = Some(id);
    super::xml(&status)
}

/// DELETE Bucket domaincertificate.
pub(crate) async fn delete_certificate(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let domain = domain_param(ctx)?;
    let name = ctx.bucket().to_owned();
    ctx.shared
        .store
        .update(|st| {
            st.bucket_mut(&name)?.configs.remove(&cert_key(&domain));
            Ok(())
        })
        .await?;
    Ok(response(StatusCode::NO_CONTENT))
}
