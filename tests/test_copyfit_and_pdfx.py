"""Copyfit per language in the trifold, and PDF/X only when there is a profile to claim it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from pypdf import PdfReader

from conftest import run_cli

CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
LONG_CONTEXT = ("laser-skin-tightening:sections.benefits.subsections.no-downtime.body.free.text")


def lengthen(project: Path, locale: str, times: int) -> None:
    """Make one inside-panel paragraph of ``locale`` ``times`` as long."""
    path = project / f"locales/{locale}/LC_MESSAGES/messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    message = next(m for m in catalog if m.context == LONG_CONTEXT)
    message.string = " ".join([message.string] * times)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=76)


def trifold_records(project: Path) -> dict[str, dict]:
    documents = json.loads((project / "output/manifest.json").read_text())["documents"]
    return {d["locale"]: d for d in documents if d["variant"] == "trifold"}


def type_size(record: dict) -> float:
    return float(re.fullmatch(r"type size ([\d.]+) pt", record["layout"])[1])


def test_a_longer_translation_gets_smaller_type(project):
    lengthen(project, "es", 3)
    result = run_cli("build", "--variant", "trifold", "--locale", "en", "--locale", "es",
                     cwd=project)
    assert result.code == 0, result.err
    records = trifold_records(project)
    assert type_size(records["es"]) < type_size(records["en"])
    assert type_size(records["es"]) >= 8.5
    assert records["es"]["pages"] == 2


def test_past_the_floor_the_document_fails_and_the_others_build(project):
    lengthen(project, "es", 12)
    result = run_cli("build", "--variant", "trifold", "--locale", "en", "--locale", "es",
                     "--locale", "de", cwd=project)
    assert result.code == 1
    assert "Traceback" not in result.err
    assert re.search(r"laser-skin-tightening/es/trifold: the text does not fit the trifold "
                     r"even at 8\.5 pt: the inside panels by \d+ lines \(about \d+ mm\)",
                     result.err), result.err
    records = trifold_records(project)
    assert set(records) == {"en", "de"}
    assert not (project / "output/laser-skin-tightening/"
                "laser-skin-tightening-es-trifold.pdf").exists()


@pytest.mark.skipif(not CMYK_PROFILE.is_file(), reason="needs libgs-common's CMYK profile")
def test_with_a_cmyk_profile_print_is_pdf_x4_with_that_output_intent(project):
    result = run_cli("build", "--variant", "print", "--locale", "en",
                     "--icc", str(CMYK_PROFILE), cwd=project)
    assert result.code == 0, result.err
    reader = PdfReader(project / "output/laser-skin-tightening/"
                       "laser-skin-tightening-en-print.pdf")
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert len(intents) == 1
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFX"
    assert intent["/DestOutputProfile"].get_object().get_data() == CMYK_PROFILE.read_bytes()
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"PDF/X-4" in metadata


def test_without_a_profile_nothing_claims_pdf_x(project):
    result = run_cli("build", "--variant", "print", "--locale", "en", cwd=project)
    assert result.code == 0, result.err
    assert "print PDFs are not PDF/X" in result.err
    path = project / "output/laser-skin-tightening/laser-skin-tightening-en-print.pdf"
    reader = PdfReader(path)
    assert "/OutputIntents" not in reader.trailer["/Root"]
    assert b"GTS_PDFX" not in path.read_bytes()
    assert b"PDF/X" not in path.read_bytes()


def test_a_profile_that_is_not_cmyk_is_refused(project, tmp_path):
    rgb = Path("/usr/share/color/icc/ghostscript/default_rgb.icc")
    if not rgb.is_file():
        pytest.skip("needs libgs-common's profiles")
    result = run_cli("build", "--variant", "print", "--icc", str(rgb), cwd=project)
    assert result.code == 1
    assert "not CMYK" in result.err and "Traceback" not in result.err
