//! What a query may ask, checked before it runs: a filter that cannot mean anything (a date
//! that is no date, an unknown kind or category, an impossible limit) is an error that says
//! why, never an empty answer.

use crate::{Error, Result};

/// The largest page of rows a query returns.
pub const MAX_LIMIT: usize = 5000;

/// A page of results: the rows from `offset`, and how many match in all.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub rows: Vec<T>,
}

impl<T> Page<T> {
    /// "1–50 of 126", "none of 0".
    pub fn range(&self) -> String {
        if self.rows.is_empty() {
            return format!("0 rows (of {})", self.total);
        }
        format!(
            "{}–{} of {}",
            self.offset + 1,
            self.offset + self.rows.len(),
            self.total
        )
    }
}

/// A limit between 1 and [`MAX_LIMIT`].
pub fn limit(n: usize) -> Result<usize> {
    if (1..=MAX_LIMIT).contains(&n) {
        Ok(n)
    } else {
        Err(Error::Invalid(format!(
            "limit must be between 1 and {MAX_LIMIT}, not {n}"
        )))
    }
}

fn days_in(y: i64, m: i64) -> i64 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// A date filter written `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, as the day it means: the first
/// day of a month or year for `since`, the last for `until` (`end`). `what` names the filter
/// in the error.
pub fn date(s: &str, end: bool, what: &str) -> Result<String> {
    let bad = || {
        Error::Invalid(format!(
            "{what} must be a date written YYYY-MM-DD (or YYYY-MM, YYYY), not {s:?}"
        ))
    };
    let t = s.trim();
    let parts: Vec<&str> = t.split('-').collect();
    let num = |p: &str, n: usize| -> Option<i64> {
        (p.len() == n && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (y, m, d) = match parts.as_slice() {
        [y] => (num(y, 4).ok_or_else(bad)?, None, None),
        [y, m] => (
            num(y, 4).ok_or_else(bad)?,
            Some(num(m, 2).ok_or_else(bad)?),
            None,
        ),
        [y, m, d] => (
            num(y, 4).ok_or_else(bad)?,
            Some(num(m, 2).ok_or_else(bad)?),
            Some(num(d, 2).ok_or_else(bad)?),
        ),
        _ => return Err(bad()),
    };
    let m = match m {
        Some(m) if !(1..=12).contains(&m) => return Err(bad()),
        Some(m) => m,
        None if end => 12,
        None => 1,
    };
    let d = match d {
        Some(d) if d < 1 || d > days_in(y, m) => return Err(bad()),
        Some(d) => d,
        None if end => days_in(y, m),
        None => 1,
    };
    Ok(format!("{y:04}-{m:02}-{d:02}"))
}

/// `since` and `until` as days, in order.
pub fn window(
    since: Option<&str>,
    until: Option<&str>,
) -> Result<(Option<String>, Option<String>)> {
    let s = since.map(|x| date(x, false, "since")).transpose()?;
    let u = until.map(|x| date(x, true, "until")).transpose()?;
    if let (Some(a), Some(b)) = (&s, &u) {
        if a > b {
            return Err(Error::Invalid(format!("since ({a}) is after until ({b})")));
        }
    }
    Ok((s, u))
}

/// A statement kind: `direct`, `indirect` or `mixed`.
pub fn kind(k: &str) -> Result<String> {
    match k {
        "direct" | "indirect" | "mixed" => Ok(k.to_string()),
        _ => Err(Error::Invalid(format!(
            "kind must be direct, indirect or mixed, not {k:?}"
        ))),
    }
}

/// A figure category known to the pipeline.
pub fn category(c: &str) -> Result<String> {
    let all = kutip::figures::categories();
    if all.contains(&c) {
        Ok(c.to_string())
    } else {
        Err(Error::Invalid(format!(
            "unknown category {c:?}; the categories are {}",
            all.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_months_and_years() {
        assert_eq!(date("2025-10-21", false, "since").unwrap(), "2025-10-21");
        assert_eq!(date("2025-10", false, "since").unwrap(), "2025-10-01");
        assert_eq!(date("2024-02", true, "until").unwrap(), "2024-02-29");
        assert_eq!(date("2025", true, "until").unwrap(), "2025-12-31");
        for bad in [
            "yesterday",
            "21/10/2025",
            "2025-13-45",
            "2025-02-30",
            "",
            "20251021",
        ] {
            let e = date(bad, false, "since").unwrap_err().to_string();
            assert!(e.contains("YYYY-MM-DD"), "{bad}: {e}");
        }
        assert!(window(Some("2025-10-02"), Some("2025-10-01")).is_err());
    }

    #[test]
    fn kinds_categories_limits() {
        assert!(kind("direct").is_ok());
        assert!(kind("quote").is_err());
        assert!(category("killed").is_ok());
        let e = category("deaths").unwrap_err().to_string();
        assert!(e.contains("killed"), "{e}");
        assert!(limit(0).is_err());
        assert!(limit(MAX_LIMIT + 1).is_err());
        assert_eq!(limit(50).unwrap(), 50);
    }
}
