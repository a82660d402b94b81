"""The `brochures` command: parses arguments and calls one function per command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from brochures import __version__
from brochures.engine import MEMORY_LIMIT, TIME_LIMIT
from brochures.errors import printable
from brochures.project import Project


def echo(text: str, err: bool = False) -> None:
    """Print a line; what came from a file (a msgctxt, a translation) cannot drive the
    terminal: control and format characters are shown as escapes."""
    click.echo(printable(text), err=err)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="brochures")
def main() -> None:
    """Build multilingual patient leaflets from content/, locales/ and templates/."""


@main.command()
@click.option("--brochure", "brochures", multiple=True, metavar="ID",
              help="Build only this brochure (repeatable).")
@click.option("--locale", "locales", multiple=True, metavar="CODE",
              help="Build only this language (repeatable).")
@click.option("--variant", "variants", multiple=True, metavar="NAME",
              help="Build only this variant (repeatable).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: one per CPU).")
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Output folder (default: output/).")
@click.option("--strict", is_flag=True,
              help="Refuse incomplete or unreviewed translations (for print runs).")
@click.option("--force", is_flag=True, help="Rebuild every document, changed or not.")
@click.option("--icc", type=click.Path(dir_okay=False, path_type=Path), default=None,
              envvar="BROCHURES_ICC", show_envvar=True,
              help="CMYK output profile: print PDFs become PDF/X-4 with it.")
@click.option("--time-limit", type=click.FloatRange(min=1), default=None, metavar="SECONDS",
              help=f"Stop a document's render after this long (default: {TIME_LIMIT:g}).")
@click.option("--memory-limit", type=click.IntRange(min=256), default=None, metavar="MB",
              help=f"Memory one render may use (default: {MEMORY_LIMIT}).")
@click.option("--no-wait", is_flag=True,
              help="Fail at once if another build is using the output folder.")
def build(brochures: tuple[str, ...], locales: tuple[str, ...], variants: tuple[str, ...],
          jobs: int | None, output: Path | None, strict: bool, force: bool,
          icc: Path | None, time_limit: float | None, memory_limit: int | None,
          no_wait: bool) -> None:
    """Build leaflets into output/ and write output/manifest.json."""
    from brochures.build import BuildOptions
    from brochures.build import build as run_build
    from brochures.progress import Progress

    options = BuildOptions(brochures, locales, variants, jobs, output, strict, force, icc,
                           time_limit, memory_limit, not no_wait)
    with Progress() as progress:
        summary = run_build(Project.find(), options,
                            lambda done, total, key: progress.update(done, total, printable(key)),
                            lambda text: progress.say(printable(text)))
    for error in summary.failed:
        echo(f"error: {error}", err=True)
    echo(summary.line())
    if summary.failed:
        sys.exit(1)


@main.command()
@click.option("--locale", "locales", multiple=True, metavar="CODE",
              help="Check only this language's catalog (repeatable).")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check(locales: tuple[str, ...], strict: bool) -> None:
    """Check content, clinic details and every translation; build nothing."""
    from brochures.check import check_project

    diagnostics = check_project(Project.find(), locales)
    for diagnostic in diagnostics:
        echo(str(diagnostic), err=True)
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    echo(f"{errors} error(s), {warnings} warning(s)")
    if errors or (strict and warnings):
        sys.exit(1)


@main.command()
@click.option("--to", metavar="ADDRESS", help="The patient's email address (one patient).")
@click.option("--locale", metavar="CODE", help="The patient's language, e.g. de or pt_BR.")
@click.option("--name", metavar="NAME", help="The patient's name, for the greeting (optional).")
@click.option("--consent", is_flag=True,
              help="The patient agreed to receive email (required with --send and --to).")
@click.option("--batch", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.csv",
              help="Many patients: a CSV file with columns email, locale, name, consent.")
@click.option("--brochure", metavar="ID", help="The leaflet to send (default: the only one).")
@click.option("--send", is_flag=True,
              help="Deliver through the SMTP server set in BROCHURES_SMTP_* "
                   "(default: write .eml files to output/outbox/).")
@click.option("--max-size", type=click.FloatRange(min=0, min_open=True), default=10.0,
              show_default=True, metavar="MB", help="Refuse a message larger than this.")
@click.option("--ca-file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Trust the mail server's certificate if this CA (PEM) signed it.")
def email(to: str | None, locale: str | None, name: str | None, consent: bool,
          batch: Path | None, brochure: str | None, send: bool, max_size: float,
          ca_file: Path | None) -> None:
    """Email a brochure's screen PDF to patients, each in their own language."""
    from brochures.emailing import MEGABYTE, EmailOptions, email_leaflets

    if (to is None) == (batch is None):
        raise click.UsageError("give either --to ADDRESS --locale CODE, or --batch FILE.csv")
    if to is not None and not locale:
        raise click.UsageError("--to needs --locale CODE (the patient's language)")
    if batch is not None and (locale or name or consent):
        raise click.UsageError("--locale, --name and --consent go with --to; for a batch "
                               "they are columns of the CSV file")
    options = EmailOptions(brochure, to, locale, name, consent, batch, send,
                           int(max_size * MEGABYTE), ca_file)
    summary = email_leaflets(
        Project.find(), options, say=lambda text: echo(text, err=True),
        tell=lambda outcome: echo(str(outcome), err=outcome.status not in ("sent", "written")))
    echo(summary.line())
    if not summary.ok:
        sys.exit(1)


