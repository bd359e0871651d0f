"""Save and load any model of the course, in one ``.npz`` file, without pickle: ``save`` and ``load``, keyed by kind.

The file holds the model's parameters by name, its cell's name (``"rnn"``,
``"lstm"``, ``"gru"`` or a cell registered in ``rnn_lib.cells.CELLS``; a file
without one, written before the gated cells, holds a vanilla ``"rnn"``) and a
format version; a classifier's file also holds the vocabulary as a unicode
array, a language model's (``rnn_lib.lm.CharLM``) ``kind = "lm"`` and its
alphabet, a date translator's (``rnn_lib.seq2seq.Seq2Seq``) ``kind = "dates"``,
its two character sets and its sizes. ``load`` reads every one of them and
says which it found. The guarantees
(docs/RELIABILITY.md):

- ``save`` is atomic: it writes a temporary file in the target's folder, flushes
  it to disk (``fsync``) and renames it over the target (``os.replace``) only
  when it is complete. If anything fails on the way (a full disk, Ctrl-C, an
  exception), the previous file at that path is left as it was and the
  temporary file is removed.
- ``save`` refuses a model whose weights hold a NaN or an infinity, naming the
  parameter: such a file could never be loaded.
- A path without the ``.npz`` suffix (in any case: ``x.NPZ`` has it) gets it, in
  ``save`` and in ``load`` alike: ``save("model")`` writes ``model.npz`` and
  ``load("model")`` reads it.
- Only regular files are written and read: a device, a named pipe or a folder
  (also behind a symlink) is refused in one line, and a read never blocks. A
  symlink is followed to its real target, whose folder is checked; a loop of
  symlinks is said to be one.
- An ``OSError`` while writing (a full disk, a file size limit) is a
  ``SaveError`` (an ``OSError``) whose one-line message names the file.
- The temporary file has a short name of fixed length (``.rnnlib-<hash>-<random>.tmp``,
  the hash that of the target's name), so any name the system allows can be
  saved; a save removes the temporary files of its own target left by a save
  that was killed (older than the running process and not locked by another).
- ``load`` checks everything before it builds a model, so a missing, unreadable,
  truncated, foreign (a ``.npy`` array, a text file, a pickle) or mismatched
  file raises ``ModelFileError`` and never returns a half-loaded model. Nothing
  in a file is ever unpickled or executed.
"""

import os
import zipfile

import numpy as np

from .files import SUFFIX, _as_str, open_regular, write_atomically
from .cells import CELLS
from .model import MODELS, RNN
from .vocab import Vocabulary

FORMAT_VERSION = 1
#: The first bytes of a zip archive (an ``.npz`` file) and of a single ``.npy`` array.
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_NPY_MAGIC = b"\x93NUMPY"


class ModelFileError(ValueError):
    """A model file that is missing, damaged, or does not describe a valid model."""


def expected_size(model, vocab=None):
    """About how many bytes ``save`` writes for ``model``: 8 per parameter, plus the
    vocabulary and the archive's headers. ``check_writable(path, nbytes=...)`` compares it with the free space."""
    words = list(getattr(vocab, "words", vocab or ()))
    vocab_bytes = 4 * len(words) * max((len(w) for w in words), default=0)
    return 8 * int(sum(a.size for a in model.params.values())) + vocab_bytes + 4096 + 512 * len(model.params)


