"""Checkers for the learners' exercises: one ``check_*`` per exercise, one line of feedback each.

A learner writes a function in an exercise cell and checks it in the next cell::

    check_bptt(bptt)        # ✅ bptt: all 6 checks passed
                            # ❌ bptt: dL/dWhh wrong when Whh is not symmetric — is the hidden
                            #    gradient passed back through Whh.T?
                            # ⏳ bptt: not written yet

Each checker runs the function on a few small seeded cases, chosen so that each case isolates one
mistake, compares the answers with the library's, and returns a ``CheckResult``: truthy exactly
when every check passed, shown as its one line in a notebook (and by ``print``/``repr``). The first
failing check decides the line; where the answer equals what a known mistake gives (a missing
transpose, a missing tanh' factor, ...), the line names that mistake.

The learner never sees a traceback: an exception raised inside their code becomes one line naming
the exception and the line of their code that raised it. A function that raises ``NotWritten``
(or any ``NotImplementedError``, as nbgrader's templates do) is "not written yet".

``strict=True``, or ``RNN_LIB_STRICT=1`` in the environment, makes every result other than a pass
raise ``AssertionError`` with the same line (for CI); ``strict=False`` never raises.

Cells after an exercise need its function even when the learner has not written it yet:
``use(fn)`` returns ``fn`` if its last check passed and the library's reference (same signature)
otherwise, so a student notebook runs top to bottom. The references are ``REFERENCES[name]``.

The exercises and their signatures (as the notebooks write them):

* notebook 01: ``check_encode(encode)``, ``encode(text, word_to_idx) -> list of T ints``;
  ``check_one_hot(one_hot)``, ``one_hot(index, V) -> (V, 1) array``;
* notebook 02: ``check_step_forward(step_forward)``, ``step_forward(x, h_prev, Wxh, Whh, bh) -> h``
  (or ``(h, cache)``); ``check_forward(rnn_forward)``, ``rnn_forward(xs, Wxh, Whh, Why, bh, by) -> (y, hs)``;
* notebook 03: ``check_softmax_cross_entropy(loss_and_grad)``, ``loss_and_grad(y, c) -> (L, p, d_y)``
  (or ``(L, d_y)``); ``check_bptt_step(bptt_step)``, ``bptt_step(d_h, cache) -> (d_h_prev, grads)``;
  ``check_bptt(bptt)``, ``bptt(model, xs, hs, d_y) -> grads`` (or ``(grads, ...)``);
  ``check_bptt_many_to_many(bptt_many)``, ``bptt_many(model, xs, hs, d_ys) -> grads`` (or ``(grads, ...)``);
* notebook 04: ``check_train_epoch(train_epoch)``, ``train_epoch(model, inputs, targets, rng) -> (loss, accuracy)``.
"""

import html
import os
import sysconfig
import traceback
import warnings
import weakref

import numpy as np

from .losses import softmax, softmax_cross_entropy
from .model import PARAM_NAMES, RNN, step_backward, step_forward
from .optim import CLIP, LEARN_RATE, sgd_step

__all__ = [
    "CheckResult", "NotWritten", "REFERENCES", "check_bptt", "check_bptt_many_to_many", "check_bptt_step",
    "check_encode", "check_forward", "check_one_hot", "check_softmax_cross_entropy", "check_step_forward",
    "check_train_epoch", "reference_bptt", "reference_bptt_many_to_many", "reference_encode",
    "reference_forward", "reference_one_hot", "reference_step_forward", "reference_train_epoch", "use",
]

STRICT_ENV = "RNN_LIB_STRICT"
_lib_step_forward = step_forward  # check_step_forward's argument has the same name
#: Tolerances for "equal to the library's answer": rounding differs between correct orders of summation.
RTOL, ATOL = 1e-7, 1e-10
#: An exception message is cut to this many characters, so the feedback stays one line.
MAX_MESSAGE = 120


class NotWritten(NotImplementedError):
    """Raised by an exercise the learner has not written yet; the checkers report "⏳ not written yet"."""

    def __init__(self, message="not written yet: replace `raise NotWritten()` with your code"):
        super().__init__(message)


# --------------------------------------------------------------------------------------------------
# The result


class CheckResult:
    """The outcome of one checker: truthy exactly when every check passed; shown as one line.

    Attributes:
        name: the exercise's name (``"bptt"``).
        status: ``"passed"``, ``"failed"``, ``"not written"`` or ``"error"`` (the code raised).
        line: the one line shown, e.g. ``"✅ bptt: all 6 checks passed"``.
        n_checks: how many checks the exercise has; ``n_passed``: how many passed before the first failure.
        function: the learner's function if every check passed, else the library's reference.
    """

    ICONS = {"passed": "✅", "failed": "❌", "error": "❌", "not written": "⏳"}

    def __init__(self, name, status, message, n_checks, n_passed, function):
        self.name, self.status, self.n_checks, self.n_passed = name, status, n_checks, n_passed
        self.message = message
        self.line = f"{self.ICONS[status]} {name}: {message}"
        self.function = function

    def __bool__(self):
        return self.status == "passed"

    @property
    def passed(self):
        return self.status == "passed"

    def __repr__(self):
        return self.line

    __str__ = __repr__

    def _repr_pretty_(self, p, cycle):
        p.text(self.line)

    def _repr_html_(self):
        colour = {"passed": "#1a7f37", "not written": "#6e7781"}.get(self.status, "#cf222e")
        return (f'<div class="rnn-lib-check" style="font-family: monospace; color: {colour}">'
                f"{html.escape(self.line)}</div>")


_LAST_RESULTS = weakref.WeakKeyDictionary()  # learner's function -> its last CheckResult


def use(fn):
    """``fn`` if its last check passed, else the library's reference for that exercise (same signature).

    Cells after an exercise call ``use(bptt)(...)``: the learner's function once it is right, and
    until then the library's, so the rest of the notebook runs. A function not checked since it was
    (re)defined is checked now if it has a notebook's name (``bptt``, ``train_epoch``, ...).
    """
    result = _LAST_RESULTS.get(fn) if _weakrefable(fn) else None
    if result is None:  # redefined and not checked since: check it now, if its name says which exercise
        name = getattr(fn, "__name__", type(fn).__name__)
        checker = globals().get(_CHECKER_OF.get(name, ""))
        if checker is None:
            raise ValueError(f"{name} has not been checked yet: run its check cell (check_...({name})) first")
        result = checker(fn, strict=False)
    return result.function


def _weakrefable(fn):
    try:
        weakref.ref(fn)
    except TypeError:
        return False
    return True


# --------------------------------------------------------------------------------------------------
# Running the learner's code


class _Failed(Exception):
    """A check failed; ``args[0]`` is the hint shown to the learner."""


class _LearnerRaised(Exception):
    """The learner's code raised ``args[0]``."""


class _NotWrittenYet(Exception):
    pass


_LIB_DIR = os.path.dirname(os.path.abspath(__file__))
_SKIPPED_DIRS = tuple(os.path.join(os.path.abspath(p), "") for p in (
    _LIB_DIR, os.path.dirname(np.__file__), sysconfig.get_paths()["stdlib"]))


