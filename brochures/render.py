"""Render one leaflet's HTML: content and template strings translated, styles per language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2
import pyphen
import segno
from markupsafe import Markup

from brochures import __version__
from brochures.catalogs import Translator
from brochures.content import FIGURES, Block, Brochure, Clinic, Message, Section
from brochures.errors import BrochuresError, Location
from brochures.fonts import FontConfig
from brochures.locales import LocaleInfo
from brochures.markup import plain_text, sanitize
from brochures.variants import Variant

_PAGE_FIELDS = re.compile(r"\[\[(page|pages)\]\]")
_CSS_SPECIAL = frozenset("\\\"'<>&")


def make_environment(templates_dir: str, autoescape: bool = True) -> jinja2.Environment:
    """The Jinja2 environment: autoescape (HTML), undefined names are errors, i18n extension."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.filters["css_counter"] = css_counter
    return env


def install_translator(env: jinja2.Environment, translator: Translator, html: bool = True
                       ) -> None:
    """Make ``_()`` and friends in ``env`` translate through ``translator``.

    Translations are sanitized HTML for HTML templates and plain text for text templates,
    so a translator's markup can never inject anything either way.
    """
    clean = (lambda text: str(sanitize(text))) if html else plain_text

    def gettext(message: str) -> str:
        return clean(translator.gettext(message))

    def ngettext(singular: str, plural: str, n: int) -> str:
        return clean(translator.ngettext(singular, plural, n))

    def pgettext(context: str, message: str) -> str:
        return clean(translator.pgettext(context, message))

    def npgettext(context: str, singular: str, plural: str, n: int) -> str:
        return clean(translator.npgettext(context, singular, plural, n))

    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext,
                                  npgettext=npgettext)


@dataclass(frozen=True)
class Page:
    """The HTML of one leaflet and what rendering it learned."""

    html: str
    draft: bool
    missing: frozenset[tuple[str | None, str]]


def css_string(text: str) -> str:
    """``text`` as a CSS string literal that cannot end the string or the <style> element:
    quotes, backslash, <, >, & and every character that is not printable (CSS counts form
    feed and carriage return as new lines) are written as hex escapes."""
    return '"' + "".join(c if c.isprintable() and c not in _CSS_SPECIAL else f"\\{ord(c):x} "
                         for c in text) + '"'


def locale_css(info: LocaleInfo, fonts: FontConfig, variant: Variant) -> str:
    """Per-language CSS: the font stack, line height, hyphenation, running footer sides."""
    stack = fonts.families(info, variant.text_layer)
    families = ", ".join(css_string(family) for family in stack)
    hyphens = "auto" if pyphen.language_fallback(info.code) else "manual"
    title_side = "right" if info.rtl else "left"
    leading = fonts.leading(stack)
    footer = (f"@bottom-{title_side} {{ content: string(leaflet-title); font-size: 8.5pt; "
              "color: #4a5457; }" if variant.footer and variant.running_title else "")
    return f"""
html {{ font-family: {families}; line-height: {leading}; }}
h1, h2, h3 {{ line-height: {leading - 0.25:.2f}; }}
.skin-diagram .label {{ line-height: {max(1.15, leading - 0.35):.2f}; }}
p, li {{ hyphens: {hyphens}; }}
@page {{ font-family: {families}; {footer} }}
h1 {{ string-set: leaflet-title content(text); }}
"""


def css_counter(label: str) -> Markup:
    """A translated "Page [[page]] of [[pages]]" (sanitized HTML) as CSS ``content`` with
    page counters: its text as a reader would see it, each piece a CSS string."""
    parts = []
    for piece in _PAGE_FIELDS.split(Markup(label).striptags()):
        if piece in ("page", "pages"):
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return Markup(" ".join(parts) or "counter(page)")


