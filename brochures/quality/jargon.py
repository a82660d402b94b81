"""Medical terms a patient may not know, and whether the leaflet explains them where first used."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import regex

from brochures.quality.data import DataReader, Pattern, for_locale
from brochures.quality.findings import Finding, Severity
from brochures.quality.text import TextUnit

GLOSSARY_FILE = "glossary.yaml"
# A bracketed gloss right after the term ("Erythema (redness)", "红斑（发红）"), a dash or
# colon introducing one ("milia – small white bumps"), or the term itself in brackets after
# the plain words ("red skin (erythema)").
_GLOSS_AFTER = regex.compile(r"\s*(?:[(\[（]|[—–:]\s*\w|-\s+\w)")
_GLOSS_AROUND = regex.compile(r"[(\[（]\s*$")


@dataclass(frozen=True)
class Term:
    """A glossary entry: how the term is written, its plain explanation, words explaining it."""

    id: str
    severity: Severity
    forms: Mapping[str, tuple[Pattern, ...]]
    plain: Mapping[str, str]
    cues: Mapping[str, tuple[Pattern, ...]]


def load_glossary(folder: Path) -> tuple[Term, ...]:
    """Read ``glossary.yaml`` from the quality data folder; every problem in it is reported."""
    reader = DataReader(folder / GLOSSARY_FILE)
    document = reader.load()
    items = document.get("terms") if document is not None else None
    if document is not None and not isinstance(items, list):
        reader.error(reader.line(document, "terms"), "terms", "expected a list of terms")
    terms: list[Term] = []
    seen: set[str] = set()
    for index, item in enumerate(items if isinstance(items, list) else []):
        key = f"terms[{index}]"
        if not isinstance(item, Mapping):
            reader.error(reader.line(items, index), key, "expected a mapping")
            continue
        for name in sorted(set(item) - {"id", "severity", "term", "plain", "explained_by"}):
            reader.error(reader.line(item, name), f"{key}.{name}", "unknown field",
                         "Known fields: id, severity, term, plain, explained_by.")
        term_id = reader.text(item, "id", f"{key}.id")
        if term_id in seen:
            reader.error(reader.line(item, "id"), f"{key}.id", f"duplicate term id {term_id!r}")
        seen.add(term_id)
        forms = reader.patterns(item, "term", f"{key}.term")
        cues = reader.patterns(item, "explained_by", f"{key}.explained_by")
        plain_table = reader.mapping(item, "plain", f"{key}.plain")
        plain = {locale: reader.text(plain_table, locale, f"{key}.plain.{locale}")
                 for locale in (plain_table or {})}
        for locale in sorted(set(forms) - set(plain)):
            reader.error(reader.line(item, "plain"), f"{key}.plain.{locale}",
                         "no plain explanation for a language the term is listed in",
                         "Add the explanation a patient would understand, in that language.")
        terms.append(Term(term_id, reader.severity(item, "severity", f"{key}.severity",
                                                   "warning"), forms, plain, cues))
    reader.done()
    return tuple(terms)


@dataclass(frozen=True)
class Occurrence:
    term: Term
    unit: int
    span: tuple[int, int]


def _occurrences(units: Sequence[TextUnit], locale: str,
                 glossary: Sequence[Term]) -> list[Occurrence]:
    """Every term in every unit, in reading order; where terms overlap the longest wins
    ("non-ablative" is not also "ablative")."""
    found: list[Occurrence] = []
    for index, unit in enumerate(units):
        candidates = [Occurrence(term, index, span) for term in glossary
                      for pattern in for_locale(term.forms, locale) or ()
                      for span in pattern.spans(unit.text)]
        candidates.sort(key=lambda o: (o.span[0] - o.span[1], o.span[0]))
        taken: list[Occurrence] = []
        for occurrence in candidates:
            start, end = occurrence.span
            if all(end <= o.span[0] or start >= o.span[1] for o in taken):
                taken.append(occurrence)
        found.extend(sorted(taken, key=lambda o: o.span[0]))
    return found


def explained(units: Sequence[TextUnit], occurrence: Occurrence, locale: str) -> bool:
    """Whether this occurrence of a term is explained nearby.

    It is when a gloss is attached to it (brackets, a dash or a colon right after it, or
    the term itself in brackets), or when one of the glossary's explaining phrases for the
    term occurs in the same message or in the next one in reading order.
    """
    text = units[occurrence.unit].text
    start, end = occurrence.span
    if _GLOSS_AFTER.match(text, end) or _GLOSS_AROUND.search(text[:start]):
        return True
    cues = for_locale(occurrence.term.cues, locale) or ()
    nearby = units[occurrence.unit:occurrence.unit + 2]
    return any(next(cue.spans(unit.text), None) for cue in cues for unit in nearby)


def find_jargon(units: Sequence[TextUnit], locale: str, glossary: Sequence[Term],
                brochure: str = "") -> list[Finding]:
    """One finding per term whose first appearance in the leaflet is not explained."""
    result = []
    first: dict[str, Occurrence] = {}
    for occurrence in _occurrences(units, locale, glossary):
        first.setdefault(occurrence.term.id, occurrence)
    for occurrence in sorted(first.values(), key=lambda o: (o.unit, o.span)):
        if explained(units, occurrence, locale):
            continue
        unit = units[occurrence.unit]
        term = occurrence.term
        words = unit.text[occurrence.span[0]:occurrence.span[1]]
        plain = for_locale(term.plain, locale) or ""
        result.append(Finding(
            brochure, locale, "jargon", f"jargon.{term.id}", term.severity,
            f"medical term “{words}” is not explained where it first appears",
            context=unit.context, excerpt=words,
            suggestion=f"{words} ({plain})" if plain else "",
            text=unit.text, span=occurrence.span))
    return result
