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


# --- for the language model (rnn_lib.lm): clipping by the global norm, and Adam -------------------
def clip_global_norm(g, max_norm):
    """Scale the gradient ``g`` in place so that its Euclidean norm is at most ``max_norm``; return the norm before.

    ``g`` is one float array (a model's flat gradient, laid out as ``model.flat``)
    or a dict of arrays, whose norm is that of all of them together,
    ``sqrt(sum of every squared entry)``. Unlike the element-wise clip
    (``clip_gradients``), this keeps the gradient's direction: every entry is
    multiplied by the same ``max_norm / norm`` when ``norm > max_norm``.
    """
    max_norm = checks.positive_number(max_norm, "max_norm")
    arrays = list(g.values()) if isinstance(g, dict) else [g]
    norm = float(np.sqrt(sum(float(np.vdot(a, a)) for a in arrays)))
    if norm > max_norm:
        for a in arrays:
            a *= max_norm / norm
    return norm


#: Adam's defaults (Kingma and Ba, 2015; PyTorch's ``torch.optim.Adam``).
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


class Adam:
    """Adam on one flat parameter buffer, in place: the optimiser of ``rnn_lib.lm``.

        m = β1 m + (1 - β1) g,     v = β2 v + (1 - β2) g²
        θ -= lr · (m / (1 - β1^t)) / (sqrt(v / (1 - β2^t)) + eps)

    the update of ``torch.optim.Adam`` (no weight decay). ``flat`` is the
    parameter buffer (``model.flat``); ``step(g)`` takes a gradient of the same
    shape and updates ``flat`` in place.
    """

    def __init__(self, flat, learn_rate, betas=ADAM_BETAS, eps=ADAM_EPS):
        self.flat = flat
        self.learn_rate = checks.positive_number(learn_rate, "learn_rate")
        self.beta1, self.beta2 = (float(b) for b in betas)
        if not (0 <= self.beta1 < 1 and 0 <= self.beta2 < 1):
            raise ValueError(f"betas must both be in [0, 1), got {tuple(betas)}")
        self.eps = checks.positive_number(eps, "eps")
        self.m, self.v = np.zeros_like(flat), np.zeros_like(flat)
        self.t = 0

    def step(self, g):
        """One update with the gradient ``g`` (shaped as ``flat``)."""
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        self.m *= b1
        self.m += (1 - b1) * g
        self.v *= b2
        self.v += (1 - b2) * g * g
        step = self.learn_rate / (1 - b1**self.t)
        denom = np.sqrt(self.v / (1 - b2**self.t))
        denom += self.eps
        self.flat -= step * self.m / denom
