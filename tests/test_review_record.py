"""Review sign-off: only the clinic's signed record counts, never what a catalog says."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.dates import format_date

from brochures.catalogs import read_catalog
from brochures.project import Project
from brochures.review import ReviewBook, entry, load_key

from conftest import edit, run_cli
from pdfread import contains

REVIEWER = "Dr Ana García (Clinical Lead)"
CATALOG = "locales/es/LC_MESSAGES/messages.po"
SCREEN = ("--locale", "es", "--variant", "screen")
REVIEWED = "Traducción revisada"


def po(root: Path) -> Path:
    return root / CATALOG


def pdf_text(root: Path) -> str:
    """The Spanish screen leaflet's text, as poppler's pdftotext reads it."""
    path = root / "output/laser-skin-tightening/laser-skin-tightening-es-screen.pdf"
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)
    return done.stdout


def review(root: Path):
    return ReviewBook(Project(root)).review(po(root))


def sign_off(root: Path) -> None:
    result = run_cli("i18n", "signoff", "es", "--by", REVIEWER, cwd=root)
    assert result.code == 0, result.err


def record(root: Path) -> dict:
    return json.loads((root / "reviews.json").read_text(encoding="utf-8"))


def rewrite_record(root: Path, **changes: str) -> None:
    data = record(root)
    data["reviews"][CATALOG].update(changes)
    (root / "reviews.json").write_text(json.dumps(data, indent=2), encoding="utf-8")


def strict_build_refused(root: Path, state: str) -> str:
    result = run_cli("build", "--strict", *SCREEN, cwd=root)
    assert result.code == 1, result.out
    assert (f"error: {CATALOG}: es: translation is {state}; --strict builds only translations "
            "with a current review sign-off") in result.err
    assert not (root / "output/laser-skin-tightening").exists()
    return result.err


def old_style_fingerprint(path: Path) -> str:
    """What a translator computes to forge the old header: a digest of the translations."""
    catalog = read_catalog(path, "es")
    entries = sorted((m.context or "", json.dumps(m.id), json.dumps(m.string))
                     for m in catalog if m.id and m.string and not m.fuzzy)
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()[:16]


def put_header_signoff(path: Path, by: str, date: str, fingerprint: str | None = None) -> None:
    """Replace any '# Reviewed-by:' header lines with one, as a hostile translator would."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
             if not line.startswith("# Reviewed-by:")]
    fingerprint = fingerprint or old_style_fingerprint(path)
    lines.insert(1, f"# Reviewed-by: {by}; {date}; fingerprint {fingerprint}\n")
    path.write_text("".join(lines), encoding="utf-8")


def test_a_forged_header_signoff_grants_nothing(project):
    put_header_signoff(po(project), REVIEWER, "2030-01-01")
    found = review(project)
    assert (found.state, found.by, found.date) == ("not reviewed", None, None)
    assert "'# Reviewed-by:' header comment no longer counts" in found.problem
    status = json.loads(run_cli("i18n", "status", "--json", cwd=project).out)
    es = next(row for row in status["locales"] if row["locale"] == "es")
    assert (es["review"], es["reviewed_by"], es["reviewed_on"], es["ready"]) == (
        "not reviewed", None, None, False)
    strict_build_refused(project, "not reviewed")
    result = run_cli("build", *SCREEN, cwd=project)
    assert result.code == 0, result.err
    text = pdf_text(project)
    assert not contains(text, REVIEWED) and "2030" not in text


def test_a_header_forged_after_a_genuine_signoff_makes_it_stale(project):
    sign_off(project)
    put_header_signoff(po(project), REVIEWER, "2030-01-01")  # fingerprint recomputed
    assert review(project).state == "stale"
    assert review(project).date == dt.date.today()  # the record's date, not the header's
    err = strict_build_refused(project, "stale")
    assert "It changed after the sign-off. Have it reviewed and run `brochures i18n signoff " \
           "es --by NAME` again." in err
    assert run_cli("build", *SCREEN, cwd=project).code == 0
    text = pdf_text(project)
    assert not contains(text, REVIEWED) and "2030" not in text


