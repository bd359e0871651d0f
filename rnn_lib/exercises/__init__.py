"""Checkers for the learners' exercises: one ``check_*`` per exercise, one line of feedback each.

A learner writes a function in an exercise cell and checks it in the next cell::

    check_bptt(bptt)        # ✅ bptt: all 6 checks passed
                            # ❌ bptt: dL/dWhh wrong when Whh is not symmetric — is the hidden
                            #    gradient passed back through Whh.T?
                            # ⏳ bptt: not written yet

Each checker runs the function on a few small seeded cases, chosen so that each case isolates one
mistake, compares the answers with the library's, and returns a ``CheckResult``: truthy exactly
when every check passed, shown as its one line in a notebook (and by ``print``/``repr``). The first
failing check decides the line; where the answer equals what a known mistake gives (a missing
transpose, a missing tanh' factor, ...), the line names that mistake.

The line names the function by the learner's own name for it (``bptt_many``, not the checker's
``bptt_many_to_many``), and until it passes it says that the cells below use the library's version.
The learner never sees a traceback: an exception raised inside their code becomes one line naming
the exception and the line of their code that raised it. A function that raises ``NotWritten``
(or any ``NotImplementedError``, as nbgrader's templates do) is "not written yet". Every call of
the learner's function has a time limit (``_core.TIME_LIMIT``, 5 s, in the main thread where
``signal.setitimer`` exists): a loop that never ends gets "⏱️ ... took longer than 5 s", and Ctrl-C
during the learner's code gets "⏹️ ... interrupted". Answers are compared with a tolerance fit for
their precision: a right float32 answer passes, and the cells below then use the library's float64 version.

``strict=True``, or ``RNN_LIB_STRICT=1`` in the environment, makes every result other than a pass
(a timeout or an interruption included) raise ``CheckFailed``, an ``AssertionError``, with the same
line (for CI); so does grading mode, while nbgrader executes the notebook (``NBGRADER_EXECUTION``
``autograde`` or ``validate``: the check cell gets no point). ``strict=False`` never raises.

Cells after an exercise need its function even when the learner has not written it yet:
``use(fn)`` returns ``fn`` if its last check passed and the library's reference (same signature)
otherwise, so a student notebook runs top to bottom. The references are ``REFERENCES[name]``.

The exercises and their signatures (as the notebooks write them):

* notebook 01: ``check_encode(encode)``, ``encode(text, word_to_idx) -> list of T ints``;
  ``check_one_hot(one_hot)``, ``one_hot(index, V) -> (V, 1) array``;
* notebook 02: ``check_step_forward(step_forward)``, ``step_forward(x, h_prev, Wxh, Whh, bh) -> h``
  (or ``(h, cache)``); ``check_forward(rnn_forward)``, ``rnn_forward(xs, Wxh, Whh, Why, bh, by) -> (y, hs)``;
* notebook 03: ``check_softmax_cross_entropy(loss_and_grad)``, ``loss_and_grad(y, c) -> (L, p, d_y)``
  (or ``(L, d_y)``); ``check_bptt_step(bptt_step)``, ``bptt_step(d_h, cache) -> (d_h_prev, grads)``;
  ``check_bptt(bptt)``, ``bptt(model, xs, hs, d_y) -> (grads, d_hs)`` (or grads alone), with
  ``d_hs`` (T+1, H, 1), h_0 first, ``d_hs[t] = dL/dh_t``;
  ``check_bptt_many_to_many(bptt_many)``, ``bptt_many(model, xs, hs, d_ys) -> grads`` (or ``(grads, ...)``);
* notebook 04: ``check_train_epoch(train_epoch)``, ``train_epoch(model, inputs, targets, rng) -> (loss, accuracy)``;
* notebook 05: ``check_choose_setting(choose_setting)``, ``choose_setting(scores) -> setting`` (the highest
  validation accuracy, the smallest setting on a tie);
* notebook 06: ``check_masked_loss(masked_loss)``, ``masked_loss(ys, targets, mask) -> (L, d_ys)`` (the mean over
  the real steps); ``check_sample_next(sample_next)``, ``sample_next(y, temperature, rng) -> index``;
  ``check_embedding_backward(embedding_backward)``, ``embedding_backward(d_xs, idx, V) -> dE`` (V, D);
* notebook 07: ``check_lstm_step_backward(lstm_step_backward)``,
  ``lstm_step_backward(d_h, d_c, cache, P) -> (d_h_prev, d_c_prev, grads)``;
  ``check_gru_step_backward(gru_step_backward)``, ``gru_step_backward(d_h, cache, P) -> (d_h_prev, grads)``;
* notebook 08: ``check_to_torch_state(to_torch_state)``, ``to_torch_state(cell, params) -> {"weight_ih_l0": ...}``;
* notebook 09: ``check_attention_forward(attention_forward)``,
  ``attention_forward(s_prev, hs, P, mask=None) -> (context, alphas, cache)``;
  ``check_attention_backward(attention_backward)``, ``attention_backward(d_context, cache, P) -> (d_s, d_hs, grads)``.
"""

from ._core import CHECKER_OF, REFERENCES, STRICT_ENV, CheckFailed, CheckResult, NotWritten, use  # noqa: F401
from .attention import (check_attention_backward, check_attention_forward, reference_attention_backward,
                        reference_attention_forward)
from .embedding import check_embedding_backward, reference_embedding_backward
from .forward_pass import check_forward, check_step_forward, reference_forward, reference_step_forward
from .language_model import check_masked_loss, check_sample_next, reference_masked_loss, reference_sample_next
from .loss_and_gradients import (check_bptt, check_bptt_many_to_many, check_bptt_step, check_softmax_cross_entropy,
                                 reference_bptt, reference_bptt_many_to_many)
from .lstm_gru import (check_gru_step_backward, check_lstm_step_backward, reference_gru_step_backward,
                       reference_lstm_step_backward)
from .preprocessing import check_encode, check_one_hot, reference_encode, reference_one_hot
from .training import check_train_epoch, reference_train_epoch
from .to_pytorch import check_to_torch_state
from .what_did_it_learn import check_choose_setting, reference_choose_setting

__all__ = [
    "CheckFailed", "CheckResult", "NotWritten", "REFERENCES", "check_attention_backward", "check_attention_forward",
    "check_bptt", "check_bptt_many_to_many", "check_bptt_step", "check_choose_setting", "check_embedding_backward",
    "check_encode", "check_forward", "check_gru_step_backward", "check_lstm_step_backward", "check_masked_loss",
    "check_one_hot", "check_sample_next", "check_softmax_cross_entropy", "check_step_forward", "check_to_torch_state",
    "check_train_epoch", "reference_attention_backward", "reference_attention_forward", "reference_bptt",
    "reference_bptt_many_to_many", "reference_choose_setting", "reference_embedding_backward", "reference_encode",
    "reference_forward", "reference_gru_step_backward", "reference_lstm_step_backward", "reference_masked_loss",
    "reference_one_hot", "reference_sample_next", "reference_step_forward", "reference_train_epoch", "use",
]
