"""What a trustworthy leaflet must state (PIF TICK): sources, feedback route, reference, dates."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from brochures.quality.findings import Finding
from brochures.quality.targets import Targets

ALL_LOCALES = "*"
WHAT = {
    "sources": ("no sources or evidence are given",
                "List the evidence the leaflet is based on (guidelines, studies) under "
                "`sources:` in the content file."),
    "feedback": ("there is no way for a patient to give feedback on the leaflet",
                 "Say how patients can comment on the leaflet (an address, a form) under "
                 "`feedback:`."),
    "reference": ("the leaflet has no reference code",
                  "Give it a code under `reference:` (for example LST-001) so that a printed "
                  "copy can be traced to its version."),
    "owner": ("no author or owner is named",
              "Name who is responsible for the leaflet under `owner:`."),
    "published": ("no publication date is given", "Add `published: YYYY-MM-DD`."),
    "review_by": ("no review-by date is given", "Add `review_by: YYYY-MM-DD`."),
}


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _present(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple, dict)):
        return any(_present(item) for item in (value.values() if isinstance(value, dict)
                                               else value))
    return value is not None


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_completeness(metadata: Mapping[str, Any], targets: Targets, *, brochure: str = "",
                       today: dt.date | None = None) -> list[Finding]:
    """Findings for every required field missing from ``metadata`` and for its dates.

    ``metadata`` is the leaflet's fields as plain data (``sources``, ``feedback``,
    ``reference``, ``owner`` or ``author``, ``published``, ``review_by``). The review-by
    date must come after publication, at most ``targets.review_max_years`` later, and must
    not have passed on ``today``.
    """
    today = today or dt.date.today()
    fields = dict(metadata)
    if not _present(fields.get("owner")) and _present(fields.get("author")):
        fields["owner"] = fields["author"]
    result: list[Finding] = []

    def finding(code: str, field: str, message: str, hint: str, *values: str) -> None:
        text = json.dumps({name: str(fields.get(name)) for name in values or (field,)})
        result.append(Finding(brochure, ALL_LOCALES, "completeness", f"completeness.{code}",
                              targets.required.get(field, "error"), message,
                              excerpt=", ".join(str(fields.get(name, "")) for name in
                                                values or (field,)),
                              suggestion=hint, text=text))

    for field, (message, hint) in WHAT.items():
        if not _present(fields.get(field)):
            finding(field, field, message, hint)
    published, review_by = _date(fields.get("published")), _date(fields.get("review_by"))
    for field, day in (("published", published), ("review_by", review_by)):
        if _present(fields.get(field)) and day is None:
            finding(field, field, f"{field} is not a date: {fields[field]!r}",
                    "Write the date as YYYY-MM-DD.")
    if published and review_by:
        years = targets.review_max_years
        if review_by <= published:
            finding("review-interval", "review_by", "the review-by date is not after the "
                    "publication date", "Set a review-by date after publication.",
                    "published", "review_by")
        elif review_by > _add_years(published, years):
            span = (review_by - published).days / 365.25
            finding("review-interval", "review_by",
                    f"the review-by date is {span:.1f} years after publication; "
                    f"it should be at most {years}",
                    f"Review the leaflet by {_add_years(published, years).isoformat()} "
                    "and set `review_by:` to that date or earlier.", "published", "review_by")
    if review_by and review_by < today:
        finding("review-overdue", "review_by", f"the review-by date {review_by.isoformat()} "
                "has passed", "Review the leaflet, then set a new review-by date.",
                "review_by")
    return result
