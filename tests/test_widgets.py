"""rnn_lib.widgets, driven from Python (no browser): set a control, check what is drawn changed to match.

The browser tests in tests/browser/ check the same widgets in JupyterLab.
"""

import base64

import numpy as np
import pytest

import rnn_lib
from rnn_lib import RNN, Vocabulary, evaluate, predict_proba, test_data, train_data
from rnn_lib.analysis import hidden_grad_norms, step_outputs
from rnn_lib.data.sentiment import CLASS_NAMES
from rnn_lib.widgets import MAX_WORDS, GradientViewer, LiveTrainer, PhraseExplorer, TimeStepper, read_phrase

VOCAB = Vocabulary.from_texts(train_data)
PHRASE = "i am not happy"


@pytest.fixture
def model():
    """A small network with weights large enough that its hidden states and outputs are not all ~0 / 0.5."""
    return RNN(len(VOCAB), 2, hidden_size=12, rng=1, init=0.5)


def png(widget):
    data = bytes(widget.image.value)
    assert data.startswith(b"\x89PNG"), "the Image widget must hold a PNG"
    return data


# --- TimeStepper ------------------------------------------------------------------------------------

def test_stepper_starts_at_t0_with_nothing_read(model):
    stepper = TimeStepper(model, VOCAB, phrase=PHRASE)
    shown = stepper.shown
    assert (shown["phrase"], shown["t"], shown["T"]) == (PHRASE, 0, 4)
    assert shown["word"] is None and shown["highlighted"] is None
    assert stepper.slider.max == stepper.play.max == 4
    assert shown["hidden"].shape == (12, 4) and shown["hidden"].mask.all()
    np.testing.assert_array_equal(shown["x"], 0.0)
    _, probs = step_outputs(model, VOCAB.encode(PHRASE))
    np.testing.assert_allclose(shown["probs"], probs[0])


def test_stepper_slider_draws_step_t(model):
    stepper = TimeStepper(model, VOCAB, phrase=PHRASE)
    before = png(stepper)
    stepper.slider.value = 3
    shown = stepper.shown
    assert shown["t"] == 3 and shown["word"] == "not" and shown["highlighted"] == "not"
    assert png(stepper) != before
    np.testing.assert_array_equal(shown["x"], np.eye(len(VOCAB))[VOCAB.word_to_idx["not"]])
    hs, probs = step_outputs(model, VOCAB.encode(PHRASE))
    hidden = shown["hidden"]
    assert not hidden.mask[:, :3].any() and hidden.mask[:, 3:].all()  # columns h_1..h_3 filled in
    np.testing.assert_allclose(hidden[:, :3], hs[1:4].T)
    np.testing.assert_allclose(shown["probs"], probs[3])
    assert repr(stepper) == "TimeStepper: 'i am not happy', t = 3 of 4"
    stepper.slider.value = 4
    assert stepper.shown["highlighted"] == "happy" and not stepper.shown["hidden"].mask.any()
    assert "t = 4 of 4" in stepper.words.value


def test_stepper_dropdown_and_typed_phrase(model):
    stepper = TimeStepper(model, VOCAB)
    assert stepper.phrase.options[0][1] == next(iter(train_data))
    long_phrase = max(train_data, key=lambda s: len(s.split()))
    stepper.slider.value = 1
    stepper.phrase.value = long_phrase
    T = len(long_phrase.split())
    assert stepper.shown["phrase"] == long_phrase and stepper.shown["t"] == 0
    assert stepper.slider.max == stepper.play.max == T and stepper.shown["hidden"].shape == (12, T)
    stepper.text.value = "very  happy and not sad"  # typed, not in the dataset
    assert stepper.shown["phrase"] == "very happy and not sad"
    assert stepper.phrase.value is None  # the dropdown no longer claims a dataset phrase
    assert stepper.text.value == "very  happy and not sad"  # what was typed stays as typed
    assert stepper.slider.max == 5
    stepper.slider.value = 2
    assert stepper.shown["highlighted"] == "happy"
    stepper.phrase.value = "good"
    assert stepper.shown["phrase"] == "good" and stepper.text.value == ""


