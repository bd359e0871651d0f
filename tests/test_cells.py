"""rnn_lib.cells: the vanilla cell behind the cell interface is the article's step pair, not a copy of it."""

import numpy as np
import pytest

import rnn_lib
from rnn_lib import cells
from rnn_lib.cells import CELLS, RNNCell, get_cell


def test_the_step_pair_is_one_function_wherever_it_is_imported_from():
    assert rnn_lib.step_forward is cells.step_forward
    assert rnn_lib.step_backward is cells.step_backward


def test_the_cell_methods_are_the_step_pair_with_a_tuple_state():
    rng = np.random.default_rng(0)
    V, H = 4, 3
    cell = RNNCell()
    shapes = cell.shapes(V, H)
    assert shapes == {"Wxh": (H, V), "Whh": (H, H), "bh": (H, 1)} and cell.biases == ("bh",)
    params = {name: rng.standard_normal(shape) for name, shape in shapes.items()}
    (h0,) = cell.zero_state(H)
    assert h0.shape == (H, 1) and not h0.any()
    x, h_prev = np.eye(V)[:, [2]], rng.standard_normal((H, 1))
    (h,), cache = cell.step_forward(params, x, (h_prev,))
    np.testing.assert_array_equal(h, np.tanh(params["Wxh"] @ x + params["Whh"] @ h_prev + params["bh"]))
    h_ref, cache_ref = rnn_lib.step_forward(x, h_prev, params["Wxh"], params["Whh"], params["bh"])
    np.testing.assert_array_equal(h, h_ref)
    d_h = rng.standard_normal((H, 1))
    (d_prev,), grads = cell.step_backward(params, (d_h,), cache)
    d_prev_ref, grads_ref = rnn_lib.step_backward(d_h, cache_ref)
    np.testing.assert_array_equal(d_prev, d_prev_ref)
    for name in shapes:
        np.testing.assert_array_equal(grads[name], grads_ref[name])
        assert grads[name].shape == shapes[name]


def test_cells_by_name_and_clear_errors():
    assert CELLS["rnn"] is RNNCell and isinstance(get_cell("rnn"), RNNCell)
    custom = RNNCell()
    assert get_cell(custom) is custom
    with pytest.raises(ValueError, match="cell must be one of 'rnn'"):
        get_cell("transformer")
    with pytest.raises(TypeError, match="lacks zero_state, step_forward, step_backward"):
        get_cell(type("Half", (), {"shapes": lambda self, V, H: {}})())


def test_the_model_lays_out_the_vanilla_cell_in_the_articles_order():
    m = rnn_lib.RNN(5, 2, 3)
    assert isinstance(m.cell, RNNCell)
    assert tuple(m.shapes) == rnn_lib.PARAM_NAMES == tuple(m.params)
    assert m.flat.size == 3 * 5 + 3 * 3 + 2 * 3 + 3 + 2
    assert repr(m) == "RNN(input_size=5, output_size=2, hidden_size=3)"
