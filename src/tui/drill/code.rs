//! The join code and the limit on wrong guesses. The code is 50 random bits from the
//! operating system, written as ten Crockford base-32 letters in two groups ("7K2QM-XD9PA"):
//! no I, L, O or U to misread, case and dashes ignored when typed. Wrong codes are limited
//! per address: after `MAX_WRONG` within `WINDOW`, that address is refused until the window
//! has passed, so guessing 2^50 codes is out of reach.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Letters in a code: 10 × 5 bits = 50 bits.
pub const LETTERS: usize = 10;
pub const MAX_WRONG: u32 = 5;
pub const WINDOW: Duration = Duration::from_secs(60);

/// A fresh random code, or why the system could not give randomness.
pub fn fresh() -> Result<String, String> {
    let mut bytes = [0u8; LETTERS];
    getrandom::fill(&mut bytes).map_err(|e| format!("no system randomness for the join code: {e}"))?;
    Ok(format_code(&bytes))
}

fn format_code(bytes: &[u8; LETTERS]) -> String {
    let letters: String = bytes.iter().map(|b| ALPHABET[usize::from(b & 31)] as char).collect();
    format!("{}-{}", &letters[..LETTERS / 2], &letters[LETTERS / 2..])
}

/// A typed code in canonical form: upper case, no dashes or spaces, and the letters people
/// confuse mapped as Crockford does (O → 0, I and L → 1).
pub fn normalise(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            u => u,
        })
        .collect()
}

/// Whether `typed` is `code`, compared in constant time over the canonical letters.
pub fn matches(code: &str, typed: &str) -> bool {
    let (a, b) = (normalise(code), normalise(typed));
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Wrong codes per address.
#[derive(Debug, Default)]
pub struct Limiter {
    wrong: BTreeMap<IpAddr, (u32, Instant)>,
}

impl Limiter {
    /// Whether `addr` may try a code now; `Err` says for how long it may not.
    pub fn allow(&mut self, addr: IpAddr, now: Instant) -> Result<(), Duration> {
        self.wrong.retain(|_, (_, since)| now.duration_since(*since) < WINDOW);
        match self.wrong.get(&addr) {
            Some(&(n, since)) if n >= MAX_WRONG => Err(WINDOW.saturating_sub(now.duration_since(since))),
            _ => Ok(()),
        }
    }

    pub fn wrong(&mut self, addr: IpAddr, now: Instant) {
        let e = self.wrong.entry(addr).or_insert((0, now));
        e.0 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_fifty_bits_and_forgive_case_dashes_and_lookalikes() {
        let a = fresh().unwrap();
        let b = fresh().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), LETTERS + 1);
        assert!(normalise(&a).bytes().all(|c| ALPHABET.contains(&c)));
        assert_eq!(format_code(&[0, 1, 2, 3, 4, 31, 30, 29, 28, 27]), "01234-ZYXWV");
        assert!(matches("01234-ZYXWV", "o1234zyxwv"));
        assert!(matches("1BC00-00000", "lbcoo 00000"));
        assert!(!matches("01234-ZYXWV", "01234-ZYXWW"));
        assert!(!matches("01234-ZYXWV", "01234"));
    }

    #[test]
    fn five_wrong_codes_lock_an_address_out_for_a_minute() {
        let mut l = Limiter::default();
        let me: IpAddr = "127.0.0.1".parse().unwrap();
        let other: IpAddr = "::1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..MAX_WRONG {
            assert!(l.allow(me, t0).is_ok());
            l.wrong(me, t0);
        }
        assert!(l.allow(me, t0 + Duration::from_secs(1)).is_err());
        assert!(l.allow(other, t0).is_ok(), "per address");
        assert!(l.allow(me, t0 + WINDOW).is_ok(), "the window passes");
    }
}
