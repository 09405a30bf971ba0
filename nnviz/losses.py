"""Cost functions: how far the network's output a is from the target y.

Each cost is the mean over the batch (rows) of each example's cost C_x, and
has a gradient ∂C/∂a of the same shape as a, the starting point of
backpropagation. Logs are clipped like Keras (ε = 1e-7) so that log(0) never
happens; ``eps=0`` gives the exact cost instead (infinite for a certain wrong
answer), as the cost-functions page draws it. This module is the one place
where each cost, its gradient and its formula are written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from nnviz import activations as _activations

EPSILON = 1e-7


@dataclass(frozen=True)
class Loss:
    """A cost function C(y, a), its gradient with respect to a, and its formula.

    ``latex`` and ``gradient_latex`` are the batch cost; ``example_latex``
    and ``example_gradient_latex`` one example with one output, as the
    single-neuron lessons write it. ``cancels`` names the output activation
    whose derivative cancels against this cost's gradient (δ = a − y).
    """

    name: str
    label: str
    _row_values: Callable[[np.ndarray, np.ndarray, float], np.ndarray]
    _row_gradients: Callable[[np.ndarray, np.ndarray, float], np.ndarray]
    latex: str
    gradient_latex: str
    example_latex: str
    example_gradient_latex: str
    cancels: str | None = None

    def row_values(self, y, a, eps: float = EPSILON) -> np.ndarray:
        """Each example's cost C_x, one per row (no averaging).

        ``eps`` clips a to [ε, 1 − ε] inside the logs; with ``eps=0`` the cost
        is exact (0 · ln 0 counts as its limit 0; a certain wrong answer costs ∞).
        """
        y, a = _as_batch(y, a)
        return self._row_values(y, a, eps)

    def value(self, y, a) -> float:
        """The cost averaged over the batch (a float)."""
        return float(np.mean(self.row_values(y, a)))

    def row_gradients(self, y, a, eps: float = EPSILON) -> np.ndarray:
        """∂C_x/∂a of each example's own cost, the same shape as ``a`` (not divided by n)."""
        y, a = _same_shape(y, a)
        return self._row_gradients(y, a, eps)

    def gradient(self, y, a) -> np.ndarray:
        """∂C/∂a of the batch cost, the same shape as ``a``."""
        rows = _as_batch(y, a)[1].shape[0]
        return self.row_gradients(y, a) / rows

    def output_delta(self, y, a, activation: str) -> np.ndarray:
        """δ = ∂C_x/∂z of an output layer a = f(z), each example's own (not divided by n).

        ∇ₐC ⊙ f'(z), with f' taken from the output a. For the pairs that
        cancel (sigmoid with binary cross-entropy, softmax with categorical
        cross-entropy) it is a − y exactly, also where f saturates and ∇ₐC
        alone would be huge.
        """
        y, a = _same_shape(y, a)
        if activation == self.cancels:
            return a - y
        if activation == "softmax":
            raise ValueError(f"softmax couples its outputs; pair it with categorical_crossentropy, not {self.name}")
        return self._row_gradients(y, a, EPSILON) * _activations.get(activation).derivative_of_output(a)


def _same_shape(y, a):
    if isinstance(y, float) and isinstance(a, float):
        # One example with one output: NumPy scalars compute several times faster than 0-d arrays.
        return np.float64(y), np.float64(a)
    y = np.asarray(y, dtype=float)
    a = np.asarray(a, dtype=float)
    if y.shape != a.shape:
        raise ValueError(f"target y has shape {y.shape} but output a has shape {a.shape}")
    return y, a


def _as_batch(y, a):
    y, a = _same_shape(y, a)
    if a.ndim == 0:
        return y.reshape(1, 1), a.reshape(1, 1)
    if a.ndim == 1:
        # A single example's output vector.
        return y.reshape(1, -1), a.reshape(1, -1)
    return y, a


def _clip(a, eps):
    return np.clip(a, eps, 1.0 - eps) if eps > 0 else a


def _inside(a, eps):
    # Outside the clip range the clipped value is flat: its gradient is 0, as in Keras.
    return (a >= eps) & (a <= 1.0 - eps)


