"""rnn_lib.plots: each figure function draws what it is given, labelled, on the axes it is given."""

import numpy as np
import pytest
from matplotlib.figure import Figure

import rnn_lib
from rnn_lib import History, plots
from rnn_lib.data.sentiment import CLASS_NAMES

WORDS = ["i", "am", "not", "happy"]
VOCAB = rnn_lib.Vocabulary.from_texts(rnn_lib.train_data)


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


# --- the figures the widgets draw -------------------------------------------------------------------

def test_plot_input_vector(ax):
    x = np.eye(len(VOCAB))[3]
    assert plots.plot_input_vector(ax, x, VOCAB, t=2, word="at") is ax
    np.testing.assert_array_equal(ax.images[-1].get_array(), x[:, None])
    assert [label.get_text() for label in ax.get_yticklabels()] == list(VOCAB.words)
    assert ax.get_title() == '$x_{2}$ "at"'
    with pytest.raises(ValueError, match="18 words"):
        plots.plot_input_vector(ax, np.zeros(3), VOCAB)


def test_plot_output_probabilities(ax):
    plots.plot_output_probabilities(ax, np.array([[0.25], [0.75]]))
    assert [bar.get_width() for bar in ax.containers[-1]] == [0.25, 0.75]
    assert [text.get_text() for text in ax.texts] == ["0.250", "0.750"]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["negative", "positive"]
    with pytest.raises(ValueError, match="3 entries"):
        plots.plot_output_probabilities(ax, [0.2, 0.3, 0.5])


def test_plot_probability_over_words(ax):
    plots.plot_probability_over_words(ax, [0.2, 0.4, 0.9], ["not", "very", "bad"])
    line = ax.lines[0]
    assert list(line.get_xdata()) == [1, 2, 3] and list(line.get_ydata()) == [0.2, 0.4, 0.9]
    assert ax.get_ylim() == (0, 1) and ax.get_ylabel() == "P(positive) after word t"
    with pytest.raises(ValueError, match="2 entries but there are 3 words"):
        plots.plot_probability_over_words(ax, [0.2, 0.4], ["not", "very", "bad"])


def test_plot_hidden_grad_norms(ax):
    plots.plot_hidden_grad_norms(ax, [1e-6, 1e-3, 1.0], ["not", "bad"], label="s = 0.01")
    assert ax.get_yscale() == "log" and list(ax.lines[-1].get_ydata()) == [1e-6, 1e-3, 1.0]
    assert [label.get_text() for label in ax.get_xticklabels()][0] == "t=0\n$h_0$"
    assert ax.get_legend().get_texts()[0].get_text() == "s = 0.01"
    with pytest.raises(ValueError, match="3 entries"):
        plots.plot_hidden_grad_norms(ax, [1, 2, 3], ["one"])


def test_plot_learning_curves(ax):
    history = History()
    history.append(1, 0.7, 0.5, 0.69, 0.55)
    history.append(2, 0.6, 0.6, 0.65, 0.6)
    plots.plot_learning_curves(ax, history, "accuracy")
    train_line, test_line = ax.lines
    assert list(train_line.get_ydata()) == [0.5, 0.6] and list(test_line.get_ydata()) == [0.55, 0.6]
    assert ax.get_ylabel() == "accuracy"
    with pytest.raises(ValueError, match="metric"):
        plots.plot_learning_curves(ax, history, "recall")


# --- one meaning per colour, marked rows, legends out of the way -----------------------------------

def test_one_colour_per_class_and_it_is_the_heatmaps_colour_for_that_sign():
    """Positive is red and negative blue in the bars, the bands and the heatmaps' RdBu_r alike."""
    import matplotlib
    from matplotlib.colors import to_rgb

    cmap = matplotlib.colormaps[plots.HIDDEN_CMAP]
    sign_colour = {"negative": cmap(0.0), "positive": cmap(1.0)}  # the ends of the heatmaps' scale
    bars_ax, bands_ax = Figure().add_subplot(), Figure().add_subplot()
    plots.plot_output_probabilities(bars_ax, [0.3, 0.7])
    plots.plot_probability_over_words(bands_ax, [0.3, 0.7], ["not", "bad"])
    bands = {"positive": bands_ax.patches[0], "negative": bands_ax.patches[1]}  # above / below 0.5
    for c, name in enumerate(CLASS_NAMES):
        bar = np.array(to_rgb(bars_ax.containers[-1][c].get_facecolor()))
        band = np.array(to_rgb(bands[name].get_facecolor()))
        assert np.allclose(bar, band)
        other = CLASS_NAMES[1 - c]
        # nearer the heatmap's colour for numbers of its own sign than to the other's
        assert np.linalg.norm(bar - sign_colour[name][:3]) < np.linalg.norm(bar - sign_colour[other][:3])
        text = next(t for t in bands_ax.texts if t.get_text() == name)
        assert text.get_color() == plots.CLASS_TEXT_COLORS[c]


