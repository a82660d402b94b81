"""Scripts and directions: fonts per script, missing glyphs, right-to-left mirroring."""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pytest
from babel.messages.pofile import read_po, write_po

from conftest import run_cli
from pdfread import fonts

TITLE = "laser-skin-tightening:title"
NO_FONT_HAS_IT = "\U00013000"  # EGYPTIAN HIEROGLYPH A001: in no configured font


def set_translation(project: Path, locale: str, context: str, text: str) -> int:
    """Set one translation in a catalog; returns the line of its entry."""
    path = project / f"locales/{locale}/LC_MESSAGES/messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    next(m for m in catalog if m.context == context).string = text
    with path.open("wb") as handle:
        write_po(handle, catalog, width=76)
    with path.open("rb") as handle:
        return next(m for m in read_po(handle) if m.context == context).lineno


def font_names(path: Path) -> list[str]:
    """Embedded font names, subset prefix and hyphens removed, lower case."""
    return [row["name"].split("+")[-1].replace("-", "").lower() for row in fonts(path)]


def body_lines(path: Path, page: int = 0) -> list[dict]:
    """Lines of running text on a page (between the cover band and the footer)."""
    with pdfplumber.open(path) as pdf:
        p = pdf.pages[page]
        return [line for line in p.extract_text_lines()
                if p.height * 0.4 < line["top"] < p.height * 0.9 and line["x1"] - line["x0"] > 50]


@pytest.mark.parametrize("locale, direction", [("en", "ltr"), ("de", "ltr"), ("zh_Hans", "ltr"),
                                               ("ar", "rtl"), ("ur", "rtl")])
def test_text_is_aligned_to_the_start_side(built, locale, direction):
    lines = body_lines(built.pdf(locale))
    left = min(line["x0"] for line in lines)
    right = max(line["x1"] for line in lines)
    at_left = sum(abs(line["x0"] - left) < 2 for line in lines) / len(lines)
    at_right = sum(abs(line["x1"] - right) < 2 for line in lines) / len(lines)
    if direction == "rtl":
        assert at_right > 0.9 and at_left < 0.7, (at_left, at_right)
    else:
        assert at_left > 0.9 and at_right < 0.7, (at_left, at_right)


@pytest.mark.parametrize("locale, side", [("en", "right"), ("ar", "left"), ("ur", "left")])
def test_page_number_is_on_the_end_side(built, locale, side):
    with pdfplumber.open(built.pdf(locale)) as pdf:
        page = pdf.pages[0]
        footer = [w for w in page.extract_words() if w["top"] > page.height - 50]
        digits = [w for w in footer if any(c.isdigit() for c in w["text"])]
    centre = sum(w["x0"] for w in digits) / len(digits)
    assert (centre > page.width / 2) == (side == "right")


@pytest.mark.parametrize("locale", ["ar", "ur"])
def test_phone_numbers_and_emails_read_left_to_right_in_right_to_left_text(built, locale):
    with pdfplumber.open(built.pdf(locale)) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    for value in ("+44 1632 960000", "info@clinic.example"):
        anchor = next(c for c in chars if c["text"] == value[-1] and _line_text(chars, c)
                      .replace(" ", "").find(value.replace(" ", "")) >= 0)
        assert anchor, value


def _line_text(chars: list[dict], anchor: dict) -> str:
    """The characters on ``anchor``'s line, in the order they are drawn left to right."""
    line = [c for c in chars if abs(c["top"] - anchor["top"]) < 6 and c.get("page_number")
            == anchor.get("page_number")]
    return "".join(c["text"] for c in sorted(line, key=lambda c: c["x0"]))


@pytest.mark.parametrize("locale, family", [
    ("zh_Hans", "NotoSansCJKsc"), ("ar", "NotoNaskhArabic"), ("pa", "NotoSansGurmukhi"),
    ("en", "NotoSans"), ("ur", "NotoNaskhArabic")])
def test_each_script_uses_its_configured_font(built, locale, family):
    names = font_names(built.pdf(locale))
    assert any(family.lower() in name for name in names), names


def test_urdu_print_uses_nastaliq(built):
    names = font_names(built.pdf("ur", "print"))
    assert any("notonastaliqurdu" in name for name in names), names


def test_chinese_never_uses_japanese_glyph_forms(built):
    for variant in ("screen", "print", "trifold"):
        names = font_names(built.pdf("zh_Hans", variant))
        assert not any("cjkjp" in name for name in names), names
        assert any("cjksc" in name for name in names), names


def test_a_character_no_font_covers_fails_that_document_only(project):
    line = set_translation(project, "es", TITLE, "Tratamiento " + NO_FONT_HAS_IT)
    result = run_cli("build", "--variant", "screen", "--locale", "es", "--locale", "de",
                     "--locale", "en", cwd=project)
    assert result.code == 1
    assert "Traceback" not in result.err
    assert (f"locales/es/LC_MESSAGES/messages.po:{line}: es: character U+13000 "
            f"'{NO_FONT_HAS_IT}' in msgctxt '{TITLE}' is not covered by any configured font"
            ) in result.err, result.err
    built = {d["locale"] for d in json.loads(
        (project / "output/manifest.json").read_text())["documents"]}
    assert built == {"en", "de"}


@pytest.mark.parametrize("code, text, family, direction", [
    ("he", "מה זה טיפול לייזר למיצוק העור?", "NotoSansHebrew", "rtl"),
    ("hi", "लेज़र से त्वचा कसने का उपचार क्या है?", "NotoSansDevanagari", "ltr"),
])
def test_a_language_added_later_gets_its_font_and_direction(project, code, text, family,
                                                              direction):
    assert run_cli("i18n", "init", code, cwd=project).code == 0
    set_translation(project, code, TITLE, text)
    result = run_cli("build", "--variant", "screen", "--locale", code, cwd=project)
    assert result.code == 0, result.err
    path = project / f"output/laser-skin-tightening/laser-skin-tightening-{code}-screen.pdf"
    assert any(family.lower() in name for name in font_names(path))
    lines = body_lines(path)  # untranslated body text, but laid out in the language's direction
    right = max(line["x1"] for line in lines)
    at_right = sum(abs(line["x1"] - right) < 2 for line in lines) / len(lines)
    assert (at_right > 0.9) == (direction == "rtl")