def test_stepper_unknown_word_keeps_the_phrase_and_explains(model):
    stepper = TimeStepper(model, VOCAB, phrase=PHRASE)
    stepper.slider.value = 2
    stepper.text.value = "i am joyful"
    shown = stepper.shown
    assert "“joyful” is not a word this network knows" in shown["message"]
    assert " ".join(VOCAB.words) in shown["message"]
    assert shown["phrase"] == PHRASE and shown["t"] == 2
    stepper.text.value = "not bad"
    assert stepper.shown["message"] == "" and stepper.shown["phrase"] == "not bad"
    with pytest.raises(ValueError, match="joyful"):
        TimeStepper(model, VOCAB, phrase="joyful")


def test_stepper_shows_weights_changed_in_place(model):
    stepper = TimeStepper(model, VOCAB, phrase=PHRASE, t=4)
    before = stepper.shown["hidden"].copy()
    model.Whh = 2 * model.Whh  # e.g. a training step, on the same object
    stepper.refresh()
    after = stepper.shown["hidden"]
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, step_outputs(model, VOCAB.encode(PHRASE))[0][1:].T)


def test_stepper_steps_by_blitting_not_full_draws(model):
    # What makes a time step cheap, checked without a clock: moving the slider redraws only the artists that
    # change over a cached background, never the whole figure (benchmarks/bench_widgets.py prints the times).
    stepper = TimeStepper(model, VOCAB, phrase=PHRASE)
    canvas = stepper.figure.canvas
    full_draws = []
    real_draw = canvas.draw
    canvas.draw = lambda *a, **k: (full_draws.append(1), real_draw(*a, **k))[1]
    pngs = []
    for t in (1, 2, 3, 4, 0):
        stepper.slider.value = t
        pngs.append(bytes(stepper.image.value))
    assert full_draws == [] and len(stepper.update_ms) >= 6
    assert len(set(pngs)) == 5  # every step shows something different


def test_widgets_display_as_widget_with_text_and_static_png(model):
    stepper = TimeStepper(model, VOCAB, phrase=PHRASE)
    bundle = stepper._repr_mimebundle_()
    assert bundle["text/plain"] == "TimeStepper: 'i am not happy', t = 0 of 4"
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == stepper.widget.model_id
    assert base64.b64decode(bundle["image/png"]) == bytes(stepper.image.value)
    assert "rnn-time-stepper" in stepper.widget._dom_classes


# --- PhraseExplorer --------------------------------------------------------------------------------

def test_explorer_plots_probability_after_each_word(model):
    explorer = PhraseExplorer(model, VOCAB, phrase=PHRASE)
    shown = explorer.shown
    assert shown["words"] == PHRASE.split() and shown["plot_visible"]
    expected = [predict_proba(model, VOCAB, " ".join(PHRASE.split()[:t])) for t in range(1, 5)]
    np.testing.assert_allclose(shown["probs"], expected, rtol=1e-12)
    verdict = "positive" if expected[-1] >= 0.5 else "negative"
    assert shown["verdict"] == f"Verdict: {verdict} (P(positive) = {expected[-1]:.3f} after the last word)"
    before = png(explorer)
    explorer.text.value = "this is very good right now"
    assert explorer.shown["words"] == ["this", "is", "very", "good", "right", "now"]
    assert len(explorer.shown["probs"]) == 6 and png(explorer) != before


def test_explorer_unknown_word_is_a_friendly_message_not_a_traceback(model):
    explorer = PhraseExplorer(model, VOCAB, phrase=PHRASE)
    explorer.text.value = "i am ecstatic and jubilant"
    shown = explorer.shown
    assert shown["message"].startswith("“ecstatic”, “jubilant” are not words this network knows")
    assert "the 18 words of its vocabulary" in shown["message"] and "earlier" in shown["message"]
    assert "Traceback" not in explorer.message.value and "Error" not in explorer.message.value
    assert shown["verdict"] == "" and not shown["plot_visible"] and shown["phrase"] is None
    assert repr(explorer) == "PhraseExplorer: 'i am ecstatic and jubilant' cannot be read"
    explorer.text.value = "   "
    assert "Type a phrase" in explorer.shown["message"]
    explorer.text.value = "not bad"
    assert explorer.shown["message"] == "" and explorer.shown["plot_visible"]


