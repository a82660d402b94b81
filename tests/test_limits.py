"""Render limits and killed processes: one document fails clearly, the others build, and
nothing in output/ is lost or half-written."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_untrusted import BROCHURE, inject

from conftest import run_cli

# A document WeasyPrint lays out for minutes in little memory: 30000 lines of preformatted text.
ENDLESS = "<pre>{% for i in range(30000) %}" + "x" * 100 + "\n{% endfor %}</pre>"
# A document whose one 10-million-letter word needs about 1 GB to lay out (Pango, HarfBuzz).
GREEDY = "<p>{{ 'x' * 10000000 }}</p>"
PDF = BROCHURE + "/" + BROCHURE + "-{}-screen.pdf"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (hidden ones too) with its sha256."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def manifest(project: Path) -> dict[str, dict]:
    data = json.loads((project / "output/manifest.json").read_text(encoding="utf-8"))
    return {doc["locale"]: doc for doc in data["documents"]}


def descendants(pid: int) -> list[int]:
    """Processes started by ``pid``, their children and so on (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def rendering(pid: int) -> bool:
    """Whether a worker has taken a job: it caps its address space just before rendering."""
    try:
        limits = Path(f"/proc/{pid}/limits").read_text()
    except OSError:
        return False
    line = next(line for line in limits.splitlines() if line.startswith("Max address space"))
    return "unlimited" not in line.split()[3]


def start_build(project: Path, *args: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "brochures", "build", "--variant", "screen", *args]
    return subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_for(condition, what: str, limit: float = 120) -> None:
    """Poll ``condition`` (a safety net against a hang, not a timing assertion)."""
    end = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < end, f"gave up waiting for {what}"
        time.sleep(0.05)


def test_a_render_that_never_ends_is_stopped_and_the_others_build(project):
    inject(project, {"de": ENDLESS})
    result = run_cli("build", "--variant", "screen", "--locale", "de", "--locale", "en",
                     "--locale", "es", "--jobs", "1", "--time-limit", "3", cwd=project)
    assert result.code == 1 and "Traceback" not in result.err
    assert (f"error: {BROCHURE}/de/screen: rendering took longer than the time limit of 3 s "
            "and was stopped; the document was not built") in result.err
    assert "raise the limit with --time-limit" in result.err
    assert "2 built, 0 up to date, 1 failed" in result.out
    assert sorted(manifest(project)) == ["en", "es"]
    assert not (project / "output" / PDF.format("de")).exists()


def test_a_render_over_its_memory_limit_fails_and_the_others_build(project):
    inject(project, {"de": GREEDY})
    result = run_cli("build", "--variant", "screen", "--locale", "de", "--locale", "en",
                     "--jobs", "1", "--memory-limit", "550", cwd=project)
    assert result.code == 1 and "Traceback" not in result.err
    assert f"error: {BROCHURE}/de/screen: " in result.err
    assert "more memory than the limit of 550 MB" in result.err
    assert "1 built, 0 up to date, 1 failed" in result.out
    assert sorted(manifest(project)) == ["en"]


def test_a_worker_killed_mid_render_fails_only_its_document(project):
    assert run_cli("build", "--variant", "screen", "--locale", "de", "--locale", "en",
                   cwd=project).code == 0
    before = snapshot(project / "output")
    german = manifest(project)["de"]
    inject(project, {"de": ENDLESS})
    build = start_build(project, "--locale", "de", "--locale", "en", "--jobs", "1")
    workers: list[int] = []

    def busy() -> bool:
        workers[:] = [pid for pid in descendants(build.pid) if rendering(pid)]
        return bool(workers)

    wait_for(busy, "the worker to start rendering")
    os.kill(workers[0], signal.SIGKILL)
    out, err = build.communicate(timeout=120)
    assert build.returncode == 1 and "Traceback" not in err
    assert (f"error: {BROCHURE}/de/screen: the renderer stopped unexpectedly (killed by "
            "signal 9)") in err
    assert "1 built, 0 up to date, 1 failed" in out  # the template changed: English rebuilt
    after = snapshot(project / "output")
    assert after.keys() == before.keys()
    assert after[PDF.format("de")] == before[PDF.format("de")]  # the previous German PDF
    assert manifest(project)["de"] == german  # and its record


def test_a_build_killed_while_writing_leaves_output_exactly_as_it_was(project):
    three = ("--variant", "screen", "--locale", "en", "--locale", "es", "--locale", "ur")
    assert run_cli("build", *three, cwd=project).code == 0
    before = snapshot(project / "output")
    assert sum(name.endswith(".pdf") for name in before) == 3 and "manifest.json" in before
    template = project / "templates/leaflet.html"
    original = template.read_text(encoding="utf-8")
    css = project / "templates/css/base.css"  # every document changes
    css.write_text(css.read_text(encoding="utf-8") + "\nh1 { letter-spacing: 0.01em; }\n",
                   encoding="utf-8")
    inject(project, {"ur": ENDLESS})  # rendered last, keeps the build busy
    build = start_build(project, "--locale", "en", "--locale", "es", "--locale", "ur",
                        "--jobs", "1")
    staged = lambda: list(project.glob(".output.staging-*/**/*.pdf"))  # noqa: E731
    wait_for(lambda: len(staged()) >= 1, "a staged PDF")
    os.killpg(build.pid, signal.SIGKILL)
    build.communicate(timeout=60)
    assert snapshot(project / "output") == before
    # The next build clears what the killed one left and publishes normally.
    template.write_text(original, encoding="utf-8")
    result = run_cli("build", *three, cwd=project)
    assert result.code == 0, result.err
    assert list(project.glob(".output.staging-*")) == []
    after = snapshot(project / "output")
    documents = lambda snap: {k for k in snap if k.endswith(".pdf") or k == "manifest.json"}  # noqa: E731
    assert documents(after) == documents(before) and after != before


@pytest.mark.parametrize("limit", ["0", "-5", "ten"])
def test_limits_must_be_sensible(project, limit):
    result = run_cli("build", "--variant", "screen", "--time-limit", limit, cwd=project)
    assert result.code == 2 and "--time-limit" in result.err
