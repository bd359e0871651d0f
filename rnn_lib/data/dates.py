"""Human-written dates and their ISO form: the data of the sequence-to-sequence notebook.

``"tuesday, 10 march 2009"`` -> ``"2009-03-10"``. The human side is not
written here: it comes from the Unicode CLDR's date patterns, through Babel's
``babel.dates.format_date`` with the four standard styles (``short``,
``medium``, ``long``, ``full``) of eight English-speaking locales (``LOCALES``),
plus a few hand patterns (``HAND_FORMATS``), lower-cased. The target is always
ISO 8601, ``YYYY-MM-DD``.

The numeric convention: day before month. ``3/7/21`` is 7 March 2021 in the
US (``M/d/yy``) and 3 July 2021 in Britain (``d/M/yy``); both cannot be in one
data set, or one input would have two answers. Every numeric form here puts
the day before the month (the British, Irish, Australian, New Zealand and
Indian short formats) or is year-first (``y-MM-dd`` of en_CA, ``y/MM/dd`` of
en_ZA, whose four-digit year comes first); the one month-first numeric
format, en_US's ``short``, is left out (en_US's three formats with the month's
name stay). A two-digit year ``yy`` is read in the window 1950–2049, the
span of the data (50–99 -> 19yy, 00–49 -> 20yy: the rule of RFC 5280's
UTCTime). ``make_dates`` checks, over everything it makes, that no input
string has two answers, and raises if one had.

Formats. Two (locale, style) pairs that write every day alike (lower-cased;
``date_formats`` compares them over a whole year, 2009) are one format, named
after the first of its locales in ``LOCALES`` order and listing them all
(``locales``): en_GB, en_IE and en_NZ share ``dd/MM/y``, yet en_AU's
``d MMM y`` writes ``june`` and ``sept`` where the hand pattern ``d MMM y``
of en_US writes ``jun`` and ``sep``, so those are two formats.

Splits. ``make_dates`` draws whole dates, not strings: the dates of 1950–2049
are shuffled with the seed, and the first ``n_test`` go to the test set, the
next ``n_validation`` to validation, the next ``n_train`` to training; each
date is written in one format drawn uniformly. A date of the test set never
appears in training, in any format. One format, ``HELD_OUT`` (``dd-MMM-yy``,
``"10-mar-09"``: month names with a two-digit year, a pairing no other format
makes), is in no split: the ``held_out`` split writes the test dates in it, so
it is reported separately on the same dates as the test set.
"""

import dataclasses
import datetime
import functools
from collections import namedtuple
from dataclasses import dataclass

import numpy as np
from babel.dates import format_date, get_date_format

from .. import checks

#: The English-speaking locales whose CLDR date formats are used: the US and Britain, then the others sorted.
LOCALES = ("en_US", "en_GB", "en_AU", "en_CA", "en_IE", "en_IN", "en_NZ", "en_ZA")
#: CLDR's four date styles, from ``3/10/09`` to ``Tuesday, March 10, 2009``.
STYLES = ("short", "medium", "long", "full")
#: (locale, style) pairs left out: en_US's month-first numeric ``M/d/yy`` (the convention above).
EXCLUDED = (("en_US", "short"),)
#: Hand-written patterns (CLDR pattern syntax), each with the locale whose month and day names it uses.
HAND_FORMATS = (("en_US", "d MMM y"), ("en_GB", "EEE, d MMM y"), ("en_GB", "dd.MM.y"), ("en_US", "dd-MMM-yy"))
#: The format in no split but ``held_out``.
HELD_OUT = "en_US dd-MMM-yy"
#: The span of the dates, both ends included: 36,525 days; ``yy`` is read within it.
FIRST_DATE, LAST_DATE = datetime.date(1950, 1, 1), datetime.date(2049, 12, 31)
#: Default sizes: dates in each split (Ng's exercise trains on 10,000 dates).
N_TRAIN, N_VALIDATION, N_TEST = 10_000, 1_000, 1_000
SEED = 0
#: Every target has this length: ``YYYY-MM-DD``.
TARGET_LENGTH = 10
#: The characters of the targets, sorted.
OUTPUT_CHARS = "-0123456789"

#: One example: the human-written ``text``, its ISO date ``target`` and the name of the ``format`` that wrote it.
DateExample = namedtuple("DateExample", "text target format")


@dataclass(frozen=True)
class DateFormat:
    """One way of writing a date: a CLDR style of a locale, or a hand pattern; ``name`` is e.g. ``"en_GB long"``.

    ``locales`` lists every locale whose style writes dates this way (the
    first, ``locale``, is the one that writes them here).
    """

    name: str
    locale: str
    style: str  # "short", "medium", "long", "full", or "" for a hand pattern
    pattern: str
    locales: tuple = ()

    def write(self, date):
        """``date`` (a ``datetime.date``) as this format writes it, lower-cased."""
        return format_date(date, self.style or self.pattern, locale=self.locale).lower()


