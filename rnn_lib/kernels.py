"""The vanilla cell's written-out kernel: forward and backward of whole batches, in numpy, for speed.

``VanillaKernel`` is an optional kernel behind the model's contract: for the
vanilla cell, ``RNN.batch_loss`` (``rnn_lib.model``) runs it instead of the
general path (any cell through ``rnn_lib.sequence``), with the same contract
and the same numbers to rounding, so ``train(..., engine="fast")`` and
``engine="batched"`` use it; the update is the optimiser's
(``rnn_lib.optim.SGD``), the epoch loop, the history and the argument checks
are ``rnn_lib.training``'s. The teaching loop (``engine="loop"``) multiplies
one-hot columns, builds a dict of gradients per phrase and updates each
parameter separately: about 115 numpy calls per phrase, almost all of it call
overhead. This kernel computes the same mathematics with fewer, larger calls:

* ``Wxh @ x_t`` for a one-hot ``x_t`` is column ``x_t`` of ``Wxh``, so the
  input terms of a whole phrase are one row lookup ``Wxh.T[idx]`` (T, H);
* hidden states live in one preallocated (T+1, B, H) buffer, written in place;
* the gradients of all parameters are written into one flat buffer laid out as
  ``model.flat`` (a ``Grads``), so clipping and the SGD update are one call
  each;
* ``dWhh`` and ``dbh`` are one matrix product and one sum over the whole
  sequence instead of one product per time step, and ``dWxh`` one product
  with the phrase's one-hot rows (whose zeros add exactly nothing).

With one phrase per update (``engine="fast"``) this is the teaching loop's
algorithm (per-example SGD in the same shuffled order, drawing the same random
numbers), and its weights agree with the loop's to rounding (tests check 1e-12
relative after an epoch).

With B > 1 phrases per update (``engine="batched"``) each update uses the
*sum* of the batch's per-example gradients (the sum of their losses; averaging
trained slower here). Training puts only phrases of equal length in a batch
(``rnn_lib.batching.make_batches``, "bucket"); the kernel also takes phrases of
different lengths padded at the *front* (``rnn_lib.batching.pad_sequences``,
as ``rnn_lib.model.batch_gradients`` does): a padded step has zero input and
no bias, so h stays exactly 0 until the phrase starts, and a mask zeroes the
padded steps' gradients. Either way the batch gradient equals the sum of the
unpadded per-example gradients.

``SGDStep`` is the per-example step of ``train(engine="fast")`` with plain
SGD: ``VanillaKernel.loss_and_grads`` for one phrase and ``SGD.update``
inlined, the same numpy operations in the same order on the same buffers, so
its weights are ``ModelEngine``'s bit for bit (``tests/test_sgd_step.py``);
what it leaves out is Python (the batch dispatch, the stats dict, the
optimiser's call, and each phrase's one-hot rows made once, in ``prepare``).

Shapes: V words, H hidden units, O outputs, B phrases in a batch, L steps.
Sequences are stored time-major: ``idx`` (L, B) word indices, hidden states
``hs`` (L+1, B, H) with ``hs[0] = 0``, scores ``y`` (B, O).
"""

import math

import numpy as np

from .base import Grads
from .batching import Phrases
from .losses import row_softmax_cross_entropy, rows_cross_entropy, rows_softmax_cross_entropy

