"""Notebook 06's embedding exercise, ``embedding_backward``: right answers pass, each slip gets its hint.

One table holds each variant (right ones in several styles, wrong ones written the way learners get
them wrong) and the status and hint substring its check must give. The reference is itself checked
against finite differences.
"""

import numpy as np
import pytest

from rnn_lib import exercises as ex
from rnn_lib.embedding import embedding_forward
from rnn_lib.gradcheck import numerical_gradient

BELOW = "(the cells below use rnn_lib's version until this passes)"


def embedding_backward(d_xs, idx, V):  # the notebook's
    dE = np.zeros((V, d_xs.shape[1]))
    np.add.at(dE, idx, d_xs.transpose(0, 2, 1))
    return dE


def embedding_backward_loop(d_xs, idx, V):
    T, D, B = d_xs.shape
    dE = np.zeros((V, D))
    for t in range(T):
        for b in range(B):
            dE[idx[t, b]] += d_xs[t, :, b]
    return dE


def embedding_backward_one_hot(d_xs, idx, V):  # E[w] = E^T e_w: dE = sum_t e_{w_t} dx_t^T, as one product
    one_hot = np.eye(V)[idx.ravel()]  # (T * B, V)
    return one_hot.T @ d_xs.transpose(0, 2, 1).reshape(-1, d_xs.shape[1])


def embedding_backward_float32(d_xs, idx, V):
    return embedding_backward(d_xs.astype(np.float32), idx, V).astype(np.float32)


def embedding_backward_fancy(d_xs, idx, V):  # the classic slip
    dE = np.zeros((V, d_xs.shape[1]))
    dE[idx] += d_xs.transpose(0, 2, 1)
    return dE


def embedding_backward_per_step(d_xs, idx, V):  # right along a name, wrong across names at one step
    dE = np.zeros((V, d_xs.shape[1]))
    for t in range(idx.shape[0]):
        dE[idx[t]] += d_xs[t].T
    return dE


def embedding_backward_transposed(d_xs, idx, V):
    return embedding_backward(d_xs, idx, V).T


def embedding_backward_rows_read(d_xs, idx, V):  # only as many rows as the largest index needs
    return embedding_backward(d_xs, idx, int(idx.max()) + 1)


def embedding_backward_everywhere(d_xs, idx, V):
    return np.zeros((V, d_xs.shape[1])) + d_xs.sum(axis=(0, 2))


def embedding_backward_in_place(d_xs, idx, V):  # right, but it spoils the caller's array
    dE = embedding_backward(d_xs, idx, V)
    d_xs[...] = 0.0
    return dE


def embedding_backward_no_return(d_xs, idx, V):
    dE = np.zeros((V, d_xs.shape[1]))
    np.add.at(dE, idx, d_xs.transpose(0, 2, 1))


def embedding_backward_not_written(d_xs, idx, V):
    raise ex.NotWritten()


TABLE = [
    (embedding_backward, "passed", "all 5 checks passed"),
    (embedding_backward_loop, "passed", "all 5 checks passed"),
    (embedding_backward_one_hot, "passed", "all 5 checks passed"),
    (ex.reference_embedding_backward, "passed", "all 5 checks passed"),
    (embedding_backward_float32, "passed", "all 5 checks passed (it computes in float32"),
    (embedding_backward_fancy, "failed", "dE wrong when a name reads a character three times — a character read "
                                         "more than once keeps only one of its gradients: dE[idx] += ..."),
    (embedding_backward_per_step, "failed", "dE wrong when two names read the same character at the same step — "
                                            "a character read by several names at the same step"),
    (embedding_backward_transposed, "failed", "dE has shape (2, 8), expected (8, 2): one row per character"),
    (embedding_backward_rows_read, "failed", "dE has shape (6, 2), expected (8, 2): E's shape (V, D), V = 8 rows"),
    (embedding_backward_everywhere, "failed", "every row got the sum of all gradients"),
    (embedding_backward_in_place, "failed", "d_xs or idx changed in place"),
    (embedding_backward_no_return, "failed", "it returned None — is a `return` missing?"),
    (embedding_backward_not_written, "not written", "not written yet"),
]


@pytest.mark.parametrize("fn, status, hint", TABLE, ids=[v[0].__name__ for v in TABLE])
def test_each_variant_gets_its_status_and_hint(fn, status, hint):
    result = ex.check_embedding_backward(fn, strict=False)
    assert result.status == status, result.line
    assert hint in result.line, result.line
    assert "\n" not in result.line and "Traceback" not in result.line
    assert result.line.startswith(f"{result.ICONS[status]} {fn.__name__}: "), result.line
    assert result.exercise == "embedding_backward"
    noted = status == "passed" and "checks passed (" in hint
    if status != "passed":
        assert result.line.endswith(BELOW), result.line
    assert (ex.use(fn) is fn) == (status == "passed" and not noted)


def test_the_reference_matches_finite_differences_with_repeats():
    rng = np.random.default_rng(9)
    E, idx = rng.standard_normal((6, 3)), np.array([[1, 1], [4, 1], [1, 0]])
    d_xs = rng.standard_normal((3, 3, 2))
    numeric = numerical_gradient(lambda: float((embedding_forward(E, idx)[0] * d_xs).sum()), E)
    np.testing.assert_allclose(ex.reference_embedding_backward(d_xs, idx, 6), numeric, rtol=1e-7, atol=1e-9)


def test_strict_mode_raises_with_the_line():
    with pytest.raises(ex.CheckFailed, match="keeps only one of its gradients"):
        ex.check_embedding_backward(embedding_backward_fancy, strict=True)
