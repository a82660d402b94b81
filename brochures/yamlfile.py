"""Read YAML keeping the line of every key and item, and report errors with their location."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml

from brochures.errors import BrochuresError, Diagnostic, Location


class YMap(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int = 0
    lines: dict[str, int]


class YList(list):
    """A YAML sequence that remembers its own line and the line of each item."""

    line: int = 0
    lines: list[int]


class _Loader(yaml.SafeLoader):
    """SafeLoader building :class:`YMap` and :class:`YList` with line numbers."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        # Aliases let a few lines of YAML stand for billions of nodes; content needs none.
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed; write the text out",
                self.peek_event().start_mark)
        return super().compose_node(parent, index)


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> YMap:
    loader.flatten_mapping(node)
    result = YMap()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"keys must be text, not {key!r}", key_node.start_mark)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _construct_list(loader: _Loader, node: yaml.SequenceNode) -> YList:
    result = YList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)


def parse_yaml(text: str, path: Path | str) -> Any:
    """Parse YAML text; a syntax error becomes a :class:`BrochuresError` at its line."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise BrochuresError(
            f"invalid YAML: {problem}", Location.of(path, line),
            "Fix the YAML syntax (indentation, quotes, a colon followed by a space).") from None
    except yaml.YAMLError as exc:
        raise BrochuresError(f"invalid YAML: {exc}", Location.of(path)) from None


def load_yaml(path: Path) -> Any:
    """Read and parse a YAML file (UTF-8)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BrochuresError("file not found", Location.of(path)) from None
    except UnicodeDecodeError as exc:
        raise BrochuresError(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                             Location.of(path), "Save the file as UTF-8.") from None
    return parse_yaml(text, path)


class Reader:
    """Walks a parsed YAML document, collecting every problem as a located diagnostic."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def error(self, line: int | None, key: str, message: str, hint: str = "",
              code: str = "content") -> None:
        self.diagnostics.append(
            Diagnostic("error", code, Location.of(self.path, line, key), message, hint))

    def mapping(self, value: Any, key: str, line: int | None,
                fields: dict[str, bool]) -> YMap | None:
        """Check that ``value`` is a mapping with only known ``fields`` (name -> required)."""
        if not isinstance(value, YMap):
            self.error(line, key, f"expected a mapping of fields, got {_kind(value)}")
            return None
        for name in value:
            if name not in fields:
                close = difflib.get_close_matches(name, list(fields), n=1)
                hint = f"Did you mean '{close[0]}'?" if close else (
                    "Known fields: " + ", ".join(sorted(fields)) + ".")
                self.error(value.lines[name], _join(key, name), "unknown field", hint)
        for name, required in fields.items():
            if required and name not in value:
                self.error(value.line, _join(key, name), "required field missing",
                           f"Add '{name}:' to this mapping.")
        return value

    def text(self, mapping: YMap, name: str, key: str, required: bool = True) -> str | None:
        """A non-empty string field."""
        if name not in mapping:
            return None
        value = mapping[name]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (required and not value.strip()):
            self.error(mapping.lines[name], _join(key, name),
                       f"expected non-empty text, got {_kind(value)}")
            return None
        return value.strip()

    def items(self, mapping: YMap, name: str, key: str) -> list[tuple[Any, int]]:
        """The items of a list field with their lines; an empty list when absent."""
        if name not in mapping:
            return []
        value = mapping[name]
        if not isinstance(value, YList):
            self.error(mapping.lines[name], _join(key, name),
                       f"expected a list, got {_kind(value)}")
            return []
        return list(zip(value, value.lines, strict=True))


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {YMap: "a mapping", YList: "a list", str: f"text {value!r}", bool: f"{value}"}.get(
        type(value), f"{type(value).__name__} {value!r}")
