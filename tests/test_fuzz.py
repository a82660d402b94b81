"""Generated YAML and .po inputs: a clear BrochuresError or a correct result, never a traceback."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import yaml
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brochures.build import BuildOptions, build
from brochures.check import check_project
from brochures.content import (
    BLOCK_FIELDS,
    CLINIC_FIELDS,
    ITEM_FIELDS,
    SECTION_FIELDS,
    TOP_FIELDS,
    load_brochure,
    load_clinic,
)
from brochures.errors import BrochuresError
from brochures.i18n import po_bytes
from brochures.plan import gather, plan_documents
from brochures.project import Project

from conftest import REPO, copy_project
from pdfread import contains, pdf_text

CONTENT = REPO / "content/laser-skin-tightening.yaml"
SOURCE = CONTENT.read_text(encoding="utf-8")
PO = REPO / "locales/es/LC_MESSAGES/messages.po"
# Modest counts keep the suite fast; FUZZ_EXAMPLES=2000 searches harder.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FAST = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
BUILDS = settings(max_examples=max(4, EXAMPLES // 15), deadline=None,
                  suppress_health_check=list(HealthCheck))

# Text a leaflet or a translator might write, with the characters that break naive code.
WORDS = st.sampled_from([
    "laser", "skin", "%(clinic)s", "%s", "{name}", "<strong>", "</strong>",
    "<a href=\"https://x.example\">", "</a>", "<br>", "<script>alert(1)</script>",
    "<img src=\"file:///etc/passwd\">", "&amp;", "&", "<", ">", "\"", "'", ":", "- ", "#",
    "%", "\\", "\n", "\t", "\u200f", "\u202e",
    "مرحبا", "皮肤", "ਚਮੜੀ", "0", "42", "3.5", "+44 1632 960000", "info@clinic.example",
    "https://clinic.example", "\x00", "\x1b", "\ufeff", "\ud7ff", "🙂", " ", "—",
])
PROSE = st.lists(WORDS | st.text(max_size=6), max_size=8).map(" ".join)
KEYS = st.sampled_from(sorted({*TOP_FIELDS, *SECTION_FIELDS, *BLOCK_FIELDS, *ITEM_FIELDS,
                               *CLINIC_FIELDS})) | st.text(max_size=5)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | PROSE | \
    st.dates() | st.sampled_from(["2022-10-30", "x-y", "intro", "1.0"])
TREES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(KEYS, inner, max_size=6), max_leaves=30)


def mutate(text: str, data: st.DataObject) -> str:
    """``text`` with a few line-level edits: deleted, duplicated, re-indented or spliced."""
    lines = text.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        if not lines:
            break
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "splice"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "indent":
            lines[i] = "  " + lines[i]
        elif action == "dedent":
            lines[i] = lines[i].lstrip()
        else:
            cut = data.draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:cut] + data.draw(PROSE) + lines[i][cut:]
    return "".join(lines)


def load_or_fail(path: Path, text: str) -> None:
    """Parse and validate content text; only a BrochuresError may escape."""
    try:
        load_brochure(path, text)
    except BrochuresError as exc:
        assert exc.format_message().startswith(path.name) or str(path) in exc.format_message()


@FAST
@given(st.text(max_size=300))
def test_any_text_as_content(text):
    load_or_fail(Path("content/fuzz.yaml"), text)


@FAST
@given(TREES)
def test_any_yaml_document_as_content(tree):
    load_or_fail(Path("content/fuzz.yaml"), yaml.safe_dump(tree, allow_unicode=True))


@FAST
@given(st.data())
def test_edited_content_file(data):
    load_or_fail(Path("content/fuzz.yaml"), mutate(SOURCE, data))


@FAST
@given(st.data())
def test_edited_clinic_file(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("clinic") / "clinic.yaml"
    path.write_text(mutate((REPO / "content/clinic.yaml").read_text(encoding="utf-8"), data),
                    encoding="utf-8")
    try:
        load_clinic(path)
    except BrochuresError:
        pass


def po_text(data: st.DataObject) -> str:
    """The Spanish catalog with some translations replaced and a few lines edited."""
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    messages = [m for m in catalog if m.id]
    for _ in range(data.draw(st.integers(0, 5))):
        message = data.draw(st.sampled_from(messages))
        message.string = data.draw(PROSE)
        message.flags.discard("fuzzy")
    text = po_bytes(catalog).decode("utf-8")
    return mutate(text, data) if data.draw(st.booleans()) else text


def plan_or_fail(root: Path) -> None:
    """Everything a build does before rendering: gather, check, render the HTML."""
    try:
        site = gather(Project(root), locales=("es",))
        check_project(Project(root))
        plan_documents(site)
    except BrochuresError:
        pass


@FAST
@given(st.data())
def test_edited_catalog(tmp_path_factory, data):
    root = copy_project(tmp_path_factory.mktemp("po") / "project")
    (root / "locales/es/LC_MESSAGES/messages.po").write_text(po_text(data), encoding="utf-8")
    plan_or_fail(root)


@FAST
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_as_catalog(tmp_path_factory, raw):
    root = copy_project(tmp_path_factory.mktemp("po") / "project")
    (root / "locales/es/LC_MESSAGES/messages.po").write_bytes(raw)
    plan_or_fail(root)


@BUILDS
@given(st.data())
def test_builds_end_in_a_pdf_or_a_clear_error(data):
    """A few complete builds from edited content and catalogs: real PDFs, read back."""
    with tempfile.TemporaryDirectory() as folder:
        root = copy_project(Path(folder) / "project")
        (root / "content/laser-skin-tightening.yaml").write_text(mutate(SOURCE, data),
                                                                 encoding="utf-8")
        (root / "locales/es/LC_MESSAGES/messages.po").write_text(po_text(data), encoding="utf-8")
        try:
            summary = build(Project(root), BuildOptions(locales=("en", "es"), jobs=1),
                            say=lambda _: None)
        except BrochuresError:
            return
        manifest = json.loads((root / "output/manifest.json").read_text(encoding="utf-8"))
        built = {doc["path"]: doc for doc in manifest["documents"]}
        assert set(summary.built) <= set(built)
        brochure, _ = load_brochure(root / "content/laser-skin-tightening.yaml")
        title = brochure.title.text if brochure else ""
        plain = title.isascii() and title.isprintable() and not set(title) & set("<>&%{")
        for path in summary.built:
            assert built[path]["pages"] >= 1
            if built[path]["locale"] == "en" and plain:
                assert contains(pdf_text(root / "output" / path), title)


def test_yaml_alias_bomb_is_refused():
    """Nine levels of nine aliases stand for 387 million items: refused, not expanded."""
    text = SOURCE + "x0: &x0 [{id: a, text: lol}]\n" + "".join(
        f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]\n" for i in range(1, 10))
    line = SOURCE.count("\n") + 2
    try:
        load_brochure(Path("content/bomb.yaml"), text)
    except BrochuresError as exc:
        assert exc.format_message().startswith(
            f"content/bomb.yaml:{line}: invalid YAML: aliases (*name) are not allowed")
    else:
        raise AssertionError("the aliases were accepted")
