r"""Many-to-many: a character-level language model that writes names.

The classifier (``rnn_lib.model.RNN``) reads a whole phrase and answers once.
This model answers at *every* step: after each character it gives the
probabilities of the next one. Trained on real first names it learns how names
are spelled, and sampling from it writes new ones.

The model (V characters, H hidden units; the cell's step, vanilla by default):

    h_t = cell(x_t, h_{t-1})            (rnn_lib.cells; vanilla: tanh(Wxh x_t + Whh h_{t-1} + bh))
    y_t = Why h_t + by                  (V, 1): scores of the next character, at every step t = 1..T
    L   = sum_t -ln softmax(y_t)[c_t]   c_t the character that follows x_t

Backpropagation through time. With ``d_y_t = p_t - e_{c_t}`` (``rnn_lib.losses.sequence_cross_entropy``),
the gradient reaching h_t comes along two paths, the output at step t and the
next step of the recurrence (Karpathy's ``dhnext``):

    dL/dh_t = Why^T d_y_t  +  Whh^T d_a_{t+1}        d_a_{t+1} = (1 - h_{t+1}^2) * dL/dh_{t+1}

``rnn_lib.sequence.bptt`` walks this backwards; the head's backward (the
contract's ``head_backward``, ``rnn_lib.base``, with ``head_on = "every"``)
gives it the first path for every step (``d_hs[t] = Why^T d_y_t``) and it adds
the second (for any cell, whatever its ``step_backward`` returns as
``d_h_prev``). The head's gradients are ``dWhy = sum_t d_y_t h_t^T`` and
``dby = sum_t d_y_t``.

Tokens. The alphabet is the end-of-name token ``"."`` followed by the letters
(``ALPHABET``: 27 symbols for the census names). The same ``"."`` is also the
first *input* of every name, a start token (as Karpathy's makemore): the name
"emma" is read as inputs ``. e m m a`` with targets ``e m m a .``. We chose a
start token over a zero start state without an input because the first letter
is then predicted like every other one, by the same ``y_t = Why h_t + by`` after
one step of the cell (with no input the first prediction would be ``by`` alone,
a special case in the loss, the gradient and the sampler). And with one
boundary symbol the names joined as ``.emma.olivia.ava.`` are one long text,
which is what truncated BPTT (``rnn_lib.batching.stream_batches``,
``rnn_lib.training.tbptt_epoch``) reads.
h_0 is zeros.

Batches. B names run at once as time-major (T, B) index arrays: each step one
(V, B) block of one-hot columns and one matrix product for B names. Names of
different lengths are padded at the *end* (``rnn_lib.batching.pad_names``,
which is ``pad`` with ``side="right"``) with a mask; a padded
step's loss and ``d_y`` are zero, and since the padding comes after every real
step of its name, nothing flows back from it: the batch gradient is exactly the
sum of the per-name gradients (``tests/test_lm.py`` checks 1e-12). Training
groups names of one length (``rnn_lib.batching.make_batches``, "bucket"), so most
batches need no mask at all.

Training: ``rnn_lib.training.train_lm`` runs ``run_epochs`` (the library's one
epoch loop) with ``ModelEngine``, as the classifier's batched training does:
``batch_loss`` on a batch, then Adam (``rnn_lib.optim.Adam``, or any optimiser
of ``rnn_lib.optim``) on the summed loss, the gradient clipped by its global
norm. ``RECIPE`` here is the measured recipe; the baselines to beat are in
``rnn_lib.baselines``.
"""

from dataclasses import dataclass

import numpy as np

from . import checks
from .base import Grads, SequenceModel, as_rng
from .cells import CELLS, get_cell
from .embedding import Embedding
from .losses import log_softmax, sequence_cross_entropy

#: The end-of-name token, also the first input of every name (the start token).
END = "."
#: The census names' alphabet: the end token, then the 26 letters.
ALPHABET = END + "abcdefghijklmnopqrstuvwxyz"
#: The longest name ``sample`` writes (the census names have at most 11 letters).
MAX_LENGTH = 30


@dataclass(frozen=True)
class LMRecipe:
    """How ``python -m rnn_lib lm train`` trains: hidden size, Adam's rate, names per batch, epochs, clip."""

    hidden_size: int
    learn_rate: float
    batch_size: int
    epochs: int
    clip_norm: float
    init: str = "xavier"


#: The measured recipe (``benchmarks/bench_lm.py`` prints the figures).
RECIPE = LMRecipe(hidden_size=64, learn_rate=5e-3, batch_size=32, epochs=20, clip_norm=5.0)


