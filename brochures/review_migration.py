"""Old sign-offs in catalogs' header comments, moved into the clinic's signed review record."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from brochures.catalogs import read_catalog
from brochures.errors import BrochuresError, Location
from brochures.fileio import backup, write_atomic
from brochures.project import SOURCE_LOCALE, Project
from brochures.review import (
    LEGACY_MARK,
    RECORD_FILE,
    catalog_name,
    ensure_key,
    entry,
    latest_today,
    read_record,
    reviewer_name,
    write_record,
)

WARNING = (f"A '{LEGACY_MARK}' header comment can be written by anyone who edits the "
           f"catalog, translators included. Migrating signs it in the clinic's name in "
           f"{RECORD_FILE}: do it only for sign-offs the clinic knows to be genuine (check the "
           "reviewer and the date with them).")
_SIGNOFF_RE = re.compile(r"# Reviewed-by: (?P<by>[^;]+); (?P<date>\d{4}-\d{2}-\d{2}); "
                         r"fingerprint (?P<fp>[0-9a-f]{16})")


@dataclass(frozen=True)
class OldSignoff:
    """A sign-off found in a catalog's header comment, and whether it can be migrated."""

    code: str
    path: Path
    by: str
    date: str
    problem: str          # why it cannot be migrated; empty when it can
    lines: tuple[int, int]  # the header lines it spans, [start, end)
    sha256: str             # of the catalog as it was found

    def __str__(self) -> str:
        what = f"{Location.of(self.path)}: {self.code}: reviewed by {self.by} on {self.date}"
        return f"{what}: not migrated: {self.problem}" if self.problem else what


def old_fingerprint(catalog: Catalog) -> str:
    """The digest the old header carried: every finished translation, nothing else."""
    entries = sorted(
        (m.context or "", json.dumps(m.id), json.dumps(m.string))
        for m in catalog if m.id and m.string and not m.fuzzy)
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()[:16]


def _leading_comments(data: bytes) -> list[str]:
    """The comment lines the file starts with; split as bytes, the way :func:`migrate` cuts."""
    lines = data.removeprefix(codecs.BOM_UTF8).splitlines()
    end = next((i for i, line in enumerate(lines) if not line.startswith(b"#")), len(lines))
    return [line.decode("utf-8", "replace") for line in lines[:end]]


def _find(lines: list[str]) -> tuple[int, int, re.Match[str]] | None:
    """Where the sign-off is: lines[start:end], as .po editors may have wrapped it."""
    for start, line in enumerate(lines):
        if not line.startswith(LEGACY_MARK):
            continue
        text = line
        for end in range(start + 1, min(start + 4, len(lines)) + 1):
            if match := _SIGNOFF_RE.fullmatch(text.strip()):
                return start, end, match
            if end < len(lines):
                text += " " + lines[end].removeprefix("#").strip()
    return None


def find_old_signoffs(project: Project, codes: tuple[str, ...] = ()) -> list[OldSignoff]:
    """Every catalog (of ``codes``, default all) whose header has an old sign-off."""
    found = []
    known = [c for c in project.catalog_locales() if c != SOURCE_LOCALE]
    for code in codes:
        if code not in known:
            raise BrochuresError(f"no catalog for locale {code!r}", Location.of(project.locales),
                                 "Catalogs exist for: " + ", ".join(known) + ".")
    for code in codes or tuple(known):
        path = project.po_path(code)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BrochuresError(f"cannot read: {exc.strerror}", Location.of(path)) from None
        where = _find(_leading_comments(data))
        if where is None:
            continue
        start, end, match = where
        by, date, problem = " ".join(match["by"].split()), match["date"], ""
        try:
            reviewer_name(by)
            if dt.date.fromisoformat(date) > latest_today():
                problem = "it is dated in the future"
        except ValueError:
            problem = "its date is not a date"
        except BrochuresError:
            problem = "the reviewer's name is not one line of at most 200 characters"
        if not problem and old_fingerprint(read_catalog(path, code)) != match["fp"]:
            problem = ("the translations changed since that sign-off; have them reviewed and "
                       f"run `brochures i18n signoff {code} --by NAME`")
        found.append(OldSignoff(code, path, by, date, problem, (start, end),
                                hashlib.sha256(data).hexdigest()))
    return found


def migrate(project: Project, signoffs: list[OldSignoff]) -> list[str]:
    """Sign each migratable old sign-off into the record, then drop it from its catalog.

    The record is written first: were the catalogs not rewritten after it, their old
    header is still there and a second run migrates them again.
    """
    reviews = read_record(project)  # a broken record is never overwritten
    new_bytes, said = {}, []
    for old in (s for s in signoffs if not s.problem):
        data = old.path.read_bytes()
        if hashlib.sha256(data).hexdigest() != old.sha256:
            said.append(f"{old.code}: not migrated: {Location.of(old.path)} changed meanwhile; "
                        "run the migration again")
            continue
        bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
        lines = data.removeprefix(bom).splitlines(keepends=True)
        start, end = old.lines
        new_bytes[old.path] = bom + b"".join(lines[:start] + lines[end:])
    todo = [old for old in signoffs if old.path in new_bytes]
    if not todo:
        return said
    key, created = ensure_key(project)
    for old in todo:
        name = catalog_name(project, old.path)
        reviews[name] = entry(key, name, old.by, dt.date.fromisoformat(old.date),
                              hashlib.sha256(new_bytes[old.path]).hexdigest())
    write_record(project, reviews)
    if created:
        said.append(f"created the clinic's review key {Location.of(key.path)}")
    for old in todo:
        backup(old.path)
        write_atomic(old.path, new_bytes[old.path])
        said.append(f"{old.code}: migrated the sign-off by {old.by} on {old.date} into "
                    f"{RECORD_FILE}; the header line is gone from {Location.of(old.path)} "
                    "(the previous file is kept as .po.bak)")
    return said
