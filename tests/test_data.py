import json
from importlib import resources

import rnn_lib
from rnn_lib import Vocabulary


def test_dataset_sizes_and_labels():
    assert 55 <= len(rnn_lib.train_data) <= 65
    assert len(rnn_lib.test_data) == 20
    for data in (rnn_lib.train_data, rnn_lib.test_data):
        assert all(isinstance(k, str) and isinstance(v, bool) for k, v in data.items())
        positives = sum(data.values())
        assert 0.4 <= positives / len(data) <= 0.6  # balanced labels


def test_no_phrase_in_both_sets_and_test_words_seen_in_training():
    assert not set(rnn_lib.train_data) & set(rnn_lib.test_data)
    vocab = Vocabulary.from_texts(rnn_lib.train_data)
    for text in rnn_lib.test_data:
        vocab.encode(text)  # raises on an unseen word


def test_phrases_are_normalised():
    for text in [*rnn_lib.train_data, *rnn_lib.test_data]:
        assert text == " ".join(text.split()) and text == text.lower()


def test_shipped_as_a_plain_data_file_and_read_only():
    raw = json.loads(resources.files("rnn_lib").joinpath("sentiment.json").read_text())
    assert raw["train"] == dict(rnn_lib.train_data)
    assert raw["test"] == dict(rnn_lib.test_data)
    train, _ = rnn_lib.load_dataset()
    train["new phrase"] = True  # a copy: the package's mapping is unchanged
    assert "new phrase" not in rnn_lib.train_data


def test_labels_follow_the_negation_rules():
    """Spot checks of the article-style semantics: negation and 'not at all' flip, 'very' keeps."""
    data = {**rnn_lib.train_data, **rnn_lib.test_data}
    for text, label in data.items():
        words = text.split()
        if "not" not in words and "and" not in words and "or" not in words:
            pos = {"good", "happy"} & set(words)
            neg = {"bad", "sad"} & set(words)
            assert label == bool(pos) and bool(pos) != bool(neg), text
        if words[-4:-1] == ["not", "at", "all"] or words[:3] == ["not", "at", "all"]:
            adj = words[-1]
            assert label == (adj in {"bad", "sad"}), text
