"""The skin diagram and the QR code, read back from every built PDF."""

from __future__ import annotations

from dataclasses import replace

import pypdfium2 as pdfium
import pytest
import zxingcpp
from babel.messages.pofile import read_po
from pypdf import PdfReader

from brochures.catalogs import Translator
from brochures.content import load_brochure, load_clinic
from brochures.fonts import load_font_config
from brochures.locales import locale_info
from brochures.project import Project
from brochures.render import Renderer
from brochures.variants import VARIANTS

from conftest import REPO
from pdfread import contains, pdf_text

PROJECT = Project(REPO)
LOCALES = PROJECT.catalog_locales()
CLINIC, _ = load_clinic(PROJECT.content / "clinic.yaml")
LABELS = ("Ablative laser", "removes the outer layer and heats the dermis",
          "Non-ablative laser", "heats the dermis and leaves the surface intact",
          "Epidermis (outer layer)", "Dermis", "Collagen fibres", "Fat layer",
          "How deep each kind of laser acts in the skin")
ALT = ("Diagram of a cross-section of the skin: the epidermis on top, the dermis with its "
       "collagen fibres below it, then a layer of fat. The ablative laser removes the outer "
       "layer and reaches into the dermis; the non-ablative laser passes through the surface "
       "and heats the dermis without removing skin.")
# WeasyPrint 70 maps Gurmukhi's vowel sign i (drawn before its consonant) back to the
# wrong place in the text layer (see test_leaflet_pdf.py): such labels cannot be found.
GURMUKHI_I = "\u0a3f"


def template_string(locale: str, msgid: str) -> str:
    """The translation of a template message (no msgctxt) in ``locale``'s catalog."""
    if locale == "en":
        return msgid
    with PROJECT.po_path(locale).open("rb") as handle:
        entry = read_po(handle, locale=locale).get(msgid)
    assert entry is not None and entry.string and not entry.fuzzy, (locale, msgid)
    return entry.string


def documents(built, locale: str) -> list:
    found = [doc for doc in built.documents if doc["locale"] == locale]
    assert found, locale
    return found


def alt_texts(path) -> list[str]:
    """Every /Alt in the PDF's structure tree (what a screen reader announces for images)."""
    found: list[str] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif hasattr(node, "get"):
            if "/Alt" in node:
                found.append(str(node["/Alt"]))
            if "/K" in node:
                walk(node["/K"])

    walk(PdfReader(path).trailer["/Root"]["/StructTreeRoot"])
    return found


def qr_codes(path) -> list[str]:
    """The text of every QR code found on the PDF's pages, rendered at 150 dpi."""
    document = pdfium.PdfDocument(path)
    try:
        texts = []
        for index in range(len(document)):
            image = document[index].render(scale=150 / 72).to_pil()
            texts += [found.text for found in zxingcpp.read_barcodes(
                image, formats=zxingcpp.BarcodeFormat.QRCode)]
        return texts
    finally:
        document.close()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_pdf_shows_the_translated_diagram_labels(built, locale):
    labels = [template_string(locale, msgid) for msgid in LABELS]
    # whole labels where the text layer is faithful, else each of their readable words
    wanted = [label for label in labels if GURMUKHI_I not in label]
    assert len(wanted) >= 2, labels
    wanted += [word for label in labels if GURMUKHI_I in label
               for word in label.split() if GURMUKHI_I not in word]
    for doc in documents(built, locale):
        if not VARIANTS[doc["variant"]].text_layer and locale == "ur":
            continue  # Nastaliq on paper: its PDF text layer cannot be read back (fonts.yaml)
        text = pdf_text(built.output / doc["path"])
        for label in wanted:
            assert contains(text, label), (doc["path"], label)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_pdf_has_the_translated_alt_text_of_the_diagram(built, locale):
    alt = template_string(locale, ALT)
    # every tagged PDF; the booklet's sheets are imposed page images, which carry no tags
    tagged = [doc for doc in documents(built, locale)
              if VARIANTS[doc["variant"]].pdf_options.get("pdf_tags")]
    assert {doc["variant"] for doc in tagged} == set(VARIANTS) - {"booklet"}
    for doc in tagged:
        assert alt in alt_texts(built.output / doc["path"]), doc["path"]


def test_the_diagram_is_drawn_without_text():
    svg = (PROJECT.templates / "images/skin-layers.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "<text" not in svg


@pytest.mark.parametrize("locale", LOCALES)
def test_the_qr_code_decodes_to_the_leaflets_page_in_its_language(built, locale):
    expected = f"https://clinic.example/leaflets/laser-skin-tightening/{locale}"
    assert CLINIC.leaflet_link("laser-skin-tightening", locale) == expected
    with_qr = [doc for doc in documents(built, locale) if VARIANTS[doc["variant"]].qr]
    assert with_qr, "the screen leaflet shows the QR code too"
    for doc in with_qr:
        assert qr_codes(built.output / doc["path"]) == [expected], doc["path"]


@pytest.mark.parametrize("locale", ["en", "ar", "zh_Hans"])
def test_the_screen_pdf_links_to_the_leaflets_page(built, locale):
    expected = f"https://clinic.example/leaflets/laser-skin-tightening/{locale}"
    uris = set()
    for page in PdfReader(built.pdf(locale)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            uris.add(str(action.get("/URI", "")))
    assert expected in uris


def render_html(variant, locale: str = "en") -> str:
    brochure, _ = load_brochure(PROJECT.content / "laser-skin-tightening.yaml")
    renderer = Renderer(str(PROJECT.templates), load_font_config(PROJECT.templates))
    return renderer.render(brochure, CLINIC, locale_info(locale), variant,
                           Translator(locale)).html


def test_a_variant_can_leave_the_qr_code_out():
    screen = VARIANTS["screen"]
    assert 'class="qr"' in render_html(screen)
    without = render_html(replace(screen, qr=False))
    assert 'class="qr"' not in without and "data:image/svg+xml" not in without
    assert replace(screen, qr=False).settings() != screen.settings()


def test_the_diagram_is_placed_in_the_procedures_section():
    html = render_html(VARIANTS["screen"])
    procedures = html[html.index('<section id="procedures"'):html.index('id="procedures-ablative"')]
    assert 'class="skin-diagram"' in procedures
    assert html.count('class="skin-diagram"') == 1


def test_an_unknown_figure_is_a_located_error_with_a_suggestion():
    path = PROJECT.content / "laser-skin-tightening.yaml"
    text = path.read_text(encoding="utf-8")
    assert "figure: skin-diagram\n" in text
    line = text[:text.index("figure: skin-diagram")].count("\n") + 1
    brochure, diagnostics = load_brochure(path, text.replace("figure: skin-diagram\n",
                                                             "figure: skin-diagramm\n"))
    assert brochure is None
    d = diagnostics[0]
    assert [(d.location.line, d.location.key) for d in diagnostics] == [
        (line, "sections.procedures.figure")]
    assert d.location.file.endswith("content/laser-skin-tightening.yaml")
    assert "unknown figure 'skin-diagramm'" in diagnostics[0].message
    assert diagnostics[0].hint == "Did you mean 'skin-diagram'?"
