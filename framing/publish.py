"""Writing a run's output folder whole or not at all, and one run per folder at a time.

A run writes its report and data into a new hidden folder beside the output folder
(``.<name>.new-<pid>``) and swaps it in at the end: with one atomic exchange of the two folders
where the system has one (Linux ``renameat2``), else with two renames. An interrupted or failed
run therefore leaves the previous report as it was (``index.html``, ``manifest.json`` and ``data/``
from one run); what it had written is removed, or, after a hard kill, removed by the next run.

``output_lock(out_dir)`` holds an exclusive lock (``.<name>.lock`` beside the folder) for the
whole run: a second run into the same folder stops at once with a message. The cache has its own
lock (:class:`CacheLock`, ``.lock`` in the cache folder): every run shares it while it runs, and deleting the cache entries no run
uses any more waits until a run has it alone.

``check_output(out_dir)`` says what is wrong with an output folder before any work starts: a file
where the folder should be, a folder that cannot be written, or a folder of other files that are
not a framing report (which the swap would throw away).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

REPORT_MARK = "manifest.json"  # a folder holding this is a framing report
_NEW, _OLD = ".new-", ".old-"


class OutputError(Exception):
    """An output folder that cannot be written or replaced; the message says why and what to do."""


def check_output(out_dir: Path) -> None:
    """Raise OutputError when ``out_dir`` cannot receive a report."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"the output path {out_dir} is a file, not a folder; give a folder with --output "
                          "(or the config's `output`)")
    if out_dir.is_dir():
        entries = [e for e in os.listdir(out_dir) if not e.startswith(".")]
        if entries and REPORT_MARK not in entries:
            shown = ", ".join(sorted(entries)[:5]) + (", ..." if len(entries) > 5 else "")
            raise OutputError(f"the output folder {out_dir} holds files that are not a framing report ({shown}); "
                              "a run replaces its output folder whole: give a new or empty folder")
    parent = _existing_parent(out_dir)
    if not parent.is_dir():
        raise OutputError(f"the output folder {out_dir} cannot be made: {parent} is a file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"the output folder {out_dir} cannot be written: no permission to write in {parent}")


def _existing_parent(path: Path) -> Path:
    parent = path.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return parent


def _lock_path(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.lock"


@contextlib.contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock for the block; OutputError at once if another run holds it."""
    out_dir = Path(out_dir).absolute()
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(_lock_path(out_dir), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"the output folder {out_dir} cannot be written: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            raise OutputError(f"another framing run is writing {out_dir} right now; wait for it to finish, "
                              "or give this run another output folder with --output") from None
        _remove_leftovers(out_dir)
        yield
    finally:
        os.close(fd)  # releases the lock


class CacheLock:
    """A shared lock on a cache folder (``.lock`` in it) while a run uses it."""

    def __init__(self, root: Path) -> None:
        self.fd = None
        try:
            root.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(self.fd, fcntl.LOCK_SH)
        except OSError:
            self.close()

    def alone(self) -> bool:
        """Whether no other run uses the cache now; if so, this run holds it alone until
        :meth:`shared` (so that it may delete entries)."""
        if self.fd is None:
            return False
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            fcntl.flock(self.fd, fcntl.LOCK_SH)  # a failed conversion may have dropped the shared lock
            return False

    def shared(self) -> None:
        """Hold the lock shared, as one of the runs using the cache."""
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_SH)

    def close(self) -> None:
        """Let go of the lock."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def staging_dir(out_dir: Path) -> Path:
    """A new, empty folder beside ``out_dir`` for this run to write into."""
    out_dir = Path(out_dir).absolute()
    stage = out_dir.parent / f".{out_dir.name}{_NEW}{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    return stage


def discard(stage: Path) -> None:
    """Remove a staging folder (nothing happens when it is gone)."""
    shutil.rmtree(stage, ignore_errors=True)


def publish(stage: Path, out_dir: Path) -> None:
    """Put the finished folder ``stage`` in the place of ``out_dir`` (whose previous content goes)."""
    out_dir = Path(out_dir).absolute()
    if not out_dir.exists():
        os.rename(stage, out_dir)
        return
    if _exchange(stage, out_dir):
        shutil.rmtree(stage, ignore_errors=True)  # now the previous report
        return
    old = out_dir.parent / f".{out_dir.name}{_OLD}{os.getpid()}"
    os.rename(out_dir, old)
    try:
        os.rename(stage, out_dir)
    except BaseException:
        os.rename(old, out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(out_dir: Path) -> None:
    """With the lock held: folders left by killed runs. A previous report moved aside (a kill
    between the two renames of :func:`publish`) is put back when the folder is missing."""
    prefix = f".{out_dir.name}"
    for entry in sorted(out_dir.parent.glob(f"{prefix}{_OLD}*")):
        if not out_dir.exists() and (entry / REPORT_MARK).is_file():
            os.rename(entry, out_dir)
        else:
            shutil.rmtree(entry, ignore_errors=True)
    for entry in out_dir.parent.glob(f"{prefix}{_NEW}*"):
        shutil.rmtree(entry, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2); False where that is not available."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    return False