def test_a_genuine_signoff_is_recorded_outside_the_catalog_and_printed(project, review_key):
    before = po(project).read_bytes()
    result = run_cli("i18n", "signoff", "es", "--by", f"  {REVIEWER}\n", cwd=project)
    assert result.code == 0, result.err
    today = dt.date.today()
    assert result.out.splitlines()[0] == (f"es: reviewed by {REVIEWER} on {today.isoformat()} "
                                          "(recorded in reviews.json)")
    assert po(project).read_bytes() == before  # the translator's file is not touched
    signed = record(project)["reviews"][CATALOG]
    assert set(signed) == {"by", "date", "sha256", "key", "hmac"}
    assert (signed["by"], signed["date"]) == (REVIEWER, today.isoformat())
    sha256sum = subprocess.run(["sha256sum", str(po(project))], capture_output=True, text=True,
                               check=True).stdout.split()[0]
    assert signed["sha256"] == sha256sum
    assert review_key.stat().st_mode & 0o777 == 0o600
    assert not review_key.is_relative_to(project)
    found = review(project)
    assert (found.state, found.by, found.date, found.problem) == ("reviewed", REVIEWER, today, "")
    result = run_cli("build", "--strict", *SCREEN, cwd=project)
    assert result.code == 0, result.err
    date = format_date(today, format="long", locale="es")
    assert contains(pdf_text(project), f"{REVIEWED}: {date}")
    manifest = json.loads((project / "output/manifest.json").read_text(encoding="utf-8"))
    built_from = manifest["documents"][0]["built_from"]
    assert (built_from["reviewed"], built_from["reviewed_by"]) == (today.isoformat(), REVIEWER)


@pytest.mark.parametrize("old, new", [
    ('msgstr "Cicatrices"', 'msgstr "Cicatrices visibles"'),          # one word
    ('"Language-Team: ', '"Language-Team: Agencia X '),                # a header field
    ("# Spanish (Español) translation", "# Spanish translation"),     # a comment line
])
def test_any_edit_after_signoff_makes_it_stale(project, old, new):
    sign_off(project)
    edit(po(project), old, new)
    found = review(project)
    assert (found.state, found.by) == ("stale", REVIEWER)


def test_a_stale_translation_is_refused_by_a_strict_build(project):
    sign_off(project)
    edit(po(project), 'msgstr "Cicatrices"', 'msgstr "Cicatrices visibles"')
    strict_build_refused(project, "stale")


@pytest.mark.parametrize("field, value", [
    ("by", "Dr Someone Else"),
    ("date", "2020-01-01"),
    ("sha256", "0" * 64),
])
def test_a_record_changed_after_signing_does_not_count(project, field, value):
    sign_off(project)
    rewrite_record(project, **{field: value})
    found = review(project)
    assert (found.state, found.by, found.date) == ("not reviewed", None, None)
    assert found.problem == (f"reviews.json: {CATALOG}: the entry was changed after it was "
                             "signed\n    Have it reviewed and run `brochures i18n signoff es "
                             "--by NAME` again.")


def test_an_edited_catalog_with_its_hash_updated_in_the_record_does_not_count(project):
    sign_off(project)
    edit(po(project), 'msgstr "Cicatrices"', 'msgstr "Cicatrices leves"')
    rewrite_record(project, sha256=hashlib.sha256(po(project).read_bytes()).hexdigest())
    assert review(project).state == "not reviewed"
    err = strict_build_refused(project, "not reviewed")
    assert "the entry was changed after it was signed" in err


def test_a_future_dated_record_is_refused_even_when_signed_with_the_key(project):
    sign_off(project)  # makes the key
    key = load_key(Project(project))
    sha256 = hashlib.sha256(po(project).read_bytes()).hexdigest()
    future = dt.date.today() + dt.timedelta(days=2)
    data = record(project)
    data["reviews"][CATALOG] = entry(key, CATALOG, REVIEWER, future, sha256)
    (project / "reviews.json").write_text(json.dumps(data), encoding="utf-8")
    found = review(project)
    assert (found.state, found.date) == ("not reviewed", None)
    assert f"the sign-off is dated '{future.isoformat()}', a date in the future" in found.problem
    strict_build_refused(project, "not reviewed")
    data["reviews"][CATALOG] = entry(key, CATALOG, REVIEWER, dt.date(2024, 5, 2), sha256)
    (project / "reviews.json").write_text(json.dumps(data), encoding="utf-8")
    assert review(project).date == dt.date(2024, 5, 2)  # a past date is fine


def test_without_the_key_no_signoff_counts_and_the_message_says_how_to_fix_it(
        project, tmp_path, monkeypatch):
    sign_off(project)
    missing = tmp_path / "elsewhere" / "review.key"
    monkeypatch.setenv("BROCHURES_REVIEW_KEY_FILE", str(missing))
    result = run_cli("i18n", "status", cwd=project)
    assert result.code == 0, result.err
    row = next(line for line in result.out.splitlines() if line.startswith("es "))
    assert "not reviewed" in row and row.split()[-1] == "no"
    assert (f"es: reviews.json: {CATALOG}: the sign-off cannot be verified: no review key "
            f"({missing})\n    Copy the clinic's review key into that file (chmod 600), or set "
            "BROCHURES_REVIEW_KEY_FILE to the file that holds it; see TRANSLATING.md, "
            '"Review and sign-off".') in result.out
    err = strict_build_refused(project, "not reviewed")
    assert "no review key" in err and "BROCHURES_REVIEW_KEY_FILE" in err
    assert not missing.exists()  # verifying never makes a key


