"""How common a word is, from wordfreq's lists: the language-independent half of readability."""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

import wordfreq

from brochures.quality.text import is_unspaced, is_unspaced_char, language, tokens


@lru_cache(maxsize=1)
def _available() -> frozenset[str]:
    return frozenset(wordfreq.available_languages())


def has_frequencies(locale: str) -> bool:
    """Whether wordfreq has a list for exactly this language (not a neighbour's)."""
    return language(locale) in _available()


@lru_cache(maxsize=4)
def _character_zipf(lang: str) -> dict[str, float]:
    """Zipf frequency of each character, summed over every word of the list it occurs in.

    Chinese is measured by characters: wordfreq's own Chinese tokenizer needs jieba, and a
    reader who knows a character usually knows the words built from it.
    """
    totals: Counter[str] = Counter()
    for word, frequency in wordfreq.get_frequency_dict(lang).items():
        for char in word:
            totals[char] += frequency
    return {char: math.log10(value * 1e9) for char, value in totals.items()}


@lru_cache(maxsize=65536)
def zipf(token: str, locale: str) -> float | None:
    """Zipf frequency of a word (or, in Chinese, a character); None for no list or a number.

    The Zipf scale is log10 of occurrences per billion words: 3 is once per million words.
    """
    lang = language(locale)
    if lang not in _available() or any(char.isdigit() for char in token):
        return None
    if is_unspaced_char(token):
        return _character_zipf(lang).get(token, 0.0)
    if is_unspaced(locale):
        return None  # a Latin word in Chinese text: wordfreq would need jieba to look it up
    return wordfreq.zipf_frequency(token, lang)


def frequency_tokens(text: str, locale: str) -> list[str]:
    """The words of ``text`` as wordfreq looks them up (French elisions split, and so on)."""
    if is_unspaced(locale):
        return tokens(text, locale)
    return wordfreq.tokenize(text, language(locale))
