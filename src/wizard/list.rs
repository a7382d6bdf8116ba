//! The one windowing helper for long lists shown a screenful at a time (the validation grid, the
//! intake and mapping choice lists, the Action Field Sync preview table).
//!
//! `update` moves the cursor; the renderer, which alone knows how many rows fit, asks
//! [`ListWindow::scroll_to_cursor`] which rows to draw. The first row shown (the offset) is kept
//! between frames, so the view scrolls only when the cursor would leave it: moving up inside the
//! window does not move the view. The offset lives in a `Cell` because rendering reads the model
//! through `&` (the same shape as gitui's `VerticalScroll`); it is view state, never saved and
//! never compared.

use std::cell::Cell;
use std::ops::Range;

/// A cursor over a list and the first row on screen.
#[derive(Clone, Debug, Default)]
pub struct ListWindow {
    cursor: usize,
    offset: Cell<usize>,
}

impl PartialEq for ListWindow {
    /// Two windows are equal when their cursors are: the offset is only where the view stands.
    fn eq(&self, other: &Self) -> bool {
        self.cursor == other.cursor
    }
}
impl Eq for ListWindow {}

impl ListWindow {
    /// A window with the cursor on row `cursor`, scrolled to the top.
    #[must_use]
    pub fn at(cursor: usize) -> ListWindow {
        ListWindow {
            cursor,
            offset: Cell::new(0),
        }
    }

    /// The selected row.
    #[must_use]
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The first row shown at the last frame.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.offset.get()
    }

    /// Up `n` rows (stops at the first).
    pub fn up(&mut self, n: usize) {
        self.cursor = self.cursor.saturating_sub(n);
    }

    /// Down `n` rows in a list of `len` (stops at the last).
    pub fn down(&mut self, n: usize, len: usize) {
        self.cursor = self.cursor.saturating_add(n).min(len.saturating_sub(1));
    }

    /// The first row.
    pub fn home(&mut self) {
        self.cursor = 0;
    }

    /// The last row of a list of `len`.
    pub fn end(&mut self, len: usize) {
        self.cursor = len.saturating_sub(1);
    }

    /// Puts the cursor on row `row` (the view follows at the next frame).
    pub fn select(&mut self, row: usize) {
        self.cursor = row;
    }

    /// The rows to draw when `visible` rows fit, for a list of `len`: the view moves only as far
    /// as needed to show the cursor, and never leaves empty rows below the last item when the
    /// list is longer than the window (after a resize, say). Remembers where it stands.
    pub fn scroll_to_cursor(&self, visible: usize, len: usize) -> Range<usize> {
        if visible == 0 || len == 0 {
            self.offset.set(0);
            return 0..0;
        }
        let cursor = self.cursor.min(len - 1);
        let mut offset = self.offset.get();
        if cursor < offset {
            offset = cursor;
        } else if cursor >= offset + visible {
            offset = cursor + 1 - visible;
        }
        offset = offset.min(len.saturating_sub(visible));
        self.offset.set(offset);
        offset..(offset + visible).min(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Moves like a user and returns the rows drawn after each move.
    fn after(w: &mut ListWindow, visible: usize, len: usize, moves: &[i64]) -> Range<usize> {
        let mut r = w.scroll_to_cursor(visible, len);
        for &m in moves {
            if m < 0 {
                w.up(m.unsigned_abs() as usize);
            } else {
                w.down(m as usize, len);
            }
            r = w.scroll_to_cursor(visible, len);
        }
        r
    }

    #[test]
    fn moving_inside_the_window_keeps_the_view() {
        let mut w = ListWindow::default();
        // Down past the bottom of a 5-row window: the view follows by one row at a time.
        assert_eq!(after(&mut w, 5, 100, &[1; 6]), 2..7);
        assert_eq!(w.cursor(), 6);
        // Up inside the window: the view stays (the old formula put the cursor at the bottom).
        assert_eq!(after(&mut w, 5, 100, &[-1, -1, -1, -1]), 2..7);
        assert_eq!(w.cursor(), 2);
        // Up past the top: the view follows.
        assert_eq!(after(&mut w, 5, 100, &[-1]), 1..6);
        assert_eq!(w.offset(), 1);
    }

    #[test]
    fn paging_home_and_end() {
        let mut w = ListWindow::default();
        assert_eq!(after(&mut w, 10, 95, &[20]), 11..21);
        assert_eq!(after(&mut w, 10, 95, &[20]), 31..41);
        assert_eq!(
            after(&mut w, 10, 95, &[-20]),
            20..30,
            "the cursor at the top"
        );
        assert_eq!(w.cursor(), 20);
        w.end(95);
        assert_eq!(w.scroll_to_cursor(10, 95), 85..95);
        assert_eq!(
            after(&mut w, 10, 95, &[100]),
            85..95,
            "stops at the last row"
        );
        assert_eq!(w.cursor(), 94);
        w.home();
        assert_eq!(w.scroll_to_cursor(10, 95), 0..10);
    }

    #[test]
    fn a_shrinking_or_growing_terminal_keeps_the_cursor_in_view() {
        let mut w = ListWindow::at(15);
        assert_eq!(w.scroll_to_cursor(20, 100), 0..20);
        // Fewer rows fit: the view moves so the cursor is on the last visible row.
        assert_eq!(w.scroll_to_cursor(5, 100), 11..16);
        // More fit again: the view stays where it is (the cursor is still inside).
        assert_eq!(w.scroll_to_cursor(20, 100), 11..31);
        // Near the end, a taller window shows no empty rows below the last item.
        w.end(100);
        assert_eq!(w.scroll_to_cursor(5, 100), 95..100);
        assert_eq!(w.scroll_to_cursor(30, 100), 70..100);
        // A list shorter than the window starts at its top.
        let short = ListWindow::at(2);
        short.offset.set(7);
        assert_eq!(short.scroll_to_cursor(10, 4), 0..4);
    }

    #[test]
    fn an_empty_list_or_no_room_draws_nothing() {
        let mut w = ListWindow::at(3);
        assert_eq!(w.scroll_to_cursor(10, 0), 0..0);
        assert_eq!(w.offset(), 0);
        assert_eq!(w.scroll_to_cursor(0, 50), 0..0);
        w.down(1, 0);
        assert_eq!(w.cursor(), 0, "down in an empty list stays on row 0");
        // A cursor past the end (the list shrank) is drawn as the last row.
        let w = ListWindow::at(40);
        assert_eq!(w.scroll_to_cursor(10, 12), 2..12);
    }

    #[test]
    fn equality_ignores_where_the_view_stands() {
        let a = ListWindow::at(3);
        let b = ListWindow::at(3);
        b.scroll_to_cursor(2, 10);
        assert_eq!(a, b);
        assert_ne!(a, ListWindow::at(4));
    }
}
