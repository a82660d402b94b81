"""Render many documents: in this process, or in warm worker processes sized to the CPUs."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

from brochures.engine import RenderJob, RenderResult, render_pdf


def _warm() -> None:
    """Import WeasyPrint once per worker, before its first document."""
    import weasyprint  # noqa: F401


def render_all(jobs: list[RenderJob], workers: int,
               progress: Callable[[int, int, str], None] | None = None
               ) -> Iterator[RenderResult]:
    """Render ``jobs``, most expensive first; results come back as they finish."""
    ordered = sorted(jobs, key=lambda job: (-job.cost, job.key))
    total = len(ordered)
    if workers <= 1 or total <= 1:
        for done, job in enumerate(ordered, 1):
            if progress:
                progress(done - 1, total, job.key)
            yield render_pdf(job)
        if progress and total:
            progress(total, total, "")
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=min(workers, total), mp_context=context,
                             initializer=_warm) as pool:
        futures = {pool.submit(render_pdf, job): job for job in ordered}
        for done, future in enumerate(as_completed(futures), 1):
            result = future.result()
            if progress:
                progress(done, total, result.key)
            yield result
