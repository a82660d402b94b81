"""A translator's round: update, status, drafts, sign-off, strict print runs, review dates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from babel.dates import format_date

from brochures.catalogs import read_catalog
from brochures.i18n import po_bytes
from brochures.project import Project
from brochures.review import ReviewBook

from conftest import edit, line_of, run_cli
from pdfread import contains, page_count, pdf_text

CONTENT = "content/laser-skin-tightening.yaml"
SUMMARY = "laser-skin-tightening:summary"
SUMMARY_TEXT = "A guide for patients from your skin specialist clinic."
DRAFT = "Draft — translation incomplete"
REVIEWER = "Dr Ana Ruiz, clinician-translator"
SCREEN = ("--variant", "screen")  # one variant is enough to show what a catalog does


def po(root: Path, code: str) -> Path:
    return root / "locales" / code / "LC_MESSAGES" / "messages.po"


def translations(path: Path, code: str) -> dict[tuple, str | tuple]:
    """Every translated string of a catalog, its obsolete entries included."""
    catalog = read_catalog(path, code)
    found = {}
    for message in [*catalog, *catalog.obsolete.values()]:
        if message.id and message.string:
            found[(message.context, message.id)] = message.string
    return found


def untranslate(root: Path, code: str, *contexts: str) -> None:
    """Empty some translations, as if the translator had not done them yet."""
    catalog = read_catalog(po(root, code), code)
    for message in catalog:
        if message.context in contexts:
            message.string = ""
    po(root, code).write_bytes(po_bytes(catalog))


def status(root: Path) -> dict[str, dict]:
    result = run_cli("i18n", "status", "--json", cwd=root)
    return {row["locale"]: row for row in json.loads(result.out)["locales"]}


def review_of(root: Path, code: str):
    return ReviewBook(Project(root)).review(po(root, code))


def sign_off(root: Path, code: str) -> dt.date:
    before = po(root, code).read_bytes()
    result = run_cli("i18n", "signoff", code, "--by", REVIEWER, cwd=root)
    assert result.code == 0, result.err
    review = review_of(root, code)
    assert (review.by, review.state) == (REVIEWER, "reviewed")
    assert result.out.splitlines()[0] == (f"{code}: reviewed by {REVIEWER} on {review.date} "
                                          "(recorded in reviews.json)")
    assert po(root, code).read_bytes() == before  # the translator's file is not touched
    return review.date


def pdf(root: Path, code: str) -> Path:
    return root / "output" / "laser-skin-tightening" / f"laser-skin-tightening-{code}-screen.pdf"


def test_update_keeps_every_translation_and_the_signoff_goes_stale(project):
    sign_off(project, "es")
    before = translations(po(project, "es"), "es")
    content = project / CONTENT
    edit(content, f"summary: {SUMMARY_TEXT}",  # a small change: kept as fuzzy
         "summary: A guide for patients from your skin clinic.")
    edit(content, "heading: What is skin laser treatment?",  # rewritten: kept as obsolete
         "heading: How does the laser work, and who performs it?")
    result = run_cli("i18n", "update", cwd=project)
    assert result.code == 0, result.err
    assert "es: updated" in result.out.splitlines()
    after = translations(po(project, "es"), "es")
    assert sorted(after.values()) == sorted(before.values())  # not one translation lost
    catalog = read_catalog(po(project, "es"), "es")
    assert catalog.get("A guide for patients from your skin clinic.", SUMMARY).fuzzy
    assert [m.string for m in catalog.obsolete.values()] == [
        "¿Qué es el tratamiento láser de la piel?"]
    assert (project / "locales/es/LC_MESSAGES/messages.po.bak").is_file()
    es = status(project)["es"]
    assert (es["review"], es["reviewed_by"], es["ready"]) == ("stale", REVIEWER, False)
    assert (es["fuzzy"], es["untranslated"], es["obsolete"]) == (1, 1, 1)
    assert es["translated"] == es["total"] - 2


def test_status_json_lists_every_language_with_counts_checks_and_review(project):
    edit(po(project, "de"), 'msgstr "Seite %(page)s von %(pages)s"',
         'msgstr "Seite %(seite)s von %(pages)s"')
    result = run_cli("i18n", "status", "--json", cwd=project)
    assert result.code == 0, result.err
    rows = json.loads(result.out)["locales"]
    assert [row["locale"] for row in rows] == [
        "ar", "de", "es", "fr", "pa", "pl", "pt", "ro", "ur", "zh_Hans"]
    assert set(rows[0]) == {
        "locale", "name", "translated", "fuzzy", "untranslated", "obsolete", "total", "percent",
        "complete", "errors", "warnings", "failing", "review", "reviewed_by", "reviewed_on",
        "review_problem", "ready"}
    by_code = {row["locale"]: row for row in rows}
    assert by_code["de"]["errors"] == 1 and by_code["de"]["failing"] == ["placeholder"]
    assert by_code["zh_Hans"]["name"] == "中文 (简体)"
    assert by_code["ar"]["warnings"] == 2 and by_code["ar"]["errors"] == 0
    assert all(row["percent"] == 100.0 and row["complete"] for row in rows)
    assert all(row["review"] == "not reviewed" and not row["ready"] for row in rows)


def test_status_strict_fails_until_every_language_is_ready(project):
    assert run_cli("i18n", "status", "--strict", cwd=project).code == 1
    for code in ("ar", "de", "fr", "pa", "pl", "pt", "ro", "ur", "zh_Hans"):
        po(project, code).unlink()
    sign_off(project, "es")
    result = run_cli("i18n", "status", "--strict", cwd=project)
    assert result.code == 0, result.err
    assert result.out.splitlines()[1].endswith(f" yes    {REVIEWER}")
    untranslate(project, "es", SUMMARY)
    assert run_cli("i18n", "status", "--strict", cwd=project).code == 1


@pytest.mark.parametrize("code", ["es", "ar", "zh_Hans"])
def test_an_incomplete_translation_is_marked_a_draft_on_every_page(project, code):
    untranslate(project, code, SUMMARY)
    result = run_cli("build", *SCREEN, "--locale", code, cwd=project)
    assert result.code == 0, result.err
    path = pdf(project, code)
    assert (f"warning: laser-skin-tightening/{path.name}: translation incomplete, marked as a "
            "draft on every page") in result.err
    mark = read_catalog(po(project, code), code).get(DRAFT).string
    assert mark and mark != DRAFT  # in the leaflet's own language
    pages = page_count(path)
    assert pages >= 3
    for number in range(1, pages + 1):
        assert contains(pdf_text(path, number), mark), f"page {number} has no draft mark"
    assert contains(pdf_text(path, 1), SUMMARY_TEXT)  # the missing text, in English
    manifest = json.loads((project / "output/manifest.json").read_text(encoding="utf-8"))
    assert [doc["draft"] for doc in manifest["documents"]] == [True]


def test_a_complete_translation_carries_no_draft_mark(built):
    for doc in built.documents:
        assert doc["draft"] is False
        if doc["locale"] in ("en", "es", "de"):
            assert not contains(pdf_text(built.output / doc["path"]), "Draft"), doc["path"]
            assert not contains(pdf_text(built.output / doc["path"]), "Borrador"), doc["path"]


def test_strict_refuses_an_unreviewed_translation(project):
    result = run_cli("build", *SCREEN, "--strict", "--locale", "de", "--locale", "en", cwd=project)
    assert result.code == 1
    assert ("error: locales/de/LC_MESSAGES/messages.po: de: translation is not reviewed; "
            "--strict builds only translations with a current review sign-off\n"
            "    Complete the translation, have it reviewed, then run "
            "`brochures i18n signoff de --by NAME`.\n") in result.err
    assert not pdf(project, "de").exists()
    assert pdf(project, "en").is_file()


def test_strict_refuses_a_reviewed_translation_that_became_incomplete(project):
    sign_off(project, "es")
    edit(project / CONTENT, "      - id: effects\n",
         "      - id: call-us\n        text: Call us if the redness lasts.\n      - id: effects\n")
    assert status(project)["es"]["review"] == "reviewed"  # the catalog did not change
    result = run_cli("build", *SCREEN, "--strict", "--locale", "es", cwd=project)
    assert result.code == 1
    assert ("error: locales/es/LC_MESSAGES/messages.po: es: translation incomplete "
            "(1 message(s) missing); --strict builds only complete translations\n") in result.err
    assert not pdf(project, "es").exists()
    # Without --strict the same catalog builds, as a draft.
    assert run_cli("build", *SCREEN, "--locale", "es", cwd=project).code == 0


def test_a_signed_off_translation_shows_its_review_date(project):
    reviewed = sign_off(project, "es")
    result = run_cli("build", *SCREEN, "--strict", "--locale", "es", cwd=project)
    assert result.code == 0, result.err
    text = pdf_text(pdf(project, "es"))
    date = format_date(reviewed, format="long", locale="es")
    assert contains(text, f"Traducción revisada: {date}")
    edit(po(project, "es"), 'msgstr "Cicatrices"', 'msgstr "Cicatrices visibles"')
    assert status(project)["es"]["review"] == "stale"
    assert run_cli("build", *SCREEN, "--locale", "es", cwd=project).code == 0
    assert not contains(pdf_text(pdf(project, "es")), "Traducción revisada")


def test_signoff_refuses_an_incomplete_or_failing_catalog(project):
    untranslate(project, "es", SUMMARY)
    result = run_cli("i18n", "signoff", "es", "--by", REVIEWER, cwd=project)
    assert result.code == 1
    assert result.err == ("Error: locales/es/LC_MESSAGES/messages.po: 1 message(s) are "
                          "untranslated or fuzzy\n    Finish the translation before signing "
                          "it off.\n")
    edit(po(project, "de"), 'msgstr "Seite %(page)s von %(pages)s"', 'msgstr "Seite %(page)s"')
    result = run_cli("i18n", "signoff", "de", "--by", REVIEWER, cwd=project)
    assert result.code == 1
    assert "1 check(s) fail" in result.err
    assert review_of(project, "de").by is None
    assert not (project / "reviews.json").exists()


def test_check_warns_when_the_review_by_date_has_passed(project):
    edit(project / CONTENT, "review_by: 2027-10-30", "review_by: 2021-10-30")
    line = line_of(project / CONTENT, "review_by:")
    warning = (f"{CONTENT}:{line}: review_by: warning: the leaflet was due for review on "
               "2021-10-30 [review-due]\n    Have the content reviewed, then set a new version "
               "and review_by date.\n")
    result = run_cli("check", cwd=project)
    assert result.code == 0, result.err
    assert warning in result.err
    assert result.out == "0 error(s), 4 warning(s)\n"
    assert run_cli("check", "--strict", cwd=project).code == 1
    built = run_cli("build", *SCREEN, "--locale", "en", cwd=project)
    assert built.code == 0 and warning in built.err
