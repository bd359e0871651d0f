"""How long one update of each widget takes in the kernel (set a control, redraw, encode the PNG).

Run:  .venv/bin/python benchmarks/bench_widgets.py [--repeats N]

Each figure is the median over N updates, timed around setting the control
programmatically, exactly as a browser event would set it (the observers run
synchronously). The time the browser then needs to show the new PNG is not
included (a few milliseconds on loopback). Target: under 100 ms per update.
"""

import argparse
import os
import platform
import statistics
import time

import matplotlib
import numpy as np

import rnn_lib
from rnn_lib import RNN, Vocabulary, train_data
from rnn_lib.training import History
from rnn_lib.widgets import GradientViewer, LiveTrainer, PhraseExplorer, TimeStepper

TARGET_MS = 100


def median_ms(action, values, repeats):
    """Median wall time in ms of ``action(value)``, cycling through ``values``, after one warm-up call."""
    action(values[-1])
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        action(values[i % len(values)])
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times), len(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="updates timed per row (default 30)")
    args = parser.parse_args(argv)
    n = args.repeats

    vocab = Vocabulary.from_texts(train_data)
    model = RNN(len(vocab), 2, rng=0, init=0.3)  # non-trivial states; timing does not depend on training
    long_phrase = max(train_data, key=lambda s: len(s.split()))
    rows = []

    stepper = TimeStepper(model, vocab, phrase=long_phrase)
    T = stepper.slider.max

    def step(t):
        stepper.slider.value = t

    rows.append(("TimeStepper", "time slider, one step", *median_ms(step, list(range(1, T + 1)) + [0], n)))
    phrases = [long_phrase, "not bad", "i am very happy right now"]

    def choose(p):
        stepper.phrase.value = p

    rows.append(("TimeStepper", "new phrase from the dropdown", *median_ms(choose, phrases, n)))

    explorer = PhraseExplorer(model, vocab)

    def type_phrase(p):
        explorer.text.value = p

    typed = ["i am not happy", "this was very bad earlier", "not sad", "i am not at all good right now"]
    rows.append(("PhraseExplorer", "typed phrase (Enter)", *median_ms(type_phrase, typed, n)))

    viewer = GradientViewer(vocab, phrase=long_phrase)

    def scale(s):
        viewer.scale.value = s

    rows.append(("GradientViewer", "weight-scale slider", *median_ms(scale, [0.01, 0.03, 0.1, 0.3, 1.0], n)))

    history = History()
    for e in range(1, 301):
        history.append(e, 0.7 / e, 0.5, 0.7 / e, 0.5)
    trainer = LiveTrainer(model.copy(), vocab, history=history, epochs=20)
    rows.append(("LiveTrainer", "plot redraw, 300 epochs drawn", *median_ms(lambda _: trainer.update(), [0], n)))
    start = time.perf_counter()
    trainer.train(20)
    per_epoch = 1000 * (time.perf_counter() - start) / 20

    print(f"Widget update times: median of {n} updates each (ms), target < {TARGET_MS} ms")
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
          f"numpy {np.__version__}, matplotlib {matplotlib.__version__}, rnn_lib {rnn_lib.__version__}")
    print()
    print(f"| {'widget':<15} | {'update':<31} | {'median ms':>9} |")
    print(f"|{'-' * 17}|{'-' * 33}|{'-' * 11}|")
    for widget, what, ms, _ in rows:
        print(f"| {widget:<15} | {what:<31} | {ms:9.1f} |")
    print()
    print(f"LiveTrainer: {per_epoch:.1f} ms per epoch while training, redraws included "
          f"(one redraw every {trainer.redraw_every_s} s)")
    slow = [r for r in rows if r[2] >= TARGET_MS]
    print("all updates under target" if not slow else f"over target: {', '.join(r[0] + ' ' + r[1] for r in slow)}")


if __name__ == "__main__":
    main()
