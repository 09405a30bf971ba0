"""One neuron: the weighted sum, an activation, and Rosenblatt's learning rule.

The perceptron computes z = x·w + b and fires f(z). Rosenblatt's rule nudges
the weights after every misclassified example, w ← w + η (y − ŷ) x and
b ← b + η (y − ŷ). On linearly separable data it stops making mistakes; on
XOR no straight line separates the classes and the weights go round in a
cycle for ever (Minsky and Papert, 1969). A two-layer network with hand-set
weights solves XOR, the bridge to multi-layer networks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz import activations as _activations
from nnviz.network import Network, forward

# The perceptron page offers three activations; "identity" is the registry's "linear".
ACTIVATIONS: dict[str, str] = {"identity": "linear", "step": "step", "sigmoid": "sigmoid"}
DATASETS: tuple[str, ...] = ("and", "or", "nand", "cloud", "xor")

_TRUTH_TABLES = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "xor": (0, 1, 1, 0),
}
_LOGIC_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def _activation(name: str):
    try:
        return _activations.get(ACTIVATIONS[name])
    except KeyError:
        raise ValueError(
            f"unknown perceptron activation {name!r}; choose one of: {', '.join(ACTIVATIONS)}"
        ) from None


def weighted_sum(x, w, b: float) -> np.ndarray:
    """The neuron's weighted input z = Σ xᵢwᵢ + b (x may be one example or rows of examples)."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float).reshape(-1)
    if x.shape[-1] != w.shape[0]:
        raise ValueError(f"x has {x.shape[-1]} inputs but there are {w.shape[0]} weights")
    return x @ w + float(b)


def activate(z, name: str = "step") -> np.ndarray:
    """The neuron's output f(z) for the activation ``name`` (identity, step or sigmoid)."""
    return _activation(name).fn(np.asarray(z, dtype=float))


def activation_latex(name: str) -> str:
    """The formula of the activation, as the page shows it."""
    return _activation(name).latex


def output(x, w, b: float, name: str = "step") -> np.ndarray:
    """f(x·w + b): what the neuron outputs for input x."""
    return activate(weighted_sum(x, w, b), name)


