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


def test_text_is_lower_cased_by_default(vocab):
    """One rule everywhere: the API, the command line and the widgets all read "I am Happy"."""
    assert vocab.encode("I AM Happy") == vocab.encode("i am happy")
    assert vocab.encode("I AM Happy", lowercase=True) == vocab.encode("i am happy")
    assert vocab.decode(vocab.encode("NOT Bad")) == "not bad"
    cols = vocab.text_to_inputs("Good")
    assert len(cols) == 1 and cols[0][vocab.word_to_idx["good"], 0] == 1


def test_lowercase_false_matches_strictly(vocab):
    with pytest.raises(ValueError, match=r"unknown word 'Happy' \(looks like 'happy'\)"):
        vocab.encode("i am Happy", lowercase=False)
    with pytest.raises(ValueError, match="'Good'"):
        vocab.text_to_inputs("Good", lowercase=False)


def test_a_vocabulary_with_capitals_still_finds_them_as_written():
    v = Vocabulary(["Paris", "i", "love"])
    assert v.encode("I love Paris") == [v.word_to_idx["i"], v.word_to_idx["love"], v.word_to_idx["Paris"]]
    with pytest.raises(ValueError, match="unknown word 'paris'"):
        v.encode("i love paris")  # lower case is tried for a word, never upper case


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


def test_a_look_alike_word_is_shown_escaped_with_a_hint(vocab):
    """Cyrillic o (U+043E) in "good": the message used to show 'gооd', identical to the eye."""
    with pytest.raises(ValueError) as e:
        vocab.encode("i am g\u043e\u043ed")
    msg = str(e.value)
    assert "unknown word 'g\\u043e\\u043ed' (looks like 'good') in 'i am g\\u043e\\u043ed'" in msg
    assert msg.isascii()


@pytest.mark.parametrize("word, like", [
    ("h\u0430ppy", "happy"),        # Cyrillic a
    ("b\u0430d", "bad"),            # Cyrillic a
    ("goo\u200bd", "good"),         # zero-width space inside
    ("h\u00e4ppy", "happy"),        # an accent
    ("\uff47\uff4f\uff4f\uff44", "good"),  # full-width letters
    ("\u03bfr", "or"),              # Greek omicron
    ("\u0455\u0430d", "sad"),       # Cyrillic dze and a
    ("G\u041e\u041eD", "good"),      # Cyrillic capital O, and case
])
def test_look_alikes(vocab, word, like):
    with pytest.raises(ValueError, match=f"\\(looks like '{like}'\\)"):
        vocab.encode(word)


def test_no_hint_for_a_word_that_looks_like_nothing(vocab):
    with pytest.raises(ValueError) as e:
        vocab.encode("i am gut")
    assert "looks like" not in str(e.value)


def test_the_message_for_many_unknown_words_is_capped(vocab):
    """10,000 unknown words used to give a 148,000-character message."""
    text = " ".join(f"w{i}" for i in range(10_000))
    with pytest.raises(ValueError) as e:
        vocab.encode(text)
    msg = str(e.value)
    assert len(msg) < 600, len(msg)
    assert "unknown words 'w0', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8', 'w9', and 9990 more in" in msg
    assert "(58889 characters)" in msg  # the text is shortened, and says how long it was
    assert "the vocabulary has 18 words: all am and at bad earlier good happy i is not now or right sad " \
           "this very was" in msg  # the course's vocabulary is listed whole


def test_the_vocabulary_listing_is_capped_for_large_vocabularies():
    big = Vocabulary(f"w{i:05d}" for i in range(5000))
    with pytest.raises(ValueError) as e:
        big.encode("w00001 nope")
    msg = str(e.value)
    assert "the vocabulary has 5000 words: w00000 w00001" in msg and msg.endswith("and 4950 more")
    assert len(msg) < 600


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


def test_a_string_where_a_list_of_words_belongs_is_refused():
    with pytest.raises(TypeError, match="one str"):
        Vocabulary("happy")


def test_an_unknown_huge_word_is_shown_shortened(vocab):
    with pytest.raises(ValueError) as info:
        vocab.encode("i am " + "z" * 100000)
    assert len(str(info.value)) < 1000
    with pytest.raises(ValueError) as info:
        Vocabulary(["ok", "a b" * 50000])
    assert len(str(info.value)) < 300
