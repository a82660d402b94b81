"""Inline markup allowed in content and translations; everything else is escaped or stripped."""

from __future__ import annotations

import re

import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = frozenset({"strong", "em", "br", "a"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"https", "tel", "mailto"})
_TAG_RE = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")


def sanitize(text: str) -> Markup:
    """``text`` as safe HTML: allowlisted inline tags kept, everything else escaped.

    Tags outside the allowlist are not dropped silently with their content: nh3 escapes
    them so a reader sees them, and ``<script>``/``<style>`` lose their content entirely.
    """
    if "<" not in text and "&" not in text:
        return Markup(escape(text))
    cleaned = nh3.clean(text, tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES,
                        url_schemes=set(URL_SCHEMES), link_rel=None,
                        clean_content_tags={"script", "style"}, strip_comments=True)
    return Markup(cleaned)


def plain_text(text: str) -> str:
    """``text`` without any markup, entities decoded and white space collapsed (for plain
    text such as an email's subject or its text part)."""
    return Markup(sanitize(text)).striptags()


def tags(text: str) -> list[str]:
    """The inline tags of a message, as a comparable list like ``['<a href>', '</a>']``."""
    result = []
    for closing, name, rest in _TAG_RE.findall(text):
        attrs = sorted(re.findall(r"([a-zA-Z-]+)\s*=", rest))
        label = f"<{closing}{name.lower()}" + "".join(f" {a}" for a in attrs) + ">"
        result.append(label)
    return sorted(result)
