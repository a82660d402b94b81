"""Deliver messages over SMTP: settings from the environment, certificates always verified."""

from __future__ import annotations

import ipaddress
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType

from brochures.errors import BrochuresError, Location

ENV = "BROCHURES_SMTP_"
PORTS = {"ssl": 465, "starttls": 587, "none": 25}
RETRY_DELAYS = (2.0, 8.0, 30.0)  # seconds before each new attempt after a 4xx reply
_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")
_SETTINGS_HINT = (f"Set {ENV}HOST, and as needed {ENV}PORT, {ENV}SECURITY (ssl, starttls or "
                  f"none), {ENV}USER and {ENV}PASSWORD_FILE; or leave out --send to write the "
                  "messages to output/outbox/.")


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to deliver: read from BROCHURES_SMTP_* by :func:`config_from_env`."""

    host: str
    port: int
    security: str  # "ssl", "starttls" or "none"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: Path | None = None
    timeout: float = 30.0

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def tls_context(self) -> ssl.SSLContext:
        """Certificates and host names always checked; a CA file replaces the system's CAs."""
        return ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)


def is_loopback(host: str) -> bool:
    """True for this machine itself (localhost, 127.0.0.0/8, ::1), where plain text is safe."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def config_from_env(env: Mapping[str, str], ca_file: Path | None = None) -> SmtpConfig:
    """The SMTP settings from ``env``; anything missing or wrong is a clear error."""
    host = env.get(f"{ENV}HOST", "").strip()
    if not host:
        raise BrochuresError(f"--send needs a mail server: {ENV}HOST is not set",
                             hint=_SETTINGS_HINT)
    security = env.get(f"{ENV}SECURITY", "starttls").strip().lower()
    if security not in PORTS:
        raise BrochuresError(f"{ENV}SECURITY must be ssl, starttls or none, not {security!r}",
                             hint=_SETTINGS_HINT)
    if security == "none" and not is_loopback(host):
        raise BrochuresError(f"{ENV}SECURITY=none is allowed only for this machine "
                             "(localhost), never over a network",
                             hint="Use ssl or starttls: patient email must not travel in clear.")
    port_text = env.get(f"{ENV}PORT", "").strip() or str(PORTS[security])
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise BrochuresError(f"{ENV}PORT must be a port number, not {port_text!r}")
    user = env.get(f"{ENV}USER", "").strip() or None
    password_file = env.get(f"{ENV}PASSWORD_FILE", "").strip()
    if bool(user) != bool(password_file):
        raise BrochuresError(f"{ENV}USER and {ENV}PASSWORD_FILE go together: set both or "
                             "neither", hint="The password file holds the password alone.")
    password = _read_password(Path(password_file).expanduser()) if password_file else None
    if ca_file is not None and not ca_file.is_file():
        raise BrochuresError("CA certificate file not found", Location.of(ca_file),
                             "Give the PEM file of the authority that signed the server's "
                             "certificate.")
    return SmtpConfig(host, int(port_text), security, user, password, ca_file)


def _read_password(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise BrochuresError(f"cannot read the SMTP password file: {reason}",
                             Location.of(path)) from None


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
    text = " ".join(_ADDRESS.sub("<address>", text).split())
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
        (same Message-ID), a 5xx is not. An unreachable server raises SmtpUnavailable."""
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
            self._expect(smtp.mail(sender, options), (250,), "MAIL FROM")
            self._expect(smtp.rcpt(recipient), (250, 251), "RCPT TO")
        except smtplib.SMTPServerDisconnected:
            raise _Retry("connection lost before the message was handed over",
                         drop=True) from None
        try:
            code, text = smtp.data(message.as_bytes())
        except smtplib.SMTPDataError as exc:  # DATA itself refused: nothing was handed over
            code, text = exc.smtp_code, exc.smtp_error
        except smtplib.SMTPServerDisconnected:
            # The server may have queued it before the line dropped: sending it again
            # could give the patient two copies, so say so instead.
            self._drop()
            return Delivery("unknown", "the connection was lost after DATA; the message may "
                            "or may not have been delivered: check with the server's log "
                            "before sending it again", attempt)
        self._expect((code, text), (250,), "DATA")
        return Delivery("sent", said(code, text), attempt)

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
                smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout,
                                        context=config.tls_context())
            else:
                smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
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


def sender_from_env(env: Mapping[str, str], clinic_email: str) -> str:
    """The From address: BROCHURES_SMTP_FROM, else the clinic's address from clinic.yaml."""
    return env.get(f"{ENV}FROM") or clinic_email