class VanillaKernel:
    """The vanilla cell's written-out kernel: forward and backward of a whole batch, sharing the model's weights.

    Args:
        model: the ``RNN`` (vanilla cell); the views below point into
            ``model.flat``. ``RNN.batch_loss`` runs this kernel (``model.kernel``);
            the update is the optimiser's (``rnn_lib.optim``).

    ``grad_flat`` is the gradient buffer, laid out as ``model.flat``;
    ``grads()`` gives it as a ``Grads`` (per-parameter views). ``forward``,
    ``loss_and_grads`` and ``loss`` work on one time-major batch.
    """

    #: The cells this kernel computes (its equations are the vanilla cell's).
    CELLS = ("rnn",)

    def __init__(self, model):
        cell = getattr(model.cell, "name", None)
        if cell not in self.CELLS:
            raise ValueError(f"this kernel computes the vanilla cell only ({', '.join(self.CELLS)}); this model's "
                             f"cell is {model.cell!r}: use model.batch_loss, which runs any cell")
        self.model, self.flat = model, model.flat
        self.H, self.O = model.hidden_size, model.output_size
        p = model.params
        self.WxhT, self.Whh, self.WhhT = p["Wxh"].T, p["Whh"], p["Whh"].T
        self.Why, self.WhyT = p["Why"], p["Why"].T
        self.bh, self.by = p["bh"][:, 0], p["by"][:, 0]  # (H,) and (O,) views
        self._g = g = Grads(model.shapes)
        self.grad_flat = g.flat
        self.gWxhT, self.gWhh, self.gWhy = g["Wxh"].T, g["Whh"], g["Why"]
        self.gWxh, self.gbh, self.gby = g["Wxh"], g["bh"][:, 0], g["by"][:, 0]
        self.eye = np.eye(model.input_size)  # row i: the one-hot x for word i
        self._buffers = {}

    # --- one time-major batch -------------------------------------------------------------------
    def grads(self):
        """The last computed gradients, a ``Grads``: ``{name: view}`` into ``grad_flat``."""
        return self._g

    def _buffers_for(self, L, B):
        buf = self._buffers.get((L, B))
        if buf is None:
            hs = np.zeros((L + 1, B, self.H))  # hs[0] stays 0: h_0
            buf = self._buffers[(L, B)] = (hs, np.empty((L, B, self.H)), np.empty((B, self.O)))
        return buf

    def forward(self, idx, mask=None):
        """Hidden states for a batch: ``hs`` (L+1, B, H), ``hs[t]`` = h_t (``hs[0] = 0``).

        Args:
            idx: (L, B) word indices, time-major; mask: (L, B, 1) or ``None``
                (see ``rnn_lib.batching.pad_sequences``).
        The returned array is an internal buffer, overwritten by the next call.
        """
        L, B = idx.shape
        hs, _, _ = self._buffers_for(L, B)
        a = self.WxhT[idx]  # (L, B, H): Wxh @ x_t for every step, by lookup
        a += self.bh
        if mask is not None:
            a *= mask  # padded steps: no input, no bias, so h stays exactly 0
        WhhT, dot, tanh = self.WhhT, np.dot, np.tanh  # np.dot: less call overhead than matmul
        for t in range(L):
            h = hs[t + 1]
            dot(hs[t], WhhT, out=h)
            h += a[t]
            tanh(h, out=h)
        return hs

    def scores(self, h):
        """Output scores ``y = h @ Why.T + by``, (B, O), for last hidden states h (B, H)."""
        y = h @ self.WhyT
        y += self.by
        return y

    def loss_and_grads(self, idx, targets, mask=None):
        """Forward and backward for a batch; the gradients go into ``grad_flat``.

        Args:
            idx: (L, B) word indices; targets: (B,) int classes; mask: (L, B, 1)
                or ``None``.
        Returns:
            ``(loss, correct)``: the batch's summed cross-entropy (a float) and
            the number of phrases whose argmax was right, both measured before
            any update. ``grad_flat`` holds the summed gradients.
        """
        L, B = idx.shape
        hs = self.forward(idx, mask)
        _, da, d_y = self._buffers_for(L, B)
        hT = hs[L]
        if B == 1:  # one phrase: softmax and loss on Python floats are cheaper
            d_y = self.gby[None]  # dL/dby = d_y, written in place
            loss, correct = row_softmax_cross_entropy(self.scores(hT), int(targets[0]), d_y)
        else:
            loss, correct = rows_softmax_cross_entropy(self.scores(hT), targets, d_y)
            np.add.reduce(d_y, axis=0, out=self.gby)
        np.matmul(d_y.T, hT, out=self.gWhy)
        d_tanh = hs[1:] ** 2  # 1 - h_t^2, through tanh
        np.subtract(1.0, d_tanh, out=d_tanh)
        if mask is not None:
            d_tanh *= mask  # no gradient flows into or out of padded steps
        d_h = np.dot(d_y, self.Why)
        Whh, dot, multiply = self.Whh, np.dot, np.multiply
        for t in range(L - 1, 0, -1):
            multiply(d_tanh[t], d_h, out=da[t])
            d_h = dot(da[t], Whh)  # dL/dh_{t-1} = Whh.T @ da_t, row-wise
        np.multiply(d_tanh[0], d_h, out=da[0])
        da2 = da.reshape(L * B, self.H)
        np.matmul(da2.T, hs[:L].reshape(L * B, self.H), out=self.gWhh)
        np.add.reduce(da2, axis=0, out=self.gbh)
        # dWxh = sum_t da_t x_t^T: a product with the one-hot rows (its zeros add exactly nothing)
        np.matmul(da2.T, self.eye[idx.reshape(-1)], out=self.gWxh)
        return loss, correct

    def loss(self, idx, targets, mask=None):
        """Summed loss and number correct over a batch, without gradients."""
        L, B = idx.shape
        return rows_cross_entropy(self.scores(self.forward(idx, mask)[L]), targets)


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
        """One SGD update on phrase ``batch[0]``: ``VanillaKernel.loss_and_grads`` (B = 1) and ``SGD.update``, inlined."""
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
        y = hT @ k.WhyT  # VanillaKernel.scores
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
            np.minimum(g, self.clip, out=g)  # SGD.update's element-wise clipping, in place
            np.maximum(g, -self.clip, out=g)
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


__all__ = ["SGDStep", "VanillaKernel"]
