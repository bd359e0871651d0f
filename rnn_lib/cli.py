"""Command line: ``python -m rnn_lib train ...``, ``predict MODEL TEXT...``, ``lm train|sample`` (names) and
``dates train|translate``.

One module per command: ``cli_train`` (``train``), ``cli_predict``
(``predict``), ``cli_lm`` (``lm train|sample``), ``cli_dates`` (``dates
train|translate``); ``cli_args`` holds what they
share (the checked option types, the options and command groups worded
alike, the one-line messages, loading a model file, a training run with its
progress bar and Ctrl-C, saving and the one save after Ctrl-C). This module
builds the parser and dispatches.

A user's mistake never ends in a traceback: it is one line on stderr starting
with ``error:`` (or argparse's usage and error lines for a bad option) and a
non-zero exit status. Exit statuses: 0 success; 1 training failed (diverged) or
the model could not be saved; 2 a bad argument, output path, model file or text;
130 interrupted with Ctrl-C (see docs/RELIABILITY.md). A negative or infinite
value (``--lr -inf``) is read as the option's value and refused with the real
reason.
"""

import argparse
import os
import sys

from .cli_args import EXIT_INTERRUPTED, _say
from .cli_predict import add_predict_parser, run_predict
from .cli_train import add_train_parser, run_train

def build_parser():
    """The parser of ``python -m rnn_lib``: one subcommand per module (``cli_train``, ``cli_predict``, ``cli_lm``,
    ``cli_dates``)."""
    parser = argparse.ArgumentParser(
        prog="python -m rnn_lib",
        description="Train and use the course's RNNs: the sentiment classifier (vanilla, LSTM or GRU cell), the "
                    "character-level language model of names and the date translator with attention.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="{train,predict,lm,dates}")
    add_train_parser(sub)
    add_predict_parser(sub)
    from .cli_lm import add_lm_parser
    add_lm_parser(sub)
    from .cli_dates import add_dates_parser
    add_dates_parser(sub)
    return parser


def _options_with_a_value(parser):
    """The option strings of ``parser`` and its subcommands that take one value (``--lr``, ``--save``...)."""
    found = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _options_with_a_value(sub)
        elif isinstance(action, argparse._StoreAction) and action.nargs is None:
            found.update(action.option_strings)
    return found


def _attach_negative_numbers(parser, argv):
    """``--lr -inf`` -> ``--lr=-inf``: argparse takes ``-inf`` (or ``-1e-3``, ``-nan``) for an option and says
    "expected one argument"; attached, the value reaches the option's check, which says why it is refused."""
    takes_value, fixed, i = _options_with_a_value(parser), [], 0
    while i < len(argv):
        if argv[i] == "--":
            fixed.extend(argv[i:])
            break
        if argv[i] in takes_value and i + 1 < len(argv) and argv[i + 1].startswith("-") and _is_number(argv[i + 1]):
            fixed.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
            continue
        fixed.append(argv[i])
        i += 1
    return fixed


def _is_number(s):
    try:
        float(s)
    except ValueError:
        return False
    return True


def main(argv=None, out=None, err=None):
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Bad options raise ``SystemExit(2)`` from argparse (``--help``: ``SystemExit(0)``).
    """
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(_attach_negative_numbers(parser, argv))
    try:
        if args.command == "train":
            return run_train(args, out, err)
        if args.command == "lm":
            from .cli_lm import run_lm
            return run_lm(args, out, err)
        if args.command == "dates":
            from .cli_dates import run_dates
            return run_dates(args, out, err)
        return run_predict(args, out, err)
    except KeyboardInterrupt:  # e.g. Ctrl-C while a model loads; training handles its own
        _say("interrupted", err)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (``... | head``): stop quietly, as Unix tools do
        if out is sys.stdout:
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError, AttributeError):
                pass
        return 1
