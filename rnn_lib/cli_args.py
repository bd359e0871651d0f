"""What the commands (``cli_train``, ``cli_predict``, ``cli_lm``, ``cli_dates``) share: the checked option types,
the one-line messages, saving a model and the one save after Ctrl-C."""

import argparse
import math

from .serialization import SUFFIX, check_writable

#: Exit status after Ctrl-C, as shells report a program stopped by SIGINT (128 + 2).
EXIT_INTERRUPTED = 130


def _parsed(s, convert, expected):
    """``convert(s)``, or argparse's error saying what was expected."""
    try:
        return convert(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {s!r}") from None


def _positive_int(s):
    v = _parsed(s, int, "a whole number")
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {v}")
    return v


def _seed(s):
    v = _parsed(s, int, "a whole number")
    if v < 0:
        raise argparse.ArgumentTypeError(f"expected a seed of at least 0 (numpy's generators need one), got {v}")
    return v


def _positive_float(s):
    v = _parsed(s, float, "a number")
    if not (v > 0 and math.isfinite(v)):
        raise argparse.ArgumentTypeError(f"expected a positive, finite number, got {s!r}")
    return v


def _accuracy(s):
    v = _parsed(s, float, "an accuracy between 0 and 1")
    if not 0 < v <= 1:
        raise argparse.ArgumentTypeError(f"expected an accuracy in (0, 1], got {s!r}")
    return v


def partial_path(path):
    """Where a partly trained model goes instead of ``path``: beside it, ``NAME.partial.npz``."""
    stem = path[:-len(SUFFIX)] if path.lower().endswith(SUFFIX) else path
    return stem + ".partial" + SUFFIX


def saved_partly_trained(done, epochs):
    return f"the PARTLY TRAINED model (after epoch {done} of {epochs})"


def _say(line, stream):
    """Print one line, even to a stream that cannot encode every character (they are escaped)."""
    try:
        print(line, file=stream, flush=True)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        print(line.encode(encoding, "backslashreplace").decode(encoding), file=stream, flush=True)


def _error(message, err):
    """``error: message`` as one line on ``err``."""
    _say("error: " + " ".join(str(message).split()), err)


class SaveRefused(Exception):
    """``--save PATH`` cannot be written; the message is already printed."""


def checked_save_path(path, err):
    """``--save PATH`` checked before training (a run must not fail at the end on a path checkable now):
    the path to write, ``None`` without ``--save``; ``SaveRefused`` after printing one ``error:`` line."""
    if path is None:
        return None
    try:
        return check_writable(path)
    except (ValueError, TypeError) as e:
        _error(e, err)
        raise SaveRefused() from None


def save_model(path, model, vocab, out, err, what, instead_of=None):
    """``serialization.save`` for a command: one line on success (``saved WHAT to PATH``), one ``error:`` line
    on failure; returns the exit status (0, 1, or ``EXIT_INTERRUPTED`` for Ctrl-C while writing)."""
    from .serialization import save
    try:
        path = save(path, model, vocab)
    except KeyboardInterrupt:
        _error(f"interrupted while saving: nothing was saved (any earlier file at {path} is unchanged)", err)
        return EXIT_INTERRUPTED
    except (ValueError, TypeError, OSError) as e:
        _error(e, err)
        return 1
    _say(f"saved {what} to {path}" + (f", not to {instead_of} (kept for finished models)" if instead_of else ""), out)
    return 0


def save_after_interrupt(model, vocab, done, epochs, weights, save_path, out, err):
    """Ctrl-C during training, for every ``train`` command: say where it stopped; with ``--save``, put the
    weights of the last complete epoch (``weights``, a copy of ``model.flat``) back and save them beside
    ``save_path`` (``partial_path``), never over it. Returns the exit status."""
    stopped = f"interrupted: stopped after {done} of {epochs} epochs"
    if save_path is None or weights is None:
        why = "no --save given" if save_path is None else "no epoch was complete"
        _say(f"{stopped}; nothing was saved ({why})", err)
        return EXIT_INTERRUPTED
    _say(stopped, err)
    model.flat[...] = weights  # the weights as they were after epoch ``done``
    status = save_model(partial_path(save_path), model, vocab, out, err, saved_partly_trained(done, epochs),
                        instead_of=save_path)
    return EXIT_INTERRUPTED if status == 0 else status