@main.group()
def i18n() -> None:
    """Extract, start, update and compile translations."""


@i18n.command()
def extract() -> None:
    """Write locales/messages.pot from the content and templates."""
    from brochures import i18n as ops

    count, changed = ops.extract(Project.find())
    echo(f"{count} messages; locales/messages.pot {'written' if changed else 'unchanged'}")


@i18n.command()
@click.argument("code")
def init(code: str) -> None:
    """Start a catalog for the language CODE (e.g. fr, pt_BR, zh_Hans)."""
    from brochures import i18n as ops

    echo(f"created {ops.init(Project.find(), code)}")


@i18n.command()
@click.argument("codes", nargs=-1, metavar="[CODE]...")
def update(codes: tuple[str, ...]) -> None:
    """Bring catalogs up to date with the content (translations are kept)."""
    from brochures import i18n as ops

    for code, state in ops.update(Project.find(), codes).items():
        echo(f"{code}: {state}")


@i18n.command(name="compile")
@click.argument("codes", nargs=-1, metavar="[CODE]...")
def compile_(codes: tuple[str, ...]) -> None:
    """Write .mo files (builds read .po files directly; this is for other tools)."""
    from brochures import i18n as ops

    for path in ops.compile_catalogs(Project.find(), codes):
        echo(f"wrote {path}")


@i18n.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--strict", is_flag=True, help="Exit 1 when any language is not ready to print.")
def status(as_json: bool, strict: bool) -> None:
    """How complete, checked and reviewed each translation is."""
    import json

    from brochures.status import project_status, status_table

    rows = project_status(Project.find())
    if as_json:
        echo(json.dumps({"locales": [row.as_dict() for row in rows]}, ensure_ascii=False,
                        indent=2))
    else:
        echo(status_table(rows))
    if strict and not all(row.ready for row in rows):
        sys.exit(1)


@i18n.command()
@click.argument("code")
@click.option("--by", "reviewer", required=True, metavar="NAME", help="Who reviewed it.")
def signoff(code: str, reviewer: str) -> None:
    """Record, signed with the clinic's review key, that NAME reviewed catalog CODE today.

    The sign-off goes into reviews.json (not the catalog) and holds for the catalog's
    present bytes: any later edit makes it stale. The key is made on first use in the
    user's config folder, or read from $BROCHURES_REVIEW_KEY_FILE.
    """
    from brochures import i18n as ops

    echo(ops.signoff(Project.find(), code, reviewer))


@i18n.command(name="migrate-reviews")
@click.argument("codes", nargs=-1, metavar="[CODE]...")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def migrate_reviews(codes: tuple[str, ...], yes: bool) -> None:
    """Move old '# Reviewed-by:' catalog headers into the signed record (a clinic decision)."""
    from brochures.review_migration import WARNING, find_old_signoffs, migrate

    project = Project.find()
    found = find_old_signoffs(project, codes)
    if not found:
        echo("no catalog has an old '# Reviewed-by:' sign-off; nothing to migrate")
        return
    echo(WARNING)
    for old in found:
        echo(f"  {old}")
    if not any(not old.problem for old in found):
        return
    if not yes and not click.confirm("Sign these in the clinic's name?", default=False):
        raise click.Abort()
    for line in migrate(project, found):
        echo(line)
