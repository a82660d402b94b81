"""PDF post-processing with pikepdf: booklet imposition, print boxes, artifact marking."""

from __future__ import annotations

import io
import re

import pikepdf

MM = 72 / 25.4
A4_LANDSCAPE = (297 * MM, 210 * MM)


def saddle_stitch_order(pages: int, rtl: bool = False) -> list[tuple[int, int]]:
    """(left, right) page numbers, 1-based, for each side of each folded sheet, in print order.

    ``pages`` must be a multiple of four. Right-to-left booklets bind on the right, so each
    pair is mirrored.
    """
    if pages % 4:
        raise ValueError(f"a saddle-stitched booklet needs a multiple of 4 pages, not {pages}")
    sides = []
    for sheet in range(pages // 4):
        sides += [(pages - 2 * sheet, 2 * sheet + 1), (2 * sheet + 2, pages - 2 * sheet - 1)]
    return [(right, left) for left, right in sides] if rtl else sides


def _save(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, compress_streams=True, deterministic_id=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def impose_booklet(pdf: bytes, rtl: bool = False) -> tuple[bytes, int]:
    """Place A5 pages two-up on A4 landscape sheets in saddle-stitch order; (pdf, sides).

    A5 is 148 mm wide, so two of them leave 1 mm: the pages meet at the fold, centred.
    """
    with pikepdf.open(io.BytesIO(pdf)) as source, pikepdf.new() as target:
        pages = source.pages
        width = float(pages[0].mediabox[2] - pages[0].mediabox[0])
        height = float(pages[0].mediabox[3] - pages[0].mediabox[1])
        sheet_width, sheet_height = A4_LANDSCAPE
        fold, bottom = sheet_width / 2, (sheet_height - height) / 2
        forms = [target.copy_foreign(page.as_form_xobject()) for page in pages]
        for left, right in saddle_stitch_order(len(pages), rtl):
            side = target.add_blank_page(page_size=(sheet_width, sheet_height))
            # Each half shows one page as a form XObject; names are fixed so that the same
            # input always gives the same bytes.
            side.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary({
                "/L": forms[left - 1], "/R": forms[right - 1]}))
            side.obj.Contents = target.make_stream(
                f"q 1 0 0 1 {fold - width:.4f} {bottom:.4f} cm /L Do Q\n"
                f"q 1 0 0 1 {fold:.4f} {bottom:.4f} cm /R Do Q\n".encode())
        target.docinfo = target.copy_foreign(source.docinfo)
        if "/Lang" in source.Root:
            target.Root.Lang = source.Root.Lang
        return _save(target), len(target.pages)


def set_bleed_box(pdf: bytes, bleed_mm: float) -> bytes:
    """Set every page's BleedBox exactly ``bleed_mm`` outside its TrimBox."""
    bleed = bleed_mm * MM
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            left, bottom, right, top = (float(v) for v in page.trimbox)
            page.obj.BleedBox = pikepdf.Array([round(left - bleed, 4), round(bottom - bleed, 4),
                                               round(right + bleed, 4), round(top + bleed, 4)])
        return _save(document)


def _linked(tree: pikepdf.Object) -> set[tuple[int, int]]:
    """(page object number, MCID) of all marked content the structure tree reaches."""
    found: set[tuple[int, int]] = set()
    stack: list[tuple[pikepdf.Object, int | None]] = [(tree, None)]
    while stack:
        node, page = stack.pop()
        if isinstance(node, int):
            if page is not None:
                found.add((page, int(node)))
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if "/Pg" in node:
            page = node.Pg.objgen[0]
        if "/MCID" in node and page is not None:
            found.add((page, int(node.MCID)))
        kids = node.get("/K")
        if kids is not None:
            stack.extend((kid, page) for kid in (kids if isinstance(kids, pikepdf.Array)
                                                 else [kids]))
    return found


_MARKED = re.compile(rb"/[A-Za-z0-9]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def mark_artifacts(pdf: bytes) -> bytes:
    """Mark running headers and footers as artifacts in a tagged PDF.

    WeasyPrint 70 gives page-margin text marked-content ids that no structure element
    reaches (PDF 1.7 has no artifact element). PDF/UA wants such content marked as an
    artifact, so that screen readers skip it: each unreached ``/Tag <</MCID n>> BDC``
    becomes ``/Artifact BMC``. Content streams hold glyphs as hex strings, so the marker
    syntax cannot occur inside text and a byte-level rewrite is safe (and fast).
    """
    with pikepdf.open(io.BytesIO(pdf)) as document:
        if "/StructTreeRoot" not in document.Root:
            return pdf
        linked = _linked(document.Root.StructTreeRoot)
        for page in document.pages:
            number = page.obj.objgen[0]
            streams = page.obj.Contents
            for stream in streams if isinstance(streams, pikepdf.Array) else [streams]:
                data = stream.read_bytes()
                marked = _MARKED.sub(
                    lambda match, page=number: match[0] if (page, int(match[1])) in linked
                    else b"/Artifact BMC", data)
                if marked != data:
                    stream.write(marked)
        return _save(document)
