"""The quality report of a leaflet: every language analysed, findings assessed against decisions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brochures.quality.claims import ClaimRule, find_claims, load_claims
from brochures.quality.completeness import check_completeness
from brochures.quality.decisions import Assessed, Decisions, assess
from brochures.quality.findings import CATEGORIES, Finding
from brochures.quality.jargon import Term, find_jargon, load_glossary
from brochures.quality.readability import Readability, measure
from brochures.quality.readability import findings as readability_findings
from brochures.quality.targets import Targets, load_targets
from brochures.quality.text import TextUnit


@dataclass(frozen=True)
class Rules:
    """Everything the analysis applies: claim rules, the glossary and the targets."""

    claims: tuple[ClaimRule, ...]
    glossary: tuple[Term, ...]
    targets: Targets


def load_rules(folder: Path) -> Rules:
    """Read claims.yaml, glossary.yaml and targets.yaml from ``folder`` (content/quality)."""
    return Rules(load_claims(folder), load_glossary(folder), load_targets(folder))


@dataclass(frozen=True)
class QualityReport:
    """One leaflet in one language: its reading scores and what was found in its text."""

    brochure: str
    locale: str
    readability: Readability
    findings: tuple[Finding, ...]
    units: tuple[TextUnit, ...]

    def count(self) -> dict[str, int]:
        counted = Counter(f.category for f in self.findings)
        return {category: counted.get(category, 0) for category in CATEGORIES}

    def unit(self, context: str) -> TextUnit | None:
        return next((u for u in self.units if u.context == context), None)


def analyse(units: Sequence[TextUnit], locale: str, rules: Rules, *,
            brochure: str = "") -> QualityReport:
    """Analyse one language of a leaflet: ``units`` are its messages in reading order."""
    units = tuple(units)
    readability = measure(units, locale, rules.targets)
    order = {unit.context: index for index, unit in enumerate(units)}
    found = [*find_claims(units, locale, rules.claims, brochure),
             *find_jargon(units, locale, rules.glossary, brochure)]
    found.sort(key=lambda f: (order.get(f.context, -1), f.span or (0, 0), f.code))
    found = readability_findings(readability, brochure, units) + found
    return QualityReport(brochure, locale, readability, tuple(found), units)


@dataclass(frozen=True)
class LeafletReport:
    """A leaflet in every language, with the findings about the leaflet as a whole."""

    brochure: str
    title: str
    reports: tuple[QualityReport, ...]
    completeness: tuple[Finding, ...]
    targets: Targets

    @property
    def findings(self) -> list[Finding]:
        return [*self.completeness, *(f for r in self.reports for f in r.findings)]

    def assessed(self, decisions: Decisions) -> list[Assessed]:
        return assess(self.findings, decisions)


def leaflet_report(brochure: str, texts: Mapping[str, Sequence[TextUnit]],
                   metadata: Mapping[str, Any], rules: Rules, *, title: str = "",
                   today: dt.date | None = None) -> LeafletReport:
    """Analyse every language of a leaflet (``texts``: locale -> units in reading order)
    and check its ``metadata`` (sources, feedback, reference, owner, dates)."""
    reports = tuple(analyse(units, locale, rules, brochure=brochure)
                    for locale, units in texts.items())
    complete = tuple(check_completeness(metadata, rules.targets, brochure=brochure,
                                        today=today))
    return LeafletReport(brochure, title or brochure, reports, complete, rules.targets)


def open_errors(assessed: Sequence[Assessed]) -> list[Assessed]:
    """Findings of error level nobody has accepted: what ``build --strict`` refuses."""
    return [a for a in assessed if a.is_open and a.finding.is_error]


def as_dict(report: LeafletReport, decisions: Decisions) -> dict[str, Any]:
    """The report as plain JSON-ready data (``brochures report --json``)."""
    states = {a.finding.key: a for a in report.assessed(decisions)}

    def entry(finding: Finding) -> dict[str, Any]:
        standing = states[finding.key]
        data = finding.as_dict()
        data["state"] = standing.state
        if standing.decision:
            data["decision"] = {"by": standing.decision.by,
                                "date": standing.decision.date.isoformat(),
                                "reason": standing.decision.reason,
                                "fingerprint": standing.decision.fingerprint}
        return data

    languages = []
    for item in report.reports:
        r = item.readability
        languages.append({
            "locale": item.locale,
            "reading_age": r.reading_age,
            "scores": [{"measure": s.measure, "name": s.name, "value": s.value,
                        "scale": s.scale, "target": s.target.describe() if s.target else None,
                        "met": s.met, "note": s.note} for s in r.scores],
            "sentences": len(r.sentences),
            "hard_sentences": r.hard_count,
            "difficulty": r.difficulty,
            "hardest": [{"context": s.context, "text": s.text, "score": s.difficulty}
                        for s in r.hardest(report.targets.hardest)],
            "rare_words": list(r.rare[:20]),
            "counts": item.count(),
            "findings": [entry(f) for f in item.findings],
        })
    assessed = report.assessed(decisions)
    return {"brochure": report.brochure, "title": report.title,
            "open_errors": len(open_errors(assessed)),
            "open": sum(a.is_open for a in assessed),
            "accepted": sum(not a.is_open for a in assessed),
            "completeness": [entry(f) for f in report.completeness],
            "languages": languages}
