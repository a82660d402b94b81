"""`brochures email` against broken or hostile servers, full disks and odd files: every run
ends with an outcome per row and the summary line, never a traceback."""

from __future__ import annotations

import errno
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner
from test_email import (
    PATIENT,
    SMTP_VARS,
    Recorder,
    assert_private,
    outbox,
    plain_server,
    smtp_server,
)

from brochures.cli import main

from conftest import CliResult, copy_project, run_cli

VICTIM = "victim@patients.example.org"
OTHERS = ("b.silva@patients.example.org", "c.jones@patients.example.org")
BATCH = ("email,locale,name,consent\n"
         f"{PATIENT},de,Anna Nowak,yes\n"
         f"{VICTIM},en,Val Victim,yes\n"
         f"{OTHERS[0]},de,,yes\n"
         f"{OTHERS[1]},en,Chris Jones,yes\n")


@pytest.fixture(scope="module")
def built_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("robust") / "project")
    result = run_cli("build", "--variant", "screen", "--locale", "en", "--locale", "de",
                     "--jobs", "2", cwd=root)
    assert result.code == 0, result.err
    return root


@pytest.fixture
def root(built_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The built project as the working folder: empty outbox, no SMTP settings, a batch."""
    shutil.rmtree(built_root / "output" / "outbox", ignore_errors=True)
    for name in SMTP_VARS:
        monkeypatch.delenv(f"BROCHURES_SMTP_{name}", raising=False)
    monkeypatch.chdir(built_root)
    (built_root / "patients.csv").write_text(BATCH, encoding="utf-8")
    return built_root


def run(*args: str, cwd: Path, timeout: float = 90) -> CliResult:
    """``brochures ARGS`` in a process; a run that does not end in time fails the test."""
    done = subprocess.run([sys.executable, "-m", "brochures", *args], cwd=cwd,
                          capture_output=True, text=True, check=False, timeout=timeout)
    return CliResult(done.returncode, done.stdout, done.stderr)


class Hostile(Recorder):
    """A server that answers one recipient's RCPT TO or message as told, the others well."""

    def __init__(self, rcpt: str | None = None, data: str | None = None) -> None:
        super().__init__()
        self.hostile_rcpt, self.hostile_data = rcpt, data
        self.victim_messages = 0

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address == VICTIM and self.hostile_rcpt is not None:
            return self.hostile_rcpt
        return await super().handle_RCPT(server, session, envelope, address, options)

    async def handle_DATA(self, server, session, envelope):
        if VICTIM in envelope.rcpt_tos and self.hostile_data is not None:
            self.victim_messages += 1
            return self.hostile_data
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.parametrize("rcpt, data, status, why", [
    ("550 " + "x" * 10_000, None, "failed", "RCPT TO: the server's reply has a line over 8192"),
    ("250 " + "x" * 10_000, None, "failed", "RCPT TO: the server's reply has a line over 8192"),
    ("hello there", None, "failed", "RCPT TO: the server's reply has no status code"),
    (None, "250 " + "y" * 10_000, "unknown", "the server's reply has a line over 8192"),
    (None, "queued, thanks", "unknown", "the server's reply has no status code"),
    (None, "354 go ahead", "unknown", "the server's reply to the message is not one SMTP"),
], ids=["rcpt-10kB-550", "rcpt-10kB-250", "rcpt-no-code", "data-10kB-250", "data-no-code",
        "data-354"])
def test_a_broken_reply_ends_one_row_and_the_batch_goes_on(root, monkeypatch, rcpt, data,
                                                           status, why):
    handler = Hostile(rcpt, data)
    with smtp_server(handler) as controller:
        plain_server(monkeypatch, controller)
        result = run("email", "--batch", "patients.csv", "--send", cwd=root)
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    assert f"patients.csv:3: {status}: en, <" in result.err and why in result.err
    counts = ("3 sent, 0 written, 1 failed (row 3), 0 refused" if status == "failed" else
              "3 sent, 0 written, 0 failed, 1 unknown (row 3), 0 refused")
    assert result.out.strip().endswith(counts)
    if status == "unknown":  # the server has the message: it must not be sent again
        assert handler.victim_messages == 1
        assert "may or may not have been delivered" in result.err
    assert sorted(r[0] for _, r, *_ in handler.received) == sorted((PATIENT, *OTHERS))
    assert_private(result, VICTIM, "Val Victim", *OTHERS)
    assert "x" * 250 not in result.err and "y" * 250 not in result.err


def test_control_characters_in_a_reply_do_not_reach_the_terminal(root, monkeypatch):
    handler = Hostile(rcpt="550 \x1b]0;owned\x07\x1b[2J\x1b[31mno such user\x08\x08\x7f")
    with smtp_server(handler) as controller:
        plain_server(monkeypatch, controller)
        result = run("email", "--batch", "patients.csv", "--send", cwd=root)
    assert result.code == 1
    assert "patients.csv:3: failed: en, <" in result.err
    assert "RCPT TO: 550 ]0;owned [2J [31mno such user\n" in result.err
    for sign in ("\x1b", "\x07", "\x08", "\x7f"):
        assert sign not in result.err + result.out


@contextmanager
def raw_server(script: Callable[[socket.socket], None]) -> Iterator[int]:
    """A TCP server on 127.0.0.1 that runs ``script`` on each connection; yields its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                try:
                    script(connection)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(10)
        listener.close()


def wait_for_hang_up(connection: socket.socket, limit: float = 90) -> None:
    connection.settimeout(limit)
    while connection.recv(4096):
        pass


def endless_greeting(connection: socket.socket) -> None:
    """A greeting of 5000 continued lines, and then silence: a reader without bounds waits."""
    connection.sendall(b"220-mail.example ESMTP\r\n" * 5000)
    wait_for_hang_up(connection)


def long_greeting(connection: socket.socket) -> None:
    connection.sendall(b"220 " + b"z" * 10_000 + b"\r\n")
    wait_for_hang_up(connection)


def web_server(connection: socket.socket) -> None:
    connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")


@pytest.mark.parametrize("script, why", [
    (endless_greeting, "the server's reply has over 512 lines"),
    (long_greeting, "the server's reply has a line over 8192 characters"),
    (web_server, "the server's reply has no status code (is it a mail server?)"),
], ids=["endless-greeting", "10kB-greeting", "not-a-mail-server"])
def test_a_server_that_does_not_speak_smtp_fails_every_row(root, monkeypatch, script, why):
    with raw_server(script) as port:
        monkeypatch.setenv("BROCHURES_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("BROCHURES_SMTP_PORT", str(port))
        monkeypatch.setenv("BROCHURES_SMTP_SECURITY", "none")
        started = time.monotonic()
        result = run("email", "--batch", "patients.csv", "--send", cwd=root)
    assert time.monotonic() - started < 60  # not read for ever, nor waited on until time-out
    assert result.code == 1 and "Traceback" not in result.err
    assert f"patients.csv:2: failed: 127.0.0.1:{port}: {why}" in result.err
    assert "patients.csv:5: failed: not attempted" in result.err
    assert result.out.strip().endswith("0 sent, 0 written, 4 failed (rows 2, 3, 4, 5), "
                                       "0 refused")


def test_nothing_listening_fails_every_row_with_the_summary(root, monkeypatch):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
    monkeypatch.setenv("BROCHURES_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BROCHURES_SMTP_PORT", str(port))
    monkeypatch.setenv("BROCHURES_SMTP_SECURITY", "ssl")
    result = run("email", "--batch", "patients.csv", "--send", cwd=root)
    assert result.code == 1 and "Traceback" not in result.err
    assert f"patients.csv:2: failed: cannot connect to 127.0.0.1:{port}" in result.err
    assert result.out.strip().endswith("0 sent, 0 written, 4 failed (rows 2, 3, 4, 5), "
                                       "0 refused")


def test_an_ipv6_address_in_brackets_is_used_as_the_address(root, monkeypatch):
    try:
        socket.create_server(("::1", 0), family=socket.AF_INET6).close()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    handler = Recorder()
    with smtp_server(handler, hostname="::1") as controller:
        monkeypatch.setenv("BROCHURES_SMTP_HOST", "[::1]")
        monkeypatch.setenv("BROCHURES_SMTP_PORT", str(controller.port))
        monkeypatch.setenv("BROCHURES_SMTP_SECURITY", "none")
        result = run("email", "--to", PATIENT, "--locale", "de", "--send", "--consent",
                     cwd=root)
    assert result.code == 0, result.err
    assert [r for _, r, *_ in handler.received] == [[PATIENT]]


def login_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, password: str, mode: int):
    """A server that wants a login, and the settings for it with a password file of ``mode``."""
    path = tmp_path / "smtp password"
    path.write_text(password + "\n", encoding="utf-8")
    path.chmod(mode)

    def check_login(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=(auth_data.login, auth_data.password)
                          == (b"clinic", password.encode()))

    handler = Recorder()
    monkeypatch.setenv("BROCHURES_SMTP_USER", "clinic")
    monkeypatch.setenv("BROCHURES_SMTP_PASSWORD_FILE", str(path))
    return handler, path, {"authenticator": check_login, "auth_required": True,
                           "auth_require_tls": False}


AUTH_IN_CLEAR = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@AUTH_IN_CLEAR
@pytest.mark.parametrize("mode, warned", [(0o644, True), (0o640, True), (0o604, True),
                                          (0o600, False), (0o400, False)])
def test_a_password_file_open_to_others_is_named_with_the_fix(root, monkeypatch, tmp_path,
                                                             mode, warned):
    handler, path, options = login_server(monkeypatch, tmp_path, "correct horse", mode)
    with smtp_server(handler, **options) as controller:
        plain_server(monkeypatch, controller)
        result = run("email", "--to", PATIENT, "--locale", "de", "--send", "--consent",
                     cwd=root)
    assert result.code == 0, result.err  # a warning: it still works
    assert "1 sent, 0 written, 0 failed, 0 refused" in result.out
    assert [logged_in for *_, logged_in in handler.received] == [True]
    warning = (f"warning: {path}: the SMTP password file is open to other users "
               f"(permissions {mode:04o}); make it private: chmod 600 '{path}'")
    assert (warning in result.err) is warned, result.err
    assert ("chmod" in result.err) is warned
    assert_private(result, "correct horse")


@AUTH_IN_CLEAR
def test_a_password_smtplib_cannot_send_is_refused_before_connecting(root, monkeypatch,
                                                                     tmp_path):
    handler, path, options = login_server(monkeypatch, tmp_path, "Grüße-2024", 0o600)
    with smtp_server(handler, **options) as controller:
        plain_server(monkeypatch, controller)
        result = run("email", "--to", PATIENT, "--locale", "de", "--send", "--consent",
                     cwd=root)
    assert result.code == 1 and "Traceback" not in result.err
    assert f"{path}: the SMTP password has characters other than ASCII" in result.err
    assert handler.ehlo == 0
    assert_private(result, "Grüße")


def test_a_ca_file_that_is_no_certificate_is_named_before_connecting(root, monkeypatch,
                                                                     tmp_path):
    handler = Recorder()
    (root / "ca.pem").write_text("this is not a certificate\n", encoding="utf-8")
    with smtp_server(handler) as controller:
        monkeypatch.setenv("BROCHURES_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("BROCHURES_SMTP_PORT", str(controller.port))
        result = run("email", "--to", PATIENT, "--locale", "de", "--send", "--consent",
                     "--ca-file", "ca.pem", cwd=root)
    assert result.code == 1 and "Traceback" not in result.err
    assert "ca.pem: not a PEM certificate file" in result.err
    assert handler.ehlo == 0


@pytest.mark.parametrize("host", ["mail..clinic.example", "a" * 64 + ".clinic.example"])
def test_a_host_name_no_connection_can_use_is_a_clear_error(root, monkeypatch, host):
    monkeypatch.setenv("BROCHURES_SMTP_HOST", host)
    result = run("email", "--to", PATIENT, "--locale", "de", "--send", "--consent", cwd=root)
    assert result.code == 1 and "Traceback" not in result.err
    assert "BROCHURES_SMTP_HOST is not a valid host name" in result.err


def test_a_column_named_twice_is_refused(root):
    (root / "twice.csv").write_text("email,locale,consent,email\n"
                                    f"{PATIENT},de,yes,{VICTIM}\n", encoding="utf-8")
    result = run("email", "--batch", "twice.csv", cwd=root)
    assert result.code == 1 and "Traceback" not in result.err
    assert "twice.csv:1: the column email is there twice" in result.err
    assert outbox(root) == []


class FullDisk:
    """Lets ``allowed`` .eml files be written, then fails the next one halfway with ``code``,
    as a disk that fills up does: through the real atomic writer, which must clean up."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, code: int, allowed: int = 2) -> None:
        self.code, self.allowed, self.names = code, allowed, {}
        real_mkstemp, real_fdopen = tempfile.mkstemp, os.fdopen

        def mkstemp(*args, **kwargs):
            fd, name = real_mkstemp(*args, **kwargs)
            self.names[fd] = name
            return fd, name

        def fdopen(fd, *args, **kwargs):
            handle = real_fdopen(fd, *args, **kwargs)
            if ".eml." not in Path(self.names.pop(fd, "")).name:
                return handle
            if self.allowed:
                self.allowed -= 1
                return handle
            return _Failing(handle, code)

        monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
        monkeypatch.setattr(os, "fdopen", fdopen)


class _Failing:
    def __init__(self, handle, code: int) -> None:
        self.handle, self.code = handle, code

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()

    def write(self, data: bytes) -> int:
        self.handle.write(data[:len(data) // 2])
        self.handle.flush()
        raise OSError(self.code, os.strerror(self.code))


def email_in_process(*args: str):
    result = CliRunner().invoke(main, ["email", *args])
    assert isinstance(result.exception, SystemExit | None), result.exception
    return result


def outbox_files(root: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in outbox(root)}


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES],
                         ids=["ENOSPC", "EDQUOT", "EROFS", "EACCES"])
def test_a_full_disk_ends_the_outbox_run_with_a_summary(root, monkeypatch, code):
    with monkeypatch.context() as patch:
        FullDisk(patch, code)
        result = email_in_process("--batch", "patients.csv")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stdout.strip().endswith("0 sent, 2 written, 2 failed (rows 4, 5), 0 refused")
    assert "patients.csv:2: written: output/outbox/" in result.stdout
    assert "patients.csv:3: written: output/outbox/" in result.stdout
    assert ("patients.csv:4: failed: cannot write output/outbox/laser-skin-tightening-de-"
            in result.stderr)
    assert f".eml: {os.strerror(code)}" in result.stderr
    assert "patients.csv:5: failed: not attempted: the outbox could not be written" \
        in result.stderr
    assert "run the same command again" in result.stderr
    assert len(outbox(root)) == 2
    # no half-written file stays behind, under any name
    assert sorted(p.name for p in (root / "output/outbox").iterdir()
                  if p.suffix != ".eml") == [".names-key"]
    for secret in (PATIENT, VICTIM, *OTHERS, "Nowak", "Victim"):
        assert secret not in result.output


def test_running_again_after_a_full_disk_writes_no_message_twice(root, monkeypatch):
    with monkeypatch.context() as patch:
        FullDisk(patch, errno.ENOSPC)
        email_in_process("--batch", "patients.csv")
    first = outbox_files(root)
    assert len(first) == 2

    again = email_in_process("--batch", "patients.csv")
    assert again.exit_code == 0, again.output
    assert again.stdout.strip().endswith("0 sent, 4 written, 0 failed, 0 refused")
    assert again.stdout.count(", already in the outbox)") == 2
    second = outbox_files(root)
    assert len(second) == 4
    assert {name: second[name] for name in first} == first  # the first two left as they were

    # a changed message replaces the patient's file: in the same language or another one
    (root / "patients.csv").write_text(BATCH.replace("Val Victim", "Valerie Victim")
                                       .replace(f"{OTHERS[0]},de", f"{OTHERS[0]},en"),
                                       encoding="utf-8")
    third = email_in_process("--batch", "patients.csv")
    assert third.exit_code == 0, third.output
    assert third.stdout.count(", already in the outbox)") == 2
    files = outbox_files(root)
    assert len(files) == 4
    changed = [data for name, data in files.items() if second.get(name) != data]
    assert len(changed) == 2
    assert any(b"Valerie Victim" in data for data in changed)
