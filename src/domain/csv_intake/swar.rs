//! Byte tests eight at a time in a `u64` ("SIMD within a register"): portable, and without
//! `unsafe`.

/// Each byte of a word: 0x01.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
/// Each byte's high bit.
pub(crate) const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` that is in `lo..=hi`; every byte of `w` must be ASCII.
pub(crate) const fn in_range(w: u64, lo: u8, hi: u8) -> u64 {
    // An ASCII byte plus `0x80 - lo` reaches the high bit when it is at least `lo`, and plus
    // `0x7F - hi` when it is above `hi`; neither sum carries into the next byte.
    let at_least = w.wrapping_add((0x80 - lo as u64) * ONES);
    let above = w.wrapping_add((0x7F - hi as u64) * ONES);
    at_least & !above & HIGHS
}

/// The 8 bytes of `b` from `at` as a little-endian word (0 when `b` does not have them).
pub(crate) fn word_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8)
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
        .map_or(0, u64::from_le_bytes)
}

/// Appends `s` lower-cased (ASCII letters only) to `out` and returns `true`, when `s` is ASCII
/// and at most 64 bytes long; otherwise appends nothing and returns `false`.
pub(crate) fn push_ascii_lowercase(out: &mut Vec<u8>, s: &[u8]) -> bool {
    let len = s.len();
    if !(8..=64).contains(&len) {
        return false;
    }
    let mut lower = [0u8; 64];
    let (mut k, mut any) = (0, 0);
    while k < len {
        // The last word is read from the last 8 bytes, the bytes already done shifted out.
        let w = if k + 8 <= len {
            word_at(s, k)
        } else {
            word_at(s, len - 8) >> (8 * (k + 8 - len))
        };
        any |= w;
        // Setting bit 5 of a capital makes it small.
        let folded = w | (in_range(w, b'A', b'Z') >> 2);
        if let Some(to) = lower.get_mut(k..k + 8) {
            to.copy_from_slice(&folded.to_le_bytes());
        }
        k += 8;
    }
    if any & HIGHS != 0 {
        return false;
    }
    out.extend_from_slice(lower.get(..len).unwrap_or_default());
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_range_marks_exactly_the_bytes_in_range() {
        for lo in 0..0x80u8 {
            for hi in lo..0x80u8 {
                for b in 0..0x80u8 {
                    let w = u64::from_le_bytes([b, 0x7F, b, 0, b, lo, hi, b]);
                    let got = in_range(w, lo, hi);
                    for (i, &byte) in w.to_le_bytes().iter().enumerate() {
                        let want = (lo..=hi).contains(&byte);
                        assert_eq!(got >> (8 * i + 7) & 1 == 1, want, "{byte} in {lo}..={hi}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        /// The same bytes as `to_ascii_lowercase`, for ASCII of 8 to 64 bytes; nothing for the
        /// rest.
        #[test]
        fn push_ascii_lowercase_lowers_like_std(s in "[ -~]{0,70}|[a-zA-Z@.é]{0,70}") {
            let mut out = b"kept".to_vec();
            let took = push_ascii_lowercase(&mut out, s.as_bytes());
            let expect = s.is_ascii() && (8..=64).contains(&s.len());
            proptest::prop_assert_eq!(took, expect);
            let want = if expect {
                format!("kept{}", s.to_ascii_lowercase())
            } else {
                "kept".to_owned()
            };
            proptest::prop_assert_eq!(out, want.into_bytes());
        }
    }
}
