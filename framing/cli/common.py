"""What the command modules share: how a command fails, and the options several commands take."""

from __future__ import annotations

from typing import NoReturn

import typer

JobsOpt = typer.Option(None, "--jobs", "-j", help="worker processes (default: the config's run.jobs; 0 = one per core)")
QuietOpt = typer.Option(False, "--quiet", "-q", help="no progress output (for scripts)")


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``error: message`` on stderr and leave the command with exit ``code`` (2: bad input)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)
