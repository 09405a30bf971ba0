"""Cost functions: how far the network's output a is from the target y.

Each cost is the mean over the batch (rows) and has a gradient ∂C/∂a of the
same shape as a, the starting point of backpropagation. Logs are clipped like
Keras (ε = 1e-7) so that log(0) never happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

EPSILON = 1e-7


@dataclass(frozen=True)
class Loss:
    """A cost function C(y, a), its gradient with respect to a, and its formula."""

    name: str
    label: str
    _value: Callable[[np.ndarray, np.ndarray], float]
    _gradient: Callable[[np.ndarray, np.ndarray], np.ndarray]
    latex: str
    gradient_latex: str

    def value(self, y, a) -> float:
        """The cost averaged over the batch (a float)."""
        y, a = _as_batch(y, a)
        return float(self._value(y, a))

    def gradient(self, y, a) -> np.ndarray:
        """∂C/∂a, the same shape as ``a``."""
        y2, a2 = _as_batch(y, a)
        return self._gradient(y2, a2).reshape(np.shape(a))


def _as_batch(y, a):
    y = np.asarray(y, dtype=float)
    a = np.asarray(a, dtype=float)
    if y.shape != a.shape:
        raise ValueError(f"target y has shape {y.shape} but output a has shape {a.shape}")
    if a.ndim == 0:
        return y.reshape(1, 1), a.reshape(1, 1)
    if a.ndim == 1:
        # A single example's output vector.
        return y.reshape(1, -1), a.reshape(1, -1)
    return y, a


def _clip(a):
    return np.clip(a, EPSILON, 1.0 - EPSILON)


def _quadratic_value(y, a):
    n = a.shape[0]
    return np.sum((y - a) ** 2) / (2 * n)


def _quadratic_gradient(y, a):
    return (a - y) / a.shape[0]


def _bce_value(y, a):
    p = _clip(a)
    return -np.mean(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p), axis=1))


def _bce_gradient(y, a):
    p = _clip(a)
    # Outside the clip range the clipped value is flat: its gradient is 0, as in Keras.
    inside = (a >= EPSILON) & (a <= 1.0 - EPSILON)
    return inside * (p - y) / (p * (1 - p)) / a.shape[0]


def _cce_value(y, a):
    p = _clip(a)
    return -np.mean(np.sum(y * np.log(p), axis=1))


def _cce_gradient(y, a):
    p = _clip(a)
    inside = (a >= EPSILON) & (a <= 1.0 - EPSILON)
    return inside * (-y / p) / a.shape[0]


_REGISTRY: dict[str, Loss] = {
    loss.name: loss
    for loss in [
        Loss(
            "quadratic", "quadratic (mean squared error)",
            _quadratic_value, _quadratic_gradient,
            r"C = \frac{1}{2n} \sum_x \lVert y(x) - a(x) \rVert^2",
            r"\frac{\partial C}{\partial a} = \frac{1}{n}(a - y)",
        ),
        Loss(
            "binary_crossentropy", "binary cross-entropy",
            _bce_value, _bce_gradient,
            r"C = -\frac{1}{n} \sum_x \sum_j \left[ y_j \ln a_j + (1 - y_j) \ln(1 - a_j) \right]",
            r"\frac{\partial C}{\partial a_j} = \frac{1}{n}\,\frac{a_j - y_j}{a_j (1 - a_j)}",
        ),
        Loss(
            "categorical_crossentropy", "categorical cross-entropy",
            _cce_value, _cce_gradient,
            r"C = -\frac{1}{n} \sum_x \sum_j y_j \ln a_j",
            r"\frac{\partial C}{\partial a_j} = -\frac{1}{n}\,\frac{y_j}{a_j}",
        ),
    ]
}

NAMES: tuple[str, ...] = tuple(_REGISTRY)


def get(name: str) -> Loss:
    """The cost function registered under ``name``.

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    """
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown loss {name!r}; choose one of: {', '.join(_REGISTRY)}") from None
