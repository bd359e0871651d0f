"""The language model's widgets, driven from Python: set a control, check what is drawn against CharLM.

The browser tests in tests/browser/ check the same widgets in JupyterLab.
"""

import numpy as np
import pytest

from rnn_lib import CharLM
from rnn_lib.lm import ALPHABET
from rnn_lib.widgets import NameSampler, NextCharExplorer
from rnn_lib.widgets.lm_widgets import MAX_PREFIX

TRAIN = ["anna", "emma", "john", "jo", "mary", "olivia"]


@pytest.fixture
def model():
    """A small untrained model with weights large enough that its distributions are far from uniform."""
    return CharLM(ALPHABET, hidden_size=8, rng=1, init=1.0)


def png(widget):
    data = bytes(widget.image.value)
    assert data.startswith(b"\x89PNG"), "the Image widget must hold a PNG"
    return data


# --- NameSampler ------------------------------------------------------------------------------------

def test_sampler_shows_the_names_of_its_seed_and_temperature(model):
    sampler = NameSampler(model, n=6, temperature=0.5, seed=3)
    shown = sampler.shown
    assert shown["names"] == model.sample(6, temperature=0.5, seed=3)
    assert (shown["seed"], shown["new"], shown["n_new"]) == (3, None, None)
    png(sampler)
    for name in shown["names"]:
        assert name in sampler.names.value


def test_sample_button_draws_with_the_next_seed_reproducibly(model):
    sampler = NameSampler(model, n=8, seed=0)
    first = sampler.shown["names"]
    old_png = png(sampler)
    sampler.button.click()
    assert sampler.shown["seed"] == 1
    assert sampler.shown["names"] == model.sample(8, temperature=1.0, seed=1) != first
    assert png(sampler) == old_png  # same temperature: the bars are the same
    sampler.button.click()
    assert sampler.shown["names"] == model.sample(8, temperature=1.0, seed=2)
    sampler.seed.value = 0  # back to the first seed: the first names again
    assert sampler.shown["names"] == first
    assert "seed 0" in repr(sampler) and ", ".join(first) in repr(sampler)
    assert len(sampler.update_ms) == 4


def test_temperature_slider_redraws_names_and_bars(model):
    sampler = NameSampler(model, n=10, seed=5)
    cold_png = png(sampler)
    sampler.temperature.value = 0.1
    shown = sampler.shown
    assert shown["names"] == model.sample(10, temperature=0.1, seed=5)
    y = np.log(model.next_probs(""))  # log-probabilities: the scores up to a constant
    expected = np.exp(y / 0.1 - (y / 0.1).max())
    np.testing.assert_allclose(shown["probs"], expected / expected.sum(), atol=1e-12)
    np.testing.assert_allclose(NameSampler(model, temperature=1.0).shown["probs"], model.next_probs(""),
                               atol=1e-12)
    assert png(sampler) != cold_png
    assert shown["labels"][0] == "end" and shown["labels"][1:] == list(ALPHABET[1:])
    assert "temperature 0.10" in repr(sampler)


def test_sampler_marks_the_names_not_in_the_training_names(model):
    names = model.sample(10, temperature=1.0, seed=0)
    train = names[:3] + TRAIN
    sampler = NameSampler(model, train_names=train, n=10, seed=0)
    shown = sampler.shown
    assert shown["new"] == [n for n in names if n not in train]
    assert shown["n_new"] == len(shown["new"]) < 10
    assert sampler.names.value.count('class="rnn-new-name"') == shown["n_new"]
    assert f"{shown['n_new']} of 10 new" in repr(sampler)


