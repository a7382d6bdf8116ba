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

use crate::domain::guide::{Item, Note};
use crate::domain::progress::Status;
use crate::domain::text::Catalog;

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

/// Where `s` breaks into lines of at most `max` cells: byte ranges, one per line, trailing
/// spaces left out. Breaks at spaces, between Chinese/Japanese characters (never before a
/// closing or after an opening punctuation mark), and at `\n`. Korean breaks at spaces, as
/// Korean text is set (keep-all). A word wider than a line (a long address) is cut by
/// character only when nothing else fits; URLs should be kept out of wrapped text.
#[must_use]
pub fn wrap_ranges(s: &str, max: usize) -> Vec<std::ops::Range<usize>> {
    let max = max.max(1);
    let mut out = Vec::new();
    for (para_start, para) in paragraphs(s) {
        let units = units(para);
        let mut line_start: Option<usize> = None;
        let mut line_end = 0usize;
        let mut used = 0usize;
        for (start, content_end, end) in units {
            let content = &para[start..content_end];
            let cw = width(content);
            let spaces = width(&para[content_end..end]);
            if line_start.is_some() && used + cw > max {
                let ls = line_start.take().unwrap_or(0);
                out.push(para_start + ls..para_start + line_end);
                used = 0;
            }
            if cw > max {
                // Cut a word wider than the line by grapheme.
                for (gi, g) in content.grapheme_indices(true) {
                    let gw = cell_width(g);
                    if line_start.is_some() && used + gw > max {
                        let ls = line_start.take().unwrap_or(0);
                        out.push(para_start + ls..para_start + line_end);
                        used = 0;
                    }
                    if line_start.is_none() {
                        line_start = Some(start + gi);
                    }
                    used += gw;
                    line_end = start + gi + g.len();
                }
            } else {
                if line_start.is_none() {
                    line_start = Some(start);
                }
                used += cw;
                line_end = content_end;
            }
            if line_start.is_some() {
                used += spaces;
            }
        }
        let ls = line_start.unwrap_or(line_end);
        out.push(para_start + ls..para_start + line_end.max(ls));
    }
    out
}

/// `s` wrapped to `max` cells (see [`wrap_ranges`]).
#[must_use]
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    wrap_ranges(s, max)
        .into_iter()
        .map(|r| s[r].to_string())
        .collect()
}

/// The lines of `s` split at `\n`, with their byte offsets.
fn paragraphs(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    s.split('\n').map(move |p| {
        let start = at;
        at += p.len() + 1;
        (start, p)
    })
}

/// Unbreakable units of a line: `(start, end of content, end with trailing spaces)`.
fn units(s: &str) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    let mut prev: Option<&str> = None;
    for (i, g) in s.grapheme_indices(true) {
        let space = g.chars().all(char::is_whitespace);
        let new_unit = match (prev, out.last_mut()) {
            (None, _) | (_, None) => true,
            (Some(p), Some(last)) => {
                if space {
                    last.2 = i + g.len();
                    prev = Some(g);
                    continue;
                }
                let after_space = p.chars().all(char::is_whitespace);
                after_space || ((breaks_around(g) || breaks_around(p)) && !closes(g) && !opens(p))
            }
        };
        if new_unit {
            if space {
                out.push((i, i, i + g.len()));
            } else {
                out.push((i, i + g.len(), i + g.len()));
            }
        } else if let Some(last) = out.last_mut() {
            last.1 = i + g.len();
            last.2 = i + g.len();
        }
        prev = Some(g);
    }
    out
}

/// Chinese and Japanese characters: a line may break before or after each.
fn breaks_around(g: &str) -> bool {
    g.chars().next().is_some_and(|c| {
        matches!(u32::from(c),
            0x2E80..=0x2FFF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFF60 | 0x20000..=0x3FFFF)
    })
}

/// Marks that never start a line.
fn closes(g: &str) -> bool {
    matches!(
        g,
        "，" | "。"
            | "、"
            | "）"
            | "」"
            | "』"
            | "！"
            | "？"
            | "："
            | "；"
            | "…"
            | "〉"
            | "》"
            | "】"
            | ")"
            | ","
            | "."
            | ":"
            | ";"
            | "!"
            | "?"
            | "”"
            | "’"
    )
}

/// Marks that never end a line.
fn opens(g: &str) -> bool {
    matches!(g, "（" | "「" | "『" | "〈" | "《" | "【" | "(" | "“" | "‘")
}

