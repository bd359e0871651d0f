"""A small grammar of the course's phrase style, its label rule, and the compositional dataset.

Every phrase of ``sentiment.json`` is made of 18 words::

    all am and at bad earlier good happy i is not now or right sad this very was

This module writes down how those phrases are built, so that a program can list
*every* phrase of that style (``phrases()``, 864 of them, sorted) and say what
each one means (``label()``). From that list ``build_dataset()`` draws the
package's ``compositional.json``: a probe set of new compositions, a larger
training set, and a *systematic* training set that never shows a negation
followed by a time phrase (``negation_then_time``).

A phrase is ``[subject verb] predicate [time]``:

* subject and verb: none, "i am", "this is" (present), "i was", "this was" (past);
* predicate, one of
    - a single adjective with an optional modifier: "happy", "very happy",
      "not happy", "not at all happy";
    - "X not Y": two adjectives of opposite polarity, "happy not sad";
    - "A and B": two modified adjectives of the same polarity,
      "good and not at all sad", "not sad and not bad";
    - "not A or B" / "not at all A or B": a negation over two adjectives of
      the same polarity, "not at all sad or bad";
* time phrase, only after a subject and in its tense: "right now" (present),
  "earlier" (past).

The label rule (``label()``, readable in one screen):

* "good" and "happy" are positive, "bad" and "sad" negative;
* "not" and "not at all" flip an adjective's label; "very" keeps it;
* "X not Y" means X (and rejects Y): "happy not sad" is positive;
* "A and B" joins two parts with the same label, and has that label;
* "not A or B" means "neither A nor B", so it has the flipped label of A and B;
* the subject, tense and time phrase do not change the label.

Constructions whose label English speakers would dispute are not in the
grammar (``label()`` refuses them with the reason):

* mixed feelings, "good and sad", "happy and not good": neither label is right;
* "X not Y" with X and Y on the same side, "happy not good": it reads as
  a correction of a word, not as a sentiment;
* "A or B" without a negation, "good or happy": it hedges between two states
  rather than stating one; and "or" between modified adjectives, whose scope is
  unclear ("not good or very bad");
* a negated first conjunct with a bare second one, "not sad and bad": it can
  be read as "not (sad and bad)" as well as "(not sad) and bad";
* "not very good": "not very" softens ("not very good" is mildly negative,
  "not very bad" is not clearly positive), so it has no clear label;
* "very" in "X not Y" ("very happy not sad") and a repeated adjective
  ("good and good"): stilted, and left out to keep the grammar plain.

The grammar's phrases are sorted by text and classified by construction
(``construction()``): plain (one adjective, no negation), negation (a negated
adjective, no time phrase), negation + time (a negated adjective followed by a
time phrase), "X not Y", and coordination ("and", "or").

Run ``python -m rnn_lib.data.grammar`` for a summary, ``--write`` to regenerate
``compositional.json`` (seeded: the same bytes every time; a test checks).
"""

import argparse
import functools
import json
import sys
from dataclasses import dataclass
from importlib import resources

import numpy as np

from .sentiment import VALIDATION_FRACTION, read_sentiment, split_validation

POSITIVE_ADJECTIVES = ("good", "happy")
NEGATIVE_ADJECTIVES = ("bad", "sad")
ADJECTIVES = ("bad", "good", "happy", "sad")
#: An adjective's own label: True for positive.
POLARITY = {**{a: True for a in POSITIVE_ADJECTIVES}, **{a: False for a in NEGATIVE_ADJECTIVES}}
MODIFIERS = ("", "very", "not", "not at all")
NEGATIONS = ("not", "not at all")
#: (subject and verb, time phrases allowed after it); "" is no subject (and so no time phrase).
SUBJECTS = {"": ("",), "i am": ("", "right now"), "this is": ("", "right now"),
            "i was": ("", "earlier"), "this was": ("", "earlier")}
KINDS = ("single", "x not y", "and", "or")