def save(path, model, vocab=None):
    """Write ``model`` (and a classifier's ``vocab``) to ``path`` atomically (".npz" is appended if missing).

    ``model`` is a classifier (``RNN``, ``LSTM``, ``GRU``), saved with the
    ``Vocabulary`` that encodes its phrases, a ``CharLM``, which carries its
    alphabet, or a date translator ``Seq2Seq``, which carries its characters
    (``vocab`` stays ``None`` for both). Its cell must be one ``load`` can
    rebuild: a cell of ``rnn_lib.cells.CELLS``, found by name.

    The file appears complete or not at all: it is written to a temporary file in
    the same folder and renamed into place at the end, so an existing model at
    ``path`` survives any failure. Raises ``TypeError`` for arguments of the
    wrong type, ``ValueError`` for a vocabulary that does not fit the model, for
    a weight that is NaN or infinite (naming the parameter), or for a folder that
    does not exist or cannot be written (nothing is written then).

    Returns the path written.
    """
    from .lm import CharLM
    from .seq2seq import Seq2Seq
    if isinstance(model, Seq2Seq):
        return _save_dates(path, model, vocab)
    if isinstance(model, CharLM):
        if vocab is not None:
            raise TypeError("a language model carries its alphabet: save(path, model), without a vocabulary")
        cell = _cell_name(model)
        return _write(path, format_version=np.array(FORMAT_VERSION), kind=np.array(LM_KIND), cell=np.array(cell),
                      alphabet=np.array(model.alphabet), **_finite_params(model))
    if not isinstance(model, RNN):
        raise TypeError(f"model must be an rnn_lib RNN, LSTM, GRU, CharLM or Seq2Seq, got {type(model).__name__}")
    if not isinstance(vocab, Vocabulary):
        raise TypeError(f"vocab must be an rnn_lib Vocabulary, got {type(vocab).__name__}")
    if len(vocab) != model.input_size:
        raise ValueError(f"the vocabulary has {len(vocab)} words but the model's input_size is {model.input_size}")
    cell = _cell_name(model)
    arrays = _finite_params(model)
    return _write(path, format_version=np.array(FORMAT_VERSION), cell=np.array(cell),
                  vocab=np.array(vocab.words, dtype=str), **arrays)


def _cell_name(model, cell_object=None):
    """The model's cell's name, if ``CELLS`` rebuilds exactly that cell from it; else a ``ValueError``."""
    cell_object = model.cell if cell_object is None else cell_object
    cell = getattr(cell_object, "name", None)
    if not isinstance(cell, str) or CELLS.get(cell) is not type(cell_object):
        raise ValueError(f"save writes the cells of rnn_lib.cells.CELLS ({', '.join(map(repr, CELLS))}); this "
                         f"model's cell is {cell_object!r}, which load could not rebuild: register its class "
                         f"with rnn_lib.cells.register_cell first")
    return cell


def _finite_params(model):
    """The model's parameters as float64 copies; a NaN or infinity is a ``ValueError`` naming the parameter."""
    arrays = {name: np.array(a, dtype=np.float64) for name, a in model.params.items()}
    for name, a in arrays.items():
        bad = int(a.size - np.count_nonzero(np.isfinite(a)))
        if bad:
            raise ValueError(f"cannot save the model: {name} holds {bad} NaN or infinite value{'s' * (bad > 1)} "
                             f"(training diverged: try a smaller learning rate, with clipping on); "
                             f"nothing was written")
    return arrays


def _write(path, **arrays):
    """Write ``arrays`` to ``path`` (".npz" appended) atomically: a temporary file, fsync, rename."""
    return write_atomically(path, lambda f: np.savez(f, **arrays))


def _resolve_for_loading(path):
    """``path``, or ``path + ".npz"`` if only that exists (what ``save(path)`` wrote)."""
    path = _as_str(path)
    if path and not os.path.lexists(path) and not path.lower().endswith(SUFFIX) and os.path.lexists(path + SUFFIX):
        return path + SUFFIX
    return path


def _read_arrays(path):
    """The arrays of the ``.npz`` file at ``path``, or a ``ModelFileError`` saying why not."""
    with open_regular(path, ModelFileError) as f:
        return _parse(path, f)