class Renderer:
    """Renders leaflets with one Jinja environment, reused for every document."""

    def __init__(self, templates_dir: str, fonts: FontConfig) -> None:
        self.env = make_environment(templates_dir)
        self.fonts = fonts

    def render(self, brochure: Brochure, clinic: Clinic, info: LocaleInfo, variant: Variant,
               translator: Translator, reviewed: str | None = None) -> Page:
        """The leaflet's HTML; marked as a draft when any string is untranslated."""
        translator.missing.clear()
        html = self._render(brochure, clinic, info, variant, translator, False, reviewed)
        missing = frozenset(translator.missing)
        if missing:
            html = self._render(brochure, clinic, info, variant, translator, True, reviewed)
        return Page(html, bool(missing), missing)

    def _render(self, brochure: Brochure, clinic: Clinic, info: LocaleInfo, variant: Variant,
                translator: Translator, draft: bool, reviewed: str | None) -> str:
        install_translator(self.env, translator)
        template_path = f"{self.env.loader.searchpath[0]}/{variant.template}"  # type: ignore[union-attr]
        context: dict[str, Any] = {
            "brochure": _brochure_view(brochure, info, translator),
            "clinic": _clinic_view(clinic),
            "qr": _qr_view(clinic.leaflet_link(brochure.id, info.code)),
            "locale": info,
            "variant": variant,
            "locale_css": Markup(locale_css(info, self.fonts, variant)),
            "draft": draft,
            "reviewed": reviewed,
            "tool_version": __version__,
        }
        try:
            return self.env.get_template(variant.template).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise BrochuresError(f"template syntax error: {exc.message}",
                                 Location.of(exc.filename or template_path, exc.lineno)) from None
        except jinja2.UndefinedError as exc:
            raise BrochuresError(f"template error: {exc.message}",
                                 Location.of(*_template_location(exc, template_path)),
                                 "Use only the variables the renderer passes: brochure, "
                                 "clinic, qr, locale, variant, draft, reviewed.") from None
        except jinja2.TemplateNotFound as exc:
            raise BrochuresError(f"template {exc.name!r} not found",
                                 Location.of(template_path)) from None
        except (KeyError, ValueError, TypeError) as exc:
            raise BrochuresError(
                f"a translation of {info.code} does not fit its placeholders ({exc})",
                Location.of(template_path),
                "Run `brochures check` to find the message.") from None


def _template_location(exc: BaseException, fallback: str) -> tuple[str, int | None]:
    """The template file and line an error was raised in (partials included)."""
    found: tuple[str, int | None] = (fallback, None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".html"):
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _text(message: Message | None, translator: Translator) -> Markup | None:
    if message is None:
        return None
    return sanitize(translator.pgettext(message.context, message.text))


def _block_view(block: Block, translator: Translator) -> dict[str, Any]:
    return {"id": block.id, "text": _text(block.text, translator), "ordered": block.ordered,
            "entries": [_text(item, translator) for item in block.items]}


def _section_view(section: Section, translator: Translator) -> dict[str, Any]:
    return {"id": section.id, "heading": _text(section.heading, translator),
            "body": [_block_view(b, translator) for b in section.body],
            "figure": FIGURES[section.figure] if section.figure else None,
            "subsections": [_section_view(s, translator) for s in section.subsections]}


def _brochure_view(brochure: Brochure, info: LocaleInfo, translator: Translator
                   ) -> dict[str, Any]:
    sections = [_section_view(s, translator) for s in brochure.sections]
    by_id = {section["id"]: section for section in sections}
    return {
        "id": brochure.id,
        "title": _text(brochure.title, translator),
        "summary": _text(brochure.summary, translator),
        "sections": sections,
        "trifold": {"flap": [by_id[i] for i in brochure.trifold_flap],
                    "inside": [by_id[i] for i in brochure.trifold_inside]},
        "version": brochure.version,
        "published": info.format_date(brochure.published),
        "review_by": info.format_date(brochure.review_by),
        "published_iso": brochure.published.isoformat(),
    }


@lru_cache(maxsize=256)
def _qr_view(url: str) -> dict[str, str]:
    """A QR code for ``url`` as an SVG data: URL (allowed by the jailed fetcher)."""
    code = segno.make(url, error="m", micro=False)
    # A four-module quiet zone is part of the image, so nothing printed next to it
    # can stop a phone from finding the code.
    return {"url": url, "label": url.removeprefix("https://").rstrip("/"),
            "data_uri": code.svg_data_uri(border=4, dark="#000", light="#fff")}


def _clinic_view(clinic: Clinic) -> dict[str, Any]:
    return {
        "name": clinic.name,
        "address": clinic.address,
        "phone": clinic.phone,
        "phone_uri": re.sub(r"[^0-9+]", "", clinic.phone),
        "email": clinic.email,
        "website": clinic.website,
        "website_label": clinic.website.removeprefix("https://").rstrip("/"),
        "logo_url": clinic.logo.as_uri() if clinic.logo else None,
    }