class CharLM(SequenceModel):
    """A character-level language model: a cell (``rnn_lib.cells``) with an output head at every step.

    Args:
        alphabet: the characters it reads and writes, the end token ``"."`` first
            (``ALPHABET`` by default).
        hidden_size: H.
        rng: ``None`` (seed 0), an int seed or a Generator, for the initial weights.
        init: ``"xavier"`` (default), ``"article"`` or a positive scale, as ``RNN``.
        cell: ``"rnn"`` (the vanilla cell, default), ``"lstm"``, ``"gru"`` or a
            cell object whose steps take (V, B) columns (``columns = True``).
        embed_dim: ``None`` (default: one-hot inputs) or D: each character's
            input is then a learned row of E (V, D) (``rnn_lib.embedding``),
            for the vanilla cell.

    Parameters: the cell's (vanilla: Wxh (H, V), Whh (H, H), bh (H, 1)) and the
    head Why (V, H), by (V, 1), views into ``model.flat`` as the classifier's;
    with ``embed_dim`` D, first E (V, D), and the cell reads D inputs (Wxh (H, D)).
    """

    #: The head reads every step: a prediction after every character.
    head_on = "every"
    #: ``batch_loss`` takes names of different lengths, padded at the end with a mask.
    takes_padding = True

    def __init__(self, alphabet=ALPHABET, hidden_size=RECIPE.hidden_size, rng=None, init="xavier", cell="rnn",
                 embed_dim=None):
        self.alphabet = checks.alphabet(alphabet, END)
        self.index = {c: i for i, c in enumerate(alphabet)}
        V = len(alphabet)
        H = checks.positive_int(hidden_size, "hidden_size")
        cell_object = get_cell(cell)
        if not getattr(cell_object, "columns", False):
            raise ValueError(f"the language model runs B names at once: its cell must take (V, B) columns "
                             f"(columns = True, as 'rnn', 'lstm' and 'gru'), got {cell_object!r}")
        self.embed_dim = None if embed_dim is None else checks.positive_int(embed_dim, "embed_dim")
        if self.embed_dim is not None and not isinstance(cell_object, CELLS["rnn"]):
            raise ValueError(f"embed_dim works with the vanilla cell 'rnn' only, not {cell_object!r}")
        # the input layer: one-hot columns, or the embedding's rows E[w_t] (its E drawn first)
        self._build(V, V, H, cell_object, rng, init, None if self.embed_dim is None else Embedding(V, self.embed_dim))
        self.last_state = None

    def __repr__(self):
        embed = "" if self.embed_dim is None else f", embed_dim={self.embed_dim}"
        return (f"CharLM(alphabet={self.alphabet!r}, hidden_size={self.hidden_size}, "
                f"cell={getattr(self.cell, 'name', self.cell)!r}{embed})")

    def copy(self):
        """An independent copy with the same weights and cell."""
        other = CharLM(self.alphabet, self.hidden_size, rng=0, cell=self.cell, embed_dim=self.embed_dim)
        other.flat[...] = self.flat
        return other

    # --- text <-> indices -------------------------------------------------------------------
    def encode(self, name):
        """A name -> ``(inputs, targets)``, int64 arrays of length len(name) + 1: ``.name`` and ``name.``."""
        idx = [0] + self.indices(name, "name") + [0]
        a = np.array(idx, dtype=np.int64)
        return a[:-1], a[1:]

    def indices(self, text, what="text"):
        """The indices of ``text``'s characters; a character outside the alphabet is a clear error."""
        if not isinstance(text, str):
            raise TypeError(f"{what} must be a str, got {type(text).__name__}")
        for c in text:
            if c not in self.index or c == END:
                raise ValueError(f"{what} {text!r} has the character {c!r}, not in the model's alphabet "
                                 f"{self.alphabet[1:]!r}" + (f" ({END!r} is the end token)" if c == END else ""))
        return [self.index[c] for c in text]

    # --- forward and backward ------------------------------------------------------------------
    def forward(self, inputs, state0=None):
        """Scores at every step: ``ys`` (T, V, B) for inputs (T, B) (or (T,): B = 1), from ``state0`` (zeros).

        Returns ``(ys, states, caches, hs)``: ``states[t]`` the state after t
        steps (``rnn_lib.sequence.unroll``'s), ``caches`` for ``bptt``, ``hs``
        (T, H, B) the hidden states h_1..h_T.
        """
        idx, _, _ = checks.token_batch(inputs, self.input_size)
        return self._forward(idx, state0)

    def _forward(self, idx, state0):
        B = idx.shape[1]
        state0 = self.zero_state(B) if state0 is None else state0
        states, caches = self.run(self.columns(idx), state0)  # x_t as B one-hot columns, (V, B)
        hs = np.stack([s[0] for s in states[1:]])  # (T, H, B)
        return self.head(hs), states, caches, hs  # ys (T, V, B): the head at every step

    def loss(self, inputs, targets, mask=None, state0=None):
        """Summed cross-entropy of the next character at every (unmasked) step, and its gradients.

        Args:
            inputs, targets: (T, B) time-major character indices (or (T,) for
                one sequence): ``targets[t]`` is the character after ``inputs[t]``.
            mask: optional (T, B) of 1.0 on real steps and 0.0 on padding
                (``rnn_lib.batching.pad_names``); a masked step adds nothing to the loss or the gradients.
            state0: the state before the first step, a tuple of (H, B) arrays
                (zeros by default); truncated BPTT passes the last chunk's
                ``last_state``: its gradient is not followed (the cut).
        Returns:
            ``(loss, grads)``: the summed loss in nats (divide by the number of
            unmasked steps for nats per character) and ``{name: array}`` keyed
            and shaped as ``params``. ``last_state`` keeps the state after the
            last step, ``last_probs`` the (T, V, B) probabilities; the weights
            are not changed. This is ``batch_loss`` with its arguments checked.
        """
        idx, targets, mask = checks.token_batch(inputs, self.input_size, targets, mask)
        loss, grads, _ = self.batch_loss((idx, targets, mask, state0))
        return loss, grads

    def batch_loss(self, batch, grads=True):
        """The contract's batched loss (``rnn_lib.base``): ``batch = (inputs, targets, mask, state0)``, (T, B) each.

        Returns ``(loss, grads, stats)``: the summed loss, ``grads`` a ``Grads``
        (``None`` with ``grads=False``); ``stats`` has ``correct`` (steps whose
        most likely next character is the target, padding excluded), ``count``
        (real steps) and ``state`` (the state after the last step, for
        truncated BPTT's next chunk). ``loss`` is this, its arguments checked.
        """
        idx, targets, mask, state0 = batch
        ys, states, caches, hs = self._forward(idx, state0)
        loss, self.last_probs, d_y = sequence_cross_entropy(ys, targets, mask)  # d_y_t = p_t - e_{c_t}
        self.last_state = states[-1]
        right = self.last_probs.argmax(axis=1) == targets  # (T, B)
        stats = {"correct": int(right.sum() if mask is None else (right * mask).sum()),
                 "count": int(targets.size if mask is None else mask.sum()), "state": self.last_state}
        if not grads:
            return loss, None, stats
        d_hs, head_grads = self.head_backward(d_y, hs)  # (T, H, B): Why^T d_y_t, each h_t's own output
        g, _ = self.backprop(caches, d_hs, head_grads, idx)  # bptt adds the future's path, Whh^T d_a_{t+1}
        return loss, Grads.of(self.shapes, g), stats

    def next_probs(self, prefix=""):
        """The probabilities of the character after ``prefix`` (read after the start token), a (V,) array."""
        idx = [0] + self.indices(prefix, "prefix")
        ys, _, _, _ = self._forward(np.array(idx)[:, None], None)
        return np.exp(log_softmax(ys[-1, :, 0]))

    # --- sampling -------------------------------------------------------------------------------
    def sample(self, n=20, temperature=1.0, seed=0, prefix="", max_length=MAX_LENGTH, draw=None):
        """``n`` names drawn from the model, each starting with ``prefix``; reproducible from ``seed``.

        Every name is read after the start token, its next character drawn from
        ``softmax(y_t / temperature)`` (``np.random.default_rng(seed)``) until
        the end token or ``max_length`` characters. A temperature below 1
        sharpens the distribution (towards the most likely character, argmax,
        as it goes to 0); above 1 flattens it. ``draw(y, temperature, rng)``
        makes each draw from the (V,) scores y (``sample_next`` by default;
        notebook 6 passes the learner's own).
        """
        draw = sample_next if draw is None else draw
        if not callable(draw):
            raise TypeError(f"draw must be a function (y, temperature, rng) -> index, got {type(draw).__name__}")
        n = checks.positive_int(n, "n")
        temperature = checks.positive_number(temperature, "temperature")
        max_length = checks.positive_int(max_length, "max_length")
        rng = as_rng(seed)
        start = [0] + self.indices(prefix, "prefix")
        after_prefix = self.zero_state(1)  # the state before the prefix's last character: the same for every name
        for i in start[:-1]:
            after_prefix, _ = self.cell.step_forward(self.params, self.columns([[i]])[0], after_prefix)
        names = []
        for _ in range(n):
            state, i, chars = after_prefix, start[-1], list(prefix)
            while len(chars) < max_length:
                state, _ = self.cell.step_forward(self.params, self.columns([[i]])[0], state)
                i = int(draw(self.head(state[0])[:, 0], temperature, rng))
                if i == 0:
                    break
                chars.append(self.alphabet[i])
            names.append("".join(chars))
        return names


def sample_next(y, temperature, rng):
    """One draw of the next character: an index from ``softmax(y / temperature)``, drawn with ``rng``.

    Args:
        y: the (V,) scores of the next character; temperature: a positive number;
        rng: the ``np.random.Generator`` that makes the draw (so a seed reproduces it).
    Returns:
        The index drawn, an int in 0..V-1.
    """
    p = np.exp(log_softmax(np.asarray(y, dtype=np.float64) / temperature))
    return int(rng.choice(len(p), p=p / p.sum()))


__all__ = ["ALPHABET", "END", "MAX_LENGTH", "RECIPE", "CharLM", "LMRecipe", "sample_next"]
