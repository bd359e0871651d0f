"""The vectorised engines: forward, backward and SGD step on whole batches, in numpy.

``FastEngine`` is the vanilla RNN's, written out for speed; ``ColumnEngine``
runs any cell that takes B phrases as (H, B) columns (``columns = True``, as
the LSTM and GRU cells) through the model's own forward and backward.
``vectorised_engine`` picks the one that fits the model's cell.

``train(..., engine="fast")`` and ``engine="batched"`` use it; the epoch loop,
the history and the argument checks are ``rnn_lib.training``'s. The teaching
loop (``engine="loop"``) multiplies one-hot columns, builds a dict of gradients
per phrase and updates each parameter separately: about 115 numpy calls per
phrase, almost all of it call overhead. This engine computes the same
mathematics with fewer, larger calls:

* ``Wxh @ x_t`` for a one-hot ``x_t`` is column ``x_t`` of ``Wxh``, so the
  input terms of a whole phrase are one row lookup ``Wxh.T[idx]`` (T, H);
* hidden states live in one preallocated (T+1, B, H) buffer, written in place;
* the gradients of all parameters are written into one flat buffer laid out as
  ``model.flat`` (the same ``flat_views``), so clipping and the SGD update are
  one call each;
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
(``make_batches``, "bucket"); ``batch_gradients`` takes phrases of any lengths
and pads the shorter ones at the *front* ("pad"): a padded step has zero input
and no bias, so h stays exactly 0 until the phrase starts, and a mask zeroes the
padded steps' gradients. Either way the batch gradient equals the sum of the
unpadded per-example gradients.

Shapes: V words, H hidden units, O outputs, B phrases in a batch, L steps.
Sequences are stored time-major: ``idx`` (L, B) word indices, hidden states
``hs`` (L+1, B, H) with ``hs[0] = 0``, scores ``y`` (B, O).
"""

import numpy as np

from . import checks
from .losses import row_softmax_cross_entropy, rows_cross_entropy, rows_softmax_cross_entropy
from .model import flat_views
from .optim import sgd_update

try:  # the clip ufunc itself: np.clip adds a Python wrapper costing more than the clipping
    from numpy._core.umath import clip as _clip
except ImportError:  # numpy < 2
    _clip = getattr(np.core.umath, "clip", np.clip)

#: The batch size of ``engine="batched"`` by default (and of the benchmark and notebook): it reaches
#: test accuracy 1.000 for seeds 0-9 (``tests/test_fast.py``).
RECOMMENDED_BATCH_SIZE = 16
BATCHING = ("bucket", "pad")


def pad_sequences(seqs):
    """Left-pad word-index sequences into a time-major batch.

    Args:
        seqs: B sequences of word indices, lengths T_b >= 1.
    Returns:
        ``(idx, mask)``: idx (L, B) int64 with L = max T_b, padded with index 0
        at the front; mask (L, B, 1) float64, 1.0 on real steps and 0.0 on
        padding, or ``None`` when all sequences have the same length.
    """
    lengths = [len(s) for s in seqs]
    if not seqs or min(lengths) < 1:
        raise ValueError("pad_sequences needs at least one sequence, each with at least one word")
    L, B = max(lengths), len(seqs)
    idx = np.zeros((L, B), dtype=np.int64)
    mask = np.zeros((L, B, 1))
    for b, s in enumerate(seqs):
        idx[L - len(s):, b] = s
        mask[L - len(s):, b] = 1.0
    return idx, (None if min(lengths) == L else mask)


