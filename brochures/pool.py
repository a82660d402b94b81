"""Render documents in warm worker processes, each render under a time and a memory limit."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import resource
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext

from brochures.engine import RenderJob, RenderResult, render_pdf
from brochures.errors import BrochuresError

_MB = 1024 * 1024
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
MAX_FAILED_STARTS = 3  # workers ending before their first job: the renderer cannot run here
NO_START = "Check that WeasyPrint and its system libraries are installed (`make setup`)."


def die_with_parent() -> None:
    """Have Linux kill this process (SIGKILL) when its parent ends; elsewhere, nothing.

    A worker rendering a slow document would otherwise go on for minutes after the build
    that wanted it was killed, and hold its output folder's files open.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _serve(conn: Connection) -> None:
    """A worker: import WeasyPrint once, then render each job it is sent until told to stop."""
    die_with_parent()  # its parent is the forkserver, which itself ends with the build
    # Ctrl-C reaches the whole process group: the build stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Finalizers failing for want of memory near the limit would only print noise.
    sys.unraisablehook = lambda _: None
    try:
        import weasyprint  # noqa: F401  (once per worker, before its first document)
    except Exception as exc:  # e.g. Pango missing: the environment, not a document
        conn.send(("unusable", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            _limit_memory(job.memory_limit)
            conn.send(("result", render_pdf(job)))
            continue
        except MemoryError:
            # Memory is free again once the exception has unwound, but the process may be
            # left fragmented or half-initialised: it ends and the pool starts a fresh one.
            message: tuple[str, str | None] = ("memory", None)
        except RecursionError:
            message = ("nested", None)
        except Exception:
            message = ("bug", traceback.format_exc())
        try:
            conn.send(message)
        finally:
            os._exit(1)  # no clean-up that could fail again for want of memory


def _limit_memory(megabytes: int) -> None:
    """Cap this process's address space (the soft limit, so a later job may raise it)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = megabytes * _MB
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class _Worker:
    """One worker process and the job it is rendering, with that job's deadline."""

    def __init__(self, context: BaseContext) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.alive = True
        self.job: RenderJob | None = None
        self.deadline = 0.0
        self.exitcode: int | None = None  # set when it ended without a job

    @property
    def idle(self) -> bool:
        return self.alive and self.ready and self.job is None

    def give(self, job: RenderJob) -> None:
        self.conn.send(job)
        self.job = job
        self.deadline = time.monotonic() + job.time_limit

    def poll(self, now: float) -> RenderResult | None:
        """The finished job's result, an error result if it failed or overran, else None."""
        if self.conn.poll():
            try:
                kind, value = self.conn.recv()
            except (EOFError, OSError):
                return self._died()
            if kind == "ready":
                self.ready = True
                return None
            if kind == "unusable":
                self.stop()
                raise BrochuresError(f"the renderer could not start: {value}", hint=NO_START)
            if kind == "bug":
                self.stop()
                what = f"rendering {self.job.key}" if self.job else "starting a render worker"
                raise RuntimeError(f"{what} failed:\n{value}")
            job, self.job = self.job, None
            assert job is not None
            if kind == "result":
                return value
            self.stop()
            if kind == "memory":
                return _failed(job, f"needed more memory than the limit of {job.memory_limit} "
                               "MB", "--memory-limit")
            return _failed(job, "its layout is nested too deeply to render", None)
        if not self.process.is_alive():
            return self._died()
        if self.job is not None and now >= self.deadline:
            job, self.job = self.job, None
            self.stop()
            return _failed(job, f"rendering took longer than the time limit of "
                           f"{job.time_limit:g} s and was stopped", "--time-limit")
        return None

    def _died(self) -> RenderResult | None:
        self.process.join(1)
        code = self.process.exitcode
        self.alive = False
        job, self.job = self.job, None
        if job is None:  # between jobs or while starting: the pool starts another
            self.exitcode = code
            return None
        how = f"killed by signal {-code}" if code is not None and code < 0 else (
            f"exit status {code}")
        return _failed(job, f"the renderer stopped unexpectedly ({how}); it may have needed "
                       f"more memory than the limit of {job.memory_limit} MB", "--memory-limit")

    def stop(self, polite: bool = False) -> None:
        """End the process: asked to when it is idle (``polite``), killed otherwise."""
        if polite and self.alive:
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.alive = False
        self.conn.close()


def _failed(job: RenderJob, reason: str, option: str | None) -> RenderResult:
    hint = ("\n    Other documents are not affected. Make this one simpler, or raise the "
            f"limit with {option}." if option else "")
    return RenderResult(job.key, error=f"{job.key}: {reason}; the document was not built{hint}")


def render_all(jobs: list[RenderJob], workers: int,
               progress: Callable[[int, int, str], None] | None = None
               ) -> Iterator[RenderResult]:
    """Render ``jobs``, most expensive first; results come back as they finish.

    Every render runs in a worker process so that its limits can be enforced: a render
    that overruns its time limit is killed, one that exceeds its memory limit fails, and
    in both cases that document fails with a clear error while the others go on.
    """
    waiting = deque(sorted(jobs, key=lambda job: (-job.cost, job.key)))
    total = len(waiting)
    if not total:
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["brochures.forkserver_setup"])
    crew = [_Worker(context) for _ in range(max(1, min(workers, total)))]
    done = failed_starts = 0
    try:
        while waiting or any(worker.job for worker in crew):
            for index, worker in enumerate(crew):
                if not worker.alive and waiting:
                    crew[index] = worker = _Worker(context)
                if worker.idle and waiting:
                    worker.give(waiting.popleft())
            now = time.monotonic()
            busy = [worker for worker in crew if worker.alive]
            deadlines = [worker.deadline for worker in busy if worker.job]
            wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                 timeout=max(0.0, min(deadlines) - now) if deadlines else None)
            now = time.monotonic()
            for worker in busy:
                result = worker.poll(now)
                if not worker.alive and not worker.ready:
                    failed_starts += 1
                    if failed_starts == MAX_FAILED_STARTS:
                        raise BrochuresError(
                            f"the renderer could not start (its process ended with exit "
                            f"code {worker.exitcode})", hint=NO_START)
                if result is not None:
                    done += 1
                    if progress:
                        progress(done, total, result.key)
                    yield result
    finally:
        for worker in crew:
            if worker.alive:
                worker.stop(polite=worker.ready and worker.job is None)
