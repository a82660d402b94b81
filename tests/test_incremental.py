"""Incremental builds: each kind of input rebuilds exactly the documents that depend on it."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

import brochures.deps
from brochures.deps import Digests, document_inputs
from brochures.project import Project
from brochures.variants import VARIANTS, Copyfit

from conftest import run_cli
from test_scripts import set_translation

ARGS = ("--locale", "en", "--locale", "es", "--locale", "ar",
        "--variant", "screen", "--variant", "trifold")


def stamps(project: Path) -> dict[str, int]:
    """When each built PDF was last written (publishing replaces the file)."""
    folder = project / "output"
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*.pdf")}


def rebuilt(project: Path, before: dict[str, int]) -> set[str]:
    after = stamps(project)
    return {Path(path).name.removeprefix("laser-skin-tightening-").removesuffix(".pdf")
            for path, stamp in after.items()
            if before.get(path) != stamp}


@pytest.fixture
def first(project: Path) -> dict[str, int]:
    result = run_cli("build", *ARGS, cwd=project)
    assert result.code == 0, result.err
    assert "6 built" in result.out
    return stamps(project)


def build_again(project: Path) -> str:
    result = run_cli("build", *ARGS, cwd=project)
    assert result.code == 0, result.err
    return result.out


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


ALL = {f"{code}-{variant}" for code in ("en", "es", "ar") for variant in ("screen", "trifold")}


def test_nothing_changed_nothing_is_built(project, first):
    assert "0 built, 6 up to date" in build_again(project)
    assert rebuilt(project, first) == set()


def test_one_catalog_string_rebuilds_that_language_only(project, first):
    set_translation(project, "es", "laser-skin-tightening:title", "Título nuevo")
    build_again(project)
    assert rebuilt(project, first) == {"es-screen", "es-trifold"}


@pytest.mark.parametrize("path, old, new, expected", [
    ("content/laser-skin-tightening.yaml", "text: Scarring", "text: Scars", ALL),
    ("content/clinic.yaml", "+44 1632 960000", "+44 1632 960001", ALL),
    ("templates/css/trifold.css", "column-gap: 16mm;", "column-gap: 15mm;",
     {"en-trifold", "es-trifold", "ar-trifold"}),
    ("templates/css/screen.css", "margin: 20mm 18mm 22mm;", "margin: 20mm 18mm 21mm;",
     {"en-screen", "es-screen", "ar-screen"}),
    ("templates/leaflet.html", "<main>", "<main class=\"body\">",
     {"en-screen", "es-screen", "ar-screen"}),
    ("templates/css/base.css", "--ink: #1d2426;", "--ink: #1d2427;", ALL),
    ("content/assets/logo.svg", 'r="56"', 'r="55"', ALL),
    ("templates/fonts.yaml", "Noto Naskh Arabic: 1.7", "Noto Naskh Arabic: 1.75", ALL),
])
def test_each_kind_of_input_rebuilds_what_depends_on_it(project, first, path, old, new,
                                                        expected):
    edit(project / path, old, new)
    build_again(project)
    assert rebuilt(project, first) == expected


def test_a_corrupt_manifest_means_a_full_rebuild(project, first):
    (project / "output/manifest.json").write_text("{not json", encoding="utf-8")
    assert "6 built" in build_again(project)
    assert rebuilt(project, first) == ALL


def test_a_deleted_pdf_is_built_again(project, first):
    (project / "output/laser-skin-tightening/laser-skin-tightening-ar-trifold.pdf").unlink()
    build_again(project)
    assert rebuilt(project, first) == {"ar-trifold"}


def test_force_rebuilds_everything(project, first):
    result = run_cli("build", *ARGS, "--force", cwd=project)
    assert "6 built" in result.out
    assert rebuilt(project, first) == ALL


def test_the_manifest_records_what_each_document_was_built_from(project, first):
    documents = json.loads((project / "output/manifest.json").read_text())["documents"]
    for doc in documents:
        assert len(doc["inputs"]) == 64
        assert doc["built_from"]["content"] == "content/laser-skin-tightening.yaml"
        assert doc["fonts"], doc["path"]
        assert all(Path(face.rsplit("#", 1)[0]).is_file() for face in doc["fonts"])


def inputs(project_root: Path, variant=VARIANTS["screen"], fonts=()) -> str:
    project = Project(project_root)
    return document_inputs(project, Digests(), project.content / "laser-skin-tightening.yaml",
                           "es", variant, list(fonts))


def test_variant_settings_tool_version_and_font_files_are_inputs(project, monkeypatch,
                                                                  tmp_path):
    base = inputs(project)
    trifold = VARIANTS["trifold"]
    assert inputs(project, trifold) != inputs(
        project, replace(trifold, copyfit=Copyfit(start=9.5, floor=8.0)))
    font = tmp_path / "Font.ttf"
    font.write_bytes(b"one")
    with_font = inputs(project, fonts=[f"{font}#0"])
    font.write_bytes(b"two!")
    assert inputs(project, fonts=[f"{font}#0"]) != with_font
    monkeypatch.setattr(brochures.deps, "__version__", "99.0")
    assert inputs(project) != base


def test_jobs_do_not_change_the_output(project):
    args = ("build", "--locale", "en", "--locale", "ar", "--locale", "zh_Hans", "--variant",
            "screen", "--variant", "booklet", "--variant", "trifold")
    assert run_cli(*args, "--jobs", "1", "--output", "one", cwd=project).code == 0
    assert run_cli(*args, "--jobs", "2", "--output", "two", cwd=project).code == 0
    one, two = ({(d["locale"], d["variant"]): d["sha256"] for d in json.loads(
        (project / name / "manifest.json").read_text())["documents"]} for name in ("one", "two"))
    assert len(one) == 9 and one == two