def test_hidden_states_mark_rows(ax):
    hs = np.zeros((2, 64))
    plots.plot_hidden_states(ax, hs, ["not", "good"], mark_rows=[35, 6, 13])
    marks = {line.get_gid(): list(line.get_ydata()) for line in ax.lines
             if (line.get_gid() or "").startswith("mark-row-")}
    assert marks == {"mark-row-6": [6, 6], "mark-row-13": [13, 13], "mark-row-35": [35, 35]}
    assert ax.images[-1].get_array().shape == (64, 2)  # the rows themselves keep their colours
    ticks = list(ax.get_yticks())
    assert {6, 13, 35} <= set(ticks) and 0 in ticks
    bold = [label.get_text() for label in ax.get_yticklabels() if label.get_fontweight() == "bold"]
    assert bold == ["6", "13", "35"]
    with pytest.raises(ValueError, match="0..63"):
        plots.plot_hidden_states(ax, hs, ["not", "good"], mark_rows=[64])


def test_hidden_state_comparison_marks_rows_in_every_panel():
    fig = Figure()
    axes = plots.plot_hidden_state_comparison(fig.subplots(1, 2), [np.zeros((1, 64)), np.zeros((2, 64))],
                                              [["good"], ["not", "good"]], mark_rows=[6, 13, 35])
    for ax in axes:
        assert sum((line.get_gid() or "").startswith("mark-row-") for line in ax.lines) == 3


def test_accuracy_legend_leaves_the_top_free():
    """The curves end near accuracy 1 at the right: the legend sits low, clear of them."""
    history = History()
    for epoch in range(1, 101):
        acc = min(1.0, 0.5 + epoch / 100)
        history.append(epoch, 0.7 / epoch, acc, 0.7 / epoch, acc)
    fig = Figure(figsize=(5, 3.5))
    ax = fig.add_subplot()
    plots.plot_learning_curves(ax, history, "accuracy")
    fig.canvas.draw()
    box = ax.get_legend().get_window_extent().transformed(ax.transData.inverted())
    assert box.y1 < 0.9  # in data units: below every point of the curves above 0.9


# --- gated cells: one gate over time, accuracy against distance ---------------------------------------

@pytest.mark.parametrize("name, cmap, limits", [("f", "viridis", (0.0, 1.0)), ("z", "viridis", (0.0, 1.0)),
                                                ("c", "RdBu_r", (-1.0, 1.0)), ("n", "RdBu_r", (-1.0, 1.0))])
def test_gate_values_heatmap_has_fixed_limits_per_kind(ax, name, cmap, limits):
    values = np.random.default_rng(1).uniform(0, 1, size=(4, 6))  # (T, H)
    plots.plot_gate_values(ax, values, WORDS, name, t=2)
    image = ax.images[-1]
    assert image.get_clim() == limits and image.get_cmap().name.startswith(cmap)
    data = image.get_array()
    np.testing.assert_array_equal(data.data, values.T)
    assert data.mask[:, 2:].all() and not data.mask[:, :2].any()
    assert ax.get_title() == plots.GATE_TITLES[name]
    assert tick_labels(ax.get_xticklabels())[3] == "t=4\nhappy"


def test_gate_values_heatmap_rejects_wrong_shapes(ax):
    with pytest.raises(ValueError, match=r"values must have shape \(T, H\) with T = 4 words"):
        plots.plot_gate_values(ax, np.zeros((3, 6)), WORDS, "i")
    with pytest.raises(ValueError, match="t must be a time step in 0..4"):
        plots.plot_gate_values(ax, np.zeros((4, 6)), WORDS, "i", t=5)


