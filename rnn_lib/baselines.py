"""The baselines a language model must beat: counting characters (unigram) and pairs of characters (bigram).

Both are measured as ``rnn_lib.training.evaluate_lm`` measures the network: the mean cross-entropy
per predicted character, in nats, over every letter of every name and its end
token ``"."``; each name is read after the start token ``"."``, as the network
reads it.

* Unigram: ``p(c) = count(c) / total``, the next character's frequency in the
  training names, whatever came before (the end token counted once per name).
* Bigram: ``p(c | a) = (count(a, c) + alpha) / (count(a) + alpha V)``: how
  often ``c`` followed ``a`` in the training names, add-alpha smoothed (Laplace
  for alpha = 1) so that a pair never seen keeps a small probability instead of
  an infinite loss. ``a`` may be the start token.

``Unigram`` takes an ``alpha`` too, 0 by default: the plain frequencies, which
give an infinite loss to a character never seen in training (every letter of
the alphabet occurs in the census names' training split, so none is).
"""

import math

import numpy as np

from . import checks
from .lm import ALPHABET, END

#: The bigram's add-alpha smoothing (Laplace).
BIGRAM_ALPHA = 1.0


def _pairs(names, alphabet):
    index = {c: i for i, c in enumerate(alphabet)}
    for nm in names:
        text = END + nm + END
        for c in nm:
            if c not in index or c == END:
                raise ValueError(f"name {nm!r} has the character {c!r}, not in the alphabet {alphabet[1:]!r}")
        for a, c in zip(text, text[1:]):
            yield index[a], index[c]


def bigram_counts(names, alphabet=ALPHABET):
    """``counts[a, c]``: how often character ``c`` follows ``a`` in ``names`` (start and end token ``"."``), (V, V)."""
    V = len(alphabet)
    counts = np.zeros((V, V))
    for a, c in _pairs(names, alphabet):
        counts[a, c] += 1
    return counts


class Unigram:
    """The next character's distribution, the same after every character: add-``alpha`` frequencies."""

    def __init__(self, names, alphabet=ALPHABET, alpha=0.0):
        alpha = checks.number(alpha, "alpha")
        counts = bigram_counts(names, alphabet).sum(axis=0) + alpha
        self.alphabet, self.p = alphabet, counts / counts.sum()

    def loss(self, names):
        """Mean cross-entropy per character (nats) on ``names``."""
        nll = [-math.log(self.p[c]) if self.p[c] > 0 else math.inf for _, c in _pairs(names, self.alphabet)]
        return sum(nll) / len(nll)


class Bigram:
    """``p(c | a)``: add-``alpha`` smoothed counts of character pairs."""

    def __init__(self, names, alphabet=ALPHABET, alpha=BIGRAM_ALPHA):
        alpha = checks.number(alpha, "alpha")
        counts = bigram_counts(names, alphabet) + alpha
        self.alphabet, self.p = alphabet, counts / counts.sum(axis=1, keepdims=True)

    def loss(self, names):
        """Mean cross-entropy per character (nats) on ``names``."""
        nll = [-math.log(self.p[a, c]) if self.p[a, c] > 0 else math.inf for a, c in _pairs(names, self.alphabet)]
        return sum(nll) / len(nll)


def baselines(train_names, eval_names, alphabet=ALPHABET):
    """``{"unigram": nats, "bigram": nats}`` per character on ``eval_names``, both counted on ``train_names``."""
    return {"unigram": Unigram(train_names, alphabet).loss(eval_names),
            "bigram": Bigram(train_names, alphabet).loss(eval_names)}
