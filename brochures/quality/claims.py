"""Claims a clinician or regulator would stop, found by the phrase rules in claims.yaml."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from brochures.quality.data import DataReader, Pattern, for_locale
from brochures.quality.findings import Finding, Severity
from brochures.quality.text import TextUnit

CLAIMS_FILE = "claims.yaml"
CLAIM_CATEGORIES = ("absolute", "superlative", "risk-minimising", "comparative", "naturalness",
                    "cosmetic")


@dataclass(frozen=True)
class ClaimRule:
    """One kind of claim: why it is a problem, what to write instead, its phrases per language."""

    id: str
    category: str
    severity: Severity
    explain: str
    suggest: str
    patterns: Mapping[str, tuple[Pattern, ...]]

    def patterns_for(self, locale: str) -> tuple[Pattern, ...]:
        return for_locale(self.patterns, locale) or ()


def load_claims(folder: Path) -> tuple[ClaimRule, ...]:
    """Read ``claims.yaml`` from the quality data folder; every problem in it is reported."""
    reader = DataReader(folder / CLAIMS_FILE)
    document = reader.load()
    items = document.get("rules") if document is not None else None
    if document is not None and not isinstance(items, list):
        reader.error(reader.line(document, "rules"), "rules", "expected a list of rules")
    rules: list[ClaimRule] = []
    seen: set[str] = set()
    for index, item in enumerate(items if isinstance(items, list) else []):
        key = f"rules[{index}]"
        if not isinstance(item, Mapping):
            reader.error(reader.line(items, index), key, "expected a mapping")
            continue
        for name in sorted(set(item) - {"id", "category", "severity", "explain", "suggest",
                                        "patterns"}):
            reader.error(reader.line(item, name), f"{key}.{name}", "unknown field",
                         "Known fields: id, category, severity, explain, suggest, patterns.")
        rule_id = reader.text(item, "id", f"{key}.id")
        if rule_id in seen:
            reader.error(reader.line(item, "id"), f"{key}.id", f"duplicate rule id {rule_id!r}")
        seen.add(rule_id)
        category = item.get("category")
        if category not in CLAIM_CATEGORIES:
            reader.error(reader.line(item, "category"), f"{key}.category",
                         f"category must be one of {', '.join(CLAIM_CATEGORIES)}")
        rules.append(ClaimRule(
            rule_id, str(category), reader.severity(item, "severity", f"{key}.severity", "error"),
            reader.text(item, "explain", f"{key}.explain"),
            reader.text(item, "suggest", f"{key}.suggest", required=False),
            reader.patterns(item, "patterns", f"{key}.patterns")))
    reader.done()
    return tuple(rules)


def find_claims(units: Sequence[TextUnit], locale: str, rules: Sequence[ClaimRule],
                brochure: str = "") -> list[Finding]:
    """One finding per rule and message where any of the rule's phrases occurs.

    Every kind of text is searched (headings and list items too): "Painless" as a heading
    is as much a claim as in a sentence.
    """
    result = []
    for unit in units:
        for rule in rules:
            spans = sorted({span for pattern in rule.patterns_for(locale)
                            for span in pattern.spans(unit.text)})
            if not spans:
                continue
            excerpts = list(dict.fromkeys(unit.text[a:b] for a, b in spans))
            first = spans[0]
            result.append(Finding(
                brochure, locale, "claims", f"claim.{rule.id}", rule.severity,
                f"{rule.category} claim: “{'”, “'.join(excerpts)}” — {rule.explain}",
                context=unit.context, excerpt=unit.text[first[0]:first[1]],
                suggestion=rule.suggest, text=unit.text, span=first))
    return result
