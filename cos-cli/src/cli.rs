//! The command line: global options and one enum of commands (clap derive).
//!
//! `select`, `config get|put|delete` and the client-side encryption flags of `cp`
//! ([`CseArgs`]) sit on cos-core's SELECT and bucket-configuration operations and on
//! cos-crypto.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::help::*;

/// `cos`: Tencent Cloud Object Storage from the shell.
///
/// Objects are addressed as `cos://<bucket>-<appid>/<key or prefix>`; anything else is a
/// local path. Credentials come from the config file's profile, else the default chain
/// (COS_SECRET_ID/COS_SECRET_KEY, TENCENTCLOUD_*, the tccli profile, TKE OIDC, the
/// instance role).
///
/// Results go to stdout (`--json`: one JSON object per line), errors and progress bars
/// to stderr (bars only on a terminal). Multi-file commands go on past a failed file,
/// report every failure and end with a summary line. Transfers encrypt on the client
/// with `--cse-aes-key-file` or `--cse-rsa-*` (the Python SDK's format), on the server
/// with `--sse` or `--sse-c-key-file`.
///
/// Exit codes: 0 success, 1 an operation failed, 2 bad usage.
#[derive(Debug, Parser)]
#[command(name = "cos", version, propagate_version = true, max_term_width = 100)]
#[command(after_help = TOP_EXAMPLES)]
pub struct Cli {
    /// Global options.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Profile of the config file to use.
    #[arg(long, global = true, env = "COS_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// Config file (default: ~/.cos/config.toml).
    #[arg(long, global = true, env = "COS_CONFIG_FILE", value_name = "FILE")]
    pub config_file: Option<PathBuf>,
    /// Region, e.g. ap-guangzhou (else the profile's, else COS_REGION).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Endpoint URL. An IP address or `localhost` host (e.g. http://127.0.0.1:9000) is
    /// reached path-style over the given scheme; a domain is the COS endpoint
    /// (cos.REGION.myqcloud.com, …) or a bucket's custom domain, virtual-host style.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Print machine-readable JSON (one object per line for listings).
    #[arg(long, global = true)]
    pub json: bool,
    /// Print only errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Never show progress bars (they are shown only when stderr is a terminal).
    #[arg(long, global = true)]
    pub no_progress: bool,
    /// Answer yes to confirmations (required for destructive commands without a terminal).
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List buckets, or the objects under cos://bucket[/prefix].
    #[command(after_help = LS_EXAMPLES)]
    Ls(LsArgs),
    /// Copy files and objects: local→COS, COS→local, COS→COS (on the service).
    #[command(after_help = CP_EXAMPLES)]
    Cp(CpArgs),
    /// Make DST like SRC, skipping files whose size and CRC-64 already match.
    #[command(after_help = SYNC_EXAMPLES)]
    Sync(SyncArgs),
    /// Move: copy, then delete the source.
    #[command(after_help = MV_EXAMPLES)]
    Mv(CpArgs),
    /// Delete objects.
    #[command(after_help = RM_EXAMPLES)]
    Rm(RmArgs),
    /// Write an object to standard output.
    #[command(after_help = CAT_EXAMPLES)]
    Cat(CatArgs),
    /// Show an object's metadata.
    #[command(after_help = STAT_EXAMPLES)]
    Stat(StatArgs),
    /// Print a presigned URL for an object.
    #[command(after_help = PRESIGN_EXAMPLES)]
    Presign(PresignArgs),
    /// Total size and object count under cos://bucket[/prefix].
    #[command(after_help = DU_EXAMPLES)]
    Du(DuArgs),
    /// Make a bucket.
    #[command(after_help = MB_EXAMPLES)]
    Mb(MbArgs),
    /// Remove a bucket.
    #[command(after_help = RB_EXAMPLES)]
    Rb(RbArgs),
    /// Abort unfinished multipart uploads under cos://bucket[/prefix].
    #[command(after_help = ABORT_EXAMPLES)]
    Abort(AbortArgs),
    /// Run an SQL query over a CSV or JSON object (SELECT Object Content); the
    /// records are written to stdout as they arrive.
    #[command(after_help = SELECT_EXAMPLES)]
    Select(SelectArgs),
    /// Get, put or delete a bucket configuration (cors, website, lifecycle, …) as the
    /// XML COS takes.
    #[command(after_help = CONFIG_EXAMPLES)]
    Config(ConfigArgs),
}