def _parse(path, f):
    """The arrays of the open model file ``f``."""
    try:
        magic = f.read(len(_NPY_MAGIC))
        f.seek(0)
    except OSError as e:
        raise ModelFileError(f"model file {path!r} cannot be read: {e.strerror or e}") from None
    if magic.startswith(_NPY_MAGIC):
        raise ModelFileError(f"{path!r} holds a single numpy array (.npy), not an rnn_lib model file: "
                             "a model file is the .npz archive written by rnn_lib.save")
    if not (magic.startswith(_ZIP_MAGIC) or magic.startswith(_EMPTY_ZIP_MAGIC)):
        raise ModelFileError(f"{path!r} is not an rnn_lib model file (not an .npz archive): "
                             "a model file is written by rnn_lib.save or 'python -m rnn_lib train --save'")
    try:
        with np.load(f, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except Exception as e:  # noqa: BLE001 - whatever a damaged archive raises (zipfile, zlib, numpy) is one error
        raise ModelFileError(f"{path!r} is not a readable rnn_lib model file (damaged, or not written by "
                             f"rnn_lib.save): {_reason(e)}") from None


def _reason(e):
    """A short reason for a parse failure; never numpy's advice to load pickled data unsafely."""
    text = " ".join(str(e).split())
    if "pickle" in text.lower() or "allow_pickle" in text:
        return "it holds pickled Python objects, which rnn_lib never writes and never loads"
    if isinstance(e, zipfile.BadZipFile):
        return f"broken zip archive ({text})"
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def load(path, expect=None):
    """Read any file written by ``save`` (a classifier's, a language model's, a translator's); ``(model, encoder)``.

    For a classifier's file the model is an ``RNN``, ``LSTM`` or ``GRU``, as
    the file's cell says (``RNN(cell=name)`` for another registered cell), and
    ``encoder`` its ``Vocabulary``; for a language model's file the model is a
    ``CharLM`` and ``encoder`` its alphabet (a str); for a date translator's the
    model is a ``Seq2Seq`` and ``encoder`` the characters it reads (a str).
    ``expect`` refuses a file holding another kind of model: ``"lm"`` (or
    ``CharLM``) for a language model, ``"dates"`` (or ``Seq2Seq``) for a date
    translator, ``"classifier"`` for a classifier of any cell, a cell name or one of
    ``RNN``, ``LSTM``, ``GRU`` for a classifier of that cell (e.g.
    ``load(path, expect=rnn_lib.LSTM)``).
    ``load(path)`` finds what ``save(path)`` wrote: if ``path`` does not exist
    and lacks ``.npz``, ``path + ".npz"`` is read. Raises ``ModelFileError`` (a
    ``ValueError``) naming the file and what is wrong with it: not found, a
    folder, unreadable, not an npz archive, truncated, a missing or stray array,
    a format version other than ``FORMAT_VERSION``, an unknown or unexpected
    cell or kind, non-finite weights, or shapes that do not fit together.
    ``TypeError`` if ``path`` is not a path.
    """
    from .lm import CharLM
    from .seq2seq import Seq2Seq
    expect = {CharLM: LM_KIND, Seq2Seq: DATES_KIND}.get(expect, expect) if isinstance(expect, type) else expect
    if expect is not None:
        expect = next((c for c, cls in MODELS.items() if expect is cls), expect)
        if expect not in (*CELLS, LM_KIND, DATES_KIND, CLASSIFIER):
            raise ValueError(f"expect must be one of "
                             f"{', '.join(map(repr, (*CELLS, LM_KIND, DATES_KIND, CLASSIFIER)))}, RNN, "
                             f"LSTM, GRU, CharLM or Seq2Seq, got {expect!r}")
    try:
        path = _resolve_for_loading(path)
    except ValueError as e:
        raise ModelFileError(str(e)) from None
    data = _read_arrays(path)
    kind = data.get("kind")
    if kind is not None and kind.shape == () and kind.dtype.kind == "U" and str(kind) == DATES_KIND:
        if expect is not None and expect != DATES_KIND:
            raise ModelFileError(f"{path!r} holds a date translator, not a "
                                 f"{'character language model' if expect == LM_KIND else 'classifier'}: "
                                 "'python -m rnn_lib dates translate' reads it")
        model = _load_dates(path, data)
        return model, model.input_chars
    if expect == DATES_KIND:
        what = "a character language model" if kind is not None else "a classifier"
        raise ModelFileError(f"{path!r} holds {what}, not a date translator: train one with "
                             "'python -m rnn_lib dates train --save PATH'")
    if "kind" in data:
        if expect is not None and expect != LM_KIND:
            raise ModelFileError(f"{path!r} holds a character language model, not a classifier: "
                                 f"'python -m rnn_lib lm sample' writes names with it")
        model = _load_lm(path, data)
        return model, model.alphabet
    if expect == LM_KIND:
        raise ModelFileError(f"{path!r} holds a classifier, not a character language model: "
                             f"train a language model with 'python -m rnn_lib lm train'")
    return _load_classifier(path, data, None if expect == CLASSIFIER else expect)


def _load_classifier(path, data, expect):
    _check_version(path, data)
    cell = data.pop("cell", np.array("rnn"))  # files from before the gated cells hold the vanilla cell
    if cell.shape != () or cell.dtype.kind != "U" or str(cell) not in CELLS:
        shown = " ".join(str(cell.tolist()).split())[:40]
        raise ModelFileError(f"{path!r}: the cell must be one of {', '.join(map(repr, CELLS))}, got {shown!r}")
    cell = str(cell)
    if expect is not None and cell != expect:
        raise ModelFileError(f"{path!r} holds a {_kind(cell)} (cell {cell!r}), not a "
                             f"{_kind(expect)} (cell {expect!r}): load it with expect={cell!r}, "
                             f"or without expect")
    build = MODELS[cell] if cell in MODELS else (lambda V, O, H, rng: RNN(V, O, H, rng=rng, cell=cell))
    names = build(1, 1, 1, rng=0).shapes  # the parameters' names, in order
    missing = [k for k in ("format_version", "vocab", *names) if k not in data]
    if missing:
        raise ModelFileError(f"{path!r} lacks {', '.join(missing)}: it was not written by rnn_lib.save")
    unexpected = sorted(set(data) - {"format_version", "vocab", *names})
    if unexpected:
        raise ModelFileError(f"{path!r} has arrays {', '.join(unexpected)} that a {cell!r} model does not have")
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
    model = build(len(vocab), O, H, rng=0)
    _fill_params(path, model, data, f"vocabulary of {len(vocab)} words, hidden size {H}")
    return model, vocab


def _kind(cell):
    return MODELS[cell].__name__ if cell in MODELS else f"RNN(cell={cell!r})"


def _fill_params(path, model, data, sizes):
    """Check the file's arrays against ``model.shapes`` (shape, finite floats), then copy them in.

    ``sizes`` says where the expected shapes come from, for the message. Nothing is
    copied unless every array passes.
    """
    for name, shape in model.shapes.items():
        a = data[name]
        if a.shape != shape:
            raise ModelFileError(f"{path!r}: {name} has shape {a.shape}, expected {shape} ({sizes})")
        if a.dtype.kind != "f" or not np.all(np.isfinite(a)):
            raise ModelFileError(f"{path!r}: {name} must hold finite floats")
    for name in model.shapes:
        model.params[name][...] = data[name]


def _check_version(path, data):
    version = data.get("format_version")
    if version is not None and (version.shape != () or version.dtype.kind not in "iu"
                                or int(version) != FORMAT_VERSION):
        shown = " ".join(str(version.tolist()).split())[:40]
        raise ModelFileError(f"{path!r} has format version {shown!r}; this rnn_lib reads format version "
                             f"{FORMAT_VERSION} only")


# --- the character language model (rnn_lib.lm) --------------------------------------------------
#: The ``kind`` array of a language model's file; a classifier's file has no ``kind``.
LM_KIND = "lm"
#: ``load(path, expect=CLASSIFIER)``: a classifier of any cell.
CLASSIFIER = "classifier"


def _load_lm(path, data):
    """The ``CharLM`` of a language model's file (``kind = "lm"``), every array checked first."""
    from .lm import CharLM
    kind = data.pop("kind")
    if kind.shape != () or kind.dtype.kind != "U" or str(kind) != LM_KIND:
        raise ModelFileError(f"{path!r}: kind must be {LM_KIND!r}, got {' '.join(str(kind.tolist()).split())[:40]!r}")
    _check_version(path, data)
    cell, alphabet = data.pop("cell", None), data.pop("alphabet", None)
    if cell is None or cell.shape != () or cell.dtype.kind != "U" or str(cell) not in CELLS:
        raise ModelFileError(f"{path!r}: the cell must be one of {', '.join(map(repr, CELLS))}")
    if alphabet is None or alphabet.shape != () or alphabet.dtype.kind != "U":
        raise ModelFileError(f"{path!r}: the alphabet must be one string")
    Why = data.get("Why")
    if Why is None or Why.ndim != 2 or min(Why.shape) < 1:
        raise ModelFileError(f"{path!r}: Why must be a non-empty matrix")
    try:
        E = data.get("E")  # a learned embedding (V, D), if the model has one; a wrong shape fails below
        model = CharLM(str(alphabet), Why.shape[1], rng=0, cell=str(cell),
                       embed_dim=E.shape[1] if E is not None and E.ndim == 2 else None)
    except ValueError as e:
        raise ModelFileError(f"{path!r}: {e}") from None
    names = set(model.shapes)
    missing = [k for k in ("format_version", *model.shapes) if k not in data]
    if missing:
        raise ModelFileError(f"{path!r} lacks {', '.join(missing)}: it was not written by rnn_lib.save")
    unexpected = sorted(set(data) - names - {"format_version"})
    if unexpected:
        raise ModelFileError(f"{path!r} has arrays {', '.join(unexpected)} that a {str(cell)!r} language model "
                             "does not have")
    _fill_params(path, model, data, f"alphabet of {len(model.alphabet)}, hidden size {model.hidden_size}")
    return model


# --- the date translator (rnn_lib.seq2seq) ------------------------------------------------------
#: The ``kind`` array of a date translator's file.
DATES_KIND = "dates"


def _save_dates(path, model, vocab):
    """``save`` for a ``Seq2Seq``: its cell, its two character sets, its sizes and its weights."""
    if vocab is not None:
        raise TypeError("a date translator carries its characters: save(path, model), without a vocabulary")
    cell = _cell_name(model, model.enc_cell)
    sizes = np.array([model.hidden_size, model.attention_size, model.output_length, int(model.attention)])
    return _write(path, format_version=np.array(FORMAT_VERSION), kind=np.array(DATES_KIND), cell=np.array(cell),
                  input_chars=np.array(model.input_chars), output_chars=np.array(model.output_chars),
                  sizes=sizes, **_finite_params(model))


def _string(path, data, name):
    a = data.pop(name, None)
    if a is None or a.shape != () or a.dtype.kind != "U":
        raise ModelFileError(f"{path!r}: {name} must be one string: it was not written by rnn_lib.save")
    return str(a)


def _load_dates(path, data):
    """The ``Seq2Seq`` of a date translator's file (``kind = "dates"``), every array checked first."""
    from .seq2seq import Seq2Seq
    data.pop("kind")
    _check_version(path, data)
    cell = _string(path, data, "cell")
    if cell not in CELLS:
        raise ModelFileError(f"{path!r}: the cell must be one of {', '.join(map(repr, CELLS))}, got {cell[:40]!r}")
    input_chars, output_chars = _string(path, data, "input_chars"), _string(path, data, "output_chars")
    sizes = data.pop("sizes", None)
    if sizes is None or sizes.shape != (4,) or sizes.dtype.kind not in "iu" or sizes[:3].min() < 1 \
            or sizes[3] not in (0, 1) or sizes[:3].max() > 100_000:
        raise ModelFileError(f"{path!r}: sizes must be four whole numbers (hidden, attention, output length, "
                             "attention on): it was not written by rnn_lib.save")
    H, A, L, on = (int(s) for s in sizes)
    try:
        model = Seq2Seq(input_chars, output_chars, hidden_size=H, attention=bool(on), attention_size=A,
                        cell=cell, output_length=L, rng=0)
    except ValueError as e:
        raise ModelFileError(f"{path!r}: {e}") from None
    missing = [k for k in ("format_version", *model.shapes) if k not in data]
    if missing:
        raise ModelFileError(f"{path!r} lacks {', '.join(missing)}: it was not written by rnn_lib.save")
    unexpected = sorted(set(data) - set(model.shapes) - {"format_version"})
    if unexpected:
        raise ModelFileError(f"{path!r} has arrays {', '.join(unexpected)} that this translator does not have")
    _fill_params(path, model, data, f"hidden size {H}, attention size {A}")
    return model
