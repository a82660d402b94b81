"""Inline markup allowed in content and translations; everything else is escaped or stripped."""

from __future__ import annotations

import html
import re

import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = frozenset({"strong", "em", "br", "a"})
# "*" empty: nh3 would otherwise keep lang and title on every tag, and lang changes fonts.
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}, "*": set()}
URL_SCHEMES = frozenset({"https", "tel", "mailto"})
_SCHEME_RE = re.compile(r"(?:" + "|".join(sorted(URL_SCHEMES)) + r"):", re.IGNORECASE)
# Every pattern here runs on untrusted text, so each is linear: no part can re-scan what
# another part already read (a tag ends at the next "<" or ">", a name starts a word).
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^<>]*)>")
_ATTRIBUTE_RE = re.compile(r"(?<![a-zA-Z-])([a-zA-Z-]+)\s*=")
# In the sanitizer's own output every "<" starts a tag and attribute values are quoted
# with '"' (a '"' inside one is written &quot;), so these patterns read it exactly.
_CLEAN_TAG_OR_QUOTE_RE = re.compile(r"(<[^<>]*>)|[\"']")
_CLEAN_TAG_RE = re.compile(r"<(br)?[^<>]*>")
_HREF_RE = re.compile(r'<a\s[^<>]*?\bhref="([^"]*)"')


def sanitize(text: str) -> Markup:
    """``text`` as safe HTML: allowlisted inline tags kept, everything else removed.

    Other tags are stripped with their text kept; ``<script>`` and ``<style>`` lose their
    content too. Plain text comes back escaped, so ``a < b`` stays readable. Quotes are
    escaped as well, so the result is safe inside an attribute value (an ``alt`` text).
    """
    if "<" not in text and "&" not in text:
        return Markup(escape(text))
    cleaned = nh3.clean(text, tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES,
                        url_schemes=set(URL_SCHEMES), link_rel=None,
                        clean_content_tags={"script", "style"}, strip_comments=True,
                        attribute_filter=_absolute_links)
    # nh3 leaves quotes in text as they are; outside an attribute that is harmless, inside
    # one (alt="{{ _(...) }}") a quote would end it and let a translation add a style.
    return Markup(_CLEAN_TAG_OR_QUOTE_RE.sub(_escape_quote, cleaned))


def _escape_quote(match: re.Match[str]) -> str:
    return match[1] or ("&#34;" if match[0] == '"' else "&#39;")


def plain_text(text: str) -> str:
    """``text`` without any markup, entities decoded and white space collapsed (for plain
    text such as an email's subject or its text part)."""
    return Markup(sanitize(text)).striptags()


def reader_text(text: str) -> str:
    """What a reader of the leaflet sees of ``text``: sanitized exactly as the renderer
    does, a ``<br>`` read as a line break, other tags dropped, entities decoded."""
    cleaned = str(sanitize(text))
    return html.unescape(_CLEAN_TAG_RE.sub(lambda m: "\n" if m[1] else "", cleaned))


def link_targets(text: str) -> list[str]:
    """The address of every link the renderer makes of ``text``, as the PDF will have it."""
    return [html.unescape(href) for href in _HREF_RE.findall(str(sanitize(text)))]


def _absolute_links(tag: str, attribute: str, value: str) -> str | None:
    """Drop relative links: against the templates folder they would name local files."""
    if attribute == "href" and not _SCHEME_RE.match(value.strip()):
        return None
    return value


def tags(text: str) -> list[str]:
    """The inline tags of a message, as a comparable list like ``['<a href>', '</a>']``."""
    result = []
    for closing, name, rest in _TAG_RE.findall(text):
        attrs = sorted(_ATTRIBUTE_RE.findall(rest))
        label = f"<{closing}{name.lower()}" + "".join(f" {a}" for a in attrs) + ">"
        result.append(label)
    return sorted(result)
