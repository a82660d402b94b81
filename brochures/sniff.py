"""What a file really is, read from its bytes: the only images and fonts a leaflet may use."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from xml.etree import ElementTree

from PIL import JpegImagePlugin, PngImagePlugin

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
# A length, as the SVG attributes width and height give one (a unit or a percentage).
_SVG_LENGTH = re.compile(r"\s*[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"
                         r"\s*(px|pt|pc|mm|cm|in|em|ex|%)?\s*")


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


def raster_problem(data: bytes, kind: str) -> str | None:
    """Why a PNG or JPEG cannot be used; None when it can.

    Pillow's decoder reads the header (its own decompression-bomb limit set aside: the size
    is checked against ours), then, for an image within the limit, the pixels: WeasyPrint
    copies the compressed data into the PDF as it is, so a damaged image would print blank.
    A JPEG is decoded at an eighth of its size, which checks the data at a fraction of the
    cost.
    """
    name = kind.split("/")[1].upper()
    opener = {"image/png": PngImagePlugin.PngImageFile,
              "image/jpeg": JpegImagePlugin.JpegImageFile}[kind]
    try:
        image = opener(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - any failure of the decoder means "not readable"
        return f"not a readable {name} image"
    with image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            return (f"image is {width} x {height} pixels, more than the limit of "
                    f"{MAX_PIXELS:,} pixels")
        try:
            if kind == "image/jpeg":
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            image.load()
        except Exception as exc:  # noqa: BLE001
            return f"damaged {name} image ({exc})"
    return None


def svg_problem(data: bytes) -> str | None:
    """Why ``data`` is not an SVG image WeasyPrint can draw; None when it is one.

    Parsed with the XML parser WeasyPrint uses: a file it cannot parse would print as
    nothing, and a viewBox that is not numbers stops the renderer.
    """
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return f"not a readable SVG image ({exc})"
    if root.tag.rsplit("}", 1)[-1] != "svg":
        return "not an SVG image (its root element is not <svg>)"
    for element in root.iter():
        box = element.get("viewBox")
        if box is not None:
            try:
                numbers = [float(n) for n in box.replace(",", " ").split()]
            except ValueError:
                numbers = []
            if len(numbers) != 4 or not all(map(math.isfinite, numbers)):
                return f'viewBox="{box[:40]}" is not four numbers'
            if numbers[2] <= 0 or numbers[3] <= 0:
                return f'viewBox="{box[:40]}" has no area (its width and height must be > 0)'
    for name in ("width", "height"):
        value = (root.get(name) or "").strip()
        length = _SVG_LENGTH.fullmatch(value)
        if value not in ("", "auto") and not (
                length and math.isfinite(float(length[1] + (length[2] or "")))):
            return f'{name}="{value[:40]}" is not a length'
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
        return svg_problem(data)
    return raster_problem(data, expected)


def image_problem(path: Path) -> str | None:
    """Why the file at ``path`` cannot be a leaflet's image; None when it can."""
    expected = TYPES_BY_SUFFIX.get(path.suffix.lower())
    if expected not in IMAGE_TYPES:
        return "not a .png, .jpg or .svg file"
    with path.open("rb") as handle:
        return check_content(handle.read(MAX_BYTES + 1), expected)
