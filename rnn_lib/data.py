"""The sentiment dataset: short phrases labelled positive (True) or negative (False).

The phrases live in ``sentiment.json`` beside this module, a plain data file, so
that they can be read without running any code. ``train_data`` and ``test_data``
are ``{text: bool}`` mappings, like the ones in the classic article this course
follows; no phrase is in both, and every word of the test set occurs in training.
"""

import json
from importlib import resources
from types import MappingProxyType

DATA_FILE = "sentiment.json"


def load_dataset(name=None):
    """Read the dataset file and return ``(train_data, test_data)`` as fresh dicts.

    Each is a ``{text: label}`` dict; ``label`` is ``True`` for a positive phrase.
    The order of the file is kept, so iteration order is the same on every run.

    With a ``name`` ("sentiment", "compositional" or "systematic"), return that
    dataset as an ``rnn_lib.datasets.Dataset`` instead: every split (train,
    validation, test, and the probe set by construction) as fresh dicts.
    """
    if name is not None:
        from .datasets import load_named

        return load_named(name)
    text = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    raw = json.loads(text)
    return dict(raw["train"]), dict(raw["test"])


_train, _test = load_dataset()
#: Training phrases, ``{text: label}``, read-only (``load_dataset()`` gives a copy to edit).
train_data = MappingProxyType(_train)
#: Test phrases, ``{text: label}``, read-only.
test_data = MappingProxyType(_test)
