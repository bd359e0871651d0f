"""What every exercise checker shares: the one-line result, running the learner's code safely, comparing answers."""

import contextlib
import html
import os
import signal
import sysconfig
import threading
import time
import traceback
import warnings
import weakref

import numpy as np

STRICT_ENV = "RNN_LIB_STRICT"
#: Tolerances for "equal to the library's answer": rounding differs between correct orders of summation.
RTOL, ATOL = 1e-7, 1e-10
#: An exception message is cut to this many characters, so the feedback stays one line.
MAX_MESSAGE = 120
#: Seconds one call of the learner's function may take (right answers take milliseconds); 0 or None: no limit.
TIME_LIMIT = 5.0


class NotWritten(NotImplementedError):
    """Raised by an exercise the learner has not written yet; the checkers report "⏳ not written yet"."""

    def __init__(self, message="not written yet: replace `raise NotWritten()` with your code"):
        super().__init__(message)


# --------------------------------------------------------------------------------------------------
# The result


class CheckResult:
    """The outcome of one checker: truthy exactly when every check passed; shown as one line.

    Attributes:
        name: the learner's function's name as the line shows it (``"bptt"``; the notebook's name
            when the function has none).
        exercise: the exercise's key in ``REFERENCES`` (``"bptt"``, ``"softmax_cross_entropy"``).
        status: ``"passed"``, ``"failed"``, ``"not written"``, ``"error"`` (the code raised),
            ``"timeout"`` (a call took longer than ``TIME_LIMIT``) or ``"interrupted"`` (Ctrl-C, the stop button).
        line: the one line shown, e.g. ``"✅ bptt: all 6 checks passed"``.
        n_checks: how many checks the exercise has; ``n_passed``: how many passed before the first failure.
        function: the learner's function if every check passed, else the library's reference.
    """

    ICONS = {"passed": "✅", "failed": "❌", "error": "❌", "not written": "⏳", "timeout": "⏱\ufe0f",
             "interrupted": "⏹\ufe0f"}

    def __init__(self, name, status, message, n_checks, n_passed, function, exercise=None):
        self.name, self.status, self.n_checks, self.n_passed = name, status, n_checks, n_passed
        self.exercise = name if exercise is None else exercise
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
        colour = {"passed": "#1a7f37", "not written": "#6e7781", "interrupted": "#6e7781"}.get(self.status, "#cf222e")
        return (f'<div class="rnn-lib-check" style="font-family: monospace; color: {colour}">'
                f"{html.escape(self.line)}</div>")


_LAST_RESULTS = weakref.WeakKeyDictionary()  # learner's function -> its last CheckResult
#: The notebooks' name of each exercise's function -> its checker (for ``use`` of an unchecked function);
#: each notebook's module registers its own exercises.
CHECKER_OF = {}
#: The library's version of each exercise, with the learner's signature (what ``use`` falls back to).
REFERENCES = {}


def use(fn):
    """``fn`` if its last check passed, else the library's reference for that exercise (same signature).

    Cells after an exercise call ``use(bptt)(...)``: the learner's function once it is right, and
    until then the library's, so the rest of the notebook runs. A function not checked since it was
    (re)defined is checked now if it has a notebook's name (``bptt``, ``train_epoch``, ...).
    """
    result = _LAST_RESULTS.get(fn) if _weakrefable(fn) else None
    if result is None:  # redefined and not checked since: check it now, if its name says which exercise
        name = getattr(fn, "__name__", type(fn).__name__)
        checker = CHECKER_OF.get(name)
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


class _TookTooLong(Exception):
    """A call of the learner's function ran past ``TIME_LIMIT``."""


class _Interrupted(Exception):
    """The learner interrupted their own code (Ctrl-C, the notebook's stop button)."""


class _Alarm(BaseException):
    """Raised inside the learner's code when its time is up (a BaseException: their ``except Exception`` lets it by)."""


_LIB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # rnn_lib
_SKIPPED_DIRS = tuple(os.path.join(os.path.abspath(p), "") for p in (
    _LIB_DIR, os.path.dirname(np.__file__), sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
    sysconfig.get_paths()["platlib"]))
#: Folders a compiled module's relative file name (numpy's "numpy/random/_generator.pyx") starts from.
_PACKAGE_ROOTS = tuple(sorted({os.path.dirname(os.path.dirname(np.__file__)), sysconfig.get_paths()["purelib"],
                               sysconfig.get_paths()["platlib"]}))


def _is_library_file(filename):
    """Whether a traceback frame's file is a library's (rnn_lib, numpy, the stdlib, anything installed,
    a compiled module's source) rather than the learner's cell or file."""
    if filename.startswith("<"):  # "<stdin>", "<string>", an IPython cell's name
        return False
    if filename.endswith((".pyx", ".pxd", ".pxi")):  # Cython's source of a compiled module
        return True
    if not os.path.isabs(filename) and any(os.path.exists(os.path.join(root, filename)) for root in _PACKAGE_ROOTS):
        return True
    return os.path.abspath(filename).startswith(_SKIPPED_DIRS) or "site-packages" in filename.split(os.sep)


