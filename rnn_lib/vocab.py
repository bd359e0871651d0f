"""Vocabulary and encoding: text -> word indices -> one-hot column vectors.

Text is split on whitespace, so repeated spaces, tabs and leading or trailing
space are ignored ("i  am   happy " reads as ``["i", "am", "happy"]``).

Case: one rule everywhere (the library, the command line and the widgets).
``Vocabulary.encode`` lower-cases by default (``lowercase=True``): a word that
is not in the vocabulary as written is looked up in lower case, so "I am Happy"
reads as "i am happy" with the course's lower-case vocabulary (and a vocabulary
that holds capitalised words still finds them as written). ``lowercase=False``
matches words strictly as written.

A word outside the vocabulary is a ``ValueError`` that names it. Words are shown
with ``ascii()``, so a look-alike letter cannot hide: the Cyrillic "о" in
"gооd" shows as ``'g\\u043e\\u043ed'``, and the message adds "looks like 'good'"
when the word equals a vocabulary word once accents, invisible characters, case
and common Cyrillic or Greek look-alikes of Latin letters are set aside. The
message stays short however long the text: at most ``MAX_LISTED`` unknown words
and ``MAX_LISTED_VOCAB`` vocabulary words are listed, then "and N more".
"""

import unicodedata
from collections.abc import Iterable, Mapping

import numpy as np

from .checks import word_index

#: At most this many distinct unknown words are named in an error message.
MAX_LISTED = 10
#: At most this many vocabulary words are listed in an error message.
MAX_LISTED_VOCAB = 50
#: A text longer than this is shortened in error messages.
MAX_SHOWN_CHARS = 80

#: Cyrillic and Greek letters (lower case) drawn like a Latin one, for the "looks like" hint.
_LOOKALIKES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "һ": "h", "ӏ": "l", "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "h", "ι": "i", "κ": "k",
    "μ": "m", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ı": "i",
})


def _skeleton(word):
    """What ``word`` looks like: no accents or invisible characters, case folded, look-alikes mapped."""
    decomposed = unicodedata.normalize("NFKD", word)
    kept = "".join(c for c in decomposed if unicodedata.category(c) not in ("Mn", "Me", "Cf"))
    return kept.casefold().translate(_LOOKALIKES)


def _shown(text):
    """``ascii(text)``, shortened to about ``MAX_SHOWN_CHARS`` characters."""
    if len(text) <= MAX_SHOWN_CHARS:
        return ascii(text)
    return f"{ascii(text[:MAX_SHOWN_CHARS - 20])}... ({len(text)} characters)"


def _listed(items, limit):
    """The first ``limit`` items, then "and N more" when there are more."""
    items = list(items)
    if len(items) <= limit:
        return items
    return [*items[:limit], f"and {len(items) - limit} more"]


def split_words(text):
    """Split ``text`` on whitespace, with clear errors for non-strings and empty text."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}: {repr(text)[:MAX_SHOWN_CHARS]}")
    words = text.split()
    if not words:
        raise ValueError(f"text is empty or only whitespace ({_shown(text)}): give at least one word")
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
        if isinstance(words, str):
            raise TypeError(f"Vocabulary takes a list of words, not one str ({_shown(words)}): write "
                            "Vocabulary(text.split()), or Vocabulary.from_texts([...]) for phrases")
        words = list(words)
        for w in words:
            if not isinstance(w, str) or not w or w.split() != [w]:
                shown = _shown(w) if isinstance(w, str) else repr(w)[:MAX_SHOWN_CHARS]
                raise ValueError(f"vocabulary words must be non-empty strings without spaces, got {shown}")
        self.words = tuple(sorted(set(words)))
        if not self.words:
            raise ValueError("a vocabulary needs at least one word")
        self.word_to_idx = {w: i for i, w in enumerate(self.words)}
        self.idx_to_word = dict(enumerate(self.words))
        self._skeletons = None  # {skeleton: word}, built on the first unknown word

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

    def encode(self, text, lowercase=True):
        """Text -> list of word indices.

        With ``lowercase=True`` (the default) a word that is not in the
        vocabulary as written is looked up in lower case ("Happy" -> "happy");
        ``lowercase=False`` matches words strictly as written.

        Raises ``TypeError`` for a non-string, ``ValueError`` for empty text or
        for a word outside the vocabulary (naming the word, escaped with
        ``ascii()``, a vocabulary word it looks like, and the vocabulary).
        """
        typed = split_words(text)
        words = [w if w in self.word_to_idx else w.lower() for w in typed] if lowercase else typed
        unknown = list(dict.fromkeys(t for t, w in zip(typed, words) if w not in self.word_to_idx))
        if unknown:  # named as typed
            raise ValueError(self._unknown_message(unknown, text))
        return [self.word_to_idx[w] for w in words]

    def _unknown_message(self, unknown, text):
        named = [f"{_shown(w)}{self._looks_like(w)}" for w in unknown[:MAX_LISTED]]
        if len(unknown) > MAX_LISTED:
            named.append(f"and {len(unknown) - MAX_LISTED} more")
        vocab = " ".join(_listed(self.words, MAX_LISTED_VOCAB))
        return (f"unknown word{'s' if len(unknown) > 1 else ''} {', '.join(named)} in {_shown(text)}; "
                f"the vocabulary has {len(self)} words: {vocab}")

    def _looks_like(self, word):
        """`` (looks like 'good')`` if ``word`` is drawn like a vocabulary word, else ``""``."""
        if self._skeletons is None:
            self._skeletons = {}
            for w in self.words:
                self._skeletons.setdefault(_skeleton(w), w)
        match = self._skeletons.get(_skeleton(word))
        return f" (looks like {ascii(match)})" if match is not None and match != word else ""

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

    def text_to_inputs(self, text, lowercase=True):
        """Text -> list of one-hot (V, 1) columns: the article's ``createInputs`` (``lowercase`` as ``encode``)."""
        return self.one_hot(self.encode(text, lowercase=lowercase))
