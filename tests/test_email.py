"""`brochures email` against a real SMTP server (aiosmtpd) running in the test process."""

from __future__ import annotations

import email
import email.policy
import io
import shutil
import ssl
import stat
from contextlib import contextmanager
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from babel.messages.pofile import read_po
from pypdf import PdfReader

from brochures.emailing import EmailOptions, email_leaflets
from brochures.locales import closest_locale
from brochures.project import Project

from conftest import REPO, copy_project, run_cli

PATIENT = "anna.nowak@patients.example.org"
NAME = "Anna Nowak"
CLINIC = "info@clinic.example"
SMTP_VARS = ("HOST", "PORT", "SECURITY", "USER", "PASSWORD_FILE", "FROM")


class Recorder:
    """An SMTP handler that keeps what it is given and answers as told."""

    def __init__(self, data_replies: tuple[str, ...] = (), rcpt_reply: str | None = None,
                 hang_up_on_data: bool = False) -> None:
        self.ehlo = 0
        self.rcpt_attempts = 0
        self.data_attempts: list[bytes] = []
        self.received: list[tuple[str, list[str], bytes, bool, bool]] = []
        self.data_replies = list(data_replies)
        self.rcpt_reply = rcpt_reply
        self.hang_up_on_data = hang_up_on_data

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.ehlo += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, options):
        self.rcpt_attempts += 1
        if self.rcpt_reply:
            return self.rcpt_reply.format(address=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_attempts.append(envelope.original_content)
        if self.hang_up_on_data:
            server.transport.abort()
            return "250 never heard"
        if self.data_replies:
            return self.data_replies.pop(0)
        over_tls = server.transport.get_extra_info("ssl_object") is not None
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos),
                              envelope.original_content, over_tls, session.authenticated))
        return "250 2.0.0 OK: queued"

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(content, policy=email.policy.default)
                for _, _, content, _, _ in self.received]


class _Controller(Controller):
    """aiosmtpd's controller on a free port chosen by the system."""

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@contextmanager
def smtp_server(handler: Recorder, hostname: str = "127.0.0.1", **options):
    controller = _Controller(handler, hostname=hostname, port=0, **options)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def built_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with the screen leaflets the tests email, built once."""
    root = copy_project(tmp_path_factory.mktemp("email") / "project")
    result = run_cli("build", "--variant", "screen", "--locale", "en", "--locale", "de",
                     "--locale", "ar", "--locale", "pt", "--jobs", "2", cwd=root)
    assert result.code == 0, result.err
    return root


@pytest.fixture
def root(built_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The built project as the working folder, with an empty outbox and no SMTP settings."""
    shutil.rmtree(built_root / "output" / "outbox", ignore_errors=True)
    for name in SMTP_VARS:
        monkeypatch.delenv(f"BROCHURES_SMTP_{name}", raising=False)
    monkeypatch.chdir(built_root)
    return built_root


