"""Read gettext catalogs (.po) and translate through them, noting every missing string."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po

from brochures.errors import BrochuresError, Location
from brochures.project import SOURCE_LOCALE, Project


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    """Parse a .po or .pot file; a syntax error names the file and line."""
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=locale, abort_invalid=True)
    except FileNotFoundError:
        raise BrochuresError("catalog not found", Location.of(path),
                             "Create it with `brochures i18n init CODE`.") from None
    except PoFileError as exc:
        raise BrochuresError(f"invalid .po file: {exc}", Location.of(path, exc.lineno),
                             "Open it in a .po editor (Poedit) or fix the quoted line.") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise BrochuresError(f"cannot read catalog: {exc}", Location.of(path),
                             "Save the catalog as UTF-8 .po file.") from None


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
