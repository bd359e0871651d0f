"""``python -m rnn_lib dates train|translate``: the date translator of notebook 09.

``rnn_lib.cli`` builds the parser and dispatches here; the training run with
its progress bar, saving and the one save after Ctrl-C are ``cli_args``'s, as
for every command, and the file is ``rnn_lib.save``'s (``kind = "dates"``).

The same promises as the other commands (rnn_lib.cli, docs/RELIABILITY.md):
every mistake is one ``error:`` line, the save path (and the free space for the
model) is checked before training, and Ctrl-C during training saves the last
complete epoch beside the requested file, as ``NAME.partial.npz``, never over
it. ``dates train`` trains the translator with attention, saves it, then
trains the bottleneck baseline (no attention) on the same data with the same
recipe, and ends with the line ``exact match X on N held-out dates``.
``dates translate`` prints each text and its ISO date; a text it cannot read
(empty, too long, an unknown character) gets one ``error:`` line, the others
are still translated, and the exit status is 2.
"""

import numpy as np

from .base import as_rng
from .cells import CELLS
from .cli_args import (EXIT_INTERRUPTED, SaveRefused, _error, _positive_int, _say, add_command_group,
                       add_model_options, add_save_option, checked_save_path, epoch_bar, load_model, room_for,
                       save_model, train_interruptibly)

SEED = 0
#: The longest text ``dates translate`` reads: twice the longest date of the data (29 characters).
MAX_TEXT = 60


def add_dates_parser(sub):
    """The ``dates`` subcommand and its two commands, ``train`` and ``translate``."""
    from .translator import RECIPE
    t, r = add_command_group(
        sub, "dates", "translate human-written dates to ISO with an encoder-decoder and attention",
        "An encoder-decoder with additive attention that reads dates written as people write "
        "them ('tuesday, 10 march 2009') and writes them as ISO dates (2009-03-10).", {
            "train": ("train with attention and without (the baseline), report exact match on held-out dates",
                      f"Train a fresh translator with attention (Adam, lr {RECIPE.learn_rate:g}, "
                      f"{RECIPE.batch_size} dates per batch), then the same model without attention on the same "
                      "data; print the exact match of both on the test dates (never seen in training) and of "
                      "the attention model on the held-out format."),
            "translate": ("print each text and its ISO date",
                          "Load a translator saved by 'dates train --save' and translate each TEXT "
                          "(lower-cased first) to an ISO date.")})
    add_model_options(t, cells=CELLS, cell=RECIPE.cell,
                      cell_help=f"the recurrent cell of the encoder and decoder (default {RECIPE.cell})", seed=SEED,
                      epochs=RECIPE.epochs, what="dates", hidden=RECIPE.hidden_size)
    t.add_argument("--train-dates", type=_positive_int, default=None, metavar="N",
                   help="train on the first N training dates only (default all 10,000)")
    t.add_argument("--no-baseline", action="store_true", help="skip the baseline without attention")
    add_save_option(t, "translator")
    r.add_argument("model", metavar="PATH", help="model file written by 'dates train --save'")
    r.add_argument("texts", metavar="TEXT", nargs="+", help="dates to translate (quote each one)")


def run_dates(args, out, err):
    if args.dates_command == "train":
        return _train(args, out, err)
    return _translate(args, out, err)


def _fit(model, data, train, args, out, err, what, save_path, interrupted=None):
    """Train with a progress bar on ``err`` (``cli_args.train_interruptibly``): the exit status, ``None``
    when all went through."""
    from .translator import train_translator
    on_epoch, close = epoch_bar(args.epochs, f"dates train ({what})", lambda history: history.test_acc[-1], err)

    def fit(callback):
        return train_translator(model, train, data.validation, epochs=args.epochs, rng=args.rng, callback=callback)

    return train_interruptibly(model, fit, on_epoch, epochs=args.epochs, save_path=save_path, out=out, err=err,
                               close=close, interrupted=interrupted)[0]


def _train(args, out, err):
    from .data.dates import make_dates
    from .translator import by_length, exact_match, make_translator
    try:
        save_path = checked_save_path(args.save, err)
    except SaveRefused:
        return 2
    data = make_dates()
    train = data.train if args.train_dates is None else data.train[:args.train_dates]
    args.rng = as_rng(args.seed)  # one generator: the weights, then the shuffles
    from dataclasses import replace

    from .translator import RECIPE
    recipe = replace(RECIPE, cell=args.cell, hidden_size=args.hidden)
    model = make_translator(data, attention=True, recipe=recipe, rng=args.rng)
    if not room_for(save_path, model, None, err):
        return 2
    status = _fit(model, data, train, args, out, err, "attention", save_path)
    if status is not None:
        return status
    if save_path is not None:
        s = save_model(save_path, model, None, out, err, "the translator")
        if s != 0:
            return s
    score, predictions = exact_match(model, data.test)
    held, _ = exact_match(model, data.held_out)
    lines = [f"exact match by input length: " + ", ".join(
        f"{lo}-{hi - 1}: {frac:.3f} ({n})" for lo, hi, n, frac in by_length(data.test, predictions))]
    lines.append(f"held-out format {data.held_out_format.split(' ', 1)[1]}: exact match {held:.3f} on "
                 f"{len(data.held_out)} test dates")
    if not args.no_baseline:
        baseline = make_translator(data, attention=False, recipe=recipe, rng=as_rng(args.seed))
        args.rng = as_rng(args.seed + 1)
        def interrupted():
            _say("interrupted while training the baseline" + (f"; the translator is saved in {save_path}"
                                                              if save_path else ""), err)
            return EXIT_INTERRUPTED

        status = _fit(baseline, data, train, args, out, err, "no attention", save_path, interrupted)
        if status is not None:
            return status
        base, base_predictions = exact_match(baseline, data.test)
        lines.append(f"baseline without attention: exact match {base:.3f} on {len(data.test)} held-out dates; "
                     "by input length: " + ", ".join(f"{lo}-{hi - 1}: {frac:.3f}" for lo, hi, _, frac in
                                                       by_length(data.test, base_predictions)))
    for line in lines:
        _say(line, out)
    _say(f"exact match {score:.3f} on {len(data.test)} held-out dates", out)
    return 0


def check_text(model, text):
    """``text`` lower-cased and stripped, ready for ``model.translate``; a one-line ``ValueError`` if not."""
    clean = " ".join(text.lower().split())
    if not clean:
        raise ValueError("empty text: write a date, e.g. 'tuesday, 10 march 2009'")
    if len(clean) > MAX_TEXT:
        raise ValueError(f"{clean[:20]!r}... is {len(clean)} characters long: a date has at most {MAX_TEXT}")
    model.encode_text(clean)  # an unknown character raises here
    return clean


def _translate(args, out, err):
    loaded = load_model(args.model, "dates", err)
    if loaded is None:
        return 2
    model, _ = loaded
    failed = False
    for text in args.texts:
        try:
            clean = check_text(model, text)
        except ValueError as e:
            _error(e, err)
            failed = True
            continue
        with np.errstate(over="ignore", under="ignore"):
            iso = model.translate([clean])[0][0]
        _say(f"{text} -> {iso}", out)
    return 2 if failed else 0
