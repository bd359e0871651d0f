"""The attention explorer of notebook 09, driven without a browser: what it draws, its messages."""

import numpy as np
import pytest

from rnn_lib.seq2seq import Seq2Seq
from rnn_lib.widgets import AttentionExplorer

CHARS = " ,0123456789abcdefghijlmnoprstuvwy"


@pytest.fixture
def model():
    return Seq2Seq(CHARS, hidden_size=6, attention_size=4, rng=1, init=1.0)


def png(widget):
    data = bytes(widget.image.value)
    assert data.startswith(b"\x89PNG"), "the Image widget must hold a PNG"
    return data


def test_explorer_shows_the_translation_and_its_whole_map(model):
    explorer = AttentionExplorer(model, "Tuesday, 10 March 2009")
    shown = explorer.shown
    words, maps = model.translate(["tuesday, 10 march 2009"])
    assert (shown["date"], shown["output"], shown["t"]) == ("tuesday, 10 march 2009", words[0], 10)
    np.testing.assert_allclose(shown["map"], maps[0], atol=1e-12)
    assert not np.ma.getmaskarray(shown["map"]).any() and shown["framed_row"] == 10
    assert shown["x_labels"][:8] == list("tuesday,") and shown["x_labels"][8] == "␣"
    assert shown["readout"].startswith(f"t = 10 of 10: writes {words[0][-1]} (so far {words[0]})")
    assert repr(explorer) == f"AttentionExplorer: 'tuesday, 10 march 2009' -> {words[0]}, t = 10 of 10 " \
                             f"(written {words[0]!r})"
    png(explorer)


def test_slider_shows_the_rows_up_to_t(model):
    explorer = AttentionExplorer(model, "1 may 2001", t=1)
    pictures = set()
    for t in (1, 4, 10):
        explorer.slider.value = t
        shown = explorer.shown
        mask = np.ma.getmaskarray(shown["map"])
        assert not mask[:t].any() and mask[t:].all() and shown["framed_row"] == t
        assert f"t = {t} of 10: writes {shown['output'][t - 1]}" in shown["readout"]
        pictures.add(png(explorer))
    assert len(pictures) == 3


@pytest.mark.parametrize("text, words", [
    ("", "Type a date"),
    ("3 июля 2021", "“и”, “ю”, “л”, “я” are not characters the model read"),
    ("1" * 61, "61 characters"),
])
def test_unreadable_text_gets_a_message_and_no_plot(model, text, words):
    explorer = AttentionExplorer(model)
    explorer.text.value = text
    shown = explorer.shown
    assert words in shown["message"] and not shown["plot_visible"] and shown["date"] is None
    explorer.text.value = "2 june 1999"
    assert explorer.shown["plot_visible"] and explorer.shown["message"] == ""


def test_a_model_without_attention_is_refused():
    with pytest.raises(ValueError, match="no attention"):
        AttentionExplorer(Seq2Seq(CHARS, hidden_size=4, attention=False))
