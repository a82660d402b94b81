"""Translation checks: each finds one kind of damage a translation can do to a leaflet."""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from brochures.catalogs import Written, written
from brochures.errors import Diagnostic, Location
from brochures.markup import ALLOWED_TAGS, link_targets, reader_text, sanitize, tags

# Every pattern runs on untrusted text, so each is linear: a match can only start where
# the thing it finds starts (a lookbehind keeps EMAIL_RE from re-reading a long word).
PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"')]+", re.I)
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_RE = re.compile(r"\+?\d[\d ()-]{6,}\d")
ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A number with optional digit groups and decimals; "1,000.5", "1.000,5" and "1 000,5" are
# one number written three ways, so separators are compared as equal.
NUMBER_RE = re.compile(r"\d+(?:[ \u00a0\u202f.,]\d{3}(?!\d))*(?:[.,]\d+)?")
SEPARATORS_RE = re.compile(r"[ \u00a0\u202f.,]")
DIGIT_RE = re.compile(r"\d")
LONG_RATIO, LONG_SLACK = 1.8, 20
# No translation is this much longer than its source; past it the text is refused before
# any other check reads it (the checks then cost no more than the source allows).
OVERSIZE_RATIO, OVERSIZE_SLACK = 10, 1000
# Zero-width characters that shape or break a word (Persian, Urdu and Indic scripts need
# ZWNJ and ZWJ; a soft hyphen marks where a long word may break): allowed between two
# letters or marks, where they can change nothing but the shape of that word.
JOINERS = frozenset("\u00ad\u200c\u200d")


def _digits(text: str) -> str:
    """Any script's decimal digits as ASCII, so ١٢ and 12 compare equal."""
    return text if text.isascii() else DIGIT_RE.sub(lambda m: str(unicodedata.digit(m[0])),
                                                    text)


def _hidden(char: str) -> bool:
    """Whether ``char`` is invisible yet can change what a reader sees: control and format
    characters (bidi overrides among them) and line or paragraph separators."""
    category = unicodedata.category(char)
    return category in ("Cf", "Zl", "Zp") or (category == "Cc" and char not in "\n\t")


@lru_cache(maxsize=64)
def _seen(text: str) -> str:
    """The text a reader sees (markup resolved by the sanitizer, entities decoded), in the
    form numbers and contacts are compared in: compatibility forms as what they look like
    (NFKC: full-width ４８ is 48), invisible characters left out, digits in ASCII."""
    seen = unicodedata.normalize("NFKC", reader_text(text))
    if not seen.isprintable():
        seen = "".join(c for c in seen if not _hidden(c))
    return _digits(seen)


def _phones(text: str) -> list[str]:
    """Phone numbers: eight digits or more, dates such as 2022-10-30 excepted."""
    return [found for found in PHONE_RE.findall(text) if _is_phone(found)]


def _is_phone(found: str) -> bool:
    return sum(map(str.isdigit, found)) >= 8 and not ISO_DATE_RE.fullmatch(found)


def _numbers(text: str) -> dict[str, list[str]]:
    """Each number of ``text`` (as written) under a key that ignores its separators."""
    text = PLACEHOLDER_RE.sub(" ", URL_RE.sub(" ", EMAIL_RE.sub(" ", _seen(text))))
    # phone numbers are left to the contact check
    text = PHONE_RE.sub(lambda m: " " if _is_phone(m[0]) else m[0], text)
    found: dict[str, list[str]] = {}
    for number in NUMBER_RE.findall(text):
        found.setdefault(SEPARATORS_RE.sub(".", number), []).append(number)
    return found


def _strings(message: Message) -> list[str]:
    if isinstance(message.string, (list, tuple)):
        return [s for s in message.string if s]
    return [message.string] if message.string else []


def _source(message: Message) -> str:
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


def _formatted(message: Message) -> bool:
    """Whether the text goes through %-formatting: template strings do, content does not."""
    return not message.locations or any(not path.startswith("content/")
                                        for path, _ in message.locations)


Check = Callable[[str, str], str | None]


def _difference(what: str, lost: list[str], added: list[str]) -> str | None:
    """"numbers differ: missing 2; added 3", or None when nothing differs."""
    parts = [f"{label} {', '.join(items)}" for label, items in (("missing", lost),
                                                             ("added", added)) if items]
    return f"{what} differ: {'; '.join(parts)}" if parts else None


