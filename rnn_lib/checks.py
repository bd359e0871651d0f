"""Argument and data checks, in one place: used where data enters the library.

``fit``/``train``, the model's public ``forward``/``backward``/``loss``,
``sgd_step``, ``load``, the command line and the widgets call these; the
mathematics they guard (a time step, BPTT, an SGD update) stays bare. Each
check returns the value in the form the library uses (an ``int``, a
``float``, a float64 array) or raises a one-line ``TypeError``/``ValueError``
saying what was wrong and what is allowed.
"""

import math
from collections.abc import Mapping

import numpy as np


def _got(value):
    """How to show a rejected value: strings get a hint, since ``"0.1"`` looks like a number."""
    if isinstance(value, str):
        return f"the string {value!r} (write the number without quotes)"
    return repr(value)


def is_int(value):
    """True for a Python or numpy integer, False for ``True``/``False`` (and everything else)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def int_at_least(value, name, minimum=1):
    """``value`` as an ``int`` >= ``minimum`` (``True``/``False`` and ``3.0`` are refused)."""
    if not is_int(value) or value < minimum:
        kind = "a positive int" if minimum == 1 else ("a non-negative int" if minimum == 0
                                                      else f"an int >= {minimum}")
        raise ValueError(f"{name} must be {kind}, got {_got(value)}")
    return int(value)


def positive_int(value, name):
    """``value`` as an ``int`` >= 1 (``True`` and ``3.0`` are refused)."""
    return int_at_least(value, name, 1)


def number(value, name):
    """``value`` as a Python ``float``; strings, bools and non-numbers raise ``TypeError``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {_got(value)}"
                        + ("" if isinstance(value, str) else f" of type {type(value).__name__}"))
    return float(value)


def positive_number(value, name):
    """``value`` as a finite float > 0 (NaN, inf, 0 and negatives raise ``ValueError``)."""
    v = number(value, name)
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a finite positive number, got {value!r}")
    return v


def learn_rate(value):
    """The SGD step size: a finite positive number."""
    return positive_number(value, "learn_rate")


def clip_limit(value, name="clip"):
    """The element-wise gradient clip: ``None`` (no clipping) or a finite positive number."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a positive number or None (no clipping), got {_got(value)}")
    v = float(value)
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive number or None (no clipping), got {value!r}")
    return v


def accuracy(value, name):
    """An accuracy threshold in (0, 1], as a float."""
    v = number(value, name)
    if not 0 < v <= 1:
        raise ValueError(f"{name} must be a test accuracy in (0, 1], got {value!r}")
    return v


def class_index(target, n):
    """A true class in ``0..n-1`` as an ``int``; ``True``/``False`` count as 1/0."""
    if isinstance(target, (bool, np.bool_)):
        target = int(target)
    if not isinstance(target, (int, np.integer)):
        raise TypeError(f"target must be a class index (int), got {type(target).__name__}")
    if not 0 <= target < n:
        raise ValueError(f"target class {target} is out of range 0..{n - 1}")
    return int(target)


def word_index(i, n, where=""):
    """A word index in ``0..n-1`` as an ``int`` (``where`` says where it was, e.g. ``" at t=2"``)."""
    if not is_int(i):
        raise TypeError(f"word indices must be ints, got {type(i).__name__}: {i!r}")
    if not 0 <= i < n:
        raise ValueError(f"word index {i}{where} is out of range 0..{n - 1}")
    return int(i)


def all_finite(a):
    """True if every entry of the array ``a`` is finite (no NaN, no inf)."""
    return bool(np.isfinite(a).all())


def finite_array(value, name, shape=None, what=""):
    """``value`` as a float64 array of ``shape`` (if given) with only finite entries.

    ``what`` is appended to the shape error, e.g. ``", the shape of y"``.
    """
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}") from None
    if shape is not None and a.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}{what}, got {a.shape}")
    if not all_finite(a):
        bad = "NaN" if np.isnan(a).any() else "inf"
        raise ValueError(f"{name} contains {bad}: every entry must be a finite number")
    return a


def labelled_phrases(data, name):
    """A ``{text: label}`` mapping -> list of ``(text, 0 or 1)``; labels are True/False (or 1/0)."""
    if not isinstance(data, Mapping):
        raise TypeError(f"{name} must be a {{text: label}} mapping, got {type(data).__name__}")
    if not data:
        raise ValueError(f"{name} is empty: it needs at least one phrase")
    for text, label in data.items():
        if not isinstance(label, (bool, np.bool_)) and label not in (0, 1):
            raise ValueError(f"{name}[{text!r}] = {label!r}: labels must be True/False (or 1/0)")
    return [(text, int(label)) for text, label in data.items()]


def model_matches_vocab(model, vocab):
    """The model reads one-hot vectors of ``len(vocab)`` words."""
    if len(vocab) != model.input_size:
        raise ValueError(f"the vocabulary has {len(vocab)} words but the model's input_size is "
                         f"{model.input_size}: use the vocabulary the model was built for")


def one_of(value, name, allowed):
    """``value`` if it is one of ``allowed`` (a tuple of strings)."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}, got {value!r}")
    return value


