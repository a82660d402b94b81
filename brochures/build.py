"""The build: gather and check, plan, render what changed, publish atomically, manifest last."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from brochures.engine import RenderResult
from brochures.errors import BrochuresError, Location
from brochures.check import catalog_diagnostics, content_warnings
from brochures.plan import DocumentPlan, gather, locale_blocks, plan_documents
from brochures.pool import render_all
from brochures.project import Project
from brochures.publish import DocumentRecord, Staging, is_current, read_manifest


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
    time_limit: float | None = None   # seconds per document (default: engine.TIME_LIMIT)
    memory_limit: int | None = None   # MB per render (default: engine.MEMORY_LIMIT)


@dataclass
class BuildSummary:
    """What a build did."""

    built: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return (f"{len(self.built)} built, {len(self.current)} up to date, "
                f"{len(self.failed)} failed in {self.seconds:.1f} s")


def build(project: Project, options: BuildOptions,
          progress: Callable[[int, int, str], None] | None = None,
          say: Callable[[str], None] = print) -> BuildSummary:
    """Build the requested documents into the output folder; see DESIGN.md for the flow."""
    started = time.monotonic()
    output = (options.output or project.root / "output").resolve()
    site = gather(project, options.brochures, options.locales, options.variants)
    diagnostics = catalog_diagnostics(site)
    for found in [content_warnings(site), *diagnostics.values()]:
        for diagnostic in found:
            if not diagnostic.is_error:
                say(str(diagnostic))
    plans = plan_documents(site, options.strict, locale_blocks(site, diagnostics, options.strict))
    records = read_manifest(output)
    summary = BuildSummary()
    todo: list[DocumentPlan] = []
    for plan in plans:
        if plan.error:
            if plan.error not in summary.failed:  # a locale's error is said once
                summary.failed.append(plan.error)
        elif not options.force and is_current(records.get(plan.key), output, plan.inputs):
            summary.current.append(plan.path)
        else:
            todo.append(plan)
    for plan in plans:
        if plan.draft and not plan.error:
            summary.drafts.append(plan.path)
    _check_writable(output)
    by_key = {plan.job.key: plan for plan in todo if plan.job}
    jobs = options.jobs or os.cpu_count() or 1
    render_jobs = [replace(plan.job, time_limit=options.time_limit or plan.job.time_limit,
                           memory_limit=options.memory_limit or plan.job.memory_limit)
                   for plan in todo if plan.job]
    with Staging(output) as staging:
        for result in render_all(render_jobs, jobs, progress):
            plan = by_key[result.key]
            if result.error:
                summary.failed.append(result.error)
                continue
            staging.add(plan.path, result.pdf)
            records[plan.key] = _record(plan, result)
            summary.built.append(plan.path)
        staging.commit(records)
    summary.seconds = time.monotonic() - started
    for path in summary.drafts:
        say(f"warning: {path}: translation incomplete, marked as a draft on every page")
    return summary


def _record(plan: DocumentPlan, result: RenderResult) -> DocumentRecord:
    return DocumentRecord(plan.brochure, plan.locale, plan.variant, plan.path, result.pages,
                          len(result.pdf), result.sha256, plan.draft, plan.inputs,
                          plan.built_from)


def _check_writable(output: Path) -> None:
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BrochuresError(f"cannot create the output folder: {exc.strerror}",
                             Location.of(output)) from None
    if not os.access(output, os.W_OK):
        raise BrochuresError("the output folder is not writable", Location.of(output),
                             "Choose another folder with --output, or fix its permissions.")
