"""``python -m rnn_lib train``: train the classifier, print the article's table, save it (``rnn_lib.cli`` dispatches).

``train`` without ``--dataset`` or ``--data`` is the article's recipe on
``sentiment.json``, printing the article's table. ``train --dataset NAME``
trains on a named dataset (``rnn_lib.DATASETS``) with its recipe
(``rnn_lib.RECIPES[NAME]``); ``train --data FILE [--test-data FILE]`` trains on
your own labelled phrases (``rnn_lib.read_labelled_phrases``) with the
compositional recipe. ``--epochs``, ``--hidden`` and ``--lr`` given explicitly
override a recipe. ``--stop-at`` (and a recipe's own stop) reads the
*validation* accuracy, never the test accuracy: the validation phrases are the
dataset's validation split, or, for data without one (``sentiment.json``, your
own file), ``split_validation(train, fraction)`` of the training phrases, said
in the first line printed. Every file and option is checked before training.

``train --save PATH`` checks PATH (its real folder exists and can be written,
it is not a device or a pipe) before training starts, and the free space for
the model as soon as its size is known. Ctrl-C during ``train`` stops at once,
says after how many epochs, and with ``--save`` saves the model as it was after
the last complete epoch BESIDE PATH, as ``NAME.partial.npz`` (``partial_path``),
never over PATH: a finished model there is kept. Without ``--save`` nothing is
saved.
"""

import numpy as np

from .cli_args import (SaveRefused, _accuracy, _error, _positive_float, _positive_int, _say, _seed,
                       checked_save_path, room_for, save_model, train_interruptibly)
from .base import as_rng
from .data import load_dataset
from .data.grammar import CONSTRUCTION_TITLES
from .data.sentiment import DATASETS, VALIDATION_FRACTION, split_validation
from .data.sentiment import test_data as TEST_DATA
from .data.sentiment import train_data as TRAIN_DATA
from .data.your_files import DataFileError, check_train_test, read_labelled_phrases
from .model import HIDDEN_SIZE, MODELS, make_model
from .optim import CLIP, LEARN_RATE
from .recipes import RECIPES
from .training import EPOCHS, REPORT_EVERY, SEED, check_both_classes, probe_accuracy, train
from .vocab import Vocabulary

#: The recipe for ``--data FILE`` (your own phrases): the one measured on the generated data.
USER_DATA_RECIPE = "compositional"


def add_train_parser(sub):
    """The ``train`` subcommand and its options."""
    t = sub.add_parser(
        "train", help="train on the course dataset, printing the loss and accuracy every 100 epochs",
        description="Train a fresh RNN on the course dataset with per-example SGD (gradients clipped "
                    "to [-1, 1]) and print the train and test loss and accuracy every "
                    f"{REPORT_EVERY} epochs, in the article's format. With --dataset, train on a named "
                    "dataset with its recipe and print the probe accuracy per construction; with --data, "
                    "train on your own labelled phrases. Stopping (--stop-at, a recipe's stop) reads a "
                    "validation set, never the test set.")
    t.add_argument("--cell", choices=tuple(MODELS), default="rnn",
                   help="the recurrent cell: rnn (vanilla, the article's), lstm or gru (default rnn)")
    source = t.add_mutually_exclusive_group()
    source.add_argument("--dataset", choices=DATASETS,
                        help="train on this dataset with its recipe (rnn_lib.RECIPES): 'compositional' is "
                             "the grammar-generated set, stopping on its validation split; default: the "
                             "article's recipe on sentiment.json")
    source.add_argument("--data", metavar="FILE",
                        help="train on your own labelled phrases: a .csv file with columns text,label or a "
                             ".json file {\"text\": label}; labels true/false, 1/0 or positive/negative. "
                             "The vocabulary is the file's words; the compositional recipe, stopping on "
                             f"{VALIDATION_FRACTION * 100:.0f}%% of the phrases held out for validation")
    t.add_argument("--test-data", metavar="FILE",
                   help="with --data: a test file in the same format, only reported (no phrase may also be "
                        "in the training file; every word must be in it)")
    t.add_argument("--seed", type=_seed, default=SEED, help=f"random seed for the weights and shuffles (default {SEED})")
    t.add_argument("--epochs", type=_positive_int,
                   help=f"passes over the data (default {EPOCHS}, or the recipe's)")
    t.add_argument("--hidden", type=_positive_int, help=f"hidden size H (default {HIDDEN_SIZE}, or the recipe's)")
    t.add_argument("--lr", type=_positive_float, help=f"learning rate (default {LEARN_RATE}, or the recipe's)")
    t.add_argument("--batch-size", type=_positive_int, default=1, metavar="N",
                   help="phrases per SGD update, the batch's losses summed (default 1: the article's "
                        "per-example SGD); N > 1 groups phrases of one length and trains vectorised, "
                        "e.g. 16 is about 10x faster per epoch (about 3x for lstm and gru)")
    t.add_argument("--fast", action="store_true",
                   help="with --batch-size 1: the vectorised per-example SGD, same updates and result "
                        "as the teaching loop (to rounding), about 3x faster for the rnn cell "
                        "(no faster for lstm and gru)")
    t.add_argument("--stop-at", type=_accuracy, metavar="ACC",
                   help="stop after the first epoch whose VALIDATION accuracy is at least ACC (e.g. 1.0); "
                        "without --dataset or --data, 15%% of sentiment.json's training phrases are held out "
                        "as the validation set (and not trained on); the test set is only reported")
    t.add_argument("--save", metavar="PATH",
                   help="write the trained model to PATH (.npz appended if missing), checked before training; "
                        "Ctrl-C saves the model of the last complete epoch beside it, as PATH.partial.npz")


