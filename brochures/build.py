"""The build: gather and check, plan, render what changed, publish atomically, manifest last."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from brochures.deps import Digests, document_inputs
from brochures.errors import BrochuresError
from brochures.fileio import exclusive, writable_folder
from brochures.project import Project
from brochures.publish import DocumentRecord, Staging, is_current, read_manifest
from brochures.variants import DEFAULT_VARIANTS, VARIANTS

if TYPE_CHECKING:
    from brochures.engine import RenderResult
    from brochures.plan import DocumentPlan


@dataclass(frozen=True)
class BuildOptions:
    """What to build and how (the ``brochures build`` options)."""

    brochures: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    jobs: int | None = None
    output: Path | None = None
    strict: bool = False
    force: bool = False
    icc: Path | None = None
    time_limit: float | None = None   # seconds per document (default: engine.TIME_LIMIT)
    memory_limit: int | None = None   # MB per render (default: engine.MEMORY_LIMIT)
    wait: bool = True                 # for another build using the output folder to finish


@dataclass
class BuildSummary:
    """What a build did."""

    built: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    peak_rss_mb: float = 0.0  # the largest rendering process

    def line(self) -> str:
        memory = f", largest renderer {self.peak_rss_mb:.0f} MB" if self.built else ""
        return (f"{len(self.built)} built, {len(self.current)} up to date, "
                f"{len(self.failed)} failed in {self.seconds:.1f} s{memory}")


class Stopped(BrochuresError):
    """The build was told to stop (SIGTERM, SIGHUP): its workers and staging folder are gone."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"the build was stopped ({signal.Signals(signum).name})",
                         hint="Nothing half-written was left in the output folder; build "
                              "again to finish.")
        self.exit_code = 128 + signum


STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def _stoppable() -> Iterator[None]:
    """SIGTERM and SIGHUP stop the build as an error does: ``finally`` blocks run, so the
    workers are stopped and the staging folder removed. (Workers end with the build in any
    case, see ``pool.die_with_parent``; this is for the staging folder and the message.)"""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may handle signals
        return

    def stop(signum: int, _frame: object) -> None:
        raise Stopped(signum)

    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Hold stop signals back while documents are published: they act once it is done."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def lock_path(output: Path) -> Path:
    """The file whose lock says a build is using ``output``: beside it when possible, so
    that the output folder holds only what a build published."""
    hint = "Choose another folder with --output, or fix its permissions."
    if not output.parent.exists():
        writable_folder(output.parent, "the output folder's parent", hint)
    if os.access(output.parent, os.W_OK):
        return output.parent / f".{output.name}.lock"
    return writable_folder(output, "the output folder", hint) / ".lock"


def build(project: Project, options: BuildOptions,
          progress: Callable[[int, int, str], None] | None = None,
          say: Callable[[str], None] = print) -> BuildSummary:
    """Build the requested documents into the output folder; see DESIGN.md for the flow.

    One build at a time uses an output folder: another waits for it (or, without
    ``options.wait``, fails), since each publishes a manifest made from the one it read.
    """
    output = (options.output or project.root / "output").resolve()
    with _stoppable(), exclusive(lock_path(output), output, "the output folder", say,
                                 options.wait):
        return _build(project, options, output, progress, say)


