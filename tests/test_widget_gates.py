"""GateStepper, driven from Python: move the slider, change the phrase, check what is drawn against the cell."""

import base64

import numpy as np
import pytest

from rnn_lib import GRU, LSTM, RNN, Vocabulary, softmax, train_data
from rnn_lib.analysis import gate_values
from rnn_lib.cells import sigmoid
from rnn_lib.widgets import GateStepper

VOCAB = Vocabulary.from_texts(train_data)
PHRASE = "i am not happy"
H = 8


def make(kind):
    """A small network with weights large enough that its gates are not all 0.5."""
    return {"rnn": RNN, "lstm": LSTM, "gru": GRU}[kind](len(VOCAB), 2, hidden_size=H, rng=2, init=0.5)


def lstm_by_hand(model, indices):
    """The LSTM's gates and states step by step from its equations (PyTorch's gate order i, f, g, o)."""
    h, c = np.zeros(H), np.zeros(H)
    out = {n: [] for n in "ifgoch"}
    for j in indices:
        a = model.Wx[:, j] + model.bx[:, 0] + model.Wh @ h + model.bh[:, 0]
        i, f, g, o = sigmoid(a[:H]), sigmoid(a[H:2 * H]), np.tanh(a[2 * H:3 * H]), sigmoid(a[3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
        for n, v in zip("ifgoch", (i, f, g, o, c, h)):
            out[n].append(v)
    return {n: np.array(v) for n, v in out.items()}


def test_gate_values_are_the_lstm_equations_and_leave_the_cache_alone():
    model = make("lstm")
    indices = VOCAB.encode(PHRASE)
    y, h_T = model.forward(VOCAB.encode("not good"))
    values = gate_values(model, indices)
    assert list(values) == ["i", "f", "g", "o", "c", "h"]
    expected = lstm_by_hand(model, indices)
    for name, v in values.items():
        assert v.shape == (len(indices), H)
        np.testing.assert_allclose(v, expected[name], rtol=1e-12, atol=1e-15)
    assert model.last_hs.shape[0] == 3  # the forward of "not good" is still the model's last


def test_gate_values_of_the_gru_and_the_vanilla_cell():
    gru = make("gru")
    indices = VOCAB.encode(PHRASE)
    values = gate_values(gru, indices)
    assert list(values) == ["r", "z", "n", "h"]
    h = np.zeros(H)
    for t, j in enumerate(indices):
        ax, ah = gru.Wx[:, j] + gru.bx[:, 0], gru.Wh @ h + gru.bh[:, 0]
        r, z = sigmoid(ax[:H] + ah[:H]), sigmoid(ax[H:2 * H] + ah[H:2 * H])
        n = np.tanh(ax[2 * H:] + r * ah[2 * H:])
        h = (1 - z) * n + z * h
        for name, v in zip("rznh", (r, z, n, h)):
            np.testing.assert_allclose(values[name][t], v, rtol=1e-12, atol=1e-15)
    rnn = make("rnn")
    rnn.forward(indices)
    np.testing.assert_allclose(gate_values(rnn, indices)["h"], rnn.last_hs[1:, :, 0])


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_slider_draws_step_t_of_the_cells_forward(kind):
    model = make(kind)
    stepper = GateStepper(model, VOCAB, phrase=PHRASE)
    indices = VOCAB.encode(PHRASE)
    model.forward(indices)
    expected = gate_values(model, indices)
    shown = stepper.shown
    assert shown["t"] == 0 and shown["T"] == 4 and shown["highlighted"] is None
    assert all(panel.mask.all() for panel in shown["panels"].values())  # nothing read yet
    before = bytes(stepper.image.value)
    stepper.slider.value = 3
    shown = stepper.shown
    assert shown["t"] == 3 and shown["word"] == shown["highlighted"] == "not"
    assert bytes(stepper.image.value) != before
    for name, panel in shown["panels"].items():
        assert panel.shape == (H, 4)
        np.testing.assert_allclose(panel[:, :3], expected[name][:3].T, rtol=1e-12)
        assert panel.mask[:, 3:].all() and not panel.mask[:, :3].any()
    y, _ = model.forward(indices[:3])
    assert shown["p_positive"] == pytest.approx(softmax(y)[1, 0], rel=1e-12)
    np.testing.assert_allclose(model.last_hs[-1, :, 0], expected["h"][2], rtol=1e-12)


def test_panels_their_limits_and_colormaps():
    stepper = GateStepper(make("lstm"), VOCAB, phrase=PHRASE, t=4)
    assert stepper.panels == ["i", "f", "o", "g", "c", "h"]
    for name in "ifo":
        image = stepper._images[name]
        assert image.get_clim() == (0.0, 1.0) and image.get_cmap().name.startswith("viridis")
    for name in "gch":
        image = stepper._images[name]
        assert image.get_clim() == (-1.0, 1.0) and image.get_cmap().name.startswith("RdBu_r")
    assert [a.get_title() for a in stepper.axes.values()][:2] == ["input gate $i_t$", "forget gate $f_t$"]
    assert GateStepper(make("gru"), VOCAB, phrase=PHRASE).panels == ["r", "z", "n", "h"]
    assert GateStepper(make("rnn"), VOCAB, phrase=PHRASE).panels == ["h"]


def test_phrase_dropdown_typed_text_and_unknown_word():
    model = make("gru")
    stepper = GateStepper(model, VOCAB, phrase=PHRASE, t=2)
    stepper.text.value = "this is very good"
    assert stepper.shown["phrase"] == "this is very good" and stepper.shown["T"] == 4
    assert stepper.shown["t"] == 0
    stepper.slider.value = 4
    expected = gate_values(model, VOCAB.encode("this is very good"))
    np.testing.assert_allclose(stepper.shown["panels"]["z"], expected["z"].T, rtol=1e-12)
    stepper.text.value = "this is very grood"
    assert "grood" in stepper.shown["message"] and stepper.shown["phrase"] == "this is very good"
    other = stepper.phrase.options[5][1]
    stepper.phrase.value = other
    assert stepper.shown["phrase"] == other and stepper.shown["message"] == ""


def test_trained_in_place_shows_on_the_next_step():
    model = make("lstm")
    stepper = GateStepper(model, VOCAB, phrase=PHRASE, t=2)
    model.Wx = model.Wx * 3
    stepper.slider.value = 3
    np.testing.assert_allclose(stepper.shown["panels"]["f"][:, :3],
                               gate_values(model, VOCAB.encode(PHRASE))["f"][:3].T, rtol=1e-12)


def test_repr_and_static_png():
    stepper = GateStepper(make("lstm"), VOCAB, phrase=PHRASE)
    stepper.slider.value = 2
    assert repr(stepper) == "GateStepper (lstm): 'i am not happy', t = 2 of 4"
    bundle = stepper._repr_mimebundle_()
    assert bundle["text/plain"] == repr(stepper)
    assert base64.b64decode(bundle["image/png"]) == bytes(stepper.image.value)
    assert bytes(stepper.image.value).startswith(b"\x89PNG")
    assert "rnn-gate-stepper" in stepper.widget._dom_classes


def test_a_cell_it_does_not_know_is_a_clear_error():
    class Odd:
        name = "odd"

    model = make("rnn")
    model.cell = Odd()
    with pytest.raises(ValueError, match="GateStepper shows the cells 'rnn', 'lstm', 'gru'"):
        GateStepper(model, VOCAB, phrase=PHRASE)
    with pytest.raises(ValueError, match="gate_values reads a cell's GATES, STATE and CACHE"):
        gate_values(model, [0, 1])
