"""Vocabulary and encoding: text -> word indices -> one-hot column vectors.

Text is split on whitespace, so repeated spaces, tabs and leading or trailing
space are ignored ("i  am   happy " reads as ``["i", "am", "happy"]``). Text is
case-sensitive: the vocabulary is lower case and "Happy" is an unknown word
(pass ``lowercase=True`` to ``Vocabulary.encode`` to fold case first).
"""

from collections.abc import Iterable, Mapping

import numpy as np

from .checks import word_index


def split_words(text):
    """Split ``text`` on whitespace, with clear errors for non-strings and empty text."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}: {text!r}")
    words = text.split()
    if not words:
        raise ValueError(f"text is empty or only whitespace ({text!r}): give at least one word")
    return words


class Vocabulary:
    """A sorted word list with word<->index maps and one-hot encoding.

    Sorting makes the vocabulary, and so every index and every weight trained
    on it, the same on every run and every machine (``list(set(...))`` is not:
    string hashing is randomised per process).

    Attributes:
        words: tuple of the V words, sorted.
        word_to_idx: ``{word: index}``.
        idx_to_word: ``{index: word}``.
    """

    def __init__(self, words):
        words = list(words)
        for w in words:
            if not isinstance(w, str) or not w or w.split() != [w]:
                raise ValueError(f"vocabulary words must be non-empty strings without spaces, got {w!r}")
        self.words = tuple(sorted(set(words)))
        if not self.words:
            raise ValueError("a vocabulary needs at least one word")
        self.word_to_idx = {w: i for i, w in enumerate(self.words)}
        self.idx_to_word = dict(enumerate(self.words))

    @classmethod
    def from_texts(cls, texts):
        """Build the vocabulary of every word in ``texts`` (an iterable of str, or a {text: label} mapping)."""
        if isinstance(texts, str):
            raise TypeError("from_texts takes many texts (a list or a {text: label} mapping), not one str")
        if isinstance(texts, Mapping):
            texts = texts.keys()
        return cls(w for t in texts for w in split_words(t))

    @property
    def size(self):
        """V, the number of words."""
        return len(self.words)

    def __len__(self):
        return len(self.words)

    def __contains__(self, word):
        return word in self.word_to_idx

    def __iter__(self):
        return iter(self.words)

    def __eq__(self, other):
        return isinstance(other, Vocabulary) and self.words == other.words

    def __repr__(self):
        return f"Vocabulary({len(self)} words: {' '.join(self.words)})"

    def encode(self, text, lowercase=False):
        """Text -> list of word indices.

        Raises ``TypeError`` for a non-string, ``ValueError`` for empty text or
        for a word outside the vocabulary (naming the word and the vocabulary).
        """
        words = split_words(text)
        if lowercase:
            words = [w.lower() for w in words]
        unknown = [w for w in words if w not in self.word_to_idx]
        if unknown:
            listed = ", ".join(repr(w) for w in dict.fromkeys(unknown))
            raise ValueError(
                f"unknown word{'s' if len(set(unknown)) > 1 else ''} {listed} in {text!r}; "
                f"the vocabulary has {len(self)} words: {' '.join(self.words)}"
            )
        return [self.word_to_idx[w] for w in words]

    def decode(self, indices):
        """List of word indices -> text (words joined by single spaces)."""
        return " ".join(self.idx_to_word[i] for i in self._check_indices(indices))

    def _check_indices(self, indices):
        if isinstance(indices, (str, bytes)) or not isinstance(indices, Iterable):
            raise TypeError(f"indices must be a sequence of ints, got {type(indices).__name__}")
        out = [word_index(i, len(self)) for i in indices]
        if not out:
            raise ValueError("the sequence of word indices is empty: give at least one")
        return out

    def one_hot(self, indices):
        """Word indices -> list of one-hot column vectors, each of shape (V, 1), float64."""
        return list(self.one_hot_matrix(indices)[:, :, None])

    def one_hot_matrix(self, indices):
        """Word indices -> (T, V) float64 matrix whose row t is the one-hot vector of word t."""
        idx = self._check_indices(indices)
        m = np.zeros((len(idx), len(self)))
        m[np.arange(len(idx)), idx] = 1.0
        return m

    def text_to_inputs(self, text, lowercase=False):
        """Text -> list of one-hot (V, 1) columns: the article's ``createInputs``."""
        return self.one_hot(self.encode(text, lowercase=lowercase))
