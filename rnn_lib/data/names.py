"""First names for the character language model (notebook 06): the census lists of the PyPI package ``names``.

``load_names()`` returns a ``NamesDataset``: the distinct lower-cased first names
of the US 1990 census, split into seeded training, validation and test lists,
and the alphabet they use. The files ship inside the package ``names`` (0.3.0,
MIT), a dependency of ``rnn_lib``; nothing is downloaded.
"""

from dataclasses import dataclass
from importlib import resources

import numpy as np

#: Datasets of plain text (``load_dataset`` returns a ``NamesDataset``); ``DATASETS`` are the labelled ones.
TEXT_DATASETS = ("names",)
#: The census files inside the ``names`` package (0.3.0, MIT), one name a line, upper case, then frequencies.
NAMES_FILES = ("dist.female.first", "dist.male.first")
#: Shares of the distinct names held out, and the seed of the split.
NAMES_VALIDATION_FRACTION = 0.1
NAMES_TEST_FRACTION = 0.1
NAMES_SEED = 0


@dataclass(frozen=True)
class NamesDataset:
    """First names split for a language model: sorted-then-shuffled lists of lower-case names.

    Attributes:
        name: ``"names"``; description: where the names come from.
        train, validation, test: lists of distinct lower-case names, no name in two of them.
        alphabet: the end token ``"."`` followed by every letter the names use.
    """

    name: str
    description: str
    train: list
    validation: list
    test: list
    alphabet: str


def read_census_names():
    """The distinct lower-cased first names of the ``names`` package's census files, sorted (5,163).

    The files ship inside the installed package (``importlib.resources``);
    nothing is downloaded. The female and male lists overlap (a name such as
    "jean" is in both): each name is kept once.
    """
    try:
        root = resources.files("names")
    except ModuleNotFoundError:
        raise ModuleNotFoundError("the names dataset needs the package 'names' (pip install names==0.3.0), "
                                  "a dependency of rnn_lib") from None
    seen = set()
    for fname in NAMES_FILES:
        for line in root.joinpath(fname).read_text(encoding="ascii").splitlines():
            if line.strip():
                seen.add(line.split()[0].lower())
    return sorted(seen)


def load_names(validation_fraction=NAMES_VALIDATION_FRACTION, test_fraction=NAMES_TEST_FRACTION, seed=NAMES_SEED):
    """The census first names as a ``NamesDataset``: seeded train / validation / test lists.

    The sorted distinct names are permuted with ``np.random.default_rng(seed)``;
    the first ``round(test_fraction n)`` are the test names, the next
    ``round(validation_fraction n)`` the validation names, the rest training
    (80 / 10 / 10 by default: 4,131 / 516 / 516).
    """
    for f, what in ((validation_fraction, "validation_fraction"), (test_fraction, "test_fraction")):
        if isinstance(f, bool) or not isinstance(f, (int, float)) or not 0 < f < 1:
            raise ValueError(f"{what} must be a number between 0 and 1 (exclusive), got {f!r}")
    if validation_fraction + test_fraction >= 1:
        raise ValueError("validation_fraction + test_fraction must leave names for training")
    names = read_census_names()
    order = np.random.default_rng(seed).permutation(len(names))
    n_test, n_val = round(test_fraction * len(names)), round(validation_fraction * len(names))
    shuffled = [names[i] for i in order]
    alphabet = "." + "".join(sorted(set("".join(names))))
    return NamesDataset("names", "First names of the US 1990 census (the PyPI package names 0.3.0, MIT), "
                        "lower-cased, each once", shuffled[n_test + n_val:], shuffled[n_test:n_test + n_val],
                        shuffled[:n_test], alphabet)
