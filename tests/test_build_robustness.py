"""The build under pressure: inputs changed mid-build, hidden image sizes, killed parents,
concurrent builds, oversized YAML, broken images and absurd page sizes."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import struct
import subprocess
import sys
import warnings
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageFile
from test_limits import ENDLESS, descendants, rendering, snapshot, start_build, wait_for
from test_untrusted import inject

import brochures.plan
from brochures.build import BuildOptions, build
from brochures.project import Project
from brochures.publish import DocumentRecord, manifest_bytes
from brochures.sniff import check_content

from conftest import edit, line_of, run_cli
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


# --- 2. image sizes read by a real decoder ---------------------------------------------------

def hidden_giant_jpeg() -> bytes:
    """A 13000 x 13000 JPEG whose first size header, seen by a reader that gives the
    parameterless RST0 marker a length, says 16 x 16."""
    buffer = io.BytesIO()
    Image.new("L", (16, 16), 128).save(buffer, "JPEG")
    small = buffer.getvalue()
    sof = small.index(b"\xff\xc0")
    giant = small[:sof + 5] + struct.pack(">HH", 13000, 13000) + small[sof + 9:]
    # RST0 then an APP1 segment of 65535 bytes. Taking FF E1 (APP1's marker) for RST0's
    # length lands 65509 bytes in, inside APP1, where a fake 16 x 16 frame header waits.
    fake = b"\xff\xc0\x00\x0b\x08" + struct.pack(">HH", 16, 16) + b"\x01\x01\x11\x00"
    payload = bytearray(65533)
    payload[65509 - 8:65509 - 8 + len(fake)] = fake
    return b"\xff\xd8\xff\xd0\xff\xe1\xff\xff" + bytes(payload) + giant[2:]


def test_the_hidden_giant_is_a_real_13000_pixel_jpeg():
    """libjpeg itself (through Pillow, decoding at 1/8 scale) reads 13000 x 13000."""
    data = hidden_giant_jpeg()
    assert len(data) < 70_000
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (13000, 13000)
            image.draft("L", (13000 // 8, 13000 // 8))
            ImageFile.LOAD_TRUNCATED_IMAGES = True  # the scan is a 16 x 16 picture's
            try:
                image.load()
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = False
            assert image.size == (1625, 1625)


def test_a_jpeg_hiding_its_size_behind_a_restart_marker_is_refused(project):
    (project / "content/assets/logo.jpg").write_bytes(hidden_giant_jpeg())
    edit(project / "content/clinic.yaml", "logo: assets/logo.svg", "logo: assets/logo.jpg")
    line = line_of(project / "content/clinic.yaml", "logo:")
    for command in ("check", "build"):
        result = run_cli(command, cwd=project)
        assert result.code == 1 and "Traceback" not in result.err
        assert (f"content/clinic.yaml:{line}: logo: assets/logo.jpg: image is 13000 x 13000 "
                "pixels, more than the limit of 40,000,000 pixels") in result.err
    assert check_content(hidden_giant_jpeg(), "image/jpeg") == (
        "image is 13000 x 13000 pixels, more than the limit of 40,000,000 pixels")


# --- 6. images that cannot be drawn ----------------------------------------------------------

def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def jpeg_cut_in_its_scan() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), (200, 30, 30)).save(buffer, "JPEG")
    data = buffer.getvalue()
    return data[:data.index(b"\xff\xda") + 20]


# Every chunk's checksum is right, but the pixel data is not zlib data.
PNG_NOT_DEFLATED = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 200, 200, 8, 2,
                                                                       0, 0, 0))
                    + chunk(b"IDAT", b"\x13" * 64) + chunk(b"IEND", b""))


@pytest.mark.parametrize("name, data, problem", [
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120">\n'
                 b'  <circle cx="60" cy="60" r="56" fill="#0b6e69">\n</svg>\n',
     "not a readable SVG image (mismatched tag: line 3, column 2)"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 0 120"/>',
     'viewBox="0 0 0 120" has no area (its width and height must be > 0)'),
    ("logo.jpg", jpeg_cut_in_its_scan(), "damaged JPEG image (image file is truncated"),
    ("logo.png", PNG_NOT_DEFLATED, "damaged PNG image ("),
])
def test_a_broken_logo_is_a_located_error_not_a_blank(project, name, data, problem):
    (project / "content/assets" / name).write_bytes(data)
    edit(project / "content/clinic.yaml", "logo: assets/logo.svg", f"logo: assets/{name}")
    line = line_of(project / "content/clinic.yaml", "logo:")
    for command in ("check", "build"):
        result = run_cli(command, cwd=project)
        assert result.code == 1 and "Traceback" not in result.err
        assert f"content/clinic.yaml:{line}: logo: assets/{name}: {problem}" in result.err
    assert not (project / "output").exists()


def test_an_svg_whose_viewbox_is_not_numbers_fails_its_document_only(project):
    (project / "templates/images/odd.svg").write_bytes(
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ten 10"><circle r="4"/></svg>')
    inject(project, {"de": '<img src="images/odd.svg" alt="">'})
    result = run_cli("build", "--variant", "screen", "--locale", "de", "--locale", "en",
                     cwd=project)
    assert result.code == 1 and "Traceback" not in result.err, result.err[-3000:]
    assert re.search(rf"error: {BROCHURE}/de/screen: refused to load \S+/images/odd.svg: "
                     r"viewBox=\"0 0 ten 10\" is not four numbers", result.err)
    assert "1 built, 0 up to date, 1 failed" in result.out


def test_an_image_the_renderer_cannot_draw_fails_the_document_naming_it(project):
    """It passes every check made before rendering (it is well-formed XML), but WeasyPrint
    gives up drawing it: the leaflet would show a blank where the logo goes."""
    (project / "content/assets/logo.svg").write_bytes(
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        b'<use id="me" href="#me"/></svg>')
    result = run_cli("build", "--variant", "screen", "--locale", "en", "--locale", "de",
                     cwd=project)
    assert result.code == 1 and "Traceback" not in result.err
    for code in ("en", "de"):
        assert (f"error: {BROCHURE}/{code}/screen: the image content/assets/logo.svg could "
                "not be drawn\n    Replace it with a valid PNG, JPEG or SVG file") in result.err
    assert "0 built, 0 up to date, 2 failed" in result.out


# --- 3. a stopped build stops its workers ---------------------------------------------------

def alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting to be reaped does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_a_build_stopped_by_a_signal_leaves_no_process_and_output_as_it_was(project, how):
    assert run_cli("build", "--variant", "screen", "--locale", "en", cwd=project).code == 0
    before = snapshot(project / "output")
    inject(project, {"en": ENDLESS})
    build = start_build(project, "--locale", "en", "--jobs", "1", "--time-limit", "600")
    family: list[int] = []

    def rendering_now() -> bool:
        family[:] = descendants(build.pid)
        return any(rendering(pid) for pid in family)

    wait_for(rendering_now, "the worker to start rendering")
    assert len(family) >= 2  # the forkserver and the worker, at least
    os.kill(build.pid, how)  # the build alone, as a service manager or the OOM killer does
    try:
        build.wait(timeout=60)
        wait_for(lambda: not any(map(alive, family)), "the build's processes to end", limit=20)
    finally:  # what is left would hold the output pipes open, and render for minutes
        for pid in filter(alive, family):
            os.kill(pid, signal.SIGKILL)
    out, err = build.communicate(timeout=60)
    assert snapshot(project / "output") == before
    if how == signal.SIGTERM:
        assert build.returncode == 128 + signal.SIGTERM and "Traceback" not in err
        assert "the build was stopped (SIGTERM)" in err
        assert list(project.glob(".output.staging-*")) == []


# --- 4. one build at a time in an output folder ---------------------------------------------

def test_builds_started_together_take_turns_and_both_reach_the_manifest(project):
    # German takes a few seconds to lay out, so the second build starts during the first.
    inject(project, {"de": "<pre>{% for i in range(300) %}" + "x" * 100 + "\n{% endfor %}</pre>"})
    first = start_build(project, "--locale", "de")
    wait_for(lambda: any(rendering(pid) for pid in descendants(first.pid)),
             "the first build to render")
    hasty = start_build(project, "--locale", "fr", "--no-wait")
    second = start_build(project, "--locale", "fr")
    results = {name: (process, *process.communicate(timeout=600))
               for name, process in (("hasty", hasty), ("second", second), ("first", first))}
    for name in ("first", "second"):
        process, out, err = results[name]
        assert process.returncode == 0 and "1 built" in out, err
    documents = json.loads((project / "output/manifest.json").read_text())["documents"]
    assert sorted(doc["locale"] for doc in documents) == ["de", "fr"]
    for doc in documents:
        data = (project / "output" / doc["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == doc["sha256"] and len(data) == doc["bytes"]
    assert f"waiting for build PID {first.pid} to finish" in results["second"][2]
    assert results["hasty"][0].returncode == 1
    assert f"the output folder is in use by build PID {first.pid}" in results["hasty"][2]


# --- 7. thumbnails of absurd pages ----------------------------------------------------------

GALLERY = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (2048 << 20, 2048 << 20))  # the renderers' default
from brochures.gallery import write_gallery
from brochures.publish import read_manifest
output = Path(sys.argv[1])
write_gallery(output, read_manifest(output))
"""


