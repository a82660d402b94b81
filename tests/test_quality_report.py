"""The report of a leaflet: its page (HTML from disk) and its JSON show the scores and findings."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser

import pytest

from brochures.quality import (
    Decisions,
    TextUnit,
    as_dict,
    leaflet_report,
    load_rules,
    open_errors,
    render_report_page,
    write_report_page,
)

from quality_corpus import BROCHURE, QUALITY, content, units

SHOWN = ("en", "ar", "ur", "zh_Hans")
TODAY = dt.date(2026, 1, 1)


class Page(HTMLParser):
    """The tags, attributes and text of a page, for assertions."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v
                                                            for k, v in attrs.items())]

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture(scope="module")
def report():
    rules = load_rules(QUALITY)
    return leaflet_report(BROCHURE, {code: units(code) for code in SHOWN}, content(), rules,
                          title=content()["title"], today=TODAY)


@pytest.fixture(scope="module")
def decisions(report):
    accepted = next(f for f in report.findings if f.code == "claim.painless"
                    and f.locale == "ar")
    return Decisions().accept(accepted, "Dr Layla Haddad", "Checked with the translator",
                              TODAY)


def test_the_page_shows_scores_against_targets_and_a_chart(report, decisions, tmp_path):
    path = write_report_page(report, decisions, tmp_path / "report.html", today=TODAY)
    page = Page(path.read_text(encoding="utf-8"))
    text = page.plain
    assert not page.all("script") and not page.all("link")  # self-contained, no scripts
    assert "Flesch–Kincaid grade 9.8 ≤ 6 missed" in text
    assert "SMOG grade 12.9 ≤ 6 missed" in text
    assert "Reading age about 15" in text
    english = report.reports[0].readability
    charts = page.all("svg")
    assert len(charts) == len(SHOWN)
    bars = [a for t, a in page.tags if t == "rect"]
    assert len(bars) == sum(len(r.readability.sentences) for r in report.reports)
    assert sum(a.get("class") == "hard" for a in bars[:len(english.sentences)]) == 13
    assert "the review-by date is 5.0 years after publication" in text


def test_each_finding_is_shown_in_context_with_its_standing(report, decisions):
    page = Page(render_report_page(report, decisions, today=TODAY))
    marks = [a for t, a in page.tags if t == "mark"]
    in_context = [f for f in report.findings if f.span]
    assert len(marks) == len(in_context)
    assert "Painless" in page.plain and "claim.painless" in page.plain
    assert "accepted — by Dr Layla Haddad" in page.plain
    assert "1 accepted" in page.plain


def test_right_to_left_text_is_marked_so(report, decisions):
    page = Page(render_report_page(report, decisions, today=TODAY))
    quotes = page.all("blockquote")
    assert {q["lang"] for q in quotes} == {"en", "ar", "ur", "zh-Hans"}
    assert all(q["dir"] == ("rtl" if q["lang"] in ("ar", "ur") else "ltr") for q in quotes)


def test_hostile_text_is_escaped(tmp_path):
    rules = load_rules(QUALITY)
    hostile = "<script>alert(1)</script> Painless & <b>guaranteed</b>!"
    hostile_report = leaflet_report("x", {"en": [TextUnit("x:evil", hostile, "body")]}, {},
                                    rules, title="<img src=x onerror=alert(1)>", today=TODAY)
    html = render_report_page(hostile_report, Decisions(), today=TODAY)
    page = Page(html)
    assert not page.all("script") and not page.all("img") and not page.all("b")
    assert "<script>alert(1)</script>" in page.plain


def test_json_has_the_same_scores_and_findings(report, decisions):
    data = json.loads(json.dumps(as_dict(report, decisions)))
    english = next(lang for lang in data["languages"] if lang["locale"] == "en")
    scores = {s["measure"]: s for s in english["scores"]}
    assert round(scores["flesch_kincaid_grade"]["value"], 1) == 9.8
    assert scores["flesch_kincaid_grade"]["met"] is False
    assert english["hard_sentences"] == 13 and english["sentences"] == 49
    assert english["counts"]["claims"] >= 10 and english["counts"]["jargon"] >= 4
    states = [f["state"] for lang in data["languages"] for f in lang["findings"]]
    assert states.count("accepted") == 1
    assert data["open_errors"] == len(open_errors(report.assessed(decisions)))
    assert {f["code"] for f in data["completeness"]} >= {"completeness.sources",
                                                         "completeness.feedback"}
