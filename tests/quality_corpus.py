"""The shipped leaflet as the quality analysis sees it, read straight from its files.

English comes from content/laser-skin-tightening.yaml (read with PyYAML), translations
from each catalog (read with Babel), the figure's labels from its template. Units are in
the order a reader meets them on the page: title, summary, then each section's heading,
body paragraphs and list items, its figure's labels, then its subsections.

"Body text" (what the reading formulas measure) is the ``text`` of every ``body`` entry
of every section and subsection: 25 paragraphs, 49 sentences, 766 words in English.
Headings, list items, the title, the summary and figure labels are not body text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from brochures.quality import TextUnit

ROOT = Path(__file__).resolve().parent.parent
BROCHURE = "laser-skin-tightening"
CONTENT = ROOT / "content" / f"{BROCHURE}.yaml"
QUALITY = ROOT / "content" / "quality"
FIGURES = {"skin-diagram": ROOT / "templates" / "partials" / "skin-diagram.html"}
LOCALES = ("en", *sorted(p.parent.parent.name for p in
                         (ROOT / "locales").glob("*/LC_MESSAGES/messages.po")))
# A gettext call printed on the page: not one inside an attribute (alt, aria-label).
_LABEL = re.compile(r"(?<!=\")\{\{ _\('((?:[^'\\]|\\.)*)'\) \}\}")


@lru_cache(maxsize=1)
def content() -> dict:
    return yaml.safe_load(CONTENT.read_text(encoding="utf-8"))


def _figure_labels(name: str) -> list[str]:
    return [m.group(1) for m in _LABEL.finditer(FIGURES[name].read_text(encoding="utf-8"))]


def _section(section: dict, path: str) -> list[tuple[str, str, str]]:
    found = []
    if section.get("heading"):
        found.append((f"{path}.heading", section["heading"], "heading"))
    for block in section.get("body", []):
        where = f"{path}.body.{block['id']}"
        if "text" in block:
            found.append((f"{where}.text", block["text"], "body"))
        for item in block.get("items", []):
            found.append((f"{where}.items.{item['id']}.text", item["text"], "item"))
    if section.get("figure"):
        found.extend((label, label, "label") for label in _figure_labels(section["figure"]))
    for sub in section.get("subsections", []):
        found.extend(_section(sub, f"{path}.subsections.{sub['id']}"))
    return found


@lru_cache(maxsize=1)
def english_messages() -> tuple[tuple[str, str, str], ...]:
    """(context, English text, kind) in reading order; context is the msgctxt, or the
    msgid of a template text."""
    data = content()
    found = [(f"{BROCHURE}:title", data["title"], "title")]
    if data.get("summary"):
        found.append((f"{BROCHURE}:summary", data["summary"], "heading"))
    for section in data["sections"]:
        for context, text, kind in _section(section, f"sections.{section['id']}"):
            found.append((context if kind == "label" else f"{BROCHURE}:{context}", text, kind))
    return tuple(found)


@lru_cache(maxsize=16)
def catalog(locale: str) -> dict[tuple[str | None, str], str]:
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        parsed = read_po(handle)
    return {(m.context, m.id): m.string for m in parsed
            if m.id and isinstance(m.string, str) and m.string and not m.fuzzy}


def units(locale: str) -> list[TextUnit]:
    """The shipped leaflet's texts in ``locale`` (English where a translation is missing)."""
    result = []
    table = catalog(locale) if locale != "en" else {}
    for context, text, kind in english_messages():
        key = (None, text) if kind == "label" else (context, " ".join(text.split()))
        translated = table.get(key, text) if locale != "en" else text
        result.append(TextUnit(context, " ".join(translated.split()), kind))
    return result


def body_text() -> list[str]:
    """The English body paragraphs, in order."""
    return [u.text for u in units("en") if u.kind == "body"]
