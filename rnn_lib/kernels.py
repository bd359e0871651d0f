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

Shapes: V words, H hidden units, O outputs, B phrases in a batch, L steps.
Sequences are stored time-major: ``idx`` (L, B) word indices, hidden states
``hs`` (L+1, B, H) with ``hs[0] = 0``, scores ``y`` (B, O).
"""

import numpy as np

from .base import Grads
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


__all__ = ["VanillaKernel"]
