r"""Sequence to sequence: an encoder, a decoder and additive attention between them, on the contract.

The task (``rnn_lib.data.dates``): a human-written date in, its ISO form out,
``"tuesday, 10 march 2009"`` -> ``"2009-03-10"``. The model (H hidden units
in both cells, V_in input characters, V_out output characters):

    encoder   h_j = cell_enc(x_j, h_{j-1})         j = 1..T, x_j the one-hot j-th input character, h_0 = 0
    start     s_0 = h_T                            the decoder starts from the encoder's last state
    attention c_t = attend(s_{t-1}; h_1..h_T)      additive attention, ``rnn_lib.attention`` (context (H, B))
    decoder   s_t = cell_dec([e(y_{t-1}); c_t], s_{t-1})   t = 1..L; e(y_0) the start token's one-hot
    head      z_t = Why s_t + by                   (V_out, B): scores of the t-th output character

Without attention (``attention=False``, the bottleneck baseline) the context
is the encoder's last state at every step, c_t = h_T (Cho et al., 2014): the
same decoder, fed the same way, but everything it knows of the input is in
h_T, H numbers, whatever the input's length.

The output has a fixed length: every ISO date is ``YYYY-MM-DD``, L = 10
characters. So the decoder runs exactly L steps: no end token, no beam, and a
batch of B dates is B columns all ending together.

Teacher forcing: in training, y_{t-1} is the *true* previous character, so
every step's loss is computed in one pass. Greedy decoding (``translate``):
y_{t-1} is the model's own argmax at step t - 1.

Batches: B inputs as time-major (T, B) indices padded at the end with a mask
(``rnn_lib.batching.pad``, ``side="right"``). On a padded step the encoder
keeps its state, ``h_j = m_j cell(x_j, h_{j-1}) + (1 - m_j) h_{j-1}``, so h_T
is the state after the last real character, and attention gives padded steps
the weight 0 exactly.

Backward: from the head into every s_t, then backwards through the decoder's
steps; at step t the cell sends a gradient into its input [e; c_t], whose
context part goes back through the attention into s_{t-1} and every h_j
(``attend_backward``); the keys' gradients, summed over t, go once through
``keys_backward``; then through the encoder (masked steps pass their gradient
straight to h_{j-1}), starting from the gradient of s_0 = h_T.

The input gradient of a cell: the cells of ``rnn_lib.cells`` return the
gradients of their parameters and their previous state, not of their input x.
Every one of them reads x only through its first weight, ``W_in x`` (Wxh for
the vanilla cell, Wx for the LSTM and GRU), so dL/dx = W_in^T da where da is
dL/d(W_in x), and the cell's gradient of W_in is da x^T. ``input_backward``
passes the cell the input stacked over the B x B identity, [x; I]: the
gradient it returns for W_in is then [da x^T, da], whose last B columns are
da, one column per sequence (the cell's cache holds x first).
"""

import numpy as np

from . import attention as att
from . import checks
from .base import Grads, ParamModel
from .batching import pad
from .cells import get_cell
from .data.dates import OUTPUT_CHARS, TARGET_LENGTH
from .losses import sequence_cross_entropy

#: The decoder's first input: the start token (not an output character).
START = "^"
HIDDEN_SIZE = 64


def input_backward(cell, params, d_state, cache):
    """A cell's step backward with the gradient of its input: ``(d_state_prev, grads, d_x)``, d_x (D, B).

    See the module's docstring: x enters only through the first weight W_in,
    so a cache whose x is [x; I_B] makes the cell return [da x^T, da] as W_in's
    gradient.
    """
    first = next(iter(cell.shapes(1, 1)))
    x = cache[0]
    D, B = x.shape
    aug = (np.vstack([x, np.eye(B)]),) + tuple(cache[1:])
    d_prev, grads = cell.step_backward(params, d_state, aug)
    w = grads[first]
    grads = dict(grads)
    grads[first] = w[:, :D]
    return d_prev, grads, params[first].T @ w[:, D:]


def _views(params, prefix, names):
    return {n: params[prefix + n] for n in names}


