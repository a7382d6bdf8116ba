//! A one-line text field: the value and a cursor (in chars), edited by messages.

/// An editable line of text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextField {
    value: String,
    cursor: usize,
    max_chars: usize,
}

impl TextField {
    /// An empty field that accepts at most `max_chars` characters.
    #[must_use]
    pub fn new(max_chars: usize) -> TextField {
        TextField {
            value: String::new(),
            cursor: 0,
            max_chars,
        }
    }

    /// A field holding `value`, cursor at the end.
    #[must_use]
    pub fn with_value(value: &str, max_chars: usize) -> TextField {
        let mut f = TextField::new(max_chars);
        f.insert_str(value);
        f
    }

    /// The text.
    #[must_use]
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Cursor position in characters.
    #[must_use]
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.value
            .char_indices()
            .nth(char_idx)
            .map_or(self.value.len(), |(b, _)| b)
    }

    /// Inserts one character at the cursor (control characters are ignored).
    pub fn insert(&mut self, c: char) {
        if c.is_control() || self.value.chars().count() >= self.max_chars {
            return;
        }
        let at = self.byte_at(self.cursor);
        self.value.insert(at, c);
        self.cursor += 1;
    }

    /// Inserts pasted text; line breaks and tabs become spaces.
    pub fn insert_str(&mut self, s: &str) {
        for c in s.chars() {
            self.insert(if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            });
        }
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) {
        if self.cursor == 0 {
            return;
        }
        let start = self.byte_at(self.cursor - 1);
        let end = self.byte_at(self.cursor);
        self.value.replace_range(start..end, "");
        self.cursor -= 1;
    }

    /// Moves the cursor one character left.
    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    /// Moves the cursor one character right.
    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.value.chars().count());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_multibyte_text() {
        let mut f = TextField::new(10);
        f.insert_str("김a\n");
        assert_eq!(f.value(), "김a ");
        f.backspace();
        f.backspace();
        assert_eq!(f.value(), "김");
        f.left();
        f.insert('X');
        assert_eq!(f.value(), "X김");
        f.insert('\u{1b}');
        assert_eq!(f.value(), "X김");
    }

    #[test]
    fn respects_the_limit() {
        let mut f = TextField::new(3);
        f.insert_str("abcdef");
        assert_eq!(f.value(), "abc");
    }
}
