"""Readability formulas by their published definitions, over counts of sentences and words."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

import regex

from brochures.quality.syllables import has_syllables, syllables
from brochures.quality.text import language, words

_ARABIC_LETTER = regex.compile(r"[\u0621-\u064A\u0671-\u06D3]")
_HARAKAT = regex.compile(r"[\u064B-\u0652]")
_SHORT_VOWEL = "\u064E\u064F\u0650"  # fatha, damma, kasra
_LONG_LETTER = "\u0627\u0648\u064A"  # alef, waw, yeh
_STRESS = regex.compile(r"[\u064B\u064C\u064D\u0651]")  # tanween and shadda
_COMPLEX_MARKS = regex.compile(r"[\u064B-\u0651]")
_FASEEH_ONE = regex.compile(r"[\u0626\u0621\u0624\u0630\u0638]")
_FASEEH_TWO = regex.compile(r"\u0648\u0627|\u0648\u0646")
_TASHKEEL = regex.compile(r"[\u064B-\u0653\u0657\u0658]")


@dataclass(frozen=True)
class Counts:
    """What the formulas are computed from, for one sentence or a whole text."""

    sentences: int = 0
    words: int = 0
    syllables: int = 0
    monosyllables: int = 0
    polysyllables: int = 0  # three syllables or more
    hard_words: int = 0  # four syllables or more (Pisarek's "trudne")
    long_words: int = 0  # more than six letters
    # Arabic, for OSMAN (El-Haj and Rayson 2016), counted from the vowel marks
    arabic_letters: int = 0
    vowelled_letters: int = 0
    arabic_syllables: int = 0
    arabic_complex: int = 0
    arabic_long: int = 0
    arabic_faseeh: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                         for f in fields(self)})

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.words


def _arabic_word(word: str) -> dict[str, int]:
    """OSMAN's counts for one Arabic word, by the rules textstat uses for the paper's terms.

    A short vowel mark is a syllable, one followed by alef, waw or yeh a long syllable
    (counted twice), and tanween and shadda a stressed one (twice). Counted word by word:
    textstat's own ``osman`` filters the marks out as punctuation before counting them,
    so it cannot check this; the tests use a worked example.
    """
    short = long = 0
    for index, char in enumerate(word):
        if char in _SHORT_VOWEL:
            if index + 1 < len(word) and word[index + 1] in _LONG_LETTER:
                long += 1
            else:
                short += 1
    count = short + 2 * (long + len(_STRESS.findall(word)))
    bare = _TASHKEEL.sub("", word)
    faseeh = len(_FASEEH_ONE.findall(word)) + len(_FASEEH_TWO.findall(word))
    return {"arabic_letters": len(_ARABIC_LETTER.findall(word)),
            "vowelled_letters": len(_HARAKAT.findall(word)),
            "arabic_syllables": count,
            "arabic_complex": int(len(_COMPLEX_MARKS.findall(word)) > 5),
            "arabic_long": int(len(bare) > 5),
            "arabic_faseeh": int(count > 5 and faseeh > 0)}


def count(sentence: str, locale: str) -> Counts:
    """The counts of one sentence."""
    found = words(sentence)
    values = {"sentences": 1, "words": len(found)}
    if has_syllables(locale):
        per_word = [syllables(word, locale) for word in found]
        values.update(syllables=sum(per_word), monosyllables=per_word.count(1),
                      polysyllables=sum(n >= 3 for n in per_word),
                      hard_words=sum(n >= 4 for n in per_word))
    values["long_words"] = sum(len(word.replace("'", "").replace("’", "")
                                   .replace("-", "")) > 6 for word in found)
    if language(locale) == "ar":
        for word in found:
            for name, value in _arabic_word(word).items():
                values[name] = values.get(name, 0) + value
    return Counts(**values)


def total(counts: Iterable[Counts]) -> Counts:
    result = Counts()
    for item in counts:
        result = result + item
    return result


@dataclass(frozen=True)
class Formula:
    """A published readability formula: its scale, its languages and how it is computed."""

    id: str
    name: str
    scale: str  # "grade": school years, lower is easier; "ease": 0-100, higher is easier
    languages: tuple[str, ...]
    compute: Callable[[Counts], float]
    source: str
    needs: Callable[[Counts], str] = lambda counts: ""  # why it cannot be computed, if so

    def score(self, counts: Counts) -> float | None:
        """The formula's value, or None when the text gives it nothing to work on."""
        if counts.sentences == 0 or counts.words == 0 or self.needs(counts):
            return None
        return self.compute(counts)