def test_a_key_that_is_not_the_clinics_does_not_verify(project, tmp_path, monkeypatch):
    sign_off(project)
    other = tmp_path / "other.key"
    monkeypatch.setenv("BROCHURES_REVIEW_KEY_FILE", str(other))
    other.write_text(os.urandom(32).hex(), encoding="ascii")
    other.chmod(0o600)
    found = review(project)
    assert found.state == "not reviewed" and "signed with another review key" in found.problem
    other.chmod(0o644)
    assert "the review key can be read by other users" in review(project).problem
    inside = project / "review.key"
    inside.write_text(os.urandom(32).hex(), encoding="ascii")
    inside.chmod(0o600)
    monkeypatch.setenv("BROCHURES_REVIEW_KEY_FILE", str(inside))
    assert "inside the project folder" in review(project).problem
    result = run_cli("i18n", "signoff", "es", "--by", REVIEWER, cwd=project)
    assert result.code == 1 and "inside the project folder" in result.err


def test_a_new_signoff_or_a_lost_key_rebuilds_the_leaflet(project, tmp_path, monkeypatch):
    assert run_cli("build", *SCREEN, cwd=project).code == 0
    assert not contains(pdf_text(project), REVIEWED)
    sign_off(project)  # the catalog is unchanged: the record alone must trigger the rebuild
    result = run_cli("build", *SCREEN, cwd=project)
    assert result.code == 0 and result.out.startswith("1 built"), result.out
    assert contains(pdf_text(project), REVIEWED)
    assert run_cli("build", *SCREEN, cwd=project).out.startswith("0 built, 1 up to date")
    monkeypatch.setenv("BROCHURES_REVIEW_KEY_FILE", str(tmp_path / "nowhere.key"))
    result = run_cli("build", *SCREEN, cwd=project)
    assert result.code == 0 and result.out.startswith("1 built"), result.out
    assert f"warning: es: reviews.json: {CATALOG}: the sign-off cannot be verified" in result.err
    assert not contains(pdf_text(project), REVIEWED)


def migrate(root: Path, *args: str, answer: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "brochures", "i18n", "migrate-reviews", *args],
                          cwd=root, input=answer, capture_output=True, text=True, check=False)


def test_an_old_header_signoff_migrates_only_by_the_clinics_choice(project):
    long_name = "Dr María de los Ángeles Fernández-Castillo, clinician-translator, Hospital"
    put_header_signoff(po(project), long_name, "2024-05-02")
    # .po editors wrap a long header comment line
    edit(po(project), f"{long_name}; 2024-05-02;", f"{long_name};\n# 2024-05-02;")
    put_header_signoff(project / "locales/de/LC_MESSAGES/messages.po", "Dr Old", "2024-01-01",
                       fingerprint="0123456789abcdef")  # translations changed since
    es_before, de_before = po(project).read_bytes(), (
        project / "locales/de/LC_MESSAGES/messages.po").read_bytes()
    refused = migrate(project, answer="n\n")
    assert refused.returncode == 1
    assert "can be written by anyone who edits the catalog" in refused.stdout
    assert po(project).read_bytes() == es_before and not (project / "reviews.json").exists()

    done = migrate(project, "--yes")
    assert done.returncode == 0, done.stderr
    assert "signs it in the clinic's name" in done.stdout
    assert (f"es: migrated the sign-off by {long_name} on 2024-05-02 into reviews.json"
            in done.stdout)
    assert ("de: reviewed by Dr Old on 2024-01-01: not migrated: the translations changed "
            "since that sign-off") in done.stdout
    es_after = po(project).read_bytes()
    assert b"Reviewed-by" not in es_after
    kept = [line for line in es_before.splitlines(keepends=True)
            if not line.startswith((b"# Reviewed-by:", b"# 2024-05-02;"))]
    assert es_after == b"".join(kept)  # nothing else in the file changed
    assert (project / f"{CATALOG}.bak").read_bytes() == es_before
    found = review(project)
    assert (found.state, found.by, found.date) == ("reviewed", long_name, dt.date(2024, 5, 2))
    assert (project / "locales/de/LC_MESSAGES/messages.po").read_bytes() == de_before
    assert "nothing to migrate" in migrate(project, "--yes", "es").stdout


def test_the_shipped_catalogs_carry_no_old_signoff():
    locales = Path(__file__).resolve().parents[1] / "locales"
    for path in locales.glob("*/LC_MESSAGES/*.po"):
        assert b"# Reviewed-by:" not in path.read_bytes(), path
