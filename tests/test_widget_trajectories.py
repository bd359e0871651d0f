"""TrajectoryViewer, driven from Python (no browser): choose or type a phrase, check what is drawn."""

import base64

import numpy as np
import pytest

from rnn_lib import RNN, Vocabulary, predict_proba, test_data, train_data
from rnn_lib.analysis import hidden_states, pca_2d, step_outputs
from rnn_lib.widgets import TrajectoryViewer

VOCAB = Vocabulary.from_texts(train_data)


@pytest.fixture
def model():
    """A small network with weights large enough that its states move and its outputs are not all 0.5."""
    return RNN(len(VOCAB), 2, hidden_size=12, rng=1, init=0.5)


def expected_points(model, text, projection):
    hs, _ = step_outputs(model, VOCAB.encode(text))
    return projection(hs)


def test_the_projection_is_fitted_once_on_the_given_phrases(model):
    viewer = TrajectoryViewer(model, VOCAB)
    reference = pca_2d(hidden_states(model, VOCAB, [*train_data, *test_data]))  # the course's phrases
    np.testing.assert_allclose(viewer.projection.axes, reference.axes, atol=1e-12)
    own = TrajectoryViewer(model, VOCAB, fit_texts=["i am happy", "this is not bad", "i was sad earlier"])
    assert not np.allclose(own.projection.axes, viewer.projection.axes)


def test_it_draws_both_phrases_paths_from_h0_with_their_predictions(model):
    viewer = TrajectoryViewer(model, VOCAB, "i am not bad", "i am not bad right now")
    shown = viewer.shown
    assert shown["phrases"] == ["i am not bad", "i am not bad right now"]
    for k, text in enumerate(shown["phrases"]):
        np.testing.assert_allclose(shown["points"][k], expected_points(model, text, viewer.projection), atol=1e-12)
        assert shown["probs"][k][-1] == pytest.approx(predict_proba(model, VOCAB, text))
    assert shown["points"][0].shape == (5, 2) and shown["points"][1].shape == (7, 2)
    np.testing.assert_allclose(shown["points"][0], shown["points"][1][:5])  # the same first four words
    assert shown["message"] == ""
    assert bytes(viewer.image.value).startswith(b"\x89PNG")


def test_typing_or_choosing_a_phrase_redraws_only_its_path(model):
    viewer = TrajectoryViewer(model, VOCAB)
    before = viewer.shown["points"][0].copy()
    viewer.second.text.value = "this was very good earlier"
    shown = viewer.shown
    assert shown["phrases"][1] == "this was very good earlier" and shown["points"][1].shape == (6, 2)
    np.testing.assert_allclose(shown["points"][0], before)
    viewer.first.dropdown.value = "i am happy"
    assert viewer.shown["phrases"][0] == "i am happy" and viewer.first.text.value == ""
    np.testing.assert_allclose(viewer.shown["points"][0], expected_points(model, "i am happy", viewer.projection))


def test_an_unknown_word_names_the_box_and_the_word_and_keeps_the_figure(model):
    viewer = TrajectoryViewer(model, VOCAB)
    image, phrases = bytes(viewer.image.value), list(viewer.shown["phrases"])
    viewer.first.text.value = "i am great"
    shown = viewer.shown
    assert shown["message"].startswith("Phrase 1: “great” is not a word this network knows")
    assert shown["phrases"] == phrases and bytes(viewer.image.value) == image
    viewer.first.text.value = "I am  SAD"  # read by the vocabulary's rule: lower-cased
    assert viewer.shown["phrases"][0] == "i am sad" and viewer.shown["message"] == ""


def test_a_bad_first_phrase_is_a_clear_error(model):
    with pytest.raises(ValueError, match="cannot show 'i am great'.*“great” is not a word"):
        TrajectoryViewer(model, VOCAB, first="i am great")


def test_non_finite_weights_give_a_message_not_a_crash(model):
    broken = model.copy()
    broken.flat[0] = np.nan
    viewer = TrajectoryViewer(model, VOCAB)
    viewer.model = broken
    viewer.update()
    assert "not finite numbers" in viewer.shown["message"] and viewer.shown["points"] == []
    assert "no paths drawn" in repr(viewer)


def test_text_plain_is_stable_and_a_png_is_the_static_picture(model):
    viewer = TrajectoryViewer(model, VOCAB, "i am not bad", "i am not bad right now")
    bundle = viewer._repr_mimebundle_()
    p = [predict_proba(model, VOCAB, t) for t in ("i am not bad", "i am not bad right now")]
    words = ["positive" if v > 0.5 else "negative" for v in p]
    assert bundle["text/plain"] == (f"TrajectoryViewer: 'i am not bad' -> {words[0]} (P(positive) = {p[0]:.3f}); "
                                    f"'i am not bad right now' -> {words[1]} (P(positive) = {p[1]:.3f})")
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert repr(TrajectoryViewer(model, VOCAB, "i am not bad", "i am not bad right now")) == bundle["text/plain"]
