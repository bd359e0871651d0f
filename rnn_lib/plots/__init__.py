"""Figures for the course: one function per figure kind, one module per topic.

Every function draws on a matplotlib ``Axes`` passed as ``ax`` (or, with
``ax=None``, on a new figure) and returns that ``Axes``, so a notebook draws a
figure in one line and a widget redraws the same figure on its own axes.
Nothing here calls ``plt.show()`` or depends on a particular backend.

The modules, by what the figure shows:
    * ``style``: the colours, colormaps and limits every figure shares, the time-axis labels;
    * ``diagram``: the network unrolled over a phrase (``draw_unrolled_rnn``);
    * ``inputs``: phrase lengths, one-hot inputs, one input column;
    * ``hidden_states``: hidden-state heatmaps, one phrase or several side by side;
    * ``gates``: heatmaps of the LSTM's and the GRU's gates;
    * ``predictions``: output probabilities, P(positive) word by word;
    * ``gradients``: the gradient reaching each hidden state;
    * ``training``: learning curves, accuracy against the distance to remember;
    * ``what_it_learned``: probe accuracy, occlusion, trajectories, the probe's learning curve;
    * ``attention``: notebook 9's attention map and exact match against input length;
    * ``label_layout``: word labels placed clear of each other and of the lines.

Every name is importable from here: ``plots.plot_hidden_states(...)``.
"""

from .attention import char_ticks, plot_attention_map, plot_exact_match_by_length
from .diagram import draw_unrolled_rnn
from .gates import GATE_LIMITS, GATE_TITLES, SIGMOID_GATES, gate_style, plot_gate_values
from .gradients import plot_hidden_grad_norms
from .hidden_states import plot_hidden_state_comparison, plot_hidden_states
from .inputs import plot_input_vector, plot_length_histogram, plot_one_hot
from .predictions import plot_output_probabilities, plot_probability_over_words
from .style import (CELL_COLORS, CELL_LABELS, CHANCE, CLASS_COLORS, CLASS_TEXT_COLORS, HIDDEN_CMAP, HIDDEN_LIMITS,
                    HIGHLIGHT_EDGE, SEQUENTIAL_CMAP, SERIES_COLORS, time_labels)
from .training import plot_accuracy_vs_distance, plot_learning_curves
from .what_it_learned import plot_occlusion, plot_probe_accuracy, plot_probe_learning_curve, plot_trajectories

__all__ = [
    "CELL_COLORS", "CELL_LABELS", "CHANCE", "CLASS_COLORS", "CLASS_TEXT_COLORS", "GATE_LIMITS", "GATE_TITLES",
    "HIDDEN_CMAP", "HIDDEN_LIMITS", "HIGHLIGHT_EDGE", "SEQUENTIAL_CMAP", "SERIES_COLORS", "SIGMOID_GATES",
    "char_ticks", "draw_unrolled_rnn", "gate_style", "plot_accuracy_vs_distance", "plot_attention_map", "plot_gate_values", "plot_hidden_grad_norms",
    "plot_hidden_state_comparison", "plot_hidden_states", "plot_input_vector", "plot_exact_match_by_length", "plot_learning_curves",
    "plot_length_histogram", "plot_occlusion", "plot_one_hot", "plot_output_probabilities",
    "plot_probability_over_words", "plot_probe_accuracy", "plot_probe_learning_curve", "plot_trajectories",
    "time_labels",
]
