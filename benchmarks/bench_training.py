"""How fast can this model be trained on a CPU? One run, one machine, every way we have.

    python benchmarks/bench_training.py            # or: make bench   (about 1-3 minutes)
    python benchmarks/bench_training.py --quick    # fewer repeats, a smaller growth table

Rows, all training the course's model (H = 64, lr 0.02, gradients clipped to
[-1, 1]) on the course's data from the same initial weights and shuffles:

* teaching loop: ``rnn_lib.train(engine="loop")``, one-hot columns through
  ``model.loss`` (forward and backward) and the SGD update;
* article-style: the classic article's structure (below): a dict of hidden
  states, one-hot matrix products, a ``backprop`` that updates the weights
  itself; with the ``Whh.T`` fix and a stable softmax;
* fast exact: ``engine="fast"``, the same per-example SGD vectorised
  (``rnn_lib.kernels``);
* batched: ``engine="batched", batch_size=BATCH`` phrases of one length per
  update (summed loss);
* fast, general path: ``engine="fast"`` with an ``SGD`` object as the
  optimiser, which runs the model's contract (``model.batch_loss``, then
  ``SGD.update``) instead of ``rnn_lib.kernels.SGDStep``: the same updates bit
  for bit (``tests/test_sgd_step.py``), with more Python per phrase;
* torch per phrase / torch batched: ``torch.nn.RNN`` + ``nn.Linear`` in float64
  with the same weights, the same batches, SGD and value clipping, on ONE
  thread (``torch.set_num_threads(1)``: on a shared 2-core machine its
  default threads only fight the other processes). numpy's BLAS gets one
  thread too (``OPENBLAS_NUM_THREADS=1`` unless already set).

An epoch includes measuring the test set, as in ``rnn_lib.train``. "to 100%" is
the wall time of a fresh ``fit`` with ``stop_at=1.0`` (it stops after the first
epoch reaching test accuracy 1.000). Every figure is a median of several runs.
"""

import argparse
import datetime
import os
import platform
import statistics
import sys
import time

# One BLAS thread, like torch below: these matrices are tiny, and on a shared machine BLAS threads
# waiting for a core cost milliseconds. Set OPENBLAS_NUM_THREADS yourself to measure otherwise.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402  (after the thread settings, which numpy reads on import)

import rnn_lib  # noqa: E402
from rnn_lib.batching import RECOMMENDED_BATCH_SIZE, make_batches
from rnn_lib.kernels import SGDStep
from rnn_lib.optim import SGD

SEED = 0
HIDDEN = rnn_lib.HIDDEN_SIZE
LR = rnn_lib.LEARN_RATE
MAX_EPOCHS = rnn_lib.EPOCHS


# --------------------------------------------------------------------------------------------
# The article's implementation, kept as a baseline (Whh.T fixed, softmax made stable).
# --------------------------------------------------------------------------------------------
class ArticleRNN:
    """The classic article's RNN class: forward keeps a dict of hidden states, backprop updates."""

    def __init__(self, Wxh, Whh, Why, bh, by):
        self.Wxh, self.Whh, self.Why = Wxh.copy(), Whh.copy(), Why.copy()
        self.bh, self.by = bh.copy(), by.copy()

    def forward(self, inputs):
        h = np.zeros((self.Whh.shape[0], 1))
        self.last_inputs = inputs
        self.last_hs = {0: h}
        for i, x in enumerate(inputs):
            h = np.tanh(self.Wxh @ x + self.Whh @ h + self.bh)
            self.last_hs[i + 1] = h
        y = self.Why @ h + self.by
        return y, h

    def backprop(self, d_y, learn_rate=LR):
        n = len(self.last_inputs)
        d_Why = d_y @ self.last_hs[n].T
        d_by = d_y
        d_Whh = np.zeros(self.Whh.shape)
        d_Wxh = np.zeros(self.Wxh.shape)
        d_bh = np.zeros(self.bh.shape)
        d_h = self.Why.T @ d_y
        for t in reversed(range(n)):
            temp = (1 - self.last_hs[t + 1] ** 2) * d_h
            d_bh += temp
            d_Whh += temp @ self.last_hs[t].T
            d_Wxh += temp @ self.last_inputs[t].T
            d_h = self.Whh.T @ temp  # the article has Whh @ temp: wrong (see rnn_lib.article)
        for d in [d_Wxh, d_Whh, d_Why, d_bh, d_by]:
            np.clip(d, -1, 1, out=d)
        self.Whh -= learn_rate * d_Whh
        self.Wxh -= learn_rate * d_Wxh
        self.Why -= learn_rate * d_Why
        self.bh -= learn_rate * d_bh
        self.by -= learn_rate * d_by


