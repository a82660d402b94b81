"""WeasyPrint, the only module that imports it: HTML in, PDF bytes and facts out."""

from __future__ import annotations

import gc
import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brochures.errors import BrochuresError

# Limits of one render (see README.md); a leaflet takes about 1 s and under 500 MB.
TIME_LIMIT = 120.0
MEMORY_LIMIT = 2048


@dataclass(frozen=True)
class RenderJob:
    """One document to render: its HTML and everything WeasyPrint needs besides."""

    key: str                     # "brochure/locale/variant", for messages
    html: str
    base_url: str                # the templates folder, as a file:// URL
    roots: tuple[Path, ...]      # folders the document may read from
    pdf_options: tuple[tuple[str, Any], ...] = ()
    cost: float = 1.0
    time_limit: float = TIME_LIMIT     # seconds; the render is stopped after it
    memory_limit: int = MEMORY_LIMIT   # MB of address space for the process rendering it


@dataclass(frozen=True)
class RenderResult:
    """A rendered document (``pdf``) or why it failed (``error``)."""

    key: str
    pdf: bytes = b""
    pages: int = 0
    error: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


REFUSED_HINT = ("A leaflet may only use data: URLs and files inside templates/ and content/: "
                "fix the template, stylesheet or image that names it.")


class _Collect(logging.Handler):
    """Keeps WeasyPrint's warnings about glyphs no font has."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.missing: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith(".notdef glyph") and len(record.args or ()) == 2:
            self.missing.append(f"U+{record.args[1]:04X}")  # type: ignore[index]


def render_pdf(job: RenderJob) -> RenderResult:
    """Render one job; a user-facing problem comes back as ``RenderResult.error``."""
    from weasyprint import HTML

    from brochures.jail import JailedFetcher, RefusedFetch

    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    logger.addHandler(collect)
    fetcher = JailedFetcher(job.roots)
    try:
        # Presentational hints (HTML attributes as CSS) stay off: they are a way to inject CSS.
        document = HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher).render(
            presentational_hints=False)
        target = io.BytesIO()
        document.write_pdf(target, **dict(job.pdf_options))
        pages = len(document.pages)
    except RefusedFetch:
        pass  # reported below, with any other refusal
    except BrochuresError as exc:
        return RenderResult(job.key, error=exc.format_message())
    finally:
        logger.removeHandler(collect)
        gc.collect()  # CJK layouts otherwise keep hundreds of MB alive between documents
    # WeasyPrint swallows errors raised while it draws an SVG, a refused fetch among them:
    # the fetcher's own list is what decides.
    if fetcher.refused:
        return RenderResult(job.key, error=f"{job.key}: " + "\n    ".join(
            dict.fromkeys(fetcher.refused)) + "\n    " + REFUSED_HINT)
    if collect.missing:
        return RenderResult(job.key, error=f"{job.key}: no font has a glyph for "
                            + ", ".join(dict.fromkeys(collect.missing)))
    return RenderResult(job.key, target.getvalue(), pages)
