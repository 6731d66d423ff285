"""Run one function in a forked process while this process goes on with other work.

The run uses it to write the data folder's tables while it renders the report: both are work for
the interpreter (pandas formatting CSV, jinja2 and plotly building the page), so threads would
take turns on one core where two processes use two. The child inherits what the function reads
(the run's tables), so nothing but its answer is pickled. Where processes cannot be forked
(:func:`framing.analyse.parallel.can_fork`: not Linux), :func:`start` gives None and the caller
does the work itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Beside:
    """``fn()`` running in a forked process: :meth:`result` waits for its answer, :meth:`stop`
    ends it if it still runs (always call it, e.g. in a ``finally``)."""

    def __init__(self, fn: Callable[[], Any], name: str) -> None:
        import gc
        import multiprocessing as mp

        ctx = mp.get_context("fork")
        self.name = name
        self._answers, send = ctx.Pipe(duplex=False)
        # neither process's garbage collector scans the objects they share until the child is done:
        # a scan writes to every object it visits, and each page written is copied for the writer
        gc.freeze()
        self._frozen = True
        try:
            self._proc = ctx.Process(target=_answer, args=(fn, send, self._answers), name=name, daemon=True)
            self._proc.start()
        except BaseException:
            self._thaw()
            raise
        finally:
            send.close()

    def result(self) -> Any:
        """What ``fn()`` returned; what it raised is raised here as a RuntimeError with its traceback."""
        try:
            ok, value = self._answers.recv()
        except EOFError:
            raise RuntimeError(f"the process {self.name} stopped without an answer") from None
        finally:
            self.stop()
        if not ok:
            raise RuntimeError(f"{self.name} failed:\n{value}")
        return value

    def stop(self) -> None:
        """End the process if it still runs, and wait for it."""
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join()
        self._answers.close()
        self._thaw()

    def _thaw(self) -> None:
        import gc

        if self._frozen:
            self._frozen = False
            gc.unfreeze()


def _answer(fn: Callable[[], Any], send, answers) -> None:
    """In the forked process: send (True, fn()) or (False, the traceback of what it raised)."""
    import traceback

    answers.close()
    try:
        message = (True, fn())
    except BaseException:  # noqa: BLE001 - told to the parent, which raises it
        message = (False, traceback.format_exc())
    send.send(message)
    send.close()


def start(fn: Callable[[], Any], name: str) -> Beside | None:
    """``fn()`` in a forked process (a :class:`Beside`), or None where processes cannot be forked."""
    from framing.analyse.parallel import can_fork

    return Beside(fn, name) if can_fork() else None
