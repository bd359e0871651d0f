"""Notebook 05's exercise, ``choose_setting``: right answers pass, each classic slip gets its own hint.

The table below holds each variant (right ones in several styles, wrong ones written the way
learners get them wrong) and the status and hint substring its check must give, so that a later
change of the checker cannot bring a false pass back.
"""

import random

import numpy as np
import pytest

from rnn_lib import exercises as ex
from rnn_lib.exercises import what_did_it_learn as wdil

#: What a line adds until the learner's function passes: the cells below use the library's version.
BELOW = "(the cells below use rnn_lib's version until this passes)"

# --------------------------------------------------------------------------------------------------
# Right answers


def choose_loop(scores):  # the notebook's
    best = None
    for setting in sorted(scores):
        if best is None or scores[setting]["validation"] > scores[best]["validation"]:
            best = setting
    return best


def choose_max_sorted(scores):
    return max(sorted(scores), key=lambda s: scores[s]["validation"])


def choose_sort_key(scores):  # highest validation first, then the smallest setting
    return sorted(scores, key=lambda s: (-scores[s]["validation"], s))[0]


def choose_numpy(scores):  # vectorised: np.argmax returns the first of ties
    settings = np.array(sorted(scores))
    accuracies = np.array([scores[s]["validation"] for s in settings])
    return settings[np.argmax(accuracies)]  # a numpy scalar


def choose_float32(scores):
    settings = sorted(scores)
    accuracies = np.array([scores[s]["validation"] for s in settings], dtype=np.float32)
    return settings[int(np.argmax(accuracies))]


def choose_in_place(scores):  # sorts and pops its own list, in place
    settings = list(scores)
    settings.sort(reverse=True)
    best = settings.pop()
    while settings:
        s = settings.pop()
        if scores[s]["validation"] > scores[best]["validation"]:
            best = s
    return best


def choose_with_score(scores):  # (setting, score): passes, with a note
    best = choose_max_sorted(scores)
    return best, scores[best]["validation"]


# --------------------------------------------------------------------------------------------------
# Wrong answers


def choose_on_test(scores):
    return max(sorted(scores), key=lambda s: scores[s]["test"])


def choose_on_train(scores):
    return max(sorted(scores), key=lambda s: scores[s]["train"])


def choose_lowest(scores):
    return min(sorted(scores), key=lambda s: scores[s]["validation"])


def choose_validation_plus_test(scores):
    return max(sorted(scores), key=lambda s: scores[s]["validation"] + scores[s]["test"])


def choose_on_everything(scores):
    return max(sorted(scores), key=lambda s: sum(scores[s].values()))


def choose_returns_score(scores):
    return max(scores[s]["validation"] for s in scores)


def choose_returns_row(scores):
    return scores[choose_max_sorted(scores)]


def choose_returns_columns(scores):  # every setting and its accuracy: a (6, 1) array's repr spans lines
    settings = sorted(scores)
    return settings, np.array([scores[s]["validation"] for s in settings])[:, None]


def choose_no_return(scores):
    choose_max_sorted(scores)


def choose_dict_order(scores):  # max over the dict: ties go to the first key inserted
    return max(scores, key=lambda s: scores[s]["validation"])


def choose_largest_tie(scores):  # >= keeps the last of the ties
    best = None
    for setting in sorted(scores):
        if best is None or scores[setting]["validation"] >= scores[best]["validation"]:
            best = setting
    return best


def choose_tie_by_test(scores):
    return max(sorted(scores), key=lambda s: (scores[s]["validation"], scores[s]["test"]))


def choose_tie_by_train(scores):
    return max(sorted(scores), key=lambda s: (scores[s]["validation"], scores[s]["train"]))


def choose_tie_at_random(scores):
    top = max(r["validation"] for r in scores.values())
    return random.choice([s for s in sorted(scores) if scores[s]["validation"] == top])


def choose_pops(scores):  # empties the caller's dict
    best = choose_max_sorted(scores)
    for s in list(scores):
        if s != best:
            scores.pop(s)
    return best


def choose_raises(scores):
    return max(scores, key=lambda s: scores[s]["valid"])  # the key is "validation"


def choose_tie_lowest_test(scores):
    return max(sorted(scores), key=lambda s: (scores[s]["validation"], -scores[s]["test"]))


def choose_tie_lowest_train(scores):  # "the least overfit of the tied"
    return max(sorted(scores), key=lambda s: (scores[s]["validation"], -scores[s]["train"]))


def choose_tie_smallest_gap(scores):
    return min(sorted(scores), key=lambda s: (-scores[s]["validation"], scores[s]["train"] - scores[s]["validation"]))


def choose_minus_tiny_test(scores):
    return max(sorted(scores), key=lambda s: scores[s]["validation"] - 1e-3 * scores[s]["test"])


def choose_rounded(scores):
    return max(sorted(scores), key=lambda s: round(scores[s]["validation"], 1))


