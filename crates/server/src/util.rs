//! Small helpers shared by the engines and the HTTP layer: randomness, ids, clocks, stable hashes.

use std::time::{SystemTime, UNIX_EPOCH};

/// Fills `buf` from the OS generator. A machine without one cannot run the sandbox safely (the
/// credentials would be guessable), so failing loudly is the right answer.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).expect("the operating system's random number generator is unavailable");
    buf
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A random RFC 4122 version-4 UUID in its usual text form.
pub fn uuid_v4() -> String {
    let mut b: [u8; 16] = random_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid_text(&b)
}

fn uuid_text(b: &[u8; 16]) -> String {
    let h = hex(b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// A random string over `alphabet` (used for tokens and access keys).
pub fn random_string(len: usize, alphabet: &[u8]) -> String {
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let chunk: [u8; 32] = random_bytes();
        for b in chunk {
            // Rejection sampling keeps every character equally likely.
            let limit = 256 - (256 % alphabet.len());
            if (b as usize) < limit && out.len() < len {
                out.push(alphabet[b as usize % alphabet.len()] as char);
            }
        }
    }
    out
}

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

pub fn now_secs() -> i64 {
    now_ms() / 1000
}

/// `YYYY-MM-DD HH:MM:SS.mmm` in UTC, for job logs (no time-zone database needed).
pub fn iso_utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = lakedeck_api::sign::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:03}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms.rem_euclid(1000)
    )
}

/// FNV-1a: derived node names, ids and addresses must stay the same across restarts and Rust
/// releases, which `std`'s hasher does not promise.
pub fn stable_hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// A UUID-shaped id that is a pure function of `parts`.
pub fn stable_uuid(parts: &[&str]) -> String {
    let a = stable_hash(parts).to_be_bytes();
    let mut with_salt: Vec<&str> = parts.to_vec();
    with_salt.push("#2");
    let b = stable_hash(&with_salt).to_be_bytes();
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a);
    bytes[8..].copy_from_slice(&b);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    uuid_text(&bytes)
}

/// Project ids are 1–64 letters and digits (mrs-api.md §1).
pub fn is_valid_project_id(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_expected_shape() {
        let u = uuid_v4();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert_ne!(uuid_v4(), u);
        assert_eq!(stable_uuid(&["a", "b"]), stable_uuid(&["a", "b"]));
        assert_ne!(stable_uuid(&["a", "b"]), stable_uuid(&["ab"]));
        let s = random_string(20, b"ABC");
        assert_eq!(s.len(), 20);
        assert!(s.bytes().all(|b| b"ABC".contains(&b)));
    }

    #[test]
    fn utc_timestamps() {
        assert_eq!(iso_utc(0), "1970-01-01 00:00:00.000");
        assert_eq!(iso_utc(951_782_400_123), "2000-02-29 00:00:00.123");
        assert_eq!(iso_utc(1_718_454_245_006), "2024-06-15 12:24:05.006");
    }

    #[test]
    fn project_ids() {
        assert!(is_valid_project_id("0123abcdef"));
        assert!(!is_valid_project_id(""));
        assert!(!is_valid_project_id("a-b"));
        assert!(!is_valid_project_id(&"a".repeat(65)));
    }
}
