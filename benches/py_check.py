#!/usr/bin/env python3
"""The plain-Python baseline for `msi-setup csv check` (issue 14): csv + regex + set.

Reads a users CSV (first row = header), finds the e-mail column by its name, checks each
address with a regular expression, counts invalid and duplicate (case-insensitive) addresses
and prints one JSON line. It does about what a person would write in a few minutes; the bench
`benches/check_floor.rs` times it beside the Rust program on the same file.

    python3 benches/py_check.py FILE
"""

import csv
import json
import re
import sys

EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def main(path):
    rows = valid = invalid = duplicates = 0
    seen = set()
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader)
        email_col = next(
            (i for i, h in enumerate(header) if "mail" in h.strip().lower()), 0
        )
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            rows += 1
            value = row[email_col].strip() if email_col < len(row) else ""
            if not value or not EMAIL.match(value):
                invalid += 1
                continue
            key = value.lower()
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            valid += 1
    json.dump(
        {"rows": rows, "valid": valid, "invalid": invalid, "duplicates": duplicates},
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: py_check.py FILE")
    main(sys.argv[1])