@pytest.mark.parametrize("kwargs, match", [
    ({"n": 0}, "n must"), ({"n": 101}, "at most 100"), ({"temperature": 0}, "temperature"),
    ({"temperature": 20.0}, "0.1 .. 10"), ({"seed": -1}, "seed must"), ({"seed": 1.5}, "seed must"),
    ({"train_names": "anna"}, "train_names"),
])
def test_sampler_rejects_bad_arguments(model, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        NameSampler(model, **kwargs)


# --- NextCharExplorer -------------------------------------------------------------------------------

def test_explorer_shows_the_next_character_distribution_after_the_whole_prefix(model):
    explorer = NextCharExplorer(model, prefix="jo")
    shown = explorer.shown
    assert (shown["prefix"], shown["t"], shown["T"], shown["read"]) == ("jo", 3, 3, ".jo")
    np.testing.assert_allclose(shown["probs"], model.next_probs("jo"), atol=1e-12)
    assert shown["labels"] == ["end"] + list(ALPHABET[1:])
    assert shown["highlighted"] == []  # nothing of the prefix comes next
    _, _, _, hs = model.forward(np.array([0] + model.indices("jo")))
    np.testing.assert_allclose(shown["hidden"], hs[:, :, 0].T, atol=1e-12)
    assert not np.ma.getmaskarray(shown["hidden"]).any()
    best = ALPHABET[int(np.argmax(model.next_probs("jo")))]
    assert f"most likely next: {'end' if best == '.' else best}" in shown["readout"]
    assert repr(explorer) == "NextCharExplorer: prefix 'jo', t = 3 of 3 (read '.jo')"
    png(explorer)


def test_explorer_slider_steps_through_the_prefix(model):
    explorer = NextCharExplorer(model, prefix="jo", t=1)
    _, _, _, hs = model.forward(np.array([0] + model.indices("jo")))
    pictures = set()
    for t, before in ((1, ""), (2, "j"), (3, "jo")):
        explorer.slider.value = t
        shown = explorer.shown
        assert shown["read"] == "." + before and shown["t"] == t
        np.testing.assert_allclose(shown["probs"], model.next_probs(before), atol=1e-12)
        mask = np.ma.getmaskarray(shown["hidden"])
        assert not mask[:, :t].any() and mask[:, t:].all()
        np.testing.assert_allclose(shown["hidden"][:, :t], hs[:t, :, 0].T, atol=1e-12)
        assert shown["highlighted"] == (["jo"[t - 1]] if t <= 2 else [])
        pictures.add(png(explorer))
    assert len(pictures) == 3


def test_explorer_typed_prefix_replaces_the_plot(model):
    explorer = NextCharExplorer(model, prefix="jo")
    old = png(explorer)
    explorer.text.value = "  mar "  # spaces around are dropped
    shown = explorer.shown
    assert (shown["prefix"], shown["t"], shown["T"]) == ("mar", 4, 4)
    np.testing.assert_allclose(shown["probs"], model.next_probs("mar"), atol=1e-12)
    assert explorer.text.value == "mar" and png(explorer) != old
    explorer.text.value = ""  # the empty prefix: the first character's distribution
    assert explorer.shown["T"] == 1
    np.testing.assert_allclose(explorer.shown["probs"], model.next_probs(""), atol=1e-12)


@pytest.mark.parametrize("text, expected", [
    ("jo3", "“3” is not a character this model reads"),
    ("Jo", "“J” is not a character this model reads (capital letters: type the name in lowercase)"),
    ("jo.", "“.” is not a character this model reads (“.” is the end token"),
    ("j\u043e", "“\u043e” (\\u043e) is not a character"),  # a Cyrillic o
    ("a b", "“ ” is not a character"),
    ("a" * (MAX_PREFIX + 1), f"has {MAX_PREFIX + 1} characters: the widget reads at most {MAX_PREFIX}"),
])
def test_explorer_bad_prefix_gets_a_friendly_message(model, text, expected):
    explorer = NextCharExplorer(model, prefix="jo")
    explorer.text.value = text
    shown = explorer.shown
    assert expected in shown["message"], shown["message"]
    if "characters:" not in expected:
        assert "abcdefghijklmnopqrstuvwxyz" in shown["message"]  # the alphabet is listed
    assert not shown["plot_visible"] and shown["prefix"] is None
    assert "Traceback" not in shown["message"] and "cannot be read" in repr(explorer)
    explorer.text.value = "jo"  # and back
    assert explorer.shown["message"] == "" and explorer.shown["plot_visible"]
    np.testing.assert_allclose(explorer.shown["probs"], model.next_probs("jo"), atol=1e-12)


def test_explorer_constructor_rejects_a_bad_prefix(model):
    with pytest.raises(ValueError, match="“3” is not a character"):
        NextCharExplorer(model, prefix="a3")


# --- both -------------------------------------------------------------------------------------------

def test_non_finite_weights_give_a_message_never_nan(model):
    sampler = NameSampler(model, n=4)
    explorer = NextCharExplorer(model, prefix="jo")
    model.flat[...] = np.nan  # what training with learn_rate=inf leaves
    for widget in (sampler, explorer):
        widget.refresh()
        shown = widget.shown
        assert "not finite numbers" in shown["message"], shown["message"]
        assert not shown["plot_visible"]
    assert sampler.shown["names"] == [] and "not finite" in repr(sampler)
    assert "nan" not in explorer.readout.value.lower()
    model.flat[...] = CharLM(ALPHABET, hidden_size=8, rng=1, init=1.0).flat  # reloaded: all comes back
    sampler.refresh()
    explorer.refresh()
    assert sampler.shown["message"] == "" and sampler.shown["names"] == model.sample(4, seed=0)
    assert explorer.shown["message"] == ""
    np.testing.assert_allclose(explorer.shown["probs"], model.next_probs("jo"), atol=1e-12)


def test_training_in_place_shows_on_the_next_redraw(model):
    explorer = NextCharExplorer(model, prefix="an")
    before = explorer.shown["probs"]
    model.flat[...] *= 0.5
    explorer.slider.value = 2
    explorer.slider.value = 3
    np.testing.assert_allclose(explorer.shown["probs"], model.next_probs("an"), atol=1e-12)
    assert not np.allclose(explorer.shown["probs"], before)


def test_the_widgets_display_a_stable_text_and_a_still_picture(model):
    for widget in (NameSampler(model, n=3), NextCharExplorer(model)):
        bundle = widget._repr_mimebundle_()
        assert bundle["text/plain"] == repr(widget)
        assert bundle["image/png"]
        assert "0x" not in bundle["text/plain"]  # no object address


def test_an_empty_name_is_shown_as_empty(model):
    model.params["by"][0] = 50.0  # the end token first, every time: every name is empty
    sampler = NameSampler(model, train_names=TRAIN, n=3)
    assert sampler.shown["names"] == ["", "", ""] and sampler.shown["n_new"] == 3
    assert sampler.names.value.count("(empty)") == 3
