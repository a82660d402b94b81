"""Compose one email to a patient: translated subject and body, the leaflet attached."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

import jinja2
from email_validator import EmailNotValidError, validate_email
from markupsafe import Markup

from brochures.catalogs import Translator
from brochures.content import Brochure, Clinic
from brochures.errors import BrochuresError, Location
from brochures.locales import locale_info
from brochures.markup import plain_text
from brochures.render import install_translator, make_environment

# CRLF line ends, and every part quoted-printable or base64 so that any server relays it as is
POLICY = SMTP.clone(cte_type="7bit")
SUBJECT, BODY_TEXT, BODY_HTML = "email/subject.txt", "email/body.txt", "email/body.html"
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


class Refused(BrochuresError):
    """A message that must not go out as it is: nothing is sent or written for it."""


@dataclass(frozen=True)
class Letter:
    """One email to compose: the patient's address (never printed), language and name."""

    address: str
    locale: str
    name: str | None = None


@dataclass(frozen=True)
class Leaflet:
    """The leaflet attached to a letter: a brochure's screen PDF in one language."""

    brochure: Brochure
    locale: str
    pdf: bytes


@dataclass(frozen=True)
class Composed:
    """A finished message, and how many of its texts had no translation."""

    message: EmailMessage
    untranslated: int

    @property
    def size(self) -> int:
        return len(self.message.as_bytes())


def check_header(name: str, value: str) -> str:
    """``value`` unchanged; a line break in it (a forged header in the making) is refused."""
    if "\r" in value or "\n" in value:
        raise Refused(f"line break in the {name} header")
    return value


def check_address(value: str, what: str = "email address", header: str = "To") -> str:
    """The address as it will be sent (domain in ASCII); the error never repeats the address."""
    check_header(header, value)
    try:
        found = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise Refused(f"malformed {what}: {_redacted(str(exc), value)}") from None
    return found.ascii_email or found.normalized


def _redacted(reason: str, address: str) -> str:
    reason = re.sub(r"\s*\([^)]*\)", "", reason)  # details in brackets may quote the domain
    parts = [p for p in re.split(r"[@.]", address) if len(p) > 2]
    if any(part.lower() in reason.lower() for part in parts):
        return "not a valid email address."
    return reason


def check_size(composed: Composed, limit: int) -> None:
    """Refuse a message larger than ``limit`` bytes (many mailboxes reject those)."""
    if composed.size > limit:
        raise Refused(f"the message is {composed.size / 1e6:.2f} MB, over the limit of "
                      f"{limit / 1e6:g} MB",
                      hint="Give a larger limit with --max-size MB if the patient's mailbox "
                      "accepts it.")


def attachment_name(title: str, limit: int = 80) -> str:
    """A file name for the leaflet in its own language: its title without unsafe characters."""
    name = " ".join(_NOT_IN_FILE_NAMES.sub(" ", plain_text(title)).split())
    if len(name) > limit:
        cut = name.rfind(" ", 0, limit)
        name = name[:cut if cut > limit // 2 else limit]
    while name and (unicodedata.category(name[-1]).startswith("P") or name[-1] == " "):
        name = name[:-1]  # "...benefits?.pdf" reads badly; so does "...؟.pdf"
    return (name or "leaflet") + ".pdf"


# A phone number inside right-to-left text shows its groups in reverse order unless isolated
@jinja2.pass_context
def _ltr_text(context: jinja2.runtime.Context, value: str) -> str:
    return f"\u2066{value}\u2069" if context["locale"].rtl else value  # LRI ... PDI


def _ltr_html(value: str) -> Markup:
    return Markup('<bdi dir="ltr">{}</bdi>').format(value)


class Composer:
    """Writes messages from templates/email/ through a locale's catalog, like the leaflets."""

    def __init__(self, templates: Path, clinic: Clinic, sender: str) -> None:
        self.templates = templates
        self.text_env = make_environment(str(templates), autoescape=False)
        self.html_env = make_environment(str(templates))
        self.text_env.filters["ltr"] = _ltr_text
        self.html_env.filters["ltr"] = _ltr_html
        self.clinic = clinic
        self.sender = sender

    def compose(self, letter: Letter, leaflet: Leaflet, translator: Translator) -> Composed:
        """The message for ``letter``: headers checked, both body parts, the PDF attached."""
        address = check_address(letter.address)
        info = locale_info(leaflet.locale)
        translator.missing.clear()
        install_translator(self.text_env, translator, html=False)
        install_translator(self.html_env, translator, html=True)
        context = {"name": letter.name, "clinic": self.clinic, "locale": info}
        subject = self._render(self.text_env, SUBJECT, context).strip()
        text = self._render(self.text_env, BODY_TEXT, context).strip() + "\n"
        html = self._render(self.html_env, BODY_HTML, {**context, "subject": subject})
        title = translator.pgettext(leaflet.brochure.title.context, leaflet.brochure.title.text)
        untranslated = len(translator.missing)

        # an internationalised mailbox name can only be written as UTF-8 (RFC 6532)
        policy = POLICY.clone(utf8=not address.isascii())
        message = EmailMessage(policy=policy)
        message["From"] = Address(check_header("From", self.clinic.name),
                                  addr_spec=check_header("From", self.sender))
        message["To"] = address
        if self.sender.lower() != self.clinic.email.lower():
            message["Reply-To"] = Address(self.clinic.name,
                                          addr_spec=check_header("Reply-To", self.clinic.email))
        message["Subject"] = check_header("Subject", subject)
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2])
        message.set_content(text, subtype="plain", charset="utf-8")
        message.add_alternative(html, subtype="html", charset="utf-8")
        filename = attachment_name(title)
        # the name on Content-Type too, for mail programs that only read that one
        message.add_attachment(leaflet.pdf, maintype="application", subtype="pdf",
                               filename=filename, params={"name": filename})
        message["Content-Language"] = info.tag  # after the parts: set_content drops Content-*
        return Composed(message, untranslated)

    def _render(self, env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
        where = Location.of(self.templates / name)
        try:
            return env.get_template(name).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise BrochuresError(f"template syntax error: {exc.message}",
                                 Location.of(exc.filename or where.file, exc.lineno)) from None
        except jinja2.TemplateNotFound:
            raise BrochuresError("email template not found", where,
                                 "Restore templates/email/ (subject.txt, body.txt, "
                                 "body.html).") from None
        except jinja2.UndefinedError as exc:
            raise BrochuresError(f"template error: {exc.message}", where,
                                 "Email templates may use: name, clinic, locale, "
                                 "subject.") from None
        except (KeyError, ValueError) as exc:
            raise BrochuresError(f"a translation does not fit its placeholders ({exc})", where,
                                 "Run `brochures check` to find the message.") from None
