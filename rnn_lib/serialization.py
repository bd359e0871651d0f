"""Save and load a trained model with its vocabulary, in one ``.npz`` file, without pickle.

The file holds the model's parameters by name, its cell's name (``"rnn"``,
``"lstm"`` or ``"gru"``), the vocabulary as a unicode array and a format
version. A file without a cell name (written before the gated cells) holds a
vanilla ``"rnn"``. ``load`` checks everything before it builds a model, so a
missing, truncated or mismatched file raises ``ModelFileError`` and never
returns a half-loaded model.
"""

import os
import zipfile

import numpy as np

from .model import MODELS
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
    cell = getattr(model.cell, "name", None)
    if cell not in MODELS:
        raise ValueError(f"save writes the cells {', '.join(map(repr, MODELS))}; this model's cell is "
                         f"{model.cell!r}, which load could not rebuild")
    path = os.fspath(path)
    if not path.endswith(".npz"):
        path += ".npz"
    np.savez(path, format_version=np.array(FORMAT_VERSION), cell=np.array(cell),
             vocab=np.array(vocab.words, dtype=str), **model.params)
    return path


def load(path, expect=None):
    """Read a file written by ``save``; return ``(model, vocab)``.

    The model is an ``RNN``, ``LSTM`` or ``GRU``, as the file's cell says.
    ``expect`` (a cell name or one of those classes, e.g. ``load(path,
    expect=rnn_lib.LSTM)``) refuses a file holding another kind of model.

    Raises ``ModelFileError`` (a ``ValueError``) naming the file and what is
    wrong with it: not found, not an npz archive, truncated, a missing array,
    shapes that do not fit together, or not the expected kind of model.
    """
    if expect is not None:
        expect = next((c for c, cls in MODELS.items() if expect is cls), expect)
        if expect not in MODELS:
            raise ValueError(f"expect must be one of {', '.join(map(repr, MODELS))} or RNN, LSTM, GRU, got {expect!r}")
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ModelFileError(f"model file {path!r} does not exist")
    try:
        with np.load(path, allow_pickle=False) as f:
            data = {key: f[key] for key in f.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as e:
        raise ModelFileError(f"{path!r} is not a readable rnn_lib model file "
                             f"(damaged or not an .npz archive): {e}") from None
    cell = data.pop("cell", np.array("rnn"))  # files from before the gated cells hold the vanilla cell
    if cell.shape != () or cell.dtype.kind != "U" or str(cell) not in MODELS:
        raise ModelFileError(f"{path!r}: the cell must be one of {', '.join(map(repr, MODELS))}, got {cell!r}")
    cell = str(cell)
    if expect is not None and cell != expect:
        raise ModelFileError(f"{path!r} holds a {MODELS[cell].__name__} (cell {cell!r}), not a "
                             f"{MODELS[expect].__name__} (cell {expect!r}): load it with expect={cell!r}, "
                             f"or without expect")
    model_class = MODELS[cell]
    names = model_class(1, 1, 1).shapes  # the parameters' names, in order
    missing = [k for k in ("format_version", "vocab", *names) if k not in data]
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
    Why = data["Why"]
    if Why.ndim != 2:
        raise ModelFileError(f"{path!r}: Why must be a matrix")
    O, H = Why.shape
    if H < 1 or O < 1:
        raise ModelFileError(f"{path!r}: empty weight matrices")
    unexpected = sorted(set(data) - {"format_version", "vocab", *names})
    if unexpected:
        raise ModelFileError(f"{path!r} has arrays {', '.join(unexpected)} that a {cell!r} model does not have")
    model = model_class(len(vocab), O, H, rng=0)
    for name, shape in model.shapes.items():
        a = data[name]
        if a.shape != shape:
            raise ModelFileError(f"{path!r}: {name} has shape {a.shape}, expected {shape} "
                                 f"(vocabulary of {len(vocab)} words, hidden size {H})")
        if a.dtype.kind != "f" or not np.all(np.isfinite(a)):
            raise ModelFileError(f"{path!r}: {name} must hold finite floats")
    for name in model.shapes:
        model.params[name][...] = data[name]
    return model, vocab
