"""What did the network learn? Probe accuracy per construction, for the recipes and datasets we have.

    python benchmarks/probe_compositional.py             # every table (about 7 minutes on a busy 2-core machine)
    python benchmarks/probe_compositional.py --quick     # 3 seeds where the tables use 5 or 10
    python benchmarks/probe_compositional.py --tables a c   # some tables only

The probe set (``rnn_lib.load_dataset("compositional").probe``) holds new
compositions of the same 18 words, grouped by construction, in none of the
training, validation or test sets. Tables:

a. the article's recipe on sentiment.json (60 phrases): test and probe accuracy, 5 seeds;
b. what does not fix it: hidden size 8, Xavier initialisation, 3x the epochs (5 seeds);
r. recipe search on the generated training set (3 seeds each): per-example or
   batched SGD, learning rate, initialisation, stopping on the validation split;
c. the recommended recipe (``rnn_lib.RECIPES["compositional"]``), 10 seeds;
d. a learning curve: probe accuracy against the number of generated training
   phrases (sentiment.json's training phrases always included), 3 seeds; every
   run gets at most as many SGD steps as the full set's (so small sets are not
   cut short), and stops on the same validation split;
e. the systematic split: the recommended recipe on ``load_dataset("systematic")``
   (no phrase with a negation followed by a time phrase in training), 10 seeds;
   and, for comparison, with only the construction "negation + time" left out
   (negations before a time phrase remain inside coordinations and "X not Y"),
   and a control: as many phrases as e, drawn at random.

Accuracies are fractions of the probe phrases classified right. Times are wall
seconds per training run on one core (numpy's BLAS on one thread); they depend
on the machine's load, which the header prints.
"""

import argparse
import dataclasses
import datetime
import math
import os
import statistics
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

import rnn_lib  # noqa: E402
from rnn_lib.data.grammar import (CONSTRUCTION_TITLES, CONSTRUCTIONS, construction, grammar,  # noqa: E402
                                  negation_then_time)

COLUMNS = [CONSTRUCTION_TITLES[c] for c in CONSTRUCTIONS]


def engine_options(batch_size):
    """``fit``'s options choosing the engine for ``batch_size`` (the one place to rename them)."""
    return {"engine": "fast"} if batch_size == 1 else {"engine": "batched", "batch_size": batch_size}


def train_run(recipe, train, validation, seed):
    """Train one network with ``recipe``; stop on ``validation`` if the recipe says so.

    Returns ``(model, vocab, epochs run, seconds)``.
    """
    stop = recipe.stop_at is not None and validation
    start = time.perf_counter()
    model, vocab, history = rnn_lib.fit(
        seed=seed, epochs=recipe.epochs, hidden_size=recipe.hidden_size, learn_rate=recipe.learn_rate,
        clip=recipe.clip, init=recipe.init, train_data=train, test_data=None,
        validation_data=validation if stop else None,
        stop_at=recipe.stop_at if stop else None, **engine_options(recipe.batch_size))
    return model, vocab, len(history), time.perf_counter() - start


def probe_row(model, vocab, ds, groups=None):
    """Probe accuracy per construction (and per extra group of ``groups``), then over the whole probe set."""
    acc = rnn_lib.probe_accuracy(model, vocab, ds.probe)
    extra = [rnn_lib.evaluate(model, vocab, g)[1] for g in (groups or {}).values()]
    return [acc[c] for c in CONSTRUCTIONS] + extra + [acc["all"]]


def header(cols, first="seed", extra=()):
    names = [*extra, *cols, "probe"]
    return f"{first:<24}" + "".join(f"{n:>16}" for n in names)


def line(first, values):
    return f"{first:<24}" + "".join(f"{v:>16.3f}" if isinstance(v, float) else f"{v!s:>16}" for v in values)


def summary_lines(rows, n_extra):
    """mean / min rows over the seeds (columns after the first ``n_extra`` are accuracies)."""
    arr = np.array([r for r in rows], dtype=float)
    return [line("mean", list(arr.mean(axis=0))), line("min", list(arr.min(axis=0)))]


