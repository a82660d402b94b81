"""Claims in the shipped leaflet and in seeded texts, in every shipped language."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from brochures.errors import BrochuresError, CheckFailed
from brochures.quality import TextUnit
from brochures.quality.claims import find_claims, load_claims

from quality_corpus import BROCHURE, LOCALES, QUALITY, units

PREFIX = f"{BROCHURE}:sections."
# The claims issue 17 quotes, by the message they are in and the rule that must name them.
QUOTED = {
    "benefits.subsections.painless.heading": "painless",  # "Painless"
    # "Pain is not an element in this setup"
    "benefits.subsections.painless.body.minimal.text": "painless",
    # "there will be no pain since nothing is entering physically into your body"
    "benefits.subsections.painless.body.no-pain.text": "painless",
    "benefits.subsections.no-downtime.heading": "no-downtime",  # "No downtime required"
    # "you are free to go about your business as the procedure ends"
    "benefits.subsections.no-downtime.body.free.text": "no-downtime",
    "benefits.subsections.longer.heading": "lasts-longer",  # "Effects last longer"
    # "it is hard to argue in the favor of surgical methods"
    "what-is.body.natural.text": "against-surgery",
    # "everything happens naturally"
    "benefits.subsections.longer.body.natural.text": "naturally",
    "benefits.subsections.enlightening.heading": "cosmetic-promise",  # "Enlightening your skin"
    # "pick the brightest one. And we know of one": 最佳 ("the best") in Chinese
    "conclusion.body.closing.text": "superlative",
}
# A claim unlike the leaflet's, in each language: "results guaranteed, no risk at all".
SEEDED = {
    "en": ("Our clinic guarantees smooth skin with no risk.", {"guaranteed", "risk-free"}),
    "es": ("Resultados garantizados y sin ningún riesgo.", {"guaranteed", "risk-free"}),
    "fr": ("Des résultats garantis, sans aucun risque.", {"guaranteed", "risk-free"}),
    "de": ("Garantierte Ergebnisse, völlig sicher.", {"guaranteed", "risk-free"}),
    "pl": ("Gwarantujemy efekty bez żadnego ryzyka.", {"guaranteed", "risk-free"}),
    "ro": ("Rezultate garantate, fără niciun risc.", {"guaranteed", "risk-free"}),
    "pt": ("Resultados garantidos, sem qualquer risco.", {"guaranteed", "risk-free"}),
    "ar": ("نتائج مضمونة بدون أي مخاطر.", {"guaranteed", "risk-free"}),
    "ur": ("نتائج کی ضمانت، کوئی خطرہ نہیں۔", {"guaranteed", "risk-free"}),
    "pa": ("ਨਤੀਜਿਆਂ ਦੀ ਗਾਰੰਟੀ, ਕੋਈ ਖ਼ਤਰਾ ਨਹੀਂ।", {"guaranteed", "risk-free"}),
    "zh_Hans": ("我们保证效果，零风险。", {"guaranteed", "risk-free"}),
}


@pytest.fixture(scope="module")
def rules():
    return load_claims(QUALITY)


def found(rules, locale, texts):
    shipped = [TextUnit(f"c{i}", t) for i, t in enumerate(texts)]
    return {f.code.removeprefix("claim.") for f in find_claims(shipped, locale, rules)}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_quoted_claim_is_found_in_every_language(rules, locale):
    findings = find_claims(units(locale), locale, rules, BROCHURE)
    named = {(f.context.removeprefix(PREFIX), f.code.removeprefix("claim.")) for f in findings}
    missing = {item for item in QUOTED.items() if item not in named}
    assert not missing, f"{locale}: not found: {sorted(missing)}"
    for finding in findings:
        assert finding.text[finding.span[0]:finding.span[1]] == finding.excerpt
        assert finding.brochure == BROCHURE and finding.locale == locale


def test_the_chinese_best_is_the_banned_word(rules):
    findings = find_claims(units("zh_Hans"), "zh_Hans", rules, BROCHURE)
    closing = [f for f in findings if f.context.endswith("conclusion.body.closing.text")
               and f.code == "claim.superlative"]
    assert [f.excerpt for f in closing] == ["最佳"] and closing[0].is_error
    assert "最佳" in closing[0].message and "Advertising Law" in closing[0].message


@pytest.mark.parametrize("locale", sorted(SEEDED))
def test_a_seeded_claim_is_found_in_each_language(rules, locale):
    text, rules_expected = SEEDED[locale]
    assert rules_expected <= found(rules, locale, ["A plain sentence first.", text])


@pytest.mark.parametrize(("locale", "text", "rule"), [
    # Arabic written with vowel marks and another alef form still matches
    ("ar", "علاجٌ بِدون أيِّ مخاطرَ", "risk-free"),
    # Romanian with cedilla letters (ş ţ) instead of comma-below (ș ț)
    ("ro", "este greu de susţinut alegerea", "against-surgery"),
    # Urdu typed with Arabic kaf and yeh
    ("ur", "آپ كو فكر كرنے كی ضرورت نہيں", "nothing-to-worry"),
    # typographic apostrophe
    ("fr", "vous n’avez pas à vous inquiéter", "nothing-to-worry"),
    ("en", "It doesn’t hurt at all", "painless"),
    ("pa", "ਇਲਾਜ ਦਰਦ ਰਹਿਤ ਹੈ", "painless"),
])
def test_writing_variants_are_folded(rules, locale, text, rule):
    assert rule in found(rules, locale, [text])


@pytest.mark.parametrize(("locale", "text"), [
    ("en", "It is best to avoid the sun for two weeks."),
    ("en", "The area may be painful for a day."),
    ("en", "We will do our best."),
    ("zh_Hans", "第一次治疗后最好避免日晒。"),
    ("pt", "Com os melhores cumprimentos,"),
    ("de", "Die Behandlung bestehen viele Menschen gut."),
    ("pl", "To najważniejsze informacje o zabiegu."),
])
def test_ordinary_words_are_not_claims(rules, locale, text):
    assert found(rules, locale, [text]) == set()


def test_every_rule_has_patterns_for_every_shipped_language(rules):
    for rule in rules:
        for locale in LOCALES:
            assert rule.patterns_for(locale), f"{rule.id} has no {locale} patterns"


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "claims.yaml").write_text(text, encoding="utf-8")
    return folder


def test_mistakes_in_the_rules_file_are_all_reported_with_their_lines(tmp_path):
    folder = write(tmp_path, """\
rules:
  - id: one
    category: absolute
    explain: x
    patterns:
      en: ['(unclosed']
  - id: one
    category: bragging
    severity: fatal
    explain: y
    colour: red
    patterns:
      en: ['fine']
""")
    with pytest.raises(CheckFailed) as caught:
        load_claims(folder)
    text = str(caught.value)
    for expected in ("claims.yaml:6: rules[0].patterns.en[0]: not a valid regular expression",
                     "claims.yaml:7: rules[1].id: duplicate rule id 'one'",
                     "claims.yaml:8: rules[1].category: category must be one of",
                     "claims.yaml:9: rules[1].severity: severity must be one of",
                     "claims.yaml:11: rules[1].colour: unknown field"):
        assert expected in text


def test_a_runaway_pattern_is_stopped_with_a_clear_error(tmp_path):
    folder = write(tmp_path, """\
rules:
  - id: slow
    category: absolute
    explain: nested repeats
    patterns:
      en: ['(a|aa)+$']
""")
    rules = load_claims(folder)
    started = time.monotonic()
    with pytest.raises(BrochuresError, match="takes too long"):
        find_claims([TextUnit("c", "a" * 40 + "x" * 40 + " !")], "en", rules)
    assert time.monotonic() - started < 30