def make_batches(order, lengths, batch_size, batching="bucket"):
    """Split a shuffled order of phrase numbers into mini-batches (no random numbers drawn).

    Args:
        order: phrase numbers in this epoch's shuffled order.
        lengths: length of every phrase.
        batch_size: at most this many phrases per batch.
        batching: ``"bucket"``: each batch holds phrases of one length, taken
            in shuffled order, and batches run in the order of their first
            phrase; ``"pad"``: consecutive runs of ``batch_size`` phrases.
    Returns:
        A list of lists of phrase numbers.
    """
    order = np.asarray(order, dtype=np.int64).tolist()  # Python ints, in one call
    if batch_size == 1:
        return [[i] for i in order]
    if batching == "pad":
        return [order[k:k + batch_size] for k in range(0, len(order), batch_size)]
    if batching != "bucket":
        raise ValueError(f"batching must be one of {BATCHING}, got {batching!r}")
    batches, open_batch = [], {}
    for i in order:
        b = open_batch.get(lengths[i])
        if b is None or len(b) == batch_size:
            b = open_batch[lengths[i]] = []
            batches.append(b)
        b.append(i)
    return batches


class Phrases:
    """A fixed list of encoded phrases, laid out once for the engine.

    ``get(batch)`` cuts time-major ``(idx (L, B), mask (L, B, 1) or None)`` for
    any phrase numbers from one left-padded matrix; ``singles[i]`` is phrase
    i alone, ``(idx (T, 1), targets (1,))``; ``whole`` is all of them,
    ``(idx, mask)`` as ``pad_sequences`` gives.
    """

    def __init__(self, seqs, targets):
        self.targets = np.asarray(targets, dtype=np.int64)
        self.lengths = np.array([len(s) for s in seqs])
        idx, mask = self.whole = pad_sequences(seqs)
        self.idx, self.L = np.ascontiguousarray(idx.T), idx.shape[0]  # (n, L)
        self.mask = np.ones((len(seqs), self.L)) if mask is None else np.ascontiguousarray(mask[:, :, 0].T)
        self.singles = [(np.asarray(s)[:, None], self.targets[i:i + 1]) for i, s in enumerate(seqs)]

    def __len__(self):
        return len(self.singles)

    def get(self, batch):
        """Phrase numbers -> ``(idx (L, B), mask (L, B, 1) or None)``, L the batch's longest phrase."""
        lengths = self.lengths[batch]
        first = self.L - int(lengths.max())
        idx = self.idx[batch, first:].T
        if lengths.min() + first == self.L:
            return idx, None
        return idx, self.mask[batch, first:].T[:, :, None]