def article_fit(seed, epochs, stop_at=None, train_data=rnn_lib.train_data, test_data=rnn_lib.test_data):
    """The article's training script, with our seeded weights and shuffles; returns test accuracies."""
    vocab = rnn_lib.Vocabulary.from_texts(train_data)
    word_to_idx, V = vocab.word_to_idx, len(vocab)
    rng = np.random.default_rng(seed)
    init = rnn_lib.RNN(V, 2, HIDDEN, rng=rng)
    rnn = ArticleRNN(init.Wxh, init.Whh, init.Why, init.bh, init.by)

    def create_inputs(text):
        inputs = []
        for w in text.split(" "):
            v = np.zeros((V, 1))
            v[word_to_idx[w]] = 1
            inputs.append(v)
        return inputs

    def softmax(xs):
        e = np.exp(xs - np.max(xs))
        return e / np.sum(e)

    def process_data(items, backprop=True):
        loss, num_correct = 0, 0
        for x, y in items:
            inputs = create_inputs(x)
            target = int(y)
            out, _ = rnn.forward(inputs)
            probs = softmax(out)
            loss -= float(np.log(probs[target, 0]))
            num_correct += int(np.argmax(probs) == target)
            if backprop:
                d_L_d_y = probs
                d_L_d_y[target] -= 1
                rnn.backprop(d_L_d_y)
        return loss / len(items), num_correct / len(items)

    train_items, test_items = list(train_data.items()), list(test_data.items())
    accs = []
    for _ in range(epochs):
        process_data([train_items[i] for i in rng.permutation(len(train_items))])
        accs.append(process_data(test_items, backprop=False)[1])
        if stop_at is not None and accs[-1] >= stop_at:
            break
    return accs


# --------------------------------------------------------------------------------------------
# PyTorch: the same model, weights, shuffles and batches.
# --------------------------------------------------------------------------------------------
def torch_fit(seed, epochs, batch_size=1, stop_at=None, train_data=rnn_lib.train_data,
              test_data=rnn_lib.test_data):
    """Train torch.nn.RNN like rnn_lib.fit (float64, same init and order); returns test accuracies."""
    import torch

    vocab = rnn_lib.Vocabulary.from_texts(train_data)
    V = len(vocab)
    rng = np.random.default_rng(seed)
    init = rnn_lib.RNN(V, 2, HIDDEN, rng=rng)
    net = _torch_net(init)
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    params = [p for p in net.parameters() if p.requires_grad]
    eye = torch.eye(V, dtype=torch.float64)
    seqs = [vocab.encode(t) for t in train_data]
    xs = [eye[s].unsqueeze(1) for s in seqs]  # (T, 1, V) one-hot, made once
    ys = torch.tensor([int(v) for v in train_data.values()])
    lengths = [len(s) for s in seqs]
    test_batches = _torch_buckets(vocab, test_data, eye)
    accs = []
    for _ in range(epochs):
        for batch in make_batches(rng.permutation(len(seqs)), lengths, batch_size, "bucket"):
            x = xs[batch[0]] if len(batch) == 1 else torch.cat([xs[i] for i in batch], dim=1)
            target = ys[batch]
            opt.zero_grad()
            y = net(x)
            loss = torch.nn.functional.cross_entropy(y, target, reduction="sum")
            _ = loss.item(), (y.argmax(1) == target).sum().item()  # train figures, as rnn_lib records
            loss.backward()
            torch.nn.utils.clip_grad_value_(params, 1.0)
            opt.step()
        with torch.no_grad():
            correct = sum(int((net(x).argmax(1) == t).sum()) for x, t in test_batches)
        accs.append(correct / len(test_data))
        if stop_at is not None and accs[-1] >= stop_at:
            break
    return accs


