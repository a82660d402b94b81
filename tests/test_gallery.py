"""output/index.html: every document linked, a thumbnail per brochure and language."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from babel.dates import format_date

from brochures.fonts import load_font_config
from brochures.gallery import GALLERY, THUMBNAILS, write_gallery
from brochures.locales import locale_info
from brochures.publish import read_manifest

from conftest import run_cli


class Page(HTMLParser):
    """The cards of index.html: their lang and dir, links, images and text."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[dict] = []
        self.links: list[str] = []
        self.viewport = False
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "meta" and attr.get("name") == "viewport":
            self.viewport = True
        if tag == "li" and attr.get("class") == "card":
            self.cards.append({"lang": attr.get("lang"), "dir": attr.get("dir"),
                               "links": [], "images": [], "text": ""})
            self._depth = 1
        elif tag == "li" and self._depth:
            self._depth += 1
        card = self.cards[-1] if self._depth else None
        if tag == "a" and attr.get("href"):
            self.links.append(attr["href"])
            if card is not None:
                card["links"].append(attr["href"])
        if tag == "img" and card is not None:
            card["images"].append(attr["src"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.cards[-1]["text"] += data


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def local(output: Path, href: str) -> Path:
    """The file a relative link of index.html opens, as a browser resolves it from disk."""
    parts = urlsplit(href)
    assert not parts.scheme and not parts.netloc and not href.startswith("/"), href
    return (output / unquote(parts.path)).resolve()


def test_index_links_every_document_with_paths_that_exist(built):
    page = parse(built.output / GALLERY)
    targets = {local(built.output, href) for href in page.links}
    for doc in built.documents:
        assert (built.output / doc["path"]).resolve() in targets, doc["path"]
    for target in targets:
        assert target.is_file(), target
    assert page.viewport


def test_every_brochure_and_language_has_a_card_with_a_thumbnail(built):
    page = parse(built.output / GALLERY)
    pairs = {(doc["brochure"], doc["locale"]) for doc in built.documents}
    assert len(page.cards) == len(pairs)
    for card in page.cards:
        assert len(card["images"]) == 1, card
        image = local(built.output, card["images"][0])
        assert image.is_relative_to((built.output / THUMBNAILS).resolve())
        assert image.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), image


@pytest.mark.parametrize("locale", ["en", "ar", "ur", "zh_Hans", "pa", "de"])
def test_each_card_has_its_own_language_direction_and_name(built, locale):
    info = locale_info(locale)
    cards = [c for c in parse(built.output / GALLERY).cards if c["lang"] == info.tag]
    assert len(cards) == 1
    card = cards[0]
    assert card["dir"] == info.direction
    assert info.name in card["text"]
    assert any(f"-{locale}-screen.pdf" in href for href in card["links"])
    doc = next(d for d in built.documents if d["locale"] == locale)
    assert f"{doc['pages']} pages" in card["text"]


@pytest.fixture
def copied(built, tmp_path: Path) -> Path:
    """A private copy of the built output folder, to change."""
    return Path(shutil.copytree(built.output, tmp_path / "output"))


def test_thumbnails_are_made_again_only_when_the_pdf_changed(built, copied):
    records = read_manifest(copied)
    thumbnails = {p: p.stat().st_mtime_ns for p in (copied / THUMBNAILS).rglob("*.png")}
    index = (copied / GALLERY).stat().st_mtime_ns
    write_gallery(copied, records, load_font_config(built.root / "templates"))
    assert {p: p.stat().st_mtime_ns for p in (copied / THUMBNAILS).rglob("*.png")} == thumbnails
    assert (copied / GALLERY).stat().st_mtime_ns == index  # unchanged: not rewritten

    key = next(k for k in records if k[1] == "de" and k[2] == "screen")  # the thumbnail's
    old = next(p for p in thumbnails if p.name.startswith("de-"))
    records[key] = replace(records[key], sha256="0" * 64)
    write_gallery(copied, records)
    now = sorted(p.name for p in (copied / THUMBNAILS).rglob("de-*.png"))
    assert now == ["de-0000000000000000.png"]
    assert not old.exists()
    assert "de-0000000000000000.png" in (copied / GALLERY).read_text(encoding="utf-8")
    others = {p: t for p, t in thumbnails.items() if p != old}
    assert all(p.stat().st_mtime_ns == t for p, t in others.items())


def test_the_translation_state_is_shown(copied):
    records = read_manifest(copied)
    for key, record in records.items():
        if key[1] == "de":
            records[key] = replace(record, built_from={**record.built_from,
                                                       "reviewed": "2024-05-02"})
        elif key[1] == "fr":
            records[key] = replace(record, draft=True)
    write_gallery(copied, records)
    cards = {c["lang"]: c["text"] for c in parse(copied / GALLERY).cards}
    assert "Translation reviewed on May 2, 2024" in cards["de"]
    assert "Draft: translation incomplete" in cards["fr"]
    assert "Translation complete, not yet reviewed" in cards["es"]
    assert "Original text" in cards["en"]


def test_a_missing_pdf_is_listed_without_a_broken_link(copied):
    records = read_manifest(copied)
    for doc in records.values():
        if doc.locale == "pl":
            (copied / doc.path).unlink()
    write_gallery(copied, records)
    page = parse(copied / GALLERY)
    card = next(c for c in page.cards if c["lang"] == "pl")
    assert card["links"] == [] and card["images"] == []
    assert "missing" in card["text"]
    assert all(local(copied, href).is_file() for href in page.links)


def test_every_build_writes_the_gallery_from_the_manifest(built):
    manifest = json.loads((built.output / "manifest.json").read_text(encoding="utf-8"))
    text = (built.output / GALLERY).read_text(encoding="utf-8")
    assert text.count('class="card"') == len({(d["brochure"], d["locale"])
                                               for d in manifest["documents"]})
    assert "<script" not in text and "http" not in text.split("<body>")[1]


def test_a_review_sign_off_shows_on_the_card_after_the_next_build(project):
    assert run_cli("build", "--locale", "de", "--locale", "es", cwd=project).code == 0
    before = {c["lang"]: c["text"] for c in parse(project / "output" / GALLERY).cards}
    assert "Translation complete, not yet reviewed" in before["de"]
    assert run_cli("i18n", "signoff", "de", "--by", "Dr Example", cwd=project).code == 0
    assert run_cli("build", "--locale", "de", cwd=project).code == 0
    after = {c["lang"]: c["text"] for c in parse(project / "output" / GALLERY).cards}
    today = dt.date.today()
    assert f"Translation reviewed on {format_date(today, 'long', locale='en')}" in after["de"]
    assert after["es"] == before["es"]  # built earlier, still listed from the manifest
