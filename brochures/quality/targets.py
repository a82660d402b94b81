"""Reading targets and required leaflet fields, read from content/quality/targets.yaml."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from brochures.quality.data import DataReader, for_locale
from brochures.quality.findings import Severity
from brochures.quality.formulas import FORMULAS

TARGETS_FILE = "targets.yaml"
# Measures every language has, whatever its script.
INDEPENDENT = {
    "sentence_length": "Mean sentence length",
    "long_sentences": "Long sentences",
    "rare_words": "Rare words",
}
COMPLETENESS_FIELDS = ("sources", "feedback", "reference", "owner", "published", "review_by")


@dataclass(frozen=True)
class Target:
    """What one measure must reach: at most ``max`` or at least ``min``.

    ``limit`` is a measure's own threshold: the length over which a sentence is long, the
    Zipf frequency under which a word is rare, or the score past which one sentence is hard.
    """

    measure: str
    max: float | None = None
    min: float | None = None
    limit: float | None = None
    severity: Severity = "warning"

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        if self.max is not None and value > self.max:
            return False
        return not (self.min is not None and value < self.min)

    def describe(self) -> str:
        if self.max is not None:
            return f"≤ {self.max:g}"
        return f"≥ {self.min:g}" if self.min is not None else "—"


@dataclass(frozen=True)
class Targets:
    """Targets per language (``*`` for every language) and what a leaflet must state."""

    measures: Mapping[str, Mapping[str, Target]]
    reading_age: float = 11
    hardest: int = 5
    review_max_years: int = 3
    required: Mapping[str, Severity] = field(default_factory=dict)

    def for_locale(self, locale: str) -> dict[str, Target]:
        """The targets that apply to ``locale``: the shared ones, then its own over them."""
        merged = dict(self.measures.get("*", {}))
        merged.update(for_locale(self.measures, locale) or {})
        return merged


def load_targets(folder: Path) -> Targets:
    """Read ``targets.yaml`` from the quality data folder."""
    reader = DataReader(folder / TARGETS_FILE)
    document = reader.load()
    if document is None:
        reader.done()
    measures: dict[str, dict[str, Target]] = {}
    table = reader.mapping(document, "measures", "measures")
    for locale, entries in (table or {}).items():
        where = f"measures.{locale}"
        if not isinstance(entries, Mapping):
            reader.error(reader.line(table, locale), where, "expected a mapping of measures")
            continue
        measures[locale] = {}
        for measure, spec in entries.items():
            key = f"{where}.{measure}"
            if measure not in FORMULAS and measure not in INDEPENDENT:
                known = ", ".join([*INDEPENDENT, *FORMULAS])
                reader.error(reader.line(entries, measure), key, "unknown measure",
                             f"Known measures: {known}.")
                continue
            formula = FORMULAS.get(measure)
            if formula and locale != "*" and locale.split("_")[0] not in formula.languages:
                reader.error(reader.line(entries, measure), key,
                             f"{formula.name} is a formula for {', '.join(formula.languages)}")
                continue
            if not isinstance(spec, Mapping):
                reader.error(reader.line(entries, measure), key, "expected a mapping "
                             "such as {max: 6}")
                continue
            unknown = set(spec) - {"max", "min", "limit", "severity"}
            for name in sorted(unknown):
                reader.error(reader.line(spec, name), f"{key}.{name}", "unknown field",
                             "Known fields: max, min, limit, severity.")
            measures[locale][measure] = Target(
                measure, reader.number(spec, "max", f"{key}.max"),
                reader.number(spec, "min", f"{key}.min"),
                reader.number(spec, "limit", f"{key}.limit"),
                reader.severity(spec, "severity", f"{key}.severity", "warning"))
    required: dict[str, Severity] = {}
    completeness = reader.mapping(document, "completeness", "completeness", required=False)
    fields = reader.mapping(completeness, "fields", "completeness.fields",
                            required=False) if completeness else None
    for name in COMPLETENESS_FIELDS:
        required[name] = reader.severity(fields or {}, name, f"completeness.fields.{name}",
                                         "error")
    for name in sorted(set(fields or {}) - set(COMPLETENESS_FIELDS)):
        reader.error(reader.line(fields, name), f"completeness.fields.{name}", "unknown field",
                     "Known fields: " + ", ".join(COMPLETENESS_FIELDS) + ".")
    numbers = {name: reader.number(document, name, name)
               for name in ("reading_age", "hardest_sentences")}
    years = reader.number(completeness or {}, "review_max_years", "completeness.review_max_years")
    reader.done()
    return Targets(measures, reading_age=numbers["reading_age"] or 11,
                   hardest=int(numbers["hardest_sentences"] or 5),
                   review_max_years=int(years or 3), required=required)