def _torch_net(model):
    import torch

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            H, V, O = model.hidden_size, model.input_size, model.output_size
            self.rnn = torch.nn.RNN(V, H, nonlinearity="tanh", dtype=torch.float64)
            self.fc = torch.nn.Linear(H, O, dtype=torch.float64)
            with torch.no_grad():
                self.rnn.weight_ih_l0.copy_(torch.from_numpy(model.Wxh))
                self.rnn.weight_hh_l0.copy_(torch.from_numpy(model.Whh))
                self.rnn.bias_ih_l0.copy_(torch.from_numpy(model.bh[:, 0]))
                self.rnn.bias_hh_l0.zero_()
                self.fc.weight.copy_(torch.from_numpy(model.Why))
                self.fc.bias.copy_(torch.from_numpy(model.by[:, 0]))
            self.rnn.bias_hh_l0.requires_grad_(False)  # one hidden bias, bh, as in our model

        def forward(self, x):  # x: (T, B, V) one-hot
            _, h = self.rnn(x)
            return self.fc(h[0])

    return Net()


def _torch_buckets(vocab, data, eye):
    import torch

    by_len = {}
    for text, label in data.items():
        s = vocab.encode(text)
        by_len.setdefault(len(s), ([], []))
        by_len[len(s)][0].append(eye[s])
        by_len[len(s)][1].append(int(label))
    return [(torch.stack(x, dim=1), torch.tensor(t)) for x, t in by_len.values()]


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------
def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def machine_info():
    lines = []
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        model = platform.processor() or "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines.append(f"CPU: {model}; {os.cpu_count()} logical cores ({usable} usable)")
    lines.append(f"Python {platform.python_version()}, numpy {np.__version__}; BLAS: {blas_info()}")
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    if load:
        lines.append(f"load average at start: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min)")
    return lines


def blas_info():
    try:
        from threadpoolctl import threadpool_info

        infos = [f"{i['internal_api']} {i['version']} ({i.get('architecture')}, {i['num_threads']} threads)"
                 for i in threadpool_info() if i.get("user_api") == "blas"]
        if infos:
            return "; ".join(infos)
    except ImportError:
        pass
    try:
        cfg = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        desc = f"{cfg.get('name')} {cfg.get('version')}"
        extra = cfg.get("openblas configuration")
        if extra:
            desc += f" [{' '.join(str(extra).split())}]"
    except Exception:  # numpy < 1.26 has no mode="dicts"
        desc = "unknown (numpy.show_config() prints it)"
    threads = {k: v for k, v in os.environ.items() if k.endswith("NUM_THREADS") or k.startswith("OPENBLAS_CORE")}
    return desc + (f", env {threads}" if threads else ", threads: library default")


