"""The classic article's backpropagation step, kept with its defect to teach from.

The article passes the hidden gradient back with ``d_h = Whh @ temp``; the
right step is ``Whh.T @ temp``, because h_t depends on h_{t-1} through
``Whh @ h_{t-1}`` and the gradient of ``W @ h`` with respect to ``h`` is
``W.T @ (upstream)``. With a symmetric ``Whh`` the two agree, so the error hides
until a gradient check (``rnn_lib.check_gradients``) exposes it. This module
is never used for training in the course: it exists so that the notebooks and
tests can show the check failing.
"""

import numpy as np


def backward_without_transpose(model, d_y):
    """The article's BPTT, returning gradients instead of updating: **wrong on purpose**.

    Same signature and result keys as ``model.backward(d_y)``; call it after
    ``model.forward(inputs)``.
    """
    xs, hs = model.last_xs, model.last_hs
    n = len(xs)
    d_Why = d_y @ hs[n].T
    d_by = d_y
    d_Whh = np.zeros(model.Whh.shape)
    d_Wxh = np.zeros(model.Wxh.shape)
    d_bh = np.zeros(model.bh.shape)
    d_h = model.Why.T @ d_y
    for t in reversed(range(n)):
        temp = (1 - hs[t + 1] ** 2) * d_h
        d_bh += temp
        d_Whh += temp @ hs[t].T
        d_Wxh += temp @ xs[t].T
        d_h = model.Whh @ temp  # the defect: should be model.Whh.T @ temp
    return {"Wxh": d_Wxh, "Whh": d_Whh, "Why": d_Why, "bh": d_bh, "by": d_by.copy()}
