//! Grid search: the next row, in the order a view shows them, with a cell that contains a text
//! in any case. Pure and interruptible: the shell runs it off the UI thread with progress and
//! cancel (a million rows take a fraction of a second, still too long to hold a key).

use std::ops::ControlFlow;

use super::records::RowReader;

/// Rows looked at between two progress calls.
pub const SEARCH_STEP: usize = 4096;

/// A text to look for, lower-cased once.
#[derive(Debug)]
pub struct Needle {
    lower: String,
    finder: memchr::memmem::Finder<'static>,
    ascii: bool,
}

impl Needle {
    /// `text` in lower case (`None` when empty: an empty search finds nothing to move to).
    #[must_use]
    pub fn new(text: &str) -> Option<Needle> {
        let lower = text.to_lowercase();
        if lower.is_empty() {
            return None;
        }
        Some(Needle {
            finder: memchr::memmem::Finder::new(lower.as_bytes()).into_owned(),
            ascii: lower.is_ascii(),
            lower,
        })
    }

    /// Whether `cell`, lower-cased, contains the text. An ASCII cell is lower-cased byte by
    /// byte into `scratch` (what `to_lowercase` does to ASCII); any other goes the full way.
    fn in_cell(&self, cell: &[u8], scratch: &mut Vec<u8>) -> bool {
        if cell.is_ascii() {
            if !self.ascii || cell.len() < self.lower.len() {
                return false;
            }
            scratch.clear();
            scratch.extend(cell.iter().map(u8::to_ascii_lowercase));
            return self.finder.find(scratch).is_some();
        }
        String::from_utf8_lossy(cell)
            .to_lowercase()
            .contains(self.lower.as_str())
    }
}

/// Why a search stopped before an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stopped;

/// Looks through a view of `n` rows for the first, after position `from` and wrapping around
/// (`from` itself last), with a cell containing `needle`; `offset(pos)` is where the row at view
/// position `pos` starts in `text` (see [`RowReader`]). `progress` hears the rows looked at
/// every [`SEARCH_STEP`] rows; `Break` stops the search.
///
/// # Errors
/// [`Stopped`] when `progress` said so.
pub fn find_next(
    text: &str,
    delimiter: u8,
    n: usize,
    from: usize,
    needle: &Needle,
    offset: &dyn Fn(usize) -> Option<u64>,
    progress: &mut dyn FnMut(usize) -> ControlFlow<()>,
) -> Result<Option<usize>, Stopped> {
    let mut reader = RowReader::new(delimiter);
    let mut scratch = Vec::new();
    for step in 1..=n {
        if step % SEARCH_STEP == 0 && progress(step).is_break() {
            return Err(Stopped);
        }
        let pos = (from + step) % n;
        let Some(at) = offset(pos) else {
            continue;
        };
        if reader.any_cell(text, at, |cell| needle.in_cell(cell, &mut scratch)) {
            return Ok(Some(pos));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    /// What the grid did before: every cell decoded and lower-cased.
    fn reference(text: &str, offsets: &[u64], from: usize, needle: &str) -> Option<usize> {
        let needle = needle.to_lowercase();
        let mut rows = RowReader::new(b',');
        let n = offsets.len();
        (1..=n).map(|s| (from + s) % n).find(|&pos| {
            rows.cells(text, offsets[pos])
                .iter()
                .any(|c| c.to_lowercase().contains(&needle))
        })
    }

    fn go(_: usize) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }

    #[test]
    fn finds_like_lower_casing_every_cell() {
        let text = "a@x.com,Kim,\"Sales, EMEA\"\nB@Y.COM,민준,영업\n\"say \"\"hi\"\"\",\u{212A}elvin,ΣΑΣ\nc@z.com,İz,x\n";
        let offsets: Vec<u64> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i as u64 + 1))
            .take(4)
            .collect();
        for needle in [
            "kim",
            "KIM",
            "b@y",
            "민준",
            "sales, emea",
            "\"hi\"",
            "kelvin",
            "σας",
            "i̇z",
            "nowhere",
            ",",
            "x",
        ] {
            for from in 0..offsets.len() {
                let n = Needle::new(needle).unwrap();
                let got = find_next(
                    text,
                    b',',
                    offsets.len(),
                    from,
                    &n,
                    &|p| offsets.get(p).copied(),
                    &mut go,
                );
                assert_eq!(
                    got,
                    Ok(reference(text, &offsets, from, needle)),
                    "{needle} from {from}"
                );
            }
        }
        assert!(Needle::new("").is_none());
    }

    #[test]
    fn the_search_wraps_and_looks_at_the_cursor_row_last() {
        let text = "x\nhit\nx\nhit\n";
        let offsets = [0u64, 2, 6, 8];
        let n = Needle::new("HIT").unwrap();
        let at = |p: usize| offsets.get(p).copied();
        assert_eq!(find_next(text, b',', 4, 1, &n, &at, &mut go), Ok(Some(3)));
        assert_eq!(find_next(text, b',', 4, 3, &n, &at, &mut go), Ok(Some(1)));
        assert_eq!(
            find_next(text, b',', 1, 0, &n, &|_| Some(2), &mut go),
            Ok(Some(0))
        );
    }

    #[test]
    fn progress_can_stop_a_long_search() {
        let text = "row\n".repeat(3 * SEARCH_STEP);
        let n = Needle::new("nowhere").unwrap();
        let at = |p: usize| Some(p as u64 * 4);
        let mut seen = Vec::new();
        let mut stop = |rows: usize| {
            seen.push(rows);
            if rows >= 2 * SEARCH_STEP {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        assert_eq!(
            find_next(&text, b',', 3 * SEARCH_STEP, 0, &n, &at, &mut stop),
            Err(Stopped)
        );
        assert_eq!(seen, [SEARCH_STEP, 2 * SEARCH_STEP]);
        assert_eq!(
            find_next(&text, b',', 3 * SEARCH_STEP, 0, &n, &at, &mut go),
            Ok(None)
        );
    }
}
