"""rnn_lib.probing: word distances, where the negation sits, constructions left out of training."""

import itertools

import numpy as np
import pytest

from rnn_lib import load_dataset
from rnn_lib.data.grammar import Term, grammar, label
from rnn_lib.probing import (HELD_OUT, leave_out, nearest_distances, negation_in_and, word_distance,
                             words_after_negation, x_not_y)


@pytest.mark.parametrize("a, b, expected", [
    ("i am bad", "i am bad", 0),
    ("i am bad", "i am not bad", 1),          # one insertion
    ("i am bad", "this is bad", 2),           # two replacements
    ("not bad", "bad not", 2),                # words, not sets: the order counts
    ("i am not at all bad right now", "bad", 7),
    ("", "not bad", 2),
])
def test_word_distance_golden_values_both_ways(a, b, expected):
    assert word_distance(a, b) == expected
    assert word_distance(b, a) == expected


def test_nearest_distances_equal_the_brute_force_minimum():
    comp = load_dataset("compositional")
    texts = list(comp.probe_phrases)[::7] + list(comp.test)[:5]
    reference = list(comp.train)[::3]
    brute = [min(word_distance(t, r) for r in reference) for t in texts]
    got = nearest_distances(texts, reference)
    assert got.dtype.kind == "i" and got.tolist() == brute
    assert nearest_distances(["i am bad"], ["i am bad", "bad"]).tolist() == [0]
    with pytest.raises(ValueError, match="reference is empty"):
        nearest_distances(["bad"], [])


def test_the_course_test_phrases_are_one_or_two_words_from_training():
    """What notebook 5 prints: 16 test phrases at distance 1 and 4 at 2; the probe set lies farther out."""
    sentiment, comp = load_dataset("sentiment"), load_dataset("compositional")
    assert np.bincount(nearest_distances(sentiment.test, sentiment.train)).tolist() == [0, 16, 4]
    assert np.bincount(nearest_distances(comp.probe_phrases, sentiment.train)).tolist() == [0, 41, 72, 43, 20, 13, 5]


@pytest.mark.parametrize("text, expected", [
    ("i am happy", None), ("i am not bad", 0), ("not at all sad", 0), ("bad not happy", 0),
    ("i am not at all bad right now", 2), ("not bad or sad", 2), ("not sad and not bad", 0),
    ("i was not sad and very happy earlier", 4),
])
def test_words_after_negation(text, expected):
    assert words_after_negation(text) == expected


def test_words_after_negation_needs_an_adjective_after_not():
    with pytest.raises(ValueError, match="no adjective after"):
        words_after_negation("i am not")


def test_the_held_out_constructions_pick_what_their_names_say():
    structures = grammar()
    taken = {name: {t for t, p in structures.items() if pred(p)} for name, pred in HELD_OUT.items()}
    assert "good and not sad" in taken["a negation inside 'and'"]
    assert "i was not sad and not bad earlier" in taken["a negation inside 'and'"]
    assert "good and very happy" not in taken["a negation inside 'and'"]
    assert "not bad or sad" not in taken["a negation inside 'and'"]  # a negation over "or", not inside "and"
    assert all(" and " in t and "not" in t.split() for t in taken["a negation inside 'and'"])
    assert all(structures[t].kind == "x not y" for t in taken["X not Y"])
    assert "happy not sad" in taken["X not Y"] and "not happy" not in taken["X not Y"]
    assert negation_in_and is HELD_OUT["a negation inside 'and'"] and x_not_y is HELD_OUT["X not Y"]


def test_leave_out_splits_in_order_and_refuses_phrases_outside_the_grammar():
    comp = load_dataset("compositional")
    kept, taken = leave_out(comp.train, x_not_y)
    assert len(kept) + len(taken) == len(comp.train) and not set(kept) & set(taken)
    assert list(kept) == [t for t in comp.train if t in kept]
    assert taken and all(" not " in t for t in taken)
    with pytest.raises(ValueError, match="'i am glad' is not a phrase of the grammar"):
        leave_out({"i am glad": True}, x_not_y)


def test_every_x_not_y_phrase_has_the_label_of_not_y_alone():
    """Why the probe cannot see whether a network reads X in "X not Y" (notebook 5, section 7)."""
    import dataclasses

    pairs = [(p, dataclasses.replace(p, kind="single", terms=(Term("not", p.terms[1].adjective),)))
             for p in grammar().values() if p.kind == "x not y"]
    assert len(pairs) > 30
    assert all(label(p) == label(q) for p, q in pairs)
    assert all(q.text in grammar() for _, q in pairs)  # "i am bad not happy" -> "i am not happy", a phrase too
    assert not any(p.text == q.text for p, q in itertools.islice(pairs, 5))
