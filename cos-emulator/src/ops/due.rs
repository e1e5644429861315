//! Time-driven work, run deterministically by `EmulatorHandle::run_due_work` (after
//! `advance_clock`, tests call it instead of sleeping): lifecycle rules, replication,
//! scheduled inventory reports, then access-log delivery.

use crate::errors::OpResult;
use crate::state::Shared;

/// Runs every piece of work that is due by the emulator's clock.
pub(crate) async fn run(shared: &Shared) -> OpResult<()> {
    super::lifecycle::sweep(shared).await?;
    super::replication::flush(shared).await?;
    super::inventory::scheduled(shared).await?;
    super::logging::flush(shared).await
}