def _html(text: str) -> str:
    """The message as the renderer %-formats it: after the sanitizer."""
    return str(sanitize(text))


def check_placeholders(source: str, translation: str) -> str | None:
    want = Counter(PLACEHOLDER_RE.findall(_html(source)))
    got = Counter(PLACEHOLDER_RE.findall(_html(translation)))
    return _difference("placeholders", sorted((want - got).elements()),
                       sorted((got - want).elements()))


def lone_percent(translation: str) -> bool:
    """A '%' that is neither a placeholder nor '%%' breaks %-formatting of the message."""
    return "%" in PLACEHOLDER_RE.sub("", _html(translation)).replace("%%", "")


def check_markup(source: str, translation: str) -> str | None:
    want, got = Counter(tags(source)), Counter(tags(translation))
    outside = sorted({t for t in got if t.strip("</>").split()[0] not in ALLOWED_TAGS})
    if outside:
        return f"markup not allowed in leaflets: {', '.join(outside)}"
    return _difference("inline tags", sorted((want - got).elements()),
                       sorted((got - want).elements()))


def check_links(source: str, translation: str) -> str | None:
    """Each link goes exactly where the source's goes, as the PDF will have it."""
    want, got = Counter(link_targets(source)), Counter(link_targets(translation))
    return _difference("links", sorted((want - got).elements()),
                       sorted((got - want).elements()))


def check_numbers(source: str, translation: str) -> str | None:
    want, got = _numbers(source), _numbers(translation)
    lost = sorted(n for key, forms in want.items()
                  for n in forms[len(got.get(key, ())):])
    added = sorted(n for key, forms in got.items()
                   for n in forms[len(want.get(key, ())):])
    return _difference("numbers", lost, added)


def check_contacts(source: str, translation: str) -> str | None:
    source, translation = _seen(source), _seen(translation)
    for kind, find in (("URL", URL_RE.findall), ("email address", EMAIL_RE.findall),
                       ("phone number", _phones)):
        wanted, given = dict.fromkeys(find(source)), dict.fromkeys(find(translation))
        for found in wanted:  # the same one found, or inside a longer one (+44 ...)
            if found not in given and found not in translation:
                return f"the {kind} {found!r} must appear unchanged"
        for found in given:
            if found not in wanted and found not in source:
                return f"the translation adds the {kind} {found!r}"
    return None


def check_invisible(source: str, translation: str) -> str | None:
    """Control and format characters a reader cannot see: a bidi override shows 48 as 84.
    A joiner inside a word is allowed, and so is a character the source has at that place
    (next to the same character), as often as the source has it."""
    text, original = reader_text(translation), reader_text(source)
    if text.isprintable():
        return None
    budget: Counter[str] = Counter()
    places: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for i, char in enumerate(original):
        if _hidden(char):
            budget[char] += 1
            places[char] |= {("before", original[i - 1:i]), ("after", original[i + 1:i + 2])}
    refused = []
    for i, char in enumerate(text):
        if not _hidden(char):
            continue
        before, after = text[i - 1:i], text[i + 1:i + 2]
        if char in JOINERS and _in_word(before) and _in_word(after):
            continue
        if budget[char] and places[char] & {("before", before), ("after", after)}:
            budget[char] -= 1
            continue
        refused.append(char)
    if not refused:
        return None
    names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'control character')}"
                      for c in dict.fromkeys(refused))
    return f"invisible characters that can reorder or hide what a reader sees: {names}"


def _in_word(char: str) -> bool:
    return bool(char) and unicodedata.category(char)[0] in "LM"


def oversized(source: str, translation: str) -> bool:
    """Whether ``translation`` is far too long to be a translation of ``source``."""
    return len(translation) > OVERSIZE_RATIO * len(source) + OVERSIZE_SLACK


ERROR_CHECKS: dict[str, tuple[Check, str]] = {
    "invisible": (check_invisible, "Delete them and type the text plainly: the leaflet sets "
                                   "each language's direction itself."),
    "placeholder": (check_placeholders, "Copy each %(name)s exactly as in the source."),
    "markup": (check_markup, "Use only the source's tags (<strong>, <em>, <br>, <a href>)."),
    "link": (check_links, "Keep each <a href=\"...\"> of the source with exactly its "
                          "address, and add none."),
    "number": (check_numbers, "Keep every number, dose and date of the source."),
    "contact": (check_contacts, "Copy URLs, email addresses and phone numbers unchanged."),
}


