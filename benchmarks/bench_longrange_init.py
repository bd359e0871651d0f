"""How much does notebook 07's long-range comparison depend on the start? The full sweep.

    python benchmarks/bench_longrange_init.py            # about 20 minutes on a busy 2-core machine
    python benchmarks/bench_longrange_init.py --quick    # under a minute: notebook 07's table (k = 20, 30; RNN, LSTM; seeds 0-2)

Notebook 07 trains the vanilla RNN, the LSTM and the GRU on ``rnn_lib.data.longrange``'s
task (one deciding word, then k neutral words) with one recipe: weights
N(0, 0.1²) and the gated cells' memory gate (the LSTM's forget gate, the
GRU's update gate) starting with bias 2. This script trains every cell from
every combination of

* weights: N(0, 0.1²) (the recipe) or Xavier (standard deviation
  sqrt(2 / (rows + columns)) per matrix: about 0.18 for the vanilla cell's
  W_hh with H = 32, about 0.11 for the gated cells' stacked matrices);
* memory gate bias: 2 (the recipe) or 0 (the gated cells only: the vanilla
  cell has no such gate);

at k = 10, 20, 30 with seeds 0-4, every run as the notebook's
(``longrange_training.train_on_task``: mini-batches of 16, at most 150 epochs,
stopped and chosen on the validation phrases), and prints the test accuracy
of each run, measured once, with the mean over the seeds. Notebook 07 shows
the smaller table printed by ``--quick`` for the vanilla RNN and the LSTM.
"""

import argparse
import datetime
import os
import platform
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from rnn_lib.data import longrange  # noqa: E402
from rnn_lib import longrange_training  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="k = 20 and 30, the vanilla RNN and the LSTM, seeds 0-2, memory gate bias 2 only")
    args = parser.parse_args(argv)
    if args.quick:
        distances, cells, seeds, biases = (20, 30), ("rnn", "lstm"), (0, 1, 2), (longrange_training.KEEP_BIAS,)
    else:
        distances, seeds = (10, 20, 30), (0, 1, 2, 3, 4)
        cells, biases = longrange_training.CELL_NAMES, (longrange_training.KEEP_BIAS, 0.0)
    print(f"# {datetime.date.today()}, {platform.machine()}, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"# longrange recipe: H = {longrange_training.HIDDEN_SIZE}, batches of {longrange_training.BATCH_SIZE}, "
          f"at most {longrange_training.EPOCHS} epochs, stopped and chosen on {longrange.N_VALID} validation phrases; "
          f"test accuracy on {longrange.N_TEST} test phrases, measured once per run")
    for bias in biases:
        start = time.perf_counter()
        gated = cells if bias == longrange_training.KEEP_BIAS else tuple(c for c in cells if c != "rnn")
        table = longrange_training.accuracy_by_init(distances, cells=gated, seeds=seeds, keep_bias=bias)
        print(f"\nmemory gate bias {bias:g} (LSTM forget gate, GRU update gate; the vanilla cell has none), "
              f"{time.perf_counter() - start:.0f} s")
        print(table)


if __name__ == "__main__":
    main()
