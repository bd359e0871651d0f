"""Per-phrase predictions of a trained model: probabilities, margins, the hardest phrases, a table.

Shapes: V words, H hidden units, O = 2 outputs (row 1 is "positive").
"""

from collections.abc import Mapping
from dataclasses import dataclass

from .checks import int_at_least
from .losses import softmax
from .data.sentiment import POSITIVE


@dataclass(frozen=True)
class Prediction:
    """A phrase, its true label and the model's probability that it is positive."""

    text: str
    label: bool
    p_positive: float

    @property
    def predicted(self):
        """The predicted label: positive when P(positive) > 0.5 (a tie counts as negative, as argmax does)."""
        return self.p_positive > 0.5

    @property
    def correct(self):
        """Whether the predicted label is the true one."""
        return self.predicted == self.label

    @property
    def margin(self):
        """``P(true class) - P(other class)``, in [-1, 1]: negative when wrong, near 1 when sure and right."""
        p_true = self.p_positive if self.label else 1.0 - self.p_positive
        return 2.0 * p_true - 1.0


def predictions(model, vocab, data):
    """The model's prediction for every phrase of a ``{text: label}`` mapping, in the mapping's order.

    Each phrase is encoded by ``vocab`` and run through ``model.forward``; the
    output's softmax row ``POSITIVE`` is P(positive). Returns a list of
    ``Prediction``; the weights are not changed. Unknown words raise the
    vocabulary's ``ValueError``.
    """
    if not isinstance(data, Mapping):
        raise TypeError(f"data must be a {{text: label}} mapping, got {type(data).__name__}")
    out = []
    for text, label in data.items():
        y, _ = model.forward(vocab.encode(text))
        out.append(Prediction(text, bool(label), float(softmax(y)[POSITIVE, 0])))
    return out


def hardest(preds, k=5):
    """The ``k`` predictions with the lowest margin: wrong ones first, then the least sure."""
    k = int_at_least(k, "k", 0)
    return sorted(preds, key=lambda p: p.margin)[:k]


def _name(label):
    return "positive" if label else "negative"


def prediction_table(preds):
    """A plain-text table of predictions, one phrase a line, probabilities to 3 decimals.

    Columns: phrase, true label, P(positive), predicted label, margin, and
    ``ok`` or ``WRONG``.
    """
    preds = list(preds)
    width = max([len("phrase")] + [len(p.text) for p in preds])
    lines = [f"{'phrase':<{width}}  {'label':<8}  {'P(positive)':>11}  {'predicted':<9}  {'margin':>6}"]
    for p in preds:
        lines.append(f"{p.text:<{width}}  {_name(p.label):<8}  {p.p_positive:>11.3f}  "
                     f"{_name(p.predicted):<9}  {p.margin:>6.3f}  {'ok' if p.correct else 'WRONG'}")
    return "\n".join(lines)