def _y_ln(y, p):
    """y ln p, with 0 · ln 0 = 0 (its limit): reached only when nothing is clipped."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y == 0, 0.0, y * np.log(p))


def _quadratic_rows(y, a, eps):
    return 0.5 * np.sum((y - a) ** 2, axis=1)


def _quadratic_gradients(y, a, eps):
    return a - y


def _bce_rows(y, a, eps):
    p = _clip(a, eps)
    return -np.sum(_y_ln(y, p) + _y_ln(1.0 - y, 1.0 - p), axis=1)


def _bce_gradients(y, a, eps):
    p = _clip(a, eps)
    return _inside(a, eps) * (p - y) / (p * (1.0 - p))


def _cce_rows(y, a, eps):
    return -np.sum(_y_ln(y, _clip(a, eps)), axis=1)


def _cce_gradients(y, a, eps):
    return _inside(a, eps) * (-y / _clip(a, eps))


_REGISTRY: dict[str, Loss] = {
    loss.name: loss
    for loss in [
        Loss(
            "quadratic", "quadratic (mean squared error)",
            _quadratic_rows, _quadratic_gradients,
            r"C = \frac{1}{2n} \sum_x \lVert y(x) - a(x) \rVert^2",
            r"\frac{\partial C}{\partial a} = \frac{1}{n}(a - y)",
            r"C = \tfrac{1}{2}(y - a)^2",
            r"\frac{\partial C}{\partial a} = a - y",
            cancels="linear",
        ),
        Loss(
            "binary_crossentropy", "binary cross-entropy",
            _bce_rows, _bce_gradients,
            r"C = -\frac{1}{n} \sum_x \sum_j \left[ y_j \ln a_j + (1 - y_j) \ln(1 - a_j) \right]",
            r"\frac{\partial C}{\partial a_j} = \frac{1}{n}\,\frac{a_j - y_j}{a_j (1 - a_j)}",
            r"C = -\left[\, y \ln a + (1 - y) \ln(1 - a) \,\right]",
            r"\frac{\partial C}{\partial a} = \frac{a - y}{a(1 - a)}",
            cancels="sigmoid",
        ),
        Loss(
            "categorical_crossentropy", "categorical cross-entropy",
            _cce_rows, _cce_gradients,
            r"C = -\frac{1}{n} \sum_x \sum_j y_j \ln a_j",
            r"\frac{\partial C}{\partial a_j} = -\frac{1}{n}\,\frac{y_j}{a_j}",
            r"C = -\sum_j y_j \ln a_j",
            r"\frac{\partial C}{\partial a_j} = -\frac{y_j}{a_j}",
            cancels="softmax",
        ),
    ]
}

NAMES: tuple[str, ...] = tuple(_REGISTRY)
# Other names pages and saved links use for a registered cost.
ALIASES: dict[str, str] = {"cross_entropy": "binary_crossentropy"}


def get(name: str) -> Loss:
    """The cost function registered under ``name`` (or one of its ``ALIASES``).

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    """
    try:
        return _REGISTRY[ALIASES.get(name, name)]
    except (KeyError, TypeError):
        raise ValueError(f"unknown loss {name!r}; choose one of: {', '.join(_REGISTRY)}") from None


SOFTMAX_CROSSENTROPY_LATEX = r"C = -\sum_j y_j \ln p_j, \quad \frac{\partial C}{\partial z_j} = p_j - y_j"


def softmax_crossentropy(y, z) -> np.ndarray:
    """Each example's categorical cross-entropy of p = softmax(z), straight from the logits z.

    −Σ_j y_j ln p_j with ln p from :func:`nnviz.activations.log_softmax`:
    exact even where p underflows to 0, so nothing is clipped (Keras's
    ``from_logits=True``). Its gradient with respect to z is p − y
    (``get("categorical_crossentropy").output_delta(y, p, "softmax")``).
    """
    y, z = _as_batch(y, z)
    return -np.sum(y * _activations.log_softmax(z, axis=1), axis=1)
