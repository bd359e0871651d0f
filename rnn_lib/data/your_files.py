"""Your own data: labelled phrases read from a CSV or JSON file, with one-line errors.

Two formats, chosen by the file's extension:

* ``.csv``: a header naming the columns ``text`` and ``label`` (other columns
  are ignored), then one phrase per line; quote a text that contains a comma::

      text,label
      i am glad,positive
      "well, i am not glad",negative

* ``.json``: one object ``{"text": label, ...}``.

Labels may be written ``true``/``false``, ``1``/``0`` or ``positive``/``negative``
(any case; in JSON also the values ``true``/``false`` and ``1``/``0``). Text is
read the way ``Vocabulary.encode`` reads it: split on whitespace and lower-cased,
so "I  am Glad " and "i am glad" are the same phrase. A phrase given twice with
the same label is kept once; with two labels it is an error.

Limits, the same for both formats: a file of at most ``MAX_FILE_BYTES`` (10 MB),
at most ``MAX_PHRASES`` (100,000) phrases, each at most ``MAX_PHRASE_CHARS``
(1,000) characters, without control characters (tabs and line breaks count as
spaces). Only a regular file is opened (a pipe or a device is refused before),
and a CSV header names each column once.

Every problem raises ``DataFileError`` (a ``ValueError``) with a one-line message
naming the file, the line (CSV) or key (JSON), and what was wrong::

    >>> read_labelled_phrases("my.csv")        # doctest: +SKIP
    DataFileError: my.csv: line 4: unknown label 'maybe': labels are true/false, 1/0 or positive/negative

``check_train_test(train, test)`` then checks a training and a test file
together (no phrase in both; every test word in the training vocabulary) and
returns the training vocabulary.
"""

import csv
import io
import json
import os
import stat
import unicodedata
from pathlib import Path

from ..vocab import Vocabulary

TRUE_LABELS = ("true", "1", "positive")
FALSE_LABELS = ("false", "0", "negative")
ALLOWED_LABELS = "true/false, 1/0 or positive/negative"
FORMATS = (".csv", ".json")
#: Vocabularies up to this many words are listed in full in an error message.
LIST_WORDS_UP_TO = 30
#: The limits of a data file, the same for both formats: its size in bytes, the number of
#: phrases (lines or keys) and the length of one phrase in characters.
MAX_FILE_BYTES = 10_000_000
MAX_PHRASES = 100_000
MAX_PHRASE_CHARS = 1_000


class DataFileError(ValueError):
    """A data file that cannot be used: the message names the file, where, and what was wrong."""


class LabelledPhrases(dict):
    """``{text: label}`` read from a file, remembering where each phrase was.

    Attributes:
        path: the file's path, as given.
        where: ``{text: "line 3"}`` (CSV) or ``{text: "key 'I am glad'"}`` (JSON).
    """

    def __init__(self, items=(), path=None, where=None):
        super().__init__(items)
        self.path = path
        self.where = dict(where or {})


def normalise_text(text):
    """Text as ``Vocabulary.encode`` reads it: words split on whitespace, lower-cased, joined by one space."""
    return " ".join(text.split()).lower()