class FastEngine:
    """Vectorised forward, backward and SGD update for a vanilla ``RNN``, sharing its weights.

    Args:
        model: the ``RNN`` (vanilla cell) to train; the views below point into
            ``model.flat``, so updates here are updates of the model.
        learn_rate, clip: SGD step size and element-wise clip limit (``None``
            for no clipping), checked as ``rnn_lib.train`` checks them.

    ``grad_flat`` is the gradient buffer, laid out as ``model.flat``;
    ``grads()`` gives its per-parameter views. ``prepare``, ``step`` and
    ``evaluate`` are what ``rnn_lib.train`` drives, as it drives the teaching
    loop's engine; ``forward``, ``loss_and_grads`` and ``update`` work on one
    time-major batch.
    """

    #: The cells this engine computes (its equations are the vanilla cell's).
    CELLS = ("rnn",)

    def __init__(self, model, learn_rate, clip):
        cell = getattr(model.cell, "name", None)
        if cell not in self.CELLS:
            raise ValueError(f"the fast engines compute the vanilla cell only ({', '.join(self.CELLS)}), or a "
                             f"cell whose steps take (H, B) columns (columns = True, as 'lstm' and 'gru'); "
                             f"this model's cell is {model.cell!r}: use engine='loop'")
        self.model, self.flat = model, model.flat
        self.learn_rate, self.clip = checks.learn_rate(learn_rate), checks.clip_limit(clip)
        self.H, self.O = model.hidden_size, model.output_size
        p = model.params
        self.WxhT, self.Whh, self.WhhT = p["Wxh"].T, p["Whh"], p["Whh"].T
        self.Why, self.WhyT = p["Why"], p["Why"].T
        self.bh, self.by = p["bh"][:, 0], p["by"][:, 0]  # (H,) and (O,) views
        self.grad_flat = np.zeros_like(model.flat)
        self._g = g = flat_views(self.grad_flat, model.shapes)
        self.gWxhT, self.gWhh, self.gWhy = g["Wxh"].T, g["Whh"], g["Why"]
        self.gWxh, self.gbh, self.gby = g["Wxh"], g["bh"][:, 0], g["by"][:, 0]
        self.eye = np.eye(model.input_size)  # row i: the one-hot x for word i
        self._buffers = {}

    # --- what rnn_lib.train drives -----------------------------------------------------------
    @staticmethod
    def prepare(seqs, targets):
        """Encoded phrases (int64 index arrays) and their classes -> ``Phrases``, laid out once."""
        return Phrases(seqs, targets)

    def step(self, data, batch):
        """One SGD update on the phrases numbered ``batch`` of ``data``; ``(summed loss, correct)`` before it."""
        if len(batch) == 1:
            return self.update(*data.singles[batch[0]])
        idx, mask = data.get(batch)
        return self.update(idx, data.targets[batch], mask)

    def evaluate(self, data):
        """Mean loss and accuracy over all of ``data``, without updating (``rnn_lib.evaluate``'s figures)."""
        idx, mask = data.whole
        return self.evaluate_batch(idx, data.targets, mask)

    # --- one time-major batch -------------------------------------------------------------------
    def grads(self):
        """The last computed gradients, ``{name: array}`` views into ``grad_flat``."""
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
                (see ``pad_sequences``).
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

    def update(self, idx, targets, mask=None):
        """One SGD update on a batch: gradients, clip, ``flat -= learn_rate * g``.

        Returns ``(loss, correct)`` measured before the update.
        """
        loss, correct = self.loss_and_grads(idx, targets, mask)
        g = self.grad_flat
        if self.clip is not None:
            _clip(g, -self.clip, self.clip, out=g)
        g *= self.learn_rate
        self.flat -= g
        return loss, correct

    def evaluate_batch(self, idx, targets, mask=None):
        """Mean loss and accuracy over a batch, without updating."""
        L, B = idx.shape
        loss, correct = rows_cross_entropy(self.scores(self.forward(idx, mask)[L]), targets)
        return loss / B, correct / B


class ColumnEngine:
    """The fast and batched engines for a cell with ``columns = True`` (the LSTM and GRU cells).

    A batch of B phrases of one length L runs as one sequence of (V, B) one-hot
    columns through the model's own forward and backward (``rnn_lib.sequence``'s
    loop, the cell's steps on (H, B) states), so the batch gradient is the sum
    of the per-phrase gradients, computed by the same code as ``model.loss``.
    With one phrase per update (``engine="fast"``) this is the teaching loop's
    computation without its per-phrase checks: the same updates, to rounding,
    and about as fast (a gated step's numpy calls dominate); batches of 16
    phrases (``engine="batched"``) train about 3x faster per epoch than the
    loop. Training batches hold phrases of one length (``make_batches``,
    "bucket"); there is no padding, since a gated cell's state does not stay
    zero on a padded step.
    """

    def __init__(self, model, learn_rate, clip):
        if not getattr(model.cell, "columns", False):
            raise ValueError(f"ColumnEngine needs a cell whose steps take (H, B) columns (columns = True); "
                             f"this model's cell is {model.cell!r}: use engine='loop'")
        self.model, self.learn_rate, self.clip = model, checks.learn_rate(learn_rate), checks.clip_limit(clip)
        self.eye = np.eye(model.input_size)  # row i: the one-hot x for word i

    @staticmethod
    def prepare(seqs, targets):
        """Encoded phrases (int64 index arrays) and their classes -> ``Phrases``, laid out once."""
        return Phrases(seqs, targets)

    def _scores(self, idx):
        """Scores y (O, B) for the phrases of ``idx`` (L, B), all of one length; the model keeps the caches."""
        model = self.model
        B = idx.shape[1]
        xs = self.eye[idx].transpose(0, 2, 1)  # (L, V, B): x_t as B one-hot columns
        state0 = tuple(np.repeat(s, B, axis=1) for s in model.initial_state())
        y, _ = model._forward(xs, state0, None)
        return y

    def loss_and_grads(self, idx, targets):
        """Summed loss, number correct and summed gradients ``{name: array}`` of B phrases of one length."""
        y = self._scores(idx)
        d_y = np.empty((idx.shape[1], y.shape[0]))
        loss, correct = rows_softmax_cross_entropy(y.T, targets, d_y)
        grads, _ = self.model._backward(d_y.T)
        return loss, correct, grads

    def step(self, data, batch):
        """One SGD update on the phrases numbered ``batch``, all of one length; ``(summed loss, correct)`` before it."""
        idx, mask = data.get(batch)
        if mask is not None:
            raise ValueError("ColumnEngine batches hold phrases of one length (make_batches' 'bucket')")
        loss, correct, grads = self.loss_and_grads(idx, data.targets[batch])
        sgd_update(self.model.params, grads, self.learn_rate, self.clip)
        return loss, correct

    def evaluate(self, data):
        """Mean loss and accuracy over all of ``data``, one batch per phrase length, without updating."""
        loss = correct = 0
        for L in np.unique(data.lengths):
            batch = np.flatnonzero(data.lengths == L)
            idx, _ = data.get(batch)
            l, c = rows_cross_entropy(self._scores(idx).T, data.targets[batch])
            loss += l
            correct += c
        return loss / len(data), correct / len(data)


