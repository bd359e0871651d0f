"""The update rules: SGD (the article's, lr 0.02 with element-wise clipping to [-1, 1]), Adam and Adagrad.

Two forms. The teaching loop updates a dict of parameters with ``sgd_update``
(``sgd_step`` for a learner's call, checked), one line per equation. The
trainer (``rnn_lib.training.run_epochs`` with ``ModelEngine``) takes any
``Optimizer``: an object on a model's flat buffer whose ``update(g)`` takes
one flat gradient laid out as ``model.flat`` (``batch_loss``'s
``grads.flat``) and updates the buffer in place, as CS231n's Solver takes a
pluggable update rule. Every optimiser clips first if asked: ``clip``
element-wise to [-clip, clip], ``clip_norm`` by the global norm.
"""

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
        if not checks.all_finite(g):
            raise ValueError(f"gradient {name} holds NaN or infinity: nothing was updated (a loss that "
                             "overflowed? check the learning rate and the inputs)")
    sgd_update(model.params, grads, learn_rate, clip)


# --- the batched recipes (the language model, the translator): clipping by the global norm, and Adam ---
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


class Optimizer:
    """An update rule on one flat parameter buffer (``model.flat``), in place; subclasses write ``_apply(g)``.

    Args:
        flat: the parameter buffer; learn_rate: the step size;
        clip: element-wise clip limit for the gradient (``None``: none);
        clip_norm: global-norm limit (``None``: none); shapes: the model's
            ``shapes``, to name the parameter of a bad entry in ``step``'s message.

    ``update(g)`` clips ``g`` in place and applies the rule, unchecked (training
    checks the data once, and a non-finite epoch is caught by
    ``rnn_lib.training.run_epochs``); ``step(g)`` checks ``g`` first.
    """

    def __init__(self, flat, learn_rate, clip=None, clip_norm=None, shapes=None):
        self.flat = flat
        self.shapes = None if shapes is None else dict(shapes)
        self.learn_rate = checks.positive_number(learn_rate, "learn_rate")
        self.clip = checks.clip_limit(clip)
        self.clip_norm = checks.optional_clip_norm(clip_norm)

    def update(self, g):
        """Clip ``g`` (in place) and update ``flat`` with it, unchecked."""
        if self.clip is not None:
            np.minimum(g, self.clip, out=g)  # clip to [-clip, clip]: two ufuncs, no Python wrapper
            np.maximum(g, -self.clip, out=g)
        if self.clip_norm is not None:
            clip_global_norm(g, self.clip_norm)
        self._apply(g)

    def step(self, g):
        """One update with the gradient ``g`` (shaped as ``flat``); a non-finite entry updates nothing."""
        g = np.array(g, dtype=np.float64)
        if g.shape != self.flat.shape:
            raise ValueError(f"the gradient has shape {g.shape}, the parameters {self.flat.shape}")
        bad = np.flatnonzero(~np.isfinite(g))
        if bad.size:
            raise ValueError(f"the gradient holds NaN or infinity {self._where(int(bad[0]))}: nothing was updated")
        self.update(g)

    def _where(self, i):
        """Where entry ``i`` of the flat gradient is: the parameter's name (with ``shapes``) or the index."""
        if self.shapes is not None:
            start = 0
            for name, shape in self.shapes.items():
                size = int(np.prod(shape))
                if i < start + size:
                    return f"in {name} (entry {tuple(int(k) for k in np.unravel_index(i - start, shape))})"
                start += size
        return f"at entry {i} of {self.flat.size}"

    def _apply(self, g):
        raise NotImplementedError


class SGD(Optimizer):
    """Plain SGD, ``θ -= lr · g``, the article's rule (with ``clip=CLIP``, element-wise) on the flat buffer."""

    def __init__(self, flat, learn_rate=LEARN_RATE, clip=CLIP, clip_norm=None, shapes=None):
        super().__init__(flat, learn_rate, clip, clip_norm, shapes)

    def _apply(self, g):
        g *= self.learn_rate
        self.flat -= g


#: Adagrad's default ``eps`` (PyTorch's ``torch.optim.Adagrad``: 1e-10).
ADAGRAD_EPS = 1e-10


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), as ``torch.optim.Adagrad`` without decay: each weight's own step size.

        G += g²,     θ -= lr · g / (sqrt(G) + eps)

    A weight whose gradients have been large takes small steps from then on
    (Karpathy's min-char-rnn trains with it).
    """

    def __init__(self, flat, learn_rate, eps=ADAGRAD_EPS, clip=None, clip_norm=None, shapes=None):
        super().__init__(flat, learn_rate, clip, clip_norm, shapes)
        self.eps = checks.positive_number(eps, "eps")
        self.G = np.zeros_like(flat)

    def _apply(self, g):
        self.G += g * g
        denom = np.sqrt(self.G)
        denom += self.eps
        self.flat -= self.learn_rate * g / denom


class Adam(Optimizer):
    """Adam on one flat parameter buffer, in place: the optimiser of ``train_lm`` and ``train_translator``.

        m = β1 m + (1 - β1) g,     v = β2 v + (1 - β2) g²
        θ -= lr · (m / (1 - β1^t)) / (sqrt(v / (1 - β2^t)) + eps)

    the update of ``torch.optim.Adam`` (no weight decay). ``flat`` is the
    parameter buffer (``model.flat``); ``step(g)`` takes a gradient of the same
    shape, checks it (finite; ``shapes``, e.g. ``model.shapes``, names the
    parameter of a bad entry) and updates ``flat`` in place; ``update(g)`` is
    the update alone, unchecked (training checks the data once, and a
    non-finite epoch is caught by ``rnn_lib.training.run_epochs``).
    """

    def __init__(self, flat, learn_rate, betas=ADAM_BETAS, eps=ADAM_EPS, shapes=None, clip=None, clip_norm=None):
        super().__init__(flat, learn_rate, clip, clip_norm, shapes)
        self.beta1, self.beta2 = (float(b) for b in betas)
        if not (0 <= self.beta1 < 1 and 0 <= self.beta2 < 1):
            raise ValueError(f"betas must both be in [0, 1), got {tuple(betas)}")
        self.eps = checks.positive_number(eps, "eps")
        self.m, self.v = np.zeros_like(flat), np.zeros_like(flat)
        self.t = 0

    def _apply(self, g):
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


#: The optimisers by name (``make_optimizer``, ``train(optimizer=...)``, ``train_lm(optimizer=...)``).
OPTIMIZERS = {"sgd": SGD, "adam": Adam, "adagrad": Adagrad}


def make_optimizer(optimizer, model, learn_rate, clip=None, clip_norm=None):
    """An optimiser on ``model.flat``: a name from ``OPTIMIZERS``, or an ``Optimizer`` (returned as is)."""
    if isinstance(optimizer, Optimizer):
        if optimizer.flat is not model.flat:
            raise ValueError("the optimiser updates another buffer than this model's flat: build it on model.flat")
        return optimizer
    checks.one_of(optimizer, "optimizer", tuple(OPTIMIZERS))
    return OPTIMIZERS[optimizer](model.flat, learn_rate, clip=clip, clip_norm=clip_norm, shapes=model.shapes)
