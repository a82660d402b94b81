"""`i18n init` and `i18n update` never lose a translator's work."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from test_publish import read_only, run_limited

from conftest import run_cli

PO = "locales/es/LC_MESSAGES/messages.po"
CONTENT = "content/laser-skin-tightening.yaml"


def translations(path: Path) -> dict[tuple[str | None, str], str]:
    """Every translated string of a catalog, obsolete entries included, by (context, id)."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    found = {}
    for message in [*catalog, *catalog.obsolete.values()]:
        if message.id and message.string:
            found[(message.context, str(message.id))] = str(message.string)
    return found


def leftovers(folder: Path) -> list[str]:
    """Temporary files a write left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_update_keeps_every_translation_and_backs_up_first(project):
    po = project / PO
    original = po.read_bytes()
    before = translations(po)
    assert len(before) > 50
    # The source changes under the translators: one text edited, one block removed.
    edit(project / CONTENT, "summary: A guide for patients from your skin specialist clinic.",
         "summary: A guide for patients from your skin clinic.")
    content = (project / CONTENT).read_text(encoding="utf-8")
    start = content.index("      - id: natural\n")
    end = content.index("\n  - id: collagen")
    (project / CONTENT).write_text(content[:start] + content[end:], encoding="utf-8")

    result = run_cli("i18n", "update", "es", cwd=project)
    assert result.code == 0, result.err
    assert "es: updated" in result.out
    assert po.with_name("messages.po.bak").read_bytes() == original
    after = translations(po)
    assert set(before.values()) <= set(after.values())  # not one translation lost
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    summary = next(m for m in catalog if m.context == "laser-skin-tightening:summary")
    assert summary.fuzzy and summary.string == before[
        ("laser-skin-tightening:summary",
         "A guide for patients from your skin specialist clinic.")]
    assert any(ctx == "laser-skin-tightening:sections.what-is.body.natural.text"
               for _, ctx in catalog.obsolete)
    assert leftovers(po.parent) == []


def test_update_without_changes_rewrites_nothing(project):
    po = project / PO
    assert run_cli("i18n", "update", "es", cwd=project).code == 0
    settled = po.read_bytes()
    backup = po.with_name("messages.po.bak")
    backup_before = backup.read_bytes() if backup.exists() else None
    result = run_cli("i18n", "update", "es", cwd=project)
    assert result.code == 0 and "es: unchanged" in result.out
    assert po.read_bytes() == settled
    assert (backup.read_bytes() if backup.exists() else None) == backup_before


def test_init_never_replaces_a_catalog(project):
    po = project / PO
    original = po.read_bytes()
    result = run_cli("i18n", "init", "es", cwd=project)
    assert result.code == 1 and "Traceback" not in result.err
    assert f"{PO}: catalog already exists" in result.err
    assert po.read_bytes() == original


def test_update_of_a_broken_catalog_changes_nothing(project):
    po = project / PO
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "unterminated\n', encoding="utf-8")
    broken = po.read_bytes()
    result = run_cli("i18n", "update", "es", cwd=project)
    assert result.code == 1 and "Traceback" not in result.err
    assert f"{PO}:" in result.err and "invalid .po file" in result.err
    assert po.read_bytes() == broken
    assert not po.with_name("messages.po.bak").exists()


def test_update_that_cannot_write_keeps_the_catalog(project):
    po = project / PO
    edit(project / CONTENT, "summary: A guide for patients from your skin specialist clinic.",
         "summary: A guide for patients from your skin clinic.")
    original = po.read_bytes()
    # Room for the template (messages.pot) but not for a catalog with its translations.
    result = run_limited("i18n", "update", "es", cwd=project,
                         max_file=(project / "locales/messages.pot").stat().st_size + 4096)
    assert result.code == 1 and "Traceback" not in result.err
    assert f"{PO}" in result.err and "cannot write: File too large" in result.err
    assert "The previous file is unchanged." in result.err
    assert po.read_bytes() == original
    assert leftovers(po.parent) == []


def test_update_in_a_read_only_folder_keeps_the_catalog(project):
    po = project / PO
    edit(project / CONTENT, "summary: A guide for patients from your skin specialist clinic.",
         "summary: A guide for patients from your skin clinic.")
    original = po.read_bytes()
    with read_only(po.parent):
        result = run_cli("i18n", "update", "es", cwd=project)
    assert result.code == 1 and "Traceback" not in result.err
    assert "cannot write" in result.err and "The previous file is unchanged." in result.err
    assert po.read_bytes() == original


def test_init_that_cannot_write_creates_nothing(project):
    result = run_limited("i18n", "init", "it", cwd=project,
                         max_file=(project / "locales/messages.pot").stat().st_size + 100)
    assert result.code == 1 and "Traceback" not in result.err
    assert "locales/it/LC_MESSAGES/messages.po: cannot write: File too large" in result.err
    folder = project / "locales/it/LC_MESSAGES"
    assert not (folder / "messages.po").exists() and leftovers(folder) == []
