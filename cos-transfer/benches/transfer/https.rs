//! The HTTPS figure: our `upload_file` / `download_file` against a second emulator
//! process serving TLS (rustls, a throwaway CA made with rcgen), the same object and
//! settings as over HTTP. Rounds alternate HTTP and HTTPS (the order flipping every
//! round), so that a slow moment of the machine weighs on both; the ratio is the median
//! of the per-round ratios. `BENCH_TRANSFER_HTTPS=0` skips it.

use super::*;
use cos_testkit::tls::TestPki;

const CERT_VAR: &str = "COS_TRANSFER_BENCH_TLS_CERT";
const KEY_VAR: &str = "COS_TRANSFER_BENCH_TLS_KEY";

/// In the emulator child: the certificate chain and key to serve HTTPS with, if any.
pub fn child_tls() -> Option<(String, String)> {
    Some((std::env::var(CERT_VAR).ok()?, std::env::var(KEY_VAR).ok()?))
}

/// Whether the HTTPS figure is wanted.
pub fn wanted() -> bool {
    !std::env::var("BENCH_TRANSFER_HTTPS").is_ok_and(|v| v == "0")
}

/// The TLS emulator process and a client trusting its CA.
pub struct Https {
    emu: EmulatorProcess,
    backend: CosBackend,
}

/// `[upload, download]` samples: `[http, https]` each.
pub type HttpsSamples = [[Vec<Sample>; 2]; 2];

impl Https {
    /// Starts the TLS emulator and uploads the object the downloads read.
    pub fn start(bench: &Bench) -> Self {
        let pki = TestPki::generate().unwrap();
        let mut io = LineChild::spawn(
            Command::new(std::env::current_exe().unwrap())
                .env("COS_TRANSFER_BENCH_EMULATOR", "1")
                .env(CERT_VAR, &pki.cert_pem)
                .env(KEY_VAR, &pki.key_pem),
        );
        let line = io.read_line();
        let addr: SocketAddr = line.trim().strip_prefix("ADDR ").unwrap().parse().unwrap();
        let config = Config::builder()
            .region("ap-guangzhou")
            .credentials(Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap())
            .connect_to(format!("https://{addr}"))
            .ca_bundle_pem(&pki.ca_pem)
            .build()
            .unwrap();
        let https = Https {
            emu: EmulatorProcess { io, addr },
            backend: CosBackend::new(Client::new(config).unwrap()),
        };
        bench.rt.block_on(async {
            https
                .backend
                .client()
                .put_bucket(&BucketName::new(BUCKET).unwrap())
                .send()
                .await
                .unwrap();
            up(&https.backend, bench).await;
        });
        https
    }

    /// Two warm-up rounds, then `runs` measured ones, each way.
    pub fn rounds(&mut self, bench: &Bench, http: &mut EmulatorProcess) -> HttpsSamples {
        let mut samples: HttpsSamples = Default::default();
        for (d, upload) in [true, false].into_iter().enumerate() {
            for run in 0..bench.runs as usize + 2 {
                let mut line = Vec::new();
                for i in 0..2 {
                    let tls = (i + run) % 2 == 1;
                    let (emu, backend) = if tls {
                        (&mut self.emu, &self.backend)
                    } else {
                        (&mut *http, &bench.backend)
                    };
                    let sample = if upload {
                        bench.timed(emu, up(backend, bench))
                    } else {
                        bench.timed(emu, down(backend, bench))
                    };
                    let _ = std::fs::remove_file(&bench.dest);
                    let name = if tls { "https" } else { "http" };
                    line.push(format!("{name} {:.0}", mibs(bench.size, sample.secs)));
                    if run >= 2 {
                        samples[d][usize::from(tls)].push(sample);
                    }
                }
                eprintln!(
                    "{} run {run}{}: {} MiB/s",
                    if upload {
                        "ours upload"
                    } else {
                        "ours download"
                    },
                    if run < 2 { " (warm-up)" } else { "" },
                    line.join(" / ")
                );
            }
        }
        samples
    }
}

/// The table row and the lines for the HTTPS figure (printed before the report, whose
/// `transfer:` line stays last).
pub fn row_and_lines(size: u64, s: &HttpsSamples) -> Row {
    let [[up_http, up_https], [down_http, down_https]] = s;
    let row = Row::new(
        "cos-transfer over HTTPS (rustls)",
        size,
        up_https,
        down_https,
    );
    println!("RESULT ours_https_up_mibs {:.0}", row.up);
    println!("RESULT ours_https_down_mibs {:.0}", row.down);
    println!(
        "https: up_vs_http={:.2} down_vs_http={:.2} (medians of the per-round ratios; HTTPS over HTTP, ours both)",
        ratio(up_https, up_http),
        ratio(down_https, down_http),
    );
    row
}

async fn up(backend: &CosBackend, bench: &Bench) {
    Transfers::with_backend(backend)
        .upload_file(
            &BucketName::new(BUCKET).unwrap(),
            &cos_core::ObjectKey::new("ours.bin").unwrap(),
            &bench.src,
        )
        .options(bench.up_opts.clone())
        .send()
        .await
        .unwrap();
}

async fn down(backend: &CosBackend, bench: &Bench) {
    Transfers::with_backend(backend)
        .download_file(
            &BucketName::new(BUCKET).unwrap(),
            &cos_core::ObjectKey::new("ours.bin").unwrap(),
            &bench.dest,
        )
        .options(bench.down_opts.clone())
        .send()
        .await
        .unwrap();
}
