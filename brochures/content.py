"""Load and validate brochure content (content/ID.yaml) and the clinic's details (clinic.yaml)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brochures.errors import Diagnostic
from brochures.sniff import image_problem
from brochures.yamlfile import Reader, YMap, load_yaml

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CLINIC_FILE = "clinic.yaml"

# Drawings a section may show (its `figure:` field): name -> the template partial that
# draws it with translated labels and alt text.
FIGURES = {"skin-diagram": "partials/skin-diagram.html"}


@dataclass(frozen=True)
class Message:
    """One translatable text of the content: its msgctxt, English source, line and note."""

    context: str
    text: str
    line: int
    note: str | None = None


@dataclass(frozen=True)
class Block:
    """A paragraph (``text``) or a list (``items``) inside a section."""

    id: str
    text: Message | None
    items: tuple[Message, ...] = ()
    ordered: bool = False


@dataclass(frozen=True)
class Section:
    """A section with an optional heading, its blocks, a figure and its subsections."""

    id: str
    heading: Message | None
    body: tuple[Block, ...]
    subsections: tuple[Section, ...] = ()
    figure: str | None = None  # a key of FIGURES, shown after the body


@dataclass(frozen=True)
class Brochure:
    """One leaflet: metadata and its sections, every text a :class:`Message`."""

    id: str
    path: Path
    version: str
    published: dt.date
    review_by: dt.date
    title: Message
    summary: Message | None
    sections: tuple[Section, ...]
    trifold_flap: tuple[str, ...] = ()
    trifold_inside: tuple[str, ...] = ()
    review_by_line: int | None = None

    def messages(self) -> Iterator[Message]:
        """Every translatable message, in document order."""
        yield self.title
        if self.summary:
            yield self.summary
        for section in self.sections:
            yield from _section_messages(section)


def _section_messages(section: Section) -> Iterator[Message]:
    if section.heading:
        yield section.heading
    for block in section.body:
        if block.text:
            yield block.text
        yield from block.items
    for sub in section.subsections:
        yield from _section_messages(sub)


@dataclass(frozen=True)
class Clinic:
    """The clinic's details printed on every leaflet."""

    path: Path
    name: str
    address: tuple[str, ...]
    phone: str
    email: str
    website: str
    logo: Path | None
    leaflet_url: str | None = None

    def leaflet_link(self, brochure: str, locale: str) -> str:
        """The web page for one brochure in one language (falls back to the website)."""
        if not self.leaflet_url:
            return self.website
        return self.leaflet_url.format(brochure=brochure, locale=locale)


TOP_FIELDS = {"version": True, "published": True, "review_by": True, "title": True,
              "title_note": False, "summary": False, "summary_note": False,
              "sections": True, "trifold": False}
SECTION_FIELDS = {"id": True, "heading": False, "heading_note": False, "body": False,
                  "figure": False, "subsections": False}
BLOCK_FIELDS = {"id": True, "text": False, "items": False, "note": False, "ordered": False}
ITEM_FIELDS = {"id": True, "text": True, "note": False}
CLINIC_FIELDS = {"name": True, "address": True, "phone": True, "email": True, "website": True,
                 "logo": False, "leaflet_url": False}


