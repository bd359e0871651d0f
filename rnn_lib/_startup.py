"""Ctrl-C while ``python -m rnn_lib`` starts: one line and exit status 130, not a traceback.

Importing the package (numpy and the modules) is most of a short command's
time, and Python runs the package's ``__init__`` before ``__main__``, so
``__main__`` alone cannot catch a Ctrl-C that comes during the import. While
the module to run is being located, ``sys.argv[0]`` is ``"-m"``: only then is
SIGINT's handler replaced, and it is put back when the package is imported.
"""

import os
import signal
import sys

#: The line printed, and the exit status (128 + SIGINT, as shells report a program stopped by Ctrl-C).
MESSAGE = "interrupted (while starting)"
EXIT_INTERRUPTED = 130


def _interrupted(signum, frame):
    try:
        sys.stderr.write(MESSAGE + "\n")
        sys.stderr.flush()
    finally:
        os._exit(EXIT_INTERRUPTED)  # mid-import: nothing to clean up, and no traceback


def quiet_ctrl_c_while_starting():
    """Under ``python -m``, while the package imports, make Ctrl-C print one line and exit 130; True if done."""
    if sys.argv[:1] != ["-m"] or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return False
    try:
        signal.signal(signal.SIGINT, _interrupted)
    except ValueError:  # not the main thread
        return False
    return True


def restore_ctrl_c():
    """Ctrl-C raises ``KeyboardInterrupt`` again (the command line reports it)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
