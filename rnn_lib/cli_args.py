"""What the commands (``cli_train``, ``cli_predict``, ``cli_lm``, ``cli_dates``) share: the checked option types,
the options every ``train`` command words alike, the one-line messages, loading a model file, the room for
a save, a training run with its progress and Ctrl-C, saving a model and the one save after Ctrl-C."""

import argparse
import math

from .files import SUFFIX, check_writable
from .serialization import expected_size

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


def add_command_group(sub, name, help, description, commands):
    """``python -m rnn_lib NAME COMMAND``: the subcommand ``name`` and its commands, ``{command: (help,
    description)}`` in order; returns their parsers in that order. The command chosen is ``args.NAME_command``."""
    group = sub.add_parser(name, help=help, description=description)
    cmds = group.add_subparsers(dest=f"{name}_command", required=True, metavar="{" + ",".join(commands) + "}")
    return [cmds.add_parser(command, help=h, description=d) for command, (h, d) in commands.items()]


def add_model_options(parser, *, cells, cell, cell_help, seed, epochs, what, hidden):
    """``--cell``, ``--seed``, ``--epochs`` and ``--hidden`` of a ``train`` command (``lm train``, ``dates train``)."""
    parser.add_argument("--cell", choices=tuple(cells), default=cell, help=cell_help)
    parser.add_argument("--seed", type=_seed, default=seed, help=f"seed for the weights and shuffles (default {seed})")
    parser.add_argument("--epochs", type=_positive_int, default=epochs,
                        help=f"passes over the training {what} (default {epochs})")
    parser.add_argument("--hidden", type=_positive_int, default=hidden, help=f"hidden size H (default {hidden})")


def add_save_option(parser, what):
    """``--save PATH`` of a ``train`` command: ``what`` is the trained model's name (``model``, ``translator``)."""
    parser.add_argument("--save", metavar="PATH",
                        help=f"write the trained {what} to PATH (.npz appended if missing), checked before training; "
                             "Ctrl-C saves the model of the last complete epoch beside it, as PATH.partial.npz")


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


def load_model(path, kind, err):
    """``serialization.load(path, expect=kind)`` for a command: ``(model, vocab)``, or ``None`` after one
    ``error:`` line (the file is missing, unreadable or holds another kind of model)."""
    from .serialization import load
    try:
        return load(path, expect=kind)
    except (ValueError, TypeError) as e:  # ModelFileError is a ValueError
        _error(e, err)
        return None


def room_for(save_path, model, vocab, err):
    """With ``--save``, once the model's size is known: is there room for its file? ``False`` after one
    ``error:`` line (nothing is trained then); ``True`` without ``--save``."""
    if save_path is None:
        return True
    try:
        check_writable(save_path, nbytes=expected_size(model, vocab))
    except ValueError as e:
        _error(f"{e}; nothing was trained", err)
        return False
    return True


def epoch_bar(epochs, desc, val, err):
    """A progress bar on ``err``, one step an epoch: ``(on_epoch, close)``; ``on_epoch(history)`` shows the
    epoch's training loss and ``val(history)``, ``close()`` ends the bar."""
    from tqdm import tqdm
    bar = tqdm(total=epochs, desc=desc, unit="epoch", file=err, leave=True)

    def on_epoch(history):
        bar.set_postfix(train=f"{history.train_loss[-1]:.3f}", val=f"{val(history):.3f}")
        bar.update(1)

    return on_epoch, bar.close


def train_interruptibly(model, fit, on_epoch, *, epochs, save_path, vocab=None, out, err, close=None,
                        interrupted=None):
    """A command's training run, ``fit(callback)``, with what every ``train`` command promises around it.

    ``callback(history)``, after every epoch, keeps the epoch's number and a
    copy of ``model.flat`` (what Ctrl-C saves), then calls
    ``on_epoch(history)`` (a progress bar, a report line). ``close()`` runs
    when training ends, before any message. Returns ``(status, result)``:
    ``(None, what fit returned)`` when training went through, else the exit
    status: after Ctrl-C ``save_after_interrupt``'s (or ``interrupted()``'s,
    if given), 1 when training failed (diverged), its one ``error:`` line printed.
    """
    last = {"epoch": 0, "weights": None}  # the model after the last complete epoch, kept for Ctrl-C

    def callback(history):
        last["epoch"], last["weights"] = history.epoch[-1], model.flat.copy()
        return on_epoch(history)

    try:
        result = fit(callback)
    except KeyboardInterrupt:
        if close is not None:
            close()
        if interrupted is not None:
            return interrupted(), None
        return save_after_interrupt(model, vocab, last["epoch"], epochs, last["weights"], save_path, out, err), None
    except (ValueError, ArithmeticError) as e:  # e.g. training diverged: non-finite loss or weights
        if close is not None:
            close()
        _error(f"{e}{'; nothing was saved' if save_path else ''}", err)
        return 1, None
    if close is not None:
        close()
    return None, result


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
