"""Plain SGD with element-wise gradient clipping, as in the article (lr 0.02, clip to [-1, 1])."""

import numpy as np

from . import checks

LEARN_RATE = 2e-2
CLIP = 1.0


def clip_gradients(grads, limit=CLIP):
    """Return a new dict with every gradient clipped element-wise to [-limit, limit].

    ``limit=None`` returns copies, unclipped.
    """
    limit = checks.clip_limit(limit, "clip limit")
    if limit is None:
        return {name: np.array(g, dtype=np.float64) for name, g in grads.items()}
    return {name: np.clip(g, -limit, limit) for name, g in grads.items()}


def sgd_update(params, grads, learn_rate, clip):
    """The update itself, unchecked: ``p -= learn_rate * clip(g)`` for every parameter, in place.

    ``params`` and ``grads`` are ``{name: array}`` with the same keys and
    shapes; ``clip`` a positive float or ``None``. Training checks them once
    and then calls this for every phrase; ``sgd_step`` checks them every call.
    """
    for name, p in params.items():
        g = grads[name]
        if clip is not None:
            g = np.clip(g, -clip, clip)
        p -= learn_rate * g


def sgd_step(model, grads, learn_rate=LEARN_RATE, clip=CLIP):
    """Clip the gradients and update ``model``'s parameters in place: ``p -= learn_rate * g``.

    Args:
        model: an ``RNN``; grads: a dict from ``model.backward``, one entry per
            parameter; clip: the element-wise limit (``None`` for none).
    """
    learn_rate, clip = checks.learn_rate(learn_rate), checks.clip_limit(clip)
    missing = set(model.params) - set(grads)
    if missing:
        raise ValueError(f"grads lacks {sorted(missing)}: expected keys {sorted(model.params)}")
    for name, g in grads.items():
        if name not in model.params:
            raise ValueError(f"grads has an unknown parameter {name!r}: expected {sorted(model.params)}")
        if np.shape(g) != model.params[name].shape:
            raise ValueError(f"gradient {name} has shape {np.shape(g)}, the parameter {model.params[name].shape}")
    sgd_update(model.params, grads, learn_rate, clip)
