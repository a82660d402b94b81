"""smtplib's clients, hardened against broken or hostile servers: every reply read with bounds."""

from __future__ import annotations

import re
import smtplib
from typing import IO, Any

# RFC 5321 allows 512 octets a reply line; smtplib allows 8192, and so do we. It sets no
# limit on the lines of one reply, so a server sending "250-" lines without end would be
# read forever: an EHLO reply has a dozen lines.
MAX_LINE = 8192
MAX_LINES = 512
_CONTINUED, _LAST = b"-", (b" ", b"\r", b"\n", b"")


class BadReply(smtplib.SMTPResponseException):
    """A reply that breaks the protocol (too long, or no status code): the connection is
    closed, as what the server meant cannot be known."""

    def __init__(self, reason: str) -> None:
        super().__init__(-1, reason)
        self.reason = reason


class _BoundedReplies:
    """Replaces smtplib's reply reader (same contract) with one that cannot be made to read
    without end, and that refuses a reply without a status code instead of guessing."""

    file: IO[bytes] | None
    sock: Any
    close: Any  # smtplib.SMTP.close

    def getreply(self) -> tuple[int, bytes]:
        if self.file is None:
            self.file = self.sock.makefile("rb")
        lines: list[bytes] = []
        while True:
            try:
                line = self.file.readline(MAX_LINE + 1)
            except OSError as exc:
                self.close()
                raise smtplib.SMTPServerDisconnected(
                    f"Connection unexpectedly closed: {exc}") from None
            if not line:
                self.close()
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            problem = _problem(line, len(lines))
            if problem:
                self.close()
                raise BadReply(problem)
            lines.append(line[4:].strip(b" \t\r\n"))
            if line[3:4] != _CONTINUED:
                return int(line[:3]), b"\n".join(lines)


def _problem(line: bytes, before: int) -> str | None:
    """What is wrong with one line of a reply, if anything."""
    if len(line) > MAX_LINE:
        return f"the server's reply has a line over {MAX_LINE} characters"
    if before >= MAX_LINES:
        return f"the server's reply has over {MAX_LINES} lines"
    if not (line[:3].isdigit() and line[:1] in b"2345" and line[3:4] in (_CONTINUED, *_LAST)):
        return "the server's reply has no status code (is it a mail server?)"
    return None


class Client(_BoundedReplies, smtplib.SMTP):
    """A plain or STARTTLS connection whose replies are read with bounds."""


class SslClient(_BoundedReplies, smtplib.SMTP_SSL):
    """An implicit-TLS connection whose replies are read with bounds."""


def message_data(message: bytes) -> bytes:
    """``message`` as sent after DATA: lines starting with a dot doubled, then the final dot.

    smtplib.SMTP.data does the same, but in one call with the replies before and after; the
    two must be told apart, as only the second one comes after the server has the message.
    """
    data = re.sub(rb"(?m)^\.", b"..", message)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"
