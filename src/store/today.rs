//! Today's date, for the daily challenge: the UTC calendar date from the wall clock, or
//! `FIREDRILL_TODAY=YYYY-MM-DD` (a facilitator replaying yesterday's challenge, or a test).
//! Dates are days since 1970-01-01 in between, converted with Howard Hinnant's
//! `days_from_civil` / `civil_from_days` (proleptic Gregorian, exact for every date here).

/// Today's date as `YYYY-MM-DD` (UTC), or the valid `FIREDRILL_TODAY`.
pub fn today_utc() -> String {
    if let Ok(v) = std::env::var("FIREDRILL_TODAY")
        && let Some(day) = parse_date(v.trim())
    {
        return format_date(day);
    }
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    format_date(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// `YYYY-MM-DD` → days since 1970-01-01; `None` for anything that is not a real date.
pub fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d < 1 || d > month_days[(m - 1) as usize] {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Days since 1970-01-01 → `YYYY-MM-DD`.
pub fn format_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates_round_trip() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-03-01"), Some(11_017));
        assert_eq!(parse_date("2026-12-02"), Some(20_789));
        for day in [-1, 0, 59, 11_016, 11_017, 20_789, 47_540] {
            assert_eq!(parse_date(&format_date(day)), Some(day), "{}", format_date(day));
        }
        assert_eq!(format_date(20_788), "2026-12-01");
        assert_eq!(format_date(19_051), "2022-02-28");
        assert_eq!(format_date(11_016), "2000-02-29");
    }

    #[test]
    fn what_is_not_a_date_is_refused() {
        for bad in ["", "2026-13-01", "2026-02-29", "2026-1-01", "26-01-01", "2026-01-32", "yesterday", "2026-01-01x"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(parse_date("2024-02-29").map(format_date).as_deref(), Some("2024-02-29"));
    }
}
