import numpy as np
import pytest

import rnn_lib
from rnn_lib import Vocabulary


@pytest.fixture
def vocab():
    return Vocabulary.from_texts(rnn_lib.train_data)


def test_vocabulary_is_sorted_and_has_the_articles_18_words(vocab):
    assert vocab.words == tuple(sorted(vocab.words))
    assert set(vocab.words) == set(
        "i am this is was good bad happy sad not very at all and or right now earlier".split())
    assert len(vocab) == vocab.size == 18


def test_vocabulary_order_does_not_depend_on_input_order():
    a = Vocabulary(["sad", "i", "am"])
    b = Vocabulary(["am", "sad", "i", "am"])
    assert a == b and a.words == ("am", "i", "sad")


def test_maps_are_inverse(vocab):
    for w, i in vocab.word_to_idx.items():
        assert vocab.idx_to_word[i] == w
    assert sorted(vocab.word_to_idx.values()) == list(range(len(vocab)))


def test_encode_decode_round_trip_and_whitespace(vocab):
    idx = vocab.encode("  i am\tnot   happy \n")
    assert vocab.decode(idx) == "i am not happy"
    assert idx == [vocab.word_to_idx[w] for w in ("i", "am", "not", "happy")]


def test_case_is_significant_unless_folded(vocab):
    with pytest.raises(ValueError, match="'Happy'"):
        vocab.encode("i am Happy")
    assert vocab.encode("I AM Happy", lowercase=True) == vocab.encode("i am happy")


def test_one_hot_columns_and_matrix(vocab):
    idx = vocab.encode("this is not bad")
    cols = vocab.one_hot(idx)
    m = vocab.one_hot_matrix(idx)
    assert len(cols) == 4 and all(c.shape == (18, 1) and c.dtype == np.float64 for c in cols)
    assert m.shape == (4, 18)
    for t, i in enumerate(idx):
        assert cols[t][i, 0] == 1.0 and cols[t].sum() == 1.0
        np.testing.assert_array_equal(m[t], cols[t][:, 0])
    assert [c for c in vocab.text_to_inputs("this is not bad")][2][vocab.word_to_idx["not"], 0] == 1


def test_unknown_word_names_the_word_and_the_vocabulary(vocab):
    with pytest.raises(ValueError) as e:
        vocab.encode("i am terrific")
    msg = str(e.value)
    assert "'terrific'" in msg
    assert "all am and at bad earlier good happy i is not now or right sad this very was" in msg


def test_several_unknown_words_are_all_named(vocab):
    with pytest.raises(ValueError, match="unknown words 'so', 'great'"):
        vocab.encode("so so great")


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_empty_text_says_so(vocab, text):
    with pytest.raises(ValueError, match="empty or only whitespace"):
        vocab.encode(text)


@pytest.mark.parametrize("bad", [None, 3, ["i", "am"], b"i am"])
def test_non_string_says_what_type_it_got(vocab, bad):
    with pytest.raises(TypeError, match=f"must be a str, got {type(bad).__name__}"):
        vocab.encode(bad)


def test_bad_indices(vocab):
    with pytest.raises(ValueError, match="out of range"):
        vocab.one_hot([0, 18])
    with pytest.raises(TypeError, match="must be ints"):
        vocab.one_hot([0, 1.0])
    with pytest.raises(ValueError, match="empty"):
        vocab.one_hot([])
    with pytest.raises(TypeError):
        vocab.decode("abc")


def test_bad_vocabulary_words():
    with pytest.raises(ValueError, match="without spaces"):
        Vocabulary(["two words"])
    with pytest.raises(ValueError, match="at least one word"):
        Vocabulary([])
    with pytest.raises(TypeError, match="not one str"):
        Vocabulary.from_texts("i am happy")