#: Construction ids, in the order tables show them, and their titles.
CONSTRUCTIONS = ("plain", "negation", "negation_time", "x_not_y", "coordination")
CONSTRUCTION_TITLES = {"plain": "plain", "negation": "negation", "negation_time": "negation + time",
                       "x_not_y": "X not Y", "coordination": "coordination"}


@dataclass(frozen=True, order=True)
class Term:
    """An adjective with its modifier: ``Term("not at all", "sad")`` is "not at all sad"."""

    modifier: str
    adjective: str

    @property
    def text(self):
        return f"{self.modifier} {self.adjective}".strip()


@dataclass(frozen=True, order=True)
class Phrase:
    """The structure of one phrase.

    Attributes:
        subject: "" (none), "i am", "this is", "i was" or "this was".
        kind: "single" (one term), "x not y", "and" or "or" (two terms).
        terms: one ``Term``, or two.
        negation: for "or" only, "not" or "not at all" (it covers both adjectives).
        time: "", "right now" or "earlier".
    """

    subject: str
    kind: str
    terms: tuple
    negation: str = ""
    time: str = ""

    @property
    def text(self):
        if self.kind == "single":
            predicate = self.terms[0].text
        elif self.kind == "x not y":
            predicate = f"{self.terms[0].text} not {self.terms[1].text}"
        elif self.kind == "and":
            predicate = f"{self.terms[0].text} and {self.terms[1].text}"
        else:
            predicate = f"{self.negation} {self.terms[0].text} or {self.terms[1].text}".strip()
        return " ".join(part for part in (self.subject, predicate, self.time) if part)


class NoClearLabel(ValueError):
    """A phrase structure whose label English speakers would dispute (so the grammar leaves it out)."""


def term_label(term):
    """An adjective's label, flipped by "not" / "not at all"; "very" keeps it. "not very" has none."""
    if term.modifier == "not very":
        raise NoClearLabel(f"{term.text!r}: 'not very' softens rather than negates")
    positive = POLARITY[term.adjective]
    return not positive if term.modifier in NEGATIONS else positive


def label(phrase):
    """The label of a phrase structure: True (positive) or False; ``NoClearLabel`` if disputed."""
    kind, terms = phrase.kind, phrase.terms
    if kind == "single":
        return term_label(terms[0])
    x, y = terms
    if x.adjective == y.adjective:
        raise NoClearLabel(f"{phrase.text!r}: the same adjective twice")
    if kind == "x not y":  # "happy not sad": it is X, and not Y
        if x.modifier or y.modifier:
            raise NoClearLabel(f"{phrase.text!r}: 'X not Y' takes two bare adjectives")
        if POLARITY[x.adjective] == POLARITY[y.adjective]:
            raise NoClearLabel(f"{phrase.text!r}: 'X not Y' needs X and Y of opposite sentiment")
        return POLARITY[x.adjective]
    if kind == "and":  # both parts hold, and they must agree
        if x.modifier in NEGATIONS and y.modifier not in NEGATIONS:
            raise NoClearLabel(f"{phrase.text!r}: the negation's scope is unclear (one part or both?)")
        if term_label(x) != term_label(y):
            raise NoClearLabel(f"{phrase.text!r}: mixed feelings have no single label")
        return term_label(x)
    if kind == "or":  # "not A or B" = "neither A nor B"
        if phrase.negation not in NEGATIONS:
            raise NoClearLabel(f"{phrase.text!r}: 'A or B' without a negation hedges between two states")
        if x.modifier or y.modifier:
            raise NoClearLabel(f"{phrase.text!r}: 'or' joins two bare adjectives under one negation")
        if POLARITY[x.adjective] != POLARITY[y.adjective]:
            raise NoClearLabel(f"{phrase.text!r}: 'neither A nor B' of opposite adjectives says nothing")
        return not POLARITY[x.adjective]
    raise ValueError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")


def construction(phrase):
    """The construction a phrase belongs to: one of ``CONSTRUCTIONS``."""
    if phrase.kind in ("and", "or"):
        return "coordination"
    if phrase.kind == "x not y":
        return "x_not_y"
    if phrase.terms[0].modifier in NEGATIONS:
        return "negation_time" if phrase.time else "negation"
    return "plain"


