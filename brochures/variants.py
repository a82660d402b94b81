"""The registry of leaflet variants: page geometry, stylesheets and PDF options for each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from brochures.errors import BrochuresError


@dataclass(frozen=True)
class Copyfit:
    """Step the base type size down from ``start`` to ``floor`` until the layout fits."""

    start: float
    floor: float
    step: float = 0.25

    def sizes(self) -> list[float]:
        count = int(round((self.start - self.floor) / self.step))
        return [round(self.start - i * self.step, 2) for i in range(count + 1)]


@dataclass(frozen=True)
class Variant:
    """One way of laying out a leaflet (screen, print, booklet, ...)."""

    name: str
    description: str
    stylesheets: tuple[str, ...]
    page_size: tuple[float, float]  # mm, width x height, as its stylesheet's @page sets it
    pdf_options: dict[str, Any] = field(default_factory=dict)
    template: str = "leaflet.html"
    layout: str = "flow"          # "flow", "booklet" (imposed 2-up) or "trifold" (2 sheets)
    cost: float = 1.0             # relative render time, to schedule expensive documents first
    text_layer: bool = False      # read by screen readers: fonts must map back to text
    footer: bool = True           # "page X of Y" at the foot of each page
    running_title: bool = True    # the leaflet's title at the foot of each page
    page_total: bool = True       # "page X of Y" rather than the bare page number
    notes_pages: int = 0          # hidden notes pages the booklet may show to pad its pages
    print_boxes: bool = False     # TrimBox/BleedBox for a print shop, PDF/X with a profile
    copyfit: Copyfit | None = None
    qr: bool = True               # a QR code to the leaflet's web page, beside the contact

    def settings(self) -> dict[str, Any]:
        """Everything about the variant that changes its output (for rebuild decisions)."""
        return {"name": self.name, "stylesheets": self.stylesheets, "text": self.text_layer,
                "page_size": self.page_size,
                "template": self.template, "layout": self.layout,
                "footer": (self.footer, self.running_title, self.page_total),
                "notes": self.notes_pages, "print": self.print_boxes,
                "copyfit": self.copyfit and (self.copyfit.start, self.copyfit.floor,
                                             self.copyfit.step),
                "qr": self.qr,
                "pdf_options": sorted(self.pdf_options.items())}


BLEED_MM = 3.0  # what a print shop trims off; CSS bleed adds a slug for the crop marks
A4 = (210.0, 297.0)

VARIANTS: dict[str, Variant] = {
    "screen": Variant(
        "screen", "A4 portrait, tagged PDF/UA-1 with links: for email and screens",
        ("css/base.css", "css/figures.css", "css/screen.css"), A4,
        {"pdf_variant": "pdf/ua-1", "pdf_tags": True}, text_layer=True),
    "print": Variant(
        "print", "A4 portrait with 3 mm bleed and crop marks for a print shop",
        ("css/base.css", "css/figures.css", "css/print.css"), A4, {"pdf_tags": True},
        print_boxes=True),
    "booklet": Variant(
        "booklet", "A5 pages imposed two-up on A4 landscape, saddle-stitch order",
        ("css/base.css", "css/figures.css", "css/booklet.css"), (148.0, 210.0),
        layout="booklet", notes_pages=3, page_total=False, cost=1.5),
    "trifold": Variant(
        "trifold", "DL letter-fold: six 99 x 210 mm panels on two A4 landscape sides",
        ("css/base.css", "css/figures.css", "css/trifold.css"), (297.0, 210.0),
        {"pdf_tags": True}, template="trifold.html", layout="trifold", footer=False,
        copyfit=Copyfit(start=9.5, floor=8.5), cost=2.5),
    "large-print": Variant(
        "large-print", "A4 portrait, body text 16 pt and up, generous spacing",
        ("css/base.css", "css/figures.css", "css/large-print.css"), A4, {"pdf_tags": True},
        running_title=False,
        cost=1.5),
}

DEFAULT_VARIANTS = tuple(VARIANTS)


def get_variant(name: str) -> Variant:
    """The variant called ``name``; an unknown name lists the known ones."""
    try:
        return VARIANTS[name]
    except KeyError:
        raise BrochuresError(f"unknown variant {name!r}",
                             hint="Known variants: " + ", ".join(VARIANTS) + ".") from None
