import sys

from ._startup import EXIT_INTERRUPTED, MESSAGE

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while the command line's modules import: one line, as in the package
    print(MESSAGE, file=sys.stderr)
    sys.exit(EXIT_INTERRUPTED)

sys.exit(main())
