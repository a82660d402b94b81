"""Translation checks: each finds one kind of damage a translation can do to a leaflet."""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from brochures.errors import Diagnostic, Location
from brochures.markup import ALLOWED_TAGS, tags

PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"')]+", re.I)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_RE = re.compile(r"\+?\d[\d ()-]{6,}\d")
LONG_RATIO, LONG_SLACK = 1.8, 20


def _digits(text: str) -> str:
    """Any script's decimal digits as ASCII, so ١٢ and 12 compare equal."""
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)


def _numbers(text: str) -> Counter:
    text = PLACEHOLDER_RE.sub(" ", URL_RE.sub(" ", EMAIL_RE.sub(" ", text)))
    return Counter(re.findall(r"\d+(?:[.,]\d+)?", _digits(text)))


def _strings(message: Message) -> list[str]:
    if isinstance(message.string, (list, tuple)):
        return [s for s in message.string if s]
    return [message.string] if message.string else []


def _source(message: Message) -> str:
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


Check = Callable[[str, str], str | None]


def check_placeholders(source: str, translation: str) -> str | None:
    want, got = Counter(PLACEHOLDER_RE.findall(source)), Counter(PLACEHOLDER_RE.findall(translation))
    if want != got:
        return (f"placeholders differ: source has {sorted(want.elements()) or 'none'}, "
                f"translation has {sorted(got.elements()) or 'none'}")
    if "%" in PLACEHOLDER_RE.sub("", translation).replace("%%", ""):
        return "a lone '%' would break the placeholders; write '%%' for a percent sign"
    return None


def check_markup(source: str, translation: str) -> str | None:
    got = tags(translation)
    outside = sorted({t for t in got if t.strip("</>").split()[0] not in ALLOWED_TAGS})
    if outside:
        return f"markup not allowed in leaflets: {', '.join(outside)}"
    if tags(source) != got:
        return f"inline markup differs: source has {tags(source) or 'none'}, translation has {got}"
    return None


def check_numbers(source: str, translation: str) -> str | None:
    want, got = _numbers(source), _numbers(translation)
    if want != got:
        lost = sorted((want - got).elements())
        added = sorted((got - want).elements())
        return "numbers differ:" + (f" missing {lost}" if lost else "") + (
            f" added {added}" if added else "")
    return None


def check_contacts(source: str, translation: str) -> str | None:
    for kind, pattern in (("URL", URL_RE), ("email address", EMAIL_RE), ("phone number", PHONE_RE)):
        for found in pattern.findall(source):
            if found not in translation:
                return f"the {kind} {found!r} must appear unchanged"
        for found in pattern.findall(translation):
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
    """Every problem of one catalog, errors and warnings, in file order."""
    found = list(_header_checks(catalog, path))
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        found.extend(_message_checks(catalog, message, path))
    return found


def _header_checks(catalog: Catalog, path: Path) -> Iterator[Diagnostic]:
    where = Location.of(path, 1, "header")
    if catalog.fuzzy:
        yield Diagnostic("error", "fuzzy-header", where,
                         "the catalog header is marked fuzzy; gettext tools skip such catalogs",
                         "Remove '#, fuzzy' above the first msgid \"\" once the header is right.")
    header = dict(catalog.mime_headers).get("Plural-Forms", "")
    match = re.fullmatch(r"\s*nplurals=(\d+);\s*plural=(.+?);?\s*", header)
    if not match:
        yield Diagnostic("error", "plural-forms", where,
                         f"Plural-Forms header is missing or invalid: {header!r}",
                         "Let your .po editor set it from the language, or copy it from "
                         "`brochures i18n init CODE`.")
        return
    try:
        gettext.c2py(match[2].strip())
    except (ValueError, SyntaxError, RecursionError) as exc:
        yield Diagnostic("error", "plural-forms", where,
                         f"Plural-Forms expression is invalid ({exc})", "Fix the plural= part.")


def _message_checks(catalog: Catalog, message: Message, path: Path) -> Iterator[Diagnostic]:
    strings = _strings(message)
    if not strings:
        return
    source = _source(message)
    if message.pluralizable:
        if len(message.string) != catalog.num_plurals:
            yield _diag(path, message, "error", "plural-count",
                        f"{len(message.string)} plural forms given, the header says "
                        f"{catalog.num_plurals}",
                        "Give one msgstr[n] for each plural form of the language.")
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
    if any(s == source for s in strings) and len(source.split()) >= 3:
        yield _diag(path, message, "warning", "identical",
                    "translation is identical to the English source",
                    "Translate it, or keep it if the word is the same in your language.")
    longest = max(len(s) for s in strings)
    if longest > LONG_RATIO * len(source) + LONG_SLACK:
        yield _diag(path, message, "warning", "too-long",
                    f"translation is {longest / max(len(source), 1):.1f}x the source's length; "
                    "it may not fit the layout", "Shorten it if the leaflet overflows.")