class _Setup:
    """What a ``train`` run uses, decided and checked before anything is trained."""

    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def _phrases(n):
    return f"{n} phrase{'s' if n != 1 else ''}"


def _setup(args):
    """The data, vocabulary and settings of a ``train`` run; ``ValueError`` (one line) on a bad file or option.

    Without ``--dataset`` and ``--data`` (and without ``--stop-at``) this is the
    article's run on sentiment.json, exactly as before: nothing else is printed.
    """
    recipe, probe, test, validation, notes = None, None, None, None, []
    if args.test_data is not None and args.data is None:
        raise ValueError("--test-data needs --data FILE: the training phrases it is tested against")
    if args.data is not None:
        recipe = RECIPES[USER_DATA_RECIPE]
        train_data = read_labelled_phrases(args.data)
        check_both_classes(np.array([int(label) for label in train_data.values()]), args.data)
        if args.test_data is not None:
            test = read_labelled_phrases(args.test_data)
            check_train_test(train_data, test, args.data, args.test_data)
        source = f"{args.data}: {_phrases(len(train_data))}"
        vocab = Vocabulary.from_texts(train_data)  # the file's words, those held out for validation too
    elif args.dataset is not None:
        recipe = RECIPES[args.dataset]
        ds = load_dataset(args.dataset)
        train_data, test, probe = ds.train, ds.test, ds.probe
        validation = ds.validation or None
        source = f"dataset {args.dataset!r}"
        vocab = Vocabulary.from_texts([*ds.train, *ds.validation])
    else:
        train_data, test = TRAIN_DATA, TEST_DATA
        vocab = Vocabulary.from_texts(TRAIN_DATA)
    stop_at = args.stop_at if args.stop_at is not None else (recipe.stop_at if recipe else None)
    if stop_at is not None and not validation:
        fraction = (recipe.validation_fraction if recipe else 0) or VALIDATION_FRACTION
        where = args.data or "sentiment.json"
        try:
            train_data, validation = split_validation(train_data, fraction)
        except ValueError as e:
            raise ValueError(f"{where}: {_phrases(len(train_data))} are too few to hold out {fraction:.0%} for "
                             f"validation, which --stop-at and the recipes stop on ({e})") from None
        notes.append(f"validation: {len(validation)} of the {len(train_data) + len(validation)} training "
                     f"phrases of {where} held out ({fraction:.0%}, seeded), not trained on; training on "
                     f"{len(train_data)}")
    if recipe is not None:
        notes.insert(0, f"{source}: {_phrases(len(train_data))} to train on, "
                        f"{_phrases(len(validation or {}))} for validation, {_phrases(len(test or {}))} to test; "
                        f"{len(vocab)} words")
    options = recipe.engine_options() if recipe else {"engine": "loop"}
    if args.batch_size > 1:
        options = {"engine": "batched", "batch_size": args.batch_size}
    elif args.fast:
        options = {"engine": "fast"}
    settings = _Setup(
        train=train_data, validation=validation, test=test, probe=probe, vocab=vocab, notes=notes,
        stop_at=stop_at, recipe=recipe, options=options,
        hidden=args.hidden or (recipe.hidden_size if recipe else HIDDEN_SIZE),
        learn_rate=args.lr or (recipe.learn_rate if recipe else LEARN_RATE),
        epochs=args.epochs or (recipe.epochs if recipe else EPOCHS),
        init=recipe.init if recipe else "article", clip=recipe.clip if recipe else CLIP)
    if recipe is not None:
        stop = f", stopping at validation accuracy {stop_at:.3f}" if stop_at is not None else ""
        settings.notes.append(f"recipe: hidden size {settings.hidden}, {settings.init} initialisation, "
                              f"learning rate {settings.learn_rate:g}, clip {settings.clip:g}, up to "
                              f"{settings.epochs} epochs{stop}, engine {options['engine']}")
    return settings