def test_read_phrase_messages():
    assert read_phrase(VOCAB, " not  bad ")[:2] == (["not", "bad"], VOCAB.encode("not bad"))
    words, indices, message = read_phrase(VOCAB, "good good dog")
    assert words is None and indices is None
    assert message.count("dog") == 1 and "is not a word" in message


# --- GradientViewer --------------------------------------------------------------------------------

def test_gradient_viewer_plots_norms_on_log_axis():
    viewer = GradientViewer(VOCAB, phrase=PHRASE, scale=0.1, hidden_size=16, seed=2)
    shown = viewer.shown
    assert shown["yscale"] == "log" and list(shown["t"]) == [0, 1, 2, 3, 4]
    reference = RNN(len(VOCAB), 2, hidden_size=16, rng=2, init=0.1)
    target = int(train_data.get(PHRASE, test_data.get(PHRASE)))
    np.testing.assert_allclose(shown["norms"], hidden_grad_norms(reference, VOCAB.encode(PHRASE), target),
                               rtol=1e-12)
    before = png(viewer)
    viewer.scale.value = 0.001
    small = viewer.shown["norms"]
    assert viewer.shown["scale"] == pytest.approx(0.001) and png(viewer) != before
    assert small[0] / small[-1] < 1e-8  # vanishing: almost nothing reaches h_0
    assert "factor" in viewer.summary.value


def test_gradient_viewer_label_of_a_phrase_outside_the_dataset():
    text = "good " * 6
    assert text.strip() not in train_data and text.strip() not in test_data
    for label in (False, True):
        viewer = GradientViewer(VOCAB, phrase=text, hidden_size=16, default_label=label)
        reference = RNN(len(VOCAB), 2, hidden_size=16, rng=0, init=0.1)
        expected = hidden_grad_norms(reference, VOCAB.encode(text), int(label))
        np.testing.assert_allclose(viewer.shown["norms"], expected, rtol=1e-12)
        assert CLASS_NAMES[int(label)] in viewer.figure.axes[0].get_title()


def test_gradient_viewer_phrase_controls():
    viewer = GradientViewer(VOCAB, hidden_size=16)
    longest = max(len(s.split()) for s in list(train_data) + list(test_data))
    assert len(viewer.shown["norms"]) == longest + 1  # the longest phrase by default
    viewer.phrase.value = "not good"
    assert viewer.shown["phrase"] == "not good" and len(viewer.shown["norms"]) == 3
    viewer.text.value = "good " * 12
    assert len(viewer.shown["norms"]) == 13 and viewer.phrase.value is None
    viewer.phrase.value = "not good"
    assert viewer.text.value == "" and viewer.shown["phrase"] == "not good"
    outside = GradientViewer(VOCAB, phrase="good good good", hidden_size=16)
    assert outside.phrase.value is None and outside.text.value == "good good good"
    viewer.text.value = "goood"
    assert "“goood”" in viewer.shown["message"] and viewer.shown["phrase"] == "not good"


# --- LiveTrainer -----------------------------------------------------------------------------------

