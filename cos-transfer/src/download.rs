//! `download_file`: HEAD, then one GET or parallel ranged GETs pinned to the ETag into a
//! temporary file of its own beside the destination, renamed into place only after the
//! combined CRC-64 matches the service's and the file read back matches it. A broken
//! stream resumes with a ranged GET.

use cos_core::{BucketName, ObjectKey};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use crate::backend::{Backend, ObjectInfo, RangeRequest};
use crate::checkpoint::{self, CHECKPOINT_VERSION, DonePart, DownloadCheckpoint, RemoteObject};
use crate::control::{CancelHandle, PartProgress, ProgressFn};
pub use crate::download_options::DownloadOptions;
use crate::error::TransferError;
use crate::fileio::{FileWriter, RangeWriter, WRITE_CHUNK, open_regular, read_back_crc64};
use crate::plan::{MIN_PART_SIZE, Part, PartPlan};
use crate::resume::{DownloadStart, decide_download_start};
use crate::transform;
use crate::unique::create_unique;
use cos_crc64::{self as crc64, Crc64};

/// What a download did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DownloadOutcome {
    /// Bytes written.
    pub size: u64,
    /// CRC-64 of the data (verified against the service's when it sent one). With a
    /// [`BodyTransform`](crate::BodyTransform) that states the CRC-64 of its output, that
    /// CRC, verified against the bytes written (the bytes received are then checked
    /// through it rather than hashed themselves).
    pub crc64: u64,
    /// ETag of the downloaded object.
    pub etag: String,
    /// Ranges fetched by this call.
    pub ranges_fetched: u32,
    /// Ranges reused from a checkpoint.
    pub ranges_reused: u32,
    /// Broken streams resumed with a ranged GET.
    pub stream_resumes: u32,
}

/// Every download's temporary file ends with this: `.NAME.<random>.cos-partial`, beside
/// the destination.
pub const PARTIAL_SUFFIX: &str = ".cos-partial";

/// The engine behind [`Transfers::download_file`](crate::Transfers::download_file).
pub(crate) async fn download_file<B: Backend>(
    backend: &B,
    bucket: &BucketName,
    key: &ObjectKey,
    dest: &Path,
    options: &DownloadOptions,
    progress: Option<ProgressFn>,
    cancel: &CancelHandle,
) -> Result<DownloadOutcome, TransferError> {
    if options.concurrency == 0 || options.part_size < MIN_PART_SIZE {
        return Err(TransferError::InvalidOption(
            "concurrency must be >= 1 and part size >= 1 MiB".into(),
        ));
    }
    let info = backend
        .head(bucket, key, &options.get)
        .await
        .map_err(|e| TransferError::head(bucket, key, e))?;
    let size = info.size.ok_or(TransferError::MissingHeader {
        operation: "HeadObject",
        header: "Content-Length",
    })?;
    let remote = RemoteObject {
        etag: info.etag.clone(),
        size,
        last_modified: info.last_modified.clone(),
    };
    let single = size <= options.single_threshold;
    let plan = if single {
        PartPlan::with_part_size(size, size.max(1))?
    } else {
        PartPlan::new(size, options.part_size)?
    };
    let cp_path = options.checkpoint.as_deref().filter(|_| !single);
    // An unreadable checkpoint is as good as none.
    let cp = cp_path
        .and_then(|p| checkpoint::load::<DownloadCheckpoint>(p).unwrap_or(None))
        .filter(|c| c.transform == options.transform.tag());
    let start = decide_download_start(
        cp.as_ref(),
        bucket.as_str(),
        key.as_str(),
        options.get.version_id.as_deref(),
        &remote,
        plan.part_size(),
    );
    let target = open_target(dest, cp.as_ref(), start, size)?;
    let job = Job {
        bucket,
        key,
        info: &info,
        remote,
        plan,
        single,
        cp_path,
    };
    let result = match run(backend, &job, &target, options, progress, cancel).await {
        Ok((outcome, written)) => finish(&target, dest, &job, outcome, written, options).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(outcome) => {
            if let Some(cp) = cp_path {
                checkpoint::remove(cp)?;
            }
            Ok(outcome)
        }
        Err(e) => {
            // A checkpoint keeps the file for a restart; without one, or when its content
            // is wrong, nothing is left behind.
            if cp_path.is_none() || matches!(e, TransferError::Integrity { .. }) {
                let _ = std::fs::remove_file(&target.path);
                if let Some(cp) = cp_path {
                    let _ = checkpoint::remove(cp);
                }
            }
            Err(e)
        }
    }
}