def have_torch():
    try:
        import torch
    except ImportError:
        return False
    torch.set_num_threads(1)
    return True


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats and a smaller growth table")
    ap.add_argument("--repeats", type=int, default=5, help="runs per epoch-time figure (median; default 5)")
    ap.add_argument("--target-repeats", type=int, default=3,
                    help="runs per time-to-100%% figure (median; default 3)")
    ap.add_argument("--batch-size", type=int, default=RECOMMENDED_BATCH_SIZE,
                    help=f"batch size of the batched rows (default {RECOMMENDED_BATCH_SIZE})")
    ap.add_argument("--no-torch", action="store_true", help="skip the PyTorch rows")
    ap.add_argument("--no-growth", action="store_true", help="skip the growth table")
    args = ap.parse_args(argv)
    if args.quick:
        args.repeats, args.target_repeats = 3, 1
    torch_ok = not args.no_torch and have_torch()

    print(f"Training benchmark, {datetime.date.today().isoformat()}")
    for line in machine_info():
        print(line)
    if torch_ok:
        import torch

        print(f"PyTorch {torch.__version__}, torch.set_num_threads(1)")
    else:
        print("PyTorch: not installed or --no-torch; its rows are skipped")
    n_train = len(rnn_lib.train_data)
    B = args.batch_size
    print(f"\nThe course's data: {n_train} training and {len(rnn_lib.test_data)} test phrases; H = {HIDDEN}, "
          f"seed {SEED}; medians of {args.repeats} runs (epoch) and {args.target_repeats} (to 100%)\n")

    def fit_lib(engine, batch_size=None):
        def run(epochs, stop_at=None):
            stop = None if stop_at is None else (lambda hist: hist.test_acc[-1] >= stop_at)  # a measurement
            _, _, h = rnn_lib.fit(SEED, epochs=epochs, engine=engine, batch_size=batch_size, callback=stop)
            return h.test_acc
        return run

    def fit_general(epochs, stop_at=None):
        """engine='fast' with an SGD object: ModelEngine's path, whose updates SGDStep makes bit for bit."""
        rng = np.random.default_rng(SEED)
        vocab = rnn_lib.Vocabulary.from_texts(rnn_lib.train_data)
        model = rnn_lib.make_model(len(vocab), 2, HIDDEN, rng=rng)
        stop = None if stop_at is None else (lambda hist: hist.test_acc[-1] >= stop_at)
        h = rnn_lib.train(model, vocab, epochs=epochs, rng=rng, engine="fast", callback=stop,
                          optimizer=SGD(model.flat, LR, clip=rnn_lib.CLIP))
        return h.test_acc

    rows = [
        ("teaching loop", "rnn_lib.train(engine='loop')", fit_lib("loop"), 1),
        ("article-style", "the article's loop, in this script", lambda e, s=None: article_fit(SEED, e, s), 1),
        ("fast exact", "rnn_lib.train(engine='fast')", fit_lib("fast"), 1),
        (f"batched ({B})", f"rnn_lib.train(engine='batched', batch_size={B})", fit_lib("batched", B), B),
        ("fast, general path", "engine='fast' through model.batch_loss and SGD.update", fit_general, 1),
    ]
    if torch_ok:
        rows += [
            ("torch per phrase", "torch.nn.RNN, 1 thread", lambda e, s=None: torch_fit(SEED, e, 1, s), 1),
            (f"torch batched ({B})", "torch.nn.RNN, 1 thread", lambda e, s=None: torch_fit(SEED, e, B, s), B),
        ]
    results = []
    for name, how, run, _ in rows:
        run(2)  # warm up
        probe = median_time(lambda: run(3), 1) / 3
        epochs = max(3, min(200, int(0.25 / probe)))  # about 0.25 s a run
        per_epoch = median_time(lambda: run(epochs), args.repeats) / epochs
        accs = run(MAX_EPOCHS, 1.0)
        reached = len(accs) if accs and accs[-1] >= 1.0 else None
        to_target = median_time(lambda: run(MAX_EPOCHS, 1.0), args.target_repeats) if reached else None
        results.append((name, how, per_epoch, reached, to_target))
        print(f"  measured {name:<20} {per_epoch * 1e3:8.2f} ms/epoch", file=sys.stderr, flush=True)

    base_epoch, base_target = results[0][2], results[0][4]
    art_epoch = results[1][2]
    print("| method | ms / epoch | µs / phrase | speed-up / epoch vs teaching loop | vs article-style "
          "| epochs to 100% test | s to 100% test | speed-up to 100% |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, how, per_epoch, reached, to_target in results:
        tt = f"{to_target:.2f}" if to_target else "not reached"
        spd = f"{base_target / to_target:.1f}x" if to_target and base_target else "-"
        print(f"| {name} | {per_epoch * 1e3:.2f} | {per_epoch / n_train * 1e6:.1f} | {base_epoch / per_epoch:.1f}x "
              f"| {art_epoch / per_epoch:.1f}x | {reached or '-'} | {tt} | {spd} |")
    fast, batched = results[2][2], results[3][2]
    load = f", load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    print(f"\nSpeed-ups per epoch (ratios measured here{load}):")
    print(f"  fast exact: {base_epoch / fast:.1f}x vs the teaching loop, {art_epoch / fast:.1f}x vs article-style")
    print(f"  batched:    {base_epoch / batched:.1f}x vs the teaching loop, {art_epoch / batched:.1f}x vs article-style")
    print("The design targets, about 2.5x (fast exact) and 6x (batched), are ratios measured on an idle machine; "
          "other work on the machine lowers them.")

    if not args.no_growth:
        growth(torch_ok, quick=args.quick, repeats=args.repeats)
    if hasattr(os, "getloadavg"):
        print(f"\nload average at the end: {os.getloadavg()[0]:.2f} (1 min)")
    return 0


def growth(torch_ok, quick=False, repeats=5):
    """Time per phrase (one SGD step on one phrase) for larger H and longer phrases, synthetic data."""
    sizes = (64, 128, 256, 512)
    lengths = (5, 20, 100)
    V = len(rnn_lib.Vocabulary.from_texts(rnn_lib.train_data))
    budget = 0.02 if quick else 0.05  # seconds a measurement
    print(f"\nGrowth: µs per phrase, one SGD step per phrase, synthetic phrases (V = {V}, random words "
          f"and labels); medians of {repeats} runs")
    header = "| H | T | fast exact (µs) |" + (" torch per phrase (µs) | torch / fast |" if torch_ok else "")
    print(header)
    print("|---:|---:|---:|" + ("---:|---:|" if torch_ok else ""))
    rng = np.random.default_rng(1)
    for H in sizes:
        for T in lengths:
            phrases = [rng.integers(0, V, size=T) for _ in range(16)]
            labels = rng.integers(0, 2, size=16)
            model = rnn_lib.RNN(V, 2, H, rng=rng, init="xavier")
            step = SGDStep(model, LR, rnn_lib.CLIP)  # what train(engine="fast") runs for the vanilla cell
            data = step.prepare([list(p) for p in phrases], [int(c) for c in labels])

            def run_fast(n):
                for k in range(n):
                    step.step(data, [k % 16])

            t_fast = _per_call(run_fast, budget, repeats)
            row = f"| {H} | {T} | {t_fast * 1e6:.1f} |"
            if torch_ok:
                run_torch = _torch_stepper(model, phrases, labels)
                t_torch = _per_call(run_torch, budget, repeats)
                row += f" {t_torch * 1e6:.1f} | {t_torch / t_fast:.1f}x |"
            print(row, flush=True)


def _per_call(run, budget, repeats):
    run(2)
    t0 = time.perf_counter()
    run(2)
    n = max(2, int(budget / max((time.perf_counter() - t0) / 2, 1e-7)))
    return median_time(lambda: run(n), repeats) / n


def _torch_stepper(model, phrases, labels):
    import torch

    net = _torch_net(model)
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    params = [p for p in net.parameters() if p.requires_grad]
    eye = torch.eye(model.input_size, dtype=torch.float64)
    xs = [eye[torch.from_numpy(p)].unsqueeze(1) for p in phrases]
    ys = [torch.tensor([int(v)]) for v in labels]

    def run(n):
        for k in range(n):
            opt.zero_grad()
            y = net(xs[k % 16])
            loss = torch.nn.functional.cross_entropy(y, ys[k % 16], reduction="sum")
            _ = loss.item()
            loss.backward()
            torch.nn.utils.clip_grad_value_(params, 1.0)
            opt.step()

    return run


if __name__ == "__main__":
    sys.exit(main())