def test_trainer_trains_the_same_model_and_draws_the_history(model):
    stepper = TimeStepper(model, VOCAB, phrase=PHRASE, t=4)
    explorer = PhraseExplorer(model, VOCAB, phrase=PHRASE)
    hidden_before, probs_before = stepper.shown["hidden"].copy(), explorer.shown["probs"]
    weights_before = model.flat.copy()
    trainer = LiveTrainer(model, VOCAB, epochs=4)
    assert len(trainer.history) == 0 and "not trained yet" in trainer.shown["status"]
    trainer.button.click()  # what a click in the browser does
    assert len(trainer.history) == 4 and trainer.history.epoch == [1, 2, 3, 4]
    assert trainer.shown["progress"] == (4, 4)
    assert not np.array_equal(model.flat, weights_before)  # trained in place
    shown = trainer.shown
    np.testing.assert_array_equal(shown["epoch"], [1, 2, 3, 4])
    np.testing.assert_array_equal(shown["train_loss"], trainer.history.train_loss)
    np.testing.assert_array_equal(shown["test_acc"], trainer.history.test_acc)
    test_loss, test_acc = evaluate(model, VOCAB, test_data)
    assert shown["test_acc"][-1] == test_acc and shown["test_loss"][-1] == pytest.approx(test_loss)
    assert f"epoch 4: train loss {trainer.history.train_loss[-1]:.3f}" in shown["status"]
    # the widgets on the same model were refreshed when training ended
    assert not np.allclose(stepper.shown["hidden"], hidden_before)
    assert not np.allclose(explorer.shown["probs"], probs_before)
    np.testing.assert_allclose(explorer.shown["probs"][-1], predict_proba(model, VOCAB, PHRASE))
    trainer.train(2)  # history grows and the epochs continue
    assert trainer.history.epoch == [1, 2, 3, 4, 5, 6] and trainer.shown["progress"] == (2, 2)
    assert not trainer.button.disabled and trainer.button.description == "Train"


def test_trainer_matches_rnn_lib_train_and_continues_a_given_history():
    model, vocab, history = rnn_lib.fit(seed=0, epochs=3)
    twin = model.copy()
    trainer = LiveTrainer(model, vocab, history=history, seed=7)
    assert trainer.shown["epoch"].tolist() == [1, 2, 3]
    trainer.train(2)
    expected = rnn_lib.train(twin, vocab, epochs=2, rng=7)
    np.testing.assert_array_equal(model.flat, twin.flat)  # exactly rnn_lib.train, seeded the same
    assert trainer.history.epoch == [1, 2, 3, 4, 5]
    assert trainer.history.test_acc[3:] == expected.test_acc


def test_trainer_reset_gives_fresh_weights(model):
    trainer = LiveTrainer(model, VOCAB, epochs=2, seed=5)
    trainer.train()
    trainer.reset.click()
    np.testing.assert_array_equal(model.flat, RNN(len(VOCAB), 2, hidden_size=12, rng=5).flat)
    assert len(trainer.history) == 0 and trainer.shown["epoch"].size == 0


def test_trainer_reset_then_train_is_fit_with_the_same_seed():
    model, vocab, _ = rnn_lib.fit(seed=0, epochs=2)
    trainer = LiveTrainer(model, vocab, seed=3, epochs=3)
    trainer.reset_weights()
    trainer.button.click()
    expected_model, _, expected = rnn_lib.fit(seed=3, epochs=3)
    np.testing.assert_array_equal(model.flat, expected_model.flat)
    assert trainer.history.train_loss == expected.train_loss and trainer.history.epoch == [1, 2, 3]



@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("through_rnn", [False, True])
def test_trainer_reset_then_train_is_fit_for_every_cell(cell, through_rnn):
    """``reset_weights`` redraws the model's own parameters: an LSTM or GRU, also as ``RNN(cell=...)``."""
    model = rnn_lib.RNN(len(VOCAB), 2, 8, rng=1, cell=cell) if through_rnn else rnn_lib.make_model(
        len(VOCAB), 2, 8, rng=1, cell=cell)
    trainer = LiveTrainer(model, VOCAB, seed=3, epochs=2)
    trainer.reset_weights()
    trainer.train()
    expected_model, _, expected = rnn_lib.fit(seed=3, epochs=2, hidden_size=8, cell=cell)
    np.testing.assert_array_equal(model.flat, expected_model.flat)
    assert trainer.history.train_loss == expected.train_loss

# --- robustness: bad input gives a message, never a stuck or silent widget -------------------------

