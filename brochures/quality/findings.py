"""What the quality report finds: one frozen record per finding, with a fingerprint of its text."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
CATEGORIES = ("claims", "jargon", "readability", "completeness")


@dataclass(frozen=True)
class Finding:
    """One thing a clinician should look at in one leaflet, in one language.

    ``context`` is the message it is in (its msgctxt, or its msgid when it has none) and
    ``span`` where the words are in ``text``; both are empty for findings about the whole
    leaflet (a reading score, a missing field). ``text`` is what the finding is about: the
    message, the leaflet's body text, or the metadata values. Its digest is part of the
    :attr:`fingerprint`, so a decision recorded on a finding lapses when that text changes.
    ``suggestion`` says what to do; for jargon it is the term with the glossary's plain
    explanation, in the leaflet's language.
    """

    brochure: str
    locale: str
    category: str
    code: str
    severity: Severity
    message: str
    context: str = ""
    excerpt: str = ""
    suggestion: str = ""
    text: str = ""
    span: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        if self.category not in CATEGORIES:
            raise ValueError(f"category must be one of {CATEGORIES}, not {self.category!r}")

    @property
    def key(self) -> str:
        """Which finding this is, stable while its text changes: brochure/locale/code@context."""
        where = f"@{self.context}" if self.context else ""
        return f"{self.brochure}/{self.locale}/{self.code}{where}"

    @property
    def fingerprint(self) -> str:
        """A digest of the key and the text the finding is about (whitespace-insensitive)."""
        text = " ".join(self.text.split())
        return hashlib.sha256(json.dumps([self.key, text]).encode()).hexdigest()[:16]

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict[str, object]:
        """The finding as plain JSON-ready data."""
        return {"key": self.key, "fingerprint": self.fingerprint, "brochure": self.brochure,
                "locale": self.locale, "category": self.category, "code": self.code,
                "severity": self.severity, "context": self.context, "excerpt": self.excerpt,
                "message": self.message, "suggestion": self.suggestion,
                "span": list(self.span) if self.span else None}
