"""Review sign-offs: a record the clinic keeps and signs, binding each catalog's exact bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click

from brochures.errors import BrochuresError, Location
from brochures.fileio import write_atomic
from brochures.project import Project

RECORD_FILE = "reviews.json"
KEY_ENV = "BROCHURES_REVIEW_KEY_FILE"
UNREVIEWED = "Review: the clinic records its sign-off in reviews.json, not in this file."
SIGN_AGAIN = "Have it reviewed and run `brochures i18n signoff CODE --by NAME` again."
LEGACY_MARK = "# Reviewed-by:"
_ABOUT = ("Review sign-offs of the translations, signed with the clinic's review key. "
          "Written by `brochures i18n signoff`; an edited entry no longer counts.")
_FIELDS = ("by", "date", "sha256", "key", "hmac")
_KEY_BYTES = 32


@dataclass(frozen=True)
class Review:
    """A catalog's review state; ``by`` and ``date`` only ever come from a verified record."""

    state: str                      # "reviewed", "stale" (changed since) or "not reviewed"
    by: str | None = None
    date: dt.date | None = None
    problem: str = ""               # why a sign-off on record is not trusted, and what to do


@dataclass(frozen=True)
class ReviewKey:
    """The clinic's secret: whoever holds it can sign; translators never get it."""

    secret: bytes
    path: Path

    @property
    def id(self) -> str:
        """A short name of the key that reveals nothing about it."""
        return hmac.new(self.secret, b"brochures review key id", "sha256").hexdigest()[:12]

    def sign(self, catalog: str, by: str, date: str, sha256: str) -> str:
        fields = {"catalog": catalog, "by": by, "date": date, "sha256": sha256}
        message = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hmac.new(self.secret, b"brochures review v1\n" + message.encode(),
                        "sha256").hexdigest()


def key_path() -> Path:
    """Where the review key is: $BROCHURES_REVIEW_KEY_FILE, else the user's config folder."""
    configured = os.environ.get(KEY_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(click.get_app_dir("brochures")) / "review.key"


_KEY_HINT = (f"Copy the clinic's review key into that file (chmod 600), or set {KEY_ENV} "
             "to the file that holds it; see TRANSLATING.md, \"Review and sign-off\".")


def load_key(project: Project) -> ReviewKey:
    """The review key, refused when missing, malformed, readable by others or in the project."""
    path = key_path()
    where = Location.of(path)
    if path.resolve().is_relative_to(project.root.resolve()):
        raise BrochuresError(
            "the review key is inside the project folder, where it could be committed and "
            "read by translators", where,
            f"Move it out of the project (e.g. to ~/.config/brochures/review.key) and set "
            f"{KEY_ENV} accordingly.")
    try:
        text = path.read_text(encoding="ascii").strip()
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise BrochuresError("no review key", where, _KEY_HINT) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not a review key"
        raise BrochuresError(f"cannot read the review key: {reason}", where, _KEY_HINT) from None
    if os.name == "posix" and mode & 0o077:
        raise BrochuresError("the review key can be read by other users", where,
                             f"Run `chmod 600 {path}`.")
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) < _KEY_BYTES:
        raise BrochuresError(f"not a review key (expected {2 * _KEY_BYTES} hex digits)", where,
                             _KEY_HINT)
    return ReviewKey(secret, path)


