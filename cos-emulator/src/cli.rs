//! The command line of the `cos-emulator` binary.

use std::net::SocketAddr;
use std::path::PathBuf;

use cos_auth::Credentials;

use cos_emulator::{EmulatorBuilder, EmulatorError, FaultRule};

/// Usage text.
pub const USAGE: &str = "\
usage: cos-emulator [options]
  --listen ADDR            address to listen on (default 127.0.0.1:9000; port 0 picks one)
  --credential ID:KEY[:TOKEN]
                           accept this key pair (repeatable; default AKIDEXAMPLE:SECRETKEYEXAMPLE)
  --data-dir DIR           keep data in DIR (default: in memory); DIR must be new, empty or
                           an emulator data dir (marker file cos-emulator-data); every
                           acknowledged write is fsynced to DIR/journal first
  --region REGION          region reported for buckets (default ap-guangzhou)
  --fault SPEC             inject faults (repeatable), e.g. op=UploadPart,key=big/*,status=503,first=2
                           prob=P status=S code=C first=N reset-request-after=K
                           reset-response-after=K latency-ms=MS truncate-response=K
  --seed N                 seed of probabilistic faults (default 0)
  --bench                  skip work a benchmark should not measure (MD5 ETags)
  --header-timeout-ms MS   close a connection whose request head takes longer (default 30000)
  --idle-timeout-ms MS     close a connection whose bytes stop moving for longer (default 60000)
  --max-connections N      serve at most N connections at once (default 1024)
  --log-max-bytes N        bytes the request log may hold (default 67108864)
  --clock-offset-secs N    run the emulator's clock N seconds ahead of the system clock
                           (what expires by time: temporary keys, lifecycle, restores)
  --mock-sts               answer Tencent Cloud API STS calls (X-TC-Action: AssumeRole,
                           AssumeRoleWithWebIdentity, GetFederationToken) with temporary keys
  --sts-web-identity-token TOKEN
                           the only OIDC token AssumeRoleWithWebIdentity accepts (default any)
  --mock-metadata ROLE     answer CVM metadata requests (/latest/meta-data/cam/security-
                           credentials/) for instance role ROLE with temporary keys
  --metadata-key-lifetime-secs N
                           how long the metadata server's keys last (default 7200)
  --tls-cert FILE          serve HTTPS with this PEM certificate chain (needs --tls-key);
                           ALPN offers h2 and http/1.1
  --tls-key FILE           the PEM private key of --tls-cert
  -h, --help               show this help";

/// Parsed command-line options.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// `--listen`.
    pub listen: SocketAddr,
    /// `--credential` values.
    pub credentials: Vec<Credentials>,
    /// `--data-dir`.
    pub data_dir: Option<PathBuf>,
    /// `--region`.
    pub region: String,
    /// `--fault` rules.
    pub faults: Vec<FaultRule>,
    /// `--seed`.
    pub seed: u64,
    /// `--bench`.
    pub bench: bool,
    /// `--help` was given.
    pub help: bool,
    /// `--header-timeout-ms`.
    pub header_timeout: Option<std::time::Duration>,
    /// `--idle-timeout-ms`.
    pub idle_timeout: Option<std::time::Duration>,
    /// `--max-connections`.
    pub max_connections: Option<usize>,
    /// `--log-max-bytes`.
    pub log_max_bytes: Option<usize>,
    /// `--clock-offset-secs`.
    pub clock_offset: Option<std::time::Duration>,
    /// `--mock-sts`.
    pub mock_sts: bool,
    /// `--sts-web-identity-token`.
    pub sts_web_identity_token: Option<String>,
    /// `--mock-metadata`.
    pub mock_metadata: Option<String>,
    /// `--metadata-key-lifetime-secs`.
    pub metadata_key_lifetime: Option<std::time::Duration>,
    /// `--tls-cert`.
    pub tls_cert: Option<PathBuf>,
    /// `--tls-key`.
    pub tls_key: Option<PathBuf>,
}

/// `--credential ID:KEY[:TOKEN]`.
fn credential(v: &str) -> Result<Credentials, EmulatorError> {
    let mut parts = v.splitn(3, ':');
    let (Some(id), Some(key)) = (parts.next(), parts.next()) else {
        return Err(EmulatorError::Usage(format!(
            "bad credential {v:?}: want ID:KEY[:TOKEN]"
        )));
    };
    let bad = |e: cos_auth::CredentialsError| EmulatorError::Usage(format!("bad credential: {e}"));
    let mut c = Credentials::new(id, key).map_err(bad)?;
    if let Some(token) = parts.next() {
        c = c.with_token(token).map_err(bad)?;
    }
    Ok(c)
}

/// A number argument.
fn number<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, EmulatorError> {
    v.parse()
        .map_err(|_| EmulatorError::Usage(format!("bad {name} {v:?}: want a number")))
}

impl Options {
    /// The options when no argument is given.
    fn defaults() -> Options {
        Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 9000)),
            credentials: Vec::new(),
            data_dir: None,
            region: cos_emulator::DEFAULT_REGION.to_owned(),
            faults: Vec::new(),
            seed: 0,
            bench: false,
            help: false,
            header_timeout: None,
            idle_timeout: None,
            max_connections: None,
            log_max_bytes: None,
            clock_offset: None,
            mock_sts: false,
            sts_web_identity_token: None,
            mock_metadata: None,
            metadata_key_lifetime: None,
            tls_cert: None,
            tls_key: None,
        }
    }

    /// Parses arguments (without the program name).
    ///
    /// Errors: [`EmulatorError::Usage`] or [`EmulatorError::InvalidFault`].
    pub fn parse<I, S>(args: I) -> Result<Options, EmulatorError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut o = Options::defaults();
        let mut args = args.into_iter().map(Into::into);
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
                _ => (arg.clone(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| EmulatorError::Usage(format!("{name} needs a value")))
            };
            match name.as_str() {
                "--listen" => {
                    let v = value()?;
                    o.listen = v
                        .parse()
                        .map_err(|_| EmulatorError::Usage(format!("bad address {v:?}")))?;
                }
                "--credential" => o.credentials.push(credential(&value()?)?),
                "--data-dir" => o.data_dir = Some(PathBuf::from(value()?)),
                "--region" => o.region = value()?,
                "--fault" => o.faults.push(FaultRule::parse(&value()?)?),
                "--seed" => {
                    let v = value()?;
                    o.seed = v
                        .parse()
                        .map_err(|_| EmulatorError::Usage(format!("bad seed {v:?}")))?;
                }
                "--bench" => o.bench = true,
                "--header-timeout-ms" => {
                    let ms = number(&name, &value()?)?;
                    o.header_timeout = Some(std::time::Duration::from_millis(ms));
                }
                "--idle-timeout-ms" => {
                    let ms = number(&name, &value()?)?;
                    o.idle_timeout = Some(std::time::Duration::from_millis(ms));
                }
                "--max-connections" => o.max_connections = Some(number(&name, &value()?)?),
                "--log-max-bytes" => o.log_max_bytes = Some(number(&name, &value()?)?),
                "--clock-offset-secs" => {
                    let secs = number(&name, &value()?)?;
                    o.clock_offset = Some(std::time::Duration::from_secs(secs));
                }
                "--mock-sts" => o.mock_sts = true,
                "--sts-web-identity-token" => o.sts_web_identity_token = Some(value()?),
                "--mock-metadata" => o.mock_metadata = Some(value()?),
                "--metadata-key-lifetime-secs" => {
                    let secs = number(&name, &value()?)?;
                    o.metadata_key_lifetime = Some(std::time::Duration::from_secs(secs));
                }
                "--tls-cert" => o.tls_cert = Some(PathBuf::from(value()?)),
                "--tls-key" => o.tls_key = Some(PathBuf::from(value()?)),
                "-h" | "--help" => o.help = true,
                other => {
                    return Err(EmulatorError::Usage(format!(
                        "unknown argument {other:?}\n{USAGE}"
                    )));
                }
            }
        }
        if o.tls_cert.is_some() != o.tls_key.is_some() {
            return Err(EmulatorError::Usage(
                "--tls-cert and --tls-key go together".into(),
            ));
        }
        Ok(o)
    }

    /// A builder with these options.
    pub fn builder(&self) -> EmulatorBuilder {
        let mut b = cos_emulator::Emulator::builder()
            .listen(self.listen)
            .region(self.region.clone())
            .bench_mode(self.bench)
            .seed(self.seed);
        for c in &self.credentials {
            b = b.credential(c.clone());
        }
        for f in &self.faults {
            b = b.fault(f.clone());
        }
        if let Some(d) = &self.data_dir {
            b = b.data_dir(d.clone());
        }
        if let Some(t) = self.header_timeout {
            b = b.header_read_timeout(t);
        }
        if let Some(t) = self.idle_timeout {
            b = b.idle_timeout(t);
        }
        if let Some(n) = self.max_connections {
            b = b.max_connections(n);
        }
        if let Some(n) = self.log_max_bytes {
            b = b.request_log_max_bytes(n);
        }
        if let Some(offset) = self.clock_offset {
            b = b.clock_offset(offset);
        }
        b = b.mock_sts(self.mock_sts);
        if let Some(t) = &self.sts_web_identity_token {
            b = b.sts_web_identity_token(t.clone());
        }
        if let Some(role) = &self.mock_metadata {
            b = b.mock_metadata(role.clone());
        }
        if let Some(d) = self.metadata_key_lifetime {
            b = b.metadata_key_lifetime(d);
        }
        if let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) {
            b = b.tls_files(cert.clone(), key.clone());
        }
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mock_service_flags() {
        let o = Options::parse([
            "--mock-sts",
            "--sts-web-identity-token",
            "tok",
            "--mock-metadata=cos-role",
            "--metadata-key-lifetime-secs",
            "600",
        ])
        .unwrap();
        assert!(o.mock_sts);
        assert_eq!(o.sts_web_identity_token.as_deref(), Some("tok"));
        assert_eq!(o.mock_metadata.as_deref(), Some("cos-role"));
        assert_eq!(
            o.metadata_key_lifetime,
            Some(std::time::Duration::from_secs(600))
        );
        assert!(Options::parse(["--metadata-key-lifetime-secs", "x"]).is_err());
    }

    #[test]
    fn parses() {
        let o = Options::parse([
            "--listen",
            "127.0.0.1:0",
            "--credential",
            "AK:SK:TOK",
            "--fault=status=503,first=1",
            "--bench",
            "--region",
            "ap-beijing",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(o.listen.port(), 0);
        assert_eq!(o.credentials[0].token(), Some("TOK"));
        assert_eq!(o.faults.len(), 1);
        assert!(o.bench);
        assert_eq!(o.region, "ap-beijing");
        assert!(Options::parse(["--nope"]).is_err());
        let limits = Options::parse([
            "--header-timeout-ms=1500",
            "--idle-timeout-ms",
            "2500",
            "--max-connections",
            "7",
            "--log-max-bytes=4096",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            limits.header_timeout,
            Some(std::time::Duration::from_millis(1500))
        );
        assert_eq!(
            limits.idle_timeout,
            Some(std::time::Duration::from_millis(2500))
        );
        assert_eq!(limits.max_connections, Some(7));
        assert_eq!(limits.log_max_bytes, Some(4096));
        assert!(Options::parse(["--max-connections", "many"]).is_err());
        assert!(Options::parse(["--credential", "justid"]).is_err());
        let tls = Options::parse(["--tls-cert", "c.pem", "--tls-key=k.pem"])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(tls.tls_cert, Some(PathBuf::from("c.pem")));
        assert_eq!(tls.tls_key, Some(PathBuf::from("k.pem")));
        assert!(Options::parse(["--tls-cert", "c.pem"]).is_err());
    }
}