def _candidates():
    """Every structure of the syntactic space, before the label rule decides what stays."""
    terms = [Term(m, a) for m in MODIFIERS for a in ADJECTIVES]
    bare = [Term("", a) for a in ADJECTIVES]
    predicates = [("single", (t,), "") for t in terms]
    predicates += [("x not y", (x, y), "") for x in bare for y in bare]
    predicates += [("and", (x, y), "") for x in terms for y in terms]
    predicates += [("or", (x, y), n) for n in ("", *NEGATIONS) for x in bare for y in bare]
    for subject, times in SUBJECTS.items():
        for time in times:
            for kind, pair, negation in predicates:
                yield Phrase(subject, kind, pair, negation, time)


def grammar():
    """``{text: Phrase}`` for every phrase the grammar makes, sorted by text."""
    return dict(_grammar())


@functools.lru_cache(maxsize=1)
def _grammar():
    found = {}
    for phrase in _candidates():
        try:
            label(phrase)
        except NoClearLabel:
            continue
        if phrase.text in found:
            raise AssertionError(f"two structures read {phrase.text!r}")
        found[phrase.text] = phrase
    return tuple(sorted(found.items()))


def phrases():
    """Every phrase of the grammar with its label, ``{text: bool}``, sorted by text."""
    return {text: label(p) for text, p in grammar().items()}


def constructions():
    """``{text: construction id}`` for every phrase of the grammar, sorted by text."""
    return {text: construction(p) for text, p in grammar().items()}


# ---------------------------------------------------------------------------------------------
# The compositional dataset drawn from the grammar
# ---------------------------------------------------------------------------------------------
DATA_FILE = "compositional.json"
#: The seed of the draw that makes ``compositional.json``.
DATA_SEED = 2024
#: Probe phrases per construction and label (each construction: twice this, half positive).
PROBE_PER_LABEL = {"plain": 8, "negation": 5, "negation_time": 8, "x_not_y": 16, "coordination": 60}
#: Generated test phrases per construction and label (added to sentiment.json's test set).
TEST_PER_LABEL = {"plain": 1, "negation": 1, "negation_time": 2, "x_not_y": 3, "coordination": 10}
#: Generated training phrases per construction and label (added to sentiment.json's training set).
TRAIN_PER_LABEL = {"plain": 5, "negation": 4, "negation_time": 6, "x_not_y": 14, "coordination": 130}
#: What the systematic training set leaves out entirely (``negation_then_time``).
HELD_OUT = "every phrase with a negation followed by a time phrase"


def negation_then_time(phrase):
    """True if a negation comes before a time phrase: "i am not sad right now", "i was happy not sad earlier".

    A negation is "not" or "not at all" on an adjective, the "not" of "X not
    Y", or the negation over "A or B". Every phrase of the construction
    negation + time is such a phrase, and so are coordinations and "X not Y"
    with a negation and a time phrase.
    """
    if not phrase.time:
        return False
    return phrase.kind in ("x not y", "or") or any(t.modifier in NEGATIONS for t in phrase.terms)


