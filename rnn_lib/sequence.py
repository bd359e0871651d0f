"""The time loop, written once: run a cell over a sequence, and backpropagate through time.

``unroll`` and ``bptt`` know nothing of a cell's equations (``rnn_lib.cells``)
nor of what is computed from the hidden states (a class after the last word,
a word after every word): ``bptt`` takes the loss's gradient with respect to
every h_t, so a many-to-one model passes zeros except at t = T, a many-to-many
model one gradient per step.

Shapes: T time steps, H hidden units; a state is a tuple whose first entry is
h_t (H, 1).
"""

import numpy as np


def unroll(cell, params, xs, state0):
    """Run ``cell`` over the inputs ``xs`` (x_1..x_T) from ``state0``.

    Returns:
        ``(states, caches)``: ``states[t]`` is the state after t steps
        (``states[0]`` is ``state0``, ``states[t][0]`` is h_t); ``caches[t-1]``
        is step t's cache for ``bptt``.
    """
    states, caches = [state0], []
    for x in xs:
        state, cache = cell.step_forward(params, x, states[-1])
        states.append(state)
        caches.append(cache)
    return states, caches


def bptt(cell, params, caches, d_hs, d_state=None):
    """Backpropagation through time over ``unroll``'s caches.

    Args:
        d_hs: (T, H, 1): ``d_hs[t-1]`` is the gradient reaching h_t from outside
            the recurrence (from the output head at step t).
        d_state: optional gradient for the final state from beyond the sequence;
            zeros by default.
    Returns:
        ``(grads, d_states)``: ``grads`` the cell's parameter gradients summed
        over the steps; ``d_states[t]`` the total gradient with respect to the
        state after t steps, t = 0..T (``d_states[0]`` for the initial state).
    """
    T = len(caches)
    carry = cell.zero_state(d_hs.shape[1]) if d_state is None else d_state
    grads = {}
    d_states = [None] * (T + 1)
    for t in range(T, 0, -1):
        d = (carry[0] + d_hs[t - 1],) + tuple(carry[1:])
        d_states[t] = d
        carry, step_grads = cell.step_backward(params, d, caches[t - 1])
        for name, g in step_grads.items():
            if name in grads:
                grads[name] += g
            else:
                grads[name] = np.array(g, dtype=np.float64)
    d_states[0] = carry
    return grads, d_states
