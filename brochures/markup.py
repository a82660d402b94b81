"""Inline markup allowed in content and translations; everything else is escaped or stripped."""

from __future__ import annotations

import re

import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = frozenset({"strong", "em", "br", "a"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"https", "tel", "mailto"})
_SCHEME_RE = re.compile(r"(?:" + "|".join(sorted(URL_SCHEMES)) + r"):", re.IGNORECASE)
_TAG_RE = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")


def sanitize(text: str) -> Markup:
    """``text`` as safe HTML: allowlisted inline tags kept, everything else removed.

    Other tags are stripped with their text kept; ``<script>`` and ``<style>`` lose their
    content too. Plain text comes back escaped, so ``a < b`` stays readable.
    """
    if "<" not in text and "&" not in text:
        return Markup(escape(text))
    cleaned = nh3.clean(text, tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES,
                        url_schemes=set(URL_SCHEMES), link_rel=None,
                        clean_content_tags={"script", "style"}, strip_comments=True,
                        attribute_filter=_absolute_links)
    return Markup(cleaned)


def plain_text(text: str) -> str:
    """``text`` without any markup, entities decoded and white space collapsed (for plain
    text such as an email's subject or its text part)."""
    return Markup(sanitize(text)).striptags()


def _absolute_links(tag: str, attribute: str, value: str) -> str | None:
    """Drop relative links: against the templates folder they would name local files."""
    if attribute == "href" and not _SCHEME_RE.match(value.strip()):
        return None
    return value


def tags(text: str) -> list[str]:
    """The inline tags of a message, as a comparable list like ``['<a href>', '</a>']``."""
    result = []
    for closing, name, rest in _TAG_RE.findall(text):
        attrs = sorted(re.findall(r"([a-zA-Z-]+)\s*=", rest))
        label = f"<{closing}{name.lower()}" + "".join(f" {a}" for a in attrs) + ">"
        result.append(label)
    return sorted(result)
