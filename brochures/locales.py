"""What a locale means for typesetting: language tag, direction, script, names, dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.core import get_global
from babel.dates import format_date

from brochures.project import parse_locale


@dataclass(frozen=True)
class LocaleInfo:
    """Facts about one catalog locale, all taken from CLDR through Babel."""

    code: str         # the catalog's code, e.g. "zh_Hans"
    tag: str          # BCP 47 for HTML and PDF, e.g. "zh-Hans"
    language: str     # e.g. "zh"
    script: str       # ISO 15924, e.g. "Hans"
    direction: str    # "ltr" or "rtl"
    name: str         # the language's name in its own script, e.g. "中文 (简体)"
    english_name: str

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    def format_date(self, value: dt.date) -> str:
        """A date written the way this language writes it (e.g. "30 de octubre de 2022")."""
        return format_date(value, format="long", locale=self.code)


@cache
def locale_info(code: str) -> LocaleInfo:
    """Typesetting facts for ``code``; an unknown locale is a :class:`BrochuresError`."""
    locale = parse_locale(code)
    script = locale.script or _likely_script(locale)
    tag = "-".join(p for p in (locale.language, locale.script, locale.territory) if p)
    name = locale.get_display_name(locale) or code
    return LocaleInfo(code=code, tag=tag, language=locale.language, script=script,
                      direction=locale.text_direction, name=name[:1].upper() + name[1:],
                      english_name=locale.get_display_name("en") or code)


def _likely_script(locale: Locale) -> str:
    likely = get_global("likely_subtags")
    for key in (f"{locale.language}_{locale.territory}", locale.language):
        if key in likely:
            parts = likely[key].split("_")
            if len(parts) > 1 and len(parts[1]) == 4:
                return parts[1]
    return "Latn"


def closest_locale(code: str, available: list[str]) -> str | None:
    """The catalog in ``available`` that best serves a reader of ``code``, or None.

    Exact code first, then a catalog of the same language written in the same script
    (``pt_BR`` -> ``pt``, ``zh_CN`` -> ``zh_Hans``); never another script, since a reader
    of Shahmukhi (``pa_PK``) cannot read Gurmukhi (``pa``). Regional catalogs come last.
    """
    wanted = locale_info(code)
    by_code = {c.lower(): c for c in available}
    if code.replace("-", "_").lower() in by_code:
        return by_code[code.replace("-", "_").lower()]
    same = [c for c in available
            if (locale_info(c).language, locale_info(c).script) == (wanted.language,
                                                                    wanted.script)]
    same.sort(key=lambda c: (parse_locale(c).territory is not None, c))
    return same[0] if same else None