def run_train(args, out, err):
    try:
        save_path = checked_save_path(args.save, err)
    except SaveRefused:
        return 2
    try:  # every data file and option, before any model exists
        run = _setup(args)
    except (DataFileError, ValueError) as e:
        _error(f"{e}{'; nothing was trained or saved' if save_path else '; nothing was trained'}", err)
        return 2
    args.epochs = run.epochs
    for note in run.notes:
        _say(note, out)
    vocab = run.vocab
    # As ``fit``: one generator draws the initial weights, then the shuffles.
    rng = as_rng(args.seed)
    try:
        model = make_model(len(vocab), 2, run.hidden, rng=rng, init=run.init, cell=args.cell)
    except MemoryError:
        _error(f"not enough memory for a model with hidden size {run.hidden}", err)
        return 2
    if not room_for(save_path, model, vocab, err):
        return 2

    def report(history):
        if history.epoch[-1] % REPORT_EVERY == 0:
            _say(history.report(), out)

    def fit(callback):
        # numpy's overflow warnings would be a screenful before the one clear line: divergence is
        # reported by the training loop (non-finite loss or weights) or, at the latest, by save.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return train(model, vocab, run.train, run.test, epochs=run.epochs, learn_rate=run.learn_rate,
                         clip=run.clip, rng=rng, callback=callback, stop_at=run.stop_at,
                         validation_data=run.validation, **run.options)

    status, history = train_interruptibly(model, fit, report, epochs=args.epochs, save_path=save_path,
                                          vocab=vocab, out=out, err=err)
    if status is not None:
        return status
    stopped = run.stop_at is not None and history.validation_acc[-1] >= run.stop_at
    if (stopped or run.recipe is not None) and history.epoch[-1] % REPORT_EVERY != 0:
        _say(history.report(), out)
    if stopped:
        _say(f"stopped after epoch {history.epoch[-1]}: validation accuracy reached {run.stop_at:.3f}", out)
    elif run.stop_at is not None:
        whose = "--stop-at" if args.stop_at is not None else "the recipe's stop at"
        _say(f"validation accuracy {history.validation_acc[-1]:.3f} after {history.epoch[-1]} epochs: "
             f"{whose} {run.stop_at:.3f} was not reached", out)
    if run.probe is not None:
        _say_probe(model, vocab, run.probe, out)
    if save_path is not None:
        return save_model(save_path, model, vocab, out, err, "the model")
    return 0


def _say_probe(model, vocab, probe, out):
    """Probe accuracy per construction: new compositions in none of the training, validation or test sets."""
    acc = probe_accuracy(model, vocab, probe)
    _say("Probe (new compositions of the same words, in no training, validation or test set):", out)
    for construction, group in probe.items():
        _say(f"  {CONSTRUCTION_TITLES[construction]:<18}{acc[construction]:.3f}  ({_phrases(len(group))})", out)
    _say(f"  {'all':<18}{acc['all']:.3f}  ({_phrases(sum(len(g) for g in probe.values()))})", out)


