"""How the command line ends when something goes wrong: a message, never a traceback.

* Bad input (a config, lexicon, corpus, model or output folder that cannot be used): the message
  on stderr, exit code 2.
* A fault of framing itself: one line naming the error and a log file holding the traceback, exit
  code 1 (the file is what to attach to a bug report).
* Ctrl-C: "interrupted", exit code 130 (the previous report is left as it was).
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
import traceback
from pathlib import Path

EXIT_BUG = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def bad_input_types() -> tuple[type[BaseException], ...]:
    """The exceptions that mean the user's input cannot be used (their message says why)."""
    from framing.classify.store import ModelLoadError
    from framing.classify.train import TrainingDataError
    from framing.config import ConfigError
    from framing.corpus.profiles import ProfileError
    from framing.lexicon.importers import ImportProblem
    from framing.lexicon.loader import LexiconError
    from framing.publish import OutputError

    return (ConfigError, LexiconError, OutputError, ModelLoadError, TrainingDataError, ProfileError, ImportProblem)


def _parsing_errors() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """(the command line's own usage errors: an unknown command or option, a missing argument;
    its aborts), as typer raises them: from the copy of click it carries (typer 0.20 and later,
    based on ``typer.TyperException``), or from click itself (earlier typer)."""
    import typer

    usage = [t for t in (getattr(typer, "TyperException", None),) if t is not None]
    aborts = [typer.Abort]
    try:
        import click
    except ImportError:  # recent typer does not need click
        pass
    else:
        usage.append(click.ClickException)
        aborts.append(click.exceptions.Abort)
    return tuple(usage), tuple(aborts)


def run_app(app) -> None:
    """Run a typer/click app as the program, ending as the module docstring says."""
    usage, aborts = _parsing_errors()
    try:
        code = app(standalone_mode=False)
    except aborts as exc:
        cause = exc.__cause__ or exc.__context__
        if cause is None or isinstance(cause, KeyboardInterrupt):
            _interrupted()
        _bug(cause)
    except usage as exc:  # usage errors: the parser's own message ("Usage: ... Error: ...")
        if callable(getattr(exc, "show", None)):
            exc.show()
        else:
            print(f"error: {exc}", file=sys.stderr)
        sys.exit(getattr(exc, "exit_code", EXIT_BAD_INPUT))
    except KeyboardInterrupt:
        _interrupted()
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - the program's last word
        if isinstance(exc, bad_input_types()):
            print(f"error: {exc}", file=sys.stderr)
            sys.exit(EXIT_BAD_INPUT)
        if isinstance(exc, MemoryError):
            print("error: out of memory; try fewer worker processes (--jobs 1) or a smaller corpus", file=sys.stderr)
            sys.exit(EXIT_BUG)
        _bug(exc)
    if code == EXIT_INTERRUPTED:  # typer turns Ctrl-C into exit 130 without a word
        _interrupted()
    from framing.background import before_exit

    before_exit()
    sys.exit(code if isinstance(code, int) else 0)


def _interrupted() -> None:
    print("\ninterrupted: nothing was changed in the output folder", file=sys.stderr)
    sys.exit(EXIT_INTERRUPTED)


def _bug(exc: BaseException) -> None:
    log = write_log(exc)
    first = (str(exc).splitlines() or [""])[0][:200]
    where = f"the traceback is in {log}" if log else "no log file could be written"
    print(f"error: framing failed ({type(exc).__name__}: {first}); this is a bug in framing: {where}, "
          "please report it with that file", file=sys.stderr)
    sys.exit(EXIT_BUG)


def write_log(exc: BaseException) -> Path | None:
    """Write the traceback of ``exc`` to a new log file in the temporary folder; its path."""
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    head = f"framing {_version()} · python {sys.version.split()[0]} · {' '.join(sys.argv)}\n\n"
    try:
        fd, path = tempfile.mkstemp(prefix=f"framing-error-{stamp}-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as fh:
            fh.write(head + text)
        return Path(path)
    except OSError:
        return None


def _version() -> str:
    try:
        from framing import __version__

        return __version__
    except Exception:  # noqa: BLE001
        return "?"