def _needs_syllables(counts: Counts) -> str:
    return "" if counts.syllables else "no syllable count for this language"


def _needs_vowels(counts: Counts) -> str:
    if counts.arabic_letters and counts.vowelled_letters / counts.arabic_letters >= 0.3:
        return ""
    return ("OSMAN counts syllables from the short-vowel marks (tashkeel), "
            "which this text mostly leaves out")


def _pct(part: int, counts: Counts) -> float:
    return 100 * part / counts.words


FORMULAS: dict[str, Formula] = {f.id: f for f in (
    Formula("flesch_kincaid_grade", "Flesch–Kincaid grade", "grade", ("en",),
            lambda c: 0.39 * c.words_per_sentence + 11.8 * c.syllables_per_word - 15.59,
            "Kincaid et al. 1975", _needs_syllables),
    Formula("flesch_reading_ease", "Flesch reading ease", "ease", ("en",),
            lambda c: 206.835 - 1.015 * c.words_per_sentence - 84.6 * c.syllables_per_word,
            "Flesch 1948", _needs_syllables),
    Formula("smog", "SMOG grade", "grade", ("en",),
            lambda c: 1.043 * math.sqrt(30 * c.polysyllables / c.sentences) + 3.1291,
            "McLaughlin 1969", _needs_syllables),
    # Fernández Huerta's formula as corrected (sentence length, not sentences per 100
    # words), the form textstat and INFLESZ use.
    Formula("fernandez_huerta", "Fernández-Huerta", "ease", ("es",),
            lambda c: 206.84 - 60 * c.syllables_per_word - 1.02 * c.words_per_sentence,
            "Fernández Huerta 1959", _needs_syllables),
    Formula("szigriszt_pazos", "Szigriszt-Pazos (INFLESZ)", "ease", ("es",),
            lambda c: 206.835 - 62.3 * c.syllables_per_word - c.words_per_sentence,
            "Szigriszt Pazos 1993", _needs_syllables),
    Formula("kandel_moles", "Kandel–Moles", "ease", ("fr",),
            lambda c: 207 - 1.015 * c.words_per_sentence - 73.6 * c.syllables_per_word,
            "Kandel and Moles 1958", _needs_syllables),
    Formula("wiener_sachtextformel", "Wiener Sachtextformel", "grade", ("de",),
            lambda c: (0.1935 * _pct(c.polysyllables, c) + 0.1672 * c.words_per_sentence
                       + 0.1297 * _pct(c.long_words, c) - 0.0327 * _pct(c.monosyllables, c)
                       - 0.875),
            "Bamberger and Vanecek 1984 (first formula)", _needs_syllables),
    Formula("pisarek", "Pisarek", "grade", ("pl",),
            lambda c: 0.5 * math.sqrt(c.words_per_sentence ** 2 + _pct(c.hard_words, c) ** 2),
            "Pisarek 1969 (non-linear formula)", _needs_syllables),
    Formula("pisarek_linear", "Pisarek (linear)", "grade", ("pl",),
            lambda c: c.words_per_sentence / 3 + _pct(c.hard_words, c) / 3 + 1,
            "Pisarek 1969 (linear formula)", _needs_syllables),
    Formula("osman", "OSMAN", "ease", ("ar",),
            lambda c: 200.791 - 1.015 * c.words_per_sentence - 24.181 * (
                (c.arabic_complex + c.arabic_syllables + c.arabic_faseeh + c.arabic_long)
                / c.words),
            "El-Haj and Rayson 2016", _needs_vowels),
)}