def _learner_frame(exc):
    """The last frame of ``exc``'s traceback in the learner's code (not rnn_lib, numpy, the stdlib or any
    installed package)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if not _is_library_file(frame.filename):
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


@contextlib.contextmanager
def _time_limit(seconds):
    """Raise ``_Alarm`` in the block after ``seconds`` (SIGALRM); the previous handler and timer are restored.

    Only in the main thread of a system with ``signal.setitimer`` (Jupyter runs cells in the main
    thread); elsewhere (Windows, another thread) there is no limit.
    """
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise _Alarm()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    if previous is None:  # a handler installed outside Python: give back the default
        previous = signal.SIG_DFL
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)
            if outer_delay:  # someone else's timer was running: give it back what is left of it
                left = outer_delay - (time.monotonic() - start)
                signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), outer_interval)


def _call(fn, *args):
    """Call the learner's function; its exceptions become ``_NotWrittenYet`` or ``_LearnerRaised``.

    Warnings (numpy's overflow, say) are silenced during the call: the checks judge the answer,
    and the feedback stays one line. A call longer than ``TIME_LIMIT`` seconds is stopped
    (``_TookTooLong``), and Ctrl-C during it becomes ``_Interrupted``: the checker still answers in one line.
    """
    try:
        with _time_limit(TIME_LIMIT), warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return fn(*args)
    except _Alarm:
        raise _TookTooLong() from None
    except KeyboardInterrupt:
        raise _Interrupted() from None
    except NotImplementedError:
        raise _NotWrittenYet() from None
    except Exception as exc:  # the learner's bug, reported in one line
        raise _LearnerRaised(exc) from None


def _shown_name(fn, default):
    """The name the learner gave their function, else ``default`` (the notebook's name)."""
    name = getattr(fn, "__name__", None)
    return name if isinstance(name, str) and name.isidentifier() else default


#: Set while a checker runs: whether the learner's answers came in a lower precision than float64.
_PRECISION = {"low": False}


#: nbgrader sets this variable while it executes a notebook: "autograde" (grading) or "validate".
GRADING_ENV = "NBGRADER_EXECUTION"
GRADING_MODES = ("autograde", "validate")


class CheckFailed(AssertionError):
    """A check that did not pass, raised in strict or grading mode; IPython shows only its one line.

    nbgrader gives a check cell no points when it raises, and its feedback shows what IPython
    rendered: ``_render_traceback_`` makes that the verdict line instead of a traceback.
    """

    def _render_traceback_(self):
        return [str(self)]


class GradedCheckResult(CheckResult):
    """A ``CheckResult`` made while nbgrader executes the notebook: shown as display data, not as the cell's value.

    nbgrader reads the value of a test cell (an ``execute_result``) as partial credit when it is a number,
    and warns for every other value; a line shown as display data is what it expects of a passing test.
    """

    def _ipython_display_(self):
        from IPython.display import display

        display({"text/plain": self.line, "text/html": self._repr_html_()}, raw=True)


def _grading():
    """Whether nbgrader is executing the notebook (``autograde`` or ``validate``)."""
    return os.environ.get(GRADING_ENV, "").strip().lower() in GRADING_MODES


def _strict(strict):
    """``strict`` if given; else whether ``RNN_LIB_STRICT`` is set or nbgrader is executing the notebook."""
    if strict is not None:
        return bool(strict)
    if _grading():
        return True
    return os.environ.get(STRICT_ENV, "").strip().lower() not in ("", "0", "false", "no")


def _run(name, fn, checks, reference, strict, after=None, notebook_name=None):
    """Run ``checks`` (a list of callables taking ``fn``) in order; the first failure decides the line.

    ``name`` is the exercise's key in ``REFERENCES``; the line names the learner's function by its
    own name (``notebook_name``, else ``name``, when it has none). ``after()``, if given, is called
    when every check passed and returns ``(use_reference, note)``: whether the cells below should
    use the reference anyway, and a note for the line. A right answer computed in float32 passes,
    and the cells below (which compare with the library to float64 precision) use the reference.
    """
    exercise, name = name, _shown_name(fn, notebook_name or name)
    n = len(checks)
    status, message, n_passed = "passed", f"all {n} checks passed", n
    _PRECISION["low"] = False
    if not callable(fn):
        status, message, n_passed = "failed", f"expected your function, got {_kind(fn, returned=False)}", 0
    else:
        for i, check in enumerate(checks):
            try:
                check(fn)
            except _NotWrittenYet:
                status, message, n_passed = "not written", "not written yet", i
            except _Failed as failure:
                status, message, n_passed = "failed", " ".join(str(failure.args[0]).split("\n")), i
            except _LearnerRaised as raised:
                status, message, n_passed = "error", _describe_exception(raised.args[0]), i
            except _TookTooLong:
                status, message, n_passed = "timeout", (f"took longer than {TIME_LIMIT:g} s — "
                                                        "is there a loop that never ends?"), i
            except _Interrupted:
                status, message, n_passed = "interrupted", "interrupted while your code ran", i
            else:
                continue
            break
    function = fn if status == "passed" else reference
    if status == "passed":
        use_reference, note = after() if after is not None else (False, "")
        if _PRECISION["low"]:
            use_reference, note = True, "it computes in float32: the cells below use rnn_lib's float64 version"
        if use_reference:
            function, message = reference, f"{message} ({note})"
    elif callable(fn):
        message = f"{message} (the cells below use rnn_lib's version until this passes)"
    result = (GradedCheckResult if _grading() else CheckResult)(name, status, message, n, n_passed, function, exercise)
    if callable(fn) and _weakrefable(fn):
        _LAST_RESULTS[fn] = result
    if status != "passed" and _strict(strict):
        raise CheckFailed(result.line)
    return result


# --------------------------------------------------------------------------------------------------
# Comparing answers


def _short(value):
    """``repr(value)`` on one line, cut to ``MAX_MESSAGE`` characters (a returned array or long text stays short)."""
    try:
        text = " ".join(repr(value).split())
    except Exception:  # the learner's object cannot show itself
        text = f"a {type(value).__name__}"
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1] + "…"


def _kind(value, returned=True):
    """How ``value`` is described in a hint; a returned ``None`` suggests a missing ``return``."""
    if value is None:
        return "None (is a `return` missing?)" if returned else "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a {type(value).__name__}"


def _array(value, what):
    """``value`` as a float array (float64, or float32 if the learner computed in it), or a failed check."""
    if value is None:
        raise _Failed(f"{what} is None — is a `return` missing?")
    try:
        arr = np.asarray(value)
        if arr.dtype not in (np.float32, np.float16):
            arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise _Failed(f"{what} should be a numpy array, got {_kind(value)}") from None
    _note_precision(arr)
    return arr


def _note_precision(*values):
    """Record, for ``_run``, that an answer came in a lower precision than float64 (float32, say).

    Such an answer passes if right, but the cells below get the reference: they compare with the
    library to float64 precision.
    """
    if _eps(*values) > np.finfo(np.float64).eps:
        _PRECISION["low"] = True


def _shaped(value, shape, what, hint=""):
    arr = _array(value, what)
    if arr.shape != tuple(shape):
        raise _Failed(f"{what} has shape {arr.shape}, expected {tuple(shape)}" + (f" — {hint}" if hint else ""))
    return arr


def _eps(*values):
    """The machine epsilon of the least precise float among ``values`` (float64's when all are float64)."""
    eps = np.finfo(np.float64).eps
    for v in values:
        dtype = getattr(v, "dtype", None)
        if dtype is not None and dtype.kind == "f":
            eps = max(eps, float(np.finfo(dtype).eps))
    return eps


def _tolerances(eps):
    """(rtol, atol factor) for answers computed with machine epsilon ``eps``: float64 -> (1e-7, 1e-10)."""
    if eps <= np.finfo(np.float64).eps:
        return RTOL, ATOL
    return min(1e-2, 1000 * eps), min(1e-3, 10 * eps)  # float32: about 1.2e-4 and 1.2e-6


def _close(a, b, eps=None):
    """``a`` equals ``b`` up to the rounding of the precision they were computed in (``eps``: given or from dtypes)."""
    eps = _eps(a, b) if eps is None else eps
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return False
    rtol, atol = _tolerances(eps)
    return bool(np.allclose(a, b, rtol=rtol, atol=atol * max(1.0, float(np.abs(b).max(initial=0.0)))))


def _all_close(got, expected, names, eps=None):
    return all(_close(got[n], expected[n], eps) for n in names)


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

    ``mutants`` is a list of ``(answer_of_a_known_mistake, hint)``. Every comparison uses the
    tolerance of the precision ``got`` was computed in, so a mutant is named only when it differs
    from the right answer by more than that rounding.
    """
    eps = _eps(*(got[n] for n in names))
    if _all_close(got, expected, names, eps):
        return
    for answer, hint in mutants:
        if _all_close(got, answer, names, eps) and not _all_close(answer, expected, names, eps):
            raise _Failed(hint)
    wrong = [n for n in names if not _close(got[n], expected[n], eps)]
    raise _Failed(default(wrong) if callable(default) else default)


def _d(name):
    return f"dL/d{name}"
