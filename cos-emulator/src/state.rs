//! The state all connections share: the settings, the storage, the fault rules, the
//! request log and what the legacy v4 API keeps.

pub(crate) mod mock;
pub(crate) mod pending;
pub(crate) mod tasks;
pub(crate) mod v4;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use cos_auth::Credentials;

use crate::conn::Limits;
use crate::faults::{FaultSet, Injected};
use crate::header_case::HeaderCase;
use crate::record::RequestLog;
use crate::storage::Store;
use crate::time::Clock;
use v4::V4State;

/// Static settings.
#[derive(Debug)]
pub(crate) struct Config {
    pub region: String,
    pub credentials: Vec<Credentials>,
    pub bench_mode: bool,
    /// Timeouts and the connection cap.
    pub limits: Limits,
    /// The clock every time-dependent behaviour reads.
    pub clock: Clock,
    /// The mock STS and metadata server (off by default).
    pub mock: mock::MockConfig,
}

/// State shared by all connections.
#[derive(Debug)]
pub(crate) struct Shared {
    pub config: Config,
    pub store: Store,
    faults: Mutex<FaultSet>,
    /// Whether `faults` has rules: without, requests skip its lock.
    any_faults: AtomicBool,
    /// The latest requests answered (or reset), for `Emulator::requests`.
    pub log: RequestLog,
    requests: AtomicU64,
    /// What the legacy v4 API keeps besides the objects.
    pub v4: V4State,
    /// Makes hyper write COS's header name case (see [`crate::header_case`]).
    pub header_case: HeaderCase,
    /// The temporary credentials the mock STS and metadata server minted.
    pub minted: mock::Minted,
    /// The async fetch tasks, by id (issue 17).
    pub fetch_tasks: Mutex<std::collections::HashMap<String, tasks::FetchTask>>,
    /// COS Batch Operations jobs (issue 17).
    pub batch_jobs: Mutex<tasks::Jobs>,
    /// Access-log lines waiting to be written (bucket logging).
    pub access_logs: pending::AccessLogs,
    /// Keys waiting to be replicated (bucket replication).
    pub replication: pending::ReplicationQueue,
}

impl Shared {
    pub fn new(
        config: Config,
        store: Store,
        faults: FaultSet,
        header_case: HeaderCase,
        log: RequestLog,
    ) -> Self {
        Shared {
            header_case,
            config,
            store,
            any_faults: AtomicBool::new(!faults.is_empty()),
            faults: Mutex::new(faults),
            log,
            requests: AtomicU64::new(0),
            v4: V4State::default(),
            minted: mock::Minted::default(),
            fetch_tasks: Mutex::default(),
            batch_jobs: Mutex::default(),
            access_logs: Default::default(),
            replication: Default::default(),
        }
    }

    fn faults(&self) -> MutexGuard<'_, FaultSet> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The number of the next request (counting from 0).
    pub fn next_request_number(&self) -> u64 {
        self.requests.fetch_add(1, Ordering::Relaxed)
    }

    /// Changes the fault rules.
    pub fn edit_faults(&self, edit: impl FnOnce(&mut FaultSet)) {
        let mut faults = self.faults();
        edit(&mut faults);
        self.any_faults.store(!faults.is_empty(), Ordering::Release);
    }

    /// The faults to inject into a request of `operation` on `key`.
    pub fn inject(&self, operation: &str, key: Option<&str>) -> Injected {
        if self.any_faults.load(Ordering::Acquire) {
            self.faults().decide(operation, key)
        } else {
            Injected::default()
        }
    }
}
