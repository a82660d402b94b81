"""Reading the quality data files (content/quality/*.yaml): checked, every problem located."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from brochures.errors import CheckFailed, Diagnostic, Location
from brochures.quality.findings import SEVERITIES, Severity
from brochures.quality.text import fold, fold_pattern, language
from brochures.yamlfile import YList, YMap, load_yaml

QUALITY_DIR = Path("content") / "quality"
FLAGS = regex.IGNORECASE | regex.FULLCASE | regex.V0
# A phrase list is the clinic's, but a pattern that backtracks for ever must not hang a build.
MATCH_TIMEOUT = 2.0


class DataReader:
    """Walks one parsed data file and collects located errors instead of stopping at the first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def load(self) -> YMap | None:
        document = load_yaml(self.path)
        if not isinstance(document, YMap):
            self.error(1, "", "expected a mapping at the top of the file")
            return None
        return document

    def error(self, line: int | None, key: str, message: str, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic("error", "quality-data",
                                           Location.of(self.path, line, key or None),
                                           message, hint))

    def done(self) -> None:
        if self.diagnostics:
            raise CheckFailed(self.diagnostics, f"quality data ({self.path.name})")

    def line(self, mapping: Any, name: str | int) -> int | None:
        if isinstance(mapping, YMap) and isinstance(name, str):
            return mapping.lines.get(name, mapping.line)
        if isinstance(mapping, YList) and isinstance(name, int) and name < len(mapping.lines):
            return mapping.lines[name]
        return getattr(mapping, "line", None)

    def mapping(self, parent: Any, name: str, key: str, required: bool = True) -> YMap | None:
        value = parent.get(name) if isinstance(parent, Mapping) else None
        if value is None and not required:
            return None
        if not isinstance(value, YMap):
            self.error(self.line(parent, name), key, "expected a mapping")
            return None
        return value

    def text(self, parent: Mapping, name: str, key: str, required: bool = True) -> str:
        value = parent.get(name)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.error(self.line(parent, name), key, "expected non-empty text")
            return ""
        return " ".join(value.split())

    def severity(self, parent: Mapping, name: str, key: str, default: Severity) -> Severity:
        value = parent.get(name, default)
        if value not in SEVERITIES:
            self.error(self.line(parent, name), key,
                       f"severity must be one of {', '.join(SEVERITIES)}, not {value!r}")
            return default
        return value

    def number(self, parent: Mapping, name: str, key: str) -> float | None:
        value = parent.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(self.line(parent, name), key, f"expected a number, not {value!r}")
            return None
        return float(value)

    def patterns(self, parent: Mapping, name: str, key: str) -> dict[str, tuple[Pattern, ...]]:
        """Per-locale lists of phrase patterns (regular expressions), compiled and folded."""
        table = self.mapping(parent, name, key)
        result: dict[str, tuple[Pattern, ...]] = {}
        for locale, items in (table or {}).items():
            where = f"{key}.{locale}"
            if isinstance(items, str):
                items = YList([items])
                items.lines, items.line = [self.line(table, locale)], self.line(table, locale)
            if not isinstance(items, YList) or not items:
                self.error(self.line(table, locale), where, "expected a list of patterns")
                continue
            compiled = []
            for index, item in enumerate(items):
                if not isinstance(item, str) or not item.strip():
                    self.error(self.line(items, index), f"{where}[{index}]",
                               "expected a pattern (text)")
                    continue
                try:
                    compiled.append(Pattern(item, regex.compile(fold_pattern(item), FLAGS)))
                except regex.error as exc:
                    self.error(self.line(items, index), f"{where}[{index}]",
                               f"not a valid regular expression: {exc}",
                               "Escape ( ) [ ] . ? * + with a backslash to match them as "
                               "characters.")
            result[locale] = tuple(compiled)
        return result


@dataclass(frozen=True)
class Pattern:
    """One phrase pattern as written in the data file, and compiled for folded text."""

    source: str
    compiled: regex.Pattern

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Spans in ``text`` (original characters) where the pattern matches."""
        folded = fold(text)
        try:
            for match in self.compiled.finditer(folded.text, timeout=MATCH_TIMEOUT):
                if match.end() > match.start():
                    yield folded.span(match.start(), match.end())
        except TimeoutError:
            from brochures.errors import BrochuresError

            raise BrochuresError(f"the phrase pattern {self.source!r} takes too long to match",
                                 hint="Simplify it: avoid nested repeats such as (a+)+.") from None


def for_locale(table: Mapping[str, Any], locale: str) -> Any:
    """The entry for ``locale`` (zh_Hans), else for its language (zh), else None."""
    if locale in table:
        return table[locale]
    return table.get(language(locale))


def default_dir(root: Path) -> Path:
    """Where a project keeps its quality data: ``content/quality`` under its root."""
    return root / QUALITY_DIR
