"""Notebook 03's BPTT built from the library's step, and the classic BPTT slips built from it, each with its hint."""

import numpy as np

from ..cells import step_backward, step_forward


def _bptt(model, xs, hs, d_ys, caches=None, accumulate=True, first=1):
    """BPTT through the library's ``step_backward``, with a gradient ``d_ys[t-1]`` for every output y_t.

    ``d_ys`` holds T entries, ``None`` where a step has no output. ``caches`` (default: from
    ``rnn_lib.step_forward`` on ``hs``) and ``first`` (the last step the loop goes back to, 1 when
    right) let the checkers build known mistakes. Returns ``(grads, d_hs)`` with
    ``d_hs[t] = dL/dh_t``, shape (T+1, H, 1).
    """
    T = len(xs)
    if caches is None:
        caches = [step_forward(xs[t - 1], hs[t - 1], model.Wxh, model.Whh, model.bh)[1] for t in range(1, T + 1)]
    grads = {name: np.zeros_like(p) for name, p in model.params.items()}
    d_h = np.zeros_like(hs[0])
    d_hs = [np.zeros_like(hs[0])] * (T + 1)
    for t in range(T, 0, -1):
        if d_ys[t - 1] is not None:  # the local path: y_t = Why h_t + by
            grads["Why"] += d_ys[t - 1] @ hs[t].T
            grads["by"] += d_ys[t - 1]
            d_h = d_h + model.Why.T @ d_ys[t - 1]
        d_hs[t] = d_h
        if t < first:
            continue
        d_h, step_grads = step_backward(d_h, caches[t - 1])  # the recurrent path, to h_{t-1}
        for name, g in step_grads.items():
            if accumulate or t == 1:
                grads[name] = grads[name] + g if accumulate else g.copy()
    d_hs[0] = d_h
    return grads, np.array(d_hs)


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
        (_bptt(model, xs, hs, d_ys, first=2)[0],
         "off by one in the time loop: it must visit every step t = T, T-1, ..., 1, e.g. range(T, 0, -1) "
         "(a range stops before its second argument)"),
        (_bptt(model, xs, hs, d_ys, caches(lambda t: hs[t - 2], normal_prev, Whh))[0],
         "wrong hs index: hs[0] is h_0, so step t (x_t = xs[t - 1]) uses h_t = hs[t] and h_{t-1} = hs[t - 1]; "
         "in a loop over t = T-1, ..., 0 (x = xs[t]) that is hs[t + 1] and hs[t]"),
    ]
