"""The only way WeasyPrint reads anything: data: URLs and files inside the project's folders."""

from __future__ import annotations

import struct
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

MAX_PIXELS = 40_000_000  # about 6300 x 6300: a poster, not a decompression bomb
MAX_BYTES = 20 * 1024 * 1024

_TYPES = {
    ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
    ".woff2": "font/woff2",
}


class RefusedFetch(FatalURLFetchingError):
    """WeasyPrint asked for something outside the jail; the document must fail."""

    def __init__(self, url: str, reason: str) -> None:
        shown = url if len(url) < 120 else url[:117] + "..."
        super().__init__(f"refused to load {shown}: {reason}")


def sniff(data: bytes) -> str | None:
    """The content type of ``data`` from its first bytes, for the types a leaflet may use."""
    head = data[:512].lstrip()
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096]:
        return "image/svg+xml"
    if data[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"wOFF", b"wOF2", b"true"):
        return "font"
    return None


def image_pixels(data: bytes, kind: str) -> int:
    """Width x height of a PNG or JPEG, read from its header (0 when unknown)."""
    if kind == "image/png" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width * height
    if kind == "image/jpeg":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return 0
            marker = data[i + 1]
            size = struct.unpack(">H", data[i + 2:i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB,
                          0xCD, 0xCE, 0xCF):
                height, width = struct.unpack(">HH", data[i + 5:i + 9])
                return width * height
            i += 2 + size
    return 0


def check_file(path: Path, data: bytes) -> str:
    """The content type to serve ``data`` as; raises :class:`RefusedFetch` when it is unsafe."""
    url = path.as_uri()
    expected = _TYPES.get(path.suffix.lower())
    if expected is None:
        raise RefusedFetch(url, "only CSS, fonts and PNG, JPEG or SVG images may be used")
    if len(data) > MAX_BYTES:
        raise RefusedFetch(url, f"file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    if expected == "text/css":
        return expected
    found = sniff(data)
    if expected.startswith("image/") and found != expected:
        raise RefusedFetch(url, f"content is not {expected.split('/')[1].upper()} "
                           "(images are recognised by content, not by name)")
    if expected.startswith("font/") and found != "font":
        raise RefusedFetch(url, "content is not a font")
    if found in ("image/png", "image/jpeg") and image_pixels(data, found) > MAX_PIXELS:
        raise RefusedFetch(url, f"image has more than {MAX_PIXELS:,} pixels")
    return expected


class JailedFetcher(URLFetcher):
    """Serves ``data:`` URLs and regular files below ``roots``; refuses everything else."""

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
        self.roots = tuple(root.resolve() for root in roots)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise RefusedFetch(url, "only files inside the project may be used "
                               "(no network access while building leaflets)")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedFetch(url, "remote file URLs are not allowed")
        path = Path(unquote(parts.path)).resolve()  # follows symlinks and '..'
        if not any(path.is_relative_to(root) for root in self.roots):
            raise RefusedFetch(url, "the file is outside the project's templates and content")
        if not path.is_file():
            raise RefusedFetch(url, "no such file")
        data = path.read_bytes()
        content_type = check_file(path, data)
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": content_type})
