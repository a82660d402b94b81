"""Print production: every variant's geometry, order and accessibility, read from the PDFs."""

from __future__ import annotations

import re

import pdfplumber
import pypdfium2 as pdfium
import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader

from brochures.impose import saddle_stitch_order
from brochures.variants import VARIANTS

from pdfread import contains, pdf_text

A4 = (595.28, 841.89)
BLEED = 3 * 72 / 25.4
LOCALES = ["en", "de", "ar", "zh_Hans"]


def size(box) -> tuple[float, float]:
    return round(float(box.width), 2), round(float(box.height), 2)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("variant", ["screen", "large-print"])
def test_a4_portrait_variants(built, variant, locale):
    for page in PdfReader(built.pdf(locale, variant)).pages:
        assert size(page.mediabox) == A4


@pytest.mark.parametrize("locale", LOCALES)
def test_print_has_trim_bleed_and_slug(built, locale):
    for page in PdfReader(built.pdf(locale, "print")).pages:
        trim = [float(v) for v in page.trimbox]
        bleed = [float(v) for v in page.bleedbox]
        media = [float(v) for v in page.mediabox]
        assert size(page.trimbox) == A4
        assert bleed == pytest.approx([trim[0] - BLEED, trim[1] - BLEED,
                                       trim[2] + BLEED, trim[3] + BLEED], abs=0.01)
        # room outside the bleed for the crop marks
        assert media[0] < bleed[0] - 20 and media[2] > bleed[2] + 20


def test_print_crop_marks_are_drawn_outside_the_trim(built):
    path = built.pdf("en", "print")
    reader = PdfReader(path)
    trim = [float(v) for v in reader.pages[0].trimbox]
    media = [float(v) for v in reader.pages[0].mediabox]
    page = pdfium.PdfDocument(path)[0]
    scale = 4
    image = page.render(scale=scale).to_pil().convert("L")  # the whole media box
    height = image.size[1]

    def dark(x0, y0, x1, y1) -> int:  # PDF coordinates, origin bottom-left of the media box
        box = (int((x0 - media[0]) * scale), int(height - (y1 - media[1]) * scale),
               int((x1 - media[0]) * scale), int(height - (y0 - media[1]) * scale))
        return sum(image.crop(box).histogram()[:128])

    slug = BLEED + 2  # beyond the bleed, where only marks may be
    corners = [(media[0], media[1], trim[0] - slug, trim[1] - slug),
               (trim[2] + slug, media[1], media[2], trim[1] - slug),
               (media[0], trim[3] + slug, trim[0] - slug, media[3]),
               (trim[2] + slug, trim[3] + slug, media[2], media[3])]
    assert all(dark(*corner) == 0 for corner in corners), "corners themselves stay clear"
    # marks are lines in line with the trim edges, in the slug
    left_of_trim = dark(media[0], trim[1] - 1, trim[0] - slug, trim[1] + 1)
    below_trim = dark(trim[0] - 1, media[1], trim[0] + 1, trim[1] - slug)
    assert left_of_trim > 5 and below_trim > 5


@pytest.mark.parametrize("locale", LOCALES)
def test_booklet_is_a4_landscape_in_saddle_stitch_order(built, locale):
    notes_text = _translated(built.root, locale, NOTES)
    back_text = _translated(built.root, locale, CONTACT)
    document = pdfium.PdfDocument(built.pdf(locale, "booklet"))
    halves = []
    for page in document:
        width, height = page.get_size()
        assert (round(width), round(height)) == (842, 595)
        text = page.get_textpage()
        for x0, x1 in ((0, width / 2), (width / 2, width)):
            body = text.get_text_bounded(left=x0, bottom=0, right=x1, top=height)
            footer = text.get_text_bounded(left=x0, bottom=0, right=x1, top=45)
            if contains(body, notes_text):
                halves.append("notes")
            elif contains(body, back_text):
                halves.append("back")
            else:  # content pages carry their bare number at the foot
                halves.append(int(re.findall(r"\d+", footer)[-1]))
    total = len(halves)
    numbered = total - 1 - halves.count("notes")
    expected = [page if page <= numbered else "back" if page == total else "notes"
                for side in saddle_stitch_order(total, rtl=locale == "ar") for page in side]
    assert halves == expected