/// What `cos config` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfigAction {
    /// Print the configuration (XML; JSON with --json).
    Get,
    /// Set the configuration from --file.
    Put,
    /// Remove the configuration.
    Delete,
}

/// A bucket configuration family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfigFamily {
    /// CORS rules (CORSConfiguration).
    Cors,
    /// Lifecycle rules (LifecycleConfiguration).
    Lifecycle,
    /// Bucket tags (Tagging).
    Tagging,
    /// Bucket policy (JSON).
    Policy,
    /// Versioning (VersioningConfiguration; no delete).
    Versioning,
    /// Static website (WebsiteConfiguration).
    Website,
    /// Hotlink protection (RefererConfiguration).
    Referer,
    /// Default server-side encryption (ServerSideEncryptionConfiguration).
    Encryption,
    /// Access logging (BucketLoggingStatus; no delete).
    Logging,
    /// Object lock (ObjectLockConfiguration; no delete).
    ObjectLock,
    /// Cross-region replication (ReplicationConfiguration).
    Replication,
    /// One inventory (InventoryConfiguration; get and delete need --id).
    Inventory,
    /// Intelligent tiering (IntelligentTieringConfiguration; no delete).
    IntelligentTiering,
    /// Global acceleration (AccelerateConfiguration; no delete).
    Accelerate,
    /// Custom domains (DomainConfiguration).
    Domain,
    /// Origin-pull rules (OriginConfiguration).
    Origin,
    /// Response header control (ResponseControlConfiguration).
    ResponseControl,
}

/// `cos config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// get, put or delete.
    #[arg(value_enum)]
    pub action: ConfigAction,
    /// The configuration family.
    #[arg(value_enum)]
    pub family: ConfigFamily,
    /// cos://bucket-appid.
    pub target: String,
    /// put: the XML document (JSON for policy).
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// inventory: the inventory's Id (get and delete).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
}

/// Format of the queried object.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SelectFormat {
    /// CSV.
    Csv,
    /// JSON.
    Json,
}

/// `--csv-header`: what the first CSV line is.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CsvHeader {
    /// A header whose names the query may use.
    Use,
    /// A header, skipped; columns are `_1`, `_2`, ...
    Ignore,
    /// A record like the others.
    None,
}

/// `--json-type`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum JsonKind {
    /// One JSON object per line.
    Lines,
    /// One JSON document.
    Document,
}

/// `--compression` of the queried object.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Compression {
    /// Not compressed.
    None,
    /// gzip.
    Gzip,
    /// bzip2.
    Bzip2,
}

/// `cos select`.
#[derive(Debug, Args)]
pub struct SelectArgs {
    /// cos://bucket/key.
    pub target: String,
    /// The SQL statement (the object is `COSObject`).
    #[arg(long, value_name = "SQL")]
    pub sql: String,
    /// Format of the object.
    #[arg(long, value_enum)]
    pub input: SelectFormat,
    /// CSV input: what the first line is.
    #[arg(long, value_enum, default_value = "none")]
    pub csv_header: CsvHeader,
    /// JSON input: LINES or DOCUMENT.
    #[arg(long, value_enum, default_value = "lines")]
    pub json_type: JsonKind,
    /// Compression of the object.
    #[arg(long, value_enum, default_value = "none")]
    pub compression: Compression,
    /// Format of the records (default: the input's).
    #[arg(long, value_enum)]
    pub output: Option<SelectFormat>,
    /// SSE-C: the file holding the 32-byte AES-256 key (raw, or base64) the object was
    /// written with.
    #[arg(long, value_name = "FILE")]
    pub sse_c_key_file: Option<std::path::PathBuf>,
}

/// `cos ls`.
#[derive(Debug, Args)]
pub struct LsArgs {
    /// cos://bucket[/prefix]; without it, list the buckets.
    pub target: Option<String>,
    /// Everything below the prefix, not just one level.
    #[arg(short, long)]
    pub recursive: bool,
    /// Also show last-modified time, storage class and ETag.
    #[arg(short, long)]
    pub long: bool,
    /// List every version and delete marker.
    #[arg(long)]
    pub versions: bool,
}

