"""Texts of a leaflet as the analysis sees them: units, sentences, words, folding for matching."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

KINDS = ("title", "heading", "body", "item", "label")

# Scripts written without spaces between words: a "word" there is one character.
_UNSPACED = regex.compile(r"\p{Han}|\p{Hiragana}|\p{Katakana}")
# A word: letters, marks and digits, joined by inner apostrophes or hyphens
# ("skin-tightening", "don't", "l'éclat", "ਦਰਦ-ਰਹਿਤ" are one word each).
_WORD = regex.compile(r"[\w--_](?:[\w'’\-]*[\w--_])?", regex.V1)
_TOKEN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]|[\w--_\p{Han}\p{Hiragana}\p{Katakana}]"
                       r"(?:[\w'’\-]*[\w--_])?", regex.V1)
# Sentence ends: Latin, CJK, Arabic (؟), Urdu (۔) and Indic (।) stops, with closing quotes.
_STOP = regex.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)|[。！？؟۔।]+[\"'”’»)\]）」』]*")
_ABBREVIATIONS = frozenset(
    "e.g i.e etc dr mr mrs ms prof approx vs z.b bzw usw np itd tzn nr sr sra p.ej ex".split())

# Characters folded before matching phrases: marks that vary between writers
# (Arabic short vowels, tatweel), letter variants (alef forms, Arabic/Urdu yeh, kaf and heh),
# Romanian cedilla letters, typographic apostrophes and invisible joiners.
_FOLD = {
    **{chr(c): "" for c in range(0x064B, 0x0660)},
    "\u0670": "", "\u0640": "", "\u00AD": "", "\u200C": "", "\u200D": "", "\u200F": "",
    "\u200E": "",
    **dict.fromkeys("أإآٱ", "ا"), **dict.fromkeys("ىي", "ی"), "ك": "ک",
    "ه": "ہ", "ۂ": "ہ", "ۀ": "ہ", "ة": "ہ",
    "ş": "ș", "Ş": "Ș", "ţ": "ț", "Ţ": "Ț",
    "’": "'", "‘": "'", "ʼ": "'", "′": "'",
}


@dataclass(frozen=True)
class TextUnit:
    """One message of a leaflet in one language, in reading order.

    ``context`` names the message: its msgctxt (``brochure:sections.x.body.y.text``), or
    its msgid when it has none (template texts such as figure labels). ``kind`` says what
    the text is on the page: only ``body`` paragraphs count towards the reading scores,
    every kind is searched for claims and jargon.
    """

    context: str
    text: str
    kind: str = "body"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        object.__setattr__(self, "text", unicodedata.normalize("NFC", self.text))


@dataclass(frozen=True)
class Folded:
    """A text folded for matching, and where each of its characters came from."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span in the original text of the folded span ``start:end``."""
        if start >= end:
            at = self.origin[start] if start < len(self.origin) else (
                self.origin[-1] + 1 if self.origin else 0)
            return at, at
        return self.origin[start], self.origin[end - 1] + 1


def fold_char(char: str) -> str:
    """One character as it is compared: whitespace is a space, variants are one letter."""
    if char.isspace():
        return " "
    return _FOLD.get(char, char)


@lru_cache(maxsize=4096)
def fold(text: str) -> Folded:
    """``text`` (NFC) with :func:`fold_char` applied, keeping the way back to the original."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(unicodedata.normalize("NFC", text)):
        for piece in fold_char(char):
            out.append(piece)
            origin.append(index)
    return Folded("".join(out), tuple(origin))


def fold_pattern(pattern: str) -> str:
    """A phrase pattern folded like the text it is matched against (its ASCII syntax kept)."""
    return "".join(char if char.isascii() else fold_char(char)
                   for char in unicodedata.normalize("NFC", pattern))


def language(locale: str) -> str:
    """The language part of a locale code: ``zh`` for ``zh_Hans``, ``pt`` for ``pt-BR``."""
    return locale.replace("-", "_").split("_")[0].lower()


def is_unspaced(locale: str) -> bool:
    """Whether the language is written without spaces between words (Chinese, Japanese)."""
    return language(locale) in ("zh", "ja")


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text``, each ending after its stop (if it has one)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for stop in _STOP.finditer(text):
        before = text[start:stop.start()].split()
        if stop.group().startswith(".") and before and (
                before[-1].lower().strip("(") in _ABBREVIATIONS or len(before[-1]) == 1
                and before[-1].isalpha()):
            continue
        spans.append((start, stop.end()))
        start = stop.end()
    spans.append((start, len(text)))
    result = []
    for begin, end in spans:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if _WORD.search(text, begin, end):
            result.append((begin, end))
    return result


def words(text: str) -> list[str]:
    """The words of ``text`` (for a space-separated script)."""
    return _WORD.findall(text)


def tokens(text: str, locale: str) -> list[str]:
    """What a sentence's length is counted in: words, or characters in Chinese and Japanese."""
    if is_unspaced(locale):
        return _TOKEN.findall(text)
    return words(text)


def is_unspaced_char(token: str) -> bool:
    return bool(_UNSPACED.fullmatch(token))