def _learner_frame(exc):
    """The last frame of ``exc``'s traceback in the learner's code (not rnn_lib, numpy or the stdlib)."""
    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        path = os.path.abspath(frame.filename) if not frame.filename.startswith("<") else frame.filename
        if not path.startswith(_SKIPPED_DIRS):
            return frame
    return None


def _describe_exception(exc):
    """One line: the exception, its message's first line, and the learner's line that raised it."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE - 1] + "…"
    what = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    frame = _learner_frame(exc)
    if frame is None:
        return f"your code raised {what}"
    where = f"line {frame.lineno}" + (f" of {frame.name}()" if frame.name.isidentifier() else "")
    code = (frame.line or "").strip()
    return f"your code raised {what} — at {where}: {code}" if code else f"your code raised {what} — at {where}"


def _call(fn, *args):
    """Call the learner's function; its exceptions become ``_NotWrittenYet`` or ``_LearnerRaised``.

    Warnings (numpy's overflow, say) are silenced during the call: the checks judge the answer,
    and the feedback stays one line.
    """
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return fn(*args)
    except NotImplementedError:
        raise _NotWrittenYet() from None
    except Exception as exc:  # the learner's bug, reported in one line
        raise _LearnerRaised(exc) from None


def _strict(strict):
    if strict is not None:
        return bool(strict)
    return os.environ.get(STRICT_ENV, "").strip().lower() not in ("", "0", "false", "no")


def _run(name, fn, checks, reference, strict, after=None):
    """Run ``checks`` (a list of callables taking ``fn``) in order; the first failure decides the line.

    ``after()``, if given, is called when every check passed and returns ``(use_reference, note)``:
    whether the cells below should use the reference anyway, and a note for the line.
    """
    n = len(checks)
    status, message, n_passed = "passed", f"all {n} checks passed", n
    if not callable(fn):
        status, message, n_passed = "failed", f"expected your function, got {_kind(fn, returned=False)}", 0
    else:
        for i, check in enumerate(checks):
            try:
                check(fn)
            except _NotWrittenYet:
                status, message, n_passed = "not written", "not written yet", i
            except _Failed as failure:
                status, message, n_passed = "failed", failure.args[0], i
            except _LearnerRaised as raised:
                status, message, n_passed = "error", _describe_exception(raised.args[0]), i
            else:
                continue
            break
    function = fn if status == "passed" else reference
    if status == "passed" and after is not None:
        use_reference, note = after()
        if use_reference:
            function, message = reference, f"{message} ({note})"
    result = CheckResult(name, status, message, n, n_passed, function)
    if callable(fn) and _weakrefable(fn):
        _LAST_RESULTS[fn] = result
    if status != "passed" and _strict(strict):
        raise AssertionError(result.line)
    return result


# --------------------------------------------------------------------------------------------------
# Comparing answers


def _kind(value, returned=True):
    """How ``value`` is described in a hint; a returned ``None`` suggests a missing ``return``."""
    if value is None:
        return "None (is a `return` missing?)" if returned else "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a {type(value).__name__}"


def _array(value, what):
    """``value`` as a float array, or a failed check saying what it was."""
    if value is None:
        raise _Failed(f"{what} is None — is a `return` missing?")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise _Failed(f"{what} should be a numpy array, got {_kind(value)}") from None
    return arr


def _shaped(value, shape, what, hint=""):
    arr = _array(value, what)
    if arr.shape != tuple(shape):
        raise _Failed(f"{what} has shape {arr.shape}, expected {tuple(shape)}" + (f" — {hint}" if hint else ""))
    return arr


def _close(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return False
    return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL * max(1.0, float(np.abs(b).max(initial=0.0)))))


def _all_close(got, expected, names):
    return all(_close(got[n], expected[n]) for n in names)


def _first_of(value):
    """The gradient dict from ``grads`` or ``(grads, ...)``."""
    if isinstance(value, dict):
        return value
    if isinstance(value, (tuple, list)) and value and isinstance(value[0], dict):
        return value[0]
    raise _Failed(f"should return the gradient dict (or a tuple whose first item is it), got {_kind(value)}")


def _check_grads(grads, shapes, what="grads"):
    """Every expected key present, with the parameter's shape; returns float arrays."""
    missing = [n for n in shapes if n not in grads]
    if missing:
        raise _Failed(f"{what} lacks {', '.join(repr(m) for m in missing)}: "
                      f"expected the keys {', '.join(repr(n) for n in shapes)}")
    out = {}
    for name, shape in shapes.items():
        out[name] = _shaped(grads[name], shape, f"{what}[{name!r}]",
                            hint=f"a gradient has its parameter's shape {tuple(shape)}")
    return out


def _snapshot(*arrays):
    return [np.array(a, copy=True) for a in arrays]


def _unchanged(before, after):
    return all(np.array_equal(b, np.asarray(a)) for b, a in zip(before, after))


def _diagnose(got, expected, names, mutants, default):
    """No failure if ``got`` matches ``expected``; else the hint of the first mutant it matches, else ``default``.

    ``mutants`` is a list of ``(answer_of_a_known_mistake, hint)``.
    """
    if _all_close(got, expected, names):
        return
    for answer, hint in mutants:
        if _all_close(got, answer, names) and not _all_close(answer, expected, names):
            raise _Failed(hint)
    wrong = [n for n in names if not _close(got[n], expected[n])]
    raise _Failed(default(wrong) if callable(default) else default)


def _d(name):
    return f"dL/d{name}"


# --------------------------------------------------------------------------------------------------
# Notebook 1: text to indices, one-hot


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

    Checks, in order: it returns a list of ints, one per word ("i am good"); the indices are the
    words' own, in the words' order ("not good", "i am not bad"); a repeated word gets its index at
    each occurrence ("not not good"); any whitespace separates words ("  i  am\\tgood "); it uses
    the ``word_to_idx`` it is given, not a global vocabulary.
    """
    w2i = _WORD_TO_IDX

    def returns_ints(fn):
        got = _indices(_call(fn, "i am good", dict(w2i)))
        if len(got) != 3:
            raise _Failed(f"'i am good' gave {len(got)} indices, expected 3 — one index per word: "
                          "split with text.split()")

    def order(fn):
        for text in ("not good", "i am not bad"):
            expected = reference_encode(text, w2i)
            got = _indices(_call(fn, text, dict(w2i)))
            if got == expected:
                continue
            if got == expected[::-1]:
                raise _Failed(f"{text!r} gave {got}: the indices must follow the words' order, first word first")
            if got == sorted(expected):
                raise _Failed(f"{text!r} gave {got}, sorted: keep the words' order")
            if got == [i + 1 for i in expected]:
                raise _Failed(f"{text!r} gave {got}: indices start at 0, word_to_idx[word] is the index")
            raise _Failed(f"{text!r} gave {got}, expected {expected}: each word's index is word_to_idx[word]")

    def repeated(fn):
        text = "not not good"
        got = _indices(_call(fn, text, dict(w2i)))
        expected = reference_encode(text, w2i)
        if got != expected:
            hint = " — don't remove repeated words (no set)" if len(got) < len(expected) else ""
            raise _Failed(f"{text!r} gave {got}, expected {expected}: a repeated word gets its index each time{hint}")

    def whitespace(fn):
        text = "  i  am\tgood "
        try:
            got = _indices(_call(fn, text, dict(w2i)))
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
        got = _indices(_call(fn, text, other))
        if got != reference_encode(text, other):
            raise _Failed(f"with another word_to_idx {text!r} gave {got}, expected "
                          f"{reference_encode(text, other)}: use the word_to_idx argument, not a global vocabulary")

    return _run("encode", encode, [returns_ints, order, repeated, whitespace, its_own_vocabulary],
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
    def column(fn):
        got = _array(_call(fn, 2, 7), "one_hot(2, 7)")
        if got.shape == (7,):
            raise _Failed("one_hot(2, 7) has shape (7,): make a column of shape (V, 1), e.g. np.zeros((V, 1))")
        if got.shape == (1, 7):
            raise _Failed("one_hot(2, 7) has shape (1, 7), a row: make a column of shape (V, 1)")
        _shaped(got, (7, 1), "one_hot(2, 7)")

    def the_one(fn):
        got = _shaped(_call(fn, 2, 7), (7, 1), "one_hot(2, 7)")
        if _close(got, reference_one_hot(2, 7)):
            return
        ones = np.flatnonzero(got[:, 0])
        if len(ones) == 1 and got[ones[0], 0] == 1 and ones[0] in (1, 3):
            raise _Failed(f"one_hot(2, 7) has its 1 in row {ones[0]}: rows count from 0, the 1 goes in row index")
        raise _Failed(f"one_hot(2, 7) is {got[:, 0].tolist()}: expected a single 1.0 in row 2 and zeros elsewhere")

    def ends(fn):
        for index in (0, 6):
            got = _shaped(_call(fn, index, 7), (7, 1), f"one_hot({index}, 7)")
            if not _close(got, reference_one_hot(index, 7)):
                raise _Failed(f"one_hot({index}, 7) is {got[:, 0].tolist()}: the 1 goes in row {index} "
                              f"(rows 0 to V-1)")

    def uses_v(fn):
        got = _array(_call(fn, 1, 3), "one_hot(1, 3)")
        if got.shape != (3, 1):
            raise _Failed(f"one_hot(1, 3) has shape {got.shape}, expected (3, 1): use the V argument, not a global")
        if not _close(got, reference_one_hot(1, 3)):
            raise _Failed(f"one_hot(1, 3) is {got[:, 0].tolist()}: expected [0.0, 1.0, 0.0]")

    def fresh(fn):
        first = _call(fn, 0, 4)
        kept = np.array(first, dtype=np.float64, copy=True)
        _call(fn, 3, 4)
        if not np.array_equal(np.asarray(first, dtype=np.float64), kept):
            raise _Failed("calling one_hot again changed the array it returned before: create a new array each call")

    return _run("one_hot", one_hot, [column, the_one, ends, uses_v, fresh], reference_one_hot, strict)


# --------------------------------------------------------------------------------------------------
# Notebook 2: one step, the forward loop


def _weights(rng, V, H, O, scale=0.5, symmetric=False):
    """Random weights of sensible scale (no zeros, Whh not symmetric unless asked)."""
    Wxh = rng.standard_normal((H, V)) * scale
    Whh = rng.standard_normal((H, H)) * scale
    if symmetric:
        Whh = (Whh + Whh.T) / 2
    Why = rng.standard_normal((O, H)) * scale
    bh = rng.standard_normal((H, 1)) * scale
    by = rng.standard_normal((O, 1)) * scale
    return Wxh, Whh, Why, bh, by


def _columns(indices, V):
    return [reference_one_hot(i, V) for i in indices]


def _h_of(value):
    """The new state from ``h`` or ``(h, cache)``."""
    if isinstance(value, tuple) and value:
        value = value[0]
    return value


def reference_step_forward(x, h_prev, Wxh, Whh, bh):
    """The library's step, returning h_t alone, as notebook 2's ``step_forward`` does."""
    return _lib_step_forward(x, h_prev, Wxh, Whh, bh)[0]


def check_step_forward(step_forward, strict=None):
    """Check ``step_forward(x, h_prev, Wxh, Whh, bh) -> h`` (or ``(h, cache)``) (notebook 2).

    ``h = tanh(Wxh @ x + Whh @ h_prev + bh)``. Checks, in order: h is an (H, 1) column (with
    V=5, H=4, so a swapped product shows); with h_prev = 0 and bh = 0, the input term and the tanh;
    with h_prev != 0 and a non-symmetric Whh, the recurrent term ``Whh @ h_prev`` (not ``Whh.T``);
    with bh != 0, the bias; the arguments are not changed in place.
    """
    V, H = 5, 4
    rng = np.random.default_rng(20)
    Wxh, Whh, _, bh, _ = _weights(rng, V, H, 2, scale=0.8)
    x = reference_one_hot(3, V)
    h_prev = np.tanh(rng.standard_normal((H, 1)))
    zeros_h, zeros_b = np.zeros((H, 1)), np.zeros((H, 1))

    def answer(fn, *args):
        return _array(_h_of(_call(fn, *[np.array(a, copy=True) for a in args])), "h")

    def shape(fn):
        _shaped(answer(fn, x, h_prev, Wxh, Whh, bh), (H, 1), "h",
                hint="h_t is a column: (H, V) @ (V, 1) + (H, H) @ (H, 1) + (H, 1)")

    def input_and_tanh(fn):
        got = answer(fn, x, zeros_h, Wxh, Whh, zeros_b)
        if _close(got, Wxh @ x):
            raise _Failed("h is Wxh @ x without the tanh: h = np.tanh(Wxh @ x + Whh @ h_prev + bh)")
        if not _close(got, np.tanh(Wxh @ x)):
            raise _Failed("h wrong when h_prev = 0 and bh = 0 — it should be np.tanh(Wxh @ x) then")

    def recurrence(fn):
        got = answer(fn, x, h_prev, Wxh, Whh, zeros_b)
        if _close(got, np.tanh(Wxh @ x + Whh.T @ h_prev)):
            raise _Failed("h uses Whh.T @ h_prev: the recurrent term is Whh @ h_prev (Whh is not symmetric)")
        if _close(got, np.tanh(Wxh @ x)):
            raise _Failed("h ignores h_prev: add the recurrent term Whh @ h_prev")
        if not _close(got, np.tanh(Wxh @ x + Whh @ h_prev)):
            raise _Failed("h wrong when h_prev is not zero — the recurrent term is Whh @ h_prev")

    def bias(fn):
        got = answer(fn, x, h_prev, Wxh, Whh, bh)
        if _close(got, np.tanh(Wxh @ x + Whh @ h_prev)):
            raise _Failed("h ignores bh: add the bias inside the tanh")
        if _close(got, np.tanh(Wxh @ x + Whh @ h_prev) + bh):
            raise _Failed("bh is added after the tanh: it belongs inside, np.tanh(... + bh)")
        if not _close(got, _lib_step_forward(x, h_prev, Wxh, Whh, bh)[0]):
            raise _Failed("h wrong when bh is not zero: h = np.tanh(Wxh @ x + Whh @ h_prev + bh)")

    def in_place(fn):
        args = [np.array(a, copy=True) for a in (x, h_prev, Wxh, Whh, bh)]
        before = _snapshot(*args)
        _call(fn, *args)
        if not _unchanged(before, args):
            names = [n for n, b, a in zip(("x", "h_prev", "Wxh", "Whh", "bh"), before, args)
                     if not np.array_equal(b, a)]
            raise _Failed(f"step_forward changed {', '.join(names)} in place: compute a new h, "
                          "leave the arguments alone")

    return _run("step_forward", step_forward, [shape, input_and_tanh, recurrence, bias, in_place],
                reference_step_forward, strict)


def reference_forward(xs, Wxh, Whh, Why, bh, by):
    """The forward loop with the library's step: ``(y, hs)``, y (O, 1), hs (T+1, H, 1) with hs[0] = 0."""
    h = np.zeros((Whh.shape[0], 1))
    hs = [h]
    for x in xs:
        h, _ = step_forward(x, h, Wxh, Whh, bh)
        hs.append(h)
    return Why @ h + by, np.array(hs)


def _forward_pair(value):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise _Failed(f"rnn_forward should return the pair (y, hs), got {_kind(value)}")
    return value


def check_forward(rnn_forward, strict=None):
    """Check ``rnn_forward(xs, Wxh, Whh, Why, bh, by) -> (y, hs)`` (notebook 2).

    y is (O, 1) and hs holds h_0 = 0, h_1, ..., h_T, shape (T+1, H, 1). Checks, in order: the
    shapes (V=5, H=4, O=3, T=3); a one-word phrase (one step and the output layer); a three-word
    phrase with a non-symmetric Whh (h carried from step to step, words read in order, y from the
    last state); nothing changed in place.
    """
    V, H, O = 5, 4, 3
    rng = np.random.default_rng(21)
    weights = _weights(rng, V, H, O, scale=0.8)
    Wxh, Whh, Why, bh, by = weights
    words = [1, 4, 2]

    def run(fn, xs):
        args = [[np.array(x, copy=True) for x in xs]] + [np.array(w, copy=True) for w in weights]
        y, hs = _forward_pair(_call(fn, *args))
        return _array(y, "y"), _array(hs, "hs")

    def shapes(fn):
        y, hs = run(fn, _columns(words, V))
        _shaped(y, (O, 1), "y", hint="y = Why @ h_T + by is a column")
        T = len(words)
        if hs.shape == (T, H, 1):
            raise _Failed(f"hs has shape {hs.shape}: it must hold h_0 too, T+1 states with hs[0] = zeros")
        _shaped(hs, (T + 1, H, 1), "hs", hint="hs holds h_0, ..., h_T, each an (H, 1) column")
        if not _close(hs[0], np.zeros((H, 1))):
            raise _Failed("hs[0] is not zeros: the loop starts from h_0 = np.zeros((H, 1))")

    def one_word(fn):
        xs = _columns([3], V)
        y, hs = run(fn, xs)
        y_ref, hs_ref = reference_forward(xs, *weights)
        if not _close(hs, hs_ref):
            raise _Failed("h_1 wrong for a one-word phrase: h_1 = np.tanh(Wxh @ x_1 + Whh @ h_0 + bh)")
        if not _close(y, y_ref):
            raise _Failed("y wrong for a one-word phrase: y = Why @ h_T + by")

    def several_words(fn):
        xs = _columns(words, V)
        y, hs = run(fn, xs)
        y_ref, hs_ref = reference_forward(xs, *weights)
        if _close(hs, hs_ref) and _close(y, y_ref):
            return
        no_memory = np.array([np.zeros((H, 1))] + [np.tanh(Wxh @ x + bh) for x in xs])
        backwards = reference_forward(xs[::-1], *weights)[1]
        transposed = reference_forward(xs, Wxh, Whh.T, Why, bh, by)[1]
        if _close(hs, no_memory):
            raise _Failed("every h_t starts from zeros: carry h from one step to the next (Whh @ h, the previous h)")
        if _close(hs, backwards):
            raise _Failed("the words are read backwards: loop over xs in order, x_1 first")
        if _close(hs, transposed):
            raise _Failed("hs wrong when Whh is not symmetric: the recurrent term is Whh @ h, not Whh.T @ h")
        if not _close(hs, hs_ref):
            raise _Failed("hs wrong for a three-word phrase, though right for one word — is h updated at every step?")
        if any(_close(y, Why @ h + by) for h in hs_ref[:-1]):
            raise _Failed("y comes from an earlier state: y = Why @ h_T + by, with the last h")
        raise _Failed("y wrong for a three-word phrase: y = Why @ h_T + by")

    def in_place(fn):
        xs = _columns(words, V)
        args = [np.array(w, copy=True) for w in weights]
        before = _snapshot(*xs, *args)
        _call(fn, xs, *args)
        if not _unchanged(before, [*xs, *args]):
            raise _Failed("rnn_forward changed its inputs or weights in place: leave them alone")

    return _run("rnn_forward", rnn_forward, [shapes, one_word, several_words, in_place], reference_forward, strict)


# --------------------------------------------------------------------------------------------------
# Notebook 3: the loss and its gradient, one BPTT step, the BPTT loop, many-to-many BPTT


def _loss_triple(value):
    """``(L, p, d_y)`` or ``(L, d_y)`` -> (L, d_y)."""
    if not isinstance(value, (tuple, list)) or len(value) not in (2, 3):
        raise _Failed(f"should return (L, p, d_y) or (L, d_y), got {_kind(value)}")
    L = _array(value[0], "L")
    if L.size != 1:
        raise _Failed(f"L should be one number, got an array of shape {L.shape}")
    return float(L.reshape(())), value[-1]


def check_softmax_cross_entropy(loss_and_grad, strict=None):
    """Check ``loss_and_grad(y, c) -> (L, p, d_y)`` or ``(L, d_y)`` (notebook 3).

    ``L = -ln softmax(y)[c]`` and ``d_y = p - e_c``. Checks, in order: it returns the loss as one
    number and d_y as an (O, 1) column; the loss for two classes; the gradient ``p - e_c``; three
    classes (nothing assumes two); large scores (1000 and 998) stay finite; y is not changed in place.
    A right ``(L, d_y)`` passes, but ``use(loss_and_grad)`` then gives the library's ``(L, p, d_y)``.
    """
    y2, c2 = np.array([[0.5], [-1.2]]), 0

    sizes = set()  # how many items the learner's function returned

    def answer(fn, y, c):
        value = _call(fn, np.array(y, copy=True), c)
        if isinstance(value, (tuple, list)):
            sizes.add(len(value))
        return _loss_triple(value)

    def after():  # notebook 3's cell below unpacks L, p, d_y
        return sizes == {2}, "it returns (L, d_y): the cells below use rnn_lib's (L, p, d_y)"

    def returns(fn):
        _, d_y = answer(fn, y2, c2)
        _shaped(d_y, (2, 1), "d_y", hint="dL/dy has the shape of y")

    def loss(fn):
        L, _ = answer(fn, y2, c2)
        p = softmax(y2)
        if np.isclose(L, -np.log(p[1 - c2, 0])):
            raise _Failed("L uses the probability of the wrong class: L = -ln p[c], c the true class")
        if np.isclose(L, np.log(p[c2, 0])):
            raise _Failed("L is ln p[c], negative: the loss is L = -ln p[c]")
        if np.isclose(L, -np.log10(p[c2, 0])):
            raise _Failed("L uses log10: the loss uses the natural log, -np.log(p[c])")
        if not np.isclose(L, -np.log(p[c2, 0]), rtol=1e-9):
            raise _Failed(f"L = {L:.4f} for y = [0.5, -1.2], c = 0; "
                          f"expected -ln softmax(y)[c] = {-np.log(p[c2, 0]):.4f}")

    def gradient(fn):
        _, d_y = answer(fn, y2, c2)
        d_y = _shaped(d_y, (2, 1), "d_y")
        p = softmax(y2)
        e_c = reference_one_hot(c2, 2)
        if _close(d_y, p - e_c):
            return
        if _close(d_y, e_c - p):
            raise _Failed("d_y has the wrong sign: dL/dy = p - e_c")
        if _close(d_y, p):
            raise _Failed("d_y is p: subtract 1 at the true class, dL/dy = p - e_c")
        if _close(d_y, p - reference_one_hot(1 - c2, 2)):
            raise _Failed("d_y subtracts 1 at the wrong row: e_c has its 1 at row c, the true class")
        raise _Failed("d_y wrong for y = [0.5, -1.2], c = 0: dL/dy = p - e_c")

    def three_classes(fn):
        y3, c3 = np.array([[0.2], [1.5], [-0.7]]), 1
        L, d_y = answer(fn, y3, c3)
        ref_L, _, ref_d_y = softmax_cross_entropy(y3, c3)
        d_y = _shaped(d_y, (3, 1), "d_y with 3 classes", hint="nothing may assume two classes, use y.shape")
        if not (np.isclose(L, ref_L, rtol=1e-9) and _close(d_y, ref_d_y)):
            raise _Failed("wrong with 3 classes (right with 2): nothing may assume two classes, use y.shape")

    def large_scores(fn):
        big, c = np.array([[1000.0], [998.0]]), 1
        L, d_y = answer(fn, big, c)
        ref_L, _, ref_d_y = softmax_cross_entropy(big, c)
        if not (np.isfinite(L) and np.all(np.isfinite(_array(d_y, "d_y")))):
            raise _Failed("not finite for scores 1000 and 998: subtract y.max() before np.exp (softmax is unchanged)")
        if not (np.isclose(L, ref_L, rtol=1e-9) and _close(d_y, ref_d_y)):
            raise _Failed(f"wrong for scores 1000 and 998: L should be {ref_L:.4f} — subtract y.max() before np.exp")

    def in_place(fn):
        y = np.array(y2, copy=True)
        _call(fn, y, c2)
        if not np.array_equal(y, y2):
            raise _Failed("y changed in place: compute p and d_y in new arrays (e.g. y - y.max(), not y -= ...)")

    return _run("softmax_cross_entropy", loss_and_grad,
                [returns, loss, gradient, three_classes, large_scores, in_place], softmax_cross_entropy, strict,
                after)


def _step_case(seed, V=5, H=4, symmetric=False, scale=0.8):
    rng = np.random.default_rng(seed)
    Wxh, Whh, _, bh, _ = _weights(rng, V, H, 2, scale=scale, symmetric=symmetric)
    x = reference_one_hot(int(rng.integers(V)), V)
    h_prev = np.tanh(rng.standard_normal((H, 1)))
    d_h = rng.standard_normal((H, 1))
    _, cache = step_forward(x, h_prev, Wxh, Whh, bh)
    return d_h, cache


def _step_pair(value):
    if not isinstance(value, (tuple, list)) or len(value) != 2 or not isinstance(value[1], dict):
        raise _Failed(f"should return (d_h_prev, grads), grads a dict keyed 'Wxh', 'Whh', 'bh'; got {_kind(value)}")
    return value


def check_bptt_step(bptt_step, strict=None):
    """Check ``bptt_step(d_h, cache) -> (d_h_prev, grads)``, one step back (notebook 3).

    ``cache`` is what ``rnn_lib.step_forward`` returns: ``(x, h_prev, h, Whh)``. With
    ``d_a = (1 - h**2) * d_h``: grads ``{"Wxh": d_a @ x.T, "Whh": d_a @ h_prev.T, "bh": d_a}`` and
    ``d_h_prev = Whh.T @ d_a``. Checks, in order: the shapes (V=5, H=4); the tanh' factor (dL/dbh);
    dL/dWxh and dL/dWhh (the incoming state h_prev, not h); d_h_prev with a non-symmetric Whh
    (the transpose); nothing changed in place.
    """
    def answer(fn, d_h, cache):
        args = (np.array(d_h, copy=True), tuple(np.array(c, copy=True) for c in cache))
        d_h_prev, grads = _step_pair(_call(fn, *args))
        x, h_prev, h, Whh = cache
        shapes = {"Wxh": (h.shape[0], x.shape[0]), "Whh": Whh.shape, "bh": h.shape}
        return _array(d_h_prev, "d_h_prev"), _check_grads(grads, shapes)

    def shapes(fn):
        d_h, cache = _step_case(30)
        d_h_prev, _ = answer(fn, d_h, cache)
        _shaped(d_h_prev, cache[1].shape, "d_h_prev", hint="dL/dh_{t-1} has the shape of h_{t-1}")

    def tanh_prime(fn):
        d_h, cache = _step_case(31)
        _, grads = answer(fn, d_h, cache)
        x, h_prev, h, Whh = cache
        if _close(grads["bh"], step_backward(d_h, cache)[1]["bh"]):
            return
        if _close(grads["bh"], d_h):
            raise _Failed("dL/dbh is d_h: go through the tanh first, d_a = (1 - h**2) * d_h")
        if _close(grads["bh"], (1 - h_prev ** 2) * d_h):
            raise _Failed("the tanh' factor uses h_prev: it is this step's output, d_a = (1 - h**2) * d_h")
        if _close(grads["bh"], (1 - h) ** 2 * d_h) or _close(grads["bh"], (1 - h ** 2) @ d_h.T):
            raise _Failed("the tanh' factor is (1 - h**2), element-wise: d_a = (1 - h**2) * d_h")
        raise _Failed("dL/dbh wrong: it is d_a = (1 - h**2) * d_h")

    def weights(fn):
        d_h, cache = _step_case(32)
        _, grads = answer(fn, d_h, cache)
        x, h_prev, h, Whh = cache
        d_a = (1 - h ** 2) * d_h
        ref = step_backward(d_h, cache)[1]
        if not _close(grads["Wxh"], ref["Wxh"]):
            raise _Failed("dL/dWxh wrong: d_a @ x.T, an (H, 1) @ (1, V) outer product")
        if _close(grads["Whh"], d_a @ h.T):
            raise _Failed("dL/dWhh uses h: the state coming in, d_a @ h_prev.T")
        if not _close(grads["Whh"], ref["Whh"]):
            raise _Failed("dL/dWhh wrong: d_a @ h_prev.T, an (H, 1) @ (1, H) outer product")

    def transpose(fn):
        d_h, cache = _step_case(33)
        d_h_prev, _ = answer(fn, d_h, cache)
        x, h_prev, h, Whh = cache
        d_a = (1 - h ** 2) * d_h
        if _close(d_h_prev, step_backward(d_h, cache)[0]):
            return
        if _close(d_h_prev, Whh @ d_a):
            raise _Failed("d_h_prev wrong when Whh is not symmetric — pass the gradient back through Whh.T: "
                          "Whh.T @ d_a")
        if _close(d_h_prev, Whh.T @ d_h):
            raise _Failed("d_h_prev skips the tanh': it is Whh.T @ d_a, with d_a = (1 - h**2) * d_h")
        raise _Failed("d_h_prev wrong: it is Whh.T @ d_a")

    def in_place(fn):
        d_h, cache = _step_case(34)
        args = (np.array(d_h, copy=True), tuple(np.array(c, copy=True) for c in cache))
        before = _snapshot(args[0], *args[1])
        _call(fn, *args)
        if not _unchanged(before, [args[0], *args[1]]):
            raise _Failed("bptt_step changed d_h or the cache in place: return new arrays")

    return _run("bptt_step", bptt_step, [shapes, tanh_prime, weights, transpose, in_place],
                step_backward, strict)


def _bptt(model, xs, hs, d_ys, caches=None, accumulate=True):
    """BPTT through the library's ``step_backward``, with a gradient ``d_ys[t-1]`` for every output y_t.

    ``d_ys`` holds T entries, ``None`` where a step has no output. ``caches`` (default: from
    ``rnn_lib.step_forward`` on ``hs``) lets the checkers build known mistakes. Returns
    ``(grads, d_hs)`` with ``d_hs[t] = dL/dh_t``, shape (T+1, H, 1).
    """
    T = len(xs)
    if caches is None:
        caches = [step_forward(xs[t - 1], hs[t - 1], model.Wxh, model.Whh, model.bh)[1] for t in range(1, T + 1)]
    grads = {name: np.zeros_like(p) for name, p in model.params.items()}
    d_h = np.zeros_like(hs[0])
    d_hs = [None] * (T + 1)
    for t in range(T, 0, -1):
        if d_ys[t - 1] is not None:  # the local path: y_t = Why h_t + by
            grads["Why"] += d_ys[t - 1] @ hs[t].T
            grads["by"] += d_ys[t - 1]
            d_h = d_h + model.Why.T @ d_ys[t - 1]
        d_hs[t] = d_h
        d_h, step_grads = step_backward(d_h, caches[t - 1])  # the recurrent path, to h_{t-1}
        for name, g in step_grads.items():
            if accumulate or t == 1:
                grads[name] = grads[name] + g if accumulate else g.copy()
    d_hs[0] = d_h
    return grads, np.array(d_hs)


def reference_bptt(model, xs, hs, d_y):
    """BPTT for the many-to-one model: ``(grads, d_hs)`` as ``model.backward(d_y, return_hidden_grads=True)``."""
    return _bptt(model, xs, hs, [None] * (len(xs) - 1) + [d_y])


def reference_bptt_many_to_many(model, xs, hs, d_ys):
    """BPTT with an output y_t = Why h_t + by and a loss at every step; ``d_ys[t-1] = dL_t/dy_t``.

    The gradient reaching h_t has two paths, ``Why.T @ d_ys[t-1]`` (through y_t) plus
    ``Whh.T @ d_a_{t+1}`` (through h_{t+1}). Returns ``(grads, d_hs)``, grads summed over the steps.
    """
    if len(d_ys) != len(xs):
        raise ValueError(f"d_ys has {len(d_ys)} entries for {len(xs)} time steps: one (O, 1) gradient per step")
    return _bptt(model, xs, hs, list(d_ys))


def _reference_bptt_many_grads(model, xs, hs, d_ys):
    """``reference_bptt_many_to_many``'s gradient dict alone, as notebook 3's ``bptt_many`` returns it."""
    return reference_bptt_many_to_many(model, xs, hs, d_ys)[0]


def _bptt_mistakes(model, xs, hs, d_ys):
    """The answers of the classic BPTT mistakes, each with its hint, built from the library's step."""
    T = len(xs)
    Whh = model.Whh

    def caches(h_prev_of, h_of, W):
        return [(xs[t - 1], h_prev_of(t), h_of(t), W) for t in range(1, T + 1)]

    normal_prev, normal_h = (lambda t: hs[t - 1]), (lambda t: hs[t])
    zero_h = lambda t: np.zeros_like(hs[t])  # noqa: E731 - tanh'(a) = 1 - 0 = 1: the factor is gone
    return [
        (_bptt(model, xs, hs, d_ys, caches(normal_prev, normal_h, Whh.T))[0],
         "dL/dWhh wrong when Whh is not symmetric — is the hidden gradient passed back through Whh.T?"),
        (_bptt(model, xs, hs, d_ys, caches(normal_prev, zero_h, Whh))[0],
         "dL/dWxh, dL/dWhh, dL/dbh wrong — is the tanh' factor there, (1 - hs[t]**2) with hs[t] = h_t?"),
        (_bptt(model, xs, hs, d_ys, caches(normal_prev, normal_prev, Whh))[0],
         "off by one in hs: step t's tanh' factor uses hs[t] (h_t); hs[t - 1] is h_{t-1}"),
        (_bptt(model, xs, hs, d_ys, caches(normal_h, normal_h, Whh))[0],
         "off by one in hs: dL/dWhh at step t is d_a @ hs[t - 1].T, the state coming in (h_{t-1})"),
        (_bptt(model, xs, hs, d_ys, accumulate=False)[0],
         "dL/dWxh, dL/dWhh, dL/dbh hold one step only — add every time step's share (+=)"),
    ]


def _bptt_case(seed, T, symmetric=False, h0=False, many=False, V=5, H=4, O=3):
    """A small model (V=5, H=4, O=3: every shape differs) with random weights and a forward pass."""
    rng = np.random.default_rng(seed)
    model = RNN(V, O, H, rng=rng, init=0.6)
    model.bh = 0.3 * rng.standard_normal((H, 1))
    model.by = 0.3 * rng.standard_normal((O, 1))
    if symmetric:
        model.Whh = (model.Whh + model.Whh.T) / 2
    xs = _columns(rng.permutation(V)[:T] if T <= V else rng.integers(V, size=T), V)
    start = np.tanh(rng.standard_normal((H, 1))) if h0 else None
    model.forward(xs, start)
    hs = model.last_hs
    if many:
        d_ys = [softmax_cross_entropy(model.Why @ hs[t] + model.by, int(rng.integers(O)))[2] for t in range(1, T + 1)]
    else:
        y = model.Why @ hs[T] + model.by
        d_ys = [None] * (T - 1) + [softmax_cross_entropy(y, int(rng.integers(O)))[2]]
    return model, xs, hs, d_ys


def _after_forward(model, xs, hs):
    """A copy of ``model`` that has just run ``forward(xs)`` from h_0 = ``hs[0]`` (``last_hs`` is ``hs``)."""
    copy = model.copy()
    copy.forward([np.array(x, copy=True) for x in xs], np.array(hs[0], copy=True))
    return copy


def _bptt_checks(name, many, returned):
    """The six checks shared by ``check_bptt`` and ``check_bptt_many_to_many``.

    ``returned`` (a set) collects the kinds of value the learner's function returned ("dict", "tuple").
    """
    def call(fn, model, xs, hs, d_ys):
        arg = [np.array(d, copy=True) for d in d_ys] if many else np.array(d_ys[-1], copy=True)
        learners = _after_forward(model, xs, hs)  # a copy: what the learner's code does to it stays there
        value = _call(fn, learners, [np.array(x, copy=True) for x in xs], np.array(hs, copy=True), arg)
        returned.add("dict" if isinstance(value, dict) else "tuple")
        return _check_grads(_first_of(value), model.shapes)

    def compare(fn, case, default):
        model, xs, hs, d_ys = case
        got = call(fn, model, xs, hs, d_ys)
        expected = _bptt(model, xs, hs, d_ys)[0]
        _diagnose(got, expected, PARAM_NAMES, _bptt_mistakes(model, xs, hs, d_ys) + extra_mistakes(model, xs, hs, d_ys),
                  default)

    def extra_mistakes(model, xs, hs, d_ys):
        if not many:
            return []
        last_only = [None] * (len(xs) - 1) + [d_ys[-1]]
        local_only = {n: np.zeros_like(p) for n, p in model.params.items()}
        for t, d_y in enumerate(d_ys, start=1):  # each loss through its own step only: no recurrent path
            single = _bptt(model, xs[t - 1:t], hs[t - 1:t + 1], [d_y])[0]
            for n in PARAM_NAMES:
                local_only[n] += single[n]
        return [
            (_bptt(model, xs, hs, last_only)[0],
             "only the last step's loss reaches the weights — add Why.T @ d_ys[t-1] to the gradient "
             "reaching every h_t"),
            (local_only,
             "the gradient reaching h_t lacks the recurrent path: d_h = Why.T @ d_ys[t-1] + Whh.T @ d_a_{t+1}, "
             "add both"),
        ]

    def wrong_params(what):
        return lambda wrong: f"{', '.join(_d(n) for n in wrong)} wrong {what}"

    def shapes(fn):
        model, xs, hs, d_ys = _bptt_case(40, 2, many=many)
        call(fn, model, xs, hs, d_ys)

    def one_word(fn):
        compare(fn, _bptt_case(41, 1, symmetric=True, h0=True, many=many),
                lambda wrong: (f"{', '.join(_d(n) for n in wrong)} wrong for a one-word phrase"
                               + (" — dL/dWhy = d_y @ hs[-1].T, dL/dby = d_y" if set(wrong) & {"Why", "by"}
                                  else " — is the tanh' factor there, (1 - hs[t]**2) with hs[t] = h_t?")))

    def two_words(fn):
        compare(fn, _bptt_case(42, 2, symmetric=True, many=many),
                wrong_params("for two words (right for one) — off by one? hs[0] is h_0, hs[t] is h_t, "
                             "xs[t - 1] is x_t"))

    def summed(fn):
        compare(fn, _bptt_case(43, 3, symmetric=True, many=many),
                wrong_params("for three words (right for one) — add every time step's share, and pass d_h back "
                             "to the step before"))

    def transpose(fn):
        compare(fn, _bptt_case(44, 3, symmetric=False, many=many),
                wrong_params("when Whh is not symmetric — is the hidden gradient passed back through Whh.T?"))

    def in_place(fn):
        model, xs, hs, d_ys = _bptt_case(45, 3, many=many)
        arg = [np.array(d, copy=True) for d in d_ys] if many else np.array(d_ys[-1], copy=True)
        args = ([np.array(x, copy=True) for x in xs], np.array(hs, copy=True), arg)
        model = _after_forward(model, xs, hs)
        before = _snapshot(model.flat, *args[0], args[1], *(arg if many else [arg]))
        _call(fn, model, *args)
        after = [model.flat, *args[0], args[1], *(arg if many else [arg])]
        if not np.array_equal(before[0], model.flat):
            raise _Failed(f"{name} changed the model's weights: return the gradients, "
                          "the optimiser updates the weights")
        if not _unchanged(before, after):
            raise _Failed(f"{name} changed xs, hs or d_y in place: work on new arrays")

    return [shapes, in_place, one_word, two_words, summed, transpose]


def check_bptt(bptt, strict=None):
    """Check ``bptt(model, xs, hs, d_y) -> grads`` (or ``(grads, ...)``), BPTT for one output (notebook 3).

    ``xs``: T one-hot (V, 1) columns; ``hs = model.last_hs``, (T+1, H, 1), hs[0] = h_0; ``d_y``:
    (O, 1), dL/dy; grads: a dict keyed "Wxh", "Whh", "Why", "bh", "by" like ``RNN.backward``. Six
    checks, each a case that isolates one mistake (V=5, H=4, O=3, random weights): the keys and
    shapes; the weights and arguments unchanged (compared before and after); a one-word phrase
    from a nonzero h_0 (the tanh' factor, an off-by-one in hs, the output layer); two words (an
    off-by-one in hs or xs); three words with a symmetric Whh (every step's share summed); three
    words with a non-symmetric Whh (the missing transpose, the classic article's bug). An answer
    equal to a known mistake's gets that mistake's hint. A right ``bptt`` that returns the dict
    alone passes, but ``use(bptt)`` then gives the library's ``(grads, d_hs)`` (notebook 3's cells
    below unpack both), and the line says so.
    """
    returned = set()

    def after():  # the notebook's cells below unpack (grads, d_hs)
        return returned == {"dict"}, ("it returns the gradient dict alone: the cells below use rnn_lib's, "
                                      "which also returns d_hs")

    return _run("bptt", bptt, _bptt_checks("bptt", False, returned), reference_bptt, strict, after)


def check_bptt_many_to_many(bptt_many, strict=None):
    """Check ``bptt_many(model, xs, hs, d_ys) -> grads`` (or ``(grads, ...)``): a loss at every step (notebook 3).

    The network outputs y_t = Why h_t + by after every word and the loss is L = sum_t L_t;
    ``d_ys[t - 1]`` is dL_t/dy_t, (O, 1), for t = 1..T. The gradient reaching h_t is
    ``Why.T @ d_ys[t - 1] + Whh.T @ d_a_{t+1}``: through y_t and through h_{t+1}. The same six
    checks as ``check_bptt``; answers equal to known mistakes (only the last loss used; the
    recurrent path dropped; no transpose; no tanh'; off by one; not summed) get their hint. A right
    function that returns a tuple passes, but ``use(bptt_many)`` then gives the library's gradient
    dict (notebook 3's cells below index it), and the line says so.
    """
    returned = set()

    def after():  # the notebook's cells below index the gradient dict
        return returned == {"tuple"}, "it returns a tuple: the cells below use rnn_lib's gradient dict"

    return _run("bptt_many_to_many", bptt_many, _bptt_checks("bptt_many_to_many", True, returned),
                _reference_bptt_many_grads, strict, after)


# --------------------------------------------------------------------------------------------------
# Notebook 4: one epoch of per-example SGD with clipping


def reference_train_epoch(model, inputs, targets, rng, learn_rate=LEARN_RATE, clip=CLIP):
    """One epoch of the article's per-example SGD with clipping, in place: ``(mean loss, accuracy)``.

    For each phrase, in the order ``rng.permutation(len(inputs))``: forward, softmax + cross-entropy
    (the loss measured before the update), backward, clip to [-clip, clip], ``p -= learn_rate * g``.
    """
    loss = correct = 0
    for i in rng.permutation(len(inputs)):
        y, _ = model.forward(inputs[i])
        l, p, d_y = softmax_cross_entropy(y, targets[i])
        loss += l
        correct += int(np.argmax(p) == targets[i])
        sgd_step(model, model.backward(d_y), learn_rate, clip)
    return loss / len(inputs), correct / len(inputs)


def _epoch_mistakes(model, inputs, targets, seed):
    """The weights after one epoch for the classic mistakes of the training loop, each with its hint."""
    def run(order, sign=1.0, clip=CLIP, batch=False, clip_weights=False):
        m = model.copy()
        rng = np.random.default_rng(seed)
        indices = rng.permutation(len(inputs)) if order == "shuffled" else range(len(inputs))
        total = {n: np.zeros_like(p) for n, p in m.params.items()}
        for i in indices:
            y, _ = m.forward(inputs[i])
            grads = m.backward(softmax_cross_entropy(y, targets[i])[2])
            if batch:
                for n in total:
                    total[n] += grads[n]
                continue
            if clip_weights:
                for n in PARAM_NAMES:
                    m.params[n] -= sign * LEARN_RATE * grads[n]
                    np.clip(m.params[n], -CLIP, CLIP, out=m.params[n])
            else:
                sgd_step(m, {n: sign * g for n, g in grads.items()}, LEARN_RATE, clip)
        if batch:
            sgd_step(m, total, LEARN_RATE, CLIP)
        return m.flat.copy()

    return [
        (run("shuffled", sign=-1.0), "the weights moved uphill: step against the gradient, p -= LEARN_RATE * g"),
        (run("in order"),
         "the phrases are visited in order: use i in rng.permutation(len(inputs)), a new order every epoch"),
        (run("shuffled", batch=True), "one update per epoch: update after every phrase (per-example SGD)"),
        (run("shuffled", clip=None), "the gradients are not clipped: np.clip(g, -CLIP, CLIP) before each update"),
        (run("shuffled", clip_weights=True),
         "the weights are clipped: clip the gradients, np.clip(g, -CLIP, CLIP), not the weights"),
    ]


def _epoch_case(seed, scale):
    """A small model (V=5, H=4) and six phrases of 1 to 4 words; ``scale`` sets whether clipping acts."""
    rng = np.random.default_rng(seed)
    V = 5
    model = RNN(V, 2, 4, rng=rng, init=scale)
    if scale >= 1:
        model.Why = model.Why * 3  # large output weights: large hidden gradients, clipped
    inputs = [_columns(rng.integers(V, size=int(rng.integers(1, 5))), V) for _ in range(6)]
    targets = [0, 1, 1, 0, 1, 0]
    return model, inputs, targets


def check_train_epoch(train_epoch, strict=None):
    """Check ``train_epoch(model, inputs, targets, rng) -> (mean loss, accuracy)``, one epoch (notebook 4).

    Per-example SGD, in place: for each phrase in the order ``rng.permutation(len(inputs))``,
    forward, loss, backward, clip every gradient to [-CLIP, CLIP], ``p -= LEARN_RATE * g``.
    Checks, in order: it returns two numbers; it changes the model's weights in place; with small
    weights (no clipping) the weights after the epoch equal the library's loop (the direction of
    the step, the shuffle, one update per phrase); with large weights, where gradients exceed CLIP,
    the same (clipping, of the gradients); the returned loss and accuracy are the epoch's means,
    measured before each update.
    """
    def run(fn, case, seed):
        model, inputs, targets = case
        m = model.copy()
        value = _call(fn, m, inputs, list(targets), np.random.default_rng(seed))
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise _Failed(f"should return (mean loss, accuracy), got {_kind(value)}")
        try:
            loss, acc = float(value[0]), float(value[1])
        except (TypeError, ValueError):
            raise _Failed(f"should return two numbers (mean loss, accuracy), got {value!r}") from None
        return m, loss, acc

    def expected(case, seed):
        model, inputs, targets = case
        m = model.copy()
        loss, acc = reference_train_epoch(m, inputs, targets, np.random.default_rng(seed))
        return m, loss, acc

    def returns(fn):
        run(fn, _epoch_case(50, 0.1), 0)

    def updates(fn):
        case = _epoch_case(51, 0.1)
        m, _, _ = run(fn, case, 1)
        if np.array_equal(m.flat, case[0].flat):
            raise _Failed("the model's weights did not change: update them in place, model.params[name] -= ...")

    def weights(fn, seed, scale, default):
        case = _epoch_case(seed, scale)
        m, _, _ = run(fn, case, seed)
        ref, _, _ = expected(case, seed)
        if _close(m.flat, ref.flat):
            return
        for answer, hint in _epoch_mistakes(case[0], case[1], case[2], seed):
            if _close(m.flat, answer) and not _close(answer, ref.flat):
                raise _Failed(hint)
        raise _Failed(default)

    def sgd(fn):
        weights(fn, 52, 0.1, "the weights after one epoch differ from per-example SGD: for each phrase in "
                             "rng.permutation order, forward, loss, backward, then p -= LEARN_RATE * g")

    def clipping(fn):
        weights(fn, 53, 1.0, "right with small gradients but wrong with large ones: clip each gradient to "
                             "[-CLIP, CLIP] (np.clip) before the update")

    def figures(fn):
        case = _epoch_case(54, 1.0)
        _, loss, acc = run(fn, case, 54)
        _, ref_loss, ref_acc = expected(case, 54)
        n = len(case[1])
        if not np.isclose(loss, ref_loss, rtol=1e-9):
            if np.isclose(loss, ref_loss * n, rtol=1e-9):
                raise _Failed("the loss is the epoch's sum: return the mean, divided by len(inputs)")
            raise _Failed(f"the returned loss {loss:.4f} should be {ref_loss:.4f}: the mean of each phrase's "
                          "loss, measured before its update")
        if not np.isclose(acc, ref_acc, rtol=1e-9):
            if np.isclose(acc, ref_acc * n, rtol=1e-9):
                raise _Failed("the accuracy is a count: return the fraction, divided by len(inputs)")
            raise _Failed(f"the returned accuracy {acc:.4f} should be {ref_acc:.4f}: the fraction of phrases whose "
                          "largest probability is the true class, measured before each update")

    return _run("train_epoch", train_epoch, [returns, updates, sgd, clipping, figures], reference_train_epoch, strict)


#: The notebooks' name of each exercise's function -> its checker (for ``use`` of an unchecked function).
_CHECKER_OF = {
    "encode": "check_encode", "one_hot": "check_one_hot", "step_forward": "check_step_forward",
    "rnn_forward": "check_forward", "loss_and_grad": "check_softmax_cross_entropy",
    "bptt_step": "check_bptt_step", "bptt": "check_bptt", "bptt_many": "check_bptt_many_to_many",
    "train_epoch": "check_train_epoch",
}

#: The library's version of each exercise, with the learner's signature (what ``use`` falls back to).
REFERENCES = {
    "encode": reference_encode,
    "one_hot": reference_one_hot,
    "step_forward": reference_step_forward,
    "rnn_forward": reference_forward,
    "softmax_cross_entropy": softmax_cross_entropy,
    "bptt_step": step_backward,
    "bptt": reference_bptt,
    "bptt_many_to_many": _reference_bptt_many_grads,
    "train_epoch": reference_train_epoch,
}
