"""The one error class users see, and the located diagnostics it carries."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, optionally a line and a key path inside it."""

    file: str
    line: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        text = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{text}: {self.key}" if self.key else text

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
        text = f"{self.location}: {level}{self.message} [{self.code}]"
        return f"{text}\n    {self.hint}" if self.hint else text

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


class CheckFailed(BrochuresError):
    """Several diagnostics at once, at least one of them an error."""

    def __init__(self, diagnostics: list[Diagnostic], what: str = "input") -> None:
        self.diagnostics = diagnostics
        errors = sum(d.is_error for d in diagnostics)
        lines = [str(d) for d in diagnostics]
        lines.append(f"{errors} error(s) in the {what}; nothing was written.")
        super().__init__("\n".join(lines))

    def format_message(self) -> str:
        return self.message


def as_diagnostic(error: BrochuresError, code: str) -> Diagnostic:
    """``error`` as an error diagnostic, to report it alongside the checks' findings."""
    return Diagnostic("error", code, error.location or Location(""), error.detail, error.hint)


def raise_if_errors(diagnostics: list[Diagnostic], what: str = "input") -> None:
    """Raise :class:`CheckFailed` when any diagnostic is an error."""
    if any(d.is_error for d in diagnostics):
        raise CheckFailed(diagnostics, what)
