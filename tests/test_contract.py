"""Weights before and after the model contract: the same seeds through every training path give the same numbers.

The values below were recorded with the code from before ``rnn_lib.base`` (two
model families, ``FastEngine`` (now ``kernels.VanillaKernel``), ``ColumnEngine``, ``LMEngine`` each with its own
update, ``tbptt_epoch`` with its own loop): per run, the sum and the sum of
squares of ``model.flat``, three of its entries, and the last epoch's train
loss, train accuracy, test loss and test accuracy (or truncated BPTT's mean
loss). On the machine that recorded them the new code reproduces them bit for
bit; the tolerance leaves room for another CPU's BLAS kernels (about 1e-11).
"""

import numpy as np
import pytest

import rnn_lib
from rnn_lib.batching import pad_names, stream_batches
from rnn_lib.lm import CharLM
from rnn_lib.optim import Adam
from rnn_lib.training import tbptt_epoch, train_lm

RTOL = 1e-9
NAMES = ["emma", "olivia", "ava", "jo", "mia", "liam", "noah", "eva", "zoe", "max", "leo", "ida"]
#: key: ((sum, sum of squares, flat[0], flat[n // 2], flat[-1]), (last epoch's figures))
RECORDED = {
    "clf_rnn_loop": (
        (0.005783561699406295, 0.00029013470199790723, 0.002040862135646402, 0.001174453521249326, -0.0054022180216489624),
        (0.698038386274322, 0.43333333333333335, 0.6931614724339863, 0.5)),
    "clf_rnn_fast": (
        (0.005783561699406295, 0.00029013470199790723, 0.002040862135646402, 0.001174453521249326, -0.0054022180216489624),
        (0.698038386274322, 0.43333333333333335, 0.6931614724339864, 0.5)),
    "clf_rnn_batched": (
        (0.005583512573063817, 0.0031018353275625303, 0.0020408665352319322, 0.0011744598232502658, -0.0378817412557883),
        (0.6961187474180277, 0.5, 0.6938642389014797, 0.5)),
    "clf_lstm_loop": (
        (0.029983183213671466, 0.0009473611493667475, 0.0020409191821806334, 0.001287069785838416, -0.006866490636693139),
        (0.6980120325881162, 0.3, 0.6931709081438707, 0.5)),
    "clf_lstm_fast": (
        (0.029983183213671466, 0.0009473611493667475, 0.0020409191821806334, 0.001287069785838416, -0.006866490636693139),
        (0.6980120325881162, 0.3, 0.6931709081438707, 0.5)),
    "clf_lstm_batched": (
        (0.02994447379070773, 0.0010482753489148926, 0.0020409191956348898, 0.001287070235100033, 0.009877534540730376),
        (0.6961326272470376, 0.5, 0.6931961198618102, 0.5)),
    "clf_gru_loop": (
        (0.04463121187386061, 0.0006965009291131992, 0.0020409191323684816, 0.00020181956042016747, -0.005636989534981178),
        (0.6981479456792424, 0.31666666666666665, 0.6931627460717484, 0.5)),
    "clf_gru_fast": (
        (0.04463121187386061, 0.0006965009291131992, 0.0020409191323684816, 0.00020181956042016747, -0.005636989534981178),
        (0.6981479456792424, 0.31666666666666665, 0.6931627460717483, 0.5)),
    "clf_gru_batched": (
        (0.044684606554163016, 0.0006338783713015094, 0.0020409191238029392, 0.00020178809065436233, -0.0006465094867661308),
        (0.694578990128153, 0.5, 0.6931470666635452, 0.5)),
    "lm_rnn": (
        (-5.435878949666941, 27.915567855555615, 0.035501055295764736, -0.4939863502530238, -0.020278829026025277),
        (3.1338002666743026, 0.14634146341463414, 3.2142136147400433, 0.08333333333333333)),
    "tbptt_rnn": (
        (-7.293652742330881, 27.745047115286233, 0.04622133735281437, -0.5226470018679991, -0.01498366970250168),
        (3.209762851943207,)),
    "tbptt_grads_rnn": (
        (9.650168295706084, 208.97572777679488, 0.41953474752707365, 0.20526919132257906, 0.14099039352428688),
        ()),
    "lm_lstm": (
        (-10.26939884378557, 56.63888550184135, 0.010405565716604588, 0.0504344290345992, -0.011354898979544574),
        (3.2053185891965503, 0.21951219512195122, 3.1975795142006205, 0.16666666666666666)),
    "tbptt_lstm": (
        (-11.814778235013254, 55.90164149720316, 0.023665889380894874, 0.0504344290345992, -0.008805600805797282),
        (3.2418830874394446,)),
    "tbptt_grads_lstm": (
        (-19.84440700759851, 87.81835386307372, 0.0016282609840029389, 0.0, 0.11113143979991304),
        ()),
    "lm_gru": (
        (-19.339788998843435, 51.88644034391777, 0.12220701115136351, 0.015526373307465924, -0.011731517358884246),
        (3.133866474855903, 0.2682926829268293, 3.1158765300716365, 0.4166666666666667)),
    "tbptt_gru": (
        (-18.936078739221205, 51.399737238634145, 0.10992884120787222, 0.015526373307465924, -0.007396260927445776),
        (3.1850660886109625,)),
    "tbptt_grads_gru": (
        (-10.775102781648155, 116.7503979542926, -2.2875186102848193e-05, 0.0, 0.10152623821163928),
        ()),
    # recorded with the language model's own softmax and head backward, before it used losses.py and
    # the contract's head_backward/backprop: the embedding's training, and one padded batch's loss
    # and gradients (the loss, the sum of last_probs, the sum of the last state's h)
    "lm_rnn_embed": (
        (-9.052398483298866, 29.580379203191022, 0.12526766080484705, 0.1856973037651474, -0.015422918894920146),
        (3.1819368144630538, 0.14634146341463414, 3.148835846600985, 0.3333333333333333)),
    "masked_rnn": (
        (-6.287392252659455, 328.21777880115854, 5.084555975897393, -0.4257581340786222, 0.9895972844463912),
        (78.76821488852482, 2.0419419201215203, 9.006478389698383)),
    "masked_lstm": (
        (-7.816337867761867, 83.4914745099024, 0.07743511792503383, 0.0, 0.693592477166559),
        (75.81552137255878, 1.344011957974915, 1.4982152736394379)),
    "masked_gru": (
        (12.053514145069196, 342.8102523516106, 0.0, 0.0, 0.53424402029328),
        (77.05149815796594, 1.8537815651287664, 8.090904001849374)),
}