def parse_label(value):
    """A label as written in a file -> True/False, or ``None`` if it is not one of the allowed spellings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return {1: True, 0: False}.get(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_LABELS:
            return True
        if word in FALSE_LABELS:
            return False
    return None


#: Values (labels, column names, keys) longer than this are shortened in error messages.
MAX_SHOWN_CHARS = 60


def _short(text):
    """``text`` (already written out), shortened to about ``MAX_SHOWN_CHARS`` characters, its length given."""
    if len(text) <= MAX_SHOWN_CHARS:
        return text
    return f"{text[:MAX_SHOWN_CHARS - 10]}... ({len(text):,} characters)"


def _shown(value):
    """``repr(value)``, shortened (``_short``)."""
    return _short(repr(value))


def _check_regular_file(path, st):
    if stat.S_ISDIR(st.st_mode):
        raise DataFileError(f"{path}: is a directory, not a data file")
    if not stat.S_ISREG(st.st_mode):
        raise DataFileError(f"{path}: not a regular file (a pipe, a device or a socket): give a .csv or .json "
                            "file saved on disk")
    if st.st_size > MAX_FILE_BYTES:
        raise DataFileError(f"{path}: the file is larger than {MAX_FILE_BYTES:,} bytes ({st.st_size:,}): "
                            f"a data file holds at most {MAX_PHRASES:,} phrases")


def _read_text(path):
    try:
        _check_regular_file(path, os.stat(path))  # before opening: a pipe would wait for ever
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            _check_regular_file(path, os.fstat(f.fileno()))  # the file opened is the one checked
            raw = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataFileError(f"{path}: is a directory, not a data file") from None
    except OSError as e:
        raise DataFileError(f"{path}: cannot be read ({e.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:  # it grew since
        raise DataFileError(f"{path}: the file is larger than {MAX_FILE_BYTES:,} bytes")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise DataFileError(f"{path}: line {line}: not UTF-8 text (byte 0x{raw[e.start]:02x}): "
                            "save the file as UTF-8") from None


class _Collector:
    """Adds phrases one at a time, catching empty text, bad labels and contradicting duplicates."""

    def __init__(self, path):
        self.data = LabelledPhrases(path=path)
        self.path = path
        self.count = 0

    def add(self, text, value, where, shown_value):
        self.count += 1
        if self.count > MAX_PHRASES:
            raise DataFileError(f"{self.path}: {where}: more than {MAX_PHRASES:,} phrases: a data file holds "
                                f"at most {MAX_PHRASES:,}")
        if len(text) > MAX_PHRASE_CHARS:
            raise DataFileError(f"{self.path}: {where}: a text longer than {MAX_PHRASE_CHARS:,} characters "
                                f"({len(text):,}): a phrase holds at most {MAX_PHRASE_CHARS:,}")
        for c in text:
            if c not in "\t\n\r" and unicodedata.category(c) == "Cc":
                raise DataFileError(f"{self.path}: {where}: control character U+{ord(c):04X} in the text: "
                                    "phrases are printable text (tabs and line breaks count as spaces)")
        phrase = normalise_text(text)
        if not phrase:
            raise DataFileError(f"{self.path}: {where}: empty text")
        lab = parse_label(value)
        if lab is None:
            raise DataFileError(f"{self.path}: {where}: unknown label {shown_value}: labels are {ALLOWED_LABELS}")
        if phrase in self.data:
            if self.data[phrase] != lab:
                first = self.data.where[phrase]
                raise DataFileError(
                    f"{self.path}: {first} and {where}: {_shown(phrase)} has two labels "
                    f"({_name(self.data[phrase])} at {first}, {_name(lab)} at {where})")
            return
        self.data[phrase] = lab
        self.data.where[phrase] = where


def _name(lab):
    return "positive" if lab else "negative"


def _read_csv(path, text):
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):  # blank lines on top
            header = next(reader, None)
        if header is None:
            raise DataFileError(f"{path}: the file is empty: it needs a header line text,label and phrases")
        columns = [cell.strip().lower() for cell in header]
        for needed in ("text", "label"):
            if needed not in columns:
                raise DataFileError(f"{path}: line {reader.line_num}: no {needed!r} column: the header must "
                                    f"name the columns text,label (found: {_short(','.join(header))})")
        for i, name in enumerate(columns):
            if name and name in columns[:i]:
                raise DataFileError(f"{path}: line {reader.line_num}: the column {_shown(name)} is named twice: "
                                    "every column needs its own name")
        i_text, i_label = columns.index("text"), columns.index("label")
        out = _Collector(path)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # blank line
            where = f"line {reader.line_num}"
            if len(row) <= max(i_text, i_label):
                raise DataFileError(f"{path}: {where}: {len(row)} field{'s' if len(row) != 1 else ''}, "
                                    f"expected {len(columns)} ({','.join(columns)}); quote a text "
                                    "that contains a comma")
            out.add(row[i_text], row[i_label], where, _shown(row[i_label].strip()))
    except csv.Error as e:
        if "field larger than field limit" in str(e):  # csv's limit (131,072) is above ours
            raise DataFileError(f"{path}: line {reader.line_num}: a text longer than {MAX_PHRASE_CHARS:,} "
                                f"characters: a phrase holds at most {MAX_PHRASE_CHARS:,}") from None
        raise DataFileError(f"{path}: line {reader.line_num}: not valid CSV ({e})") from None
    if not out.data:
        raise DataFileError(f"{path}: no phrases: the file has a header but no lines after it")
    return out.data


class _Pairs(list):
    """A JSON object as its list of (key, value) pairs, so repeated keys are all seen."""


def _json_kind(value):
    if isinstance(value, _Pairs):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return {str: "a string", bool: "a boolean", int: "a number", float: "a number"}.get(type(value), "null")


def _read_json(path, text):
    if not text.strip():
        raise DataFileError(f'{path}: the file is empty: it needs an object {{"text": label, ...}}')
    try:
        pairs = json.loads(text, object_pairs_hook=_Pairs)
    except json.JSONDecodeError as e:
        raise DataFileError(f"{path}: line {e.lineno}: not valid JSON ({e.msg}, column {e.colno})") from None
    except RecursionError:
        raise DataFileError(f'{path}: JSON nested too deeply: the file must be one object {{"text": label, ...}}, '
                            f"labels {ALLOWED_LABELS}") from None
    if not isinstance(pairs, _Pairs):
        raise DataFileError(f'{path}: expected one JSON object {{"text": label, ...}}, got {_json_kind(pairs)}')
    out = _Collector(path)
    for key, value in pairs:
        shown = f"({_json_kind(value)})" if isinstance(value, list) else _short(json.dumps(value))
        out.add(key, None if isinstance(value, list) else value, f"key {_shown(key)}", shown)
    if not out.data:
        raise DataFileError(f'{path}: no phrases: the object is empty; write {{"text": label, ...}}')
    return out.data


def read_labelled_phrases(path):
    """Read ``{text: label}`` from a ``.csv`` or ``.json`` file; ``DataFileError`` on any problem.

    Returns a ``LabelledPhrases`` (a dict; ``.where[text]`` tells the line or
    key each phrase came from), in file order, texts normalised.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise DataFileError(f"{path}: unknown file type {suffix or '(no extension)'!r}: give a .csv file "
                            '(columns text,label) or a .json file ({"text": label, ...})')
    text = _read_text(path)
    return _read_csv(path, text) if suffix == ".csv" else _read_json(path, text)


