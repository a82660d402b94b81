"""The outbox: each message as an .eml file under output/outbox/, named without patient data."""

from __future__ import annotations

import email
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.policy import SMTP
from pathlib import Path

from brochures.errors import BrochuresError, Location, display_path
from brochures.fileio import writable_folder, write_atomic

OUTBOX = "outbox"
# The files hold addresses and names: only their owner may read them.
FILE_MODE, FOLDER_MODE = 0o600, 0o700
# The key that turns an address into a file name. Kept beside the messages, so a listing
# of the outbox tells nothing, not even to someone who has a list of addresses to try.
KEY_FILE, KEY_SIZE = ".names-key", 32
# What changes every time a message is composed, and so does not make it another message
_VOLATILE = frozenset({"date", "message-id", "content-type"})


@dataclass(frozen=True)
class Filed:
    """One message in the outbox; ``new`` is False when the same one was there already."""

    path: Path
    new: bool


def outbox_folder(output: Path) -> Path:
    """output/outbox/, created private if missing; an unusable folder is a clear error."""
    return writable_folder(output / OUTBOX, "the outbox", "Fix the folder's permissions.",
                           FOLDER_MODE)


def names_key(folder: Path) -> bytes:
    """The outbox's secret for file names, made on first use."""
    path = folder / KEY_FILE
    try:
        key = path.read_bytes() if path.is_file() else b""
        if len(key) != KEY_SIZE:
            key = secrets.token_bytes(KEY_SIZE)
            write_atomic(path, key, mode=FILE_MODE)
    except (OSError, BrochuresError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else _reason(exc)
        raise BrochuresError(f"cannot use the outbox: {reason}", Location.of(path),
                             "Free some space or fix the folder's permissions; nothing was "
                             "written.") from None
    return key


def eml_name(key: bytes, brochure: str, locale: str, address: str) -> str:
    """One name per patient and leaflet, the same in every run, that tells only the leaflet.

    Running the command again finds the file it wrote before instead of adding a copy.
    """
    token = hmac.new(key, f"{brochure}\0{address.lower()}".encode(), hashlib.sha256)
    return f"{brochure}-{locale}-{token.hexdigest()[:16]}.eml"


def write_eml(folder: Path, key: bytes, message: EmailMessage, brochure: str,
              locale: str) -> Filed:
    """Write ``message`` atomically as an .eml file a mail client opens as a draft to send.

    A message already in the outbox for the same patient and leaflet is left alone when
    only its date and ID would change, and replaced otherwise (in another language too).
    """
    # Outlook opens a message marked X-Unsent as a draft with a Send button; others ignore it
    message["X-Unsent"] = "1"
    name = eml_name(key, brochure, locale, str(message["To"]))
    path = folder / name
    data = message.as_bytes()
    token = name.rpartition("-")[2]
    try:
        if path.is_file() and _same(path.read_bytes(), data):
            return Filed(path, False)
        write_atomic(path, data, mode=FILE_MODE)
        for other in folder.glob(f"*-{token}"):
            if other != path:
                other.unlink()  # the message in the patient's previous language
    except BrochuresError as exc:
        raise OutboxError(f"cannot write {display_path(path)}: {_reason(exc)}") from None
    except OSError as exc:
        raise OutboxError(f"cannot write {display_path(path)}: {exc.strerror}") from None
    return Filed(path, True)


class OutboxError(BrochuresError):
    """A message could not be written: the disk is full, read-only, or not ours."""


def _reason(exc: BrochuresError) -> str:
    return exc.detail.removeprefix("cannot write: ")


def _same(old: bytes, new: bytes) -> bool:
    """Whether two .eml files hold the same message but for its date, ID and boundaries."""
    return _essence(email.message_from_bytes(old, policy=SMTP)) == _essence(
        email.message_from_bytes(new, policy=SMTP))


def _essence(message: Message) -> list[tuple[object, ...]]:
    return [(part.get_content_type(),
             sorted((k.lower(), str(v)) for k, v in part.items()
                    if k.lower() not in _VOLATILE),
             None if part.is_multipart() else part.get_payload(decode=True))
            for part in message.walk()]