def choose_minus_gap(scores):  # validation - (train - validation)
    return max(sorted(scores), key=lambda s: 2 * scores[s]["validation"] - scores[s]["train"])


def choose_tie_second(scores):
    top = max(r["validation"] for r in scores.values())
    tied = sorted(s for s in scores if scores[s]["validation"] == top)
    return tied[1] if len(tied) > 1 else tied[0]


def choose_tie_median(scores):
    top = max(r["validation"] for r in scores.values())
    tied = sorted(s for s in scores if scores[s]["validation"] == top)
    return tied[len(tied) // 2]


def choose_right_but_reads_test(scores):  # the test accuracy is read, though it never changes the choice
    return max(sorted(scores), key=lambda s: (scores[s]["validation"], 0 * scores[s]["test"]))


def choose_ranked_list(scores):
    return sorted(sorted(scores), key=lambda s: -scores[s]["validation"])


def choose_top_two(scores):
    return choose_ranked_list(scores)[:2]


def choose_with_test_score(scores):
    best = choose_max_sorted(scores)
    return best, scores[best]["test"]


def choose_as_list(scores):
    best = choose_max_sorted(scores)
    return [best, scores[best]["validation"]]


def choose_not_written(scores):
    raise ex.NotWritten()


CHECK = ex.check_choose_setting
VARIANTS = [
    # (function, status, substring of the line)
    (choose_loop, "passed", "all 5 checks passed"),
    (choose_max_sorted, "passed", "all 5 checks passed"),
    (choose_sort_key, "passed", "all 5 checks passed"),
    (choose_numpy, "passed", "all 5 checks passed"),
    (choose_float32, "passed", "all 5 checks passed"),
    (choose_in_place, "passed", "all 5 checks passed"),
    (ex.reference_choose_setting, "passed", "all 5 checks passed"),
    (choose_with_score, "passed", "all 5 checks passed (it returns a tuple: the cells below use rnn_lib's"),
    (choose_on_test, "failed", "chose 4, not 16: the best on test: the test set must not choose"),
    (choose_on_train, "failed", "chose 128, not 16: the best on training"),
    (choose_lowest, "failed", "chose 64, not 16: the lowest validation accuracy: take the highest (max, not min)"),
    (choose_validation_plus_test, "failed", "chose 8, not 16: the best validation + test accuracy: the test set "
                                            "must not choose"),
    (choose_on_everything, "failed", "chose 32, not 16: the best sum of the three accuracies"),
    (choose_returns_score, "failed", "returned 0.8, an accuracy: return the setting itself"),
    (choose_returns_row, "failed", "returned a row of accuracies: return its setting"),
    (choose_returns_columns, "failed", "returned ([4, 8, 16, 32, 64, 128], array([[0.6 ], [0.78], [0.8 ], [0.75], "
                                       "[0.5 ], [0.7 ]])) (a tuple), not one of the settings"),
    (choose_no_return, "failed", "returned None — is a `return` missing?"),
    (choose_dict_order, "failed", "depends on the order the dict was filled in (you chose"),
    (choose_largest_tie, "failed", "you chose the largest, 0.05: take the smallest tied setting, 0.005"),
    (choose_tie_by_test, "failed", "you chose 0.01, the best on test: the test set must not break ties either"),
    (choose_tie_by_train, "failed", "you chose 0.02, the best on training: take the smallest tied setting"),
    (choose_tie_at_random, "failed", "a tie must be broken the same way every time"),
    (choose_pops, "failed", "choose_pops changed scores: read it, don't modify it"),
    (choose_raises, "error", "your code raised KeyError: 'valid' — at line"),
    (choose_not_written, "not written", "not written yet"),
    (choose_tie_lowest_test, "failed", "you chose 0.02: the test set must not break ties either — take the smallest"),
    (choose_tie_lowest_train, "failed", "you chose 0.01: take the smallest tied setting, 0.005 — the training "
                                        "accuracy must not break ties"),
    (choose_tie_smallest_gap, "failed", "you chose 0.01: take the smallest tied setting, 0.005 — the training "
                                        "accuracy must not break ties"),
    (choose_minus_tiny_test, "failed", "you chose 0.02: the test set must not break ties either"),
    (choose_rounded, "failed", "chose 8; the highest validation accuracy is 16's — compare the validation "
                               "accuracies as they are (no rounding"),
    (choose_minus_gap, "failed", "chose 8, not 16: your code reads scores[setting]['train'] — the training accuracy "
                                 "must not choose either"),
    (choose_tie_second, "failed", "and you chose 0.01: take the smallest tied setting, 0.005 (min of the tied"),
    (choose_tie_median, "failed", "and you chose 0.02: take the smallest tied setting, 0.005 (min of the tied"),
    (choose_right_but_reads_test, "failed", "it reads scores[setting]['test']: the test set must not choose anything"),
    (choose_ranked_list, "failed", "returned [16, 8, 32, 128, 4, 64] (a list): return the setting itself"),
    (choose_top_two, "failed", "returned [16, 8] (a list): return the setting itself"),
    (choose_with_test_score, "failed", "returned (16, 0.65) (a tuple): return the setting itself"),
    (choose_as_list, "failed", "returned [16, 0.8] (a list): return the setting itself"),
]


@pytest.mark.parametrize("fn, status, hint", VARIANTS, ids=[v[0].__name__ for v in VARIANTS])
def test_each_variant_gets_its_status_and_hint(fn, status, hint):
    random.seed(0)  # the random tie-breaker: any seed fails; a fixed one keeps the hint fixed
    result = CHECK(fn, strict=False)
    assert result.status == status, result.line
    assert hint in result.line, result.line
    assert "\n" not in result.line and "Traceback" not in result.line
    assert bool(result) == (status == "passed")
    assert result.line.startswith(f"{result.ICONS[status]} {fn.__name__}: ") and result.exercise == "choose_setting"
    if status != "passed":
        ending = BELOW
    else:
        ending = "the setting alone)" if fn is choose_with_score else "all 5 checks passed"
    assert result.line.endswith(ending), result.line
    assert (ex.use(fn) is fn) == (status == "passed" and fn is not choose_with_score)


def test_the_line_names_the_function_as_the_learner_named_it():
    def choose_setting(scores):  # the notebook's name
        return choose_loop(scores)

    assert CHECK(choose_setting).line == "✅ choose_setting: all 5 checks passed"
    assert CHECK(choose_not_written).line == f"⏳ choose_not_written: not written yet {BELOW}"
    assert CHECK(lambda scores: choose_on_test(scores)).line.startswith("❌ choose_setting: chose 4, not 16")


def test_the_random_tie_breaker_fails_for_every_seed():
    for seed in range(20):
        random.seed(seed)
        assert not CHECK(choose_tie_at_random, strict=False)


def test_use_gives_the_setting_alone():
    assert ex.use(choose_loop) is choose_loop
    CHECK(choose_with_score)
    assert ex.use(choose_with_score) is ex.reference_choose_setting
    CHECK(choose_not_written)
    assert ex.use(choose_not_written) is ex.REFERENCES["choose_setting"] is ex.reference_choose_setting


def test_the_cases_tell_each_slip_apart():
    """The distinct case: each way of choosing points at another setting; the tied case has four ties."""
    rows = wdil._DISTINCT
    picks = [wdil._best(rows, key) for key in (lambda r: r["validation"], lambda r: r["train"], lambda r: r["test"],
                                               lambda r: r["validation"] + r["test"], lambda r: sum(r.values()))]
    picks.append(wdil._best(rows, lambda r: r["validation"], min))
    assert picks == [16, 128, 4, 8, 32, 64]
    assert wdil._DISTINCT_ORDER[0] != 16 and wdil._DISTINCT_ORDER[-1] != 16 and sorted(wdil._DISTINCT_ORDER) != list(
        wdil._DISTINCT_ORDER)
    scores = {float(v) for row in list(rows.values()) + list(wdil._TIED.values()) for v in row}
    assert not scores & (set(rows) | set(wdil._TIED))  # no setting equals a score
    top = max(r[1] for r in wdil._TIED.values())
    tied = sorted(s for s, r in wdil._TIED.items() if r[1] == top)
    among = {s: wdil._TIED[s] for s in tied}
    assert tied[0] == 0.005 and len({tied[0], wdil._best(among, lambda r: r["test"]),
                                     wdil._best(among, lambda r: r["train"]), tied[-1]}) == 4
    for table in (wdil._TIED, wdil._TIED_SIZES):  # the answer is never the highest or lowest on train or test
        top = max(r[1] for r in table.values())
        tied = sorted(s for s, r in table.items() if r[1] == top)
        assert len(tied) >= 3
        for column in (0, 2):
            ranked = sorted(tied, key=lambda s: table[s][column])
            assert len({table[s][column] for s in tied}) == len(tied) and tied[0] not in (ranked[0], ranked[-1])


def test_the_reference_reads_only_the_validation_accuracies():
    class Row(dict):
        def __getitem__(self, key):
            assert key == "validation", key
            return super().__getitem__(key)

    scores = {h: Row(zip(wdil.SETS, row)) for h, row in wdil._DISTINCT.items()}
    assert ex.reference_choose_setting(scores) == 16


def test_this_modules_checker_is_in_the_table_with_right_and_wrong_answers():
    checkers = {getattr(ex, n) for n in ex.__all__ if n.startswith("check_")}
    assert {c for c in checkers if c.__module__ == wdil.__name__} == {CHECK}
    assert sum(s == "passed" for _, s, _ in VARIANTS) >= 4 and sum(s == "failed" for _, s, _ in VARIANTS) >= 2
    assert CHECK.__doc__ and "Check" in CHECK.__doc__
    assert ex.CHECKER_OF["choose_setting"] is CHECK
