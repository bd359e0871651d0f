import json
from importlib import resources

import pytest

import rnn_lib
from rnn_lib import DATASETS, Dataset, Vocabulary, split_validation


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
    raw = json.loads(resources.files("rnn_lib.data").joinpath("sentiment.json").read_text())
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


# ---- named datasets and the validation split ----------------------------------------------------
def test_load_dataset_without_a_name_is_unchanged_and_sentiment_by_name_has_the_same_splits():
    train, test = rnn_lib.load_dataset()
    assert (train, test) == (dict(rnn_lib.train_data), dict(rnn_lib.test_data))
    ds = rnn_lib.load_dataset("sentiment")
    assert isinstance(ds, Dataset) and ds.name == "sentiment"
    assert (ds.train, ds.test, ds.validation, ds.held_out) == (train, test, {}, "")
    assert list(ds.train) == list(train)  # file order kept


@pytest.mark.parametrize("name", DATASETS)
def test_every_named_dataset_has_labelled_splits_and_the_same_probe(name):
    ds = rnn_lib.load_dataset(name)
    assert ds.name == name and ds.description
    for split in (ds.train, ds.validation, ds.test, *ds.probe.values()):
        assert all(isinstance(k, str) and isinstance(v, bool) for k, v in split.items())
    assert ds.probe == rnn_lib.load_dataset("compositional").probe
    vocab = Vocabulary.from_texts(ds.train)
    for text in [*ds.validation, *ds.test, *ds.probe_phrases]:
        vocab.encode(text)  # every word of every other split was seen in training
    ds.train["new phrase"] = True  # fresh dicts on every call
    assert "new phrase" not in rnn_lib.load_dataset(name).train


def test_compositional_dataset_sizes():
    ds = rnn_lib.load_dataset("compositional")
    assert (len(ds.train), len(ds.validation), len(ds.test), len(ds.probe_phrases)) == (322, 56, 54, 194)


def test_an_unknown_dataset_name_is_one_line_listing_the_names():
    with pytest.raises(ValueError, match=r"^unknown dataset 'sentiments': the datasets are sentiment, "
                                         r"compositional, systematic, names$"):
        rnn_lib.load_dataset("sentiments")


def test_recipes_name_every_dataset_and_the_sentiment_recipe_is_the_articles():
    assert set(rnn_lib.RECIPES) == set(DATASETS)
    rec = rnn_lib.RECIPES["sentiment"]
    assert (rec.hidden_size, rec.init, rec.learn_rate, rec.clip, rec.epochs, rec.batch_size) == (
        rnn_lib.HIDDEN_SIZE, "article", rnn_lib.LEARN_RATE, rnn_lib.CLIP, rnn_lib.EPOCHS, 1)
    assert rec.validation_fraction == 0 and rec.stop_at is None


def test_split_validation_is_stratified_seeded_and_keeps_the_order():
    data = dict(rnn_lib.train_data)
    train, val = split_validation(data, fraction=0.2, seed=3)
    assert set(train) | set(val) == set(data) and not set(train) & set(val)
    assert list(train) == [t for t in data if t in train] and list(val) == [t for t in data if t in val]
    n_pos = sum(data.values())
    assert sum(val.values()) == round(0.2 * n_pos)
    assert len(val) - sum(val.values()) == round(0.2 * (len(data) - n_pos))
    assert split_validation(data, fraction=0.2, seed=3) == (train, val)
    assert split_validation(dict(reversed(data.items())), fraction=0.2, seed=3)[1].keys() == val.keys()
    assert split_validation(data, fraction=0.2, seed=4)[1] != val


@pytest.mark.parametrize("fraction, message", [
    (0, "fraction must be a number between 0 and 1 (exclusive), got 0"),
    (1.5, "fraction must be a number between 0 and 1 (exclusive), got 1.5"),
    (0.01, "fraction 0.01 of 4 phrases leaves no validation phrase: use a larger fraction"),
    (0.9, "fraction 0.9 leaves no negative phrase for training (2 in all): use a smaller fraction"),
])
def test_split_validation_refuses_a_fraction_that_leaves_a_set_empty(fraction, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        split_validation({"a": True, "b": True, "c": False, "d": False}, fraction=fraction)


def test_the_data_package_is_one_door_to_every_data_set():
    from rnn_lib import data
    assert all(hasattr(data, name) for name in data.__all__)
    assert data.load_dataset is rnn_lib.load_dataset and data.train_data is rnn_lib.train_data
    assert data.CLASS_NAMES[data.POSITIVE] == "positive" and data.CLASS_NAMES[data.NEGATIVE] == "negative"
    assert isinstance(data.load_dataset("names"), data.NamesDataset)
    assert data.load_dataset("compositional").train == data.load_named("compositional").train
