"""Publish finished documents: staged first, then moved into the output folder, manifest last."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from brochures.fileio import fsync_dir, write_error, write_synced

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class DocumentRecord:
    """One line of output/manifest.json."""

    brochure: str
    locale: str
    variant: str
    path: str            # relative to the output folder
    pages: int
    bytes: int
    sha256: str
    draft: bool
    inputs: str          # digest of everything the document was built from
    built_from: dict[str, Any]
    layout: str | None = None  # what the layout decided, e.g. the trifold's type size
    fonts: tuple[str, ...] = ()  # the font faces used, "path#index"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.brochure, self.locale, self.variant)


def read_manifest(output: Path) -> dict[tuple[str, str, str], DocumentRecord]:
    """The documents of the last build; an unreadable manifest counts as none (full rebuild)."""
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
        records = [DocumentRecord(**entry) for entry in data["documents"]]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {record.key: record for record in records}


def is_current(record: DocumentRecord | None, output: Path, inputs: str) -> bool:
    """True when ``record`` was built from ``inputs`` and its file is still as written."""
    if record is None or record.inputs != inputs:
        return False
    path = output / record.path
    try:
        return path.stat().st_size == record.bytes
    except OSError:
        return False


class Staging:
    """New documents are written to a staging folder, then moved into the output folder.

    Rendering and writing happen away from ``output/``: a crash, ``kill -9`` or full disk
    before :meth:`commit` leaves it exactly as it was. Commit then moves each document in
    with one rename (complete files only) and the manifest last. The staging folder sits
    beside the output folder so that a rename never crosses file systems.
    """

    def __init__(self, output: Path) -> None:
        self.output = output
        self.folder = _staging_folder(output)
        self.files: list[str] = []

    def __enter__(self) -> Staging:
        _remove_stale(self.folder.parent, self.folder.name.rsplit("-", 1)[0])
        try:
            self.folder.mkdir()
        except OSError as exc:
            raise write_error(self.folder, exc, OUTPUT_KEPT) from None
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def add(self, relative: str, pdf: bytes) -> None:
        """Stage one finished document (written and flushed, not yet visible)."""
        try:
            write_synced(self.folder / relative, pdf)
        except OSError as exc:
            raise write_error(self.output / relative, exc, OUTPUT_KEPT) from None
        self.files.append(relative)

    def commit(self, records: dict[tuple[str, str, str], DocumentRecord]) -> None:
        """Move the staged documents into place, then the manifest that lists them."""
        staged_manifest = self.folder / MANIFEST
        try:
            write_synced(staged_manifest, manifest_bytes(records))
        except OSError as exc:
            raise write_error(self.output / MANIFEST, exc, OUTPUT_KEPT) from None
        folders = set()
        for relative in self.files:
            target = self.output / relative
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                _move(self.folder / relative, target)
            except OSError as exc:
                raise write_error(target, exc, "Documents already moved are complete; the "
                                  "manifest is unchanged.") from None
            folders.add(target.parent)
        for folder in folders:
            fsync_dir(folder)
        try:
            _move(staged_manifest, self.output / MANIFEST)
        except OSError as exc:
            raise write_error(self.output / MANIFEST, exc, "The manifest is unchanged.") from None
        fsync_dir(self.output)


OUTPUT_KEPT = "Nothing in the output folder was changed."


def _move(source: Path, target: Path) -> None:
    """Rename ``source`` over ``target``; across mount points, copy beside it and rename."""
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        copy = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            shutil.copyfile(source, copy)
            with copy.open("rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(copy, target)
        except BaseException:
            with contextlib.suppress(OSError):
                copy.unlink()
            raise
        source.unlink()


def _staging_folder(output: Path) -> Path:
    """Beside ``output`` when both share a file system (renames stay atomic), else inside."""
    name = f".{output.name}.staging-{os.getpid()}"
    try:
        if output.parent.stat().st_dev == output.stat().st_dev and os.access(
                output.parent, os.W_OK):
            return output.parent / name
    except OSError:
        pass
    return output / name


def _remove_stale(folder: Path, prefix: str) -> None:
    """Remove staging folders left by builds that were killed (their process is gone)."""
    for stale in folder.glob(f"{prefix}-*"):
        pid = stale.name.rsplit("-", 1)[1]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def manifest_bytes(records: dict[tuple[str, str, str], DocumentRecord]) -> bytes:
    """manifest.json's content, documents sorted for stable diffs."""
    documents = [asdict(records[key]) for key in sorted(records)]
    text = json.dumps({"documents": documents}, ensure_ascii=False, indent=2) + "\n"
    return text.encode("utf-8")

