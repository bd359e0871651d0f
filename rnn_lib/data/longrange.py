"""A task with a long-range dependency: the deciding word, then k neutral words (notebook 07).

Each phrase is one sentiment word followed by ``distance`` (k) filler words
drawn at random from a neutral list, for example, with k = 4:

    "awful the then so movie"     -> negative
    "great it was a very"         -> positive

The label is the sentiment of the first word, so the network must carry one
bit of information across k steps of random inputs that say nothing about it:
the gradient that teaches it to do so must travel back k steps, too. Phrases
are seeded, half positive and half negative, distinct, and no phrase is in two
of the training, validation and test sets; the vocabulary is the same for
every k (``VOCABULARY``).

    make_task(k, rng) -> LongRangeTask(distance, train, test, vocab, validation)

Training every cell on it, and the tables of notebook 07: ``rnn_lib.longrange_training``.
"""

from dataclasses import dataclass, field

import numpy as np

from .. import checks
from ..vocab import Vocabulary

POSITIVE_WORDS = ("good", "great", "happy")
NEGATIVE_WORDS = ("awful", "bad", "sad")
#: Filler words, drawn uniformly whatever the label: they carry no information about it.
NEUTRAL_WORDS = ("a", "and", "it", "movie", "so", "the", "then", "very", "was", "we")
#: All the words of the task, sorted: one vocabulary for every distance.
VOCABULARY = Vocabulary(sorted(POSITIVE_WORDS + NEGATIVE_WORDS + NEUTRAL_WORDS))

#: The default numbers of training, validation and test phrases.
N_TRAIN, N_VALID, N_TEST = 100, 100, 100


@dataclass
class LongRangeTask:
    """Training, test and validation phrases (``{text: True for positive}``) of one distance, and the vocabulary."""

    distance: int
    train: dict
    test: dict
    vocab: Vocabulary = field(default_factory=lambda: VOCABULARY)
    validation: dict = field(default_factory=dict)


def _draw_phrases(rng, k, per_class, phrases, seen):
    """Extend each ``phrases[label]`` to ``per_class`` distinct phrases (none in ``seen[label]``), positive ones first."""
    for label, words in ((True, POSITIVE_WORDS), (False, NEGATIVE_WORDS)):
        while len(phrases[label]) < per_class:
            text = " ".join([words[rng.integers(len(words))]]
                            + [NEUTRAL_WORDS[j] for j in rng.integers(len(NEUTRAL_WORDS), size=k)])
            if text not in seen[label]:
                seen[label].add(text)
                phrases[label].append(text)


def make_task(distance, rng=None, n_train=N_TRAIN, n_test=N_TEST, n_valid=N_VALID):
    """``n_train + n_test + n_valid`` distinct phrases: a sentiment word, then ``distance`` neutral words.

    Args:
        distance: k >= 0, the number of neutral words after the deciding word
            (the phrase has k + 1 words; the deciding word is k steps before the last).
        rng: ``None`` (seed 0), an int seed or a Generator.
        n_train, n_test: phrase counts, each even (half positive, half negative).
        n_valid: validation phrases, even, ``0`` for none. They are drawn after the
            training and test phrases, so these do not depend on ``n_valid``.
    Returns:
        A ``LongRangeTask``. Raises ValueError if there are fewer distinct
        phrases of this length than asked for (k = 0 has 6, k = 1 has 60).
    """
    k = checks.int_at_least(distance, "distance", 0)
    n_train, n_test = checks.positive_int(n_train, "n_train"), checks.positive_int(n_test, "n_test")
    n_valid = checks.int_at_least(n_valid, "n_valid", 0)
    if n_train % 2 or n_test % 2 or n_valid % 2:
        raise ValueError(f"n_train, n_test and n_valid must be even (half positive, half negative), "
                         f"got {n_train}, {n_test}, {n_valid}")
    per_class = len(POSITIVE_WORDS) * len(NEUTRAL_WORDS) ** k
    if (n_train + n_test + n_valid) // 2 > per_class:
        raise ValueError(f"distance {k} has only {per_class} distinct phrases per class: ask for at most "
                         f"{2 * per_class} phrases in all, or use a longer distance")
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(checks.int_at_least(0 if rng is None else rng, "seed", 0))
    phrases, seen = {True: [], False: []}, {True: set(), False: set()}
    _draw_phrases(rng, k, (n_train + n_test) // 2, phrases, seen)
    _draw_phrases(rng, k, (n_train + n_test + n_valid) // 2, phrases, seen)

    def labelled(start, stop):  # positive and negative phrases alternate
        return {phrases[label][i]: label for i in range(start, stop) for label in (True, False)}

    a, b = n_train // 2, (n_train + n_test) // 2
    return LongRangeTask(k, labelled(0, a), labelled(a, b), validation=labelled(b, b + n_valid // 2))
