"""Measurements behind notebook 5's probe: how far new phrases are from the training phrases, where the
negation sits in a phrase, and constructions that can be left out of training entirely (a network's
accuracy on each construction is ``training.probe_accuracy``).

    word_distance         the word-level edit distance between two phrases
    nearest_distances     each phrase's distance to the nearest phrase of a reference set
    words_after_negation  how many words follow the adjective a phrase's last "not" negates
    HELD_OUT              constructions of the grammar that training can leave out entirely
    leave_out             split a {text: label} dict into what a predicate keeps and what it takes
"""

import numpy as np

from .data.grammar import ADJECTIVES, NEGATIONS, grammar


def word_distance(a, b):
    """The word-level edit distance between phrases ``a`` and ``b``: the fewest words to insert,
    delete or replace to turn one into the other ("i am bad" -> "i am not bad": 1)."""
    a, b = a.split(), b.split()
    previous = list(range(len(b) + 1))
    for i, word in enumerate(a, start=1):
        row = [i]
        for j, other in enumerate(b, start=1):
            row.append(min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (word != other)))
        previous = row
    return previous[-1]


def nearest_distances(texts, reference):
    """``(n,)`` int array: for each of ``texts``, its word distance to the nearest phrase of ``reference``.

    A distance of 1 means a training phrase one word away ("i am bad" from "this is bad" is 2).
    Raises ``ValueError`` if ``reference`` is empty.
    """
    reference = sorted(set(reference))
    if not reference:
        raise ValueError("reference is empty: give at least one phrase to measure the distance to")
    lengths = {r: len(r.split()) for r in reference}
    out = []
    for text in texts:
        n = len(text.split())
        best = None
        for r in sorted(reference, key=lambda r: abs(lengths[r] - n)):  # closest lengths first
            if best is not None and abs(lengths[r] - n) >= best:  # the length difference is a lower bound
                break
            d = word_distance(text, r)
            best = d if best is None else min(best, d)
        out.append(best)
    return np.array(out, dtype=int)


def words_after_negation(text):
    """How many words follow the adjective that the last "not" of ``text`` negates; None without "not".

    "i am not bad" -> 0, "bad not happy" -> 0, "i am not at all bad right now" -> 2,
    "not bad or sad" -> 2 ("or sad" follows "bad"), "i am happy" -> None.
    """
    words = text.split()
    if "not" not in words:
        return None
    i = len(words) - 1 - words[::-1].index("not")
    for j in range(i + 1, len(words)):
        if words[j] in ADJECTIVES:
            return len(words) - 1 - j
    raise ValueError(f"{text!r}: no adjective after its last 'not'")


def negation_in_and(phrase):
    """True for an "A and B" with a negated part: "good and not sad", "i was not sad and not bad earlier"."""
    return phrase.kind == "and" and any(t.modifier in NEGATIONS for t in phrase.terms)


def x_not_y(phrase):
    """True for the construction "X not Y": "happy not sad", "i am bad not good right now"."""
    return phrase.kind == "x not y"


#: Constructions a training set can leave out entirely, each with its predicate on a ``grammar.Phrase``.
HELD_OUT = {"a negation inside 'and'": negation_in_and, "X not Y": x_not_y}


def leave_out(data, predicate):
    """``(kept, taken)``: the phrases of ``data`` ({text: label}) the predicate is false for, then true for.

    Every text must be a phrase of ``rnn_lib.data.grammar`` (the predicate reads its structure); both
    dicts keep the order of ``data``.
    """
    structures = grammar()
    unknown = [t for t in data if t not in structures]
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not a phrase of the grammar, so its construction is unknown")
    kept = {t: v for t, v in data.items() if not predicate(structures[t])}
    taken = {t: v for t, v in data.items() if predicate(structures[t])}
    return kept, taken