/// What one download fetches.
struct Job<'a> {
    bucket: &'a BucketName,
    key: &'a ObjectKey,
    info: &'a ObjectInfo,
    remote: RemoteObject,
    plan: PartPlan,
    single: bool,
    cp_path: Option<&'a Path>,
}

/// The temporary file of a download and the ranges already in it.
struct Target {
    file: Arc<File>,
    path: PathBuf,
    done: BTreeMap<u32, DonePart>,
}

/// The folder `dest` is in.
pub(crate) fn parent_dir(dest: &Path) -> &Path {
    match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// The temporary file a checkpoint names, when the name is one of ours (a plain file
/// name ending in [`PARTIAL_SUFFIX`]): a checkpoint never leads anywhere else.
fn recorded_partial(dir: &Path, name: &str) -> Option<PathBuf> {
    let mut parts = Path::new(name).components();
    let only =
        matches!(parts.next(), Some(std::path::Component::Normal(_))) && parts.next().is_none();
    (only && name.starts_with('.') && name.ends_with(PARTIAL_SUFFIX)).then(|| dir.join(name))
}

/// The start of the temporary file name of a download to `dest`: `.NAME.`, with at most
/// 100 bytes of the name, so that the whole stays within 255-byte file name limits.
pub(crate) fn partial_prefix(dest: &Path) -> String {
    let mut name = String::new();
    for c in dest
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .chars()
    {
        if name.len() + c.len_utf8() > 100 {
            break;
        }
        name.push(c);
    }
    format!(".{name}.")
}

/// Opens the temporary file to write: the checkpoint's, when it resumes and the file is
/// still a regular file of the right size; otherwise a new one, created exclusively
/// (and the checkpoint's outdated one removed).
fn open_target(
    dest: &Path,
    cp: Option<&DownloadCheckpoint>,
    start: DownloadStart,
    size: u64,
) -> Result<Target, TransferError> {
    let dir = parent_dir(dest);
    let recorded = cp
        .and_then(|c| c.partial.as_deref())
        .and_then(|name| recorded_partial(dir, name));
    if let (DownloadStart::Resume { done }, Some(path)) = (start, &recorded)
        && let Ok(file) = open_regular(path)
        && file.metadata().is_ok_and(|m| m.len() == size)
    {
        return Ok(Target {
            file: Arc::new(file),
            path: path.clone(),
            done,
        });
    }
    if let Some(old) = recorded {
        // Its ranges cannot be used (another object, or the file changed).
        let _ = std::fs::remove_file(old);
    }
    let (file, path) = create_unique(dir, &partial_prefix(dest), PARTIAL_SUFFIX)
        .map_err(|e| TransferError::io(dest, e))?;
    if let Err(e) = file.set_len(size) {
        let _ = std::fs::remove_file(&path);
        return Err(TransferError::io(&path, e));
    }
    Ok(Target {
        file: Arc::new(file),
        path,
        done: BTreeMap::new(),
    })
}

/// Checks that the finished file holds what it must (reading it back when asked, or
/// when a transform's output was not all hashed in this run), and renames it into place.
///
/// `written`: the CRC-64 of the transformed bytes written, when every range was fetched
/// (and hashed after its transform) in this run; ranges reused from a checkpoint were
/// written by an earlier process, so then the file is read back.
async fn finish(
    target: &Target,
    dest: &Path,
    job: &Job<'_>,
    outcome: DownloadOutcome,
    written: Option<u64>,
    options: &DownloadOptions,
) -> Result<DownloadOutcome, TransferError> {
    let expected = transform::expected_on_disk(&options.transform, outcome.crc64);
    // With a transform, its expectation is the only check of what was written.
    let read_back = options.verify_on_disk || (options.transform.is_set() && written.is_none());
    let on_disk = match expected {
        Some(_) if read_back => {
            read_back_crc64(target.file.clone(), &target.path, outcome.size).await?
        }
        _ => written.unwrap_or(outcome.crc64),
    };
    if let Some(expected) = expected
        && on_disk != expected
    {
        return Err(TransferError::Integrity {
            what: format!(
                "{}/{} as written to {}",
                job.bucket,
                job.key,
                target.path.display()
            ),
            local: on_disk,
            remote: expected,
        });
    }
    std::fs::rename(&target.path, dest).map_err(|e| TransferError::io(dest, e))?;
    Ok(outcome)
}

async fn run<B: Backend>(
    backend: &B,
    job: &Job<'_>,
    target: &Target,
    options: &DownloadOptions,
    progress: Option<ProgressFn>,
    cancel: &CancelHandle,
) -> Result<(DownloadOutcome, Option<u64>), TransferError> {
    let Job {
        info,
        plan,
        cp_path,
        ..
    } = *job;
    let (file, temp) = (&target.file, target.path.as_path());
    let mut done = target.done.clone();
    let writer = FileWriter::start(file.clone(), options.concurrency);
    let ranges_reused = u32::try_from(done.len()).unwrap_or(u32::MAX);
    let mut cp = checkpoint_of(job, options, target);
    if let Some(path) = cp_path {
        checkpoint::save(path, &cp)?;
    }

    let total = plan.size();
    let mut progress = PartProgress::new(progress, done.values().map(|p| p.len).sum(), total);
    let todo: Vec<Part> = plan
        .parts()
        .filter(|p| !done.contains_key(&p.number) && p.len > 0)
        .collect();
    let mut pending = todo.into_iter();
    let mut in_flight = FuturesUnordered::new();
    let mut first_error = None;
    let mut fetched = 0u32;
    let mut resumes = 0u32;
    let mut last_save = Instant::now();
    // CRC-64 and length of each range's transformed bytes, fetched in this run.
    let mut written = BTreeMap::new();
    loop {
        while first_error.is_none() && in_flight.len() < options.concurrency {
            if cancel.is_cancelled() {
                first_error = Some(TransferError::Cancelled);
                break;
            }
            let Some(part) = pending.next() else { break };
            let writer = &writer;
            in_flight.push(async move {
                let r = fetch_range(backend, job, writer, temp, part, options).await;
                (part, r)
            });
        }
        let Some((part, result)) = in_flight.next().await else {
            break;
        };
        match result {
            Ok((crc, out_crc, n_resumes)) => {
                fetched += 1;
                if let Some(out) = out_crc {
                    written.insert(part.number, (out, part.len));
                }
                resumes += n_resumes;
                done.insert(
                    part.number,
                    DonePart {
                        etag: String::new(),
                        crc64: crc,
                        len: part.len,
                    },
                );
                progress.part_done(part.number, part.len);
                if let Some(path) = cp_path
                    && last_save.elapsed() >= options.checkpoint_interval
                {
                    // Ranges are on disk before they are recorded.
                    file.sync_data().map_err(|e| TransferError::io(temp, e))?;
                    cp.done = done.clone();
                    checkpoint::save(path, &cp)?;
                    last_save = Instant::now();
                }
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_error {
        if let Some(path) = cp_path
            && file.sync_data().is_ok()
        {
            cp.done = done.clone();
            checkpoint::save(path, &cp)?;
        }
        return Err(e);
    }
    let combined = outcome_crc(job, &done, options)?;
    if options.fsync || cp_path.is_some() {
        file.sync_all().map_err(|e| TransferError::io(temp, e))?;
    }
    let written = (options.transform.is_set() && ranges_reused == 0)
        .then(|| combine_in_order(&plan, &written));
    let outcome = DownloadOutcome {
        size: total,
        crc64: combined,
        etag: info.etag.clone(),
        ranges_fetched: fetched,
        ranges_reused,
        stream_resumes: resumes,
    };
    Ok((outcome, written))
}

/// The checkpoint of a download into `target`: the object it is pinned to, the ranges
/// already there, and the temporary file's name.
fn checkpoint_of(job: &Job<'_>, options: &DownloadOptions, target: &Target) -> DownloadCheckpoint {
    DownloadCheckpoint {
        version: CHECKPOINT_VERSION,
        bucket: job.bucket.to_string(),
        key: job.key.to_string(),
        version_id: options.get.version_id.clone(),
        remote: job.remote.clone(),
        part_size: job.plan.part_size(),
        done: target.done.clone(),
        partial: target
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
        transform: options.transform.tag(),
    }
}

/// The CRC-64 of all the parts from their `(crc64, len)`, in part order (a missing part
/// is empty).
fn combine_in_order(plan: &PartPlan, parts: &BTreeMap<u32, (u64, u64)>) -> u64 {
    crc64::combine_all(
        plan.parts()
            .map(|p| parts.get(&p.number).copied().unwrap_or((0, 0))),
    )
}

/// The outcome's CRC-64. A transform that states its output's CRC-64 has the bytes
/// received checked through it (a changed byte of the input changes the output, which
/// is hashed as written, or read back): the received bytes were not hashed, and the
/// outcome carries that CRC, which `finish` verifies before anything is renamed into
/// place. Otherwise the ranges' CRCs combined, checked against the service's.
fn outcome_crc(
    job: &Job<'_>,
    done: &BTreeMap<u32, DonePart>,
    options: &DownloadOptions,
) -> Result<u64, TransferError> {
    match options.transform.expected() {
        Some(expected) => Ok(expected),
        None => combined_crc(job, done),
    }
}

/// The CRC-64 of the whole object, combined from the ranges' CRCs, compared with the
/// service's when it sent one.
fn combined_crc(job: &Job<'_>, done: &BTreeMap<u32, DonePart>) -> Result<u64, TransferError> {
    let combined = crc64::combine_all(
        job.plan
            .parts()
            .map(|p| done.get(&p.number).map_or((0, 0), |d| (d.crc64, d.len))),
    );
    match job.info.crc64 {
        Some(remote) if remote != combined => Err(TransferError::Integrity {
            what: format!("{}/{}", job.bucket, job.key),
            local: combined,
            remote,
        }),
        _ => Ok(combined),
    }
}

/// Transforms a received batch (when a transform is set, into a buffer the writer gave
/// back) and starts writing it at `at`; returns the emptied list to fill next.
async fn flush(
    tx: &transform::Transform,
    batch: Vec<Bytes>,
    at: u64,
    path: &Path,
    written: &mut Crc64,
    writer: &mut RangeWriter<'_>,
) -> Result<Vec<Bytes>, TransferError> {
    let spare = writer.take_recycled();
    let batch = transform::download_batch(tx, batch, at, path, written, spare).await?;
    writer.write(batch, at).await
}

/// Fetches `part` into the file, resuming a broken stream with a ranged GET pinned to
/// `etag`. Returns the range's CRC-64 as received, the CRC-64 of what was written when
/// a transform is set, and how many times it resumed.
async fn fetch_range<B: Backend>(
    backend: &B,
    job: &Job<'_>,
    writer: &FileWriter,
    path: &Path,
    part: Part,
    options: &DownloadOptions,
) -> Result<(u64, Option<u64>, u32), TransferError> {
    let (bucket, key, etag) = (job.bucket, job.key, job.info.etag.as_str());
    let plain_get_first = job.single;
    let max_resumes = options.max_stream_resumes;
    let tx = &options.transform;
    let (mut crc, mut written) = (Crc64::new(), Crc64::new());
    // Not when the transform's output is checked instead (see `run`).
    let hash_received = tx.expected().is_none();
    let mut pos = part.offset;
    let end = part.end();
    let mut resumes = 0u32;
    let mut writer = RangeWriter::new(writer, path, tx.is_set());
    let mut batch: Vec<Bytes> = Vec::new();
    let mut batch_len = 0usize;
    let mut batch_start = pos;
    loop {
        let range = (!(plain_get_first && pos == part.offset)).then_some(RangeRequest {
            start: pos,
            end,
            if_match: Some(etag),
        });
        let mut stream = backend
            .get(bucket, key, range, &options.get)
            .await
            .map_err(|e| TransferError::remote("GetObject", e))?;
        let mut broken = false;
        while let Some(chunk) = stream.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    tracing::debug!(error = %e, pos, "stream broke; resuming with a ranged GET");
                    broken = true;
                    break;
                }
            };
            if pos + chunk.len() as u64 > end {
                return Err(TransferError::Length {
                    what: format!("{bucket}/{key} bytes {}..{end}", part.offset),
                    expected: end - part.offset,
                    got: pos + chunk.len() as u64 - part.offset,
                });
            }
            if hash_received {
                crc.update(&chunk);
            }
            pos += chunk.len() as u64;
            batch_len += chunk.len();
            batch.push(chunk);
            if batch_len >= WRITE_CHUNK {
                batch = flush(tx, batch, batch_start, path, &mut written, &mut writer).await?;
                batch_len = 0;
                batch_start = pos;
            }
        }
        if !batch.is_empty() {
            batch = flush(tx, batch, batch_start, path, &mut written, &mut writer).await?;
            batch_len = 0;
            batch_start = pos;
        }
        writer.settle().await?;
        if pos == end {
            return Ok((crc.value(), tx.is_set().then(|| written.value()), resumes));
        }
        // A stream that ended early is as broken as one that errored.
        let _ = broken;
        if resumes >= max_resumes {
            return Err(TransferError::Length {
                what: format!("{bucket}/{key} bytes {}..{end}", part.offset),
                expected: end - part.offset,
                got: pos - part.offset,
            });
        }
        resumes += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_only_ever_names_a_temporary_file_beside_the_destination() {
        let dir = Path::new("d");
        assert_eq!(
            recorded_partial(dir, ".f.0123.cos-partial"),
            Some(dir.join(".f.0123.cos-partial"))
        );
        for bad in [
            "../.f.cos-partial",
            "/etc/.x.cos-partial",
            "sub/.f.cos-partial",
            ".f.txt",
            "f.cos-partial",
        ] {
            assert_eq!(recorded_partial(dir, bad), None, "{bad}");
        }
    }
}
