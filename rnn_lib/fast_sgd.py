"""Per-example SGD on the vanilla kernel in one tight step: ``train(engine="fast")`` with the article's optimiser.

``engine="fast"`` runs one phrase per update through the model's contract
(``ModelEngine``: ``model.batch_loss``, then the optimiser's ``update``). For
the vanilla cell and plain SGD, ``SGDStep`` makes the same update with the
same numpy operations, in the same order, on the same buffers as
``FastEngine.loss_and_grads`` (one phrase) followed by ``SGD.update``, so the
weights it gives are those of ``ModelEngine`` bit for bit
(``tests/test_fast_sgd.py`` checks it, and that both equal the teaching loop
to rounding). What it leaves out is Python: the batch dispatch, the stats
dict and the optimiser call of every update, and the one-hot rows of each
phrase are made once, in ``prepare``, instead of once per update.
"""

import math

import numpy as np

from .batching import Phrases
from .losses import row_softmax_cross_entropy

try:  # the clip ufunc itself: one pass, without np.clip's Python wrapper; the values of minimum, then maximum
    from numpy._core.umath import clip as _clip
except ImportError:  # pragma: no cover  (numpy 1.x)
    try:
        from numpy.core.umath import clip as _clip
    except ImportError:
        def _clip(g, low, high, out):
            np.minimum(g, high, out=out)
            return np.maximum(out, low, out=out)


class SGDStep:
    """The per-example SGD step of the vanilla kernel (``model.kernel``), with element-wise clipping.

    ``prepare(seqs, targets)`` lays the phrases out (a ``Phrases``, with each
    phrase's one-hot rows); ``step(data, [i])`` makes the update on phrase i
    and returns ``(loss, correct)`` measured before it; ``evaluate(data)`` is
    ``ModelEngine``'s, mean loss and accuracy without updates.
    """

    def __init__(self, model, learn_rate, clip):
        kernel = model.kernel
        if kernel is None:
            raise ValueError(f"SGDStep runs the vanilla cell's kernel; this model's cell is {model.cell!r}")
        self.model, self.kernel, self.flat = model, kernel, model.flat
        self.learn_rate, self.clip = learn_rate, clip
        self.d_y = kernel.gby[None]  # (1, O): dL/dy = dL/dby, written in place
        self.bh = kernel.bh[None]  # (1, H): a 2-D row broadcasts with less overhead
        self._buffers = {}

    def prepare(self, seqs, targets):
        """The phrases laid out (``Phrases``); each with its class, its one-hot rows and its length's buffers."""
        data = Phrases(seqs, targets)
        eye = self.kernel.eye
        data.sgd_items = [(idx, int(t[0]), eye[idx.reshape(-1)], self._buffers_for(idx.shape[0]))
                          for idx, t, _ in data.singles]
        return data

    def _buffers_for(self, L):
        """The buffers of a phrase of L words, made once per length, and the row views the step walks through."""
        buf = self._buffers.get(L)
        if buf is None:
            H = self.kernel.H
            hs = np.zeros((L + 1, 1, H))  # hs[0] stays 0: h_0
            a, da, d_tanh, d_h = np.empty((L, 1, H)), np.empty((L, 1, H)), np.empty((L, 1, H)), np.empty((1, H))
            forward = [(hs[t], hs[t + 1], a[t]) for t in range(L)]
            backward = [(da[t], d_tanh[t - 1], da[t - 1]) for t in range(L - 1, 0, -1)]
            buf = self._buffers[L] = (a, hs[L], hs[:L].reshape(L, H), hs[1:], d_tanh, da[L - 1], d_tanh[L - 1],
                                      da.reshape(L, H), da.reshape(L, H).T, d_h, forward, backward)
        return buf

    def step(self, data, batch):
        """One SGD update on phrase ``batch[0]``: ``FastEngine.loss_and_grads`` (B = 1) and ``SGD.update``, inlined."""
        (i,) = batch
        idx, c, onehot, buffers = data.sgd_items[i]
        a, hT, hs_in, hs_out, d_tanh, da_last, d_tanh_last, da2, da2T, d_h, forward, backward = buffers
        k = self.kernel
        # forward: h_t = tanh(Whh h_{t-1} + Wxh x_t + bh), as rows
        k.WxhT.take(idx, axis=0, out=a)  # Wxh x_t for every step, by lookup (a copy, as WxhT[idx])
        np.add(a, self.bh, out=a)
        WhhT, dot, add, tanh = k.WhhT, np.dot, np.add, np.tanh
        for h_prev, h, a_t in forward:
            dot(h_prev, WhhT, out=h)
            add(h, a_t, out=h)
            tanh(h, out=h)
        y = hT @ k.WhyT  # FastEngine.scores
        if y.shape[1] == 2:  # the classifier: losses.row_softmax_cross_entropy's arithmetic, written out for O = 2
            (y0, y1), (b0, b1) = y[0].tolist(), k.by.tolist()
            y0, y1 = y0 + b0, y1 + b1  # y += by, in Python floats (the same rounding)
            m = y1 if y1 > y0 else y0  # max([y0, y1])
            e0, e1 = math.exp(y0 - m), math.exp(y1 - m)
            s = e0 + e1
            p0, p1 = e0 / s, e1 / s
            correct = int((1 if p1 > p0 else 0) == c)  # the first largest probability's class
            loss = m + math.log(s) - (y1 if c else y0)
            self.d_y[0] = (p0 - 1.0, p1) if c == 0 else (p0, p1 - 1.0)  # d_y = p - e_c, into gby
        else:
            y += k.by
            loss, correct = row_softmax_cross_entropy(y, c, self.d_y)
        d_y = self.d_y
        # backward
        np.matmul(d_y.T, hT, out=k.gWhy)
        np.square(hs_out, out=d_tanh)  # 1 - h_t^2, through tanh
        np.subtract(1.0, d_tanh, out=d_tanh)
        multiply, Whh = np.multiply, k.Whh
        multiply(d_tanh_last, dot(d_y, k.Why, out=d_h), out=da_last)
        for da_t, d_tanh_before, da_before in backward:
            multiply(d_tanh_before, dot(da_t, Whh, out=d_h), out=da_before)  # da_{t-1} = (1 - h^2) * Whh.T da_t
        np.matmul(da2T, hs_in, out=k.gWhh)
        np.add.reduce(da2, axis=0, out=k.gbh)
        np.matmul(da2T, onehot, out=k.gWxh)
        # clip, update (SGD.update)
        g = k.grad_flat
        if self.clip is not None:
            _clip(g, -self.clip, self.clip, out=g)
        g *= self.learn_rate
        np.subtract(self.flat, g, out=self.flat)
        return loss, correct

    def evaluate(self, data):
        """Mean loss and accuracy over ``data``, without updates (``ModelEngine.evaluate``)."""
        loss = correct = 0
        for batch in data.batches(True):
            l, _, stats = self.model.batch_loss(batch, grads=False)
            loss += l
            correct += stats["correct"]
        return loss / data.count, correct / data.count
