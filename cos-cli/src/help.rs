//! The examples and notes at the end of each command's `--help`.

/// Shown after `cos --help`.
pub const TOP_EXAMPLES: &str = "Examples:
  cos ls
  cos ls -r cos://examplebucket-1250000000/photos/ --json
  cos cp -r ./site cos://examplebucket-1250000000/www
  cos sync cos://examplebucket-1250000000/www ./site --delete
  cos --profile emulator --endpoint http://127.0.0.1:9000 mb cos://test-1250000000

Run `cos help COMMAND` (or `cos COMMAND --help`) for each command's options and examples.";

/// Shown after `cos ls --help`.
pub const LS_EXAMPLES: &str = "Examples:
  cos ls                                             # the buckets
  cos ls cos://examplebucket-1250000000/photos/      # one level: objects and DIR prefixes
  cos ls -r --long cos://examplebucket-1250000000/photos/
  cos ls --versions cos://examplebucket-1250000000/doc.txt --json";

/// Shown after `cos mv --help`.
pub const MV_EXAMPLES: &str = "Examples:
  cos mv report.pdf cos://examplebucket-1250000000/docs/
  cos mv -r cos://examplebucket-1250000000/tmp/ cos://examplebucket-1250000000/archive/
  cos mv cos://examplebucket-1250000000/in/a.csv ./a.csv

Takes every option of `cos cp`; the source is deleted only once its copy succeeded.";

/// Shown after `cos rm --help`.
pub const RM_EXAMPLES: &str = "Examples:
  cos rm cos://examplebucket-1250000000/old.log
  cos rm -r cos://examplebucket-1250000000/tmp/ --dry-run
  cos rm -r cos://examplebucket-1250000000/logs/ --include '*.gz'
  cos rm --all-versions cos://examplebucket-1250000000/doc.txt

Removing every object of a bucket (`rm -r cos://bucket`) asks for confirmation on a
terminal and needs --yes otherwise.";

/// Shown after `cos cat --help`.
pub const CAT_EXAMPLES: &str = "Examples:
  cos cat cos://examplebucket-1250000000/conf/app.toml
  cos cat cos://examplebucket-1250000000/big.csv | head
  cos cat cos://examplebucket-1250000000/secret.txt --sse-c-key-file ~/.cos/ssec.key";

/// Shown after `cos stat --help`.
pub const STAT_EXAMPLES: &str = "Examples:
  cos stat cos://examplebucket-1250000000/docs/report.pdf
  cos stat cos://examplebucket-1250000000/docs/report.pdf --json";

/// Shown after `cos presign --help`.
pub const PRESIGN_EXAMPLES: &str = "Examples:
  cos presign cos://examplebucket-1250000000/docs/report.pdf --expires 600
  cos presign cos://examplebucket-1250000000/upload/new.bin --method PUT";

/// Shown after `cos du --help`.
pub const DU_EXAMPLES: &str = "Examples:
  cos du cos://examplebucket-1250000000
  cos du cos://examplebucket-1250000000/photos/ --json";

/// Shown after `cos mb --help`.
pub const MB_EXAMPLES: &str = "Examples:
  cos mb cos://examplebucket-1250000000 --region ap-guangzhou
  cos mb cos://examplebucket-1250000000 --maz --acl private";

/// Shown after `cos rb --help`.
pub const RB_EXAMPLES: &str = "Examples:
  cos rb cos://examplebucket-1250000000
  cos rb cos://examplebucket-1250000000 --force --yes

--force first deletes every object, version and unfinished upload; it asks for
confirmation on a terminal and needs --yes otherwise.";

/// Shown after `cos abort --help`.
pub const ABORT_EXAMPLES: &str = "Examples:
  cos abort cos://examplebucket-1250000000
  cos abort cos://examplebucket-1250000000/backups/";

/// Shown after `cos cp --help`.
pub const CP_EXAMPLES: &str = "Examples:
  cos cp report.pdf cos://examplebucket-1250000000/docs/
  cos cp -r ./site cos://examplebucket-1250000000/www --exclude '**/*.tmp'
  cos cp cos://examplebucket-1250000000/docs/report.pdf .
  tar c ./site | cos cp - cos://examplebucket-1250000000/backups/site.tar
  cos cp big.iso cos://examplebucket-1250000000/isos/big.iso --checkpoint-dir ~/.cos/ck
  cos cp cos://src-1250000000/a.bin cos://dst-1250000000/a.bin
  cos cp secret.db cos://examplebucket-1250000000/secret.db --cse-aes-key-file ~/.cos_local_aes/.aes_key.pem
  cos cp -r cos://examplebucket-1250000000/vault/ ./vault --cse-aes-key-file ~/.cos_local_aes/.aes_key.pem

A download refuses keys that would land outside DST (reported; the other files go on).";

/// Shown after `cos sync --help`.
pub const SYNC_EXAMPLES: &str = "Examples:
  cos sync ./site cos://examplebucket-1250000000/www --delete
  cos sync cos://examplebucket-1250000000/www ./site --dry-run
  cos sync ./vault cos://examplebucket-1250000000/vault --cse-rsa-public-key pub.pem --cse-rsa-private-key priv.pem

Local CRC-64s are cached by size and mtime (in $COS_CACHE_DIR, else ~/.cache/cos), so a
sync with nothing to do reads no file again.";

/// Shown after `cos config --help`.
pub const CONFIG_EXAMPLES: &str = "Examples:
  cos config put cors cos://examplebucket-1250000000 --file cors.xml
  cos config get website cos://examplebucket-1250000000
  cos config delete lifecycle cos://examplebucket-1250000000
  cos config get inventory cos://examplebucket-1250000000 --id list1

The policy family takes and prints JSON (the bucket policy document).";

/// Shown after `cos select --help`.
pub const SELECT_EXAMPLES: &str = "Examples:
  cos select cos://examplebucket-1250000000/people.csv --input csv --csv-header use \\
      --sql \"select name from COSObject where cast(age as int) > 30\"
  cos select cos://examplebucket-1250000000/logs.json.gz --input json --json-type lines \\
      --compression gzip --output json --sql \"select * from COSObject s where s.level = 'ERROR'\"";
