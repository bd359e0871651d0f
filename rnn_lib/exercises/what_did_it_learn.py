"""Notebook 05's exercise: choosing a setting on the validation set, never on the test set."""

import copy

import numpy as np

from ._core import CHECKER_OF, REFERENCES, _Failed, _call, _kind, _run, _short, _shown_name

#: The three accuracies of each candidate, as the notebook's table holds them.
SETS = ("train", "validation", "test")


def reference_choose_setting(scores):
    """The setting with the highest validation accuracy; on a tie, the smallest of the tied settings.

    ``scores`` maps each candidate setting (a hidden size, a learning rate, ...) to its accuracies
    ``{"train": ..., "validation": ..., "test": ...}``. Only the validation accuracies are read; the
    settings are visited in sorted order, so the choice does not depend on the dict's order.
    """
    return max(sorted(scores), key=lambda setting: scores[setting]["validation"])


class _Row(dict):
    """A row of accuracies that notes, in ``read``, which of them the learner's code read."""

    def __init__(self, items, read):
        super().__init__(items)
        self.read = read

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def values(self):
        self.read.update(self)
        return super().values()

    def items(self):
        self.read.update(self)
        return super().items()

    def __reduce_ex__(self, protocol):  # a deep copy is a plain dict: what the learner copies is not noted
        return dict, (dict(dict.items(self)),)


def _table(rows, order, read=None):
    """``{setting: {"train": a, "validation": b, "test": c}}`` filled in ``order``; with a set ``read``,
    the rows note in it which accuracies were read."""
    if read is None:
        return {s: dict(zip(SETS, rows[s])) for s in order}
    return {s: _Row(zip(SETS, rows[s]), read) for s in order}


#: Hidden sizes whose best training, validation and test accuracies, and the sums a learner might
#: choose on, each point at another setting: validation 16, training 128, test 4, the lowest
#: validation 64, validation + test 8, all three 32.
_DISTINCT = {4: (0.70, 0.60, 0.95), 8: (0.80, 0.78, 0.90), 16: (0.85, 0.80, 0.65),
             32: (0.90, 0.75, 0.85), 64: (0.95, 0.50, 0.75), 128: (1.00, 0.70, 0.60)}
_DISTINCT_ORDER = (32, 128, 8, 64, 16, 4)  # not sorted, and no first or last key is the answer
#: Learning rates, four tied on validation (0.005, 0.01, 0.02, 0.05): the smallest is the answer;
#: among the tied, the test accuracy prefers 0.01 (lowest 0.02), the training accuracy 0.02 (lowest
#: 0.01), the largest is 0.05; the answer is neither the highest nor the lowest on training or test.
_TIED = {0.001: (0.60, 0.55, 0.60), 0.005: (0.88, 0.90, 0.80), 0.01: (0.85, 0.90, 0.95),
         0.02: (0.95, 0.90, 0.70), 0.05: (0.90, 0.90, 0.75), 0.1: (0.70, 0.65, 0.85)}
#: Hidden sizes, three tied on validation (16, 32, 64): the answer 16 is again in the middle on
#: training and on test, which now rank the tied the other way round (test prefers 64, training 32).
_TIED_SIZES = {8: (0.70, 0.70, 0.75), 16: (0.90, 0.80, 0.70), 32: (0.95, 0.80, 0.65), 64: (0.85, 0.80, 0.80),
               128: (0.99, 0.75, 0.60)}


def _best(rows, key, pick=max):
    """The setting ``pick`` (max or min) chooses by ``key(row)``, the first of ties in sorted order."""
    return pick(sorted(rows), key=lambda s: key(dict(zip(SETS, rows[s]))))


