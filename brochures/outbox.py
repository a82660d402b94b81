"""The outbox: each message as an .eml file under output/outbox/, named without patient data."""

from __future__ import annotations

import datetime as dt
import hashlib
from email.message import EmailMessage
from pathlib import Path

from brochures.errors import BrochuresError, Location
from brochures.fileio import writable_folder, write_atomic

OUTBOX = "outbox"
# The files hold addresses and names: only their owner may read them.
FILE_MODE, FOLDER_MODE = 0o600, 0o700


def outbox_folder(output: Path) -> Path:
    """output/outbox/, created private if missing; an unusable folder is a clear error."""
    return writable_folder(output / OUTBOX, "the outbox", "Fix the folder's permissions.",
                           FOLDER_MODE)


def eml_name(message: EmailMessage, brochure: str, locale: str, when: dt.datetime) -> str:
    """A file name that sorts by time and tells the leaflet, but nothing about the patient.

    The last part comes from the random Message-ID, so two messages never share a name.
    """
    token = hashlib.sha256(str(message["Message-ID"]).encode()).hexdigest()[:10]
    return f"{when:%Y%m%d-%H%M%S}-{brochure}-{locale}-{token}.eml"


def write_eml(folder: Path, message: EmailMessage, brochure: str, locale: str) -> Path:
    """Write ``message`` atomically as an .eml file a mail client opens as a draft to send."""
    # Outlook opens a message marked X-Unsent as a draft with a Send button; others ignore it
    message["X-Unsent"] = "1"
    path = folder / eml_name(message, brochure, locale, dt.datetime.now())
    try:
        write_atomic(path, message.as_bytes(), mode=FILE_MODE)
    except OSError as exc:
        raise BrochuresError(f"cannot write the message: {exc.strerror}",
                             Location.of(path)) from None
    return path
