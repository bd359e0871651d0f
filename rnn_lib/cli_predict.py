"""``python -m rnn_lib predict MODEL TEXT...``: a saved classifier's P(positive) for each text.

``rnn_lib.cli`` builds the parser and dispatches here.
"""

from .cli_args import _error, _say, load_model
from .training import predict_proba


def add_predict_parser(sub):
    """The ``predict`` subcommand and its arguments."""
    p = sub.add_parser(
        "predict", help="print each text's probability of being positive",
        description="Load a model saved by 'train --save' and print, for each text, the probability "
                    "that it is positive and the label. Text is lower-cased as in the library. A text "
                    "with a word outside the vocabulary gets an error line instead; the others are "
                    "still printed, and the exit status is 2.")
    p.add_argument("model", metavar="PATH", help="model file written by 'train --save'")
    p.add_argument("texts", metavar="TEXT", nargs="+", help="phrases to classify (quote each one)")


def run_predict(args, out, err):
    loaded = load_model(args.model, "classifier", err)
    if loaded is None:
        return 2
    model, vocab = loaded
    if model.output_size != 2:
        _error(f"{args.model!r} holds a model with {model.output_size} outputs; predict needs the course's "
               "2-class (negative, positive) classifier", err)
        return 2
    failed = False
    for text in args.texts:  # each text gets its line: a result on stdout or an error on stderr
        try:
            p = predict_proba(model, vocab, text)
        except (ValueError, TypeError) as e:
            _error(e, err)
            failed = True
            continue
        _say(f"{ascii(text)}: P(positive) = {p:.3f} -> {'positive' if p > 0.5 else 'negative'}", out)
    return 2 if failed else 0