def _place(data, text, default):
    path = getattr(data, "path", None) or default
    where = getattr(data, "where", {}).get(text)
    return f"{path} ({where})" if where else str(path)


def check_train_test(train, test, train_name="the training data", test_name="the test data"):
    """Check a training and a test set together; return the training ``Vocabulary``.

    ``train`` and ``test`` are ``{text: label}`` mappings, normally from
    ``read_labelled_phrases`` (then errors name their files and lines; the
    names given here are used for plain dicts). Raises ``DataFileError`` if a
    phrase is in both, or if a test phrase has a word the training phrases
    never use (the network could not read it).
    """
    vocab = Vocabulary.from_texts([normalise_text(t) for t in train])
    train_texts = {normalise_text(t): t for t in train}
    for text in test:
        phrase = normalise_text(text)
        if phrase in train_texts:
            raise DataFileError(f"{_shown(phrase)} is in both {_place(train, train_texts[phrase], train_name)} "
                                f"and {_place(test, text, test_name)}: a test phrase must be new")
        unknown = [w for w in dict.fromkeys(phrase.split()) if w not in vocab]
        if unknown:
            words = ", ".join(_shown(w) for w in unknown[:10]) + (f" and {len(unknown) - 10} more"
                                                                   if len(unknown) > 10 else "")
            known = (f": {' '.join(vocab.words)}" if len(vocab) <= LIST_WORDS_UP_TO else "")
            train_path = getattr(train, "path", None) or train_name
            raise DataFileError(
                f"{_place(test, text, test_name)}: {_shown(phrase)} has word{'s' if len(unknown) > 1 else ''} "
                f"{words} not in the vocabulary of {train_path} ({len(vocab)} words{known})")
    return vocab
