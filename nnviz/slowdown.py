"""Quadratic against cross-entropy cost for one sigmoid neuron: the learning slowdown.

Nielsen's chapter 3 experiment: one sigmoid neuron with input x = 1 is taught
to output y = 0. With the quadratic cost C = (y − a)²/2 the gradients are
∂C/∂w = (a − y) σ'(z) x and ∂C/∂b = (a − y) σ'(z); started saturated
(w = b = 2, a ≈ 0.98) σ'(z) is tiny and learning crawls. With the cross-entropy
C = −[y ln a + (1 − y) ln(1 − a)] the σ'(z) cancels, ∂C/∂w = (a − y) x, and
the worse the output, the faster it learns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nnviz.activations import sigmoid

COSTS: tuple[str, ...] = ("quadratic", "cross_entropy")
LATEX = {
    "quadratic": r"C = \tfrac{1}{2}(y - a)^2",
    "cross_entropy": r"C = -\left[\, y \ln a + (1 - y) \ln(1 - a) \,\right]",
}
GRADIENT_LATEX = {
    "quadratic": r"\frac{\partial C}{\partial a} = a - y",
    "cross_entropy": r"\frac{\partial C}{\partial a} = \frac{a - y}{a(1 - a)}",
}
WEIGHT_GRADIENT_LATEX = {
    "quadratic": r"\frac{\partial C}{\partial w} = (a - y)\,\sigma'(z)\,x",
    "cross_entropy": r"\frac{\partial C}{\partial w} = (a - y)\,x",
}
# Nielsen, "Neural Networks and Deep Learning", ch. 3.
STARTS = ((0.6, 0.9), (2.0, 2.0))
LEARNING_RATES = {"quadratic": 0.15, "cross_entropy": 0.005}
EPOCHS = 300


def _check_cost(name: str) -> str:
    if name not in COSTS:
        raise ValueError(f"unknown cost {name!r}; choose one of: {', '.join(COSTS)}")
    return name


def _check_unit(value, what: str) -> np.ndarray:
    value = np.asarray(value, dtype=float)
    if np.any((value < 0) | (value > 1)) or not np.all(np.isfinite(value)):
        raise ValueError(f"{what} must lie between 0 and 1")
    return value


def cost(name: str, y, a) -> np.ndarray:
    """The cost of output a against target y, element by element (no averaging).

    Raises ValueError for the cross-entropy when a is exactly 0 or 1 and the
    matching log is ln 0 = −∞.
    """
    _check_cost(name)
    y, a = _check_unit(y, "the target y"), _check_unit(a, "the output a")
    if name == "quadratic":
        return 0.5 * (y - a) ** 2
    bad = ((a == 0) & (y != 0)) | ((a == 1) & (y != 1))
    if np.any(bad):
        edge = 0 if np.any((a == 0) & (y != 0)) else 1
        raise ValueError(
            f"at a = {edge} exactly the cross-entropy needs ln 0 = −∞: the cost is infinite. "
            "A sigmoid never outputs exactly 0 or 1; Keras clips a to [1e-7, 1 − 1e-7]. "
            "Move a slightly away from the edge."
        )
    # 0·ln 0 counts as 0 (its limit); only the finite logs are evaluated.
    with np.errstate(divide="ignore"):
        first = np.where(y > 0, y * np.log(np.where(y > 0, a, 1.0)), 0.0)
        second = np.where(y < 1, (1 - y) * np.log(np.where(y < 1, 1 - a, 1.0)), 0.0)
    return -(first + second)


def cost_gradient(name: str, y, a) -> np.ndarray:
    """∂C/∂a element by element (ValueError at a = 0 or 1 for the cross-entropy)."""
    _check_cost(name)
    y, a = _check_unit(y, "the target y"), _check_unit(a, "the output a")
    if name == "quadratic":
        return a - y
    if np.any((a == 0) | (a == 1)):
        edge = 0 if np.any(a == 0) else 1
        raise ValueError(
            f"at a = {edge} exactly the cross-entropy's gradient (a − y) / (a(1 − a)) divides by "
            "zero. Move a slightly away from the edge."
        )
    return (a - y) / (a * (1 - a))


def cost_curve(name: str, y: float, n: int = 399) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """a on the open interval (0, 1), C(y, a) and ∂C/∂a, for drawing."""
    a = np.linspace(0.0, 1.0, int(n) + 2)[1:-1]
    y_arr = np.full_like(a, float(y))
    return a, cost(name, y_arr, a), cost_gradient(name, y_arr, a)


@dataclass(frozen=True)
class BatchCost:
    """C = 1/(2n) Σ‖y(x) − a(x)‖² and each example's share ½‖y − a‖²."""

    per_example: np.ndarray
    value: float