def summary(flat):
    return (flat.sum(), (flat**2).sum(), flat[0], flat[len(flat) // 2], flat[-1])


def close(got, recorded):
    np.testing.assert_allclose(np.array(got, dtype=float), np.array(recorded, dtype=float), rtol=RTOL, atol=1e-15)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("engine", ["loop", "fast", "batched"])
def test_the_classifier_trains_to_the_recorded_weights(cell, engine):
    model, _, h = rnn_lib.fit(seed=3, epochs=3, hidden_size=8, cell=cell, engine=engine,
                              batch_size=4 if engine == "batched" else None)
    flat, figures = RECORDED[f"clf_{cell}_{engine}"]
    close(summary(model.flat), flat)
    close((h.train_loss[-1], h.train_acc[-1], h.test_loss[-1], h.test_acc[-1]), figures)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_the_language_model_trains_to_the_recorded_weights(cell):
    lm = CharLM(hidden_size=8, rng=1, cell=cell)
    h = train_lm(lm, NAMES[:9], NAMES[9:], epochs=3, batch_size=3, rng=2)
    flat, figures = RECORDED[f"lm_{cell}"]
    close(summary(lm.flat), flat)
    close((h.train_loss[-1], h.train_acc[-1], h.test_loss[-1], h.test_acc[-1]), figures)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_truncated_bptt_trains_to_the_recorded_weights(cell):
    lm = CharLM(hidden_size=8, rng=1, cell=cell)
    stream = stream_batches(lm, NAMES, 3)
    adam = Adam(lm.flat, 5e-3)
    for _ in range(2):
        loss, grads = tbptt_epoch(lm, stream, 4, adam, clip_norm=5.0)
    flat, figures = RECORDED[f"tbptt_{cell}"]
    close(summary(lm.flat), flat)
    close((loss,), figures)
    close(summary(np.concatenate(grads)), RECORDED[f"tbptt_grads_{cell}"][0])


def test_the_language_model_with_an_embedding_trains_to_the_recorded_weights():
    lm = CharLM(hidden_size=8, rng=1, embed_dim=4)
    h = train_lm(lm, NAMES[:9], NAMES[9:], epochs=3, batch_size=3, rng=2)
    flat, figures = RECORDED["lm_rnn_embed"]
    close(summary(lm.flat), flat)
    close((h.train_loss[-1], h.train_acc[-1], h.test_loss[-1], h.test_acc[-1]), figures)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_the_language_models_padded_batch_gives_the_recorded_loss_and_gradients(cell):
    lm = CharLM(hidden_size=8, rng=1, cell=cell, init=0.5)
    loss, grads = lm.loss(*pad_names(lm, NAMES[:5]))
    flat, figures = RECORDED[f"masked_{cell}"]
    close(summary(np.concatenate([grads[n].ravel() for n in lm.shapes])), flat)
    close((loss, (lm.last_probs ** 2).sum(), lm.last_state[0].sum()), figures)  # each column of p sums to 1: its squares do not
