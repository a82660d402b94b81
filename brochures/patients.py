"""Who to write to: one patient from the command line, or many from a CSV file."""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass
from pathlib import Path

from brochures.errors import BrochuresError, Location, display_path

COLUMNS = ("email", "locale", "name", "consent")
REQUIRED = ("email", "locale", "consent")
YES = frozenset({"yes", "y", "true", "1", "x"})
NO = frozenset({"no", "n", "false", "0", ""})


@dataclass(frozen=True)
class Patient:
    """One recipient as given. Address and name are never printed: rows are named by line."""

    address: str
    locale: str
    name: str | None = None
    consent: bool | None = None  # None: the consent cell says neither yes nor no
    source: str | None = None    # the CSV file, as shown to the user
    row: int | None = None       # its line in the file (the spreadsheet's row number)
    problem: str | None = None   # why the row cannot be read as it is

    @property
    def where(self) -> str:
        """How messages name this patient: ``patients.csv:3``, or ``--to``."""
        return f"{self.source}:{self.row}" if self.row is not None else "--to"


def consent_of(cell: str) -> bool | None:
    """yes/no, true/false, 1/0, x/empty as True/False; anything else is None (unclear)."""
    value = cell.strip().lower()
    return True if value in YES else False if value in NO else None


def read_batch(path: Path) -> list[Patient]:
    """The patients of a CSV file with a header line naming email, locale, name, consent.

    The delimiter may be a comma or a semicolon (as spreadsheets write it in many
    countries); UTF-8 with or without a byte-order mark.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BrochuresError("batch file not found", Location.of(path)) from None
    except UnicodeDecodeError:
        raise BrochuresError("the batch file is not UTF-8 text", Location.of(path),
                             "Save it as 'CSV UTF-8' from the spreadsheet.") from None
    except OSError as exc:
        raise BrochuresError(f"cannot read the batch file: {exc.strerror}",
                             Location.of(path)) from None
    first = text.partition("\n")[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        columns = _columns(header, path)
        patients, line = [], reader.line_num
        for cells in reader:
            row, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            cell = {name: (cells[index] if index < len(cells) else "").strip()
                    for name, index in columns.items()}
            # more cells than columns: an unquoted comma shifted the values into wrong columns
            problem = (f"{len(cells)} cells for {len(header)} columns; put quotes around "
                       "a value that has a comma" if len(cells) > len(header) else None)
            patients.append(Patient(cell["email"], cell["locale"], cell.get("name") or None,
                                    consent_of(cell["consent"]), display_path(path), row,
                                    problem))
    except csv.Error as exc:
        raise BrochuresError(f"not a readable CSV file: {exc}",
                             Location.of(path, reader.line_num)) from None
    if not patients:
        raise BrochuresError("no patients in the batch file", Location.of(path),
                             "Add one line per patient below the header line.")
    return patients


def _columns(header: list[str], path: Path) -> dict[str, int]:
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        unknown = [name for name in header if name not in COLUMNS]
        guesses = [f"'{u}' -> '{m[0]}'" for u in unknown
                   if (m := difflib.get_close_matches(u, missing, n=1))]
        raise BrochuresError(
            f"missing column(s): {', '.join(missing)}", Location.of(path, 1),
            "The first line must name the columns email, locale, consent and optionally "
            "name" + (f" (did you mean {', '.join(guesses)}?)" if guesses else "."))
    twice = [name for name in COLUMNS if header.count(name) > 1]
    if twice:
        # which one holds the patient's address? a guess could write to someone else
        raise BrochuresError(f"the column {twice[0]} is there twice", Location.of(path, 1),
                             "Keep one column of each name: email, locale, name, consent.")
    return {name: header.index(name) for name in COLUMNS if name in header}
