"""WeasyPrint, the only module that imports it: HTML in, PDF bytes and facts out."""

from __future__ import annotations

import gc
import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from brochures.errors import BrochuresError, display_path

ENGINE_MARK = "/*brochures:engine*/"  # where the engine adds CSS of its own (copyfit, padding)
BLEED_MM = 3.0
MM_PER_PX = 25.4 / 96  # WeasyPrint lays out in CSS pixels
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
    layout: str = "flow"         # "flow", "booklet" or "trifold"
    copyfit: tuple[float, ...] = ()  # type sizes to try, largest first
    print_boxes: bool = False
    rtl: bool = False
    time_limit: float = TIME_LIMIT     # seconds; the render is stopped after it
    memory_limit: int = MEMORY_LIMIT   # MB of address space for the process rendering it
    page_size: tuple[float, float] | None = None  # mm; every page must be this size


@dataclass(frozen=True)
class RenderResult:
    """A rendered document (``pdf``) or why it failed (``error``)."""

    key: str
    pdf: bytes = b""
    pages: int = 0
    error: str | None = None
    note: str | None = None      # e.g. the type size copyfit chose
    peak_rss_mb: float = 0.0     # the rendering process's largest resident size so far

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


REFUSED_HINT = ("A leaflet may only use data: URLs and files inside templates/ and content/: "
                "fix the template, stylesheet or image that names it.")


