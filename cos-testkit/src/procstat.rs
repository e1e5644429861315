//! CPU time of a process, for benchmarks that report where the CPU went.

/// User + system CPU seconds of process `pid` so far, all its threads (`/proc/PID/stat`
/// fields 14 and 15, in USER_HZ ticks: 1/100 s on Linux). A process that has exited
/// but not been reaped still answers. `None` where there is no such file (not Linux,
/// no such process).
pub fn cpu_secs(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let mut fields = rest.split(' ').skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) as f64 / 100.0)
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn this_process_has_used_some_cpu_and_a_missing_one_none() {
        let mut x = 0u64;
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_millis(50) {
            x = x.wrapping_mul(31).wrapping_add(1);
        }
        std::hint::black_box(x);
        let secs = super::cpu_secs(std::process::id()).unwrap();
        assert!(secs >= 0.01, "{secs}");
        assert_eq!(super::cpu_secs(u32::MAX), None);
    }
}