def test_accuracy_vs_distance_one_line_per_cell_in_its_colour(ax):
    from rnn_lib.longrange_training import AccuracyTable

    acc = {"rnn": np.array([[1.0, 1.0], [0.55, 0.6]]), "lstm": np.array([[1.0, 1.0], [1.0, 0.98]])}
    table = AccuracyTable((5, 30), (0, 1), acc, {c: np.zeros((2, 2), int) for c in acc})
    plots.plot_accuracy_vs_distance(ax, table)
    lines = [line for line in ax.lines if line.get_label() in ("vanilla RNN", "LSTM")]
    assert [line.get_label() for line in lines] == ["vanilla RNN", "LSTM"]
    np.testing.assert_allclose(lines[0].get_ydata(), [1.0, 0.575])
    np.testing.assert_allclose(lines[1].get_xdata(), [5, 30])
    assert lines[1].get_color() == plots.CELL_COLORS["lstm"]
    assert len(ax.collections) == 4  # one set of dots per cell and seed
    assert "distance k" in ax.get_xlabel() and ax.get_ylabel() == "test accuracy (weights chosen on validation)"


# --- notebook 05: probe accuracy, occlusion, trajectories, learning curve -------------------------

from matplotlib.colors import to_hex  # noqa: E402


def test_probe_accuracy_bars_are_means_with_a_dot_per_seed(ax):
    results = {"article": {"test": [1.0, 1.0], "plain": [0.8, 0.6]},
               "grammar": {"test": [1.0, 0.9], "plain": [1.0, 1.0]}}
    plots.plot_probe_accuracy(ax, results)
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx([1.0, 0.7, 0.95, 1.0])
    assert tick_labels(ax.get_xticklabels()) == ["test", "plain"]
    assert to_hex(ax.patches[0].get_facecolor()) != to_hex(ax.patches[2].get_facecolor())
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert sorted(np.concatenate([d.get_ydata() for d in dots])) == sorted([1, 1, .8, .6, 1, .9, 1, 1])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["article", "grammar"]
    with pytest.raises(ValueError, match="groups"):
        plots.plot_probe_accuracy(Figure().add_subplot(), {"a": {"test": [1]}, "b": {"plain": [1]}})


def test_occlusion_bars_are_coloured_by_the_class_they_predict(ax):
    plots.plot_occlusion(ax, WORDS, 0.9, [0.8, 0.7, 0.95, 0.1])
    assert [p.get_height() for p in ax.patches] == pytest.approx([0.8, 0.7, 0.95, 0.1])
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours == [plots.CLASS_COLORS[1]] * 3 + [plots.CLASS_COLORS[0]]  # red positive, blue negative
    assert ax.lines[0].get_ydata()[0] == 0.9
    assert tick_labels(ax.get_xticklabels())[2] == "without\n“not”"
    with pytest.raises(ValueError, match="4 words"):
        plots.plot_occlusion(Figure().add_subplot(), WORDS, 0.5, [0.1, 0.2])


def test_trajectories_draw_each_path_and_ring_its_end_in_the_class_colour(ax):
    a = (["not", "bad"], np.array([[0, 0], [1, 0], [1, 1.0]]), np.array([0.5, 0.2, 0.9]))
    b = (["bad"], np.array([[0, 0], [-1, 0.5]]), np.array([0.5, 0.1]))
    plots.plot_trajectories(ax, [a, b], explained=[0.6, 0.25])
    np.testing.assert_array_equal(ax.lines[0].get_xydata(), a[1])
    np.testing.assert_array_equal(ax.lines[2].get_xydata(), b[1])
    assert to_hex(ax.lines[1].get_color()) == plots.CLASS_COLORS[1]  # P = 0.9: positive, red
    assert to_hex(ax.lines[3].get_color()) == plots.CLASS_COLORS[0]
    assert ax.lines[0].get_linestyle() != ax.lines[2].get_linestyle()  # a shared start stays visible
    assert ax.get_xlabel() == "principal component 1 (60% of the variance)"
    assert [t.get_text() for t in ax.texts if t.get_text() in ("not", "bad")] == ["not", "bad", "bad"]
    with pytest.raises(ValueError, match=r"\(T\+1, 2\)"):
        plots.plot_trajectories(Figure().add_subplot(), [(["bad"], np.zeros((3, 2)), np.zeros(3))])


