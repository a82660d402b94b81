"""What a file really is, read from its bytes: the only images and fonts a leaflet may use."""

from __future__ import annotations

import struct
from pathlib import Path

MAX_PIXELS = 40_000_000  # about 6300 x 6300: a poster, not a decompression bomb
MAX_BYTES = 20 * 1024 * 1024

TYPES_BY_SUFFIX = {
    ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
    ".woff2": "font/woff2",
}
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
ICC_TYPE = "application/vnd.iccprofile"
FONT_TYPES = ("font/ttf", "font/otf", "font/woff", "font/woff2", "font/sfnt",
              "application/font-woff", "application/x-font-ttf", "application/font-sfnt")
# Start-of-frame markers, the JPEG segments that carry the image size.
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE,
                  0xCF})


def sniff(data: bytes) -> str | None:
    """The content type of ``data`` from its first bytes, for the types a leaflet may use."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"wOFF", b"wOF2", b"true"):
        return "font"
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<") and b"<svg" in head:
        return "image/svg+xml"
    return None


def image_size(data: bytes, kind: str) -> tuple[int, int] | None:
    """Width and height of a PNG or JPEG read from its header; None when there is none."""
    if kind == "image/png":
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        return struct.unpack(">II", data[16:24])
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte before a marker
            i += 1
            continue
        size = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + size
    return None


def check_content(data: bytes, expected: str) -> str | None:
    """Why ``data`` may not be used as ``expected`` (a content type); None when it may."""
    if len(data) > MAX_BYTES:
        return f"larger than {MAX_BYTES // (1024 * 1024)} MB"
    if expected == "text/css":
        return None
    found = sniff(data)
    if expected in FONT_TYPES:
        return None if found == "font" else "content is not a font"
    if expected == ICC_TYPE:  # the print shop's output profile, placed by the build itself
        return None if data[36:40] == b"acsp" else "content is not an ICC colour profile"
    if expected not in IMAGE_TYPES:
        return (f"{expected} is not allowed: only CSS, fonts, ICC profiles and PNG, JPEG or "
                "SVG images")
    name = expected.split("/")[1].split("+")[0].upper()
    if found != expected:
        what = f"a {found.split('/')[1].split('+')[0].upper()} image" if found in IMAGE_TYPES \
            else "something else"
        return (f"content is not {name} but {what} "
                "(images are recognised by content, not by name)")
    if expected == "image/svg+xml":
        return None
    size = image_size(data, expected)
    if size is None:
        return f"not a readable {name} image (no image size in its header)"
    width, height = size
    if width * height > MAX_PIXELS:
        return (f"image is {width} x {height} pixels, more than the limit of "
                f"{MAX_PIXELS:,} pixels")
    return None


def image_problem(path: Path) -> str | None:
    """Why the file at ``path`` cannot be a leaflet's image; None when it can."""
    expected = TYPES_BY_SUFFIX.get(path.suffix.lower())
    if expected not in IMAGE_TYPES:
        return "not a .png, .jpg or .svg file"
    with path.open("rb") as handle:
        return check_content(handle.read(MAX_BYTES + 1), expected)