@dataclass(frozen=True)
class DatesData:
    """The splits of ``make_dates``, each a tuple of ``DateExample``.

    Attributes:
        train, validation, test: the dates of each split, each written in one
            of ``formats`` (never the held-out one).
        held_out: the test set's dates written in the ``held_out_format``.
        formats: the names of the formats of train, validation and test, sorted.
        held_out_format: the name of the format in ``held_out`` only.
        input_chars: every character any format can write (all months and
            weekdays, the held-out format's included), sorted.
        output_chars: ``OUTPUT_CHARS``.
        seed: the seed the splits were drawn with.
    """

    train: tuple
    validation: tuple
    test: tuple
    held_out: tuple
    formats: tuple
    held_out_format: str
    input_chars: str
    output_chars: str
    seed: int

    @property
    def max_input_length(self):
        """The longest input text of any split."""
        return max(len(ex.text) for split in (self.train, self.validation, self.test, self.held_out)
                   for ex in split)


def iso(date):
    """``date`` as ISO 8601, ``YYYY-MM-DD``: the target."""
    return date.isoformat()


def all_dates():
    """Every date from ``FIRST_DATE`` to ``LAST_DATE``, in order (36,525)."""
    n = (LAST_DATE - FIRST_DATE).days + 1
    return [FIRST_DATE + datetime.timedelta(days=i) for i in range(n)]


@functools.lru_cache(maxsize=1)
def date_formats():
    """Every format, held-out one included, distinct over a whole year, sorted by name: a tuple of ``DateFormat``.

    The CLDR formats of ``LOCALES`` x ``STYLES`` (less ``EXCLUDED``), then
    ``HAND_FORMATS``; a format that writes every day of 2009 as an earlier one
    does is dropped (the earlier one, in ``LOCALES`` order, stands for both).
    """
    candidates = [DateFormat(f"{loc} {style}", loc, style, get_date_format(style, locale=loc).pattern)
                  for loc in LOCALES for style in STYLES if (loc, style) not in EXCLUDED]
    candidates += [DateFormat(f"{loc} {pattern}", loc, "", pattern) for loc, pattern in HAND_FORMATS]
    year = [d for d in all_dates() if d.year == 2009]
    kept = {}  # how it writes 2009 -> the formats that write it so, the first standing for all
    for fmt in candidates:
        kept.setdefault(tuple(fmt.write(d) for d in year), []).append(fmt)
    merged = [dataclasses.replace(same[0], locales=tuple(f.locale for f in same)) for same in kept.values()]
    return tuple(sorted(merged, key=lambda f: f.name))


def get_format(name):
    """The ``DateFormat`` named ``name`` (one of ``date_formats()``'s names)."""
    by_name = {f.name: f for f in date_formats()}
    if name not in by_name:
        raise ValueError(f"unknown date format {name!r}; the formats are {', '.join(map(repr, by_name))}")
    return by_name[name]


def input_characters():
    """Every character any format writes, over every month, weekday and digit, sorted, as a str."""
    probe = [datetime.date(2009, m, d) for m in range(1, 13) for d in (1, 2, 3, 4, 5, 6, 7, 28)]
    probe += [datetime.date(1950 + k, 12, 31) for k in range(10)]  # every digit in every year position
    chars = {c for fmt in date_formats() for d in probe for c in fmt.write(d)}
    return "".join(sorted(chars | set("0123456789")))


def _check_sizes(n_train, n_validation, n_test):
    n_train = checks.positive_int(n_train, "n_train")
    n_validation = checks.int_at_least(n_validation, "n_validation", 0)
    n_test = checks.positive_int(n_test, "n_test")
    available = (LAST_DATE - FIRST_DATE).days + 1
    if n_train + n_validation + n_test > available:
        raise ValueError(f"n_train + n_validation + n_test must be at most {available} (the dates from "
                         f"{FIRST_DATE} to {LAST_DATE}), got {n_train + n_validation + n_test}")
    return n_train, n_validation, n_test


def make_dates(seed=SEED, n_train=N_TRAIN, n_validation=N_VALIDATION, n_test=N_TEST):
    """Training, validation and test dates (disjoint by date), and the held-out format: a ``DatesData``.

    Args:
        seed: an int; the same seed gives the same data.
        n_train, n_validation, n_test: how many dates in each split (each date
            once, in one format drawn uniformly from every format but ``HELD_OUT``).
    Raises:
        ValueError: a bad argument (one line); or, if the formats ever gave one
            input string two answers, the string and both answers.
    """
    if not checks.is_int(seed):
        raise TypeError(f"seed must be an int, got {seed!r}")
    n_train, n_validation, n_test = _check_sizes(n_train, n_validation, n_test)
    rng = np.random.default_rng(int(seed))
    formats = [f for f in date_formats() if f.name != HELD_OUT]
    dates = all_dates()
    order = rng.permutation(len(dates))
    bounds = np.cumsum([0, n_test, n_validation, n_train])
    answers = {}

    def example(date, fmt):
        text, target = fmt.write(date), iso(date)
        if answers.setdefault(text, target) != target:
            raise ValueError(f"the input {text!r} would have two answers, {answers[text]} and {target}")
        return DateExample(text, target, fmt.name)

    splits = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        picks = rng.integers(len(formats), size=hi - lo)
        splits.append(tuple(example(dates[i], formats[k]) for i, k in zip(order[lo:hi], picks)))
    test, validation, train = splits
    held = get_format(HELD_OUT)
    held_out = tuple(example(dates[i], held) for i in order[:n_test])
    return DatesData(train, validation, test, held_out, tuple(f.name for f in formats), HELD_OUT,
                     input_characters(), OUTPUT_CHARS, int(seed))
