"""rnn_lib.plots: each figure function draws what it is given, labelled, on the axes it is given."""

import numpy as np
import pytest
from matplotlib.figure import Figure

import rnn_lib
from rnn_lib import plots

WORDS = ["i", "am", "not", "happy"]


@pytest.fixture
def ax():
    """A fresh Axes on a backend-free Figure (no pyplot, no display needed)."""
    return Figure().add_subplot()


def tick_labels(labels):
    return [label.get_text() for label in labels]


def gids(ax):
    return [p.get_gid() for p in ax.patches]


def test_hidden_states_image_is_the_states_transposed(ax):
    hs = np.random.default_rng(0).uniform(-1, 1, size=(4, 7, 1))  # (T, H, 1)
    assert plots.plot_hidden_states(ax, hs, WORDS) is ax
    im = ax.images[-1]
    np.testing.assert_array_equal(im.get_array(), hs[:, :, 0].T)  # (H, T): column t is h_t
    assert im.get_clim() == (-1.0, 1.0)
    assert im.get_cmap().name.startswith("RdBu_r")
    assert tick_labels(ax.get_xticklabels()) == ["t=1\ni", "t=2\nam", "t=3\nnot", "t=4\nhappy"]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert len(ax.figure.axes) == 2  # the heatmap and its colour bar


def test_hidden_states_accept_2d_and_no_colorbar(ax):
    hs = np.linspace(-1, 1, 4 * 3).reshape(4, 3)
    plots.plot_hidden_states(ax, hs, WORDS, colorbar=False, title="mine")
    np.testing.assert_array_equal(ax.images[-1].get_array(), hs.T)
    assert ax.get_title() == "mine"
    assert len(ax.figure.axes) == 1


def test_hidden_states_up_to_t_masks_later_steps(ax):
    hs = np.full((4, 3), 0.5)
    plots.plot_hidden_states(ax, hs, WORDS, t=2)
    mask = np.ma.getmaskarray(ax.images[-1].get_array())
    assert not mask[:, :2].any() and mask[:, 2:].all()
    assert tick_labels(ax.get_xticklabels())[3] == "t=4\nhappy"  # the axis keeps all T steps


def test_hidden_states_reject_h0_included(ax):
    model = rnn_lib.RNN(5, 2, hidden_size=3, rng=0)
    model.forward([0, 1, 2, 3])
    with pytest.raises(ValueError, match=r"last_hs\[1:\]"):
        plots.plot_hidden_states(ax, model.last_hs, WORDS)  # T + 1 states for T words
    plots.plot_hidden_states(ax, model.last_hs[1:], WORDS)
    with pytest.raises(ValueError, match="t must be"):
        plots.plot_hidden_states(ax, model.last_hs[1:], WORDS, t=5)


def test_one_hot_image_columns_are_the_inputs(ax):
    vocab = rnn_lib.Vocabulary("i am not happy sad".split())
    matrix = vocab.one_hot_matrix(vocab.encode("i am not happy"))
    assert plots.plot_one_hot(ax, matrix, WORDS, vocab) is ax
    np.testing.assert_array_equal(ax.images[-1].get_array(), matrix.T)  # (V, T)
    assert tick_labels(ax.get_yticklabels()) == [f"{i} {w}" for i, w in enumerate(vocab.words)]
    assert tick_labels(ax.get_xticklabels())[0] == "t=1\ni"
    assert sorted(t.get_text() for t in ax.texts) == ["1"] * 4  # one "1" per column
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


def test_one_hot_checks_shape(ax):
    with pytest.raises(ValueError, match=r"\(T, V\) = \(4, 5\)"):
        plots.plot_one_hot(ax, np.eye(5)[:3], WORDS, list("abcde"))


@pytest.mark.parametrize("outputs, n_outputs", [("last", 1), ("all", 4)])
def test_unrolled_rnn_has_one_column_per_word(ax, outputs, n_outputs):
    assert plots.draw_unrolled_rnn(ax, WORDS, outputs=outputs) is ax
    g = gids(ax)
    assert g.count("input") == g.count("hidden") == 4
    assert g.count("hidden0") == 1
    assert g.count("output") == n_outputs
    texts = [t.get_text() for t in ax.texts]
    assert all(f'"{w}"' in texts for w in WORDS)
    assert texts.count("$W_{hh}$") == 4  # the same recurrent weights at every step
    assert ("many-to-one" if outputs == "last" else "many-to-many") in ax.get_title()


