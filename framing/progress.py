"""Stage progress on the terminal (rich), silent with --quiet or when used as a library."""

from __future__ import annotations


class Progress:
    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self._console = None
        if not quiet:
            from rich.console import Console

            self._console = Console(stderr=True)

    def start(self, stage: str) -> None:
        if self._console:
            self._console.print(f"[bold]•[/bold] {stage.replace('_', ' ')} …", highlight=False)

    def done(self, stage: str, seconds: float) -> None:
        if self._console:
            self._console.print(f"  [green]done[/green] {stage.replace('_', ' ')} in {seconds:.1f} s", highlight=False)

    def note(self, message: str) -> None:
        if self._console:
            self._console.print(f"  [yellow]![/yellow] {message}", highlight=False)
