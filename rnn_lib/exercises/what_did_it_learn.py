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


def _table(rows, order):
    """``{setting: {"train": a, "validation": b, "test": c}}`` filled in ``order``."""
    return {s: dict(zip(SETS, rows[s])) for s in order}


#: Hidden sizes whose best training, validation and test accuracies, and the sums a learner might
#: choose on, each point at another setting: validation 16, training 128, test 4, the lowest
#: validation 64, validation + test 8, all three 32.
_DISTINCT = {4: (0.70, 0.60, 0.95), 8: (0.80, 0.78, 0.90), 16: (0.85, 0.80, 0.65),
             32: (0.90, 0.75, 0.85), 64: (0.95, 0.50, 0.75), 128: (1.00, 0.70, 0.60)}
_DISTINCT_ORDER = (32, 128, 8, 64, 16, 4)  # not sorted, and no first or last key is the answer
#: Learning rates, four tied on validation (0.005, 0.01, 0.02, 0.05): the smallest is the answer;
#: among the tied, the test accuracy prefers 0.01, the training accuracy 0.02, the largest is 0.05.
_TIED = {0.001: (0.60, 0.55, 0.60), 0.005: (0.80, 0.90, 0.70), 0.01: (0.85, 0.90, 0.95),
         0.02: (0.95, 0.90, 0.80), 0.05: (0.90, 0.90, 0.75), 0.1: (0.70, 0.65, 0.85)}


def _best(rows, key, pick=max):
    """The setting ``pick`` (max or min) chooses by ``key(row)``, the first of ties in sorted order."""
    return pick(sorted(rows), key=lambda s: key(dict(zip(SETS, rows[s]))))


def _as_setting(value, table):
    """The setting ``value`` names, or a failed check saying what it returned instead.

    A tuple or list whose first item is a setting counts as that setting (``(setting, score)``).
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (tuple, list)) and len(value) >= 2 and _find(value[0], table) is not None:
        return _find(value[0], table), True
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
    A right ``(setting, score)`` passes, but ``use(choose_setting)`` then gives the library's, which
    returns the setting alone.
    """
    tuples = []  # whether each answer was a (setting, ...) tuple

    def choose(fn, rows, order):
        table = _table(rows, order)
        setting, as_tuple = _as_setting(_call(fn, copy.deepcopy(table)), table)
        tuples.append(as_tuple)
        return setting

    def after():  # the notebook's cell below uses the setting itself
        return any(tuples), "it returns a tuple: the cells below use rnn_lib's, which returns the setting alone"

    def returns(fn):
        choose(fn, _DISTINCT, _DISTINCT_ORDER)

    def validation(fn):
        got = choose(fn, _DISTINCT, _DISTINCT_ORDER)
        expected = _best(_DISTINCT, lambda r: r["validation"])
        if got == expected:
            return
        mistakes = [
            (_best(_DISTINCT, lambda r: r["test"]),
             "the best on test: the test set must not choose anything — choose by scores[setting]['validation']"),
            (_best(_DISTINCT, lambda r: r["train"]),
             "the best on training: training accuracy rewards fitting the training phrases — choose by "
             "scores[setting]['validation']"),
            (_best(_DISTINCT, lambda r: r["validation"], min),
             "the lowest validation accuracy: take the highest (max, not min)"),
            (_best(_DISTINCT, lambda r: r["validation"] + r["test"]),
             "the best validation + test accuracy: the test set must not choose — the validation accuracy "
             "alone"),
            (_best(_DISTINCT, lambda r: sum(r.values())),
             "the best sum of the three accuracies: choose by the validation accuracy alone, never the test's"),
        ]
        for answer, hint in mistakes:
            if got == answer:
                raise _Failed(f"chose {got}, not {expected}: {hint}")
        raise _Failed(f"chose {got}; the highest validation accuracy is {expected}'s — choose by "
                      "scores[setting]['validation']")

    def tied_settings():
        top = max(r[1] for r in _TIED.values())
        return sorted(s for s, r in _TIED.items() if r[1] == top)

    def ties(fn):
        tied = tied_settings()
        expected = tied[0]
        answers = [choose(fn, _TIED, sorted(_TIED)) for _ in range(5)]
        if len(set(answers)) > 1:
            raise _Failed(f"with the same scores you chose {answers[0]}, then "
                          f"{next(a for a in answers if a != answers[0])}: a tie must be broken the same way every "
                          f"time — take the smallest tied setting, {expected}")
        got = answers[0]
        if got == expected:
            return
        among = {s: _TIED[s] for s in tied}
        if got == _best(among, lambda r: r["test"]):
            raise _Failed(f"{tied} tie on validation and you chose {got}, the best on test: the test set must "
                          f"not break ties either — take the smallest tied setting, {expected}")
        if got == _best(among, lambda r: r["train"]):
            raise _Failed(f"{tied} tie on validation and you chose {got}, the best on training: take the "
                          f"smallest tied setting, {expected}")
        if got == tied[-1]:
            raise _Failed(f"{tied} tie on validation and you chose the largest, {got}: take the smallest tied "
                          f"setting, {expected} (keep the first best, compare with > not >=)")
        raise _Failed(f"{tied} tie on validation and you chose {got}: take the smallest tied setting, {expected}")

    def any_order(fn):
        tied = tied_settings()
        expected = tied[0]
        keys = sorted(_TIED)
        orders = [tuple(keys[i] for i in np.random.default_rng(seed).permutation(len(keys))) for seed in range(8)]
        orders.append(tuple(reversed(keys)))
        for order in orders:
            answers = [choose(fn, _TIED, order) for _ in range(3)]
            if len(set(answers)) > 1:
                other = next(a for a in answers if a != answers[0])
                raise _Failed(f"with the same scores you chose {answers[0]}, then {other}: a tie must be broken "
                              f"the same way every time — take the smallest tied setting, {expected}")
            got = answers[0]
            if got == expected:
                continue
            first = next(s for s in order if s in tied)
            if got == first:
                raise _Failed(f"your choice among the tied settings {tied} depends on the order the dict was "
                              f"filled in (you chose {got}, its first): visit sorted(scores), so a tie goes to "
                              f"the smallest, {expected}")
            raise _Failed(f"with the keys in another order you chose {got}: the answer is {expected} whatever the "
                          "order of the dict — visit sorted(scores)")

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
