"""Read subscriber CSV files: detect the header, check each address, report every rejected row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from digest.errors import SubscriberFileError
from digest.models import Problem
from digest.store.subscribers import NewSubscriber

EMAIL_HEADERS = ("email", "e-mail", "email address", "mail", "address")
NAME_HEADERS = ("name", "full name", "fullname", "first name")


@dataclass(frozen=True, slots=True)
class CsvReport:
    """The valid rows of a subscriber file (duplicates merged) and the rejected ones."""

    rows: tuple[NewSubscriber, ...]
    rejected: tuple[Problem, ...]
    duplicates: int


def normalize_email(address: str) -> str:
    """Check an address's syntax (no DNS) and return its normalized form; ValueError when invalid."""
    try:
        result = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None
    return result.normalized.lower()


def read_csv(path: Path) -> CsvReport:
    """Read a subscriber CSV; a file that cannot be read at all raises SubscriberFileError."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SubscriberFileError(f"Subscriber file '{path}' not found") from None
    except UnicodeDecodeError as exc:
        raise SubscriberFileError(
            f"Subscriber file '{path}' is not UTF-8 text (byte {exc.start})", "save it as UTF-8 CSV"
        ) from None
    return parse_csv(text, str(path))


def parse_csv(text: str, name: str = "subscribers.csv") -> CsvReport:
    """Parse CSV text: header row optional, email column found by name or by content."""
    rows = list(csv.reader(io.StringIO(text)))
    email_col, name_col, first = _columns(rows)
    found: dict[str, NewSubscriber] = {}
    rejected: list[Problem] = []
    duplicates = 0
    for number, row in enumerate(rows[first:], start=first + 1):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{name} line {number}"
        if email_col >= len(row):
            rejected.append(Problem(where, "no email column in this row"))
            continue
        try:
            email = normalize_email(row[email_col])
        except ValueError as exc:
            rejected.append(Problem(where, f"'{row[email_col].strip()}' is not a valid address: {exc}"))
            continue
        person = row[name_col].strip() if name_col is not None and name_col < len(row) else ""
        if email in found:
            duplicates += 1
            person = person or found[email].name
        found[email] = NewSubscriber(email, person)
    return CsvReport(tuple(found.values()), tuple(rejected), duplicates)


def _columns(rows: list[list[str]]) -> tuple[int, int | None, int]:
    """(email column, name column, index of the first data row)."""
    if not rows:
        return 0, None, 0
    header = [cell.strip().lower() for cell in rows[0]]
    if any(cell in EMAIL_HEADERS for cell in header):
        email_col = next(i for i, cell in enumerate(header) if cell in EMAIL_HEADERS)
        name_col = next((i for i, cell in enumerate(header) if cell in NAME_HEADERS), None)
        return email_col, name_col, 1
    # No header: the email column is the first one holding an '@'.
    email_col = next((i for i, cell in enumerate(rows[0]) if "@" in cell), 0)
    name_col = next((i for i in range(len(rows[0])) if i != email_col), None)
    return email_col, name_col, 0