/// How objects are written (uploads and copies).
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Object options")]
pub struct WriteArgs {
    /// Storage class, e.g. STANDARD, STANDARD_IA, ARCHIVE, MAZ_STANDARD.
    #[arg(long, value_name = "CLASS")]
    pub storage_class: Option<String>,
    /// Canned ACL: private, public-read or public-read-write.
    #[arg(long, value_name = "ACL")]
    pub acl: Option<String>,
    /// Content-Type of uploaded objects (default: guessed from the file name).
    #[arg(long, value_name = "TYPE")]
    pub content_type: Option<String>,
    /// User metadata `k=v` (x-cos-meta-k), repeatable.
    #[arg(long = "meta", value_name = "K=V")]
    pub meta: Vec<String>,
    /// Server-side encryption: AES256 (SSE-COS) or cos/kms (SSE-KMS).
    #[arg(long, value_name = "ALGO")]
    pub sse: Option<String>,
    /// The KMS key of --sse cos/kms.
    #[arg(long, value_name = "ID", requires = "sse")]
    pub sse_kms_key_id: Option<String>,
    /// SSE-C: a file holding your 32-byte AES-256 key (raw, or base64); used to write
    /// and to read the objects.
    #[arg(long, value_name = "FILE", conflicts_with = "sse")]
    pub sse_c_key_file: Option<PathBuf>,
}

/// How transfers run.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Transfer options")]
pub struct TransferArgs {
    /// Only paths matching this glob (relative to SRC), repeatable.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Leave out paths matching this glob, repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Multipart part size, 1M to 5G, e.g. 16M, 8MiB, 1048576.
    #[arg(long, value_name = "SIZE", value_parser = parse_part_size)]
    pub part_size: Option<u64>,
    /// Files transferred at once (and parts at once for one file).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: Option<u16>,
    /// Keep checkpoints here: rerunning after a kill continues where it stopped.
    #[arg(long, value_name = "DIR")]
    pub checkpoint_dir: Option<PathBuf>,
    /// Downloads: sync each finished file to stable storage before it is renamed into
    /// place (off by default, as in coscmd and the Python SDK: a flush per file dominates
    /// small files; checkpointed downloads always sync).
    #[arg(long)]
    pub fsync: bool,
}

/// `cos cp` and `cos mv`.
#[derive(Debug, Args)]
pub struct CpArgs {
    /// Source: a local path, cos://bucket/key, or `-` for standard input (uploaded as
    /// one object of unknown length to a cos://bucket/key destination).
    pub src: String,
    /// Destination: a local path or cos://bucket/key (a trailing `/` means "into").
    pub dst: String,
    /// Copy a whole folder / prefix.
    #[arg(short, long)]
    pub recursive: bool,
    /// Transfer options.
    #[command(flatten)]
    pub transfer: TransferArgs,
    /// Object options.
    #[command(flatten)]
    pub write: WriteArgs,
    /// Client-side encryption.
    #[command(flatten)]
    pub cse: CseArgs,
}

/// Client-side encryption of `cp`, `mv` and `sync` (files and folders, upload and
/// download), compatible with the official Python SDK's `CosEncryptionClient` and its
/// key files.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Client-side encryption")]
pub struct CseArgs {
    /// Encrypt/decrypt with the AES-256 master key in FILE (base64, as the Python SDK's
    /// `AESProvider(aes_key_path=...)` reads it).
    #[arg(long, value_name = "FILE", conflicts_with = "cse_rsa_public_key")]
    pub cse_aes_key_file: Option<PathBuf>,
    /// Encrypt/decrypt with this RSA public key PEM file (and --cse-rsa-private-key), as
    /// `RSAProvider.get_rsa_key_pair_path(...)` reads them.
    #[arg(long, value_name = "FILE", requires = "cse_rsa_private_key")]
    pub cse_rsa_public_key: Option<PathBuf>,
    /// The RSA private key PEM file of --cse-rsa-public-key.
    #[arg(long, value_name = "FILE", requires = "cse_rsa_public_key")]
    pub cse_rsa_private_key: Option<PathBuf>,
}

/// `cos sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Source: a local folder or cos://bucket/prefix.
    pub src: String,
    /// Destination: cos://bucket/prefix or a local folder.
    pub dst: String,
    /// Delete destination files that are not in the source.
    #[arg(long)]
    pub delete: bool,
    /// Show what would be done; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Transfer options.
    #[command(flatten)]
    pub transfer: TransferArgs,
    /// Object options.
    #[command(flatten)]
    pub write: WriteArgs,
    /// Client-side encryption.
    #[command(flatten)]
    pub cse: CseArgs,
}

