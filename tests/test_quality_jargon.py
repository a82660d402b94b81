"""Medical terms: unexplained in the English leaflet, explained where translators added glosses."""

from __future__ import annotations

import pytest

from brochures.errors import CheckFailed
from brochures.quality import TextUnit
from brochures.quality.jargon import find_jargon, load_glossary

from quality_corpus import BROCHURE, LOCALES, QUALITY, units

QUOTED = ("erythema", "milia", "acneiform", "ectropion")  # issue 17's four terms
GLOSSED = ("ar", "ur", "pa")  # their translators added a plain gloss to each


@pytest.fixture(scope="module")
def glossary():
    return load_glossary(QUALITY)


def terms(glossary, locale, texts):
    shipped = [TextUnit(f"c{i}", t) for i, t in enumerate(texts)]
    return [f.code.removeprefix("jargon.") for f in find_jargon(shipped, locale, glossary)]


def test_the_four_terms_are_unexplained_in_english(glossary):
    findings = {f.code.removeprefix("jargon."): f
                for f in find_jargon(units("en"), "en", glossary, BROCHURE)}
    for term in QUOTED:
        finding = findings[term]
        assert finding.context.endswith(f"items.{term}.text")
        assert finding.severity == "warning" and finding.category == "jargon"
    assert findings["erythema"].suggestion == "Erythema (redness of the skin)"
    assert findings["collagen"].context.endswith("collagen.body.production.text")


@pytest.mark.parametrize("locale", [code for code in LOCALES if code != "en"])
def test_translations_are_reported_unless_a_gloss_explains_them(glossary, locale):
    reported = set(f.code.removeprefix("jargon.")
                   for f in find_jargon(units(locale), locale, glossary, BROCHURE))
    if locale in GLOSSED:
        assert reported.isdisjoint(QUOTED), reported
    else:
        # Polish "wykwity trądzikopodobne" says "acne-like" in the term itself
        expected = set(QUOTED) - ({"acneiform"} if locale == "pl" else set())
        assert expected <= reported


@pytest.mark.parametrize(("texts", "reported"), [
    (["Erythema (redness of the skin)"], []),
    # a gloss attached to the term explains it, whatever its words
    (["Milia (tiny cysts)"], []),
    (["Milia – tiny cysts"], []),
    (["Milia: tiny cysts"], []),
    (["tiny cysts (milia)"], []),
    (["Milia, tiny cysts"], ["milia"]),
    (["红斑（皮肤发红）"], []),
    (["Erythema", "This is redness of the skin."], []),
    (["Erythema", "Scarring", "This is redness of the skin."], ["erythema"]),
    (["Erythema. Milia."], ["erythema", "milia"]),
    # the first appearance counts: explained later is still a hurdle for the reader
    (["Ectropion", "Scarring", "Ectropion (the lower eyelid turns outwards)"], ["ectropion"]),
    # explained where it first appears: later mentions need nothing more
    (["Ectropion (the lower eyelid turns outwards)", "Scarring", "Ectropion"], []),
    (["A non-ablative laser heats the skin."], ["non-ablative"]),
    (["An ablative laser", "removes the outer layer of skin"], []),
])
def test_explained_nearby(glossary, texts, reported):
    found = terms(glossary, "zh_Hans" if texts[0].startswith("红") else "en", texts)
    assert found == reported


def test_the_figure_explains_ablative_but_not_dermis(glossary):
    findings = find_jargon(units("en"), "en", glossary, BROCHURE)
    codes = {f.code: f for f in findings}
    assert "jargon.ablative" not in codes and "jargon.non-ablative" not in codes
    assert codes["jargon.dermis"].context == "removes the outer layer and heats the dermis"
    assert "jargon.epidermis" not in codes  # "Epidermis (outer layer)"


def test_a_term_without_a_plain_explanation_in_its_language_is_refused(tmp_path):
    (tmp_path / "glossary.yaml").write_text("""\
terms:
  - id: milia
    term:
      en: ['\\bmilia\\b']
      de: ['\\bmilien\\b']
    plain:
      en: small white bumps
""", encoding="utf-8")
    with pytest.raises(CheckFailed, match=r"glossary.yaml:6: terms\[0\].plain.de: no plain"):
        load_glossary(tmp_path)
