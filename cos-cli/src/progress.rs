//! The progress display on stderr (indicatif): one overall bar (bytes, files, rate,
//! ETA) and, below it, one bar per large file in flight. Drawn only when stderr is a
//! terminal (see [`crate::output::Out::progress`]); otherwise every bar is hidden and
//! costs next to nothing.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cos_transfer::{FileStatus, Progress, ProgressFn};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Files from this size on get a bar of their own (or from the part size, when
/// smaller: a file of several parts).
pub const LARGE_FILE: u64 = 8 << 20;

/// The progress display of one command.
#[derive(Debug, Clone)]
pub struct Bar {
    multi: MultiProgress,
    bar: ProgressBar,
    visible: bool,
    large: u64,
    files: Arc<Mutex<(u64, Option<u64>)>>,
    /// Per-file bars of a folder operation, by key.
    in_flight: Arc<Mutex<HashMap<String, ProgressBar>>>,
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

impl Bar {
    /// A display drawn on stderr when `visible`, hidden otherwise.
    pub fn new(visible: bool, files_total: Option<u64>) -> Self {
        let target = if visible {
            ProgressDrawTarget::stderr_with_hz(10)
        } else {
            ProgressDrawTarget::hidden()
        };
        let multi = MultiProgress::with_draw_target(target);
        let bar = multi.add(ProgressBar::new(0));
        bar.set_style(style(
            "{bar:30.cyan/blue} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
        ));
        if visible {
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        let b = Self {
            multi,
            bar,
            visible,
            large: LARGE_FILE,
            files: Arc::new(Mutex::new((0, files_total))),
            in_flight: Arc::new(Mutex::new(HashMap::new())),
        };
        b.update_files();
        b
    }

    /// Files of `part_size` or more (when smaller than [`LARGE_FILE`]) count as large.
    pub fn part_size(mut self, part_size: Option<u64>) -> Self {
        if let Some(p) = part_size {
            self.large = self.large.min(p.max(1));
        }
        self
    }

    fn update_files(&self) {
        if let Ok(f) = self.files.lock() {
            let msg = match f.1 {
                Some(t) => format!("files {}/{t}", f.0),
                None => format!("files {}", f.0),
            };
            self.bar.set_message(msg);
        }
    }

    /// The callback to hand to a folder operation (cos-transfer reports the folder's
    /// bytes together, and each file's start and end).
    pub fn callback(&self) -> ProgressFn {
        let this = self.clone();
        Arc::new(move |p: Progress| this.on(p))
    }

    fn on(&self, p: Progress) {
        match p {
            Progress::Bytes { done, total } => {
                self.bar.set_length(total);
                self.bar.set_position(done);
            }
            Progress::FileStarted { key, size } if self.visible && size >= self.large => {
                {
                    // The folder engine reports bytes for all files together: the
                    // file's own bar shows its name, size and time in flight.
                    let b = self.multi.add(ProgressBar::new(size));
                    b.set_style(style(
                        "  {spinner} {total_bytes:>10} {elapsed:>4} {wide_msg}",
                    ));
                    b.set_message(key.clone());
                    b.enable_steady_tick(Duration::from_millis(200));
                    if let Ok(mut m) = self.in_flight.lock() {
                        m.insert(key, b);
                    }
                }
            }
            Progress::FileFinished { key, status } => {
                if let Ok(mut m) = self.in_flight.lock()
                    && let Some(b) = m.remove(&key)
                {
                    b.finish_and_clear();
                    self.multi.remove(&b);
                }
                if matches!(status, FileStatus::Done | FileStatus::Unchanged)
                    && let Ok(mut f) = self.files.lock()
                {
                    f.0 += 1;
                }
                self.update_files();
            }
            _ => {}
        }
    }

    /// The display of one file a command transfers on its own: a bar of its own when it
    /// is large, and its bytes counted in the overall bar. `known_size` is the size
    /// already added with [`add_total`](Self::add_total), if any.
    pub fn file(&self, name: impl Into<String>, known_size: Option<u64>) -> FileBar {
        FileBar {
            inner: Arc::new(FileInner {
                parent: self.clone(),
                name: name.into(),
                bar: Mutex::new(None),
                seen: AtomicU64::new(0),
                size: AtomicU64::new(known_size.unwrap_or(0)),
                sized: AtomicBool::new(known_size.is_some()),
            }),
        }
    }

    /// Counts one finished file (for commands that run single-file transfers).
    pub fn file_done(&self) {
        if let Ok(mut f) = self.files.lock() {
            f.0 += 1;
        }
        self.update_files();
    }

    /// Adds bytes to the total (for commands that run single-file transfers).
    pub fn add_total(&self, bytes: u64) {
        self.bar.inc_length(bytes);
    }

    /// Adds bytes done.
    pub fn add_done(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    /// Removes every bar from the terminal.
    pub fn finish(&self) {
        if let Ok(mut m) = self.in_flight.lock() {
            for (_, b) in m.drain() {
                b.finish_and_clear();
            }
        }
        self.bar.finish_and_clear();
        let _ = self.multi.clear();
    }
}

#[derive(Debug)]
struct FileInner {
    parent: Bar,
    name: String,
    bar: Mutex<Option<ProgressBar>>,
    seen: AtomicU64,
    size: AtomicU64,
    sized: AtomicBool,
}

/// One file's progress: see [`Bar::file`].
#[derive(Debug, Clone)]
pub struct FileBar {
    inner: Arc<FileInner>,
}

impl FileBar {
    /// The callback to hand to the file's transfer.
    pub fn callback(&self) -> ProgressFn {
        let this = self.clone();
        Arc::new(move |p: Progress| {
            if let Progress::Bytes { done, total } = p {
                this.bytes(done, total);
            }
        })
    }

    fn bytes(&self, done: u64, total: u64) {
        let f = &self.inner;
        if !f.sized.swap(true, Ordering::SeqCst) {
            f.size.store(total, Ordering::SeqCst);
            f.parent.add_total(total);
        }
        let before = f.seen.swap(done, Ordering::SeqCst);
        f.parent.add_done(done.saturating_sub(before));
        if !f.parent.visible || total < f.parent.large {
            return;
        }
        if let Ok(mut b) = f.bar.lock() {
            let bar = b.get_or_insert_with(|| {
                let bar = f.parent.multi.add(ProgressBar::new(total));
                bar.set_style(style(
                    "  {bar:20.green/white} {bytes:>10}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {wide_msg}",
                ));
                bar.set_message(f.name.clone());
                bar
            });
            bar.set_length(total);
            bar.set_position(done);
        }
    }

    /// The file is finished: its bar goes away; when `done`, its remaining bytes (none
    /// when every byte was reported) count as done and the file is counted.
    pub fn finish(&self, done: bool) {
        let f = &self.inner;
        if let Ok(mut b) = f.bar.lock()
            && let Some(bar) = b.take()
        {
            bar.finish_and_clear();
            f.parent.multi.remove(&bar);
        }
        if done {
            let size = f.size.load(Ordering::SeqCst);
            let seen = f.seen.swap(size, Ordering::SeqCst);
            f.parent.add_done(size.saturating_sub(seen));
            f.parent.file_done();
        }
    }
}