def _build(project: Project, options: BuildOptions, output: Path,
           progress: Callable[[int, int, str], None] | None,
           say: Callable[[str], None]) -> BuildSummary:
    started = time.monotonic()
    records = read_manifest(output)
    current = _all_current(project, options, output, records)
    if current is not None:  # nothing changed: no need to load, check or render anything
        summary = BuildSummary(current=current, seconds=time.monotonic() - started)
        summary.drafts = [r.path for r in records.values() if r.draft and r.path in current]
        for path in summary.drafts:
            say(f"warning: {path}: translation incomplete, marked as a draft on every page")
        return summary
    # Heavy imports (Babel, Jinja2, fontTools) only when something is to be built.
    from brochures.check import catalog_diagnostics, content_warnings
    from brochures.gallery import write_gallery
    from brochures.plan import gather, locale_blocks, plan_documents
    from brochures.pool import render_all

    site = gather(project, options.brochures, options.locales, options.variants)
    diagnostics = catalog_diagnostics(site)
    for found in [content_warnings(site), *diagnostics.values()]:
        for diagnostic in found:
            if not diagnostic.is_error:
                say(str(diagnostic))
    for code, review in site.reviews.items():
        if review.problem and not options.strict:  # --strict says it as the error
            say(f"warning: {code}: {review.problem}")
    plans = plan_documents(site, options.strict, locale_blocks(site, diagnostics, options.strict),
                           options.icc)
    if any(v.print_boxes for v in site.variants) and not options.icc:
        say("note: print PDFs are not PDF/X: no CMYK output profile was given "
            "(use --icc FILE with your print shop's profile)")
    summary = BuildSummary()
    todo: list[DocumentPlan] = []
    for plan in plans:
        if plan.error:
            if plan.error not in summary.failed:  # a locale's error is said once
                summary.failed.append(plan.error)
        elif not options.force and is_current(records.get(plan.key), output, plan.inputs):
            summary.current.append(plan.path)
            # same inputs, but what they are called (e.g. a review date) may be newer
            records[plan.key] = replace(records[plan.key], built_from=plan.built_from)
        else:
            todo.append(plan)
    for plan in plans:
        if plan.draft and not plan.error:
            summary.drafts.append(plan.path)
    writable_folder(output, "the output folder",
                    "Choose another folder with --output, or fix its permissions.")
    by_key = {plan.job.key: plan for plan in todo if plan.job}
    jobs = options.jobs or os.cpu_count() or 1
    render_jobs = [replace(plan.job, time_limit=options.time_limit or plan.job.time_limit,
                           memory_limit=options.memory_limit or plan.job.memory_limit)
                   for plan in todo if plan.job]
    with Staging(output) as staging:
        for result in render_all(render_jobs, jobs, progress):
            plan = by_key[result.key]
            summary.peak_rss_mb = max(summary.peak_rss_mb, result.peak_rss_mb)
            if result.error:
                summary.failed.append(result.error)
                continue
            staging.add(plan.path, result.pdf)
            records[plan.key] = _record(plan, result)
            summary.built.append(plan.path)
        with _uninterrupted():
            staging.commit(records)
            write_gallery(output, records, site.fonts, say)
    summary.seconds = time.monotonic() - started
    for path in summary.drafts:
        say(f"warning: {path}: translation incomplete, marked as a draft on every page")
    return summary


def _record(plan: DocumentPlan, result: RenderResult) -> DocumentRecord:
    return DocumentRecord(plan.brochure, plan.locale, plan.variant, plan.path, result.pages,
                          len(result.pdf), result.sha256, plan.draft, plan.inputs,
                          plan.built_from, result.note, plan.fonts)


def _all_current(project: Project, options: BuildOptions, output: Path,
                 records: dict[tuple[str, str, str], DocumentRecord]) -> list[str] | None:
    """The paths of the requested documents when every one is up to date, else None.

    Decided from file digests alone, so that a build with nothing to do takes a moment.
    Anything unusual (a new document, --strict, an unknown name, a missing gallery) says
    None and the full build decides.
    """
    if options.force or options.strict or not (output / "index.html").is_file():
        return None
    available = project.brochure_paths()
    catalogs = project.catalog_locales()
    wanted = (options.brochures or tuple(available), options.locales or tuple(catalogs),
              options.variants or DEFAULT_VARIANTS)
    if (not set(wanted[0]) <= set(available) or not set(wanted[1]) <= set(catalogs)
            or not set(wanted[2]) <= set(VARIANTS)):
        return None
    digests, paths = Digests(), []
    for brochure in wanted[0]:
        for locale in wanted[1]:
            for name in wanted[2]:
                record = records.get((brochure, locale, name))
                if record is None:
                    return None
                inputs = document_inputs(project, digests, available[brochure], locale,
                                         VARIANTS[name], list(record.fonts), options.icc)
                if not is_current(record, output, inputs):
                    return None
                paths.append(record.path)
    return paths