class Seq2Seq(ParamModel):
    """An encoder-decoder with (``attention=True``) or without additive attention; a ``ParamModel``.

    Args:
        input_chars: the characters it reads (a str of distinct characters,
            e.g. ``make_dates().input_chars``).
        output_chars: the characters it writes (``OUTPUT_CHARS``, ``-0123456789``).
        hidden_size: H, of the encoder and the decoder.
        attention: ``True`` for additive attention, ``False`` for the bottleneck.
        attention_size: A, the attention's units (default H).
        cell: ``"rnn"``, ``"lstm"``, ``"gru"`` (default) or a cell object taking
            (D, B) columns, used for both the encoder and the decoder.
        output_length: L, the number of output characters (``TARGET_LENGTH``, 10).
        rng, init: as every model (seed or Generator; ``"xavier"`` by default).

    Parameters (views into ``model.flat``): the encoder cell's with the prefix
    ``enc_``, the decoder cell's with ``dec_``, the attention's ``Wa`` (A, H),
    ``Ua`` (A, H), ``v`` (A, 1), and the head ``Why`` (V_out, H), ``by``.
    """

    takes_padding = True

    def __init__(self, input_chars, output_chars=OUTPUT_CHARS, hidden_size=HIDDEN_SIZE, attention=True,
                 attention_size=None, cell="gru", output_length=TARGET_LENGTH, rng=None, init="xavier"):
        for what, chars in (("input_chars", input_chars), ("output_chars", output_chars)):
            if not isinstance(chars, str) or not chars or len(set(chars)) != len(chars):
                raise ValueError(f"{what} must be a non-empty str of distinct characters, got {chars!r}")
        if START in output_chars:
            raise ValueError(f"output_chars must not hold the start token {START!r}")
        self.input_chars, self.output_chars = input_chars, output_chars
        self.in_index = {c: i for i, c in enumerate(input_chars)}
        self.attention = bool(attention)
        H = self.hidden_size = checks.positive_int(hidden_size, "hidden_size")
        A = self.attention_size = H if attention_size is None else checks.positive_int(attention_size,
                                                                                        "attention_size")
        self.output_length = checks.positive_int(output_length, "output_length")
        self.enc_cell, self.dec_cell = get_cell(cell), get_cell(cell)
        if not getattr(self.enc_cell, "columns", False):
            raise ValueError(f"the model runs B dates at once: its cell must take (D, B) columns "
                             f"(columns = True, as 'rnn', 'lstm' and 'gru'), got {self.enc_cell!r}")
        V_in, V_dec = len(input_chars), len(output_chars) + 1
        self.dec_eye, self.enc_eye = np.eye(V_dec), np.eye(V_in)
        D = V_dec + H  # the previous character and the context
        enc, dec = self.enc_cell.shapes(V_in, H), self.dec_cell.shapes(D, H)
        first = next(iter(dec))
        if dec[first][1:] != (D,):
            raise ValueError(f"the decoder needs a cell whose first weight reads the input (shape (., D)); "
                             f"{self.dec_cell!r}'s first is {first} {dec[first]}")
        biases = set(getattr(self.enc_cell, "biases", ()))
        weights = {**{"enc_" + n: s for n, s in enc.items() if n not in biases},
                   **{"dec_" + n: s for n, s in dec.items() if n not in biases}}
        if self.attention:
            weights.update({n: s for n, s in att.shapes(H, H, A).items()})
        weights["Why"] = (len(output_chars), H)
        shapes = {**weights, **{"enc_" + n: enc[n] for n in enc if n in biases},
                  **{"dec_" + n: dec[n] for n in dec if n in biases}, "by": (len(output_chars), 1)}
        self._init_params(shapes, rng, init, weights)
        self.enc_params = _views(self.params, "enc_", enc)
        self.dec_params = _views(self.params, "dec_", dec)
        self.att_params = _views(self.params, "", att.PARAMS) if self.attention else None

    def __repr__(self):
        return (f"Seq2Seq(hidden_size={self.hidden_size}, attention={self.attention}, "
                f"cell={getattr(self.enc_cell, 'name', self.enc_cell)!r})")

    # --- text <-> indices -------------------------------------------------------------------
    def encode_text(self, text):
        """A text -> its input indices; an unknown character is a one-line ``ValueError``."""
        if not isinstance(text, str):
            raise TypeError(f"the text must be a str, got {type(text).__name__}")
        if not text:
            raise ValueError("the text is empty: write a date, e.g. '10 march 2009'")
        for c in text:
            if c not in self.in_index:
                raise ValueError(f"{text!r} has the character {c!r}, which the model never read: it knows "
                                 f"{self.input_chars!r}")
        return np.array([self.in_index[c] for c in text], dtype=np.int64)

    def encode_target(self, target):
        """An ISO date -> its output indices (L,)."""
        if len(target) != self.output_length or any(c not in self.output_chars for c in target):
            raise ValueError(f"a target must be {self.output_length} characters of {self.output_chars!r}, "
                             f"got {target!r}")
        return np.array([self.output_chars.index(c) for c in target], dtype=np.int64)

    def decode_output(self, idx):
        """Output indices (L,) -> the text they spell."""
        return "".join(self.output_chars[int(i)] for i in idx)

    # --- forward ------------------------------------------------------------------------------
    def encode(self, src, mask=None):
        """The encoder over ``src`` (T, B) indices: ``(hs (T, H, B), final state, caches)``."""
        cell, p = self.enc_cell, self.enc_params
        xs = self.enc_eye[src].transpose(0, 2, 1)  # (T, V_in, B)
        state = tuple(np.repeat(s, src.shape[1], axis=1) for s in cell.zero_state(self.hidden_size))
        hs, caches = [], []
        for t in range(src.shape[0]):
            new, cache = cell.step_forward(p, xs[t], state)
            if mask is not None:  # a padded step keeps the state
                m = mask[t][None]
                new = tuple(m * a + (1 - m) * b for a, b in zip(new, state))
            state = new
            hs.append(state[0])
            caches.append(cache)
        return np.stack(hs), state, caches

    def decode(self, hs, s0, mask=None, dec_in=None):
        """The decoder for L steps from ``s0``; teacher-forced on ``dec_in`` (L, B), else greedy.

        Returns ``(ys (L, V_out, B), alphas (L, T, B) or None, outputs (L, B), tape)``;
        ``tape`` is what ``backward`` needs.
        """
        B, L = hs.shape[2], self.output_length
        keys = k_cache = None
        if self.attention:
            keys, k_cache = att.keys_forward(self.att_params, hs)
        state, prev = s0, np.zeros(B, dtype=np.int64)  # index 0 of the decoder's inputs: the start token
        ys, alphas, outputs, steps = [], [], [], []
        for t in range(L):
            x = self.dec_eye[:, prev]  # (V_dec, B)
            a_cache, context = None, s0[0]  # without attention: c_t = h_T
            if self.attention:
                context, alpha, a_cache = att.attend_forward(self.att_params, state[0], hs, keys, mask)
                alphas.append(alpha)
            x = np.vstack([x, context])
            state, cache = self.dec_cell.step_forward(self.dec_params, x, state)
            y = self.params["Why"] @ state[0] + self.params["by"]
            ys.append(y)
            outputs.append(y.argmax(axis=0))
            steps.append((cache, a_cache, state[0]))
            prev = (dec_in[t] if dec_in is not None else outputs[-1]) + 1  # +1: after the start token
        alphas = np.stack(alphas) if self.attention else None
        return np.stack(ys), alphas, np.stack(outputs), (steps, k_cache, s0)

    def forward(self, src, mask=None, dec_in=None):
        """Encoder then decoder: ``(ys, alphas, outputs, tape)`` (see ``decode``)."""
        hs, final, enc_caches = self.encode(src, mask)
        ys, alphas, outputs, tape = self.decode(hs, final, mask, dec_in)
        return ys, alphas, outputs, (tape, enc_caches, mask)

    # --- backward -----------------------------------------------------------------------------
    def backward(self, d_y, tape):
        """Gradients of every parameter from d_y (L, V_out, B) = dL/d(scores): a ``{name: array}`` dict."""
        (steps, k_cache, s0), enc_caches, mask = tape
        g = {n: np.zeros(s) for n, s in self.shapes.items()}
        ss = np.stack([s for _, _, s in steps])  # (L, H, B)
        g["Why"] = np.einsum("tob,thb->oh", d_y, ss)
        g["by"] = d_y.sum(axis=(0, 2))[:, None]
        d_ss = self.params["Why"].T @ d_y  # (L, H, B)
        carry = tuple(np.zeros_like(s) for s in s0)
        T, H, B = len(enc_caches), self.hidden_size, d_y.shape[2]
        d_hs = np.zeros((T, H, B))
        d_keys = np.zeros((T, self.attention_size, B)) if self.attention else None
        n_tok = len(self.output_chars) + 1
        d_last = np.zeros((H, B))  # without attention: what every c_t = h_T sends back to h_T
        for t in range(len(steps) - 1, -1, -1):
            cache, a_cache, _ = steps[t]
            d = (carry[0] + d_ss[t],) + tuple(carry[1:])
            d_prev, grads, d_x = input_backward(self.dec_cell, self.dec_params, d, cache)
            if self.attention:
                d_s, d_hs_t, d_keys_t, a_grads = att.attend_backward(d_x[n_tok:], a_cache)
                d_prev = (d_prev[0] + d_s,) + tuple(d_prev[1:])
                d_hs += d_hs_t
                d_keys += d_keys_t
                for n, a in a_grads.items():
                    g[n] += a
            else:
                d_last += d_x[n_tok:]
            for n, a in grads.items():
                g["dec_" + n] += a
            carry = d_prev
        carry = (carry[0] + d_last,) + tuple(carry[1:])
        if self.attention:
            d_hs_keys, k_grads = att.keys_backward(d_keys, k_cache)
            d_hs += d_hs_keys
            g["Ua"] += k_grads["Ua"]
        for t in range(T - 1, -1, -1):  # the encoder; carry is dL/d(s_0) = dL/d(h_T state)
            d = (carry[0] + d_hs[t],) + tuple(carry[1:])
            if mask is not None:
                m = mask[t][None]
                keep = tuple((1 - m) * a for a in d)
                d = tuple(m * a for a in d)
            carry, grads = self.enc_cell.step_backward(self.enc_params, d, enc_caches[t])
            if mask is not None:
                carry = tuple(a + b for a, b in zip(carry, keep))
            for n, a in grads.items():
                g["enc_" + n] += a
        return g

    # --- the contract ---------------------------------------------------------------------------
    def batch_loss(self, batch, grads=True):
        """``batch = (src (T, B), mask (T, B) or None, targets (L, B))``: ``(loss, grads, stats)``.

        The loss is the summed cross-entropy of every output character, the
        decoder teacher-forced. ``stats``: ``correct`` (characters whose argmax
        is right), ``count`` (L B), ``exact`` (dates whose L characters are all
        right, teacher-forced).
        """
        src, mask, targets = batch
        ys, _, outputs, tape = self.forward(src, mask, dec_in=targets)
        loss, _, d_y = sequence_cross_entropy(ys, targets)
        right = outputs == targets
        stats = {"correct": int(right.sum()), "count": int(right.size), "exact": int(right.all(axis=0).sum()),
                 "state": None}
        if not grads:
            return loss, None, stats
        return loss, Grads.of(self.shapes, self.backward(d_y, tape)), stats

    # --- translating ----------------------------------------------------------------------------
    def translate_batch(self, src, mask=None):
        """Greedy decoding of (T, B) inputs: ``(outputs (L, B), alphas (L, T, B) or None)``."""
        hs, final, _ = self.encode(src, mask)
        _, alphas, outputs, _ = self.decode(hs, final, mask)
        return outputs, alphas

    def translate(self, texts):
        """Greedy translations of ``texts`` (a list of str): ``(outputs, alphas)``.

        ``outputs`` a list of L-character strings; ``alphas`` a list of (L, T_i)
        attention maps (row t: the weights output character t gives the input
        characters), ``None`` each without attention.
        """
        if isinstance(texts, str):
            texts = [texts]
        seqs = [self.encode_text(t) for t in texts]
        src, mask = pad(seqs, side="right")
        outputs, alphas = self.translate_batch(src, mask)
        words = [self.decode_output(outputs[:, b]) for b in range(len(seqs))]
        maps = [None if alphas is None else alphas[:, :len(s), b] for b, s in enumerate(seqs)]
        return words, maps


class DatePairs:
    """Dates laid out for training: ``get(batch)`` is ``batch_loss``'s ``(src, mask, targets)`` for those numbers.

    ``examples`` are ``rnn_lib.data.dates.DateExample`` (or (text, target) pairs);
    ``lengths`` the input lengths (training batches group one length);
    ``count`` the number of output characters; ``batches()`` all of them in
    one padded batch.
    """

    def __init__(self, model, examples):
        self.model = model
        self.texts = [ex[0] for ex in examples]
        self.targets_text = [ex[1] for ex in examples]
        if not self.texts:
            raise ValueError("no dates to lay out")
        self.seqs = [model.encode_text(t) for t in self.texts]
        self.targets = np.stack([model.encode_target(t) for t in self.targets_text], axis=1)  # (L, n)
        self.lengths = [len(s) for s in self.seqs]
        self.count = self.targets.size
        self.n = len(self.seqs)

    def __len__(self):
        return self.n

    def get(self, batch):
        src, mask = pad([self.seqs[i] for i in batch], side="right")
        return src, mask, self.targets[:, batch]

    def batches(self, takes_padding=True):
        return [self.get(list(range(self.n)))]
