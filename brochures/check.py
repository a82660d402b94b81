"""`brochures check`: content, clinic, fonts and every catalog, without building anything."""

from __future__ import annotations

import datetime as dt

from brochures.catalogs import read_catalog
from brochures.checks import check_catalog
from brochures.errors import Diagnostic, Location
from brochures.plan import Site, gather
from brochures.project import SOURCE_LOCALE, Project


def content_warnings(site: Site, today: dt.date | None = None) -> list[Diagnostic]:
    """Warnings about the content itself, such as a review-by date that has passed."""
    today = today or dt.date.today()
    found = []
    for brochure in site.brochures.values():
        if brochure.review_by < today:
            found.append(Diagnostic(
                "warning", "review-due",
                Location.of(brochure.path, brochure.review_by_line, "review_by"),
                f"the leaflet was due for review on {brochure.review_by.isoformat()}",
                "Have the content reviewed, then set a new version and review_by date."))
    return found


def catalog_diagnostics(site: Site) -> dict[str, list[Diagnostic]]:
    """The diagnostics of each locale's catalog (the source locale has none)."""
    result = {}
    for code in site.locales:
        translator = site.translators.get(code)
        if code in site.unreadable:
            result[code] = [site.unreadable[code]]
        elif code == SOURCE_LOCALE or translator is None or translator.catalog is None:
            result[code] = []
        else:
            result[code] = check_catalog(translator.catalog, site.project.po_path(code))
    return result


def check_project(project: Project, locales: tuple[str, ...] = (),
                  today: dt.date | None = None) -> list[Diagnostic]:
    """Every diagnostic of the project (of some locales' catalogs); content errors raise."""
    site = gather(project, locales=locales)
    found = content_warnings(site, today)
    for diagnostics in catalog_diagnostics(site).values():
        found.extend(diagnostics)
    if project.pot.is_file():
        read_catalog(project.pot)  # a broken template is an error too
    return found
