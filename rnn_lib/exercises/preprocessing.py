"""Notebook 01's exercises: text to word indices, one-hot columns."""

import numpy as np

from ._core import (CHECKER_OF, REFERENCES, _Failed, _LearnerRaised, _array, _call, _close, _kind, _run, _shaped,
                    _shown_name)


_WORD_TO_IDX = {"am": 0, "bad": 1, "good": 2, "i": 3, "not": 4, "this": 5, "very": 6}


def reference_encode(text, word_to_idx):
    """Text -> list of word indices, one per whitespace-separated word, in order."""
    return [word_to_idx[w] for w in text.split()]


def _indices(value, what="encode"):
    if value is None:
        raise _Failed(f"{what} returned None — is a `return` missing?")
    if isinstance(value, (str, bytes)):
        raise _Failed(f"{what} returned text ({value!r}): return the list of word indices")
    try:
        items = list(value)
    except TypeError:
        raise _Failed(f"{what} should return a list of ints, got {_kind(value)}") from None
    for item in items:
        if isinstance(item, str):
            raise _Failed(f"{what} returned words ({item!r}, ...): look each word up in word_to_idx")
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, (int, np.integer)):
            raise _Failed(f"{what} should return ints, got {_kind(item)} in the list")
    return [int(i) for i in items]


def check_encode(encode, strict=None):
    """Check ``encode(text, word_to_idx) -> list of word indices`` (notebook 1).

    Checks, in order: it returns a list of ints, one per word ("i am good"); a repeated word gets
    its index at each occurrence ("not not good": a set would drop it); the indices are the words'
    own, in the words' order ("not good", "i am not bad"); any whitespace separates words
    ("  i  am\\tgood "); it uses the ``word_to_idx`` it is given, not a global vocabulary.
    """
    w2i = _WORD_TO_IDX
    shown = _shown_name(encode, "encode")

    def returns_ints(fn):
        got = _indices(_call(fn, "i am good", dict(w2i)), shown)
        if len(got) != 3:
            raise _Failed(f"'i am good' gave {len(got)} indices, expected 3 — one index per word: "
                          "split with text.split()")

    def repeated(fn):  # before the order: a set's order depends on the run (hash order), its size does not
        text = "not not good"
        got = _indices(_call(fn, text, dict(w2i)), shown)
        expected = reference_encode(text, w2i)
        if len(got) < len(expected) and set(got) <= set(expected):
            raise _Failed(f"{text!r} gave {len(got)} indices, expected {len(expected)} ({expected}): a repeated "
                          "word gets its index each time — don't remove repeated words (no set: it drops them and "
                          "loses the words' order)")
        if sorted(got) != sorted(expected):
            raise _Failed(f"{text!r} gave {got}, expected {expected}: a repeated word gets its index each time")

    def order(fn):
        for text in ("not good", "i am not bad", "not not good"):
            expected = reference_encode(text, w2i)
            got = _indices(_call(fn, text, dict(w2i)), shown)
            if got == expected:
                continue
            if got == expected[::-1]:
                raise _Failed(f"{text!r} gave {got}: the indices must follow the words' order, first word first")
            if got == sorted(expected):
                raise _Failed(f"{text!r} gave {got}, sorted: keep the words' order")
            if got == [i + 1 for i in expected]:
                raise _Failed(f"{text!r} gave {got}: indices start at 0, word_to_idx[word] is the index")
            if sorted(got) == sorted(expected):
                raise _Failed(f"{text!r} gave {got}, expected {expected}: the right indices in another order — "
                              "keep the words' order (a set or a dict of words does not)")
            raise _Failed(f"{text!r} gave {got}, expected {expected}: each word's index is word_to_idx[word]")

    def whitespace(fn):
        text = "  i  am\tgood "
        try:
            got = _indices(_call(fn, text, dict(w2i)), shown)
        except _LearnerRaised as raised:
            exc = raised.args[0]
            if isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], str) and not exc.args[0].strip():
                raise _Failed(f"{text!r} looked up an empty word {exc.args[0]!r}: split on any whitespace with "
                              "text.split() (no argument)") from None
            raise
        if got != reference_encode(text, w2i):
            raise _Failed(f"{text!r} gave {got}: split on any whitespace with text.split() (no argument)")

    def its_own_vocabulary(fn):
        other = {w: len(w2i) - 1 - i for w, i in w2i.items()}  # the same words, other indices
        text = "very good this"
        got = _indices(_call(fn, text, other), shown)
        if got != reference_encode(text, other):
            raise _Failed(f"with another word_to_idx {text!r} gave {got}, expected "
                          f"{reference_encode(text, other)}: use the word_to_idx argument, not a global vocabulary")

    return _run("encode", encode, [returns_ints, repeated, order, whitespace, its_own_vocabulary],
                reference_encode, strict)


