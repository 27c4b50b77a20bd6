"""Subscriber CSV files: read (header detected, each address checked, every rejected row reported) and
write (an export safe to open in a spreadsheet)."""

from __future__ import annotations

import csv
import io
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from email_validator import EmailNotValidError, validate_email

from digest.errors import SubscriberFileError
from digest.models import Problem
from digest.store.subscribers import NewSubscriber, SubscriberRecord

EMAIL_HEADERS = ("email", "e-mail", "email address", "mail", "address")
NAME_HEADERS = ("name", "full name", "fullname", "first name")
TIMES = ("created_at", "subscribed_at", "unsubscribed_at", "bounced_at", "complained_at")
EXPORT_COLUMNS = ("email", "name", "status", "list", "source", *TIMES)
# Columns an export writes that an import does not take as attributes (the store keeps them itself).
RESERVED = frozenset(EXPORT_COLUMNS)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NAME_CHARS = 200
# Invisible characters that reorder or hide text: a display name must read as it is stored.
BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True, slots=True)
class CsvReport:
    """The valid rows of a subscriber file (duplicates merged) and the rejected ones."""

    rows: tuple[NewSubscriber, ...]
    rejected: tuple[Problem, ...]
    duplicates: int


@dataclass(frozen=True, slots=True)
class _Layout:
    email: int
    name: int | None
    first_row: int
    attributes: tuple[tuple[int, str], ...]


def normalize_email(address: str) -> str:
    """Check an address's syntax (no DNS) and return its normalized form; ValueError when invalid."""
    try:
        result = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None
    return result.normalized.lower()


def clean_name(name: str) -> str:
    """A display name on one line: control and bidi characters dropped, whitespace runs made one space."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if ch.isspace() or (unicodedata.category(ch) not in ("Cc", "Cs") and ch not in BIDI_CONTROLS)
    )
    return " ".join(kept.split())[:NAME_CHARS]


def read_csv(path: Path) -> CsvReport:
    """Read a subscriber CSV; a file that cannot be read at all raises SubscriberFileError."""
    try:
        if _is_device(path):  # /dev/zero never ends, and a terminal waits for a hand that never types
            raise SubscriberFileError(f"Subscriber file '{path}' is a device, not a file", "give a CSV file")
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SubscriberFileError(f"Subscriber file '{path}' not found") from None
    except UnicodeDecodeError as exc:
        raise SubscriberFileError(
            f"Subscriber file '{path}' is not UTF-8 text (byte {exc.start})", "save it as UTF-8 CSV"
        ) from None
    except OSError as exc:  # no permission, a folder, a file on a failing disk
        raise SubscriberFileError(f"Subscriber file '{path}' cannot be read: {exc.strerror}") from None
    return parse_csv(text, str(path))


def _is_device(path: Path) -> bool:
    mode = path.stat().st_mode
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode)


def parse_csv(text: str, name: str = "subscribers.csv") -> CsvReport:
    """Parse CSV text: header row optional, email column found by name or by content."""
    lines, rows, rejected = _read_rows(text)
    layout = _layout(rows)
    found: dict[str, NewSubscriber] = {}
    duplicates = 0
    for number, row in zip(lines[layout.first_row :], rows[layout.first_row :], strict=True):
        if not any(cell.strip() for cell in row):
            continue
        if any("\x00" in cell for cell in row):
            # PostgreSQL refuses NUL in text, and no address or name holds one: the row is damaged.
            rejected.append((number, "the row contains a NUL byte (a damaged file?)"))
            continue
        if layout.email >= len(row):
            rejected.append((number, "no email column in this row"))
            continue
        try:
            email = normalize_email(row[layout.email])
        except ValueError as exc:
            rejected.append((number, f"'{row[layout.email].strip()}' is not a valid address: {exc}"))
            continue
        person = clean_name(_cell(row, layout.name))
        attributes = {key: value for i, key in layout.attributes if (value := _cell(row, i))}
        if email in found:
            duplicates += 1
            person = person or found[email].name
            attributes = {**found[email].attributes, **attributes}
        found[email] = NewSubscriber(email, person, attributes)
    problems = (Problem(f"{name} line {number}", why) for number, why in sorted(rejected))  # in file order
    return CsvReport(tuple(found.values()), tuple(problems), duplicates)


def _read_rows(text: str) -> tuple[list[int], list[list[str]], list[tuple[int, str]]]:
    """The file's rows with the line each starts on, and the lines of rows the CSV reader cannot read.

    A cell past the reader's limit (128 KB: a quote left open in a damaged file runs on to the end)
    costs its own row, not the file: the reader goes on from the line after it.
    """
    reader = csv.reader(io.StringIO(text))
    lines: list[int] = []
    rows: list[list[str]] = []
    broken: list[tuple[int, str]] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return lines, rows, broken
        except csv.Error as exc:
            broken.append((start, f"the row cannot be read as CSV ({exc}; a damaged file?)"))
            continue
        lines.append(start)
        rows.append([_unescape(cell) for cell in row])


def write_csv(records: Iterable[SubscriberRecord], out: TextIO, attribute_names: Iterable[str]) -> int:
    """Write subscribers as CSV (a header, then one row each); return how many rows were written."""
    names = sorted(set(attribute_names) - RESERVED)
    writer = csv.writer(out, lineterminator="\n")
    # Attribute names come from imported files: a header cell can carry a formula as well as any other.
    writer.writerow([escape_cell(cell) for cell in [*EXPORT_COLUMNS, *names]])
    count = 0
    for row in _rows(records, names):
        writer.writerow([escape_cell(cell) for cell in row])
        count += 1
    return count


def escape_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _unescape(cell: str) -> str:
    """Undo ``escape_cell``, so that an exported file imports back as it was."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def _rows(records: Iterable[SubscriberRecord], names: list[str]) -> Iterator[list[str]]:
    for record in records:
        person = record.subscriber
        times = [(t.isoformat() if (t := record.times.get(k)) else "") for k in TIMES]
        extra = [str(record.attributes.get(n, "")) for n in names]
        yield [person.email, person.name, person.status.value, person.list, record.source, *times, *extra]


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _layout(rows: list[list[str]]) -> _Layout:
    """Where the email, the name and the attributes are, and the index of the first data row."""
    if not rows:
        return _Layout(0, None, 0, ())
    names = [cell.replace("\x00", "").strip() for cell in rows[0]]
    header = [cell.lower() for cell in names]
    if any(cell in EMAIL_HEADERS for cell in header):
        email_col = next(i for i, cell in enumerate(header) if cell in EMAIL_HEADERS)
        name_col = next((i for i, cell in enumerate(header) if cell in NAME_HEADERS), None)
        others = [
            (i, names[i])
            for i, cell in enumerate(header)
            if i not in (email_col, name_col) and cell and cell not in RESERVED
        ]
        return _Layout(email_col, name_col, 1, tuple(others))
    # No header: the email column is the first one holding an '@', the name the first other one.
    email_col = next((i for i, cell in enumerate(rows[0]) if "@" in cell), 0)
    name_col = next((i for i in range(len(rows[0])) if i != email_col), None)
    width = max(len(row) for row in rows)
    others = [(i, f"column_{i + 1}") for i in range(width) if i not in (email_col, name_col)]
    return _Layout(email_col, name_col, 0, tuple(others))