def _as_setting(value, table):
    """The setting ``value`` names, or a failed check saying what it returned instead.

    A tuple ``(setting, its validation accuracy)`` counts as that setting; any other list or tuple fails.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (tuple, list)) and any(_find(v, table) is not None for v in value):
        setting = _find(value[0], table) if value else None
        if (type(value) is tuple and len(value) == 2 and setting is not None and _is_number(value[1])
                and np.isclose(float(value[1]), table[setting]["validation"], rtol=1e-6, atol=0)):
            return setting, True
        kind = "tuple" if isinstance(value, tuple) else "list"
        raise _Failed(f"returned {_short(value)} (a {kind}): return the setting itself, the key of scores "
                      "(a tuple (setting, its validation accuracy) would do too)")
    found = _find(value, table)
    if found is not None:
        return found, False
    if value is None:
        raise _Failed("returned None — is a `return` missing?")
    if isinstance(value, dict):
        raise _Failed("returned a row of accuracies: return its setting, the key of scores")
    scores = {float(v) for row in table.values() for v in row.values()}
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool) and float(value) in scores:
        raise _Failed(f"returned {float(value)!r}, an accuracy: return the setting itself (the key of scores), "
                      "not its score")
    raise _Failed(f"returned {_short(value)} ({_kind(value)}), not one of the settings {sorted(table)}: return a key "
                  "of scores")


def _is_number(value):
    return isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_))


def _find(value, table):
    """The key of ``table`` equal to ``value`` (a number of another type counts), else None."""
    if isinstance(value, (bool, np.bool_)) or isinstance(value, (dict, list, tuple, set, np.ndarray)):
        return None
    for setting in table:
        try:
            if value == setting:
                return setting
        except (TypeError, ValueError):
            continue
    return None


def check_choose_setting(choose_setting, strict=None):
    """Check ``choose_setting(scores) -> setting`` (notebook 5).

    ``scores`` maps each setting to ``{"train": ..., "validation": ..., "test": ...}``; the answer
    is the setting with the highest validation accuracy, the smallest one on a tie. Checks, in
    order: it returns one of the settings (not an accuracy); with six hidden sizes whose training,
    validation and test accuracies each point at another one, the validation's best (not the
    test's, not the training's, not a sum, not the lowest); with four learning rates tied on
    validation and the keys in sorted order, the smallest (not the test's or the training's
    favourite, not the largest, the same on every call); the same for every order of the keys
    (``max`` over the dict follows the order its keys were inserted); the scores are not changed.
    It must never read a test accuracy (the rows note what is read). A right ``(setting, its validation
    accuracy)`` tuple passes (no other list or tuple), but ``use(choose_setting)`` then gives the library's, which
    returns the setting alone.
    """
    tuples = []  # whether each answer was a (setting, score) tuple
    read = set()  # which of "train", "validation", "test" the learner's code read, in the last call
    ever = set()  # ... in any call

    def choose(fn, rows, order):
        read.clear()
        table = _table(rows, order, read)
        try:
            answer = _call(fn, table)
        finally:
            ever.update(read)
        setting, as_tuple = _as_setting(answer, _table(rows, order))
        tuples.append(as_tuple)
        return setting

    def after():  # the notebook's cell below uses the setting itself
        return any(tuples), "it returns a tuple: the cells below use rnn_lib's, which returns the setting alone"

    def read_test():
        """Right choices that read the test accuracies fail all the same."""
        if "test" in ever:
            raise _Failed("it reads scores[setting]['test']: the test set must not choose anything, not even "
                          "to break ties — read only scores[setting]['validation']")

    def returns(fn):
        choose(fn, _DISTINCT, _DISTINCT_ORDER)

    def validation(fn):
        got = choose(fn, _DISTINCT, _DISTINCT_ORDER)
        expected = _best(_DISTINCT, lambda r: r["validation"])
        if got == expected:
            return
        mistakes = [
            ("test", _best(_DISTINCT, lambda r: r["test"]),
             "the best on test: the test set must not choose anything — choose by scores[setting]['validation']"),
            ("test", _best(_DISTINCT, lambda r: r["validation"] + r["test"]),
             "the best validation + test accuracy: the test set must not choose — the validation accuracy "
             "alone"),
            ("test", _best(_DISTINCT, lambda r: sum(r.values())),
             "the best sum of the three accuracies: choose by the validation accuracy alone, never the test's"),
            ("train", _best(_DISTINCT, lambda r: r["train"]),
             "the best on training: training accuracy rewards fitting the training phrases — choose by "
             "scores[setting]['validation']"),
            ("validation", _best(_DISTINCT, lambda r: r["validation"], min),
             "the lowest validation accuracy: take the highest (max, not min)"),
        ]
        for needs, answer, hint in mistakes:
            if got == answer and needs in read:
                raise _Failed(f"chose {got}, not {expected}: {hint}")
        if "test" in read:
            raise _Failed(f"chose {got}, not {expected}: your code reads scores[setting]['test'] — the test set "
                          "must not choose anything; choose by scores[setting]['validation'] alone")
        if "train" in read:
            raise _Failed(f"chose {got}, not {expected}: your code reads scores[setting]['train'] — the training "
                          "accuracy must not choose either; choose by scores[setting]['validation'] alone")
        raise _Failed(f"chose {got}; the highest validation accuracy is {expected}'s — compare the validation "
                      "accuracies as they are (no rounding, nothing added) and take the highest")

    def tied_settings(rows):
        top = max(r[1] for r in rows.values())
        return sorted(s for s, r in rows.items() if r[1] == top)

    def tie_hint(got, tied, rows):
        expected = tied[0]
        among = {s: rows[s] for s in tied}
        start = f"{tied} tie on validation and you chose {got}"
        if "test" in read:
            best = ", the best on test" if got == _best(among, lambda r: r["test"]) else ""
            return (f"{start}{best}: the test set must not break ties either — take the smallest tied setting, "
                    f"{expected}")
        if "train" in read:
            best = ", the best on training" if got == _best(among, lambda r: r["train"]) else ""
            return (f"{start}{best}: take the smallest tied setting, {expected} — the training accuracy must not "
                    "break ties either")
        if got == tied[-1]:
            return (f"{tied} tie on validation and you chose the largest, {got}: take the smallest tied "
                    f"setting, {expected} (keep the first best, compare with > not >=)")
        return f"{start}: take the smallest tied setting, {expected} (min of the tied, or the first in sorted order)"

    def ties(fn):
        for rows in (_TIED, _TIED_SIZES):
            tied = tied_settings(rows)
            expected = tied[0]
            answers = []
            for _ in range(5):
                answers.append(choose(fn, rows, sorted(rows)))
            if len(set(answers)) > 1:
                raise _Failed(f"with the same scores you chose {answers[0]}, then "
                              f"{next(a for a in answers if a != answers[0])}: a tie must be broken the same way "
                              f"every time — take the smallest tied setting, {expected}")
            if answers[0] != expected:
                raise _Failed(tie_hint(answers[0], tied, rows))
        read_test()

    def any_order(fn):
        for rows in (_TIED, _TIED_SIZES):
            tied = tied_settings(rows)
            expected = tied[0]
            keys = sorted(rows)
            orders = [tuple(keys[i] for i in np.random.default_rng(seed).permutation(len(keys)))
                      for seed in range(8)]
            orders.append(tuple(reversed(keys)))
            for order in orders:
                answers = [choose(fn, rows, order) for _ in range(3)]
                if len(set(answers)) > 1:
                    other = next(a for a in answers if a != answers[0])
                    raise _Failed(f"with the same scores you chose {answers[0]}, then {other}: a tie must be "
                                  f"broken the same way every time — take the smallest tied setting, {expected}")
                got = answers[0]
                if got == expected:
                    continue
                first = next(s for s in order if s in tied)
                if got == first:
                    raise _Failed(f"your choice among the tied settings {tied} depends on the order the dict was "
                                  f"filled in (you chose {got}, its first): visit sorted(scores), so a tie goes "
                                  f"to the smallest, {expected}")
                raise _Failed(f"with the keys in another order you chose {got}: the answer is {expected} whatever "
                              "the order of the dict — visit sorted(scores)")

    def unchanged(fn):
        table = _table(_DISTINCT, _DISTINCT_ORDER)
        given = copy.deepcopy(table)
        _call(fn, given)
        if given != table or list(given) != list(table):
            raise _Failed(f"{_shown_name(fn, 'choose_setting')} changed scores: read it, don't modify it (no pop, "
                          "del or sort in place)")

    return _run("choose_setting", choose_setting, [returns, validation, ties, any_order, unchanged],
                reference_choose_setting, strict, after)


CHECKER_OF.update({"choose_setting": check_choose_setting})
REFERENCES.update({"choose_setting": reference_choose_setting})
