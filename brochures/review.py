"""Review sign-off stored in a catalog's header comment, and whether it is still current."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

from babel.messages.catalog import Catalog

UNREVIEWED = "Review: not yet reviewed by a clinician-translator."
_SIGNOFF_RE = re.compile(r"# Reviewed-by: (?P<by>[^;]+); (?P<date>\d{4}-\d{2}-\d{2}); "
                         r"fingerprint (?P<fp>[0-9a-f]{16})")


@dataclass(frozen=True)
class Review:
    """Who signed a catalog off, when, and whether its translations changed since."""

    by: str | None
    date: dt.date | None
    current: bool

    @property
    def state(self) -> str:
        if self.by is None:
            return "not reviewed"
        return "reviewed" if self.current else "stale"


def fingerprint(catalog: Catalog) -> str:
    """A digest of every translated string: any change to one changes it."""
    entries = sorted(
        (m.context or "", json.dumps(m.id), json.dumps(m.string))
        for m in catalog if m.id and m.string and not m.fuzzy)
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()[:16]


def _signoff(lines: list[str]) -> tuple[int, int, re.Match[str]] | None:
    """Where the sign-off is in the header comment: lines[start:end], as .po tools may wrap it."""
    for start, line in enumerate(lines):
        if not line.startswith("# Reviewed-by:"):
            continue
        text = line
        for end in range(start + 1, min(start + 4, len(lines)) + 1):
            if match := _SIGNOFF_RE.fullmatch(text.strip()):
                return start, end, match
            if end < len(lines):
                text += " " + lines[end].removeprefix("#").strip()
    return None


def review_of(catalog: Catalog) -> Review:
    """The catalog's recorded sign-off, checked against its current translations."""
    found = _signoff((catalog.header_comment or "").splitlines())
    if not found:
        return Review(None, None, False)
    match = found[2]
    return Review(match["by"].strip(), dt.date.fromisoformat(match["date"]),
                  match["fp"] == fingerprint(catalog))


def sign_off(catalog: Catalog, by: str, on: dt.date) -> None:
    """Record a sign-off by ``by`` on ``on`` for the catalog's current translations."""
    name = " ".join(by.split())
    if not name or ";" in name:
        raise ValueError("a reviewer's name must be one line without ';'")
    lines = (catalog.header_comment or "").splitlines()
    while found := _signoff(lines):
        del lines[found[0]:found[1]]
    lines = [line for line in lines if UNREVIEWED not in line]
    lines.append(f"# Reviewed-by: {name}; {on.isoformat()}; fingerprint {fingerprint(catalog)}")
    catalog.header_comment = "\n".join(lines)
