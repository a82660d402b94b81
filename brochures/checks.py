"""Translation checks: each finds one kind of damage a translation can do to a leaflet."""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from brochures.catalogs import Written, written
from brochures.errors import Diagnostic, Location
from brochures.markup import ALLOWED_TAGS, tags

PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"')]+", re.I)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_RE = re.compile(r"\+?\d[\d ()-]{6,}\d")
ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A number with optional digit groups and decimals; "1,000.5", "1.000,5" and "1 000,5" are
# one number written three ways, so separators are compared as equal.
NUMBER_RE = re.compile(r"\d+(?:[ \u00a0\u202f.,]\d{3}(?!\d))*(?:[.,]\d+)?")
SEPARATORS_RE = re.compile(r"[ \u00a0\u202f.,]")
TAG_RE = re.compile(r"<[^<>]*>")
LONG_RATIO, LONG_SLACK = 1.8, 20


def _digits(text: str) -> str:
    """Any script's decimal digits as ASCII, so ١٢ and 12 compare equal."""
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)


def _visible(text: str) -> str:
    """The text a reader sees: inline tags (and their attributes) left out."""
    return TAG_RE.sub("", text)


def _phones(text: str) -> list[str]:
    """Phone numbers: eight digits or more, dates such as 2022-10-30 excepted."""
    return [found for found in PHONE_RE.findall(text)
            if sum(c.isdigit() for c in found) >= 8 and not ISO_DATE_RE.fullmatch(found)]


def _numbers(text: str) -> dict[str, list[str]]:
    """Each number of ``text`` (as written) under a key that ignores its separators."""
    text = _visible(PLACEHOLDER_RE.sub(" ", URL_RE.sub(" ", EMAIL_RE.sub(" ", _digits(text)))))
    for phone in _phones(text):  # the contact check compares those
        text = text.replace(phone, " ")
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


def check_placeholders(source: str, translation: str) -> str | None:
    want = Counter(PLACEHOLDER_RE.findall(source))
    got = Counter(PLACEHOLDER_RE.findall(translation))
    return _difference("placeholders", sorted((want - got).elements()),
                       sorted((got - want).elements()))


def lone_percent(translation: str) -> bool:
    """A '%' that is neither a placeholder nor '%%' breaks %-formatting of the message."""
    return "%" in PLACEHOLDER_RE.sub("", translation).replace("%%", "")


def check_markup(source: str, translation: str) -> str | None:
    want, got = Counter(tags(source)), Counter(tags(translation))
    outside = sorted({t for t in got if t.strip("</>").split()[0] not in ALLOWED_TAGS})
    if outside:
        return f"markup not allowed in leaflets: {', '.join(outside)}"
    return _difference("inline tags", sorted((want - got).elements()),
                       sorted((got - want).elements()))


def check_numbers(source: str, translation: str) -> str | None:
    want, got = _numbers(source), _numbers(translation)
    lost = sorted(n for key, forms in want.items()
                  for n in forms[len(got.get(key, ())):])
    added = sorted(n for key, forms in got.items()
                   for n in forms[len(want.get(key, ())):])
    return _difference("numbers", lost, added)


def check_contacts(source: str, translation: str) -> str | None:
    source, translation = _digits(source), _digits(translation)
    for kind, find in (("URL", URL_RE.findall), ("email address", EMAIL_RE.findall),
                       ("phone number", _phones)):
        for found in find(source):
            if found not in translation:
                return f"the {kind} {found!r} must appear unchanged"
        for found in find(translation):
            if found not in source:
                return f"the translation adds the {kind} {found!r}"
    return None


ERROR_CHECKS: dict[str, tuple[Check, str]] = {
    "placeholder": (check_placeholders, "Copy each %(name)s exactly as in the source."),
    "markup": (check_markup, "Use only the source's tags (<strong>, <em>, <br>, <a href>)."),
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
    longest, length = max(len(_visible(s)) for s in strings), len(_visible(source))
    if longest > LONG_RATIO * length + LONG_SLACK:
        yield _diag(path, message, "warning", "too-long",
                    f"translation is {longest / max(length, 1):.1f}x the source's length; "
                    "it may not fit the layout", "Shorten it if the leaflet overflows.")