def seeds_table(title, recipe, ds, seeds, train=None, validation=None, groups=None):
    """One row per seed: test accuracy, epochs, seconds, probe per construction; then mean and min.

    ``groups``: extra ``{column title: {text: label}}`` probe columns.
    """
    train = ds.train if train is None else train
    validation = ds.validation if validation is None else validation
    print(f"\n{title}")
    print(header(COLUMNS + list(groups or {}), extra=("test", "epochs", "s")))
    rows, models = [], []
    for seed in seeds:
        model, vocab, epochs, secs = train_run(recipe, train, validation, seed)
        models.append((model, vocab))
        test = rnn_lib.evaluate(model, vocab, ds.test)[1]
        row = [test, float(epochs), secs, *probe_row(model, vocab, ds, groups)]
        rows.append(row)
        print(line(str(seed), [test, epochs, f"{secs:.1f}", *row[3:]]), flush=True)
    for s in summary_lines(rows, 3):
        print(s)
    probe_all = [r[-1] for r in rows]
    print(f"probe >= 0.95: {sum(p >= 0.95 for p in probe_all)} of {len(rows)} seeds; "
          f"median {statistics.median(r[2] for r in rows):.1f} s per run")
    return models


def table_a(seeds):
    ds = rnn_lib.load_dataset("sentiment")
    models = seeds_table("a. The article's recipe on sentiment.json (60 training phrases, 1000 epochs)",
                         rnn_lib.RECIPES["sentiment"], ds, seeds)
    structures = grammar()
    print(f"\na'. The same {len(models)} networks: mean probe accuracy without and with a time phrase "
          "('right now', 'earlier') at the end")
    print(f"{'construction':<24}{'phrases':>9}{'no time':>9}{'phrases':>9}{'time':>9}")
    for c in CONSTRUCTIONS:
        parts = []
        for timed in (False, True):
            group = {t: v for t, v in ds.probe[c].items() if bool(structures[t].time) == timed}
            acc = (statistics.mean(rnn_lib.evaluate(m, v, group)[1] for m, v in models) if group else None)
            parts.append(f"{len(group):>9}" + (f"{acc:>9.3f}" if group else f"{'-':>9}"))
        print(f"{CONSTRUCTION_TITLES[c]:<24}" + "".join(parts))


def table_b(seeds):
    ds = rnn_lib.load_dataset("sentiment")
    base = rnn_lib.RECIPES["sentiment"]
    for title, recipe in (("hidden size 8", dataclasses.replace(base, hidden_size=8)),
                          ("Xavier initialisation", dataclasses.replace(base, init="xavier")),
                          ("3000 epochs", dataclasses.replace(base, epochs=3000))):
        seeds_table(f"b. sentiment.json, the article's recipe with {title}", recipe, ds, seeds)


def table_r(seeds):
    ds = rnn_lib.load_dataset("compositional")
    rec = rnn_lib.RECIPES["compositional"]

    def variant(batch_size, init, learn_rate, stop=True):
        return dataclasses.replace(rec, batch_size=batch_size, init=init, learn_rate=learn_rate,
                                   epochs=100 if batch_size == 1 else 300, stop_at=1.0 if stop else None)

    variants = [variant(1, "article", 0.02), variant(1, "article", 0.02, stop=False),
                variant(1, "article", 0.05), variant(1, "xavier", 0.02), variant(1, "xavier", 0.02, stop=False),
                variant(1, "xavier", 0.05), variant(16, "article", 0.02), variant(16, "article", 0.05),
                variant(16, "xavier", 0.02), variant(16, "xavier", 0.05)]
    print(f"\nr. Recipe search on the generated training set ({len(ds.train)} phrases, validation "
          f"{len(ds.validation)}), H = {rec.hidden_size}, clip {rec.clip}, seeds {list(seeds)}: "
          "probe accuracy over all constructions; * = the recommended recipe")
    print(f"{'batch':>6}{'init':>9}{'lr':>6}{'stop on val.':>14}{'max epochs':>11}{'epochs':>14}{'s per run':>10}"
          f"{'probe min':>10}{'mean':>7}{'>= 0.95':>8}")
    for recipe in variants:
        epochs, secs, probes = [], [], []
        for seed in seeds:
            model, vocab, e, s = train_run(recipe, ds.train, ds.validation, seed)
            epochs.append(e)
            secs.append(s)
            probes.append(probe_row(model, vocab, ds)[-1])
        mark = "*" if recipe == rec else " "
        print(f"{mark}{recipe.batch_size:>5}{recipe.init:>9}{recipe.learn_rate:>6}"
              f"{'yes' if recipe.stop_at else 'no':>14}{recipe.epochs:>11}{' '.join(map(str, epochs)):>14}"
              f"{statistics.median(secs):>10.1f}{min(probes):>10.3f}{statistics.mean(probes):>7.3f}"
              f"{f'{sum(p >= 0.95 for p in probes)}/{len(probes)}':>8}", flush=True)


