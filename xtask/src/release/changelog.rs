//! CHANGELOG.md in the "Keep a Changelog" layout: `## [Unreleased]` on top, then one
//! `## [x.y.z] - YYYY-MM-DD` section per release, each with `- ` entries.

use std::time::{SystemTime, UNIX_EPOCH};

/// The heading of the section collecting changes for the next release.
pub const UNRELEASED: &str = "## [Unreleased]";

/// The body of the section whose heading starts `## [name]`, if any.
fn section<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let heading = format!("## [{name}]");
    let start = text
        .match_indices(&heading)
        .map(|(i, _)| i)
        .find(|&i| i == 0 || text[..i].ends_with('\n'))?;
    let body_start = text[start..]
        .find('\n')
        .map_or(text.len(), |n| start + n + 1);
    let body_end = text[body_start..]
        .find("\n## ")
        .map_or(text.len(), |n| body_start + n + 1);
    Some(&text[body_start..body_end])
}

/// Whether a section body holds at least one entry.
fn has_entries(body: &str) -> bool {
    body.lines()
        .any(|l| l.trim_start().starts_with("- ") || l.trim_start().starts_with("* "))
}

/// Checks that `version` has a section with at least one entry.
pub fn check(text: &str, version: &str) -> Result<(), String> {
    match section(text, version) {
        None => Err(format!(
            "CHANGELOG.md has no `## [{version}]` section (run `cargo xtask release bump`, \
             which cuts it from `{UNRELEASED}`)"
        )),
        Some(body) if !has_entries(body) => Err(format!(
            "CHANGELOG.md's `## [{version}]` section has no entry"
        )),
        Some(_) => Ok(()),
    }
}

/// Turns the `Unreleased` section into `## [version] - date` under a new empty
/// `Unreleased` section. Refuses an empty `Unreleased` and an existing `version`.
pub fn cut(text: &str, version: &str, date: &str) -> Result<String, String> {
    if section(text, version).is_some() {
        return Err(format!(
            "CHANGELOG.md already has a `## [{version}]` section"
        ));
    }
    let body = section(text, "Unreleased")
        .ok_or_else(|| format!("CHANGELOG.md has no `{UNRELEASED}` section"))?;
    if !has_entries(body) {
        return Err(format!(
            "CHANGELOG.md's `{UNRELEASED}` section has no entry: nothing to release"
        ));
    }
    let heading = text.find(UNRELEASED).unwrap_or(0);
    let after = heading + UNRELEASED.len();
    Ok(format!(
        "{}{UNRELEASED}\n\n## [{version}] - {date}{}",
        &text[..heading],
        &text[after..]
    ))
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "# Changelog\n\n## [Unreleased]\n\n- Added a thing.\n\n## [0.1.0] - 2026-01-02\n\n- First.\n";

    #[test]
    fn a_version_needs_a_section_with_entries() {
        assert!(check(LOG, "0.1.0").is_ok());
        assert!(check(LOG, "0.2.0").unwrap_err().contains("no `## [0.2.0]`"));
        let empty = "## [0.3.0] - 2026-01-01\n\n## [0.2.0]\n- x\n";
        assert!(check(empty, "0.3.0").unwrap_err().contains("no entry"));
        // `0.1.0` must not match `0.1.01` or a heading in the middle of a line.
        assert!(check("x ## [0.1.0]\n- y\n## [0.1.01]\n- z\n", "0.1.0").is_err());
    }

    #[test]
    fn cutting_moves_unreleased_entries_under_the_version() {
        let out = cut(LOG, "0.2.0", "2026-11-23").unwrap();
        assert_eq!(
            out,
            "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-11-23\n\n- Added a thing.\n\n## [0.1.0] - 2026-01-02\n\n- First.\n"
        );
        assert!(check(&out, "0.2.0").is_ok());
        // Cutting again: nothing unreleased, and the version exists.
        assert!(
            cut(&out, "0.3.0", "d")
                .unwrap_err()
                .contains("nothing to release")
        );
        assert!(cut(&out, "0.2.0", "d").unwrap_err().contains("already has"));
        assert!(
            cut("# Changelog\n", "0.2.0", "d")
                .unwrap_err()
                .contains("no `## [Unreleased]`")
        );
    }

    #[test]
    fn dates_are_gregorian() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_415), (2025, 11, 23));
        assert_eq!(today().len(), 10);
    }
}