def decision_line(w, b: float, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Two points of the line w1·x1 + w2·x2 + b = 0 spanning the square [lo, hi]².

    Raises
    ------
    ValueError
        If both weights are zero: then z = b everywhere and there is no line.
    """
    w1, w2 = (float(v) for v in np.asarray(w, dtype=float).reshape(-1)[:2])
    if w1 == 0.0 and w2 == 0.0:
        raise ValueError(
            f"both weights are zero, so z = b = {float(b):g} for every input: the neuron gives "
            "the same answer everywhere and there is no decision line. Make w1 or w2 non-zero."
        )
    if abs(w2) >= abs(w1):
        x1 = np.array([lo, hi])
        return x1, -(w1 * x1 + b) / w2
    x2 = np.array([lo, hi])
    return -(w2 * x2 + b) / w1, x2


def output_grid(w, b: float, name: str, lo: float, hi: float, n: int = 61):
    """f(z) on an n × n grid over [lo, hi]²: the half-planes the neuron separates.

    Returns ``(axis, values)`` with ``values[i, j]`` the output at x1 = axis[j], x2 = axis[i].
    """
    axis = np.linspace(lo, hi, n)
    x1, x2 = np.meshgrid(axis, axis)
    w = np.asarray(w, dtype=float).reshape(-1)
    return axis, activate(w[0] * x1 + w[1] * x2 + float(b), name)


@dataclass(frozen=True)
class LabelledData:
    """Inputs X (n, 2) and 0/1 targets y (n,) for the learning rule."""

    X: np.ndarray
    y: np.ndarray
    name: str


def dataset(name: str, n_samples: int = 40, seed: int = 0) -> LabelledData:
    """A data set for the learning rule: AND, OR, NAND, XOR truth tables or a separable cloud.

    The cloud is ``n_samples`` points in [−1, 1]² labelled by a random line
    through the middle, with points too close to the line dropped so a margin
    exists (the rule then converges quickly).
    """
    name = str(name).lower()
    if name in _TRUTH_TABLES:
        return LabelledData(_LOGIC_X.copy(), np.array(_TRUTH_TABLES[name], dtype=float), name)
    if name != "cloud":
        raise ValueError(f"unknown data set {name!r}; choose one of: {', '.join(DATASETS)}")
    if n_samples < 2:
        raise ValueError(f"a cloud needs at least 2 points, got {n_samples}")
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, 2 * np.pi)
    normal = np.array([np.cos(angle), np.sin(angle)])
    offset = rng.uniform(-0.3, 0.3)
    points = []
    while len(points) < n_samples:
        candidate = rng.uniform(-1, 1, size=(2 * n_samples, 2))
        keep = np.abs(candidate @ normal + offset) > 0.1
        points.extend(candidate[keep])
    X = np.array(points[:n_samples])
    y = (X @ normal + offset > 0).astype(float)
    return LabelledData(X, y, "cloud")


@dataclass(frozen=True)
class History:
    """Everything Rosenblatt's rule did, epoch by epoch.

    ``weights[e]`` and ``biases[e]`` are the parameters after epoch e
    (``weights[0]`` is the start), ``errors[e]`` the number of misclassified
    examples during epoch e + 1. ``converged_epoch`` is the first epoch with no
    error (None if none); ``cycle`` is ``(first, repeat)`` when the weights at
    the end of epoch ``repeat`` equal those after epoch ``first``: from then on
    the rule repeats itself and can never converge.
    """

    weights: np.ndarray
    biases: np.ndarray
    errors: np.ndarray
    lr: float
    converged_epoch: int | None
    cycle: tuple[int, int] | None

    @property
    def epochs(self) -> int:
        return len(self.errors)


def learn(X, y, lr: float = 0.1, epochs: int = 20, w0=(0.0, 0.0), b0: float = 0.0) -> History:
    """Rosenblatt's learning rule with a step activation, one example at a time, in order.

    For each example: ŷ = step(x·w + b); w ← w + η (y − ŷ) x; b ← b + η (y − ŷ).
    Stops early after an epoch without a mistake (converged) and otherwise runs
    all ``epochs`` epochs, noting the first time the weights repeat.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError("the data set is empty: the learning rule needs at least one example")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} examples but y has {y.shape[0]} targets")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("targets must be 0 or 1 for the perceptron's step output")
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(
            f"the learning rate must be positive, got {lr:g}: with η = 0 every update "
            "η (y − ŷ) x is zero and the weights never move."
        )
    if int(epochs) < 1:
        raise ValueError(f"run at least one epoch, got {epochs}")
    w = np.asarray(w0, dtype=float).reshape(-1).copy()
    if w.shape[0] != X.shape[1]:
        raise ValueError(f"w0 has {w.shape[0]} weights but each example has {X.shape[1]} inputs")
    b = float(b0)
    weights, biases, errors = [w.copy()], [b], []
    # The state in units of η: updates are multiples of η, so rounding makes repeats exact.
    seen = {_state_key(w, b, lr): 0}
    converged, cycle = None, None
    for epoch in range(1, int(epochs) + 1):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            predicted = 1.0 if x_i @ w + b >= 0 else 0.0
            if predicted != y_i:
                mistakes += 1
                w = w + lr * (y_i - predicted) * x_i
                b = b + lr * (y_i - predicted)
        weights.append(w.copy())
        biases.append(b)
        errors.append(mistakes)
        if mistakes == 0:
            converged = epoch
            break
        k = _state_key(w, b, lr)
        if cycle is None and k in seen:
            cycle = (seen[k], epoch)
        seen.setdefault(k, epoch)
    return History(np.array(weights), np.array(biases), np.array(errors, dtype=int),
                   float(lr), converged, cycle)


def _state_key(w, b, lr):
    return tuple(np.round(np.append(w, b) / lr, 6).tolist())


def xor_network() -> Network:
    """A two-layer step network with hand-set weights that computes XOR.

    Hidden neuron 1 is OR (x1 + x2 − 0.5), hidden neuron 2 is NAND
    (−x1 − x2 + 1.5), and the output is their AND (h1 + h2 − 1.5).
    """
    return Network(
        weights=[[[1.0, 1.0], [-1.0, -1.0]], [[1.0, 1.0]]],
        biases=[[-0.5, 1.5], [-1.5]],
        activations="step",
    )


def xor_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The XOR truth table through :func:`xor_network`: inputs, hidden outputs, network output."""
    trace = forward(xor_network(), _LOGIC_X)
    return _LOGIC_X.copy(), trace.a[1], trace.a[2].reshape(-1)


def view_box(name: str) -> tuple[float, float]:
    """The square [lo, hi]² the input plane shows for a data set (its points plus a margin)."""
    return (-1.3, 1.3) if str(name).lower() == "cloud" else (-0.5, 1.5)


def history_lines(history: History, lo: float, hi: float) -> list:
    """The decision line after every epoch, or None where both weights are zero (no line yet)."""
    lines = []
    for w, b in zip(history.weights, history.biases):
        try:
            lines.append(decision_line(w, b, lo, hi))
        except ValueError:
            lines.append(None)
    return lines