def batch_quadratic(Y, A) -> BatchCost:
    """The quadratic cost averaged over a batch (rows are examples)."""
    Y, A = np.asarray(Y, dtype=float), np.asarray(A, dtype=float)
    if Y.ndim == 1:
        Y, A = Y.reshape(-1, 1), A.reshape(-1, 1)
    if Y.size == 0:
        raise ValueError("the batch is empty: add at least one example")
    if Y.shape != A.shape:
        raise ValueError(f"targets have shape {Y.shape} but predictions {A.shape}")
    if not (np.all(np.isfinite(Y)) and np.all(np.isfinite(A))):
        raise ValueError("every prediction and target must be a number")
    per = 0.5 * np.sum((Y - A) ** 2, axis=1)
    return BatchCost(per, float(per.mean()))


def neuron_cost(name: str, w: float, b: float, x: float = 1.0, y: float = 0.0) -> float:
    """The cost of the single neuron a = σ(wx + b) against target y."""
    a = sigmoid(w * x + b)
    # The neuron's own a is never exactly 0 or 1 in the lesson's range; clip for the far tails.
    a = np.clip(a, 1e-15, 1 - 1e-15)
    return float(cost(name, y, a))


def neuron_gradient(name: str, w: float, b: float, x: float = 1.0, y: float = 0.0) -> tuple[float, float]:
    """(∂C/∂w, ∂C/∂b) for a = σ(wx + b): quadratic keeps σ'(z), cross-entropy cancels it."""
    _check_cost(name)
    a = _sigmoid_scalar(w * x + b)
    factor = (a - y) * a * (1 - a) if name == "quadratic" else a - y
    return factor * x, factor


def _sigmoid_scalar(z: float) -> float:
    # Plain floats: the training loop runs 300 epochs per curve on every rerun.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
class Run:
    """One training run of the single neuron: parameters, output and cost per epoch (epoch 0 = start)."""

    cost_name: str
    lr: float
    w: np.ndarray
    b: np.ndarray
    a: np.ndarray
    cost: np.ndarray


def train(name: str, w0: float, b0: float, lr: float, epochs: int = EPOCHS,
          x: float = 1.0, y: float = 0.0) -> Run:
    """Gradient descent on the single neuron for ``epochs`` epochs."""
    _check_cost(name)
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"the learning rate must be positive, got {lr:g}: with η = 0 nothing is learnt")
    if int(epochs) < 1:
        raise ValueError(f"train for at least one epoch, got {epochs}")
    w_hist, b_hist = [float(w0)], [float(b0)]
    w, b = float(w0), float(b0)
    for _ in range(int(epochs)):
        gw, gb = neuron_gradient(name, w, b, x, y)
        w, b = w - lr * gw, b - lr * gb
        w_hist.append(w)
        b_hist.append(b)
    w_arr, b_arr = np.array(w_hist), np.array(b_hist)
    a = sigmoid(w_arr * x + b_arr)
    costs = cost(name, np.full_like(a, float(y)), np.clip(a, 1e-15, 1 - 1e-15))
    return Run(name, float(lr), w_arr, b_arr, a, costs)
