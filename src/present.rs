//! Presentation helpers shared by the TUI (`ui`) and the headless commands (`commands`): widths
//! and cutting in terminal cells, text made safe to print, times as people read them. Nothing
//! here knows a screen or a command.
//!
//! Every width is in terminal cells per grapheme cluster (the way ratatui paints), so CJK text
//! never misaligns a column or gets half a glyph.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Cells `s` takes.
#[must_use]
pub fn width(s: &str) -> usize {
    s.graphemes(true).map(cell_width).sum()
}

fn cell_width(g: &str) -> usize {
    if g.chars().any(char::is_control) {
        0
    } else {
        UnicodeWidthStr::width(g)
    }
}

/// `s` cut to at most `max` cells, ending in `…` when cut; control characters dropped.
#[must_use]
pub fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.chars().filter(|c| !c.is_control()).collect();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = cell_width(g);
        if w == 0 && g.chars().any(char::is_control) {
            continue;
        }
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    out
}

/// `s` fitted to exactly `cells` cells (cut with `…` or padded with spaces).
#[must_use]
pub fn pad(s: &str, cells: usize) -> String {
    let mut out = fit(s, cells);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', cells.saturating_sub(w)));
    out
}

/// Drops control characters from text printed outside the TUI (names and reasons are user
/// input and must not smuggle terminal escapes).
#[must_use]
pub fn sanitize(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// `s` with control characters and bidirectional overrides (U+202A–U+202E, U+2066–U+2069)
/// written as Rust escapes (`\u{202e}`): what a user typed or a file holds is shown as it is,
/// but can neither drive the terminal nor reorder the line around it.
#[must_use]
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Lines `text` takes when word-wrapped at `cells` (a word wider than a line is broken).
#[must_use]
pub fn wrapped_height(text: &str, cells: usize) -> usize {
    let cells = cells.max(1);
    let (mut lines, mut used) = (1, 0);
    for word in text.split(' ') {
        let w = width(word);
        let need = if used == 0 { w } else { used + 1 + w };
        if need <= cells {
            used = need;
        } else {
            lines += usize::from(used > 0) + w.saturating_sub(1) / cells;
            used = match w % cells {
                0 => cells,
                rest => rest,
            };
        }
    }
    lines
}

/// `2026-11-21 14:03` in `tz`.
#[must_use]
pub fn short_time(ts: Timestamp, tz: &TimeZone) -> String {
    ts.to_zoned(tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_is_two_cells_and_never_split() {
        assert_eq!(width("管理員"), 6);
        assert_eq!(fit("管理員設定", 5), "管理…");
        assert_eq!(width(&fit("管理員設定", 5)), 5);
        assert_eq!(fit("관리자", 6), "관리자");
        assert_eq!(pad("한", 4), "한  ");
        assert_eq!(width(&pad("설정 탭을 엽니다", 7)), 7);
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(fit("a\u{1b}[31mb", 10), "a[31mb");
    }

    #[test]
    fn sanitize_drops_escapes_and_short_time_shows_minutes_in_the_zone() {
        assert_eq!(sanitize("a\u{1b}[2Jb\r\n"), "a[2Jb");
        assert_eq!(escape("a\u{202E}b\u{1b}"), "a\\u{202e}b\\u{1b}");
        let ts = Timestamp::from_second(1_790_000_000).unwrap_or(Timestamp::UNIX_EPOCH);
        assert_eq!(short_time(ts, &TimeZone::UTC), "2026-09-21 14:13");
        let seoul = TimeZone::fixed(jiff::tz::offset(9));
        assert_eq!(short_time(ts, &seoul), "2026-09-21 23:13");
    }
}
