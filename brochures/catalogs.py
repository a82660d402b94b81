"""Read gettext catalogs (.po) and translate through them, noting every missing string."""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, PoFileParser

from brochures.errors import BrochuresError, Location
from brochures.project import SOURCE_LOCALE, Project


class _Parser(PoFileParser):
    """Babel's strict parser, except that surplus plural forms are left to the checks.

    Babel drops a ``msgstr[n]`` beyond the header's ``nplurals``; the plural-count check
    reports it for this catalog alone instead of failing the whole build.
    """

    def _invalid_pofile(self, line: str, lineno: int, msg: str) -> None:
        if not msg.startswith("msg has more translations than num_plurals"):
            super()._invalid_pofile(line, lineno, msg)


def read_catalog(path: Path, locale: str | None = None, data: bytes | None = None) -> Catalog:
    """Parse a .po or .pot file (or ``data`` read from it); a syntax error names the file
    and line."""
    try:
        data = (path.read_bytes() if data is None else data).removeprefix(
            codecs.BOM_UTF8)  # as some editors save it
        catalog = Catalog(locale=locale, domain=None, charset=None)
        _Parser(catalog, ignore_obsolete=False, abort_invalid=True).parse(io.BytesIO(data))
        return catalog
    except FileNotFoundError:
        raise BrochuresError("catalog not found", Location.of(path),
                             "Create it with `brochures i18n init CODE`.") from None
    except PoFileError as exc:  # Babel counts lines from 0 and appends " on N" to the text
        problem = str(exc).removesuffix(f" on {exc.lineno}")
        problem += f": {exc.line.strip()!r}" if exc.line.strip() else ""
        raise BrochuresError(f"invalid .po file: {problem}", Location.of(path, exc.lineno + 1),
                             "Open it in a .po editor (Poedit) or fix the quoted line.") from None
    except UnicodeDecodeError as exc:
        raise BrochuresError(f"cannot read catalog: {exc}", Location.of(path),
                             "Save the catalog as UTF-8 .po file.") from None
    except ValueError as exc:
        raise BrochuresError(f"cannot read the catalog header: {exc}", Location.of(path, 1),
                             "Check the header lines (Plural-Forms: nplurals=2; plural=(n != 1);"
                             ") or let a .po editor set them.") from None


# A keyword line or a continuation line, its text in double quotes with \" and \\ escaped.
_PO_LINE_RE = re.compile(r'\s*(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+)?'
                         r'"[^"\\]*(?:\\.[^"\\]*)*"\s*$')


@dataclass(frozen=True)
class Written:
    """What a catalog file says literally, where Babel fills in defaults."""

    header_line: int                  # the line of the header's msgid ""
    plural_forms: str | None          # the Plural-Forms header, None when it is missing
    plural_forms_line: int
    forms: dict[int, int]             # line of each plural msgid -> msgstr[n] lines written
    malformed: tuple[int, ...] = ()   # lines Babel reads without complaint, but wrongly


def written(path: Path) -> Written:
    """The Plural-Forms header and the plural forms of each message, as written in the file."""
    lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("msgid ")), 0)
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    plural, plural_line = None, start + 1
    for number in range(start, end):
        found = re.match(r'\s*"Plural-Forms:(.*)"\s*$', lines[number], re.I)
        if found:  # the value may go on over the next quoted lines
            rest = [re.sub(r'^\s*"|"\s*$', "", line) for line in lines[number + 1:end]
                    if line.lstrip().startswith('"')]
            plural = "".join([found[1], *rest]).split("\\n")[0].strip()
            plural_line = number + 1
            break
    forms: dict[int, int] = {}
    malformed, current = [], 0
    for number, line in enumerate(lines, 1):
        if line.startswith("msgid "):
            current = number
        elif line.startswith("msgstr["):
            forms[current] = forms.get(current, 0) + 1
        if line.strip() and not line.startswith("#") and not _PO_LINE_RE.match(line):
            malformed.append(number)
    return Written(start + 1, plural, plural_line, forms, tuple(malformed))


@dataclass
class Translator:
    """gettext functions over one catalog; source text where a translation is missing."""

    locale: str
    catalog: Catalog | None = None
    missing: set[tuple[str | None, str]] = field(default_factory=set)

    def _lookup(self, msgid: str, context: str | None, plural: int | None = None) -> str | None:
        if self.catalog is None:
            return None
        message = self.catalog.get(msgid, context=context)
        if message is None or message.fuzzy:
            return None
        if isinstance(message.string, (tuple, list)):
            if plural is None or not all(message.string):
                return None
            index = self.catalog.plural_func(plural)
            return message.string[index] if index < len(message.string) else None
        return message.string or None

    def pgettext(self, context: str | None, message: str) -> str:
        found = self._lookup(message, context)
        if found is None:
            if self.catalog is not None:
                self.missing.add((context, message))
            return message
        return found

    def gettext(self, message: str) -> str:
        return self.pgettext(None, message)

    def npgettext(self, context: str | None, singular: str, plural: str, n: int) -> str:
        found = self._lookup(singular, context, n)
        if found is None:
            if self.catalog is not None:
                self.missing.add((context, singular))
            return singular if n == 1 else plural
        return found

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.npgettext(None, singular, plural, n)


def translator_for(project: Project, locale: str) -> Translator:
    """A translator for ``locale`` (the source locale needs no catalog)."""
    if locale == SOURCE_LOCALE and not project.po_path(locale).is_file():
        return Translator(locale)
    return Translator(locale, read_catalog(project.po_path(locale), locale))
