"""Command line: ``python -m rnn_lib train ...`` and ``python -m rnn_lib predict MODEL TEXT...``."""

import argparse
import sys

from .model import HIDDEN_SIZE, MODELS
from .optim import LEARN_RATE
from .serialization import ModelFileError, load, save
from .training import EPOCHS, REPORT_EVERY, SEED, fit, predict_proba


def _positive_int(s):
    try:
        v = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {s!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {v}")
    return v


def _positive_float(s):
    try:
        v = float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {s!r}") from None
    if not v > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {s!r}")
    return v


def _accuracy(s):
    try:
        v = float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an accuracy between 0 and 1, got {s!r}") from None
    if not 0 < v <= 1:
        raise argparse.ArgumentTypeError(f"expected an accuracy in (0, 1], got {s!r}")
    return v


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m rnn_lib",
        description="Train and use the course's RNN sentiment classifier (vanilla, LSTM or GRU cell).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="{train,predict}")
    t = sub.add_parser(
        "train", help="train on the course dataset, printing the loss and accuracy every 100 epochs",
        description="Train a fresh RNN on the course dataset with per-example SGD (gradients clipped "
                    "to [-1, 1]) and print the train and test loss and accuracy every "
                    f"{REPORT_EVERY} epochs, in the article's format.")
    t.add_argument("--cell", choices=tuple(MODELS), default="rnn",
                   help="the recurrent cell: rnn (vanilla, the article's), lstm or gru (default rnn)")
    t.add_argument("--seed", type=int, default=SEED, help=f"random seed for the weights and shuffles (default {SEED})")
    t.add_argument("--epochs", type=_positive_int, default=EPOCHS, help=f"passes over the data (default {EPOCHS})")
    t.add_argument("--hidden", type=_positive_int, default=HIDDEN_SIZE,
                   help=f"hidden size H (default {HIDDEN_SIZE})")
    t.add_argument("--lr", type=_positive_float, default=LEARN_RATE, help=f"learning rate (default {LEARN_RATE})")
    t.add_argument("--batch-size", type=_positive_int, default=1, metavar="N",
                   help="phrases per SGD update, the batch's losses summed (default 1: the article's "
                        "per-example SGD); N > 1 groups phrases of one length and trains vectorised, "
                        "e.g. 16 is about 10x faster per epoch (about 3x for lstm and gru)")
    t.add_argument("--fast", action="store_true",
                   help="with --batch-size 1: the vectorised per-example SGD, same updates and result "
                        "as the teaching loop (to rounding), about 3x faster for the rnn cell "
                        "(no faster for lstm and gru)")
    t.add_argument("--stop-at", type=_accuracy, metavar="ACC",
                   help="stop after the first epoch whose test accuracy is at least ACC (e.g. 1.0)")
    t.add_argument("--save", metavar="PATH", help="write the trained model to PATH (.npz)")
    p = sub.add_parser(
        "predict", help="print each text's probability of being positive",
        description="Load a model saved by 'train --save' and print, for each text, the probability "
                    "that it is positive and the label. A word outside the vocabulary is an error "
                    "(exit status 2).")
    p.add_argument("model", metavar="PATH", help="model file written by 'train --save'")
    p.add_argument("texts", metavar="TEXT", nargs="+", help="phrases to classify (quote each one)")
    return parser


def _train(args, out):
    def report(history):
        if history.epoch[-1] % REPORT_EVERY == 0:
            print(history.report(), file=out, flush=True)

    engine = "batched" if args.batch_size > 1 else ("fast" if args.fast else "loop")
    model, vocab, history = fit(seed=args.seed, epochs=args.epochs, hidden_size=args.hidden,
                                learn_rate=args.lr, callback=report, engine=engine,
                                batch_size=args.batch_size if engine == "batched" else None,
                                stop_at=args.stop_at, cell=args.cell)
    if args.stop_at is not None and history.test_acc[-1] >= args.stop_at:
        if history.epoch[-1] % REPORT_EVERY != 0:
            print(history.report(), file=out)
        print(f"stopped after epoch {history.epoch[-1]}: test accuracy reached {args.stop_at:.3f}", file=out)
    if args.save:
        path = save(args.save, model, vocab)
        print(f"saved the model to {path}", file=out)
    return 0


def _predict(args, out, err):
    try:
        model, vocab = load(args.model)
    except ModelFileError as e:
        print(f"error: {e}", file=err)
        return 2
    results = []
    for text in args.texts:
        try:
            results.append((text, predict_proba(model, vocab, text)))
        except (ValueError, TypeError) as e:
            print(f"error: {e}", file=err)
            return 2
    for text, p in results:
        print(f"{text!r}: P(positive) = {p:.3f} -> {'positive' if p > 0.5 else 'negative'}", file=out)
    return 0


def main(argv=None, out=None, err=None):
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    args = build_parser().parse_args(argv)
    if args.command == "train":
        return _train(args, out)
    return _predict(args, out, err)
