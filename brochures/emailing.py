"""`brochures email`: a leaflet to patients in their language, as .eml files or by SMTP."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from brochures.build import BuildOptions, build
from brochures.errors import BrochuresError, Location, display_path
from brochures.locales import closest_locale, locale_info
from brochures.mail import Composed, Composer, Leaflet, Letter, Refused, check_address, check_size
from brochures.outbox import OutboxError, names_key, outbox_folder, write_eml
from brochures.patients import Patient, read_batch
from brochures.plan import gather
from brochures.project import SOURCE_LOCALE, Project
from brochures.publish import read_manifest
from brochures.smtp import RETRY_DELAYS, Mailer, SmtpUnavailable
from brochures.smtp_config import config_from_env, sender_from_env

VARIANT = "screen"
STATUSES = ("sent", "written", "failed", "unknown", "refused")
MEGABYTE = 1_000_000


@dataclass(frozen=True)
class EmailOptions:
    """What to send to whom and how (the ``brochures email`` options)."""

    brochure: str | None = None
    to: str | None = None
    locale: str | None = None
    name: str | None = None
    consent: bool = False
    batch: Path | None = None
    send: bool = False
    max_size: int = 10 * MEGABYTE
    ca_file: Path | None = None
    retry_delays: tuple[float, ...] = RETRY_DELAYS


@dataclass(frozen=True)
class Outcome:
    """What became of one patient's message, named by row: no address, no name."""

    where: str  # "patients.csv:3", or "--to"
    row: int | None
    status: str  # one of STATUSES
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.status}" + (f": {self.detail}" if self.detail else "")


@dataclass
class EmailSummary:
    """Every outcome; ``held`` when refusals stopped the run before anything went out."""

    outcomes: list[Outcome] = field(default_factory=list)
    held: bool = False

    @property
    def ok(self) -> bool:
        return not self.held and all(o.status in ("sent", "written") for o in self.outcomes)

    def line(self) -> str:
        """"2 sent, 0 written, 1 failed (row 4), 1 refused (row 3)"; unknown only if any."""
        parts = []
        for status in STATUSES:
            found = [o for o in self.outcomes if o.status == status]
            if status == "unknown" and not found:
                continue
            rows = [str(o.row) for o in found if o.row is not None]
            part = f"{len(found)} {status}"
            if rows and status not in ("sent", "written"):
                part += f" (row{'s' if len(rows) > 1 else ''} {', '.join(rows)})"
            parts.append(part)
        return ", ".join(parts) + ("; nothing was sent or written" if self.held else "")


def email_leaflets(project: Project, options: EmailOptions,
                   say: Callable[[str], None] = print,
                   tell: Callable[[Outcome], None] = print) -> EmailSummary:
    """Check every patient and message, then write each to the outbox or send it.

    Notes go to ``say``, each patient's outcome to ``tell``. A refusal other than a batch
    row without consent holds the whole run: nothing is sent or written, so running it
    again after the fix sends nobody a message twice.
    """
    patients = _patients(options)
    config = config_from_env(os.environ, options.ca_file, say) if options.send else None
    brochure_id = _brochure_id(project, options.brochure)
    summary = EmailSummary()

    def record(patient: Patient, status: str, detail: str = "") -> None:
        outcome = Outcome(patient.where, patient.row, status, detail)
        summary.outcomes.append(outcome)
        tell(outcome)

    letters, summary.held = _letters(project, patients, record, say)
    if summary.held or not letters:
        return summary
    codes = tuple(dict.fromkeys(letter.locale for _, letter in letters))
    site = gather(project, (brochure_id,), codes, (VARIANT,))
    sender = check_address(sender_from_env(os.environ, site.clinic.email),
                           "sender address (BROCHURES_SMTP_FROM or clinic.yaml email)", "From")
    pdfs = _leaflets(project, brochure_id, codes, say)
    brochure = site.brochures[brochure_id]
    composer = Composer(project.templates, site.clinic, sender)

    def compose(letter: Letter) -> Composed:
        leaflet = Leaflet(brochure, letter.locale, pdfs[letter.locale])
        return composer.compose(letter, leaflet, site.translators[letter.locale])

    warned = set()
    for patient, letter in letters:  # every message checked before the first goes out
        try:
            composed = compose(letter)
            check_size(composed, options.max_size)
        except Refused as exc:
            record(patient, "refused", exc.format_message())
            summary.held = True
            continue
        if composed.untranslated and letter.locale not in warned:
            warned.add(letter.locale)
            say(f"warning: {letter.locale}: {composed.untranslated} text(s) of the email have "
                "no translation yet and are in English")
    if summary.held:
        return summary

    if config is None:
        folder = outbox_folder(project.root / "output")
        key = names_key(folder)
        for index, (patient, letter) in enumerate(letters):
            try:
                filed = write_eml(folder, key, compose(letter).message, brochure_id,
                                  letter.locale)
            except OutboxError as exc:
                record(patient, "failed", exc.format_message())
                for rest, _ in letters[index + 1:]:
                    record(rest, "failed", "not attempted: the outbox could not be written")
                say("Fix the disk or folder, then run the same command again: the messages "
                    "already in the outbox are kept and not written twice.")
                break
            again = "" if filed.new else ", already in the outbox"
            record(patient, "written", f"{display_path(filed.path)} ({letter.locale}{again})")
        return summary
    with Mailer(config, options.retry_delays) as mailer:
        for index, (patient, letter) in enumerate(letters):
            mailer.waiting = lambda why, delay, where=patient.where: say(
                f"{where}: {why}; trying again in {delay:g} s")
            message = compose(letter).message
            try:
                delivery = mailer.deliver(message, sender, letter.address)
            except SmtpUnavailable as exc:
                record(patient, "failed", exc.format_message())
                for rest, _ in letters[index + 1:]:
                    record(rest, "failed", "not attempted: the mail server could not be used")
                break
            again = f", after {delivery.attempts} attempts" if delivery.attempts > 1 else ""
            record(patient, delivery.status, f"{letter.locale}, {message['Message-ID']}"
                   f"{again}: {delivery.detail}")
    return summary


