import signal
import sys


def _interrupted(*_):
    print("\ninterrupted: nothing was changed in the output folder", file=sys.stderr)
    sys.exit(130)


# Ctrl-C while the command line is still being imported: the same word and exit 130 as later on
signal.signal(signal.SIGINT, _interrupted)

from framing.cli import main  # noqa: E402

signal.signal(signal.SIGINT, signal.default_int_handler)
main()
