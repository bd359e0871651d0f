"""Batching, written once: padding (at the front or the end), mini-batches, and each model's data laid out.

Every model reads a batch as time-major (T, B) token indices; the one-hot
columns are made by the model's input layer (``rnn_lib.base.OneHot``).
Phrases of different lengths are padded with index 0 and a mask that is 1.0
on real steps and 0.0 on padding:

* at the *front* (``side="left"``) for the classifier, whose answer is read at
  the last step: the vanilla kernel (``rnn_lib.kernels``) zeroes a padded step's
  input and bias, so h stays exactly 0 until the phrase starts;
* at the *end* (``side="right"``) for the language model, which answers at
  every step: a padded step comes after every real one, so nothing flows back
  from it (``pad_names``).

Training groups phrases of one length (``make_batches``' "bucket"), so most
batches need no mask at all.

A model's data laid out once for training (``rnn_lib.training.ModelEngine``
reads it: ``get(batch)`` is one batch for ``model.batch_loss``, ``count`` the
number of predictions): ``Phrases`` for the classifier, ``Names`` for the
language model, ``Chunks`` for truncated BPTT over the names joined into one
text (``stream_batches``). (The date translator's, ``DatePairs``, is in
``rnn_lib.seq2seq``.)
"""

import numpy as np

from . import checks

#: The batch size of ``engine="batched"`` by default (and of the benchmark and notebook): it reaches
#: test accuracy 1.000 for seeds 0-9 (``tests/test_kernels.py``).
RECOMMENDED_BATCH_SIZE = 16
BATCHING = ("bucket", "pad")
SIDES = ("left", "right")


def pad(seqs, side="left", fill=0):
    """Pad B sequences of token indices into a time-major batch.

    Args:
        seqs: B sequences of indices, lengths T_b >= 1.
        side: ``"left"`` (padding at the front) or ``"right"`` (at the end).
        fill: the index written on padded steps.
    Returns:
        ``(idx, mask)``: idx (L, B) int64 with L = max T_b; mask (L, B)
        float64, 1.0 on real steps and 0.0 on padding, or ``None`` when all
        sequences have the same length.
    """
    if side not in SIDES:
        raise ValueError(f"side must be one of {SIDES}, got {side!r}")
    lengths = [len(s) for s in seqs]
    if not seqs or min(lengths) < 1:
        raise ValueError("padding needs at least one sequence, each with at least one token")
    L, B = max(lengths), len(seqs)
    idx = np.full((L, B), fill, dtype=np.int64)
    mask = np.zeros((L, B))
    for b, s in enumerate(seqs):
        steps = slice(L - len(s), L) if side == "left" else slice(0, len(s))
        idx[steps, b] = s
        mask[steps, b] = 1.0
    return idx, (None if min(lengths) == L else mask)


def pad_sequences(seqs):
    """Left-pad word-index sequences into a time-major batch: ``pad(seqs, "left")`` with the mask as (L, B, 1).

    Returns:
        ``(idx, mask)``: idx (L, B) int64, padded with index 0 at the front;
        mask (L, B, 1) float64, or ``None`` when all sequences have the same length.
    """
    idx, mask = pad(seqs, "left")
    return idx, (None if mask is None else mask[:, :, None])


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
    """A fixed list of encoded phrases and their classes, laid out once for training.

    ``get(batch)`` cuts the classifier's batch ``(idx (L, B), targets (B,),
    mask (L, B, 1) or None)`` for any phrase numbers from one left-padded
    matrix (one phrase alone has no padding); ``batches(takes_padding)`` is
    all of them for evaluation: one padded batch, or one batch per length.
    """

    def __init__(self, seqs, targets):
        self.targets = np.asarray(targets, dtype=np.int64)
        self.lengths = np.array([len(s) for s in seqs])
        self.count = len(seqs)
        idx, mask = pad_sequences(seqs)
        self.idx, self.L = np.ascontiguousarray(idx.T), idx.shape[0]  # (n, L)
        self.mask = np.ones((len(seqs), self.L)) if mask is None else np.ascontiguousarray(mask[:, :, 0].T)
        self.whole = (idx, self.targets, mask)
        self.singles = [(np.asarray(s)[:, None], self.targets[i:i + 1], None) for i, s in enumerate(seqs)]

    def __len__(self):
        return self.count

    def get(self, batch):
        """Phrase numbers -> ``(idx (L, B), targets (B,), mask (L, B, 1) or None)``, L the longest phrase's length."""
        if len(batch) == 1:
            return self.singles[batch[0]]
        lengths = self.lengths[batch]
        first = self.L - int(lengths.max())
        idx = self.idx[batch, first:].T
        if lengths.min() + first == self.L:
            return idx, self.targets[batch], None
        return idx, self.targets[batch], self.mask[batch, first:].T[:, :, None]

    def batches(self, takes_padding):
        """Every phrase, for evaluation: the whole padded batch, or (``takes_padding`` false) one batch per length."""
        if takes_padding:
            return [self.whole]
        return [self.get(np.flatnonzero(self.lengths == L)) for L in np.unique(self.lengths)]


