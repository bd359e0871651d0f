"""Save and load a trained model with its vocabulary, in one ``.npz`` file, without pickle.

The file holds the five parameters, the vocabulary as a unicode array and a
format version. ``load`` checks everything before it builds a model, so a
missing, truncated or mismatched file raises ``ModelFileError`` and never
returns a half-loaded model.
"""

import os
import zipfile

import numpy as np

from .model import PARAM_NAMES, RNN
from .vocab import Vocabulary

FORMAT_VERSION = 1


class ModelFileError(ValueError):
    """A model file that is missing, damaged, or does not describe a valid model."""


def save(path, model, vocab):
    """Write ``model``'s weights and ``vocab`` to ``path`` (".npz" is appended if missing).

    Returns the path written.
    """
    if len(vocab) != model.input_size:
        raise ValueError(f"the vocabulary has {len(vocab)} words but the model's input_size is {model.input_size}")
    path = os.fspath(path)
    if not path.endswith(".npz"):
        path += ".npz"
    arrays = {name: model.params[name] for name in PARAM_NAMES}
    np.savez(path, format_version=np.array(FORMAT_VERSION), vocab=np.array(vocab.words, dtype=str), **arrays)
    return path


def load(path):
    """Read a file written by ``save``; return ``(model, vocab)``.

    Raises ``ModelFileError`` (a ``ValueError``) naming the file and what is
    wrong with it: not found, not an npz archive, truncated, a missing array,
    or shapes that do not fit together.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ModelFileError(f"model file {path!r} does not exist")
    try:
        with np.load(path, allow_pickle=False) as f:
            data = {key: f[key] for key in f.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as e:
        raise ModelFileError(f"{path!r} is not a readable rnn_lib model file "
                             f"(damaged or not an .npz archive): {e}") from None
    missing = [k for k in ("format_version", "vocab", *PARAM_NAMES) if k not in data]
    if missing:
        raise ModelFileError(f"{path!r} lacks {', '.join(missing)}: it was not written by rnn_lib.save")
    if data["format_version"].shape != () or int(data["format_version"]) != FORMAT_VERSION:
        raise ModelFileError(f"{path!r} has format version {data['format_version']}, expected {FORMAT_VERSION}")
    words = data["vocab"]
    if words.dtype.kind != "U" or words.ndim != 1:
        raise ModelFileError(f"{path!r}: the vocabulary must be a 1-D array of strings")
    try:
        vocab = Vocabulary(words.tolist())
    except ValueError as e:
        raise ModelFileError(f"{path!r}: bad vocabulary: {e}") from None
    if list(vocab.words) != words.tolist():
        raise ModelFileError(f"{path!r}: the vocabulary is not sorted and unique")
    Wxh, Why = data["Wxh"], data["Why"]
    if Wxh.ndim != 2 or Why.ndim != 2:
        raise ModelFileError(f"{path!r}: Wxh and Why must be matrices")
    H, V = Wxh.shape
    O = Why.shape[0]
    expected = {"Wxh": (H, len(vocab)), "Whh": (H, H), "Why": (O, H), "bh": (H, 1), "by": (O, 1)}
    for name, shape in expected.items():
        a = data[name]
        if a.shape != shape:
            raise ModelFileError(f"{path!r}: {name} has shape {a.shape}, expected {shape} "
                                 f"(vocabulary of {len(vocab)} words, hidden size {H})")
        if a.dtype.kind != "f" or not np.all(np.isfinite(a)):
            raise ModelFileError(f"{path!r}: {name} must hold finite floats")
    if H < 1 or O < 1:
        raise ModelFileError(f"{path!r}: empty weight matrices")
    model = RNN(len(vocab), O, H, rng=0)
    for name in PARAM_NAMES:
        model.params[name][...] = data[name]
    return model, vocab