def table_c(seeds):
    ds = rnn_lib.load_dataset("compositional")
    rec = rnn_lib.RECIPES["compositional"]
    seeds_table(f"c. The recommended recipe on the generated training set ({len(ds.train)} phrases): {rec}",
                rec, ds, seeds)


def table_d(seeds, sizes=(0, 25, 50, 100, 150, 200, None)):
    ds = rnn_lib.load_dataset("compositional")
    sentiment = rnn_lib.load_dataset("sentiment")
    rec = rnn_lib.RECIPES["compositional"]
    base = {t: v for t, v in ds.train.items() if t in sentiment.train}
    generated = [t for t in ds.train if t not in sentiment.train]
    order = [generated[i] for i in np.random.default_rng(0).permutation(len(generated))]
    steps = rec.epochs * len(ds.train)
    print(f"\nd. Learning curve: {len(base)} of sentiment.json's training phrases plus n generated ones "
          f"(nested subsets), the recommended recipe with at most {steps} SGD steps; seeds {list(seeds)}")
    print(header(COLUMNS, first="n generated", extra=("train", "max epochs", "epochs")))
    for n in sizes:
        n = len(order) if n is None else n
        train = {**base, **{t: ds.train[t] for t in order[:n]}}
        recipe = dataclasses.replace(rec, epochs=math.ceil(steps / len(train)))
        rows, epochs = [], []
        for seed in seeds:
            model, vocab, e, _ = train_run(recipe, train, ds.validation, seed)
            rows.append(probe_row(model, vocab, ds))
            epochs.append(e)
        mean = list(np.mean(rows, axis=0))
        print(line(f"{n} (mean)", [len(train), recipe.epochs, " ".join(map(str, epochs)), *mean]))
        print(line(f"{n} (min)", ["", "", "", *np.min(rows, axis=0)]), flush=True)


def table_e(seeds):
    sys_ = rnn_lib.load_dataset("systematic")
    comp = rnn_lib.load_dataset("compositional")
    rec = rnn_lib.RECIPES["systematic"]
    structures = grammar()
    groups = {"neg. then time": {t: v for t, v in comp.probe_phrases.items()
                                 if negation_then_time(structures[t])}}
    seeds_table(f"e. Systematic split: {sys_.held_out} left out of training ({len(sys_.train)} phrases, "
                f"validation {len(sys_.validation)}); 'neg. then time': the "
                f"{len(groups['neg. then time'])} probe phrases of that kind, any construction",
                rec, sys_, seeds, groups=groups)
    train = {t: v for t, v in comp.train.items() if construction(structures[t]) != "negation_time"}
    validation = {t: v for t, v in comp.validation.items() if construction(structures[t]) != "negation_time"}
    seeds_table(f"e'. Only the construction 'negation + time' left out ({len(train)} phrases, validation "
                f"{len(validation)}): negations before a time phrase remain in coordinations and 'X not Y'",
                rec, comp, seeds, train=train, validation=validation, groups=groups)
    rng = np.random.default_rng(0)  # a control of the same size as the systematic set, drawn at random
    train = {t: comp.train[t] for t in sorted(rng.choice(list(comp.train), len(sys_.train), replace=False))}
    validation = {t: comp.validation[t]
                  for t in sorted(rng.choice(list(comp.validation), len(sys_.validation), replace=False))}
    seeds_table(f"e''. Control: {len(train)} training and {len(validation)} validation phrases drawn at random "
                "from 'compositional' (the sizes of e, nothing left out on purpose)",
                rec, comp, seeds, train=train, validation=validation, groups=groups)


TABLES = {"a": table_a, "b": table_b, "r": table_r, "c": table_c, "d": table_d, "e": table_e}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 seeds per table")
    parser.add_argument("--tables", nargs="+", choices=sorted(TABLES), default=list(TABLES),
                        help="which tables to print (default: all)")
    args = parser.parse_args()
    few, many = (range(3), range(3)) if args.quick else (range(5), range(10))
    seeds = {"a": few, "b": few, "r": range(3), "c": many, "d": range(3), "e": many}
    print(f"# probe_compositional.py, {datetime.datetime.now():%Y-%m-%d %H:%M}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores, numpy {np.__version__}")
    sizes = {n: len(rnn_lib.load_dataset(n).train) for n in rnn_lib.DATASETS}
    print("# training phrases: " + ", ".join(f"{n} {k}" for n, k in sizes.items())
          + f"; probe {len(rnn_lib.load_dataset('compositional').probe_phrases)} phrases")
    for name in args.tables:
        TABLES[name](seeds[name])


if __name__ == "__main__":
    main()
