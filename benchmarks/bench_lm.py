"""The names language model: seconds per epoch in numpy against torch.nn.RNN, and the recipe's validation loss.

    python benchmarks/bench_lm.py            # or: make bench   (about a minute)
    python benchmarks/bench_lm.py --quick    # one repeat

Both sides train the same model (``rnn_lib.lm.CharLM``, vanilla cell, H =
``RECIPE.hidden_size``) from the same initial weights on the same batches
(the census names' training split, grouped by length, in the same shuffled
order) with Adam and the gradient clipped to global norm ``RECIPE.clip_norm``,
in float64. An epoch is every training batch (forward, backward, clip,
update) plus the loss on the validation names, as ``rnn_lib.training.train_lm``.
PyTorch runs on ONE thread (``torch.set_num_threads(1)``) and numpy's BLAS on
one thread (``OPENBLAS_NUM_THREADS=1`` unless already set): on a shared 2-core
machine more threads only wait for each other. Figures are medians of the
repeats. Then the recipe is trained in full (``python -m rnn_lib lm train``'s
run) and its validation loss printed next to the unigram and bigram baselines.
"""

import argparse
import os
import platform
import statistics
import sys
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402  (after the thread settings, which numpy reads on import)

from rnn_lib.baselines import baselines  # noqa: E402
from rnn_lib.data.names import load_names  # noqa: E402
from rnn_lib.batching import Names, make_batches  # noqa: E402
from rnn_lib.lm import RECIPE, CharLM  # noqa: E402
from rnn_lib.torch_bridge import to_torch  # noqa: E402
from rnn_lib.training import evaluate_lm, perplexity, train_lm  # noqa: E402

SEED = 0
BATCH_SIZES = (8, RECIPE.batch_size, 128)


def numpy_epoch_seconds(ds, batch_size, repeats):
    """Median seconds per epoch of ``train_lm`` (one epoch per call, fresh model each time)."""
    times = []
    for _ in range(repeats):
        model = CharLM(ds.alphabet, RECIPE.hidden_size, rng=SEED)
        t0 = time.perf_counter()
        train_lm(model, ds.train, ds.validation, epochs=1, batch_size=batch_size, rng=SEED)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def torch_epoch_seconds(torch, ds, batch_size, repeats):
    """The same epoch in PyTorch: nn.RNN + nn.Linear, the same weights, batches, Adam and clipping."""
    times = []
    for _ in range(repeats):
        model = CharLM(ds.alphabet, RECIPE.hidden_size, rng=SEED)
        V = model.input_size
        rnn, head = to_torch(model, batch_first=False)  # time-major, as the batches are
        params = list(rnn.parameters()) + list(head.parameters())
        opt = torch.optim.Adam(params, lr=RECIPE.learn_rate)
        train, val = Names(model, ds.train), Names(model, ds.validation)
        eye = torch.eye(V, dtype=torch.float64)

        def loss_of(inputs, targets, mask):
            out, _ = rnn(eye[torch.from_numpy(inputs)])
            steps = torch.nn.functional.cross_entropy(head(out).reshape(-1, V), torch.from_numpy(targets).reshape(-1),
                                                      reduction="none")
            return (steps if mask is None else steps * torch.from_numpy(mask).reshape(-1)).sum()

        rng = np.random.default_rng(SEED)
        t0 = time.perf_counter()
        for batch in make_batches(rng.permutation(len(train.names)), train.lengths, batch_size):
            inputs, targets, mask, _ = train.get(batch)  # state0: None, zeros
            opt.zero_grad()
            loss = loss_of(inputs, targets, mask)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, RECIPE.clip_norm)
            opt.step()
        with torch.no_grad():
            loss_of(*val.whole[:3]).item()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat instead of three")
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else 3
    ds = load_names()
    print(f"Names language model, H = {RECIPE.hidden_size}, {len(ds.train)} training names, float64, "
          f"Python {platform.python_version()}, numpy {np.__version__}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}")
    try:
        import torch
        torch.set_num_threads(1)
        print(f"PyTorch {torch.__version__}, torch.set_num_threads(1)")
    except ImportError:
        torch = None
        print("PyTorch is not installed: numpy only (pip install -e '.[torch]')")
    print()
    columns = [("batch size", 10), ("numpy s/epoch", 13)]
    if torch is not None:  # without PyTorch its columns are left out, not filled with nan
        columns += [("torch s/epoch", 13), ("numpy / torch", 13)]
    print(" | ".join(f"{name:>{width}}" for name, width in columns))
    print("-+-".join("-" * width for _, width in columns))
    for B in BATCH_SIZES:
        ours = numpy_epoch_seconds(ds, B, repeats)
        row = f"{B:>10} | {ours:>13.3f}"
        if torch is not None:
            theirs = torch_epoch_seconds(torch, ds, B, repeats)
            row += f" | {theirs:>13.3f} | {ours / theirs:>12.2f}x"
        mark = "  (recommended)" if B == RECIPE.batch_size else ""
        print(row + mark, flush=True)
    print()
    model = CharLM(ds.alphabet, RECIPE.hidden_size, rng=np.random.default_rng(SEED))
    t0 = time.perf_counter()
    train_lm(model, ds.train, ds.validation, rng=SEED)
    seconds = time.perf_counter() - t0
    val = evaluate_lm(model, ds.validation)
    base = baselines(ds.train, ds.validation, ds.alphabet)
    print(f"Recipe {RECIPE}: {seconds:.1f} s")
    print(f"{'validation':>10} | {'nats/char':>9} | {'perplexity':>10}")
    for name, loss in (("unigram", base["unigram"]), ("bigram", base["bigram"]), ("RNN", val)):
        print(f"{name:>10} | {loss:>9.3f} | {perplexity(loss):>10.2f}")
    print(f"The RNN is {base['bigram'] - val:.3f} nats/char below the bigram.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
