"""Deliver messages over SMTP: one connection reused, 4xx tried again, doubt never resent."""

from __future__ import annotations

import re
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType

from brochures.errors import BrochuresError
from brochures.smtp_config import ENV, SmtpConfig
from brochures.smtp_wire import BadReply, Client, SslClient, message_data

RETRY_DELAYS = (2.0, 8.0, 30.0)  # seconds before each new attempt after a 4xx reply
_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")
# control characters, and the invisible and direction marks that can disguise text
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_UNKNOWN = ("the message may or may not have been delivered: check with the server's log "
            "before sending it again")


@dataclass(frozen=True)
class Delivery:
    """What became of one message: "sent", "failed" or "unknown" (maybe delivered)."""

    status: str
    detail: str = ""
    attempts: int = 1


class SmtpUnavailable(BrochuresError):
    """The server cannot be used at all (unreachable, untrusted, login refused)."""


class _Retry(Exception):
    """A temporary failure before the server took the message: safe to try again."""

    def __init__(self, detail: str, drop: bool = False, unreachable: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.drop = drop or unreachable  # the connection is gone or closing: open a new one
        self.unreachable = unreachable   # no connection could be made at all


class _Failed(Exception):
    """A permanent refusal (5xx) of this message: not retried."""


def said(code: int, text: bytes | str) -> str:
    """A server reply for the user, with any address in it blanked (it may be the patient's)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    # a hostile server could move the cursor or hide text in the user's terminal
    text = " ".join(_ADDRESS.sub("<address>", _UNPRINTABLE.sub(" ", text)).split())
    return f"{code} {text[:200]}".strip()


class Mailer:
    """One connection to the server, reused for a batch and reopened when lost."""

    def __init__(self, config: SmtpConfig, delays: tuple[float, ...] = RETRY_DELAYS,
                 waiting: Callable[[str, float], None] | None = None) -> None:
        self.config = config
        self.delays = delays
        self.waiting = waiting  # told why and how long before each new attempt
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None

    def deliver(self, message: EmailMessage, sender: str, recipient: str) -> Delivery:
        """Hand ``message`` to the server; a 4xx reply is retried after a pause, unchanged
        (same Message-ID), a 5xx is not. Once the server has the message, a lost or broken
        reply makes it "unknown", never sent again. An unusable server raises
        SmtpUnavailable."""
        failure = _Retry("not attempted")
        for attempt, delay in enumerate((0.0, *self.delays), 1):
            if delay:
                if self.waiting:
                    self.waiting(failure.detail, delay)
                time.sleep(delay)
            try:
                return self._attempt(message, sender, recipient, attempt)
            except _Retry as exc:
                failure = exc
                if exc.drop:
                    self._drop()
                if exc.unreachable and attempt > 1:
                    break  # a server that refuses twice is down or misconfigured
            except _Failed as exc:
                return Delivery("failed", str(exc), attempt)
        if failure.unreachable:
            raise SmtpUnavailable(failure.detail, hint="Check the server's name and port, "
                                  "and that it is running.")
        return Delivery("failed", f"{failure.detail} (gave up after {attempt} attempts)",
                        attempt)

    def _attempt(self, message: EmailMessage, sender: str, recipient: str,
                 attempt: int) -> Delivery:
        smtp = self._connection()
        options: list[str] = []
        if not (sender + recipient).isascii():
            if not smtp.has_extn("smtputf8"):
                raise _Failed("the server does not accept internationalised addresses "
                              "(SMTPUTF8)")
            options = ["SMTPUTF8", "BODY=8BITMIME"]
        try:
            self._ask("MAIL FROM", lambda: smtp.mail(sender, options), (250,))
            self._ask("RCPT TO", lambda: smtp.rcpt(recipient), (250, 251))
            self._ask("DATA", lambda: smtp.docmd("DATA"), (354,))
            # a connection lost while sending loses the final dot too: nothing was handed over
            smtp.send(message_data(message.as_bytes()))
        except smtplib.SMTPServerDisconnected:
            raise _Retry("connection lost before the message was handed over",
                         drop=True) from None
        # From here on the server has the message and may have queued it: sending it again
        # could give the patient two copies, so any doubt is reported and not retried.
        try:
            code, text = smtp.getreply()
        except (smtplib.SMTPServerDisconnected, BadReply) as exc:
            self._drop()
            why = (exc.reason if isinstance(exc, BadReply)
                   else "the connection was lost after DATA")
            return Delivery("unknown", f"{why}; {_UNKNOWN}", attempt)
        if 200 <= code < 300:
            return Delivery("sent", said(code, text), attempt)
        if 400 <= code < 600:
            self._expect((code, text), (), "DATA")  # raises: a 4xx is tried again, a 5xx not
        self._drop()
        return Delivery("unknown", f"the server's reply to the message is not one SMTP "
                        f"knows ({said(code, text)}); {_UNKNOWN}", attempt)

    def _ask(self, stage: str, command: Callable[[], tuple[int, bytes]],
             ok: tuple[int, ...]) -> None:
        """One command before the message is handed over; a broken reply fails it alone."""
        try:
            reply = command()
        except BadReply as exc:
            self._drop()
            raise _Failed(f"{stage}: {exc.reason}") from None
        self._expect(reply, ok, stage)

    def _expect(self, reply: tuple[int, bytes], ok: tuple[int, ...], stage: str) -> None:
        code, text = reply
        if code in ok:
            return
        detail = f"{stage}: {said(code, text)}"
        self._reset()
        if 400 <= code < 500:
            raise _Retry(detail, drop=code == 421)  # 421: the server is closing
        raise _Failed(detail)

    def _reset(self) -> None:
        if self.smtp is None:
            return
        try:
            self.smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        if self.smtp is not None:
            self.smtp.close()
            self.smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self.smtp is None:
            self.smtp = self._connect()
        return self.smtp

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        where = config.where
        smtp: smtplib.SMTP | None = None
        try:
            if config.security == "ssl":
                smtp = SslClient(config.host, config.port, timeout=config.timeout,
                                 context=config.tls_context())
            else:
                smtp = Client(config.host, config.port, timeout=config.timeout)
            smtp.ehlo_or_helo_if_needed()
            if config.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise SmtpUnavailable(f"{where} does not offer STARTTLS; the message is "
                                          "not sent in clear",
                                          hint=f"Use {ENV}SECURITY=ssl if the server "
                                          "speaks TLS from the start (usually port 465).")
                smtp.starttls(context=config.tls_context())
                smtp.ehlo()
            if config.user:
                smtp.login(config.user, config.password or "")
            return smtp
        except BaseException as exc:
            if smtp is not None:
                smtp.close()
            raise _connect_error(exc, where) from None


def _connect_error(exc: BaseException, where: str) -> BaseException:
    """What a failure to connect means: try again later, or stop sending."""
    if isinstance(exc, BadReply):
        return SmtpUnavailable(f"{where}: {exc.reason}",
                               hint=f"Check {ENV}HOST and {ENV}PORT: they must name the mail "
                               "server (usually port 587 or 465).")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return SmtpUnavailable(f"{where}: the server's certificate is not trusted "
                               f"({exc.verify_message})",
                               hint="If the server has a private or self-signed certificate, "
                               "give the certificate of its authority with --ca-file FILE.")
    if isinstance(exc, ssl.SSLError):
        return SmtpUnavailable(f"{where}: TLS failed ({exc.reason or exc})",
                               hint=f"Check {ENV}SECURITY and {ENV}PORT: ssl is usually "
                               "port 465, starttls port 587.")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return SmtpUnavailable(f"{where}: login refused ({said(exc.smtp_code, exc.smtp_error)})",
                               hint=f"Check {ENV}USER and the password file.")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return SmtpUnavailable(f"{where}: the server offers no login (AUTH)",
                               hint=f"Unset {ENV}USER, or use the server's submission port.")
    if isinstance(exc, smtplib.SMTPResponseException):
        if 400 <= exc.smtp_code < 500:
            return _Retry(f"cannot connect to {where}: {said(exc.smtp_code, exc.smtp_error)}",
                          unreachable=True)
        return SmtpUnavailable(f"{where}: {said(exc.smtp_code, exc.smtp_error)}")
    if isinstance(exc, (OSError, smtplib.SMTPException)):
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return _Retry(f"cannot connect to {where}: {reason}", unreachable=True)
    return exc
