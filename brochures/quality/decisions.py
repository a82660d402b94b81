"""Clinicians' decisions on findings, kept with the content, lapsing when their text changes."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from brochures.errors import BrochuresError, Location
from brochures.fileio import write_atomic
from brochures.quality.data import DataReader
from brochures.quality.findings import Finding

DECISIONS_FILE = "decisions.yaml"
HEADER = """\
# Clinicians' decisions on findings of `brochures report`: each one accepts a finding
# with a reason. Written by `brochures report accept`; kept with the content, which
# translators do not edit. A decision holds only while the text it was made on is
# unchanged (its fingerprint): after any change the finding is open again.
"""
_FINGERPRINT = re.compile(r"[0-9a-f]{16}")
FIELDS = ("finding", "fingerprint", "by", "date", "reason")


@dataclass(frozen=True)
class Decision:
    """A finding accepted by a named clinician, on a date, for a reason."""

    finding: str
    fingerprint: str
    by: str
    date: dt.date
    reason: str


@dataclass(frozen=True)
class Assessed:
    """A finding with its standing: ``open``, ``accepted``, or ``stale`` (accepted on a
    text that has changed since, so open again)."""

    finding: Finding
    state: str
    decision: Decision | None = None

    @property
    def is_open(self) -> bool:
        return self.state != "accepted"


@dataclass(frozen=True)
class Decisions:
    """Every recorded decision, one per finding key."""

    items: tuple[Decision, ...] = ()

    def get(self, key: str) -> Decision | None:
        return next((d for d in self.items if d.finding == key), None)

    def accept(self, finding: Finding, by: str, reason: str, on: dt.date) -> Decisions:
        """These decisions with ``finding`` accepted (replacing an earlier decision on it)."""
        name, why = " ".join(by.split()), " ".join(reason.split())
        if not name:
            raise BrochuresError("a decision needs the name of who made it",
                                 hint="Give your name, for example --by \"Dr Jane Smith\".")
        if not why:
            raise BrochuresError("a decision needs a reason",
                                 hint="Say why the finding is acceptable, for example "
                                      "--reason \"Agreed with the lead dermatologist\".")
        decision = Decision(finding.key, finding.fingerprint, name, on, why)
        kept = tuple(d for d in self.items if d.finding != finding.key)
        return replace(self, items=(*kept, decision))

    def revoke(self, key: str) -> Decisions:
        return replace(self, items=tuple(d for d in self.items if d.finding != key))


def assess(findings: Sequence[Finding], decisions: Decisions) -> list[Assessed]:
    """Each finding with its standing under the recorded decisions."""
    result = []
    for finding in findings:
        decision = decisions.get(finding.key)
        if decision is None:
            result.append(Assessed(finding, "open"))
        elif decision.fingerprint == finding.fingerprint:
            result.append(Assessed(finding, "accepted", decision))
        else:
            result.append(Assessed(finding, "stale", decision))
    return result


def resolve(findings: Sequence[Finding], ref: str) -> Finding:
    """The finding ``ref`` names: its key, or the start of its fingerprint (6+ characters)."""
    ref = ref.strip()
    exact = [f for f in findings if f.key == ref]
    if exact:
        return exact[0]
    by_print = [f for f in findings if len(ref) >= 6 and f.fingerprint.startswith(ref.lower())]
    if len(by_print) == 1:
        return by_print[0]
    if len(by_print) > 1:
        raise BrochuresError(f"{ref!r} names {len(by_print)} findings",
                             hint="Give more characters of the fingerprint, or the key.")
    close = difflib.get_close_matches(ref, [f.key for f in findings], n=1)
    raise BrochuresError(f"no finding {ref!r}", hint=f"Did you mean {close[0]}?" if close else
                         "Run `brochures report` to list the findings with their keys.")


def load_decisions(path: Path) -> Decisions:
    """The decisions recorded in ``path``; none when the file does not exist."""
    if not path.exists():
        return Decisions()
    reader = DataReader(path)
    document = reader.load()
    items = document.get("decisions") if document is not None else None
    if document is not None and not isinstance(items, list):
        reader.error(reader.line(document, "decisions"), "decisions",
                     "expected a list of decisions")
    found: list[Decision] = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        key = f"decisions[{index}]"
        if not isinstance(item, Mapping):
            reader.error(reader.line(items, index), key, "expected a mapping")
            continue
        for name in sorted(set(item) - set(FIELDS)):
            reader.error(reader.line(item, name), f"{key}.{name}", "unknown field",
                         "Known fields: " + ", ".join(FIELDS) + ".")
        values = {name: reader.text(item, name, f"{key}.{name}")
                  for name in ("finding", "fingerprint", "by", "reason")}
        if values["fingerprint"] and not _FINGERPRINT.fullmatch(values["fingerprint"]):
            reader.error(reader.line(item, "fingerprint"), f"{key}.fingerprint",
                         "expected 16 hexadecimal digits")
        day = item.get("date")
        if isinstance(day, str):
            try:
                day = dt.date.fromisoformat(day)
            except ValueError:
                day = None
        if not isinstance(day, dt.date):
            reader.error(reader.line(item, "date"), f"{key}.date", "expected a date YYYY-MM-DD")
            continue
        found.append(Decision(values["finding"], values["fingerprint"], values["by"], day,
                              values["reason"]))
    reader.done()
    return Decisions(tuple(found))


def dump_decisions(decisions: Decisions) -> str:
    """The text of a decisions file."""
    body = [{"finding": d.finding, "fingerprint": d.fingerprint, "by": d.by,
             "date": d.date.isoformat(), "reason": d.reason}
            for d in sorted(decisions.items, key=lambda d: d.finding)]
    return HEADER + "\n" + yaml.safe_dump({"decisions": body}, allow_unicode=True,
                                          sort_keys=False, width=88)


def save_decisions(decisions: Decisions, path: Path) -> None:
    """Write the decisions file in one step; the old one stays if anything fails."""
    if path.is_dir():
        raise BrochuresError("is a folder, not a decisions file", Location.of(path))
    write_atomic(path, dump_decisions(decisions).encode("utf-8"))