def reference_one_hot(index, V):
    """The (V, 1) float column with a 1 in row ``index`` and zeros elsewhere."""
    x = np.zeros((V, 1))
    x[index, 0] = 1.0
    return x


def check_one_hot(one_hot, strict=None):
    """Check ``one_hot(index, V) -> (V, 1) column`` (notebook 1).

    Checks, in order: the shape is a (V, 1) column (not (V,) or (1, V)); a single 1, in row
    ``index`` (rows count from 0), zeros elsewhere; the first and last rows (0 and V-1); it uses
    its ``V`` argument (a different V); every call returns a new array (an earlier result does not
    change).
    """
    name = _shown_name(one_hot, "one_hot")

    def column(fn):
        got = _array(_call(fn, 2, 7), f"{name}(2, 7)")
        if got.shape == (7,):
            raise _Failed(f"{name}(2, 7) has shape (7,): make a column of shape (V, 1), e.g. np.zeros((V, 1))")
        if got.shape == (1, 7):
            raise _Failed(f"{name}(2, 7) has shape (1, 7), a row: make a column of shape (V, 1)")
        _shaped(got, (7, 1), f"{name}(2, 7)")

    def the_one(fn):
        got = _shaped(_call(fn, 2, 7), (7, 1), f"{name}(2, 7)")
        if _close(got, reference_one_hot(2, 7)):
            return
        ones = np.flatnonzero(got[:, 0])
        if len(ones) == 1 and got[ones[0], 0] == 1 and ones[0] in (1, 3):
            raise _Failed(f"{name}(2, 7) has its 1 in row {ones[0]}: rows count from 0, the 1 goes in row index")
        raise _Failed(f"{name}(2, 7) is {got[:, 0].tolist()}: expected a single 1.0 in row 2 and zeros elsewhere")

    def ends(fn):
        for index in (0, 6):
            got = _shaped(_call(fn, index, 7), (7, 1), f"{name}({index}, 7)")
            if not _close(got, reference_one_hot(index, 7)):
                raise _Failed(f"{name}({index}, 7) is {got[:, 0].tolist()}: the 1 goes in row {index} "
                              f"(rows 0 to V-1)")

    def uses_v(fn):
        got = _array(_call(fn, 1, 3), f"{name}(1, 3)")
        if got.shape != (3, 1):
            raise _Failed(f"{name}(1, 3) has shape {got.shape}, expected (3, 1): use the V argument, not a global")
        if not _close(got, reference_one_hot(1, 3)):
            raise _Failed(f"{name}(1, 3) is {got[:, 0].tolist()}: expected [0.0, 1.0, 0.0]")

    def fresh(fn):
        first = _call(fn, 0, 4)
        kept = np.array(first, dtype=np.float64, copy=True)
        _call(fn, 3, 4)
        if not np.array_equal(np.asarray(first, dtype=np.float64), kept):
            raise _Failed(f"calling {name} again changed the array it returned before: create a new array each call")

    return _run("one_hot", one_hot, [column, the_one, ends, uses_v, fresh], reference_one_hot, strict)


CHECKER_OF.update({"encode": check_encode, "one_hot": check_one_hot})
REFERENCES.update({"encode": reference_encode, "one_hot": reference_one_hot})
