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

/// `2026-11-21 14:03` in `tz`.
#[must_use]
pub fn short_time(ts: Timestamp, tz: &TimeZone) -> String {
    ts.to_zoned(tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// "Bo (Salesforce admin)", "Bo", the role alone, or "the other admin".
#[must_use]
pub fn person(
    tr: &crate::domain::text::Catalog,
    name: Option<&str>,
    roles: &[crate::domain::guide::Role],
) -> String {
    let roles: Vec<String> = roles
        .iter()
        .map(|r| tr.t(&r.name_key()).to_string())
        .collect();
    match (
        name.map(sanitize).filter(|n| !n.trim().is_empty()),
        roles.is_empty(),
    ) {
        (Some(n), false) => format!("{n} ({})", roles.join(", ")),
        (Some(n), true) => n,
        (None, false) => roles.join(", "),
        (None, true) => tr.t("handoff.merge.someone").to_string(),
    }
}

/// The roles of the person named `name`: mine when it is my name, the other admin's when it is
/// theirs (from their last hand-off), else none known.
#[must_use]
pub fn roles_of(
    p: &crate::domain::progress::Progress,
    name: Option<&str>,
) -> Vec<crate::domain::guide::Role> {
    let peer = p.handoff.peer.as_ref();
    match name {
        Some(n) if p.setup.name.as_deref() == Some(n) => p.setup.roles.clone(),
        Some(n) if peer.and_then(|x| x.name.as_deref()) == Some(n) => {
            peer.map(|x| x.roles.clone()).unwrap_or_default()
        }
        _ => Vec::new(),
    }
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
        let ts = Timestamp::from_second(1_790_000_000).unwrap_or(Timestamp::UNIX_EPOCH);
        assert_eq!(short_time(ts, &TimeZone::UTC), "2026-09-21 14:13");
        let seoul = TimeZone::fixed(jiff::tz::offset(9));
        assert_eq!(short_time(ts, &seoul), "2026-09-21 23:13");
    }
}
