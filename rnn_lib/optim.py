"""Plain SGD with element-wise gradient clipping, as in the article (lr 0.02, clip to [-1, 1])."""

import numpy as np

LEARN_RATE = 2e-2
CLIP = 1.0


def clip_gradients(grads, limit=CLIP):
    """Return a new dict with every gradient clipped element-wise to [-limit, limit].

    ``limit=None`` returns copies, unclipped.
    """
    if limit is not None and not limit > 0:
        raise ValueError(f"clip limit must be positive or None, got {limit!r}")
    if limit is None:
        return {name: np.array(g, dtype=np.float64) for name, g in grads.items()}
    return {name: np.clip(g, -limit, limit) for name, g in grads.items()}


def sgd_step(model, grads, learn_rate=LEARN_RATE, clip=CLIP):
    """Clip the gradients and update ``model``'s parameters in place: ``p -= learn_rate * g``.

    Args:
        model: an ``RNN``; grads: a dict from ``model.backward``, one entry per
            parameter; clip: the element-wise limit (``None`` for none).
    """
    missing = set(model.params) - set(grads)
    if missing:
        raise ValueError(f"grads lacks {sorted(missing)}: expected keys {sorted(model.params)}")
    for name, g in clip_gradients(grads, clip).items():
        if name not in model.params:
            raise ValueError(f"grads has an unknown parameter {name!r}: expected {sorted(model.params)}")
        if g.shape != model.params[name].shape:
            raise ValueError(f"gradient {name} has shape {g.shape}, the parameter {model.params[name].shape}")
        model.params[name] -= learn_rate * g
