"""Message extraction: content YAML and templates, the same through pybabel and brochures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from brochures.extract import extract_content

from conftest import run_cli


def messages(path: Path) -> dict:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {(m.context, m.id): (sorted(m.locations), m.auto_comments) for m in catalog if m.id}


def test_pybabel_with_the_mapping_file_gives_the_same_template(project):
    assert run_cli("i18n", "extract", cwd=project).code == 0
    ours = messages(project / "locales/messages.pot")
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "-q", "extract", "-F", "babel.cfg", "-c", "Translators:",
                    "--strip-comments", "-o", "theirs.pot", "."], cwd=project, check=True)
    theirs = messages(project / "theirs.pot")
    assert ours == theirs
    assert len(ours) > 60


def test_content_messages_have_key_path_context_notes_and_yaml_lines(project):
    path = project / "content/laser-skin-tightening.yaml"
    with path.open("rb") as handle:
        found = list(extract_content(handle, ["pgettext"], [], {}))
    by_context = {ctx: (line, text, notes) for line, _, (ctx, text), notes in found}
    line, text, notes = by_context[
        "laser-skin-tightening:sections.after-effects.body.effects.items.erythema.text"]
    assert text == "Erythema"
    assert notes == ["Redness of the skin."]
    assert path.read_text(encoding="utf-8").splitlines()[line - 1].strip() == "text: Erythema"


def test_template_strings_are_extracted_with_translator_comments(project):
    assert run_cli("i18n", "extract", cwd=project).code == 0
    found = messages(project / "locales/messages.pot")
    locations, comments = found[(None, "Page %(page)s of %(pages)s")]
    assert locations[0][0] == "templates/partials/head.html"
    assert any("%(page)s" in comment for comment in comments)


def test_extract_leaves_an_unchanged_template_alone(project):
    pot = project / "locales/messages.pot"
    run_cli("i18n", "extract", cwd=project)
    before = pot.stat().st_mtime_ns
    result = run_cli("i18n", "extract", cwd=project)
    assert "unchanged" in result.out
    assert pot.stat().st_mtime_ns == before
