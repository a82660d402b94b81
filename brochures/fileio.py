"""Writing files so that a crash never leaves half of one: temp file, fsync, rename."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from brochures.errors import BrochuresError, Location

NOTHING_LOST = "The previous file is unchanged."


def writable_folder(folder: Path, what: str, hint: str, mode: int = 0o777) -> Path:
    """Create ``folder`` if needed and make sure files can be written in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=mode)
    except OSError as exc:
        raise BrochuresError(f"cannot create {what}: {exc.strerror}",
                             Location.of(folder), hint) from None
    if not os.access(folder, os.W_OK):
        raise BrochuresError(f"{what} is not writable", Location.of(folder), hint)
    return folder


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` in one step; on any failure the old file stays.

    The file is readable as the umask allows, or gets exactly ``mode`` when given. A full
    disk, a read-only folder or missing permissions become a :class:`BrochuresError`
    naming the file.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise write_error(path, exc) from None
    try:
        # mkstemp makes 0600; published files are readable unless a mode says otherwise
        os.chmod(tmp, 0o666 & ~_umask() if mode is None else mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise write_error(path, exc) from None
        raise
    fsync_dir(path.parent)


def write_synced(path: Path, data: bytes) -> None:
    """Write a new file and flush it to disk (for staging folders nobody else reads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_error(path: Path, exc: OSError, hint: str = NOTHING_LOST) -> BrochuresError:
    """A located error for a failed write: what the system said, and what was kept."""
    reason = exc.strerror or str(exc)
    return BrochuresError(f"cannot write: {reason}", Location.of(path), hint)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically unless the file already holds exactly ``data``; True if written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    write_atomic(path, data)
    return True


def backup(path: Path) -> Path | None:
    """Copy ``path`` to ``path.bak`` before a rewrite (the previous backup is replaced).

    The copy is itself atomic, so a failure while backing up loses neither file.
    """
    if not path.is_file():
        return None
    target = path.with_name(path.name + ".bak")
    write_atomic(target, path.read_bytes())
    shutil.copystat(path, target)
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename is durable only once its folder is synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def exclusive(lock: Path, guarded: Path, what: str, say: Callable[[str], None],
              wait: bool = True) -> Iterator[None]:
    """Run the block holding ``lock`` (a file, created if needed) alone among processes,
    for the sake of ``guarded`` (``what`` says what it is).

    Another process holding it is named by the PID it wrote there: this one waits for it, or
    with ``wait`` false fails at once. The lock goes with the process, however it ends, and
    the file is left in place (removing it would let two processes lock two files).
    """
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise write_error(lock, exc, "Nothing was changed.") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            who = f"build PID {holder}" if holder.isdigit() else "another build"
            if not wait:
                raise BrochuresError(f"{what} is in use by {who}", Location.of(guarded),
                                     "Let it finish first, or leave out --no-wait to wait "
                                     "for it.") from None
            say(f"waiting for {who} to finish...")
            fcntl.flock(fd, fcntl.LOCK_EX)
        with contextlib.suppress(OSError):  # only to name the holder: a full disk may refuse
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # and with it the lock
