"""Build progress: a live bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from types import TracebackType

import click


class Progress:
    """Shows documents done / total, the current one and the time left."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.started = time.monotonic()
        self.shown = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self.shown and self.tty:
            click.echo("", err=True)

    def update(self, done: int, total: int, current: str) -> None:
        elapsed = time.monotonic() - self.started
        left = f", {elapsed / done * (total - done):.0f} s left" if done else ""
        if self.tty:
            width = 24
            filled = int(width * done / total) if total else width
            bar = "#" * filled + "-" * (width - filled)
            click.echo(f"\r[{bar}] {done}/{total}{left} {current:<40.40}", err=True, nl=False)
        elif current and done:
            click.echo(f"[{done}/{total}] {current}", err=True)
        self.shown = True

    def say(self, text: str) -> None:
        if self.shown and self.tty:
            click.echo("", err=True)
            self.shown = False
        click.echo(text, err=True)
