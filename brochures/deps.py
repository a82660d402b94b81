"""What each document is built from, digested without rendering: decides what to rebuild."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from brochures import __version__
from brochures.project import SOURCE_LOCALE, Project
from brochures.review import ReviewBook
from brochures.variants import Variant

FONTS_FILE = "fonts.yaml"


class Digests:
    """sha256 of files, each read once per build; review states, each verified once.

    A file the build parses (content, clinic, catalog, fonts.yaml) is digested from the very
    bytes that were parsed (:meth:`add`): a file saved again while the build runs then
    differs from its recorded digest, and the next build rebuilds instead of calling a PDF
    made from the old text up to date.
    """

    def __init__(self) -> None:
        self._seen: dict[Path, str] = {}
        self._books: dict[Path, ReviewBook] = {}
        self._reviews: dict[tuple[Path, str], tuple[str, str] | None] = {}

    def add(self, path: Path, data: bytes) -> bytes:
        """Record ``data``, just read from ``path`` to be parsed, as that file's content."""
        self._seen[path] = hashlib.sha256(data).hexdigest()
        return data

    def file(self, path: Path) -> str:
        """The digest of ``path``: of the bytes parsed, else read now."""
        if path not in self._seen:
            try:
                self._seen[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                self._seen[path] = "missing"
        return self._seen[path]

    def review(self, project: Project, locale: str) -> tuple[str, str] | None:
        """(date, reviewer) of the locale's verified, current sign-off, else None.

        This is what a leaflet prints of its review, so a new or withdrawn sign-off (or a
        review key that no longer verifies it) rebuilds exactly that locale's documents.
        """
        if locale == SOURCE_LOCALE:
            return None
        if (project.root, locale) not in self._reviews:
            book = self._books.setdefault(project.root, ReviewBook(project))
            catalog = project.po_path(locale)
            review = book.review(catalog, self.file(catalog))
            self._reviews[project.root, locale] = (
                (review.date.isoformat(), review.by or "")
                if review.state == "reviewed" and review.date else None)
        return self._reviews[project.root, locale]


def _tree(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def dependencies(project: Project, brochure: Path, locale: str, variant: Variant,
                 icc: Path | None = None) -> list[Path]:
    """Every file one document is made from: content, catalog, templates, styles, images."""
    templates = project.templates
    files = [brochure, project.content / "clinic.yaml", *_tree(project.content / "assets"),
             project.po_path(locale), templates / variant.template,
             *_tree(templates / "partials"), *_tree(templates / "images"),
             *(templates / sheet for sheet in variant.stylesheets), templates / FONTS_FILE]
    if icc is not None and variant.print_boxes:
        files.append(icc)
    return files


def font_identity(face: str) -> str:
    """``path#index`` of a font face, with its size and time: changes when the font does."""
    path = Path(face.rsplit("#", 1)[0])
    try:
        stat = path.stat()
    except OSError:
        return f"{face}:missing"
    return f"{face}:{stat.st_size}:{stat.st_mtime_ns}"


def document_inputs(project: Project, digests: Digests, brochure: Path, locale: str,
                    variant: Variant, fonts: list[str], icc: Path | None = None) -> str:
    """One digest of everything a document depends on, the tool's version included."""
    parts = {
        "tool": __version__,
        "variant": variant.settings(),
        "files": [(str(p.relative_to(project.root)) if p.is_relative_to(project.root)
                   else str(p), digests.file(p))
                  for p in dependencies(project, brochure, locale, variant, icc)],
        "fonts": [font_identity(face) for face in fonts],
        "review": digests.review(project, locale),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
