"""Command line: a thin layer over framing.run() and the stage APIs.

Heavy modules are imported inside the commands so that `framing --help` answers at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(
    name="framing",
    help=(
        "Measure how Arabic news outlets frame the same events.\n\n"
        "Start with `framing demo` (a bundled fictional corpus, report in reports/demo/index.html), "
        "then write a YAML study config and run `framing run study.yaml`. "
        "`framing check study.yaml` validates a config without running it."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DEMO_CONFIG = Path(__file__).parent / "demo" / "demo.yaml"

ConfigArg = typer.Argument(..., help="study config (YAML); paths in it are relative to its folder", show_default=False)
OutputOpt = typer.Option(None, "--output", "-o", help="output folder (default: the config's `output`)")
JobsOpt = typer.Option(None, "--jobs", "-j", help="worker processes (default: the config's run.jobs; 0 = one per core)")
QuietOpt = typer.Option(False, "--quiet", "-q", help="no progress output (for scripts)")


def _fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _run(config, output, jobs, quiet, topics=None, classify=None) -> None:
    from framing.config import ConfigError
    from framing.lexicon import LexiconError
    from framing.pipeline import run

    try:
        result = run(config, output=output, jobs=jobs, quiet=quiet, topics=topics, classify=classify)
    except (ConfigError, LexiconError) as exc:
        _fail(f"error: {exc}")
    if not quiet:
        docs = result.manifest["documents"]
        typer.echo(
            f"{docs['analysed']} documents analysed, {docs['skipped']} skipped "
            f"(see data/documents.csv). Report: {result.report_path}"
        )


@app.command("run")
def run_command(
    config: Path = ConfigArg,
    output: Optional[Path] = OutputOpt,
    jobs: Optional[int] = JobsOpt,
    quiet: bool = QuietOpt,
    no_topics: bool = typer.Option(False, "--no-topics", help="skip the topic model"),
    no_classifiers: bool = typer.Option(False, "--no-classifiers", help="skip the classifiers"),
) -> None:
    """Run a study: read and clean the corpora, match lexicons, compute statistics, classifiers and
    topics, and write the HTML report and data/ CSV files."""
    _run(config, output, jobs, quiet, topics=False if no_topics else None, classify=False if no_classifiers else None)


@app.command("demo")
def demo_command(
    output: Path = typer.Option(Path("reports/demo"), "--output", "-o", help="output folder"),
    jobs: Optional[int] = JobsOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Run the bundled demo: four fictional outlets covering a fictional conflict, with framing
    differences planted on purpose (framing/demo/planted.yaml). Writes reports/demo/index.html."""
    _run(DEMO_CONFIG, output, jobs, quiet)


@app.command("check")
def check_command(config: Path = ConfigArg) -> None:
    """Validate a study config: every problem is listed with its key and line; exit code 2 if any."""
    from framing.config import ConfigError, load_config

    try:
        cfg = load_config(config)
    except ConfigError as exc:
        _fail(f"error: {exc}")
    for spec in cfg.source_specs():
        who = spec.outlet or "outlet from each row"
        typer.echo(f"{spec.key}: {len(spec.paths)} file(s) for {who} ({spec.pattern})")
    typer.echo(f"ok: {config} is valid")


def _mount_subcommands() -> None:
    from framing.lexicon.cli import lexicon_app

    from framing.classify.cli import register

    app.add_typer(lexicon_app, name="lexicon", help="Check, test and import lexicons.")
    register(app)  # `framing annotate CONFIG` and `framing train DATA`


_mount_subcommands()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
