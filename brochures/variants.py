"""The registry of leaflet variants: page geometry, stylesheets and PDF options for each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from brochures.errors import BrochuresError


@dataclass(frozen=True)
class Variant:
    """One way of laying out a leaflet (screen, print, booklet, ...)."""

    name: str
    description: str
    stylesheets: tuple[str, ...]
    pdf_options: dict[str, Any] = field(default_factory=dict)
    cost: float = 1.0  # relative render time, to schedule expensive documents first
    text_layer: bool = False  # read by screen readers: fonts must map back to text
    qr: bool = True  # a QR code to the leaflet's web page, beside the clinic's details

    def settings(self) -> dict[str, Any]:
        """Everything about the variant that changes its output (for rebuild decisions)."""
        return {"name": self.name, "stylesheets": self.stylesheets, "text": self.text_layer,
                "qr": self.qr, "pdf_options": sorted(self.pdf_options.items())}


VARIANTS: dict[str, Variant] = {
    "screen": Variant(
        "screen", "A4 portrait, tagged PDF/UA-1 with links: for email and screens",
        ("css/base.css", "css/figures.css", "css/screen.css"),
        {"pdf_variant": "pdf/ua-1", "pdf_tags": True}, text_layer=True,
    ),
}

DEFAULT_VARIANTS = ("screen",)


def get_variant(name: str) -> Variant:
    """The variant called ``name``; an unknown name lists the known ones."""
    try:
        return VARIANTS[name]
    except KeyError:
        raise BrochuresError(f"unknown variant {name!r}",
                             hint="Known variants: " + ", ".join(VARIANTS) + ".") from None
