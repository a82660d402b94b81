"""Read facts back from PDFs with poppler and pypdf: text, fonts, metadata, pages."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from pypdf import PdfReader


def pdf_text(path: Path, page: int | None = None) -> str:
    """The text of a PDF (or one 1-based page) as poppler's pdftotext reads it."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def squash(text: str) -> str:
    """Text with line-end hyphenation undone and all white space removed, for comparisons."""
    text = re.sub(r"(\w)[-\u00ad‐]\n(\w)", r"\1\2", text)
    return re.sub(r"\s+", "", text).replace("\u00ad", "")


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
