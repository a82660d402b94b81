"""Shared fixtures: a private copy of the project, and one real build of every leaflet."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("content", "locales", "templates", "babel.cfg")


def copy_project(target: Path) -> Path:
    """Copy the repository's project files (not output/) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part,
                            ignore=shutil.ignore_patterns("*.mo", "*.bak", "__pycache__"))
        else:
            shutil.copy2(source, target / part)
    return target


@pytest.fixture(scope="session", autouse=True)
def review_key(tmp_path_factory: pytest.TempPathFactory):
    """A review key of the test run's own (made by the first sign-off), never the user's."""
    path = tmp_path_factory.mktemp("review-key") / "review.key"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BROCHURES_REVIEW_KEY_FILE", str(path))
        yield path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the project, made the working folder."""
    root = copy_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a text file by ``new``; ``old`` must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """The number of the first line of ``path`` containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path) -> CliResult:
    """Run ``brochures ARGS`` as a user would, in a separate process."""
    done = subprocess.run([sys.executable, "-m", "brochures", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)
    return CliResult(done.returncode, done.stdout, done.stderr)


@dataclass
class Built:
    """A finished build: its project folder, output folder and manifest documents."""

    root: Path
    output: Path
    documents: list[dict]

    def pdf(self, locale: str, variant: str = "screen",
            brochure: str = "laser-skin-tightening") -> Path:
        for doc in self.documents:
            if (doc["brochure"], doc["locale"], doc["variant"]) == (brochure, locale, variant):
                return self.output / doc["path"]
        raise KeyError((brochure, locale, variant))


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Every language and variant of the shipped project, built once by the real command."""
    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    result = run_cli("build", "--jobs", "2", cwd=root)
    assert result.code == 0, result.err
    manifest = json.loads((root / "output" / "manifest.json").read_text(encoding="utf-8"))
    return Built(root, root / "output", manifest["documents"])