def test_probe_learning_curve_is_the_mean_over_seeds(ax):
    plots.plot_probe_learning_curve(ax, [0, 50, 100], [[0.5, 0.4], [0.8, 0.7], [1.0, 1.0]])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.45, 0.75, 1.0])
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [0, 50, 100])
    with pytest.raises(ValueError, match="accuracies"):
        plots.plot_probe_learning_curve(Figure().add_subplot(), [0, 1], [0.5, 0.6])


def _drawn(ax):
    """Draw ``ax``'s figure on an Agg canvas, so that text extents are real."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(ax.figure).draw()
    return ax.figure.canvas.get_renderer()


def test_probe_accuracy_chance_label_sits_outside_the_axes_and_the_legend_below(ax):
    plots.plot_probe_accuracy(ax, {"a": {"test": [1.0], "plain": [1.0]}, "b": {"test": [1.0], "plain": [1.0]}})
    renderer = _drawn(ax)
    chance = [t for t in ax.texts if t.get_text() == "chance"]
    assert len(chance) == 1
    axes_box = ax.get_window_extent(renderer)
    assert chance[0].get_window_extent(renderer).x0 >= axes_box.x1  # right of the axes: no bar hides it
    assert ax.get_legend().get_window_extent(renderer).y1 <= axes_box.y0  # below the axes: it hides no bar


def test_trajectories_label_a_shared_point_once_in_grey_and_keep_h0_off_the_first_point(ax):
    shared = np.array([[0, 0], [-0.06, -0.06], [1, 0]])  # h_0, then "i" just below left of it, then "am"
    a = (["i", "am", "bad"], np.vstack([shared, [[2, 1.0]]]), np.array([0.5, 0.5, 0.5, 0.1]))
    b = (["i", "am", "good"], np.vstack([shared, [[2, -1.0]]]), np.array([0.5, 0.5, 0.5, 0.9]))
    plots.plot_trajectories(ax, [a, b])
    texts = {t.get_text(): t for t in ax.texts}
    assert [t.get_text() for t in ax.texts].count("am") == 1 and to_hex(texts["am"].get_color()) == to_hex("0.25")
    assert to_hex(texts["bad"].get_color()) == plots.SERIES_COLORS[0]
    assert to_hex(texts["good"].get_color()) == plots.SERIES_COLORS[1]
    renderer = _drawn(ax)
    boxes = {name: t.get_window_extent(renderer) for name, t in texts.items()}
    first = ax.transData.transform(shared[1])
    assert not boxes["$h_0$"].contains(*first)  # the h_0 label leaves the "i" point visible
    names = sorted(boxes)
    for p, q in [(p, q) for i, p in enumerate(names) for q in names[i + 1:]]:
        assert not boxes[p].overlaps(boxes[q]), f"labels {p!r} and {q!r} overlap"


def test_label_offsets_keep_crowded_labels_apart():
    from rnn_lib.plots.label_layout import label_offsets

    fig_ax = Figure(figsize=(4, 3)).add_subplot()
    points = np.array([[0, 0], [0.02, 0.0], [0.0, 0.02], [0.02, 0.02], [1, 1]])
    fig_ax.plot(points[:, 0], points[:, 1], "o")
    texts = ["one", "two", "three", "four", "far"]
    offsets = label_offsets(fig_ax, points, texts, fontsize=8)
    assert len(offsets) == 5 and len(set(offsets[:4])) == 4  # four points in a clump: four different places
    for p, t, o in zip(points, texts, offsets):
        fig_ax.annotate(t, p, textcoords="offset points", xytext=o, fontsize=8, ha="left", va="bottom")
    renderer = _drawn(fig_ax)
    boxes = [t.get_window_extent(renderer) for t in fig_ax.texts]
    assert not any(boxes[i].overlaps(boxes[j]) for i in range(5) for j in range(i + 1, 5))
    assert label_offsets(fig_ax, np.zeros((0, 2)), []) == []
    with pytest.raises(ValueError, match="2 points but 1 labels"):
        label_offsets(fig_ax, points[:2], ["one"])