def record_of(output: Path, path: str) -> dict:
    data = (output / path).read_bytes()
    locale = path.rsplit("-", 2)[1]
    record = DocumentRecord("tall", locale, "screen", path, 1, len(data),
                            hashlib.sha256(data).hexdigest(), False, "x", {})
    return {record.key: record}


def test_thumbnails_of_huge_pages_stay_small(tmp_path):
    """A page 1 inch wide and 10000 inches tall (and the reverse) would be a bitmap of
    gigabytes at the thumbnail's width: the top (or start) of the page is shown instead."""
    output = tmp_path / "output"
    records = {}
    for locale, (width, height) in {"en": (72, 720000), "de": (720000, 72),
                                    "fr": (595, 842)}.items():
        pdf = pikepdf.new()
        page = pdf.add_blank_page(page_size=(72, 72))
        page.MediaBox = [0, 0, width, height]  # past the 200-inch limit of the PDF format
        # a blue square inch where the page starts (top left)
        page.Contents = pdf.make_stream(f"0 0 1 rg 0 {height - 72} 72 72 re f".encode())
        path = f"tall/tall-{locale}-screen.pdf"
        (output / path).parent.mkdir(parents=True, exist_ok=True)
        pdf.save(output / path)
        records.update(record_of(output, path))
    (output / "tall/tall-es-screen.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")  # no page at all
    records.update(record_of(output, "tall/tall-es-screen.pdf"))
    (output / "manifest.json").write_bytes(manifest_bytes(records))
    done = subprocess.run([sys.executable, "-c", GALLERY, str(output)], capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    html = (output / "index.html").read_text(encoding="utf-8")
    sizes = {}
    for png in (output / "thumbnails/tall").glob("*.png"):
        with Image.open(png) as image:
            sizes[png.name.split("-")[0]] = image.size
            assert image.convert("RGB").getpixel((20, 20)) == (0, 0, 255)
        assert re.search(rf'<img src="thumbnails/tall/{png.name}" width="\d+" height="\d+"', html)
    assert sizes == {"en": (360, 1080), "de": (360, 120), "fr": (360, 510)}
    assert done.stdout.startswith("warning: tall/tall-es-screen.pdf: no preview in the "
                                  "gallery, the PDF cannot be read (")
    assert done.stdout.count("\n") == 1
    assert html.count('<div class="thumb none" lang="en">No preview</div>') == 1
