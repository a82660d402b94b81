"""Bad input: a clear located error, exit status 1, no traceback, and nothing lost."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import edit, line_of, run_cli

CONTENT = "content/laser-skin-tightening.yaml"


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_clean_failure(result, *fragments: str) -> None:
    assert result.code == 1, (result.code, result.err)
    assert "Traceback" not in result.err + result.out
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)


@pytest.fixture
def earlier(project: Path) -> dict[str, str]:
    """The English leaflet built once; its output must survive every failure below."""
    assert run_cli("build", "--locale", "en", cwd=project).code == 0
    return snapshot(project / "output")


def test_invalid_yaml_names_file_and_line(project, earlier):
    path = project / CONTENT
    edit(path, "  - id: what-is\n", "  - id: what-is\n   bad: [unclosed\n")
    result = run_cli("build", "--locale", "en", cwd=project)
    assert_clean_failure(result, f"{CONTENT}:", "invalid YAML")
    assert snapshot(project / "output") == earlier


def test_missing_required_field_names_the_key(project, earlier):
    path = project / CONTENT
    edit(path, "title: What is laser", "titel: What is laser")
    result = run_cli("build", cwd=project)
    top = line_of(path, "version:")  # where the top-level mapping starts
    assert_clean_failure(result, f"{CONTENT}:{top}: title: required field missing",
                         f"{CONTENT}:{line_of(path, 'titel:')}: titel: unknown field",
                         "Did you mean 'title'?")
    assert snapshot(project / "output") == earlier


def test_unknown_field_is_an_error_not_dropped_text(project, earlier):
    path = project / CONTENT
    edit(path, "    heading: What is skin laser treatment?",
         "    heading: What is skin laser treatment?\n    headnig: typo")
    result = run_cli("build", cwd=project)
    line = line_of(path, "headnig:")
    assert_clean_failure(result, f"{CONTENT}:{line}: sections[1].headnig: unknown field",
                         "Did you mean 'heading'?")
    assert snapshot(project / "output") == earlier


def test_wrong_type_names_the_key(project):
    edit(project / CONTENT, "published: 2022-10-30", "published: last autumn")
    result = run_cli("build", cwd=project)
    assert_clean_failure(result, f"{CONTENT}:13: published: expected a date")


@pytest.mark.parametrize("code, message", [
    ("xx_QQ", "unknown locale 'xx_QQ'"),
    ("fr_CA", "no catalog for locale 'fr_CA'"),
])
def test_unknown_locale(project, earlier, code, message):
    result = run_cli("build", "--locale", code, cwd=project)
    assert_clean_failure(result, message)
    assert snapshot(project / "output") == earlier


def test_template_with_undefined_variable(project, earlier):
    path = project / "templates/leaflet.html"
    edit(path, "<main>", "<main>{{ brochure.subtitel }}")
    result = run_cli("build", "--locale", "en", cwd=project)
    assert_clean_failure(result, f"templates/leaflet.html:{line_of(path, 'subtitel')}",
                         "subtitel")
    assert snapshot(project / "output") == earlier


def test_broken_catalog_names_file_and_line(project, earlier):
    path = project / "locales/es/LC_MESSAGES/messages.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + '\nmsgid "unterminated\n', encoding="utf-8")
    result = run_cli("build", "--locale", "es", cwd=project)
    assert_clean_failure(result, "locales/es/LC_MESSAGES/messages.po:")
    assert snapshot(project / "output") == earlier


def test_clinic_file_errors(project):
    edit(project / "content/clinic.yaml", "website: https://clinic.example",
         "website: http://clinic.example")
    result = run_cli("build", cwd=project)
    assert_clean_failure(result, "content/clinic.yaml:", "website: must be an https:// address")


def test_not_a_project_folder(tmp_path):
    result = run_cli("build", cwd=tmp_path)
    assert_clean_failure(result, "no content/ folder here")


def test_unknown_brochure_suggests_the_right_one(project):
    result = run_cli("build", "--brochure", "laser-skin-tightenin", cwd=project)
    assert_clean_failure(result, "unknown brochure", "Did you mean 'laser-skin-tightening'?")
