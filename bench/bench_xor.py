"""XOR over many seeds, and the compiled training step against NumPy: the figures behind the playground's defaults.

Part 1, what the **Cost** control changes: XOR with one hidden layer of 4 tanh neurons at the playground's
defaults (500 points, no noise, half for training, η 0.03, batches of 10), the lowest test loss within 500
epochs, seeds 0–63 for both the data and the first weights; the quadratic cost on a tanh output against
cross-entropy on a sigmoid output, and the quadratic cost again from Keras's Glorot-uniform first weights with
zero biases (32 seeds).

Part 2, the compiled step: one step of 10 rows on [8, 8] through ``Trainer.gradient`` (the compiled kernel)
and through ``Trainer.gradient_reference`` (NumPy), and a whole epoch with its evaluation; medians.

``.venv/bin/python -m bench xor`` (about a minute).
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from nnviz import playground as pg

EPOCHS = 500


def lowest_test_loss(seed: int, cost: str = "quadratic", glorot: bool = False) -> tuple[float, float]:
    data = pg.make_data("xor", seed=seed)
    config = pg.Config(hidden=(4,), features=("x1", "x2"), seed=seed, cost=cost)
    init = None
    if glorot:
        probe = pg.Trainer(config, data)
        rng = np.random.default_rng(seed)
        for W, b in zip(probe.W, probe.b):
            limit = np.sqrt(6.0 / (W.shape[0] + W.shape[1]))
            W[...] = rng.uniform(-limit, limit, W.shape)
            b[...] = 0.0
        init = probe.params.copy()
    t = pg.Trainer(config, data, init_params=init)
    t.run(EPOCHS)
    return float(min(t.history.test_loss)), float(t.metrics[3])


def seed_table() -> None:
    print(f"XOR, [4] tanh, defaults, lowest test loss within {EPOCHS} epochs")
    print("| first weights, cost | seeds | at seed 0 | median | runs below 0.05 | median test accuracy |")
    print("|---|---|---|---|---|---|")
    for label, cost, glorot, n in (("uniform ±0.5 / bias 0.1, quadratic", "quadratic", False, 64),
                                   ("uniform ±0.5 / bias 0.1, cross-entropy", "cross_entropy", False, 64),
                                   ("Glorot uniform / bias 0, quadratic", "quadratic", True, 32)):
        rows = [lowest_test_loss(seed, cost, glorot) for seed in range(n)]
        losses = np.array([r[0] for r in rows])
        accuracy = np.median([r[1] for r in rows])
        print(f"| {label} | 0–{n - 1} | {losses[0]:.3f} | {np.median(losses):.3f} | {int(np.sum(losses < 0.05))} of {n} "
              f"| {100 * accuracy:.1f} % |", flush=True)


def _median_time(fn, repeats: int, rounds: int = 7) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeats):
            fn()
        times.append((time.perf_counter() - start) / repeats)
    return statistics.median(times)


def step_table() -> None:
    data = pg.make_data("spiral", seed=0)
    t = pg.Trainer(pg.Config(hidden=(8, 8), seed=0), data)
    X, Y = t.X_train[:10], t.Y_train[:10]
    t.gradient(X, Y)  # load the compiled kernel before timing it
    compiled = _median_time(lambda: t.gradient(X, Y), 2000)
    reference = _median_time(lambda: t.gradient_reference(X, Y), 2000)
    t.run(1)
    epoch = _median_time(lambda: t.run(1), 50)
    print("\nSpiral [8, 8], one step of 10 rows and one epoch with its evaluation, medians of 7 rounds")
    print("| measure | value |")
    print("|---|---|")
    print(f"| gradient of 10 rows, NumPy (`gradient_reference`) | {reference * 1e6:.1f} µs |")
    print(f"| gradient of 10 rows, compiled (`gradient`) | {compiled * 1e6:.1f} µs |")
    print(f"| NumPy / compiled | {reference / compiled:.1f} × |")
    print(f"| one epoch (250 rows, batches of 10) with its evaluation, compiled | {epoch * 1e3:.3f} ms |")


def main() -> None:
    seed_table()
    step_table()


if __name__ == "__main__":
    main()
