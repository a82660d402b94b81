"""Read facts back from PDFs with poppler and pypdf: text, fonts, metadata, pages."""

from __future__ import annotations

import re
import subprocess
import unicodedata
import zlib
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader


def pdf_text(path: Path, page: int | None = None) -> str:
    """The text of a PDF (or one 1-based page) in logical order, as PDFium reads it."""
    document = pdfium.PdfDocument(path)
    try:
        numbers = range(len(document)) if page is None else [page - 1]
        return "\n".join(document[i].get_textpage().get_text_range() for i in numbers)
    finally:
        document.close()


def squash(text: str) -> str:
    """Letters and digits only, line-end hyphenation undone: white space, punctuation, bidi
    controls and combining marks go, since extraction reorders them in right-to-left runs."""
    text = re.sub(r"(\w)[-\u00ad‐]\n(\w)", r"\1\2", text)
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def contains(haystack: str, needle: str) -> bool:
    """Whether ``needle`` occurs in ``haystack`` ignoring line breaks and hyphenation."""
    return squash(needle) in squash(haystack)


def fonts(path: Path) -> list[dict[str, str]]:
    """pdffonts' table: name, type, emb, sub, uni for every font."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    rows = []
    for line in out:
        parts = line.split()
        # name type... encoding emb sub uni object-id gen: the flags are fixed from the end
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def catalog(path: Path) -> dict:
    """The PDF's document catalog (as a pypdf dictionary)."""
    return PdfReader(path).trailer["/Root"]


def metadata(path: Path) -> dict[str, str]:
    info = PdfReader(path).metadata or {}
    return {key: str(value) for key, value in info.items()}


def page_count(path: Path) -> int:
    return len(PdfReader(path).pages)


def pdf_blobs(path: Path) -> list[bytes]:
    """The PDF's raw bytes and every stream in it decompressed (fonts, pages, attachments)."""
    raw = path.read_bytes()
    blobs = [raw]
    for match in re.finditer(rb"stream\r?\n", raw):
        try:
            blobs.append(zlib.decompressobj().decompress(raw[match.end():]))
        except zlib.error:
            continue  # not a Flate stream (JPEG images): its raw bytes are searched above
    return blobs


def leaks(path: Path, secret: bytes) -> bool:
    """Whether ``secret`` occurs anywhere in the PDF, compressed or not."""
    return any(secret in blob for blob in pdf_blobs(path))