def ensure_key(project: Project) -> tuple[ReviewKey, bool]:
    """The review key, made on first use (owner-only file outside the project); True if new."""
    path = key_path()
    if path.exists() or path.is_symlink():
        return load_key(project), False
    if path.resolve().is_relative_to(project.root.resolve()):
        return load_key(project), False  # refused there, with the reason
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".review.key.", dir=path.parent)  # mode 0600
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(_KEY_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.link(tmp, path)  # whole or not at all, and never over a key made meanwhile
    except FileExistsError:
        return load_key(project), False
    except OSError as exc:
        raise BrochuresError(f"cannot create the review key: {exc.strerror}", Location.of(path),
                             f"Set {KEY_ENV} to a writable place outside the project.") from None
    finally:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
    return load_key(project), True


def record_path(project: Project) -> Path:
    return project.root / RECORD_FILE


def catalog_name(project: Project, catalog: Path) -> str:
    """How the record names a catalog: its path in the project, with forward slashes."""
    return catalog.relative_to(project.root).as_posix()


def read_record(project: Project) -> dict[str, dict]:
    """The record's entries by catalog name; a broken file is an error naming its line."""
    path = record_path(project)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError as exc:
        raise BrochuresError(f"not valid JSON: {exc.msg}", Location.of(path, exc.lineno),
                             "Restore it from git, or remove the broken entry and sign off "
                             "again.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BrochuresError(f"cannot read: {getattr(exc, 'strerror', None) or exc}",
                             Location.of(path)) from None
    reviews = data.get("reviews") if isinstance(data, dict) else None
    if not isinstance(reviews, dict):
        raise BrochuresError('not a review record: no "reviews" object', Location.of(path),
                             "Restore it from git; it is written by `brochures i18n signoff`.")
    return reviews


def write_record(project: Project, reviews: dict[str, dict]) -> None:
    document = {"about": _ABOUT, "reviews": dict(sorted(reviews.items()))}
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    write_atomic(record_path(project), text.encode("utf-8"))


def reviewer_name(by: str) -> str:
    """The reviewer's name on one line; empty or control characters are refused."""
    name = " ".join(by.split())
    if not name or len(name) > 200 or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise BrochuresError("a reviewer's name must be one line of at most 200 characters",
                             hint='Give the name with --by, e.g. --by "Dr Ana Ruiz".')
    return name


def sign(project: Project, catalog: Path, by: str, on: dt.date) -> tuple[ReviewKey, bool]:
    """Record in the clinic's record that ``by`` reviewed the catalog's present bytes on ``on``."""
    name = reviewer_name(by)
    reviews = read_record(project)  # a broken record is never overwritten
    key, created = ensure_key(project)
    reviews[catalog_name(project, catalog)] = entry(
        key, catalog_name(project, catalog), name, on,
        hashlib.sha256(catalog.read_bytes()).hexdigest())
    write_record(project, reviews)
    return key, created


def entry(key: ReviewKey, catalog: str, by: str, on: dt.date, sha256: str) -> dict[str, str]:
    """One signed entry of the record."""
    date = on.isoformat()
    return {"by": by, "date": date, "sha256": sha256, "key": key.id,
            "hmac": key.sign(catalog, by, date, sha256)}


def latest_today() -> dt.date:
    """Today's date where it is latest (UTC+14): no genuine sign-off is dated after it."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=14)).date()


class ReviewBook:
    """The project's review record and the key that verifies it, each read once."""

    def __init__(self, project: Project, today: dt.date | None = None) -> None:
        self.project = project
        self.latest = today or latest_today()
        self._key: ReviewKey | BrochuresError | None = None
        try:
            self.entries, self.problem = read_record(project), ""
        except BrochuresError as exc:
            self.entries, self.problem = {}, exc.format_message()

    def key(self) -> ReviewKey | BrochuresError:
        if self._key is None:
            try:
                self._key = load_key(self.project)
            except BrochuresError as exc:
                self._key = exc
        return self._key

    def review(self, catalog: Path, sha256: str | None = None) -> Review:
        """The verified review state of a catalog (``sha256``: of its bytes, if known)."""
        name = catalog_name(self.project, catalog)
        again = SIGN_AGAIN.replace(
            "CODE", catalog.parent.parent.name if catalog.parent.name == "LC_MESSAGES" else "CODE")
        if self.problem:
            return Review("not reviewed", problem=f"the review record is unusable: "
                                                  f"{self.problem}")
        where = Location.of(record_path(self.project), key=name)
        found = self.entries.get(name)
        if found is None:
            return Review("not reviewed", problem=_legacy_note(catalog, again))
        if not (isinstance(found, dict) and all(isinstance(found.get(f), str) for f in _FIELDS)):
            return Review("not reviewed",
                          problem=f"{where}: not a valid sign-off entry\n    {again}")
        key = self.key()
        if isinstance(key, BrochuresError):
            return Review("not reviewed", problem=(
                f"{where}: the sign-off cannot be verified: {key.detail} ({key.location})"
                + (f"\n    {key.hint}" if key.hint else "")))
        if found["key"] != key.id:
            return Review("not reviewed", problem=(
                f"{where}: signed with another review key (id {found['key']}); the key in "
                f"{Location.of(key.path)} has id {key.id}\n    Use the clinic's review key "
                f"(see TRANSLATING.md), or {again[0].lower()}{again[1:]}"))
        expected = key.sign(name, found["by"], found["date"], found["sha256"])
        if not hmac.compare_digest(expected, found["hmac"]):
            return Review("not reviewed", problem=(
                f"{where}: the entry was changed after it was signed\n    {again}"))
        try:
            date = dt.date.fromisoformat(found["date"])
        except ValueError:
            date = None
        if date is None or date > self.latest:
            why = "a date in the future" if date else "not a date"
            return Review("not reviewed", problem=(
                f"{where}: the sign-off is dated {found['date']!r}, {why}\n    {again}"))
        if sha256 is None:
            try:
                sha256 = hashlib.sha256(catalog.read_bytes()).hexdigest()
            except OSError:
                sha256 = "missing"
        current = hmac.compare_digest(sha256, found["sha256"])
        return Review("reviewed" if current else "stale", found["by"], date)


def _legacy_note(catalog: Path, again: str) -> str:
    """A word about an old header sign-off, which no longer counts."""
    try:
        with catalog.open("rb") as handle:
            head = handle.read(8192).decode("utf-8", "replace")
    except OSError:
        return ""
    lines = head.removeprefix("\ufeff").splitlines()
    leading = lines[:next((i for i, line in enumerate(lines) if not line.startswith("#")),
                          len(lines))]
    if any(line.startswith(LEGACY_MARK) for line in leading):
        return (f"{Location.of(catalog)}: its '{LEGACY_MARK}' header comment no longer counts "
                "as a sign-off\n    If the clinic vouches for it, run `brochures i18n "
                f"migrate-reviews`; if not, {again[0].lower()}{again[1:]}")
    return ""