def test_unrolled_rnn_highlights_one_step(ax):
    plots.draw_unrolled_rnn(ax, WORDS, highlight=2, show_weights=False)
    widths = [p.get_linewidth() for p in ax.patches if p.get_gid() == "hidden"]
    assert widths[1] > widths[0] and widths[0] == widths[2] == widths[3]
    assert not any("W_" in t.get_text() for t in ax.texts)
    with pytest.raises(ValueError, match="highlight"):
        plots.draw_unrolled_rnn(ax, WORDS, highlight=5)
    with pytest.raises(ValueError, match="outputs"):
        plots.draw_unrolled_rnn(ax, WORDS, outputs="some")
    with pytest.raises(TypeError, match="not one str"):
        plots.draw_unrolled_rnn(ax, "i am happy")


def test_length_histogram_counts_every_phrase(ax):
    train = {"good": True, "not good": False, "i am happy": True}
    test = ["very bad", "i am not happy"]
    assert plots.plot_length_histogram(ax, {"train": train, "test": test}) is ax
    train_bars, test_bars = ax.containers
    assert [b.get_height() for b in train_bars] == [1, 1, 1, 0]  # lengths 1, 2, 3, 4
    assert [b.get_height() for b in test_bars] == [0, 1, 0, 1]
    assert [b.get_y() for b in test_bars] == [1, 1, 1, 0]  # stacked on the training bars
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train (3 phrases)", "test (2 phrases)"]


def test_length_histogram_of_the_course_data(ax):
    data = {"train": rnn_lib.train_data, "test": rnn_lib.test_data}
    plots.plot_length_histogram(ax, data)
    total = sum(b.get_height() for bars in ax.containers for b in bars)
    assert total == len(rnn_lib.train_data) + len(rnn_lib.test_data)
    ax.figure.canvas.draw()
    ticks = ax.get_yticks()
    assert len(ticks) >= 2 and np.all(ticks == np.round(ticks))  # counts: whole-number ticks only


def test_without_axes_a_new_figure_is_made():
    import matplotlib.pyplot as plt

    ax = plots.plot_hidden_states(None, np.zeros((4, 2)), WORDS)
    assert ax.figure is not None and ax.images
    plt.close(ax.figure)


def test_hidden_state_comparison_shares_one_colour_bar():
    fig = Figure()
    axes = fig.subplots(1, 2)
    hs_a, hs_b = np.full((1, 5), 0.3), np.linspace(-1, 1, 10).reshape(2, 5, 1)
    out = plots.plot_hidden_state_comparison(axes, [hs_a, hs_b], [["good"], ["not", "good"]])
    assert list(out) == list(axes)
    np.testing.assert_array_equal(axes[0].images[-1].get_array(), hs_a.T)
    np.testing.assert_array_equal(axes[1].images[-1].get_array(), hs_b[:, :, 0].T)
    assert [ax.get_title() for ax in axes] == ['"good"', '"not good"']
    assert all(ax.images[-1].get_clim() == (-1.0, 1.0) for ax in axes)
    assert len(fig.axes) == 3  # two heatmaps and one colour bar
    assert tick_labels(axes[1].get_xticklabels()) == ["t=1\nnot", "t=2\ngood"]


def test_hidden_state_comparison_checks_its_arguments():
    import matplotlib.pyplot as plt

    with pytest.raises(ValueError, match="one hs per phrase"):
        plots.plot_hidden_state_comparison(None, [np.zeros((1, 3))], [["a"], ["b"]])
    with pytest.raises(ValueError, match="titles"):
        plots.plot_hidden_state_comparison(None, [np.zeros((1, 3))], [["a"]], titles=["x", "y"])
    axes = plots.plot_hidden_state_comparison(None, [np.zeros((1, 3)), np.zeros((3, 3))],
                                              [["a"], ["b", "c", "d"]], titles=["one", "three"])
    assert [ax.get_title() for ax in axes] == ["one", "three"]
    assert axes[1].get_position().width > axes[0].get_position().width  # panel width follows T
    plt.close(axes[0].figure)
