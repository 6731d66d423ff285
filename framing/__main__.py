import signal
import sys

# Ctrl-C while the command line is still being imported: a quiet exit 130, as later on
signal.signal(signal.SIGINT, lambda *_: sys.exit(130))

from framing.cli import main  # noqa: E402

signal.signal(signal.SIGINT, signal.default_int_handler)
main()
