"""Write finished documents into the output folder atomically, the manifest last."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from brochures.fileio import write_atomic

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


def publish_document(output: Path, relative: str, pdf: bytes) -> None:
    """Move one PDF into place in a single step (temp file, fsync, rename)."""
    write_atomic(output / relative, pdf)


def write_manifest(output: Path, records: dict[tuple[str, str, str], DocumentRecord]) -> None:
    """Write manifest.json atomically, documents sorted for stable diffs."""
    documents = [asdict(records[key]) for key in sorted(records)]
    text = json.dumps({"documents": documents}, ensure_ascii=False, indent=2) + "\n"
    write_atomic(output / MANIFEST, text.encode("utf-8"))
