"""The project in the working folder: where its content, catalogs, templates and output live."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from brochures.errors import BrochuresError, Location

if TYPE_CHECKING:
    from babel import Locale

SOURCE_LOCALE = "en"
DOMAIN = "messages"


@dataclass(frozen=True)
class Project:
    """Paths of one brochures project (the folder commands are run from)."""

    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The project in ``start`` (default: the working folder); it must have content/."""
        root = (start or Path.cwd()).resolve()
        if not (root / "content").is_dir():
            raise BrochuresError(
                "no content/ folder here", Location.of(root),
                "Run brochures from a project folder (one with content/, locales/, templates/).")
        return cls(root)

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def locales(self) -> Path:
        return self.root / "locales"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def pot(self) -> Path:
        return self.locales / f"{DOMAIN}.pot"

    @property
    def mapping_file(self) -> Path:
        return self.root / "babel.cfg"

    def po_path(self, locale: str) -> Path:
        return self.locales / locale / "LC_MESSAGES" / f"{DOMAIN}.po"

    def brochure_paths(self) -> dict[str, Path]:
        """Brochure id -> content file, for every content/ID.yaml but clinic.yaml."""
        return {p.stem: p for p in sorted(self.content.glob("*.yaml")) if p.name != "clinic.yaml"}

    def catalog_locales(self) -> list[str]:
        """Every locale that has a catalog, plus the source locale, source first."""
        catalogs = self.locales.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
        found = sorted(path.parent.parent.name for path in catalogs)
        return [SOURCE_LOCALE] + [code for code in found if code != SOURCE_LOCALE]


def parse_locale(code: str) -> Locale:
    """A Babel locale for a catalog code such as ``pt``, ``zh_Hans`` or ``pa``."""
    from babel import Locale, UnknownLocaleError  # Babel's data loads slowly: only when needed

    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise BrochuresError(f"unknown locale {code!r}",
                             hint="Use a CLDR locale code such as de, pt_BR or zh_Hans.") from None