class Columns(tuple):
    """Input columns already checked by ``input_columns`` for ``V`` words: passing them again costs no check."""

    V = None


def input_columns(inputs, V):
    """A model's inputs -> ``Columns``, a tuple of (V, 1) float64 columns, checked.

    ``inputs`` is a non-empty list of (V, 1) columns of finite numbers (one-hot,
    as the article's ``createInputs`` makes) or a non-empty sequence of word
    indices in ``0..V-1``; ``Columns`` checked for the same V are returned as they are.
    """
    if isinstance(inputs, Columns) and inputs.V == V:
        return inputs
    if isinstance(inputs, (str, bytes)):
        raise TypeError("inputs must be word indices or one-hot columns, not text: "
                        "encode it first, e.g. vocab.encode(text)")
    if isinstance(inputs, np.ndarray) and inputs.ndim == 1:
        inputs = list(inputs)
    try:
        items = list(inputs)
    except TypeError:
        raise TypeError(f"inputs must be a sequence, got {type(inputs).__name__}") from None
    if not items:
        raise ValueError("inputs is an empty sequence: an RNN needs at least one time step")
    columns = []
    for t, item in enumerate(items):
        if is_int(item):
            col = np.zeros((V, 1))
            col[word_index(item, V, f" at t={t + 1}"), 0] = 1.0
        elif isinstance(item, np.ndarray):
            if item.shape != (V, 1):
                raise ValueError(f"input x_{t + 1} has shape {item.shape}, expected a ({V}, 1) column "
                                 f"(input_size is {V})")
            col = item.astype(np.float64, copy=False)
            if not all_finite(col):
                raise ValueError(f"input x_{t + 1} contains NaN or inf: inputs must be finite "
                                 "(one-hot columns hold 0 and 1)")
        else:
            raise TypeError(f"input at t={t + 1} must be a word index (int) or a ({V}, 1) array, "
                            f"got {type(item).__name__}")
        columns.append(col)
    columns = Columns(columns)
    columns.V = V
    return columns


def optional_clip_norm(value):
    """``None`` (no clipping) or a positive float: the global norm gradients are clipped to."""
    return None if value is None else positive_number(value, "clip_norm")


def callback(value):
    """``None`` or a function of the training history (called after every epoch)."""
    if value is not None and not callable(value):
        raise TypeError(f"callback must be a function of the history (or None), got {type(value).__name__}")
    return value


def batch_training(epochs, learn_rate, batch_size, clip_norm, on_epoch):
    """The arguments every batched trainer takes (``train_lm``, ``train_translator``), checked at once.

    Returns ``(epochs, learn_rate, batch_size, clip_norm, on_epoch)`` as ints and floats, or raises a
    one-line error naming the first argument that is wrong and what it may be.
    """
    return (int_at_least(epochs, "epochs", 0), positive_number(learn_rate, "learn_rate"),
            positive_int(batch_size, "batch_size"), optional_clip_norm(clip_norm), callback(on_epoch))


def epochs_from_one(epochs, most):
    """``epochs`` as an int in 1..most, or a one-line ``ValueError`` saying what is allowed (the LiveTrainer's box)."""
    if isinstance(epochs, (bool, np.bool_)) or not isinstance(epochs, (int, np.integer)) \
            or not 1 <= epochs <= most:
        raise ValueError(f"epochs must be a whole number from 1 to {most:,}, got {epochs!r}")
    return int(epochs)