/// `cos rm`.
#[derive(Debug, Args)]
pub struct RmArgs {
    /// cos://bucket/key, or cos://bucket/prefix with -r.
    pub target: String,
    /// Delete everything under the prefix.
    #[arg(short, long)]
    pub recursive: bool,
    /// Delete every version and delete marker too.
    #[arg(long)]
    pub all_versions: bool,
    /// Show what would be deleted; delete nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Only keys matching this glob (relative to the prefix), repeatable.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Leave out keys matching this glob, repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

/// `cos cat`.
#[derive(Debug, Args)]
pub struct CatArgs {
    /// cos://bucket/key.
    pub target: String,
    /// A version of the object.
    #[arg(long, value_name = "ID")]
    pub version_id: Option<String>,
    /// SSE-C: the file holding the 32-byte AES-256 key (raw, or base64) the object was
    /// written with.
    #[arg(long, value_name = "FILE")]
    pub sse_c_key_file: Option<PathBuf>,
}

/// `cos stat`.
#[derive(Debug, Args)]
pub struct StatArgs {
    /// cos://bucket/key.
    pub target: String,
    /// A version of the object.
    #[arg(long, value_name = "ID")]
    pub version_id: Option<String>,
    /// SSE-C: the file holding the 32-byte AES-256 key (raw, or base64) the object was
    /// written with.
    #[arg(long, value_name = "FILE")]
    pub sse_c_key_file: Option<PathBuf>,
}

/// HTTP method of a presigned URL.
#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum PresignMethod {
    /// Download.
    Get,
    /// Upload.
    Put,
}

/// `cos presign`.
#[derive(Debug, Args)]
pub struct PresignArgs {
    /// cos://bucket/key.
    pub target: String,
    /// Seconds the URL stays valid.
    #[arg(long, default_value_t = 3600, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..=7 * 24 * 3600))]
    pub expires: u64,
    /// Method the URL is signed for.
    #[arg(long, value_enum, default_value = "GET")]
    pub method: PresignMethod,
}

/// `cos du`.
#[derive(Debug, Args)]
pub struct DuArgs {
    /// cos://bucket[/prefix].
    pub target: String,
}

/// `cos mb`.
#[derive(Debug, Args)]
pub struct MbArgs {
    /// cos://bucket-appid.
    pub target: String,
    /// A multi-AZ bucket.
    #[arg(long)]
    pub maz: bool,
    /// Canned ACL: private, public-read or public-read-write.
    #[arg(long, value_name = "ACL")]
    pub acl: Option<String>,
}

/// `cos rb`.
#[derive(Debug, Args)]
pub struct RbArgs {
    /// cos://bucket-appid.
    pub target: String,
    /// First delete every object, version and unfinished upload.
    #[arg(long)]
    pub force: bool,
}

/// `cos abort`.
#[derive(Debug, Args)]
pub struct AbortArgs {
    /// cos://bucket[/prefix].
    pub target: String,
}

/// Parses `16M`, `8MiB`, `512k`, `1048576` (binary units).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(digits);
    let n: u64 = n.parse().map_err(|_| format!("{s:?} is not a size"))?;
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("{s:?}: unknown unit {unit:?} (use K, M or G)")),
    };
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("{s:?} is too large"))
}

/// Parses `--part-size`: a size within the engine's multipart limits (1 MiB to 5 GiB),
/// so that a bad one is a usage error before any request.
pub fn parse_part_size(s: &str) -> Result<u64, String> {
    let n = parse_size(s)?;
    if !(1 << 20..=5 << 30).contains(&n) {
        return Err(format!("{s:?}: a part is 1M to 5G"));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn sizes_parse_in_binary_units() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert_eq!(parse_size("8MiB"), Ok(8 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert!(parse_size("12Q").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("99999999999G").is_err());
        assert_eq!(parse_part_size("1M"), Ok(1 << 20));
        assert!(parse_part_size("512K").is_err());
        assert!(parse_part_size("6G").is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_has_an_about_and_examples() {
        let cli = Cli::command();
        assert!(cli.get_after_help().is_some());
        for sub in cli.get_subcommands() {
            let name = sub.get_name();
            assert!(sub.get_about().is_some(), "{name}: no about");
            let after = sub.get_after_help().map(|h| h.to_string());
            assert!(
                after
                    .as_deref()
                    .is_some_and(|h| h.starts_with("Examples:\n  cos ")),
                "{name}: no examples"
            );
        }
    }
}
