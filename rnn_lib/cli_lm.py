"""Command line of the character language model: ``python -m rnn_lib lm train|sample``.

The same promises as ``train`` and ``predict`` (rnn_lib.cli, docs/RELIABILITY.md):
every mistake is one ``error:`` line, the save path (and the free space for the
model) is checked before training, and Ctrl-C saves the last complete epoch
beside the requested file, as ``NAME.partial.npz``, never over it. ``lm sample``
prints each name as soon as it is drawn, at most ``MAX_NAMES`` of them, and
refuses a temperature so small that the scores divided by it overflow.
"""

import argparse
import math

import numpy as np

from .cli_args import (SaveRefused, _error, _positive_float, _positive_int, _say, _seed, add_command_group,
                       add_model_options, add_save_option, checked_save_path, epoch_bar, load_model, room_for,
                       save_model, train_interruptibly)
from .base import as_rng
from .model import MODELS
from .training import SEED

#: ``lm sample --n`` at most: about a second of sampling; more names are more runs (with other seeds).
MAX_NAMES = 100_000
#: ``|y / T|`` stays below this: a softmax of such scores (max subtracted) is finite.
_LARGEST_SCALED_SCORE = 1e300


def _rounded_up(x):
    """``x`` rounded up to 3 significant digits (a limit shown must itself pass)."""
    if not x > 0:
        return x
    unit = 10.0 ** (math.floor(math.log10(x)) - 2)
    return math.ceil(x / unit) * unit * (1 + 1e-12)


def _names_count(s):
    v = _positive_int(s)
    if v > MAX_NAMES:
        raise argparse.ArgumentTypeError(f"expected at most {MAX_NAMES} names, got {v}: sample more in several "
                                         "runs with different --seed")
    return v


def score_bound(model):
    """The largest ``|y_k|`` the model can output: every cell's hidden state lies in [-1, 1]."""
    Why, by = model.params["Why"], model.params["by"]
    return float(np.max(np.abs(Why).sum(axis=1) + np.abs(by[:, 0])))


def smallest_temperature(model):
    """The smallest temperature whose scaled scores ``y / T`` stay finite for ``model``."""
    return score_bound(model) / _LARGEST_SCALED_SCORE


def _temperature(s):
    try:
        return _positive_float(s)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"the temperature must be a number > 0 (and finite), got {s!r}") from None


def add_lm_parser(sub):
    from .lm import RECIPE
    t, s = add_command_group(
        sub, "lm", "a character-level language model of first names: train it, sample names",
        "A character-level RNN language model trained on the US 1990 census first names "
        "(rnn_lib.load_dataset('names')).", {
            "train": ("train on the names, with a progress bar, and report the validation loss",
                      f"Train a fresh language model with Adam (lr {RECIPE.learn_rate:g}, {RECIPE.batch_size} "
                      f"names per batch, gradient norm clipped to {RECIPE.clip_norm:g}) and print the validation "
                      "loss per character next to the smoothed bigram's."),
            "sample": ("print names written by a trained model, one a line",
                       "Load a model saved by 'lm train --save' and print names drawn from it.")})
    add_model_options(t, cells=MODELS, cell="rnn", cell_help="the recurrent cell (default rnn)", seed=SEED,
                      epochs=RECIPE.epochs, what="names", hidden=RECIPE.hidden_size)
    t.add_argument("--embed", type=_positive_int, default=None, metavar="D",
                   help="read each character as a learned D-vector (an embedding) instead of a one-hot "
                        "column (vanilla cell only; default: one-hot)")
    add_save_option(t, "model")
    s.add_argument("model", metavar="PATH", help="model file written by 'lm train --save'")
    s.add_argument("--n", type=_names_count, default=20,
                   help=f"how many names, printed as they are drawn (default 20, at most {MAX_NAMES})")
    s.add_argument("--temperature", type=_temperature, default=1.0,
                   help="> 0: below 1 safer, above 1 wilder (default 1); a value so small that the "
                        "model's scores divided by it overflow is refused")
    s.add_argument("--seed", type=_seed, default=SEED, help=f"seed of the draws (default {SEED})")
    s.add_argument("--prefix", default="", metavar="TEXT", help="every name starts with TEXT (default none)")


def run_lm(args, out, err):
    if args.lm_command == "train":
        return _lm_train(args, out, err)
    return _lm_sample(args, out, err)


def _lm_train(args, out, err):
    from .baselines import Bigram
    from .data.names import load_names
    from .lm import RECIPE, CharLM
    from .training import evaluate_lm, train_lm
    if args.embed is not None and args.cell != "rnn":
        _error(f"--embed works with --cell rnn only, not {args.cell}", err)
        return 2
    try:
        save_path = checked_save_path(args.save, err)
    except SaveRefused:
        return 2
    ds = load_names()
    rng = as_rng(args.seed)  # one generator: the initial weights, then the shuffles
    try:
        model = CharLM(ds.alphabet, args.hidden, rng=rng, init=RECIPE.init, cell=args.cell, embed_dim=args.embed)
    except MemoryError:
        _error(f"not enough memory for a model with hidden size {args.hidden}", err)
        return 2
    if not room_for(save_path, model, None, err):
        return 2
    on_epoch, close = epoch_bar(args.epochs, "lm train", lambda history: history.test_loss[-1], err)

    def fit(callback):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return train_lm(model, ds.train, ds.validation, epochs=args.epochs, rng=rng, callback=callback)

    status, _ = train_interruptibly(model, fit, on_epoch, epochs=args.epochs, save_path=save_path, out=out,
                                    err=err, close=close)
    if status is not None:
        return status
    val = evaluate_lm(model, ds.validation)
    bigram = Bigram(ds.train, ds.alphabet).loss(ds.validation)
    _say(f"val loss {val:.3f} nats/char (bigram baseline {bigram:.3f})", out)
    if save_path is not None:
        return save_model(save_path, model, None, out, err, "the language model")
    return 0


def _lm_sample(args, out, err):
    loaded = load_model(args.model, "lm", err)
    if loaded is None:
        return 2
    model, _ = loaded
    smallest = smallest_temperature(model)
    if not args.temperature >= smallest:
        _error(f"the temperature {args.temperature!r} is too small for this model: its scores (up to "
               f"{score_bound(model):.3g} in size) divided by it overflow; the smallest usable is "
               f"{_rounded_up(smallest):.3g} (a temperature near 0 already picks the most likely "
               "character)", err)
        return 2
    rng = as_rng(args.seed)  # one generator for all names: the same names as model.sample(n)
    for k in range(args.n):  # each name printed as soon as it is drawn
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                name = model.sample(1, temperature=args.temperature, seed=rng, prefix=args.prefix)[0]
        except (ValueError, TypeError, FloatingPointError) as e:  # e.g. a prefix character outside the alphabet
            _error(e, err)
            return 2
        _say(name, out)
    return 0
