"""Command line: a thin layer over framing.run() and the stage APIs.

Every command lives in this package, one module per group, and each module adds its commands
with ``register(app)``:

* :mod:`framing.cli.study`: ``run``, ``demo``, ``check``;
* :mod:`framing.cli.lexicon`: ``lexicon check|test|review|import``;
* :mod:`framing.cli.classify`: ``annotate``, ``train``, ``predict``;
* :mod:`framing.cli.cache`: ``cache info|prune``.

Heavy modules are imported inside the commands so that `framing --help` answers at once.
"""

from __future__ import annotations

import typer

from framing.cli import cache, classify, lexicon, study

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

study.register(app)
lexicon.register(app)
classify.register(app)
cache.register(app)


def main() -> None:
    """The `framing` console script: a message rather than a traceback on any failure; exit 2 for
    bad input, 1 for a fault of framing (traceback in a log file), 130 on Ctrl-C (framing/failures.py)."""
    from framing.failures import run_app

    run_app(app)
