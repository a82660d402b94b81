"""Read YAML keeping the line of every key and item, and report errors with their location."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml

from brochures.errors import BrochuresError, Diagnostic, Location

# Limits far beyond any leaflet (the sample's content file is 25 kB, 7 levels deep) that
# keep a hostile or mistaken file from costing minutes, gigabytes or a traceback.
MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64       # nested mappings and lists: PyYAML composes them recursively
MAX_NODES = 20_000   # keys, values and items (the sample has 315): parsing is slow Python
MAX_DIGITS = 100     # Python refuses to convert integers of more than 4300 digits
MAX_REPORTED = 50    # problems shown per file; the rest are counted

class YMap(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int = 0
    lines: dict[str, int]


class YList(list):
    """A YAML sequence that remembers its own line and the line of each item."""

    line: int = 0
    lines: list[int]


class _Limit(yaml.MarkedYAMLError):
    """A file past one of the limits above, at the place it was reached."""

    def __init__(self, problem: str, mark: yaml.Mark, hint: str) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.hint = hint


LIMIT_HINT = "Content files are far smaller: check that this is the right file."


class _Loader(yaml.SafeLoader):
    """SafeLoader building :class:`YMap` and :class:`YList` with line numbers."""

    depth = nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        # Aliases let a few lines of YAML stand for billions of nodes; content needs none.
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed; write the text out",
                self.peek_event().start_mark)
        problem = (f"nested more than {MAX_DEPTH} levels deep" if self.depth >= MAX_DEPTH else
                   f"more than {MAX_NODES:,} keys, values and items" if self.nodes >= MAX_NODES
                   else None)
        if problem:
            raise _Limit(problem, self.peek_event().start_mark, LIMIT_HINT)
        self.depth += 1
        self.nodes += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    if len(node.value) > MAX_DIGITS:
        raise _Limit(f"a number {len(node.value):,} characters long (at most {MAX_DIGITS})",
                     node.start_mark, "Put text in quotes.")
    return loader.construct_yaml_int(node)


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
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def parse_yaml(text: str, path: Path | str) -> Any:
    """Parse YAML text; a syntax error becomes a :class:`BrochuresError` at its line."""
    if len(text) > MAX_BYTES:
        raise _too_large(path, len(text.encode("utf-8", "replace")))
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise BrochuresError(
            f"invalid YAML: {problem}", Location.of(path, line), exc.hint
            if isinstance(exc, _Limit) else
            "Fix the YAML syntax (indentation, quotes, a colon followed by a space).") from None
    except yaml.YAMLError as exc:
        raise BrochuresError(f"invalid YAML: {exc}", Location.of(path)) from None


def read_source(path: Path) -> bytes:
    """The bytes of a YAML file, reading no more than one byte past the size limit."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise BrochuresError("file not found", Location.of(path)) from None
    except OSError as exc:
        raise BrochuresError(f"cannot read the file: {exc.strerror}", Location.of(path)) from None
    if len(data) > MAX_BYTES:
        raise _too_large(path, path.stat().st_size)
    return data


def load_yaml(path: Path, source: bytes | str | None = None) -> Any:
    """Parse a YAML file (UTF-8), or ``source``, its bytes or text already read."""
    data = read_source(path) if source is None else source
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise _too_large(path, len(data))
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BrochuresError(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                                 Location.of(path), "Save the file as UTF-8.") from None
    return parse_yaml(data, path)


def _too_large(path: Path | str, size: int) -> BrochuresError:
    return BrochuresError(
        f"the file is {size:,} bytes, more than the limit of {MAX_BYTES:,}",
        Location.of(path), LIMIT_HINT)


class Reader:
    """Walks a parsed YAML document, collecting every problem as a located diagnostic."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._found: list[Diagnostic] = []
        self._unshown = 0

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """The first :data:`MAX_REPORTED` problems, and how many more there are."""
        if not self._unshown:
            return list(self._found)
        return [*self._found, Diagnostic(
            "error", "content", Location.of(self.path),
            f"and {self._unshown:,} more problem(s) in this file, not shown",
            "Fix the ones above first: they are often the cause of the others.")]

    def error(self, line: int | None, key: str, message: str, hint: str = "",
              code: str = "content") -> None:
        if len(self._found) >= MAX_REPORTED:
            self._unshown += 1
            return
        self._found.append(
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
