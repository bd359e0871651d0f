"""Shared test fixtures' building blocks: small models with random, non-symmetric weights."""

import numpy as np

from rnn_lib import RNN


def random_model(V=6, O=2, H=5, scale=0.5, seed=1):
    """An RNN with N(0, scale^2) weights and biases: no zeros, no symmetry to hide bugs."""
    rng = np.random.default_rng(seed)
    model = RNN(V, O, H, rng=rng, init=scale)
    model.bh = rng.standard_normal((H, 1)) * 0.1
    model.by = rng.standard_normal((O, 1)) * 0.1
    return model
