"""PDF post-processing with pypdf: booklet imposition and print-shop page boxes."""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import ArrayObject, FloatObject, NameObject

MM = 72 / 25.4


def saddle_stitch_order(pages: int, rtl: bool = False) -> list[tuple[int, int]]:
    """(left, right) page numbers, 1-based, for each side of each folded sheet, in print order.

    ``pages`` must be a multiple of four. Right-to-left booklets bind on the right, so each
    pair is mirrored.
    """
    if pages % 4:
        raise ValueError(f"a saddle-stitched booklet needs a multiple of 4 pages, not {pages}")
    sides = []
    for sheet in range(pages // 4):
        outer = (pages - 2 * sheet, 2 * sheet + 1)
        inner = (2 * sheet + 2, pages - 2 * sheet - 1)
        sides += [outer, inner]
    return [(right, left) for left, right in sides] if rtl else sides


def _copy_document_info(reader: PdfReader, writer: PdfWriter) -> None:
    if reader.metadata:
        writer.add_metadata({key: str(value) for key, value in reader.metadata.items()})
    lang = reader.trailer["/Root"].get("/Lang")
    if lang is not None:
        writer._root_object[NameObject("/Lang")] = lang


A4_LANDSCAPE = (297 * MM, 210 * MM)


def impose_booklet(pdf: bytes, rtl: bool = False) -> tuple[bytes, int]:
    """Place A5 pages two-up on A4 landscape sheets in saddle-stitch order; (pdf, sides).

    A5 is 148 mm wide, so two of them leave 1 mm: the pages meet at the fold, centred.
    """
    reader = PdfReader(io.BytesIO(pdf))
    pages = reader.pages
    width = float(pages[0].mediabox.width)
    sheet_width, sheet_height = A4_LANDSCAPE
    fold = sheet_width / 2
    writer = PdfWriter()
    for left, right in saddle_stitch_order(len(pages), rtl):
        side = PageObject.create_blank_page(width=sheet_width, height=sheet_height)
        side.merge_transformed_page(pages[left - 1], Transformation().translate(fold - width, 0))
        side.merge_transformed_page(pages[right - 1], Transformation().translate(fold, 0))
        writer.add_page(side)
    _copy_document_info(reader, writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def set_bleed_box(pdf: bytes, bleed_mm: float) -> bytes:
    """Set every page's BleedBox exactly ``bleed_mm`` outside its TrimBox."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    bleed = bleed_mm * MM
    for page in writer.pages:
        left, bottom, right, top = (float(v) for v in page.trimbox)
        page[NameObject("/BleedBox")] = ArrayObject(
            FloatObject(round(v, 4)) for v in (left - bleed, bottom - bleed,
                                               right + bleed, top + bleed))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