class _BrochureReader(Reader):
    """Turns one parsed content file into a :class:`Brochure`, collecting every problem."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.brochure_id = path.stem

    def message(self, mapping: YMap, name: str, key: str, note: str | None = None,
                required: bool = True) -> Message | None:
        text = self.text(mapping, name, key, required)
        if text is None:
            return None
        if note is None:
            note = self.text(mapping, f"{name}_note", key, required=False)
        path = f"{key}.{name}" if key else name
        return Message(f"{self.brochure_id}:{path}", " ".join(text.split()),
                       mapping.lines[name], note)

    def unique_id(self, mapping: YMap, key: str, seen: set[str]) -> str | None:
        value = self.text(mapping, "id", key)
        if value is None:
            return None
        if not ID_RE.match(value):
            self.error(mapping.lines["id"], f"{key}.id", f"id {value!r} is not valid",
                       "Use lower-case letters, digits and hyphens, e.g. 'after-effects'.")
        elif value in seen:
            self.error(mapping.lines["id"], f"{key}.id", f"id {value!r} is used twice here",
                       "Give every sibling a different id: ids name translations.")
        seen.add(value)
        return value

    def brochure(self, data: Any) -> Brochure | None:
        top = self.mapping(data, "", getattr(data, "line", 1), TOP_FIELDS)
        if top is None:
            return None
        dates = {name: self.date(top, name) for name in ("published", "review_by")}
        sections = self.sections(top, "sections", "sections")
        if not sections and "sections" in top:
            self.error(top.lines["sections"], "sections", "a brochure needs at least one section")
        trifold = {"flap": (), "inside": ()}
        if "trifold" in top:
            panels = self.mapping(top["trifold"], "trifold", top.lines["trifold"],
                                  {"flap": False, "inside": True})
            known = {s.id for s in sections}
            for name in trifold if panels is not None else ():
                trifold[name] = tuple(self.text_list(panels, name, f"trifold.{name}"))
                for sid in trifold[name]:
                    if sid not in known:
                        self.error(panels.lines[name], f"trifold.{name}",
                                   f"no section with id {sid!r}",
                                   "List ids of sections: " + ", ".join(sorted(known)) + ".")
        title = self.message(top, "title", "")
        summary = self.message(top, "summary", "", required=False)
        version = self.text(top, "version", "")
        if self.diagnostics or title is None or version is None or None in dates.values():
            return None
        return Brochure(self.brochure_id, self.path, version, dates["published"],
                        dates["review_by"], title, summary, tuple(sections),
                        trifold["flap"], trifold["inside"], top.lines.get("review_by"))

    def date(self, mapping: YMap, name: str) -> dt.date | None:
        value = mapping.get(name)
        if name in mapping and not isinstance(value, dt.date):
            self.error(mapping.lines[name], name, f"expected a date, got {value!r}",
                       "Write dates as YYYY-MM-DD, e.g. 2022-10-30.")
            return None
        return value

    def text_list(self, mapping: YMap, name: str, key: str) -> list[str]:
        result = []
        for value, line in self.items(mapping, name, key):
            if not isinstance(value, str):
                self.error(line, key, f"expected text, got {value!r}")
            else:
                result.append(value)
        return result

    def sections(self, parent: YMap, name: str, key: str) -> list[Section]:
        result, seen = [], set()
        for value, line in self.items(parent, name, key):
            section = self.mapping(value, f"{key}[{len(result)}]", line, SECTION_FIELDS)
            if section is None:
                continue
            sid = self.unique_id(section, f"{key}[{len(result)}]", seen)
            here = f"{key}.{sid}"
            heading = self.message(section, "heading", here, required=False)
            body = self.blocks(section, here)
            figure = self.figure(section, here)
            subsections = self.sections(section, "subsections", f"{here}.subsections")
            if not body and not subsections:
                self.error(section.line, here, "a section needs a body or subsections")
            result.append(Section(sid or "", heading, tuple(body), tuple(subsections), figure))
        return result

    def figure(self, section: YMap, key: str) -> str | None:
        name = self.text(section, "figure", key, required=True)
        if name is None or name in FIGURES:
            return name
        close = difflib.get_close_matches(name, list(FIGURES), n=1)
        self.error(section.lines["figure"], f"{key}.figure", f"unknown figure {name!r}",
                   f"Did you mean '{close[0]}'?" if close
                   else "Known figures: " + ", ".join(sorted(FIGURES)) + ".")
        return None

    def blocks(self, section: YMap, key: str) -> list[Block]:
        result, seen = [], set()
        for value, line in self.items(section, "body", f"{key}.body"):
            block = self.mapping(value, f"{key}.body[{len(result)}]", line, BLOCK_FIELDS)
            if block is None:
                continue
            bid = self.unique_id(block, f"{key}.body[{len(result)}]", seen)
            here = f"{key}.body.{bid}"
            if ("text" in block) == ("items" in block):
                self.error(block.line, here, "a block needs either 'text' or 'items', not both")
            note = self.text(block, "note", here, required=False)
            text = self.message(block, "text", here, note, required=False)
            items, item_ids = [], set()
            for item_value, item_line in self.items(block, "items", f"{here}.items"):
                item = self.mapping(item_value, f"{here}.items[{len(items)}]", item_line,
                                    ITEM_FIELDS)
                if item is None:
                    continue
                iid = self.unique_id(item, f"{here}.items[{len(items)}]", item_ids)
                item_note = self.text(item, "note", here, required=False) or note
                items.append(self.message(item, "text", f"{here}.items.{iid}", item_note))
            ordered = block.get("ordered", False)
            if not isinstance(ordered, bool):
                self.error(block.lines["ordered"], f"{here}.ordered", "expected true or false")
            result.append(Block(bid or "", text, tuple(i for i in items if i), bool(ordered)))
        return result


def load_brochure(path: Path, source: bytes | str | None = None
                  ) -> tuple[Brochure | None, list[Diagnostic]]:
    """Parse and validate one content file (or ``source``, its bytes or text already read);
    problems are returned."""
    reader = _BrochureReader(path)
    if not ID_RE.match(path.stem):
        reader.error(None, "", f"file name {path.name!r} is not a valid brochure id",
                     "Name content files with lower-case letters, digits and hyphens.")
    brochure = reader.brochure(load_yaml(path, source))
    return brochure, reader.diagnostics


def load_clinic(path: Path, source: bytes | str | None = None
                ) -> tuple[Clinic | None, list[Diagnostic]]:
    """Parse and validate clinic.yaml (or ``source``, its bytes or text already read)."""
    reader = Reader(path)
    data = reader.mapping(load_yaml(path, source), "", 1, CLINIC_FIELDS)
    if data is None:
        return None, reader.diagnostics
    values = {name: reader.text(data, name, "") for name in CLINIC_FIELDS if name != "address"}
    address = []
    for value, line in reader.items(data, "address", "address"):
        if isinstance(value, str) and value.strip():
            address.append(value.strip())
        else:
            reader.error(line, "address", f"expected a line of text, got {value!r}")
    if values["email"] and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["email"]):
        reader.error(data.lines["email"], "email", f"{values['email']!r} is not an email address")
    for name in ("website", "leaflet_url"):
        if values[name] and not values[name].startswith("https://"):
            reader.error(data.lines[name], name, "must be an https:// address")
    pattern = values["leaflet_url"]
    if pattern:
        try:
            pattern.format(brochure="b", locale="l")
        except (KeyError, IndexError, ValueError):
            reader.error(data.lines["leaflet_url"], "leaflet_url",
                         "only {brochure} and {locale} may be used in the pattern")
    logo = None
    if values["logo"]:
        logo = (path.parent / values["logo"]).resolve()
        if not logo.is_relative_to(path.parent.resolve()) or not logo.is_file():
            reader.error(data.lines["logo"], "logo", f"no image file {values['logo']!r} "
                         "inside the content folder", "Give a path relative to content/.")
        elif problem := image_problem(logo):
            reader.error(data.lines["logo"], "logo", f"{values['logo']}: {problem}",
                         "Use a PNG, JPEG or SVG image of reasonable size.")
    if reader.diagnostics:
        return None, reader.diagnostics
    return Clinic(path, values["name"], tuple(address), values["phone"], values["email"],
                  values["website"], logo, pattern), []
