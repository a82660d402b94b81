"""Publishing when the disk says no: full, read-only or size-limited, nothing in output/ changes."""

from __future__ import annotations

import contextlib
import errno
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_limits import snapshot

from conftest import CliResult, run_cli


def run_limited(*args: str, cwd: Path, max_file: int) -> CliResult:
    """``brochures ARGS`` in a process that may not write files larger than ``max_file``."""
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a dead process
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file, max_file))

    done = subprocess.run([sys.executable, "-m", "brochures", *args], cwd=cwd, text=True,
                          capture_output=True, check=False, preexec_fn=limit)
    return CliResult(done.returncode, done.stdout, done.stderr)


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True, check=False).returncode == 0


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A small file system of its own at ``folder`` (needs the right to mount)."""
    folder.mkdir()
    if os.geteuid() != 0 or not _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                                       str(folder)):
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` made read-only for everyone, root included (a read-only bind mount)."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(mode)
        return
    if not (_mount("--bind", str(folder), str(folder))
            and _mount("-o", "remount,bind,ro", str(folder))):
        subprocess.run(["umount", "-l", str(folder)], check=False)
        pytest.skip("bind mounts are not permitted here")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def assert_refused(result: CliResult, *fragments: str) -> None:
    assert result.code == 1, (result.code, result.err)
    assert "Traceback" not in result.err + result.out
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)


def test_full_disk(project):
    with tmpfs(project / "disk", "1m") as disk:
        output = disk / "output"
        assert run_cli("build", "--locale", "en", "--output", str(output), cwd=project).code == 0
        before = snapshot(output)
        fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            with pytest.raises(OSError) as full:
                while True:
                    os.write(fd, b"\0" * 4096)
            assert full.value.errno == errno.ENOSPC
        finally:
            os.close(fd)
        result = run_cli("build", "--locale", "en", "--locale", "es", "--force",
                         "--output", str(output), cwd=project)
        assert_refused(result, "cannot write: No space left on device",
                       "Nothing in the output folder was changed.")
        assert snapshot(output) == before
        # no staging folder left; the lock file stays (it is not in the output folder)
        assert sorted(os.listdir(disk)) == [".output.lock", "filler", "output"]


def test_file_size_limit(project):
    """Where mounting is not allowed, a write limit stands in for a full disk."""
    assert run_cli("build", "--locale", "en", cwd=project).code == 0
    before = snapshot(project / "output")
    result = run_limited("build", "--locale", "en", "--locale", "es", "--force", cwd=project,
                         max_file=8000)
    assert_refused(result, "cannot write: File too large",
                   "Nothing in the output folder was changed.")
    assert snapshot(project / "output") == before
    assert list(project.glob(".output.staging-*")) == []


def test_read_only_output_folder(project):
    assert run_cli("build", "--locale", "en", cwd=project).code == 0
    before = snapshot(project / "output")
    with read_only(project / "output"):
        result = run_cli("build", "--locale", "en", "--locale", "es", "--force", cwd=project)
    assert_refused(result, "output: the output folder is not writable",
                   "Choose another folder with --output")
    assert snapshot(project / "output") == before


def test_read_only_brochure_folder_fails_before_anything_moves(project):
    assert run_cli("build", "--locale", "en", "--locale", "es", cwd=project).code == 0
    before = snapshot(project / "output")
    with read_only(project / "output/laser-skin-tightening"):
        result = run_cli("build", "--locale", "en", "--locale", "es", "--force", cwd=project)
    assert_refused(result, "laser-skin-tightening-", "cannot write: Read-only file system"
                   if os.geteuid() == 0 else "cannot write: Permission denied",
                   "the manifest is unchanged")
    assert snapshot(project / "output") == before
    assert list(project.glob(".output.staging-*")) == []