class StrictVocabulary(Vocabulary):
    """Reads text exactly as typed: "Happy" is not "happy"."""

    def encode(self, text, lowercase=False):
        return super().encode(text, lowercase=False)


class FoldingVocabulary(Vocabulary):
    """Folds case before reading: "Happy" is "happy"."""

    def encode(self, text, lowercase=True):
        return super().encode(text, lowercase=True)


@pytest.mark.parametrize("vocab_class, accepted", [(StrictVocabulary, False), (FoldingVocabulary, True)])
def test_widgets_read_text_by_the_vocabularys_rule(model, vocab_class, accepted):
    vocab = vocab_class(VOCAB.words)
    explorer = PhraseExplorer(model, vocab, phrase="I am Happy")
    stepper = TimeStepper(model, vocab, phrase=PHRASE)
    stepper.text.value = "Not Bad"
    assert read_phrase(vocab, "I am Happy")[0] == (["i", "am", "happy"] if accepted else None)
    if accepted:
        assert explorer.shown["phrase"] == "i am happy" and explorer.shown["plot_visible"]
        assert stepper.shown["phrase"] == "not bad" and stepper.shown["message"] == ""
    else:
        assert "“I”, “Happy” are not words this network knows" in explorer.shown["message"]
        assert stepper.shown["phrase"] == PHRASE and "“Not”, “Bad”" in stepper.shown["message"]


def test_trainer_with_bad_epochs_says_so_and_is_not_left_stuck(model):
    trainer = LiveTrainer(model, VOCAB, epochs=3)
    weights = model.flat.copy()
    for bad in (-1, 0, 2.5, True):
        with pytest.raises(ValueError, match=r"epochs must be a whole number from 1 to 100,000, got"):
            trainer.train(bad)
        assert "epochs must be a whole number" in trainer.shown["message"]
        assert not trainer.training and not trainer.button.disabled and not trainer.reset.disabled
        assert trainer.button.description == "Train"
    np.testing.assert_array_equal(model.flat, weights)  # nothing trained, nothing half-done
    assert len(trainer.history) == 0
    trainer.train(1)  # and the widget still works, its message cleared
    assert len(trainer.history) == 1 and trainer.shown["message"] == ""


def test_trainer_error_during_training_is_shown_and_the_buttons_come_back(model):
    trainer = LiveTrainer(model, VOCAB, epochs=2, train_data={"good": True, "glad": True})  # "glad": unknown
    trainer.button.click()  # a click has no caller: the widget itself says what went wrong
    assert "Training stopped" in trainer.shown["message"] and "glad" in trainer.shown["message"]
    assert not trainer.training and not trainer.button.disabled and trainer.button.description == "Train"


@pytest.mark.parametrize("widget", ["stepper", "viewer"])
def test_emptied_phrase_box_replaces_the_old_error_with_the_prompt(model, widget):
    w = TimeStepper(model, VOCAB, phrase=PHRASE) if widget == "stepper" else GradientViewer(VOCAB, phrase=PHRASE)
    w.text.value = "i am joyful"
    assert "joyful" in w.shown["message"]
    w.text.value = ""
    assert "joyful" not in w.shown["message"] and "Type a phrase" in w.shown["message"]
    assert w.shown["phrase"] == PHRASE  # still drawn as it was
    w.text.value = "not bad"
    assert w.shown["message"] == "" and w.shown["phrase"] == "not bad"


def test_a_very_long_typed_phrase_is_refused_with_a_message(model):
    stepper = TimeStepper(model, VOCAB, phrase=PHRASE)
    explorer = PhraseExplorer(model, VOCAB, phrase=PHRASE)
    for n in (MAX_WORDS + 1, 2000):
        stepper.text.value = explorer.text.value = "good " * n
        expected = f"This phrase has {n} words: the widgets read at most {MAX_WORDS}."
        assert stepper.shown["message"].startswith(expected) and stepper.shown["T"] == 4
        assert explorer.shown["message"].startswith(expected) and not explorer.shown["plot_visible"]
    stepper.text.value = "good " * MAX_WORDS  # the longest phrase read
    assert stepper.shown["T"] == MAX_WORDS and stepper.shown["message"] == ""


