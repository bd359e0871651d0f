"""Every data set of the course, and reading your own: one module per data set.

    sentiment   the article's phrases (``train_data``, ``test_data``), the labels (``CLASS_NAMES``,
                ``POSITIVE``), the named datasets "sentiment", "compositional", "systematic" with
                their splits and probe set (``load_named``), the seeded ``split_validation``
    names       first names of the US census for the language model (``load_names``)
    your_files  your own labelled phrases from a CSV or JSON file (``read_labelled_phrases``)
    grammar     the grammar of the phrases, its label rule, and ``compositional.json``
    longrange   the long-range task of notebook 07 (``make_task``)
    dates       human-written dates and their ISO form, notebook 09's data (``make_dates``)

``load_dataset(name)`` reads any named one; ``from rnn_lib.data import grammar`` (or ``dates``,
``longrange``) imports a module of its own. How to train on each dataset: ``rnn_lib.recipes``.
"""

from .names import TEXT_DATASETS, NamesDataset, load_names, read_census_names
from .sentiment import (CLASS_NAMES, DATASETS, NEGATIVE, POSITIVE, VALIDATION_FRACTION, VALIDATION_SEED, Dataset,
                        load_named, read_sentiment, split_validation, test_data, train_data)
from .your_files import DataFileError, check_train_test, read_labelled_phrases


def load_dataset(name=None):
    """The course's ``(train_data, test_data)`` as fresh dicts, or the dataset called ``name``.

    Without a name: ``sentiment.json``'s training and test phrases, ``{text: label}``
    dicts in the file's order. With a name (one of ``DATASETS``: "sentiment",
    "compositional", "systematic"): a ``Dataset`` with every split (train,
    validation, test, and the probe set by construction) as fresh dicts.
    ``"names"`` (``TEXT_DATASETS``, for the language model): a ``NamesDataset``
    of first names, see ``load_names``.
    """
    if name is None:
        return read_sentiment()
    if name not in DATASETS + TEXT_DATASETS:
        raise ValueError(f"unknown dataset {name!r}: the datasets are {', '.join(DATASETS + TEXT_DATASETS)}")
    if name == "names":
        return load_names()
    return load_named(name)


__all__ = [
    "CLASS_NAMES", "DATASETS", "NEGATIVE", "POSITIVE", "TEXT_DATASETS", "VALIDATION_FRACTION", "VALIDATION_SEED",
    "DataFileError", "Dataset", "NamesDataset", "check_train_test", "load_dataset", "load_named", "load_names",
    "read_census_names", "read_labelled_phrases", "read_sentiment", "split_validation", "test_data", "train_data",
]