class _Collect(logging.Handler):
    """Keeps WeasyPrint's warnings about glyphs no font has, and images it could not draw."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.missing: list[str] = []
        self.images: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message, args = str(record.msg), record.args or ()
        if message.startswith(".notdef glyph") and len(args) == 2:
            self.missing.append(f"U+{args[1]:04X}")  # type: ignore[index]
        elif message.startswith(("Failed to load image", "Failed to render SVG")) and args:
            verb = "loaded" if message.startswith("Failed to load") else "drawn"
            self.images.append(f"{_shown_url(str(args[0]))} could not be {verb}")


def _shown_url(url: str) -> str:
    """A file URL as the path the user knows (relative to the working folder)."""
    if url.startswith("file:"):
        return display_path(unquote(urlsplit(url).path))
    return url if len(url) < 80 else url[:77] + "..."


def render_pdf(job: RenderJob) -> RenderResult:
    """Render one job; a user-facing problem comes back as ``RenderResult.error``."""
    from brochures.jail import JailedFetcher, RefusedFetch

    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    logger.addHandler(collect)
    fetcher = JailedFetcher(job.roots)  # one for every render of this job: its refusals count
    try:
        if job.layout == "booklet":
            pdf, pages, note = _booklet(job, fetcher)
        elif job.layout == "trifold":
            pdf, pages, note = _trifold(job, fetcher)
        else:
            document = _document(job, job.html, fetcher)
            pdf, pages, note = _write(job, document), len(document.pages), None
    except RefusedFetch:
        pdf, pages, note = b"", 0, None  # reported below, with any other refusal
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
    if collect.images:  # WeasyPrint would leave a blank where each one goes
        failures = "\n".join(f"{job.key}: the image {failure}"
                             for failure in dict.fromkeys(collect.images))
        return RenderResult(job.key, error=failures + "\n    Replace it with a valid PNG, JPEG "
                            "or SVG file (open it in an image editor and save it again).")
    if job.print_boxes:
        from brochures.impose import set_bleed_box

        pdf = set_bleed_box(pdf, BLEED_MM)
    if dict(job.pdf_options).get("pdf_tags"):
        from brochures.impose import mark_artifacts

        pdf = mark_artifacts(pdf)
    return RenderResult(job.key, pdf, pages, note=note, peak_rss_mb=_peak_rss_mb())


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _document(job: RenderJob, html: str, fetcher: Any) -> Any:
    from weasyprint import HTML

    # Presentational hints (HTML attributes as CSS) stay off: they are a way to inject CSS.
    document = HTML(string=html, base_url=job.base_url, url_fetcher=fetcher).render(
        presentational_hints=False)
    _check_page_size(job, document)
    return document


def _check_page_size(job: RenderJob, document: Any) -> None:
    """Fail the document unless every page has the variant's size: only the variant sets
    it, so a page of any other size means CSS came from somewhere it must not."""
    if job.page_size is None:
        return
    want_w, want_h = job.page_size
    for number, page in enumerate(document.pages, 1):
        width, height = page.width * MM_PER_PX, page.height * MM_PER_PX
        if abs(width - want_w) > 0.5 or abs(height - want_h) > 0.5:
            raise BrochuresError(
                f"{job.key}: page {number} is {width:.0f} x {height:.0f} mm, not the "
                f"{want_w:.0f} x {want_h:.0f} mm of its variant\n    Only the variant's "
                "stylesheet may set the page size (@page { size }): look for CSS added to "
                "the templates or stylesheets.")


def _write(job: RenderJob, document: Any) -> bytes:
    target = io.BytesIO()
    document.write_pdf(target, **dict(job.pdf_options))
    return target.getvalue()


def _with_css(html: str, css: str) -> str:
    return html.replace(ENGINE_MARK, css + "\n" + ENGINE_MARK, 1)


def _booklet(job: RenderJob, fetcher: Any) -> tuple[bytes, int, str | None]:
    """Lay out A5 pages once with every notes page, keep as many as make a multiple of
    four, impose them. Notes pages and the back cover carry no page number, so leaving
    some notes pages out renumbers nothing."""
    from brochures.impose import impose_booklet

    document = _document(job, job.html, fetcher)
    notes = [page for page in document.pages if page._page_box.page_type.name == "notes"]
    content = len(document.pages) - len(notes)
    keep = -content % 4
    if keep > len(notes):
        raise BrochuresError(f"{job.key}: the booklet needs {keep} notes pages to reach a "
                             f"multiple of 4 pages, but the template has {len(notes)}")
    dropped = {id(page) for page in notes[keep:]}
    pages = [page for page in document.pages if id(page) not in dropped]
    pdf, sides = impose_booklet(_write(job, document.copy(pages)), job.rtl)
    return pdf, sides, f"{len(pages)} A5 pages, {keep} notes page(s)"


def _trifold(job: RenderJob, fetcher: Any) -> tuple[bytes, int, str | None]:
    """Fit the text into the six panels, stepping the type size down to the floor."""
    overflow = ""
    for size in job.copyfit:
        document = _document(job, _with_css(job.html, f"html {{ font-size: {size}pt; }}"),
                             fetcher)
        overflow = _trifold_overflow(document)
        if not overflow:
            return _write(job, document), len(document.pages), f"type size {size} pt"
    raise BrochuresError(
        f"{job.key}: the text does not fit the trifold even at {job.copyfit[-1]} pt: {overflow}"
        "\n    Shorten the translation, or list fewer sections under 'trifold:' in the "
        "content file.")


def _trifold_overflow(document: Any) -> str:
    """Where the trifold overflows and by how much; empty when everything fits."""
    from weasyprint.formatting_structure.boxes import LineBox

    problems = []
    outside = document.pages[0]._page_box
    for box in outside.descendants():
        classes = (box.element.get("class") or "").split() if box.element is not None else []
        if "panel" in classes and box.element_tag == "div":
            bottom = box.content_box_y() + box.height
            deepest = max((b.position_y + b.margin_height() for b in box.descendants()
                           if isinstance(b, LineBox)), default=bottom)
            if deepest > bottom + 0.5:
                name = next(c for c in classes if c.startswith("panel-"))[6:]
                problems.append(f"the {name} panel by {(deepest - bottom) * 25.4 / 96:.0f} mm")
    if len(document.pages) > 2:
        lines = [b for page in document.pages[2:] for b in page._page_box.descendants()
                 if isinstance(b, LineBox)]
        height = sum(line.height for line in lines) * 25.4 / 96
        problems.append(f"the inside panels by {len(lines)} lines (about {height:.0f} mm)")
    return "; ".join(problems)
