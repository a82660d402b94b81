"""What a leaflet must state: the shipped one lacks sources, feedback, reference and owner."""

from __future__ import annotations

import datetime as dt

import pytest

from brochures.quality import check_completeness
from brochures.quality.targets import load_targets

from quality_corpus import QUALITY, content

COMPLETE = {"sources": ["British Association of Dermatologists: laser treatment leaflet"],
            "feedback": "leaflets@clinic.example", "reference": "LST-001",
            "owner": "Dr A. Dermatologist", "published": "2025-01-10",
            "review_by": "2027-06-30"}


@pytest.fixture(scope="module")
def targets():
    return load_targets(QUALITY)


def codes(findings):
    return {f.code.removeprefix("completeness."): f for f in findings}


def test_the_shipped_leaflet_lacks_what_the_issue_lists(targets):
    found = codes(check_completeness(content(), targets, brochure="laser-skin-tightening",
                                     today=dt.date(2026, 1, 1)))
    assert set(found) == {"sources", "feedback", "reference", "owner", "review-interval"}
    assert found["sources"].is_error and found["feedback"].is_error
    assert found["reference"].severity == "warning"
    interval = found["review-interval"]
    assert "5.0 years" in interval.message and "at most 3" in interval.message
    assert "2025-10-30" in interval.suggestion  # three years after 2022-10-30


def test_a_passed_review_date_is_overdue(targets):
    found = codes(check_completeness(content(), targets, today=dt.date(2028, 1, 1)))
    assert "review-overdue" in found


def test_a_complete_leaflet_has_no_findings(targets):
    assert check_completeness(COMPLETE, targets, today=dt.date(2026, 1, 1)) == []
    author = {**COMPLETE, "author": COMPLETE["owner"], "owner": ""}
    assert check_completeness(author, targets, today=dt.date(2026, 1, 1)) == []


@pytest.mark.parametrize(("change", "expected"), [
    ({"sources": []}, {"sources"}),
    ({"sources": ["  "]}, {"sources"}),
    ({"feedback": None}, {"feedback"}),
    ({"published": "last spring"}, {"published"}),
    ({"review_by": "2024-12-31"}, {"review-interval", "review-overdue"}),
    ({"published": dt.date(2024, 2, 29), "review_by": dt.date(2027, 3, 1)}, {"review-interval"}),
    ({"published": dt.date(2024, 2, 29), "review_by": dt.date(2027, 2, 28)}, set()),
])
def test_each_gap_is_named(targets, change, expected):
    found = codes(check_completeness({**COMPLETE, **change}, targets, today=dt.date(2026, 1, 1)))
    assert set(found) == expected


def test_a_changed_field_changes_the_fingerprint(targets):
    before = codes(check_completeness(content(), targets, today=dt.date(2026, 1, 1)))
    later = {**content(), "review_by": dt.date(2026, 10, 30)}
    after = codes(check_completeness(later, targets, today=dt.date(2026, 1, 1)))
    assert before["review-interval"].key == after["review-interval"].key
    assert before["review-interval"].fingerprint != after["review-interval"].fingerprint
    assert before["sources"].fingerprint == after["sources"].fingerprint
