"""Stage progress on the terminal (rich), silent with --quiet or when used as a library.

A run prints one line per stage as it starts and ends; the long stages (reading, analysis) also
show a progress bar with the documents done, their rate and the time left. Everything goes to
stderr, so that stdout stays clean for scripts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def _noop(n: int = 1) -> None:
    return None


class Progress:
    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self._console = None
        if not quiet:
            from rich.console import Console

            self._console = Console(stderr=True)

    def start(self, stage: str) -> None:
        """Say that a stage starts."""
        if self._console:
            self._console.print(f"[bold]•[/bold] {stage.replace('_', ' ')} …", highlight=False)

    def done(self, stage: str, seconds: float) -> None:
        """Say that a stage ended, and how long it took."""
        if self._console:
            self._console.print(f"  [green]done[/green] {stage.replace('_', ' ')} in {seconds:.1f} s", highlight=False)

    def note(self, message: str) -> None:
        """Print a remark beside the progress lines."""
        if self._console:
            self._console.print(f"  [yellow]![/yellow] {message}", highlight=False)

    @contextmanager
    def bar(self, description: str, total: int | None = None, unit: str = "documents") -> Iterator[Callable[[int], None]]:
        """A progress bar while the block runs; yields ``advance(n=1)``. ``total=None``: a count
        without an end (e.g. documents read from files of unknown length)."""
        if self._console is None:
            yield _noop
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress as RichProgress,
            SpinnerColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        if total is None:
            columns = (SpinnerColumn(), TextColumn("  {task.description}"), TextColumn("{task.completed:,} " + unit),
                       TimeElapsedColumn())
        else:
            columns = (TextColumn("  {task.description}"), BarColumn(), MofNCompleteColumn(),
                       TextColumn(unit), TaskProgressColumn(), TimeElapsedColumn(), TextColumn("left"),
                       TimeRemainingColumn())
        # No refresh thread (auto_refresh off): the analysis forks worker processes, and a thread
        # holding a lock at that moment would leave the lock held in the workers.
        with RichProgress(*columns, console=self._console, transient=True, auto_refresh=False) as rp:
            task = rp.add_task(description, total=total)
            last = [0.0]

            def advance(n: int = 1) -> None:
                rp.advance(task, n)
                now = time.monotonic()
                if now - last[0] >= 0.1:
                    last[0] = now
                    rp.refresh()

            yield advance
