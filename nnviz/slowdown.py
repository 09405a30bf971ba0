"""Quadratic against cross-entropy cost for one sigmoid neuron: the learning slowdown.

Nielsen's chapter 3 experiment: one sigmoid neuron with input x = 1 is taught
to output y = 0. With the quadratic cost C = (y − a)²/2 the gradients are
∂C/∂w = (a − y) σ'(z) x and ∂C/∂b = (a − y) σ'(z); started saturated
(w = b = 2, a ≈ 0.98) σ'(z) is tiny and learning crawls. With the cross-entropy
C = −[y ln a + (1 − y) ln(1 − a)] the σ'(z) cancels, ∂C/∂w = (a − y) x, and
the worse the output, the faster it learns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz import losses
from nnviz.activations import sigmoid

# The names the cost-functions page uses; "cross_entropy" is nnviz.losses' alias of binary_crossentropy.
COSTS: tuple[str, ...] = ("quadratic", "cross_entropy")
LATEX = {name: losses.get(name).example_latex for name in COSTS}
GRADIENT_LATEX = {name: losses.get(name).example_gradient_latex for name in COSTS}
WEIGHT_GRADIENT_LATEX = {
    "quadratic": r"\frac{\partial C}{\partial w} = (a - y)\,\sigma'(z)\,x",
    "cross_entropy": r"\frac{\partial C}{\partial w} = (a - y)\,x",
}
# Nielsen, "Neural Networks and Deep Learning", ch. 3.
STARTS = ((0.6, 0.9), (2.0, 2.0))
LEARNING_RATES = {"quadratic": 0.15, "cross_entropy": 0.005}
EPOCHS = 300
# The neuron's own output is never exactly 0 or 1 in the lesson's range; far out in the tails
# σ(z) rounds to 1, so its cost clips a this close to the edges (much closer than Keras's 1e-7).
NEURON_EPSILON = 1e-15


# The page's names and the registry's own.
_LOSSES = {**{name: losses.get(name) for name in COSTS}, **{losses.get(name).name: losses.get(name) for name in COSTS}}


def _loss(name: str) -> losses.Loss:
    try:
        return _LOSSES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown cost {name!r}; choose one of: {', '.join(COSTS)}") from None


def _check_unit(value, what: str) -> np.ndarray:
    value = np.asarray(value, dtype=float)
    if np.any((value < 0) | (value > 1)) or not np.all(np.isfinite(value)):
        raise ValueError(f"{what} must lie between 0 and 1")
    return value


def _pointwise(loss: losses.Loss, y, a, eps: float) -> np.ndarray:
    """Each element's cost: every (y, a) pair is an example with one output."""
    y, a = np.broadcast_arrays(np.asarray(y, dtype=float), np.asarray(a, dtype=float))
    return loss.row_values(y.reshape(-1, 1), a.reshape(-1, 1), eps).reshape(y.shape)


def cost(name: str, y, a) -> np.ndarray:
    """The cost of output a against target y, element by element (no averaging).

    Raises ValueError for the cross-entropy when a is exactly 0 or 1 and the
    matching log is ln 0 = −∞.
    """
    loss = _loss(name)
    y, a = _check_unit(y, "the target y"), _check_unit(a, "the output a")
    if loss.name == "binary_crossentropy":
        bad = ((a == 0) & (y != 0)) | ((a == 1) & (y != 1))
        if np.any(bad):
            edge = 0 if np.any((a == 0) & (y != 0)) else 1
            raise ValueError(
                f"at a = {edge} exactly the cross-entropy needs ln 0 = −∞: the cost is infinite. "
                "A sigmoid never outputs exactly 0 or 1; Keras clips a to [1e-7, 1 − 1e-7]. "
                "Move a slightly away from the edge."
            )
    # Unclipped: 0 · ln 0 counts as 0 (its limit), the only log of 0 left after the check.
    return _pointwise(loss, y, a, eps=0.0)


def cost_gradient(name: str, y, a) -> np.ndarray:
    """∂C/∂a element by element (ValueError at a = 0 or 1 for the cross-entropy)."""
    loss = _loss(name)
    y, a = _check_unit(y, "the target y"), _check_unit(a, "the output a")
    if loss.name == "binary_crossentropy" and np.any((a == 0) | (a == 1)):
        edge = 0 if np.any(a == 0) else 1
        raise ValueError(
            f"at a = {edge} exactly the cross-entropy's gradient (a − y) / (a(1 − a)) divides by "
            "zero. Move a slightly away from the edge."
        )
    y, a = np.broadcast_arrays(y, a)
    return loss.row_gradients(y, a, eps=0.0)


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
    per = losses.get("quadratic").row_values(Y, A)
    return BatchCost(per, float(per.mean()))


def neuron_cost(name: str, w: float, b: float, x: float = 1.0, y: float = 0.0) -> float:
    """The cost of the single neuron a = σ(wx + b) against target y."""
    return float(_pointwise(_loss(name), y, sigmoid(w * x + b), NEURON_EPSILON))


def neuron_gradient(name: str, w: float, b: float, x: float = 1.0, y: float = 0.0) -> tuple[float, float]:
    """(∂C/∂w, ∂C/∂b) for a = σ(wx + b): quadratic keeps σ'(z), cross-entropy cancels it."""
    delta = float(_loss(name).output_delta(y, sigmoid(w * x + b), "sigmoid"))
    return delta * x, delta


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
    _loss(name)
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
    costs = _pointwise(_loss(name), y, a, NEURON_EPSILON)
    return Run(name, float(lr), w_arr, b_arr, a, costs)