def _diag(path: Path, message: Message, severity: str, code: str, text: str, hint: str
          ) -> Diagnostic:
    key = message.context or _source(message)[:40]
    return Diagnostic(severity, code, Location.of(path, message.lineno, key), text, hint)


def check_catalog(catalog: Catalog, path: Path) -> list[Diagnostic]:
    """Every problem of one catalog (read from ``path``), errors and warnings, in file order."""
    literal = written(path)
    found = [Diagnostic("error", "po-file", Location.of(path, line),
                        "this line is not valid .po syntax; it would be read wrongly",
                        'Put the text in double quotes, writing \\" for a quote inside it; '
                        "or open the file in a .po editor.")
             for line in literal.malformed]
    found += _header_checks(catalog, literal, path)
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        found.extend(_message_checks(catalog, message, literal, path))
    return found


def _header_checks(catalog: Catalog, literal: Written, path: Path) -> Iterator[Diagnostic]:
    if catalog.fuzzy:
        yield Diagnostic("error", "fuzzy-header", Location.of(path, literal.header_line, "header"),
                         "the catalog header is marked fuzzy; gettext tools skip such catalogs",
                         "Remove '#, fuzzy' above the first msgid \"\" once the header is right.")
    header = literal.plural_forms
    where = Location.of(path, literal.plural_forms_line, "Plural-Forms")
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=(.+?);?\s*", header or "")
    if not match:
        yield Diagnostic("error", "plural-forms", where,
                         "missing from the catalog header" if header is None else
                         f"not a valid value: {header!r}",
                         "Let your .po editor set it from the language, or copy it from a "
                         "catalog made by `brochures i18n init CODE`.")
        return
    try:
        gettext.c2py(match[2].strip())
    except (ValueError, SyntaxError, RecursionError) as exc:
        yield Diagnostic("error", "plural-forms", where,
                         f"the plural= expression is invalid ({exc})",
                         "Fix the plural= part, or let your .po editor set it.")


def _message_checks(catalog: Catalog, message: Message, literal: Written, path: Path
                    ) -> Iterator[Diagnostic]:
    strings = _strings(message)
    if not strings:
        return
    source = _source(message)
    if message.pluralizable:
        count = literal.forms.get(message.lineno, len(message.string))
        if count != catalog.num_plurals:
            yield _diag(path, message, "error", "plural-count",
                        f"{count} plural form(s) given, the Plural-Forms header says "
                        f"{catalog.num_plurals}",
                        "Give one msgstr[n] for each plural form, msgstr[0] to "
                        f"msgstr[{catalog.num_plurals - 1}].")
    sources = list(message.id) if message.pluralizable else [source]
    longest_source = max(sources, key=len)
    for translation in strings:
        if oversized(longest_source, translation):
            yield _diag(path, message, "error", "oversized",
                        f"the translation has {len(translation)} characters, the source "
                        f"{len(longest_source)}: far too long to be a translation of it",
                        "Translate the source text, and nothing else, in this message.")
            return  # nothing else reads it: its length alone could make the checks hang
    for translation in strings:
        for code, (check, hint) in ERROR_CHECKS.items():
            problem = None
            for candidate in sources:
                problem = check(candidate, translation)
                if problem is None:
                    break
            if problem:
                yield _diag(path, message, "error", code, problem, hint)
        if _formatted(message) and lone_percent(translation):
            yield _diag(path, message, "error", "placeholder",
                        "a lone '%' breaks this message's placeholders",
                        "Write '%%' for a percent sign in this message.")
    if any(s == source for s in strings) and len(source.split()) >= 3:
        yield _diag(path, message, "warning", "identical",
                    "translation is identical to the English source",
                    "Translate it, or keep it if the text is the same in your language.")
    longest = max(len(reader_text(s)) for s in strings)
    length = len(reader_text(source))
    if longest > LONG_RATIO * length + LONG_SLACK:
        yield _diag(path, message, "warning", "too-long",
                    f"translation is {longest / max(length, 1):.1f}x the source's length; "
                    "it may not fit the layout", "Shorten it if the leaflet overflows.")