def build_dataset(seed=DATA_SEED):
    """Draw the compositional dataset from the grammar; returns the dict written to ``compositional.json``.

    For each construction and label, the grammar's phrases that are not in
    ``sentiment.json`` are shuffled with ``np.random.default_rng(seed)`` and
    dealt out in turn: probe (``PROBE_PER_LABEL``), test, training; the rest
    is left out. The training phrases are sentiment.json's plus the generated
    ones, split by ``split_validation`` into training and validation; the test
    set is sentiment.json's test phrases plus the generated ones. Training and
    validation together hold at most half of the grammar. The systematic
    split is training and validation without the phrases
    ``negation_then_time`` marks. Every split is sorted by text.
    """
    rng = np.random.default_rng(seed)
    labels, kinds = phrases(), constructions()
    s_train, s_test = read_sentiment()
    for text, lab in {**s_train, **s_test}.items():
        if labels.get(text) != lab:
            raise AssertionError(f"sentiment.json's {text!r} is {lab}, the grammar says {labels.get(text)}")
    probe = {c: {} for c in CONSTRUCTIONS}
    train, test = dict(s_train), dict(s_test)
    for c in CONSTRUCTIONS:
        for lab in (True, False):
            pool = [t for t in labels if kinds[t] == c and labels[t] == lab and t not in s_train
                    and t not in s_test]
            pool = [pool[i] for i in rng.permutation(len(pool))]
            n_probe, n_test, n_train = PROBE_PER_LABEL[c], TEST_PER_LABEL[c], TRAIN_PER_LABEL[c]
            if n_probe + n_test + n_train > len(pool):
                raise AssertionError(f"{c} {lab}: {len(pool)} phrases, {n_probe + n_test + n_train} asked")
            probe[c].update((t, lab) for t in pool[:n_probe])
            test.update((t, lab) for t in pool[n_probe:n_probe + n_test])
            train.update((t, lab) for t in pool[n_probe + n_test:n_probe + n_test + n_train])

    def ordered(d):
        return dict(sorted(d.items()))

    if len(train) > len(labels) / 2:
        raise AssertionError(f"{len(train)} training phrases: more than half of the grammar's {len(labels)}")
    train, validation = split_validation(train, VALIDATION_FRACTION, seed)
    structures = grammar()
    kept = {name: {t: lab for t, lab in split.items() if not negation_then_time(structures[t])}
            for name, split in (("train", train), ("validation", validation))}
    return {
        "description": (
            "Phrases over the 18 words of sentiment.json drawn from the grammar in rnn_lib/data/grammar.py "
            "(true = positive). 'probe': new compositions grouped by construction, in no other set "
            "here nor in sentiment.json. 'train', 'validation', 'test': sentiment.json's phrases "
            "plus generated ones ('validation' drawn from the training phrases). 'systematic': "
            f"'train' and 'validation' without {HELD_OUT} ('held_out'). "
            "Regenerate with: python -m rnn_lib.data.grammar --write"),
        "seed": seed,
        "grammar_size": len(labels),
        "held_out": HELD_OUT,
        "train": ordered(train),
        "validation": ordered(validation),
        "test": ordered(test),
        "systematic": {name: ordered(split) for name, split in kept.items()},
        "probe": {c: ordered(probe[c]) for c in CONSTRUCTIONS},
    }


def dataset_json(seed=DATA_SEED):
    """The text of ``compositional.json``: ``build_dataset(seed)`` as indented JSON, newline-terminated."""
    return json.dumps(build_dataset(seed), indent=2) + "\n"


def _summary():
    labels, kinds = phrases(), constructions()
    data = build_dataset()
    lines = [f"grammar: {len(labels)} phrases ({sum(labels.values())} positive)"]
    splits = {"grammar": labels, "probe": {t: v for p in data["probe"].values() for t, v in p.items()},
              "train": data["train"], "validation": data["validation"], "test": data["test"],
              "sys. train": data["systematic"]["train"], "sys. valid.": data["systematic"]["validation"]}
    lines.append(f"{'construction':<16}" + "".join(f"{name:>12}" for name in splits))
    for c in (*CONSTRUCTIONS, None):
        counts = [sum(c is None or kinds[t] == c for t in split) for split in splits.values()]
        title = CONSTRUCTION_TITLES[c] if c else "all"
        lines.append(f"{title:<16}" + "".join(f"{n:>12}" for n in counts))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rnn_lib.data.grammar", description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"regenerate rnn_lib/data/{DATA_FILE}")
    parser.add_argument("--list", action="store_true", help="print every phrase with its construction and label")
    args = parser.parse_args(argv)
    if args.list:
        labels, kinds = phrases(), constructions()
        for text in labels:
            print(f"{kinds[text]:<14}{'positive' if labels[text] else 'negative':<10}{text}")
        return 0
    if args.write:
        path = resources.files(__package__).joinpath(DATA_FILE)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(dataset_json())
        print(f"wrote {path}")
    print(_summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