def plain_server(monkeypatch: pytest.MonkeyPatch, controller: Controller) -> None:
    monkeypatch.setenv("BROCHURES_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BROCHURES_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("BROCHURES_SMTP_SECURITY", "none")


def catalog_string(locale: str, msgid: str, **values: str) -> str:
    with (REPO / f"locales/{locale}/LC_MESSAGES/messages.po").open("rb") as handle:
        return read_po(handle).get(msgid).string % values


def subject_in(locale: str) -> str:
    if locale == "en":
        return "Information from Example Skin Clinic"
    return catalog_string(locale, "Information from %(clinic)s", clinic="Example Skin Clinic")


def pdf_attachment(message: email.message.EmailMessage) -> tuple[str, PdfReader, bytes]:
    [part] = list(message.iter_attachments())
    assert part.get_content_type() == "application/pdf"
    data = part.get_content()
    return part.get_filename(), PdfReader(io.BytesIO(data)), data


def assert_private(result, *secrets: str) -> None:
    """No address or name in what the command printed (it may end up in logs)."""
    for secret in (PATIENT, NAME, *secrets):
        assert secret not in result.out + result.err, secret
    assert "Traceback" not in result.err


def outbox(root: Path) -> list[Path]:
    folder = root / "output" / "outbox"
    return sorted(folder.glob("*.eml")) if folder.is_dir() else []


def test_default_writes_an_eml_the_standard_parser_reads(root):
    result = run_cli("email", "--to", PATIENT, "--locale", "de", "--name", NAME, cwd=root)
    assert result.code == 0, result.err
    assert "0 sent, 1 written, 0 failed, 0 refused" in result.out
    assert_private(result)
    [path] = outbox(root)
    assert PATIENT not in path.name and "Nowak" not in path.name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == PATIENT
    assert message["From"].addresses[0].addr_spec == CLINIC
    assert message["Subject"] == subject_in("de")
    assert message["Content-Language"] == "de" and message["Message-ID"] and message["Date"]
    assert message.get_content_type() == "multipart/mixed"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    greeting = catalog_string("de", "Dear %(name)s,", name=NAME)
    assert text.startswith(greeting) and greeting in html and 'lang="de"' in html
    assert "+44 1632 960000" in text and "Example Skin Clinic" in text
    filename, pdf, data = pdf_attachment(message)
    assert filename.startswith("Was ist eine Laserbehandlung") and filename.endswith(".pdf")
    assert str(pdf.trailer["/Root"]["/Lang"]) == "de"
    built = root / "output/laser-skin-tightening/laser-skin-tightening-de-screen.pdf"
    assert data == built.read_bytes()  # the leaflet itself: nothing of the patient in it


@pytest.mark.parametrize("security", [
    "starttls",
    # aiosmtpd sees no TLS on an implicit TLS connection (only after STARTTLS) and warns
    pytest.param("ssl", marks=pytest.mark.filterwarnings(
        "ignore:Requiring AUTH while not requiring TLS")),
])
def test_one_patient_over_tls_with_a_test_ca_and_login(root, monkeypatch, tmp_path, security):
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    password = tmp_path / "password"
    password.write_text("correct horse\n", encoding="utf-8")

    def check_login(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=(auth_data.login, auth_data.password)
                          == (b"clinic", b"correct horse"))

    handler = Recorder()
    tls = ({"tls_context": server_context, "require_starttls": True} if security == "starttls"
           else {"ssl_context": server_context, "auth_require_tls": False})
    with smtp_server(handler, authenticator=check_login, auth_required=True,
                     **tls) as controller:
        monkeypatch.setenv("BROCHURES_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("BROCHURES_SMTP_PORT", str(controller.port))
        monkeypatch.setenv("BROCHURES_SMTP_SECURITY", security)
        monkeypatch.setenv("BROCHURES_SMTP_USER", "clinic")
        monkeypatch.setenv("BROCHURES_SMTP_PASSWORD_FILE", str(password))
        result = run_cli("email", "--to", PATIENT, "--locale", "ar", "--name", NAME,
                         "--send", "--consent", "--ca-file", str(ca_file), cwd=root)
    assert result.code == 0, result.err
    assert "1 sent, 0 written, 0 failed, 0 refused" in result.out
    assert_private(result, "correct horse")
    [(sender, recipients, _, over_tls, logged_in)] = handler.received
    assert (sender, recipients, over_tls, logged_in) == (CLINIC, [PATIENT], True, True)
    [message] = handler.messages()
    assert message["Subject"] == subject_in("ar")
    html, text = (message.get_body((kind,)).get_content() for kind in ("html", "plain"))
    assert 'dir="rtl"' in html
    # isolated, or right-to-left text would show the phone number's groups in reverse
    assert '<bdi dir="ltr">+44 1632 960000</bdi>' in html
    assert "\u2066+44 1632 960000\u2069" in text
    _, pdf, _ = pdf_attachment(message)
    assert str(pdf.trailer["/Root"]["/Lang"]) == "ar"
    assert outbox(root) == []


def test_a_batch_goes_out_each_in_its_language_some_rows_refused_alone(root, monkeypatch):
    batch = root / "patients.csv"
    batch.write_text("email;locale;name;consent\n"
                     f"{PATIENT};de;{NAME};yes\n"
                     "b.silva@patients.example.org;pt_BR;;yes\n"
                     "c.jones@patients.example.org;en;Chris Jones;no\n"
                     "d.jones@patients.example.org;en_GB;;1\n"
                     f"{PATIENT.upper()};de;;yes\n", encoding="utf-8")
    handler = Recorder()
    with smtp_server(handler) as controller:
        plain_server(monkeypatch, controller)
        result = run_cli("email", "--batch", "patients.csv", "--send", cwd=root)
    assert result.code == 1, result.err  # a row was refused: staff must look
    assert "3 sent, 0 written, 0 failed, 2 refused (rows 4, 6)" in result.out
    assert "patients.csv:4: refused: no consent" in result.err
    assert "patients.csv:6: refused: the same address as patients.csv:2" in result.err
    assert "no catalog for 'pt_BR'; using pt" in result.err
    assert_private(result, "silva", "jones", "Chris", PATIENT.upper())
    got = {recipients[0]: message for (_, recipients, *_), message
           in zip(handler.received, handler.messages(), strict=True)}
    assert set(got) == {PATIENT, "b.silva@patients.example.org", "d.jones@patients.example.org"}
    for address, locale in [(PATIENT, "de"), ("b.silva@patients.example.org", "pt"),
                            ("d.jones@patients.example.org", "en")]:
        assert got[address]["Subject"] == subject_in(locale)
        _, pdf, _ = pdf_attachment(got[address])
        assert str(pdf.trailer["/Root"]["/Lang"]) == locale
    assert len({m["Message-ID"] for m in got.values()}) == 3


def test_451_then_250_is_one_retry_and_one_delivery(root, monkeypatch):
    handler = Recorder(data_replies=("451 4.3.0 Try again later",))
    outcomes = []
    with smtp_server(handler) as controller:
        plain_server(monkeypatch, controller)
        summary = email_leaflets(
            Project(root), EmailOptions(to=PATIENT, locale="de", consent=True, send=True,
                                        retry_delays=(0.01, 0.01)),
            say=lambda text: None, tell=outcomes.append)
    assert summary.ok and [o.status for o in outcomes] == ["sent"]
    assert "after 2 attempts" in outcomes[0].detail
    first, second = (email.message_from_bytes(data) for data in handler.data_attempts)
    assert len(handler.received) == 1
    assert first["Message-ID"] == second["Message-ID"] == handler.messages()[0]["Message-ID"]


def test_550_is_reported_and_not_retried(root, monkeypatch):
    handler = Recorder(rcpt_reply="550 5.1.1 <{address}>: Recipient address rejected")
    with smtp_server(handler) as controller:
        plain_server(monkeypatch, controller)
        result = run_cli("email", "--to", PATIENT, "--locale", "de", "--send", "--consent",
                         cwd=root)
    assert result.code == 1
    assert handler.rcpt_attempts == 1 and handler.received == []
    assert ": RCPT TO: 550 5.1.1 <address>: Recipient address rejected" in result.err
    assert result.err.startswith("--to: failed: de, <")
    assert "0 sent, 0 written, 1 failed, 0 refused" in result.out
    assert_private(result)


def test_a_connection_lost_after_data_is_unknown_and_not_sent_again(root, monkeypatch):
    handler = Recorder(hang_up_on_data=True)
    with smtp_server(handler) as controller:
        plain_server(monkeypatch, controller)
        result = run_cli("email", "--to", PATIENT, "--locale", "de", "--send", "--consent",
                         cwd=root)
    assert result.code == 1
    assert len(handler.data_attempts) == 1
    assert "--to: unknown: de, <" in result.err and "may or may not" in result.err
    assert "0 sent, 0 written, 0 failed, 1 unknown, 0 refused" in result.out


def test_a_self_signed_certificate_is_refused_without_a_ca_file(root, monkeypatch, tmp_path):
    ca = trustme.CA()  # the authority's own certificate is self-signed: serve that one
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    ca.private_key_pem.write_to_path(str(key))
    ca.cert_pem.write_to_path(str(cert))
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    handler = Recorder()
    with smtp_server(handler, tls_context=server_context, require_starttls=True) as controller:
        monkeypatch.setenv("BROCHURES_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("BROCHURES_SMTP_PORT", str(controller.port))
        result = run_cli("email", "--to", PATIENT, "--locale", "de", "--send", "--consent",
                         cwd=root)
    assert result.code == 1
    assert handler.rcpt_attempts == 0 and handler.received == []
    assert "certificate is not trusted (self-signed certificate" in result.err.replace(
        "self signed", "self-signed")
    assert "--ca-file" in result.err
    assert_private(result)


BAD_BATCH = ("email,locale,consent\n"
             f"{PATIENT},de,yes\n"
             "not-an-address,de,yes\n")


@pytest.mark.parametrize("args, env, expected", [
    (["--to", "anna.nowak(at)patients.example.org", "--locale", "de", "--consent"], {},
     "--to: refused: malformed email address"),
    (["--to", f"{PATIENT}\nBcc: someone@else.example", "--locale", "de", "--consent"], {},
     "--to: refused: line break in the To header"),
    (["--to", PATIENT, "--locale", "de", "--consent"],
     {"BROCHURES_SMTP_FROM": "clinic@clinic.example\r\nBcc: someone@else.example"},
     "line break in the From header"),
    (["--to", PATIENT, "--locale", "de", "--consent", "--max-size", "0.02"], {},
     "--to: refused: the message is 0."),
    (["--to", PATIENT, "--locale", "de"], {}, "--send needs --consent"),
    (["--batch", "bad.csv"], {}, "bad.csv:3: refused: malformed email address"),
    (["--to", PATIENT, "--locale", "not a locale", "--consent"], {},
     "--to: refused: unknown locale code"),
    (["--batch", "shifted.csv"], {}, "shifted.csv:2: refused: 5 cells for 4 columns"),
], ids=["malformed-address", "line-break-in-to", "line-break-in-from", "over-size-limit",
        "send-without-consent", "batch-with-one-bad-address", "unknown-locale",
        "batch-with-shifted-columns"])
def test_refusals_send_and_write_nothing(root, monkeypatch, args, env, expected):
    (root / "bad.csv").write_text(BAD_BATCH, encoding="utf-8")
    (root / "shifted.csv").write_text(f"email,name,locale,consent\n{PATIENT},Nowak, Anna,de,"
                                      "yes\n", encoding="utf-8")
    handler = Recorder()
    with smtp_server(handler) as controller:
        plain_server(monkeypatch, controller)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        sent = run_cli("email", *args, "--send", cwd=root)
        written = run_cli("email", *args, cwd=root) if "--send needs" not in expected else sent
    for result in (sent, written):
        assert result.code == 1, result.out + result.err
        assert expected in result.err
        assert_private(result, "someone@else")
    assert handler.ehlo == 0 and handler.received == []  # refused before connecting
    assert outbox(root) == []


def test_plain_text_smtp_is_refused_for_a_remote_host(root, monkeypatch):
    monkeypatch.setenv("BROCHURES_SMTP_HOST", "mail.clinic.example")
    monkeypatch.setenv("BROCHURES_SMTP_SECURITY", "none")
    result = run_cli("email", "--to", PATIENT, "--locale", "de", "--send", "--consent", cwd=root)
    assert result.code == 1
    assert "BROCHURES_SMTP_SECURITY=none is allowed only for this machine" in result.err


@pytest.mark.parametrize("wanted, found", [
    ("pt_BR", "pt"), ("de-AT", "de"), ("zh_CN", "zh_Hans"), ("en_GB", "en"), ("ar_EG", "ar"),
    ("zh_TW", None),  # Traditional Chinese readers are not sent Simplified
    ("pa_PK", None),  # Punjabi in Shahmukhi: the Gurmukhi catalog is unreadable to them
    ("it", None),
])
def test_a_locale_without_catalog_falls_back_within_its_script(wanted, found):
    assert closest_locale(wanted, Project(REPO).catalog_locales()) == found
