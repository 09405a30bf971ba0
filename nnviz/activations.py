"""Activation functions, each with its derivative and formula side by side.

Every entry of the registry carries the function a neuron applies to its
weighted input z, the derivative used by backpropagation, and the LaTeX the
pages show beside the chart, so the three never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Activation:
    """A neuron's activation function with its derivative and formula."""

    name: str
    label: str
    fn: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    latex: str
    derivative_latex: str
    differentiable: bool = True


def sigmoid(z):
    """The logistic function σ(z) = 1 / (1 + e^(−z)), stable for any z."""
    z = np.asarray(z, dtype=float)
    # exp of a negative number never overflows; pick the form per sign.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1.0 - s)


def _tanh_prime(z):
    t = np.tanh(np.asarray(z, dtype=float))
    return 1.0 - t * t


def _step(z):
    return (np.asarray(z, dtype=float) >= 0).astype(float)


def _relu(z):
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def _relu_prime(z):
    return (np.asarray(z, dtype=float) > 0).astype(float)


LEAKY_SLOPE = 0.01


def _leaky_relu(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_relu_prime(z):
    return np.where(np.asarray(z, dtype=float) > 0, 1.0, LEAKY_SLOPE)


def _elu(z):
    z = np.asarray(z, dtype=float)
    # expm1 of a clipped argument: the branch not taken must not overflow.
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))


def _elu_prime(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0)))


def _softplus(z):
    return np.logaddexp(0.0, np.asarray(z, dtype=float))


def _linear(z):
    return np.asarray(z, dtype=float).copy()


def _ones(z):
    return np.ones_like(np.asarray(z, dtype=float))


def _zeros(z):
    return np.zeros_like(np.asarray(z, dtype=float))


_REGISTRY: dict[str, Activation] = {
    a.name: a
    for a in [
        Activation(
            "step", "step", _step, _zeros,
            r"f(z) = \begin{cases} 1 & z \ge 0 \\ 0 & z < 0 \end{cases}",
            r"f'(z) = 0 \quad (z \ne 0)",
            differentiable=False,
        ),
        Activation(
            "sigmoid", "sigmoid", sigmoid, _sigmoid_prime,
            r"\sigma(z) = \frac{1}{1 + e^{-z}}",
            r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))",
        ),
        Activation(
            "tanh", "tanh", lambda z: np.tanh(np.asarray(z, dtype=float)), _tanh_prime,
            r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
            r"\tanh'(z) = 1 - \tanh^2(z)",
        ),
        Activation(
            "relu", "ReLU", _relu, _relu_prime,
            r"\mathrm{ReLU}(z) = \max(0, z)",
            r"\mathrm{ReLU}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z < 0 \end{cases}",
        ),
        Activation(
            "leaky_relu", "leaky ReLU", _leaky_relu, _leaky_relu_prime,
            r"f(z) = \begin{cases} z & z > 0 \\ 0.01\,z & z \le 0 \end{cases}",
            r"f'(z) = \begin{cases} 1 & z > 0 \\ 0.01 & z < 0 \end{cases}",
        ),
        Activation(
            "elu", "ELU", _elu, _elu_prime,
            r"\mathrm{ELU}(z) = \begin{cases} z & z > 0 \\ e^{z} - 1 & z \le 0 \end{cases}",
            r"\mathrm{ELU}'(z) = \begin{cases} 1 & z > 0 \\ e^{z} & z \le 0 \end{cases}",
        ),
        Activation(
            "softplus", "softplus", _softplus, sigmoid,
            r"\mathrm{softplus}(z) = \ln(1 + e^{z})",
            r"\mathrm{softplus}'(z) = \sigma(z)",
        ),
        Activation(
            "linear", "linear (identity)", _linear, _ones,
            r"f(z) = z",
            r"f'(z) = 1",
        ),
    ]
}

NAMES: tuple[str, ...] = tuple(_REGISTRY)


def get(name: str) -> Activation:
    """The activation registered under ``name``.

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    """
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown activation {name!r}; choose one of: {', '.join(_REGISTRY)}"
        ) from None


SOFTMAX_LATEX = r"\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}"


def softmax(z, axis: int = -1) -> np.ndarray:
    """Softmax of the logits ``z`` along ``axis``: probabilities that sum to 1.

    Shifting by the maximum first leaves the result unchanged (softmax is
    shift-invariant) and keeps every exponent ≤ 0, so no logit overflows.
    """
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def naive_softmax(z, axis: int = -1) -> np.ndarray:
    """Softmax straight from the formula, without the max shift.

    Kept only to show on the page why the shift matters: for logits around
    1000, ``exp`` overflows to inf and inf / inf gives NaN.
    """
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z)
        return e / np.sum(e, axis=axis, keepdims=True)