def _patients(options: EmailOptions) -> list[Patient]:
    if options.batch is not None:
        return read_batch(options.batch)
    if options.send and not options.consent:
        raise BrochuresError("--send needs --consent: confirm that the patient agreed to "
                             "receive email from the clinic; nothing was sent",
                             hint="Without --send the message is written to output/outbox/ "
                             "for you to check and send yourself.")
    assert options.to is not None and options.locale is not None  # the CLI requires both
    return [Patient(options.to, options.locale, options.name, options.consent)]


def _brochure_id(project: Project, wanted: str | None) -> str:
    if wanted:
        return wanted  # gather() says "did you mean" for an unknown one
    available = list(project.brochure_paths())
    if len(available) == 1:
        return available[0]
    raise BrochuresError("which brochure? choose one with --brochure ID",
                         Location.of(project.content),
                         "Brochures here: " + (", ".join(available) or "none") + ".")


def _letters(project: Project, patients: list[Patient],
             record: Callable[[Patient, str, str], None], say: Callable[[str], None]
             ) -> tuple[list[tuple[Patient, Letter]], bool]:
    """The letters to compose, and whether a refusal holds the run.

    A row without consent, or repeating an address, is refused alone; a malformed
    address or an unknown locale holds everything, as the file itself needs fixing.
    """
    catalogs = project.catalog_locales()
    letters: list[tuple[Patient, Letter]] = []
    held = False
    seen: dict[str, Patient] = {}
    fallbacks: dict[tuple[str, str], list[str]] = {}
    for patient in patients:
        if patient.row is not None and patient.consent is not True and not patient.problem:
            record(patient, "refused", "no consent (the consent column says no)"
                   if patient.consent is False else "consent unclear: write yes or no")
            continue
        try:
            if patient.problem:
                raise Refused(patient.problem)
            address = check_address(patient.address)
            code = _catalog_for(patient.locale, catalogs)
        except Refused as exc:
            record(patient, "refused", exc.format_message())
            held = True
            continue
        if address.lower() in seen:
            record(patient, "refused", f"the same address as {seen[address.lower()].where}")
            continue
        seen[address.lower()] = patient
        if code.lower() != patient.locale.replace("-", "_").lower():
            fallbacks.setdefault((patient.locale, code), []).append(patient.where)
        name = " ".join((patient.name or "").split()) or None
        letters.append((patient, Letter(address, code, name)))
    for (given, code), where in fallbacks.items():
        rows = "" if where == ["--to"] else " for " + ", ".join(where)
        say(f"note: no catalog for {given!r}; using {code} ({locale_info(code).name}){rows}")
    return letters, held


def _catalog_for(code: str, catalogs: list[str]) -> str:
    """The catalog for a patient's locale: the closest one, else the source language."""
    if not code.strip():
        raise Refused("no locale given", hint="Give a language code such as de, pt_BR, zh_Hans.")
    try:
        return closest_locale(code.strip(), catalogs) or SOURCE_LOCALE
    except BrochuresError:
        # the code is not repeated: a shifted CSV column could put a name here
        raise Refused("unknown locale code",
                      hint="Give a language code such as de, pt_BR, zh_Hans.") from None


def _leaflets(project: Project, brochure_id: str, codes: tuple[str, ...],
              say: Callable[[str], None]) -> dict[str, bytes]:
    """The screen PDF for each language, built first where missing or out of date."""
    output = project.root / "output"
    result = build(project, BuildOptions((brochure_id,), codes, (VARIANT,)), say=say)
    if result.failed:
        raise BrochuresError("the leaflet could not be built, so nothing was sent:\n"
                             + "\n".join(result.failed))
    for path in result.built:
        say(f"built output/{path}")
    records = read_manifest(output)
    pdfs = {}
    for code in codes:
        record = records[(brochure_id, code, VARIANT)]
        data = (output / record.path).read_bytes()
        if hashlib.sha256(data).hexdigest() != record.sha256:
            raise BrochuresError("the leaflet changed after it was built",
                                 Location.of(output / record.path),
                                 f"Rebuild it: brochures build --force --locale {code}")
        pdfs[code] = data
    return pdfs
