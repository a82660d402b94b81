"""Translation status per locale: counts, failing checks, review state, ready to print."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from brochures.catalogs import read_catalog
from brochures.checks import check_catalog
from brochures.errors import Diagnostic
from brochures.locales import locale_info
from brochures.project import SOURCE_LOCALE, Project
from brochures.review import ReviewBook


@dataclass(frozen=True)
class LocaleStatus:
    """The state of one catalog, as `brochures i18n status` reports it."""

    locale: str
    name: str
    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int
    errors: int
    warnings: int
    review: str
    reviewed_by: str | None
    reviewed_on: str | None
    failing: tuple[str, ...] = ()  # codes of the checks that fail, e.g. ("placeholder",)
    review_problem: str = ""       # why a sign-off on record does not count, and what to do

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    @property
    def complete(self) -> bool:
        return self.translated == self.total

    @property
    def ready(self) -> bool:
        """Ready to print: complete, no failing check, and a current review sign-off."""
        return self.complete and self.errors == 0 and self.review == "reviewed"

    def as_dict(self) -> dict:
        return {**asdict(self), "total": self.total, "percent": round(self.percent, 1),
                "complete": self.complete, "ready": self.ready}


def locale_status(project: Project, code: str, reviews: ReviewBook | None = None
                  ) -> tuple[LocaleStatus, list[Diagnostic]]:
    """Counts, check results and review state (from the clinic's record) of one catalog."""
    path = project.po_path(code)
    catalog = read_catalog(path, code)
    messages = [m for m in catalog if m.id]
    translated = sum(1 for m in messages if not m.fuzzy and all(_strings_of(m)))
    fuzzy = sum(1 for m in messages if m.fuzzy)
    diagnostics = check_catalog(catalog, path)
    review = (reviews or ReviewBook(project)).review(path)
    status = LocaleStatus(
        code, locale_info(code).name, translated, fuzzy, len(messages) - translated - fuzzy,
        len(catalog.obsolete), sum(d.is_error for d in diagnostics),
        sum(not d.is_error for d in diagnostics), review.state, review.by,
        review.date.isoformat() if review.date else None,
        tuple(sorted({d.code for d in diagnostics if d.is_error})), review.problem)
    return status, diagnostics


def _strings_of(message) -> list[str]:
    if isinstance(message.string, (list, tuple)):
        return list(message.string) or [""]
    return [message.string]


def project_status(project: Project) -> list[LocaleStatus]:
    """The status of every catalog in the project."""
    reviews = ReviewBook(project)
    return [locale_status(project, code, reviews)[0]
            for code in project.catalog_locales() if code != SOURCE_LOCALE]


def status_table(rows: list[LocaleStatus]) -> str:
    """A plain table for the terminal, then why any sign-off on record does not count."""
    lines = [f"{'locale':<9} {'translated':>17} {'fuzzy':>5} {'untr.':>5} {'obs.':>4} "
             f"{'err':>3} {'warn':>4}  {'review':<22} ready  signed by"]
    for row in rows:
        review = row.review + (f" {row.reviewed_on}" if row.reviewed_on else "")
        lines.append(
            f"{row.locale:<9} {row.translated:>4}/{row.total:<4} ({row.percent:5.1f}%) "
            f"{row.fuzzy:>5} {row.untranslated:>5} {row.obsolete:>4} {row.errors:>3} "
            f"{row.warnings:>4}  {review:<22} {'yes' if row.ready else 'no':<5}  "
            f"{row.reviewed_by or ''}".rstrip())
    lines += [f"{row.locale}: {row.review_problem}" for row in rows if row.review_problem]
    return "\n".join(lines)
