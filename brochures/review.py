"""Review sign-off stored in a catalog's header comment, and whether it is still current."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

from babel.messages.catalog import Catalog

UNREVIEWED = "Review: not yet reviewed by a clinician-translator."
_SIGNOFF_RE = re.compile(
    r"^# Reviewed-by: (?P<by>[^;]+); (?P<date>\d{4}-\d{2}-\d{2}); fingerprint (?P<fp>[0-9a-f]+)$",
    re.M)


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


def review_of(catalog: Catalog) -> Review:
    """The catalog's recorded sign-off, checked against its current translations."""
    match = _SIGNOFF_RE.search(catalog.header_comment or "")
    if not match:
        return Review(None, None, False)
    return Review(match["by"].strip(), dt.date.fromisoformat(match["date"]),
                  match["fp"] == fingerprint(catalog))


def sign_off(catalog: Catalog, by: str, on: dt.date) -> None:
    """Record a sign-off by ``by`` on ``on`` for the catalog's current translations."""
    if not by.strip() or ";" in by or "\n" in by:
        raise ValueError("a reviewer's name must be one line without ';'")
    lines = [line for line in (catalog.header_comment or "").splitlines()
             if not _SIGNOFF_RE.match(line) and UNREVIEWED not in line]
    lines.append(f"# Reviewed-by: {by.strip()}; {on.isoformat()}; "
                 f"fingerprint {fingerprint(catalog)}")
    catalog.header_comment = "\n".join(lines)
