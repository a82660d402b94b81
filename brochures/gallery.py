"""output/index.html from the manifest: a card per brochure and language, with thumbnails."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote

import pypdfium2 as pdfium
from babel.dates import format_date

from brochures.errors import BrochuresError
from brochures.fileio import write_atomic, write_if_changed
from brochures.fonts import FontConfig
from brochures.locales import LocaleInfo, locale_info
from brochures.project import SOURCE_LOCALE
from brochures.publish import DocumentRecord
from brochures.variants import VARIANTS

GALLERY = "index.html"
THUMBNAILS = "thumbnails"
THUMBNAIL_WIDTH = 360  # pixels: sharp at 180 CSS pixels on a high-density phone screen
# A page longer than this (either way) shows its start, so that no thumbnail is more than
# 360 x 1080 pixels, whatever page size a template or a translation asked for.
MAX_ASPECT = 3
_THUMBNAIL_NAME = re.compile(r"^[A-Za-z0-9_]+-[0-9a-f]{16}\.png$")


@dataclass(frozen=True)
class Card:
    """One brochure in one language, as the gallery shows it."""

    brochure: str
    locale: str
    info: LocaleInfo | None
    title: str
    state: str                            # draft, original, complete or "reviewed YYYY-MM-DD"
    documents: tuple[DocumentRecord, ...]
    present: frozenset[str]               # paths of the documents whose file exists
    thumbnail: str | None = None          # relative to the output folder
    thumbnail_size: tuple[int, int] = (0, 0)


def write_gallery(output: Path, records: dict[tuple[str, str, str], DocumentRecord],
                  fonts: FontConfig | None = None, say: Callable[[str], None] = print) -> Path:
    """Write ``output/index.html`` for every document in ``records``.

    Page 1 of each brochure and language is rendered to a PNG under thumbnails/ whose name
    holds the PDF's sha256, so a thumbnail is made again only when its PDF changed. A PDF
    that cannot be previewed gets a card without a picture, and ``say`` is told why.
    """
    groups: dict[tuple[str, str], list[DocumentRecord]] = {}
    for key in sorted(records):
        record = records[key]
        groups.setdefault((record.brochure, record.locale), []).append(record)
    cards = [_card(output, documents, say) for documents in groups.values()]
    _remove_stale_thumbnails(output, {card.thumbnail for card in cards if card.thumbnail})
    path = output / GALLERY
    write_if_changed(path, render_gallery(cards, fonts).encode("utf-8"))
    return path


def _card(output: Path, documents: list[DocumentRecord], say: Callable[[str], None]) -> Card:
    first = documents[0]
    try:
        info: LocaleInfo | None = locale_info(first.locale)
    except BrochuresError:
        info = None
    order = list(VARIANTS)
    present = sorted((d for d in documents if (output / d.path).is_file()),
                     key=lambda d: (order.index(d.variant) if d.variant in order
                                    else len(order), d.variant))
    card = Card(first.brochure, first.locale, info, first.brochure, _state(documents),
                tuple(documents), frozenset(d.path for d in present))
    return _with_page_one(output, card, present[0], say) if present else card


def _state(documents: list[DocumentRecord]) -> str:
    if any(d.draft for d in documents):
        return "draft"
    if documents[0].locale == SOURCE_LOCALE:
        return "original"
    reviewed = {d.built_from.get("reviewed") for d in documents}
    if len(reviewed) == 1 and None not in reviewed:
        return f"reviewed {reviewed.pop()}"
    return "complete"


def _with_page_one(output: Path, card: Card, record: DocumentRecord,
                   say: Callable[[str], None]) -> Card:
    """The card with the PDF's title and page 1 as a PNG (rendered only when new)."""
    relative = f"{THUMBNAILS}/{record.brochure}/{record.locale}-{record.sha256[:16]}.png"
    target = output / relative
    try:
        document = pdfium.PdfDocument(output / record.path)
    except (pdfium.PdfiumError, OSError) as exc:
        say(f"warning: {record.path}: no preview in the gallery, the PDF cannot be read "
            f"({exc})")
        return card
    try:
        title = document.get_metadata_dict().get("Title") or card.title
        page = document[0]
        scale, crop, size = _framing(*page.get_size())
        if not target.is_file():
            image = page.render(scale=scale, crop=crop).to_pil()
            buffer = io.BytesIO()
            # 128 colours keep text crisp at a third of the size of a full-colour PNG
            image.convert("RGB").quantize(colors=128).save(buffer, "PNG", optimize=True)
            write_atomic(target, buffer.getvalue())
        page.close()
    except (pdfium.PdfiumError, ValueError, IndexError, MemoryError) as exc:
        say(f"warning: {record.path}: no preview in the gallery, page 1 cannot be drawn "
            f"({exc or type(exc).__name__})")
        return card
    finally:
        document.close()
    return Card(card.brochure, card.locale, card.info, title, card.state, card.documents,
                card.present, relative, (size[0] // 2, size[1] // 2))


def _framing(width: float, height: float
             ) -> tuple[float, tuple[float, float, float, float], tuple[int, int]]:
    """How to render a page of ``width`` x ``height`` points as a thumbnail: the scale, what
    to crop (left, bottom, right, top) and the size in pixels, at most 360 x 1080."""
    if not (0 < width < float("inf") and 0 < height < float("inf")):
        raise ValueError(f"page 1 is {width:g} x {height:g} points")
    shown = (min(width, height * MAX_ASPECT), min(height, width * MAX_ASPECT))
    scale = THUMBNAIL_WIDTH / shown[0]
    crop = (0.0, height - shown[1], width - shown[0], 0.0)  # keep the top left
    # the bitmap's size as pypdfium2 works it out
    pixels = [math.ceil(side * scale) for side in (width, height)]
    pixels[0] -= math.ceil(crop[0] * scale) + math.ceil(crop[2] * scale)
    pixels[1] -= math.ceil(crop[1] * scale) + math.ceil(crop[3] * scale)
    return scale, crop, (pixels[0], pixels[1])


def _remove_stale_thumbnails(output: Path, keep: set[str]) -> None:
    """Delete thumbnails of PDFs that changed or left the manifest (only names we write)."""
    folder = output / THUMBNAILS
    if not folder.is_dir():
        return
    for path in folder.glob("*/*.png"):
        if _THUMBNAIL_NAME.match(path.name) and path.relative_to(output).as_posix() not in keep:
            path.unlink(missing_ok=True)
    for sub in folder.iterdir():
        if sub.is_dir() and not any(sub.iterdir()):
            sub.rmdir()


def _href(relative: str) -> str:
    return escape(quote(relative, safe="/"))


def _size(count: int) -> str:
    if count < 1000:
        return f"{count} B"
    if count < 1_000_000:
        return f"{count / 1000:.0f} kB"
    return f"{count / 1_000_000:.1f} MB"


def _state_html(state: str) -> str:
    if state.startswith("reviewed "):
        day = dt.date.fromisoformat(state.split(" ", 1)[1])
        return (f'<p class="state state-reviewed">Translation reviewed on <time datetime="'
                f'{day.isoformat()}">{format_date(day, "long", locale="en")}</time></p>')
    text = {"draft": "Draft: translation incomplete",
            "original": "Original text",
            "complete": "Translation complete, not yet reviewed"}[state]
    return f'<p class="state state-{state}">{text}</p>'


def _card_html(card: Card) -> str:
    info = card.info
    tag = info.tag if info else card.locale.replace("_", "-")
    english = f"{info.english_name} ({card.locale})" if info else card.locale
    links = []
    for doc in card.documents:
        facts = f"{doc.pages} page{'' if doc.pages == 1 else 's'}, {_size(doc.bytes)}"
        if doc.path in card.present:
            about = VARIANTS[doc.variant].description if doc.variant in VARIANTS else ""
            links.append(f'<li><a href="{_href(doc.path)}" type="application/pdf" '
                         f'hreflang="{escape(tag)}" title="{escape(about)}">'
                         f'{escape(doc.variant)}</a> '
                         f'<span class="facts">{facts}</span></li>')
        else:
            links.append(f'<li>{escape(doc.variant)} <span class="facts">missing: run '
                         "brochures build</span></li>")
    if card.thumbnail:
        first = next(d for d in card.documents if d.path in card.present)
        width, height = card.thumbnail_size
        picture = (f'<a class="thumb" href="{_href(first.path)}" tabindex="-1">'
                   f'<img src="{_href(card.thumbnail)}" width="{width}" height="{height}" '
                   f'lang="en" alt="Page 1 of the {escape(english)} PDF"></a>')
    else:
        picture = '<div class="thumb none" lang="en">No preview</div>'
    return f"""<li class="card" lang="{escape(tag)}" dir="{info.direction if info else 'auto'}">
  {picture}
  <div class="about">
    <h3 class="language">{escape(info.name if info else card.locale)}</h3>
    <p class="title">{escape(card.title)}</p>
    <div class="meta" lang="en" dir="ltr">
      <p class="english">{escape(english)}</p>
      {_state_html(card.state)}
      <ul class="documents">{"".join(links)}</ul>
    </div>
  </div>
</li>"""


def _font_rules(cards: list[Card], fonts: FontConfig | None) -> str:
    """Each language's fonts from templates/fonts.yaml, as in its leaflets (when installed)."""
    if fonts is None:
        return ""
    rules = {}
    for card in cards:
        if card.info and card.info.tag not in rules:
            stack = fonts.families(card.info, False)
            families = ", ".join(f'"{f}"' for f in stack if '"' not in f)
            rules[card.info.tag] = (f'.card:lang({card.info.tag}) .language, '
                                    f'.card:lang({card.info.tag}) .title '
                                    f'{{ font-family: {families}, sans-serif; '
                                    f'line-height: {fonts.leading(stack)}; }}')
    return "\n".join(rules.values())


def render_gallery(cards: list[Card], fonts: FontConfig | None = None) -> str:
    """The whole index.html: self-contained (inline CSS, relative links, no script)."""
    sections = []
    by_brochure: dict[str, list[Card]] = {}
    for card in cards:
        by_brochure.setdefault(card.brochure, []).append(card)
    for brochure, group in by_brochure.items():
        group.sort(key=lambda c: (c.locale != SOURCE_LOCALE, c.locale))
        heading = group[0].title if group[0].locale == SOURCE_LOCALE else brochure
        items = "\n".join(_card_html(card) for card in group)
        sections.append(f'<section id="{escape(brochure)}">\n'
                        f'<h2>{escape(heading)} <span class="id">{escape(brochure)}</span></h2>\n'
                        f'<ul class="cards">\n{items}\n</ul>\n</section>')
    languages = len({card.locale for card in cards})
    documents = sum(len(card.documents) for card in cards)
    summary = (f"{len(by_brochure)} leaflet{'' if len(by_brochure) == 1 else 's'} in "
               f"{languages} language{'' if languages == 1 else 's'}, "
               f"{documents} document{'' if documents == 1 else 's'}")
    body = "\n".join(sections) or "<p>No leaflets have been built yet.</p>"
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="brochures">
<title>Leaflets</title>
<style>
{_CSS}
{_font_rules(cards, fonts)}
</style>
</head>
<body>
<header><h1>Leaflets</h1><p>{summary}. Open a PDF to print it or send it.</p></header>
<main>
{body}
</main>
</body>
</html>
"""


_CSS = """\
:root { --accent: #0b6e69; --ink: #1d2426; --muted: #4a5457; --tint: #e7f3f2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #f4f7f7;
       font: 16px/1.5 system-ui, "Noto Sans", "Segoe UI", sans-serif; }
header { background: var(--accent); color: #fff; padding: 1rem 1.25rem; }
header h1 { margin: 0; font-size: 1.6rem; }
header p { margin: 0.25rem 0 0; }
main { max-width: 75rem; margin: 0 auto; padding: 1rem 1.25rem 2rem; }
h2 { font-size: 1.25rem; color: #074b47; }
h2 .id { font-size: 0.8rem; font-weight: normal; color: var(--muted); }
.cards { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem;
         grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); }
.card { display: flex; flex-direction: column; gap: 0.75rem; background: #fff;
        border-radius: 0.5rem; padding: 1rem; box-shadow: 0 1px 3px rgb(0 0 0 / 0.15); }
.thumb { display: block; align-self: center; }
.thumb img { display: block; width: 180px; max-width: 100%; height: auto;
             border: 1px solid #cfd8d8; }
.thumb.none { width: 180px; aspect-ratio: 210 / 297; display: grid; place-items: center;
              background: var(--tint); color: var(--muted); }
.language { margin: 0; font-size: 1.3rem; }
.title { margin: 0.25rem 0 0.5rem; }
.meta { font-size: 0.9rem; color: var(--muted); }
.meta p { margin: 0 0 0.25rem; }
.state { font-weight: bold; }
.state-draft { color: #b3261e; }
.state-reviewed, .state-original { color: #1b6e2c; }
.documents { list-style: none; margin: 0.5rem 0 0; padding: 0; }
.documents li { padding: 0.35rem 0; border-top: 1px solid #e3e9e9; }
.documents a { color: #074b47; font-weight: bold; }
.facts { margin-left: 0.5rem; }
@media (max-width: 36rem) {
  main { padding: 0.75rem; }
  .cards { grid-template-columns: 1fr; }
  .card { flex-direction: row; align-items: flex-start; }
  .thumb { align-self: flex-start; flex: 0 0 34%; }
  .thumb img, .thumb.none { width: 100%; }
  .about { flex: 1; min-width: 0; }
}
"""
