"""Message extraction: the Babel extractor for content YAML, and the project's .pot."""

from __future__ import annotations

import io
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from brochures import __version__
from brochures.content import CLINIC_FILE, load_brochure
from brochures.errors import BrochuresError, CheckFailed, Location
from brochures.project import Project

COMMENT_TAGS = ("Translators:",)

DEFAULT_MAPPING = """\
# Where brochures finds translatable text; also read by `pybabel extract -F babel.cfg`.
[brochures: content/*.yaml]

[jinja2: templates/**.html]
extensions = jinja2.ext.i18n
"""


def extract_content(fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str],
                    options: Mapping[str, Any]) -> Iterator[tuple[int, str, tuple[str, str],
                                                                  list[str]]]:
    """Babel extractor for content/ID.yaml: every text with its key path as msgctxt.

    Registered under the ``babel.extractors`` entry point as ``brochures``.
    """
    path = Path(getattr(fileobj, "name", "content.yaml"))
    if path.name == CLINIC_FILE:
        return
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    brochure, diagnostics = load_brochure(path, text)
    if brochure is None:
        raise CheckFailed(diagnostics, "content")
    for message in brochure.messages():
        comments = [message.note] if message.note else []
        yield message.line, "pgettext", (message.context, message.text), comments


def mapping(project: Project) -> tuple[list, dict]:
    """The method map and options of the project's babel.cfg (or the built-in default)."""
    if project.mapping_file.is_file():
        with project.mapping_file.open(encoding="utf-8") as handle:
            return parse_mapping_cfg(handle, filename=str(project.mapping_file))
    return parse_mapping_cfg(io.StringIO(DEFAULT_MAPPING))


def extract_catalog(project: Project) -> Catalog:
    """Every message of the project's content and templates, as ``pybabel extract`` finds them."""
    method_map, options_map = mapping(project)
    catalog = Catalog(project="brochures", version=__version__, charset="utf-8",
                      msgid_bugs_address="", copyright_holder="", fuzzy=False)
    found = extract_from_dir(str(project.root), method_map, options_map,
                             keywords=DEFAULT_KEYWORDS, comment_tags=COMMENT_TAGS,
                             strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        path = Path(filename).as_posix()
        if path.startswith(("output/", ".venv/")):
            continue
        catalog.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    if not len(catalog):
        raise BrochuresError("no messages found", Location.of(project.root),
                             "Check babel.cfg: it names where content and templates are.")
    return catalog
