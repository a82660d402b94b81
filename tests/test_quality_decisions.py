"""Accepting findings: kept with the content, lapsing when the text changes, gating --strict."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from brochures.errors import BrochuresError, CheckFailed
from brochures.extract import extract_catalog
from brochures.project import Project
from brochures.quality import (
    Decisions,
    TextUnit,
    analyse,
    assess,
    load_decisions,
    load_rules,
    open_errors,
    resolve,
    save_decisions,
)

from quality_corpus import BROCHURE, QUALITY, units

DAY = dt.date(2026, 3, 2)


@pytest.fixture(scope="module")
def rules():
    return load_rules(QUALITY)


@pytest.fixture(scope="module")
def german(rules):
    return analyse(units("de"), "de", rules, brochure=BROCHURE)


def painless(report):
    return next(f for f in report.findings if f.code == "claim.painless")


def test_an_accepted_finding_stays_accepted_until_its_text_changes(rules, german, tmp_path):
    path = tmp_path / "decisions.yaml"
    finding = painless(german)
    save_decisions(Decisions().accept(finding, "Dr Jane Smith", "Cooling keeps it painless "
                                      "for most patients; agreed with the lead", DAY), path)
    decisions = load_decisions(path)
    # the same text analysed again: still accepted
    again = analyse(units("de"), "de", rules, brochure=BROCHURE)
    standing = {a.finding.key: a for a in assess(again.findings, decisions)}
    assert standing[finding.key].state == "accepted"
    assert standing[finding.key].decision.by == "Dr Jane Smith"
    # a change elsewhere in the leaflet leaves it accepted
    edited = [TextUnit(u.context, u.text + " Neu.", u.kind)
              if u.context.endswith("conclusion.body.closing.text") else u for u in units("de")]
    standing = {a.finding.key: a
                for a in assess(analyse(edited, "de", rules, brochure=BROCHURE).findings,
                                decisions)}
    assert standing[finding.key].state == "accepted"
    # its own message changes: open again, the old decision shown as stale
    edited = [TextUnit(u.context, "Schmerzfrei und sanft", u.kind)
              if u.context == finding.context else u for u in units("de")]
    standing = {a.finding.key: a
                for a in assess(analyse(edited, "de", rules, brochure=BROCHURE).findings,
                                decisions)}
    assert standing[finding.key].state == "stale" and standing[finding.key].is_open


def test_open_errors_are_what_a_strict_build_refuses(german):
    decisions = Decisions()
    errors = open_errors(assess(german.findings, decisions))
    assert errors and all(a.finding.is_error for a in errors)
    for item in errors:
        decisions = decisions.accept(item.finding, "Dr Jane Smith", "reviewed", DAY)
    assert open_errors(assess(german.findings, decisions)) == []
    warnings = [a for a in assess(german.findings, decisions) if a.is_open]
    assert warnings and all(not a.finding.is_error for a in warnings)


def test_the_file_round_trips_and_one_decision_per_finding(german, tmp_path):
    path = tmp_path / "quality" / "decisions.yaml"
    finding = painless(german)
    decisions = Decisions().accept(finding, "Dr A", "first", DAY)
    decisions = decisions.accept(finding, "  Dr   B ", "second\nthoughts", DAY)
    save_decisions(decisions, path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["decisions"] == [{"finding": finding.key, "fingerprint": finding.fingerprint,
                                  "by": "Dr B", "date": "2026-03-02",
                                  "reason": "second thoughts"}]
    assert load_decisions(path) == decisions
    assert load_decisions(path).revoke(finding.key).items == ()
    assert load_decisions(tmp_path / "none.yaml") == Decisions()


@pytest.mark.parametrize(("by", "reason"), [("", "ok"), ("Dr A", "   ")])
def test_a_decision_needs_a_name_and_a_reason(german, by, reason):
    with pytest.raises(BrochuresError):
        Decisions().accept(painless(german), by, reason, DAY)


def test_findings_are_named_by_key_or_fingerprint(german):
    finding = painless(german)
    assert resolve(german.findings, finding.key) == finding
    assert resolve(german.findings, finding.fingerprint[:8]) == finding
    with pytest.raises(BrochuresError, match="Did you mean"):
        resolve(german.findings, finding.key.replace("painless", "painles"))


def test_a_damaged_decisions_file_is_reported_with_lines(tmp_path):
    path = tmp_path / "decisions.yaml"
    path.write_text("""\
decisions:
  - finding: a/en/claim.x@y
    fingerprint: nothex
    by: Dr A
    date: someday
    reason: ok
  - finding: b
    fingerprint: 0123456789abcdef
    by: Dr B
    date: 2026-01-01
    reason: ok
    stamp: forged
""", encoding="utf-8")
    with pytest.raises(CheckFailed) as caught:
        load_decisions(path)
    text = str(caught.value)
    assert "decisions.yaml:3: decisions[0].fingerprint: expected 16 hexadecimal digits" in text
    assert "decisions.yaml:5: decisions[0].date: expected a date" in text
    assert "decisions.yaml:12: decisions[1].stamp: unknown field" in text


def test_quality_files_are_not_taken_for_brochures_or_messages():
    project = Project.find(QUALITY.parent.parent)
    assert set(project.brochure_paths()) == {BROCHURE}
    catalog = extract_catalog(project)
    sources = {filename for message in catalog for filename, _ in message.locations}
    assert sources and not any("quality" in name for name in sources)
