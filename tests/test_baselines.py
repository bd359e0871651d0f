"""The unigram and bigram baselines on a corpus small enough to check by hand."""

import math

import numpy as np
import pytest

from rnn_lib import load_dataset
from rnn_lib.baselines import Bigram, Unigram, baselines, bigram_counts

# Alphabet ".ab"; the corpus "ab", "b" is read as .ab. and .b.: the pairs
# (.,a) (a,b) (b,.) (.,b) (b,.)
CORPUS, ALPHA = ["ab", "b"], ".ab"


def test_bigram_counts_by_hand():
    np.testing.assert_array_equal(bigram_counts(CORPUS, ALPHA), [[0, 1, 1], [0, 0, 1], [2, 0, 0]])


def test_unigram_by_hand():
    # predicted characters: a, b, ., b, . -> p(.) = 2/5, p(a) = 1/5, p(b) = 2/5
    uni = Unigram(CORPUS, ALPHA)
    np.testing.assert_allclose(uni.p, [0.4, 0.2, 0.4])
    # "ba" is read as .ba.: predicts b, a, . -> -(ln 0.4 + ln 0.2 + ln 0.4) / 3
    assert uni.loss(["ba"]) == pytest.approx(-(2 * math.log(0.4) + math.log(0.2)) / 3, rel=1e-15)


def test_smoothed_bigram_by_hand():
    big = Bigram(CORPUS, ALPHA, alpha=1.0)
    # after ".": counts (0, 1, 1) + 1 -> (1, 2, 2) / 5; after "a": (1, 1, 2) / 4; after "b": (3, 1, 1) / 5
    np.testing.assert_allclose(big.p, [[0.2, 0.4, 0.4], [0.25, 0.25, 0.5], [0.6, 0.2, 0.2]])
    # "ba": (.,b) 0.4, (b,a) 0.2, (a,.) 0.25
    assert big.loss(["ba"]) == pytest.approx(-(math.log(0.4) + math.log(0.2) + math.log(0.25)) / 3, rel=1e-15)
    # unsmoothed, a pair never seen has probability 0: an infinite loss
    assert Bigram(CORPUS, ALPHA, alpha=0.0).loss(["ba"]) == math.inf


def test_on_the_names_the_bigram_beats_the_unigram():
    ds = load_dataset("names")
    b = baselines(ds.train, ds.validation, ds.alphabet)
    assert b["bigram"] < b["unigram"] < math.log(len(ds.alphabet))
    assert b == pytest.approx({"unigram": 2.839, "bigram": 2.380}, abs=5e-4)