/// Drops control characters from text printed outside the TUI (names and reasons are user
/// input and must not smuggle terminal escapes).
#[must_use]
pub fn sanitize(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// A status as the user's language says it (`core.status.*`): "in progress", "진행 중", "進行中".
#[must_use]
pub fn status_word(tr: &Catalog, status: Status) -> &str {
    tr.t(&format!("core.status.{}", status.as_str()))
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

/// The local time zone, for showing times. jiff's `TimeZone::system` names the zone by
/// listing the whole zoneinfo directory (2–4 ms, before the first frame); without `TZ`, the
/// zone's rules are read straight from `/etc/localtime` instead, as jiff itself does when that
/// file is not a link. `TZ`, and any failure here, go to jiff.
#[must_use]
pub fn local_time_zone() -> TimeZone {
    if std::env::var_os("TZ").is_none()
        && let Ok(data) = std::fs::read("/etc/localtime")
        && let Ok(tz) = TimeZone::tzif("Local", &data)
    {
        return tz;
    }
    TimeZone::system()
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

/// " (source: <doc title>; …)" (leading space as the language writes it) after a note that names the pages it comes from (notes from beyond
/// the seeds); `None` for a note that names none.
#[must_use]
pub fn note_source(tr: &Catalog, item: &Item, note: &Note) -> Option<String> {
    let titles: Vec<&str> = item
        .note_sources(note)
        .iter()
        .map(|d| tr.t(&format!("guide.doc.{}", d.id)))
        .collect();
    (!titles.is_empty()).then(|| tr.f("guide.note-source.note", &[("docs", &titles.join("; "))]))
}

/// Whether the terminal is known to show OSC 8 hyperlinks, judged conservatively from the
/// environment (`var` looks a variable up): iTerm2, WezTerm, VS Code, Ghostty, kitty, Windows
/// Terminal, VTE 0.50 or later, or `MSI_SETUP_HYPERLINKS=1` (`=0` turns them off everywhere).
#[must_use]
pub fn hyperlinks_supported(var: impl Fn(&str) -> Option<String>) -> bool {
    let set = |k: &str| var(k).is_some_and(|v| !v.is_empty());
    match var("MSI_SETUP_HYPERLINKS").as_deref() {
        Some("1") => return true,
        Some("0") => return false,
        _ => {}
    }
    matches!(
        var("TERM_PROGRAM").as_deref(),
        Some("iTerm.app" | "WezTerm" | "vscode" | "ghostty")
    ) || set("KITTY_WINDOW_ID")
        || set("WT_SESSION")
        || var("VTE_VERSION")
            .and_then(|v| v.trim().parse::<u32>().ok())
            .is_some_and(|v| v >= 5000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyperlinks_only_where_the_terminal_is_known_to_show_them() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_string())
            }
        };
        assert!(!hyperlinks_supported(env(&[])));
        assert!(!hyperlinks_supported(env(&[(
            "TERM_PROGRAM",
            "Apple_Terminal"
        )])));
        assert!(!hyperlinks_supported(env(&[("TERM", "xterm-256color")])));
        assert!(!hyperlinks_supported(env(&[("VTE_VERSION", "4803")])));
        assert!(!hyperlinks_supported(env(&[("KITTY_WINDOW_ID", "")])));
        assert!(hyperlinks_supported(env(&[("VTE_VERSION", "6003")])));
        assert!(hyperlinks_supported(env(&[("TERM_PROGRAM", "WezTerm")])));
        assert!(hyperlinks_supported(env(&[("KITTY_WINDOW_ID", "1")])));
        assert!(hyperlinks_supported(env(&[("WT_SESSION", "abc")])));
        assert!(hyperlinks_supported(env(&[("MSI_SETUP_HYPERLINKS", "1")])));
        assert!(!hyperlinks_supported(env(&[
            ("MSI_SETUP_HYPERLINKS", "0"),
            ("TERM_PROGRAM", "iTerm.app")
        ])));
    }

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
    fn wrap_breaks_chinese_by_character_korean_and_latin_at_spaces() {
        let zh = wrap("請在「設定」中開啟連線，然後按一下「連線」。", 10);
        assert!(zh.iter().all(|l| width(l) <= 10), "{zh:?}");
        assert_eq!(zh.concat(), "請在「設定」中開啟連線，然後按一下「連線」。");
        assert!(
            zh.iter()
                .all(|l| !l.starts_with('，') && !l.starts_with('。')),
            "{zh:?}"
        );
        assert!(zh.iter().all(|l| !l.ends_with('「')), "{zh:?}");
        let ko = wrap("관리 메뉴를 클릭합니다", 12);
        assert_eq!(ko, vec!["관리 메뉴를", "클릭합니다"]);
        let en = wrap("Open the Admin menu", 9);
        assert_eq!(en, vec!["Open the", "Admin", "menu"]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("a\nb", 10), vec!["a", "b"]);
        assert_eq!(wrap("", 10), vec![""]);
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
