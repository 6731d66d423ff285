"""`framing run`, `framing demo` and `framing check`: a study from its YAML config.

Heavy modules are imported inside the commands so that `framing --help` answers at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from framing.cli.common import JobsOpt, QuietOpt, fail
from framing.demo import DEMO_CONFIG

ConfigArg = typer.Argument(..., help="study config (YAML); paths in it are relative to its folder", show_default=False)
OutputOpt = typer.Option(None, "--output", "-o", help="output folder (default: the config's `output`)")


def _run(config, output, jobs, quiet, topics=None, classify=None) -> None:
    from framing.failures import bad_input_types
    from framing.pipeline import run

    try:
        result = run(config, output=output, jobs=jobs, quiet=quiet, topics=topics, classify=classify)
    except bad_input_types() as exc:  # config, lexicon, model, output folder
        fail(str(exc))
    if not quiet:
        from framing.report.story import console_story

        typer.echo(console_story(result))


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


def demo_command(
    output: Path = typer.Option(Path("reports/demo"), "--output", "-o", help="output folder"),
    jobs: Optional[int] = JobsOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Run the bundled demo: four fictional outlets covering a fictional conflict, with framing
    differences planted on purpose (framing/demo/planted.yaml). Writes reports/demo/index.html."""
    _run(DEMO_CONFIG, output, jobs, quiet)


def check_command(config: Path = ConfigArg) -> None:
    """Validate a study config: every problem is listed with its key and line; exit code 2 if any."""
    from framing.config import ConfigError, load_config

    try:
        cfg = load_config(config)
    except ConfigError as exc:
        fail(str(exc))
    for spec in cfg.source_specs():
        who = spec.outlet or "outlet from each row"
        typer.echo(f"{spec.key}: {len(spec.paths)} file(s) for {who} ({spec.pattern})")
    typer.echo(f"ok: {config} is valid")


def register(app: typer.Typer) -> None:
    """Add `run`, `demo` and `check` to ``app``."""
    app.command("run")(run_command)
    app.command("demo")(demo_command)
    app.command("check")(check_command)
