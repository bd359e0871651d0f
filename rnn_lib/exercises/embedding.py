"""Notebook 06's embedding exercise: the backward pass of the lookup x_t = E[w_t], repeated characters included."""

import numpy as np

from ..embedding import embedding_backward
from ._core import CHECKER_OF, REFERENCES, _Failed, _array, _call, _note_precision, _run


def reference_embedding_backward(d_xs, idx, V):
    """dL/dE (V, D) from d_xs (T, D, B), the gradient reaching each step's inputs, and idx (T, B) in 0..V-1.

    Row w is the sum of ``d_xs[t, :, b]`` over every (t, b) with ``idx[t, b] == w``
    (``rnn_lib.embedding.embedding_backward``); rows never read are zero.
    """
    return embedding_backward(d_xs, (np.asarray(idx), int(V)))


def _case(seed, idx, V, D):
    rng = np.random.default_rng(seed)
    idx = np.array(idx, dtype=np.int64)
    return rng.standard_normal((idx.shape[0], D, idx.shape[1])), idx, V


#: Every index once (5 rows of 7 unread), a character repeated along a name, one repeated across names at one step.
_ONCE = (80, [[1, 4, 2], [5, 0, 3]], 8, 2)
_ALONG = (81, [[2, 1], [2, 3], [2, 1]], 6, 4)
_ACROSS = (82, [[3, 3, 0], [1, 4, 4]], 7, 2)


def _mistakes(d_xs, idx, V):
    """``(dE, hint)`` of each classic slip on this case."""
    rows = d_xs.transpose(0, 2, 1)  # (T, B, D)
    fancy = np.zeros((V, d_xs.shape[1]))
    fancy[idx] += rows
    per_step = np.zeros_like(fancy)
    for t in range(idx.shape[0]):
        per_step[idx[t]] += rows[t]
    lost = ("a character read more than once keeps only one of its gradients: dE[idx] += ... writes a repeated "
            "row once (the last write wins); add every occurrence, np.add.at(dE, idx, d_xs.transpose(0, 2, 1))")
    return [  # the per-step slip first: on a case it gets right, it equals the answer and is skipped
        (per_step, "a character read by several names at the same step keeps only one of their gradients: "
                   "dE[idx[t]] += ... writes a repeated row once; add every occurrence, np.add.at"),
        (fancy, lost),
        (np.zeros_like(fancy) + rows.reshape(-1, rows.shape[2]).sum(axis=0),
         "every row got the sum of all gradients: row w gets only the steps that read w"),
    ]


def check_embedding_backward(embedding_backward, strict=None):
    """Check ``embedding_backward(d_xs, idx, V) -> dE`` (notebook 6): d_xs (T, D, B), idx (T, B), dE (V, D).

    Checks, in order: it returns a (V, D) array (V rows even when the last ones are never read);
    every index read once; a character repeated along a name (the ``dE[idx] += g`` slip loses all
    but one of its gradients); a character repeated across the names at one step (the slip of a
    loop over t with ``dE[idx[t]] += ...``); its arguments are not changed.
    """
    def answer(fn, case):
        d_xs, idx, V = _case(*case)
        got = _call(fn, d_xs.copy(), idx.copy(), V)
        if got is None:
            raise _Failed("it returned None — is a `return` missing?")
        got = got if isinstance(got, np.ndarray) else _array(got, "dE")
        shape = (V, d_xs.shape[1])
        if got.shape != shape:
            if got.shape == shape[::-1]:
                raise _Failed(f"dE has shape {got.shape}, expected {shape}: one row per character, as E (V, D)")
            raise _Failed(f"dE has shape {got.shape}, expected {shape}: E's shape (V, D), V = {V} rows even when "
                          "the last ones are never read (np.zeros((V, D)))")
        _note_precision(got)
        return got, (d_xs, idx, V)

    def judge(fn, case, what):
        got, args = answer(fn, case)
        expected = reference_embedding_backward(*args)
        if np.allclose(got, expected, rtol=1e-6, atol=1e-8):
            return
        for wrong, hint in _mistakes(*args):
            if np.allclose(got, wrong, rtol=1e-6, atol=1e-8):
                raise _Failed(f"dE wrong {what} — {hint}")
        raise _Failed(f"dE wrong {what}: row w is the sum of d_xs[t, :, b] over every step t and name b that "
                      "read w (idx[t, b] == w)")

    def returns(fn):
        answer(fn, _ONCE)

    def once(fn):
        judge(fn, _ONCE, "when every character is read once")

    def along(fn):
        judge(fn, _ALONG, "when a name reads a character three times")

    def across(fn):
        judge(fn, _ACROSS, "when two names read the same character at the same step")

    def unchanged(fn):
        d_xs, idx, V = _case(*_ALONG)
        d_copy, i_copy = d_xs.copy(), idx.copy()
        _call(fn, d_xs, idx, V)
        if not (np.array_equal(d_xs, d_copy) and np.array_equal(idx, i_copy)):
            raise _Failed("d_xs or idx changed in place: build dE in a new array, np.zeros((V, D))")

    return _run("embedding_backward", embedding_backward, [returns, once, along, across, unchanged],
                reference_embedding_backward, strict)


CHECKER_OF.update({"embedding_backward": check_embedding_backward})
REFERENCES.update({"embedding_backward": reference_embedding_backward})

__all__ = ["check_embedding_backward", "reference_embedding_backward"]
