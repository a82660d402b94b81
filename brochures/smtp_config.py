"""Where and how to send mail: the BROCHURES_SMTP_* settings, checked before anything is sent."""

from __future__ import annotations

import ipaddress
import os
import shlex
import ssl
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from brochures.errors import BrochuresError, Location, display_path

ENV = "BROCHURES_SMTP_"
PORTS = {"ssl": 465, "starttls": 587, "none": 25}
_SETTINGS_HINT = (f"Set {ENV}HOST, and as needed {ENV}PORT, {ENV}SECURITY (ssl, starttls or "
                  f"none), {ENV}USER and {ENV}PASSWORD_FILE; or leave out --send to write the "
                  "messages to output/outbox/.")
_ASCII_HINT = ("Use ASCII letters, digits and signs (many mail providers offer an app "
               "password for programs).")
_CA_HINT = "Give the PEM file of the authority that signed the server's certificate."


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
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

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


def config_from_env(env: Mapping[str, str], ca_file: Path | None = None,
                    say: Callable[[str], None] = print) -> SmtpConfig:
    """The SMTP settings from ``env``; anything missing or wrong is a clear error.

    Only a password file open to other users is a warning (``say``), as ssh does for keys.
    """
    host = _host(env.get(f"{ENV}HOST", ""))
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
    password = None
    if user and password_file:
        path = Path(password_file).expanduser()
        password = _read_password(path, say)
        # smtplib encodes the login as ASCII and would fail mid-run with a traceback
        if not user.isascii():
            raise BrochuresError(f"{ENV}USER has characters other than ASCII, which the "
                                 "SMTP login cannot send", hint=_ASCII_HINT)
        if not password.isascii():
            raise BrochuresError("the SMTP password has characters other than ASCII, which "
                                 "the SMTP login cannot send", Location.of(path), _ASCII_HINT)
    if ca_file is not None:
        _check_ca_file(ca_file)
    return SmtpConfig(host, int(port_text), security, user, password, ca_file)


def _host(value: str) -> str:
    """The server's name or address as a connection needs it; an unusable one is an error."""
    host = value.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]  # an IPv6 address as written in URLs
    if not host:
        raise BrochuresError(f"--send needs a mail server: {ENV}HOST is not set",
                             hint=_SETTINGS_HINT)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        try:
            host.encode("idna")  # what the connection does: an empty or over-long part fails
        except UnicodeError:
            raise BrochuresError(f"{ENV}HOST is not a valid host name: {host[:100]!r}",
                                 hint=_SETTINGS_HINT) from None
    return host


def _read_password(path: Path, say: Callable[[str], None]) -> str:
    try:
        password = path.read_text(encoding="utf-8").rstrip("\r\n")
        mode = path.stat().st_mode
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise BrochuresError(f"cannot read the SMTP password file: {reason}",
                             Location.of(path)) from None
    if os.name == "posix" and mode & 0o077:
        say(f"warning: {display_path(path)}: the SMTP password file is open to other users "
            f"(permissions {stat.S_IMODE(mode):04o}); make it private: "
            f"chmod 600 {shlex.quote(str(path))}")
    return password


def _check_ca_file(path: Path) -> None:
    """Load the CA file once now, so that a wrong file is named before anything is sent."""
    if not path.is_file():
        raise BrochuresError("CA certificate file not found", Location.of(path), _CA_HINT)
    try:
        ssl.create_default_context(cafile=str(path))
    except ssl.SSLError as exc:
        raise BrochuresError(f"not a PEM certificate file ({exc.reason or exc})",
                             Location.of(path), _CA_HINT) from None
    except OSError as exc:
        raise BrochuresError(f"cannot read the CA certificate file: {exc.strerror}",
                             Location.of(path)) from None


def sender_from_env(env: Mapping[str, str], clinic_email: str) -> str:
    """The From address: BROCHURES_SMTP_FROM, else the clinic's address from clinic.yaml."""
    return env.get(f"{ENV}FROM") or clinic_email
