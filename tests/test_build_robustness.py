"""The build under pressure: inputs changed mid-build, hidden image sizes, killed parents,
concurrent builds, oversized YAML, broken images and absurd page sizes."""

from __future__ import annotations

from pathlib import Path

import pytest

import brochures.plan
from brochures.build import BuildOptions, build
from brochures.project import Project

from conftest import run_cli
from pdfread import pdf_text
from test_scripts import TITLE, set_translation

BROCHURE = "laser-skin-tightening"


def quiet(_: str) -> None:
    """A build's messages, not needed here."""


# --- 1. what is hashed is what was parsed --------------------------------------------------

def test_a_catalog_saved_during_a_build_is_rebuilt_by_the_next(project, monkeypatch):
    """A translator saves the catalog after the build parsed it: the next build must not
    call the PDF, made from the old text, up to date."""
    options = BuildOptions(locales=("de",), variants=("screen",), jobs=1)
    gather = brochures.plan.gather

    def gather_then_save(*args, **kwargs):
        site = gather(*args, **kwargs)
        set_translation(project, "de", TITLE, "Hautstraffung, neu gespeichert")
        return site

    monkeypatch.setattr(brochures.plan, "gather", gather_then_save)
    first = build(Project(project), options, say=quiet)
    path = f"{BROCHURE}/{BROCHURE}-de-screen.pdf"
    assert first.built == [path] and not first.failed
    assert "neu gespeichert" not in pdf_text(project / "output" / path)
    monkeypatch.setattr(brochures.plan, "gather", gather)
    second = build(Project(project), options, say=quiet)
    assert second.built == [path], "the PDF of the old catalog was called up to date"
    assert "neu gespeichert" in pdf_text(project / "output" / path)


# --- 5. YAML limits -------------------------------------------------------------------------

def nested(depth: int) -> str:
    return "version: '1'\nsections: " + "[" * depth + "]" * depth + "\n"


@pytest.mark.parametrize("text, line, message", [
    (nested(20000), 2, "invalid YAML: nested more than 64 levels deep"),
    ("title: Hostile\nversion: " + "7" * 100000 + "\n", 2,
     "invalid YAML: a number 100,000 characters long (at most 100)"),
    ("sections:\n" + "- a\n" * 30000, 19999,
     "invalid YAML: more than 20,000 keys, values and items"),
    ("title: Hostile\n" + "#" * (2 * 1024 * 1024) + "\n", None,
     "the file is 2,097,168 bytes, more than the limit of 1,048,576"),
])
@pytest.mark.parametrize("command", ["check", "build"])
def test_hostile_yaml_is_a_located_error(project, text, line, message, command):
    (project / "content/hostile.yaml").write_text(text, encoding="utf-8")
    result = run_cli(command, cwd=project)
    assert result.code == 1 and "Traceback" not in result.err, result.err[-2000:]
    where = "content/hostile.yaml" + (f":{line}" if line else "")
    assert f"{where}: {message}" in result.err
    assert not (project / "output").exists()


def test_a_file_full_of_mistakes_shows_the_first_fifty(project):
    fields = "".join(f"field{n}: x\n" for n in range(5000))
    (project / "content/hostile.yaml").write_text(fields, encoding="utf-8")
    result = run_cli("check", cwd=project)
    assert result.code == 1 and "Traceback" not in result.err
    lines = [line.removeprefix("Error: ") for line in result.err.splitlines()
             if line.removeprefix("Error: ").startswith("content/")]
    assert len(lines) == 51
    assert lines[0] == "content/hostile.yaml:1: field0: unknown field [content]"
    assert lines[-1] == ("content/hostile.yaml: and 4,955 more problem(s) in this file, "
                         "not shown [content]")