def alphabet(value, end):
    """A language model's alphabet: a str of distinct characters starting with the end token ``end``."""
    if not isinstance(value, str) or len(value) < 2 or value[0] != end:
        raise ValueError(f"alphabet must be a str starting with the end token {end!r} and holding at least "
                         f"one character besides it, got {value!r}")
    if len(set(value)) != len(value):
        raise ValueError(f"alphabet must hold distinct characters, got {value!r}")
    return value


def name_list(names, what="names"):
    """``names`` as a list of names; one str (a single name where a list belongs) is a ``TypeError``."""
    if isinstance(names, str):
        raise TypeError(f"{what} must be a list of names, not one str ({names[:40]!r}): it would be read "
                        f"as the names {', '.join(map(repr, names[:4]))}...; write [{names[:40]!r}]")
    try:
        return list(names)
    except TypeError:
        raise TypeError(f"{what} must be a list of names, got {type(names).__name__}") from None


def token_batch(inputs, V, targets=None, mask=None):
    """A language model's batch, checked: ``(idx, targets, mask)`` as time-major (T, B) arrays.

    ``inputs`` (T,) or (T, B) ints in 0..V-1 (T >= 1; one sequence: B = 1);
    ``targets`` ``None`` or ints in 0..V-1 shaped as inputs; ``mask`` ``None``
    or finite weights in [0, 1] shaped as inputs (float64). ``None`` stays ``None``.
    """
    idx = np.asarray(inputs)
    if idx.ndim == 1:
        idx = idx[:, None]
    if idx.ndim != 2 or idx.shape[0] < 1 or not np.issubdtype(idx.dtype, np.integer):
        raise ValueError(f"inputs must be T >= 1 character indices, (T,) or time-major (T, B) ints, "
                         f"got shape {idx.shape} of {idx.dtype}")
    if idx.min() < 0 or idx.max() >= V:
        raise ValueError(f"inputs must be indices in 0..{V - 1}")
    if targets is not None:
        targets = np.asarray(targets)
        targets = targets[:, None] if targets.ndim == 1 else targets
        if targets.shape != idx.shape or not np.issubdtype(targets.dtype, np.integer):
            raise ValueError(f"targets must be ints shaped as inputs {idx.shape}, got {targets.shape}")
        if targets.min() < 0 or targets.max() >= V:
            raise ValueError(f"targets must be indices in 0..{V - 1}")
    if mask is not None:
        mask = np.asarray(mask, dtype=np.float64)
        mask = mask[:, None] if mask.ndim == 1 else mask
        if mask.shape != idx.shape:
            raise ValueError(f"mask must be shaped as inputs {idx.shape}, got {mask.shape}")
        if not (all_finite(mask) and mask.min() >= 0 and mask.max() <= 1):
            raise ValueError("mask must hold finite weights in [0, 1] (1.0 on real steps, 0.0 on padding), "
                             f"got values from {mask.min()} to {mask.max()}")
    return idx, targets, mask


def general_batch(cell, mask):
    """What the classifier's general batched path (any cell, ``RNN.batch_loss``) needs: a cell whose steps
    take (H, B) columns, and no padding (``mask`` ``None``: a gated cell's state does not stay zero on a
    padded step). Two attribute tests, cheap enough for every batch."""
    if mask is not None:
        raise ValueError("a gated cell's batches hold phrases of one length (make_batches' 'bucket'): "
                         "its state does not stay zero on a padded step")
    if not getattr(cell, "columns", False):
        raise ValueError(f"the batched path needs a cell whose steps take (H, B) columns (columns = True); "
                         f"this model's cell is {cell!r}: use engine='loop'")


def one_hot_indices(columns, b):
    """Checked (V, 1) columns (``input_columns``) of sequence ``b`` -> their word indices, int64 (T,).

    Each column must be one-hot (one 1.0, every other entry 0): a batch reads every column as one word.
    """
    for t, c in enumerate(columns, 1):
        if not (np.count_nonzero(c) == 1 and c.max() == 1.0):
            raise ValueError(f"input x_{t} of sequence {b} is not one-hot (one 1.0, the rest 0): batch_gradients "
                             "reads each column as one word; use model.loss for other inputs")
    return np.array([int(np.argmax(c)) for c in columns], dtype=np.int64)