def test_unknown_words_message_is_capped_and_spells_look_alikes():
    message = read_phrase(VOCAB, " ".join(f"w{i}" for i in range(MAX_WORDS)))[2]
    assert message.count("“w") == 10 and f"and {MAX_WORDS - 10} more" in message
    long_word = read_phrase(VOCAB, "x" * 100_000)[2]
    assert len(long_word) < 1000 and "x" * 30 + "…" in long_word
    cyrillic = read_phrase(VOCAB, "g\u043e\u043ed")[2]  # two Cyrillic "о"s: it looks like "good"
    assert "g\\u043e\\u043ed" in cyrillic


def test_non_finite_weights_give_a_message_never_a_nan_verdict(model):
    explorer = PhraseExplorer(model, VOCAB, phrase=PHRASE)
    stepper = TimeStepper(model, VOCAB, phrase=PHRASE, t=4)
    with np.errstate(all="ignore"):
        model.flat[...] = np.nan  # what training with learn_rate=inf leaves
        explorer.refresh()
        stepper.refresh()
    for shown in (explorer.shown, stepper.shown):
        assert "weights are not finite numbers" in shown["message"] and "learning rate" in shown["message"]
    assert explorer.shown["verdict"] == "" and not explorer.shown["plot_visible"]
    assert "nan" not in repr(explorer) and "no verdict" in repr(explorer)
    assert "nan" not in " ".join(t.get_text() for t in stepper.figure.axes[-1].texts)


def test_diverged_live_training_is_reported(model):
    explorer = PhraseExplorer(model, VOCAB, phrase=PHRASE)
    trainer = LiveTrainer(model, VOCAB, epochs=2, learn_rate=np.inf)
    with np.errstate(all="ignore"):
        trainer.button.click()
    message = trainer.shown["message"]
    assert "not finite" in message or "Training stopped" in message, message
    assert not trainer.training and not trainer.button.disabled
    assert "nan" not in explorer.shown["verdict"]
    assert explorer.shown["verdict"] == "" or np.isfinite(model.flat).all()
    with np.errstate(all="ignore"):
        trainer.reset.click()  # fresh weights: the message goes, the explorer has a verdict again
    assert trainer.shown["message"] == "" and explorer.shown["verdict"].startswith("Verdict:")


def test_class_names_are_the_librarys():
    assert CLASS_NAMES == ("negative", "positive")
    assert CLASS_NAMES[rnn_lib.data.sentiment.POSITIVE] == "positive"


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_every_classifier_widget_shows_every_cell(cell):
    """The widgets read a model through the contract (cell, head, states): any cell is drawn."""
    from rnn_lib.widgets import GateStepper, TrajectoryViewer
    model = rnn_lib.make_model(len(VOCAB), 2, 8, rng=0, init="xavier", cell=cell)
    explorer = PhraseExplorer(model, VOCAB)
    assert explorer.shown["message"] == ""
    stepper = TimeStepper(model, VOCAB)
    assert stepper.shown["T"] >= 1
    assert TrajectoryViewer(model, VOCAB).shown["message"] == ""
    assert GateStepper(model, VOCAB).shown["T"] >= 1


@pytest.mark.parametrize("cell,embed", [("rnn", None), ("lstm", None), ("gru", None), ("rnn", 3)])
def test_the_language_model_widgets_show_every_cell_and_the_embedding(cell, embed):
    from rnn_lib import CharLM
    from rnn_lib.widgets import NameSampler, NextCharExplorer
    model = CharLM(hidden_size=8, rng=0, cell=cell, embed_dim=embed)
    sampler = NameSampler(model, n=3)
    assert len(sampler.shown["names"]) == 3
    probs = sampler._first_char_probs(1.0)
    np.testing.assert_allclose(probs, model.next_probs(""), rtol=1e-12)  # the same input layer and head
    assert NextCharExplorer(model, prefix="jo").shown["prefix"] == "jo"
