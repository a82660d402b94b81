"""The one error class users see, and the located diagnostics it carries."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import click


def printable(text: str, lines: bool = True) -> str:
    """``text`` safe to print on a terminal: control characters (ESC, CR, C1 codes...),
    invisible format characters (bidi overrides among them) and line separators are shown
    as \\uXXXX escapes, so text from a file can neither move the cursor nor rewrite or
    reorder what was printed. Line breaks are kept unless ``lines`` is false. The escapes
    are JSON's, so printed JSON stays valid and means the same."""
    if text.isprintable():
        return text
    keep = "\n\t" if lines else ""
    return "".join(_escape(c) if c not in keep and unicodedata.category(c) in _UNPRINTABLE
                   else c for c in text)


_UNPRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def _escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # as a UTF-16 surrogate pair, the way JSON writes it
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, optionally a line and a key path inside it."""

    file: str
    line: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        text = self.file if self.line is None else f"{self.file}:{self.line}"
        text = f"{text}: {self.key}" if self.key else text
        return printable(text, lines=False)  # a key may be a msgctxt: anything at all

    @classmethod
    def of(cls, path: Path | str, line: int | None = None, key: str | None = None) -> Location:
        """A location whose file is shown relative to the working folder when it is inside it."""
        return cls(display_path(path), line, key)


def display_path(path: Path | str) -> str:
    """``path`` relative to the current folder when it lies below it, else as given."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Diagnostic:
    """One finding of a check: severity, a code the user can look up, where, what, what to do."""

    severity: str  # "error" or "warning"
    code: str
    location: Location
    message: str
    hint: str = ""

    def __str__(self) -> str:
        level = "" if self.is_error else f"{self.severity}: "
        text = f"{self.location}: {level}{printable(self.message, lines=False)} [{self.code}]"
        return f"{text}\n    {printable(self.hint, lines=False)}" if self.hint else text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class BrochuresError(click.ClickException):
    """A problem with the user's input or environment: printed plainly, exit status 1.

    Any other exception escaping the tool is a bug in the tool.
    """

    exit_code = 1

    def __init__(self, message: str, location: Location | None = None, hint: str = "") -> None:
        self.location = location
        self.detail = message
        self.hint = hint
        text = f"{location}: {message}" if location else message
        super().__init__(f"{text}\n    {hint}" if hint else text)

    def format_message(self) -> str:
        return printable(self.message)


class CheckFailed(BrochuresError):
    """Several diagnostics at once, at least one of them an error."""

    def __init__(self, diagnostics: list[Diagnostic], what: str = "input") -> None:
        self.diagnostics = diagnostics
        errors = sum(d.is_error for d in diagnostics)
        lines = [str(d) for d in diagnostics]
        lines.append(f"{errors} error(s) in the {what}; nothing was written.")
        super().__init__("\n".join(lines))

    def format_message(self) -> str:
        return printable(self.message)


def as_diagnostic(error: BrochuresError, code: str) -> Diagnostic:
    """``error`` as an error diagnostic, to report it alongside the checks' findings."""
    return Diagnostic("error", code, error.location or Location(""), error.detail, error.hint)


def raise_if_errors(diagnostics: list[Diagnostic], what: str = "input") -> None:
    """Raise :class:`CheckFailed` when any diagnostic is an error."""
    if any(d.is_error for d in diagnostics):
        raise CheckFailed(diagnostics, what)