NOTES = "Use this page to write down questions for your next appointment."
CONTACT = "Questions? Contact us"


def _translated(root, locale: str, msgid: str) -> str:
    if locale == "en":
        return msgid
    with (root / f"locales/{locale}/LC_MESSAGES/messages.po").open("rb") as handle:
        return read_po(handle).get(msgid).string


@pytest.mark.parametrize("locale", LOCALES)
def test_trifold_is_two_a4_landscape_pages_with_cover_on_the_correct_side(built, locale):
    path = built.pdf(locale, "trifold")
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 2
        for page in pdf.pages:
            assert (round(page.width), round(page.height)) == (842, 595)
        outside = pdf.pages[0]
        third = outside.width / 3
        largest = max(char["size"] for char in outside.chars)  # the title, on the cover
        title = [char for char in outside.chars if char["size"] > largest - 0.5]
        cover_x = sum(char["x0"] for char in title) / len(title)
        if locale == "ar":
            assert cover_x < third, "right-to-left cover is the left panel"
        else:
            assert cover_x > 2 * third, "left-to-right cover is the right panel"


@pytest.mark.parametrize("locale", LOCALES)
def test_large_print_text_is_16pt_or_more(built, locale):
    with pdfplumber.open(built.pdf(locale, "large-print")) as pdf:
        sizes = [char["size"] for page in pdf.pages for char in page.chars
                 if char["text"].strip()]
    assert sizes and min(sizes) >= 15.99


@pytest.mark.parametrize("locale", LOCALES)
def test_screen_pdf_is_tagged_and_accessible(built, locale):
    reader = PdfReader(built.pdf(locale, "screen"))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a PDF boolean object
    assert root["/Lang"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    figures = [element for element in _struct_elements(root["/StructTreeRoot"])
               if element.get("/S") == "/Figure"]
    assert figures, "the logo at least is a figure"
    assert all(str(f.get("/Alt", "")).strip() for f in figures)
    links = [annot.get_object()["/A"]["/URI"] for page in reader.pages
             for annot in page.get("/Annots", []) if "/A" in annot.get_object()]
    assert any(uri.startswith("tel:") for uri in links)
    assert any(uri.startswith("mailto:") for uri in links)
    assert any(uri.startswith("https:") for uri in links)


@pytest.mark.parametrize("locale", LOCALES)
def test_screen_running_footer_is_an_artifact_and_the_body_is_tagged(built, locale):
    with pdfplumber.open(built.pdf(locale, "screen")) as pdf:
        for page in pdf.pages:
            footer = {c.get("tag") for c in page.chars if c["top"] > page.height - 45}
            body = {c.get("tag") for c in page.chars if c["top"] < page.height - 70}
            assert footer == {"Artifact"}, footer
            assert body and "Artifact" not in body and None not in body


def _struct_elements(node):
    node = node.get_object()
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict):
            yield kid
            yield from _struct_elements(kid)


def test_every_variant_of_every_language_is_in_the_manifest(built):
    found = {(d["locale"], d["variant"]) for d in built.documents}
    locales = {d["locale"] for d in built.documents}
    assert found == {(code, name) for code in locales for name in VARIANTS}


def test_trifold_records_its_type_size(built):
    record = next(d for d in built.documents
                  if (d["locale"], d["variant"]) == ("en", "trifold"))
    assert re.fullmatch(r"type size \d+(\.\d+)? pt", record["layout"])


def test_booklet_pads_with_intentional_notes_pages(built):
    text = pdf_text(built.pdf("en", "booklet"))
    assert contains(text, "Use this page to write down questions for your next appointment.")