# --- the language model's data: names, padded at the end ----------------------------------------
def pad_names(model, names):
    """B names -> one time-major batch ``(inputs, targets, mask)``, each (T, B), T the longest name + 1.

    ``model`` is the language model (``rnn_lib.lm.CharLM``) whose ``encode``
    reads each name as ``.name`` -> ``name.``. Names are padded at the end
    (``pad`` with ``side="right"``): inputs and targets with index 0, the mask
    with 0.0 on padded steps (1.0 elsewhere). ``mask`` is ``None`` when all
    names have the same length.
    """
    names = checks.name_list(names)
    if not names:
        raise ValueError("pad_names needs at least one name")
    return _pad_encoded([model.encode(nm) for nm in names])


def _pad_encoded(pairs):
    inputs, mask = pad([x for x, _ in pairs], side="right")
    targets, _ = pad([t for _, t in pairs], side="right")
    return inputs, targets, mask


class Names:
    """A fixed list of names, encoded once for training: ``get(batch)`` pads the names numbered ``batch``.

    ``get`` gives ``batch_loss``'s ``(inputs, targets, mask, state0)`` (``state0``
    ``None``: zeros); ``batches()`` is all of them as one padded batch;
    ``count`` the number of predictions (each name's letters and its end).
    """

    def __init__(self, model, names):
        self.names = checks.name_list(names)
        if not self.names:
            raise ValueError("the list of names is empty")
        self.pairs = [model.encode(nm) for nm in self.names]  # each name checked here, once
        self.lengths = [len(x) for x, _ in self.pairs]  # predictions per name: its letters and the end
        self.count = sum(self.lengths)
        self.whole = _pad_encoded(self.pairs) + (None,)

    def get(self, batch):
        return _pad_encoded([self.pairs[i] for i in batch]) + (None,)

    def batches(self, takes_padding=True):
        return [self.whole]


def stream_batches(model, names, batch_size):
    """The names as one text ``.emma.olivia.ava.``, cut into ``batch_size`` rows of equal length, (B, N) indices.

    Row b is the b-th consecutive piece of the text (as Karpathy's char-rnn),
    so reading the columns left to right each row continues its own text.
    ``model.indices`` reads each name (``rnn_lib.lm.CharLM``'s alphabet).
    """
    B = checks.positive_int(batch_size, "batch_size")
    names = checks.name_list(names)
    text = [0]
    for nm in names:
        text += model.indices(nm, "name") + [0]
    N = len(text) // B
    if N < 2:
        raise ValueError(f"{len(text)} characters are too few for {B} rows")
    return np.array(text[:N * B], dtype=np.int64).reshape(B, N)


class Chunks:
    """A stream (B, N) cut into chunks of K steps for ``ModelEngine``, the state carried from one to the next.

    ``get([k])`` is chunk k as ``batch_loss``'s ``(inputs, targets, None, state0)``
    (K, B) with ``state0`` the state the previous chunk ended in (``None``,
    zeros, for the first); ``carry(stats)`` keeps the chunk's last state.
    """

    def __init__(self, stream, K):
        self.stream, self.K = stream, K
        B, N = stream.shape
        self.starts = list(range(0, N - 1, K))
        self.count, self.state = B * (N - 1), None

    def __len__(self):
        return len(self.starts)

    def get(self, batch):
        (k,) = batch
        start = self.starts[k]
        stop = min(start + self.K, self.stream.shape[1] - 1)
        return self.stream[:, start:stop].T, self.stream[:, start + 1:stop + 1].T, None, self.state

    def carry(self, stats):
        self.state = stats["state"]  # values, not gradients: the next chunk starts here