def vectorised_engine(model, learn_rate, clip):
    """The engine of ``engine="fast"``/``"batched"`` for this model's cell.

    ``FastEngine`` for the vanilla cell, ``ColumnEngine`` for a cell with
    ``columns = True``, else a clear error.
    """
    if getattr(model.cell, "name", None) not in FastEngine.CELLS and getattr(model.cell, "columns", False):
        return ColumnEngine(model, learn_rate, clip)
    return FastEngine(model, learn_rate, clip)


def batch_gradients(model, sequences, targets):
    """Summed loss and gradients of a batch of phrases, computed in one vectorised pass.

    Args:
        model: an ``RNN``; sequences: B sequences of word indices (any lengths);
        targets: B classes (ints or bools).
    Returns:
        ``(loss, grads)``: the summed cross-entropy over the batch (float) and a
        dict of fresh arrays keyed like ``model.backward``'s, equal to the sum of
        the per-example gradients. The weights are not changed.
    """
    seqs = [_as_indices(model, s, b) for b, s in enumerate(sequences, 1)]
    idx, mask = pad_sequences(seqs)
    targets = np.asarray([int(t) for t in targets], dtype=np.int64)
    if len(targets) != len(seqs):
        raise ValueError(f"got {len(seqs)} sequences but {len(targets)} targets")
    engine = FastEngine(model, learn_rate=1.0, clip=None)  # no update is made
    loss, _ = engine.loss_and_grads(idx, targets, mask)
    return loss, {name: g.copy() for name, g in engine.grads().items()}


def _as_indices(model, seq, b):
    """Word indices (or one-hot columns) of sequence ``b`` -> int64 index array, with the model's input checks.

    The engine reads each column as one word, so a column must be one-hot: one 1.0, every other entry 0.
    """
    cols = model.inputs_to_columns(seq)  # the model's own checks and error messages
    for t, c in enumerate(cols, 1):
        if not (np.count_nonzero(c) == 1 and c.max() == 1.0):
            raise ValueError(f"input x_{t} of sequence {b} is not one-hot (one 1.0, the rest 0): batch_gradients "
                             "reads each column as one word; use model.loss for other inputs")
    return np.array([int(np.argmax(c)) for c in cols], dtype=np.int64)


__all__ = ["ColumnEngine", "FastEngine", "Phrases", "RECOMMENDED_BATCH_SIZE", "batch_gradients", "make_batches",
           "pad_sequences", "vectorised_engine"]
