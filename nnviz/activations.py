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
    """A neuron's activation function with its derivative and formula.

    ``derivative_of_output`` is the same derivative f'(z) written in terms of
    the output a = f(z) (σ' = a(1 − a), tanh' = 1 − a²): backpropagation keeps
    the activations, so it need not recompute f from z.
    """

    name: str
    label: str
    fn: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    derivative_of_output: Callable[[np.ndarray], np.ndarray]
    latex: str
    derivative_latex: str
    differentiable: bool = True


def _floats(z) -> np.ndarray:
    # Keep float32 as float32 (the playground draws its grid in float32); anything else becomes float64.
    if isinstance(z, float):
        # A NumPy scalar computes several times faster than a 0-d array (the cost lesson's neuron trains on floats).
        return np.float64(z)
    z = np.asarray(z)
    return z if z.dtype.kind == "f" else z.astype(float)


# The largest x whose e^x is finite, per float type.
_EXP_MAX = {np.dtype(np.float16): 11.0, np.dtype(np.float32): 88.0, np.dtype(np.float64): 709.0}


def sigmoid(z):
    """The logistic function σ(z) = 1 / (1 + e^(−z)), for any z.

    Accurate to the last digits far into both tails. e^(−z) would overflow
    below z ≈ −709 (−88 in float32): the exponent is capped there, so σ of
    anything lower is e^(−709) ≈ 1e-308 instead of a number too small to store.
    """
    z = _floats(z)
    return 1.0 / (1.0 + np.exp(np.minimum(-z, _EXP_MAX.get(z.dtype, 709.0))))


def _sigmoid_of_output(a):
    return a * (1.0 - a)


def _sigmoid_prime(z):
    return _sigmoid_of_output(sigmoid(z))


def _tanh(z):
    return np.tanh(_floats(z))


def _tanh_of_output(a):
    return 1.0 - a * a


def _tanh_prime(z):
    return _tanh_of_output(_tanh(z))


def _step(z):
    z = _floats(z)
    return (z >= 0).astype(z.dtype)


def _relu(z):
    return np.maximum(_floats(z), 0.0)


def _relu_prime(z):
    z = _floats(z)
    return (z > 0).astype(z.dtype)


LEAKY_SLOPE = 0.01


def _leaky_relu(z):
    z = _floats(z)
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_relu_prime(z):
    # The output has the sign of z, so the same rule serves f'(z) and f' from a.
    return np.where(_floats(z) > 0, 1.0, LEAKY_SLOPE)


def _elu(z):
    z = _floats(z)
    # expm1 of a clipped argument: the branch not taken must not overflow.
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))


def _elu_prime(z):
    z = _floats(z)
    return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0)))


def _elu_of_output(a):
    # For z ≤ 0, a = e^z − 1, so f'(z) = e^z = a + 1.
    a = _floats(a)
    return np.where(a > 0, 1.0, a + 1.0)


def _softplus(z):
    return np.logaddexp(0.0, _floats(z))


def _softplus_of_output(a):
    # a = ln(1 + e^z) gives σ(z) = 1 − e^(−a).
    return -np.expm1(-_floats(a))


def _linear(z):
    return _floats(z).copy()


def _ones(z):
    return np.ones_like(_floats(z))


def _zeros(z):
    return np.zeros_like(_floats(z))


_REGISTRY: dict[str, Activation] = {
    a.name: a
    for a in [
        Activation(
            "step", "step", _step, _zeros, _zeros,
            r"f(z) = \begin{cases} 1 & z \ge 0 \\ 0 & z < 0 \end{cases}",
            r"f'(z) = 0 \quad (z \ne 0)",
            differentiable=False,
        ),
        Activation(
            "sigmoid", "sigmoid", sigmoid, _sigmoid_prime, _sigmoid_of_output,
            r"\sigma(z) = \frac{1}{1 + e^{-z}}",
            r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))",
        ),
        Activation(
            "tanh", "tanh", _tanh, _tanh_prime, _tanh_of_output,
            r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
            r"\tanh'(z) = 1 - \tanh^2(z)",
        ),
        Activation(
            "relu", "ReLU", _relu, _relu_prime, _relu_prime,
            r"\mathrm{ReLU}(z) = \max(0, z)",
            r"\mathrm{ReLU}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z < 0 \end{cases}",
        ),
        Activation(
            "leaky_relu", "leaky ReLU", _leaky_relu, _leaky_relu_prime, _leaky_relu_prime,
            r"f(z) = \begin{cases} z & z > 0 \\ 0.01\,z & z \le 0 \end{cases}",
            r"f'(z) = \begin{cases} 1 & z > 0 \\ 0.01 & z < 0 \end{cases}",
        ),
        Activation(
            "elu", "ELU", _elu, _elu_prime, _elu_of_output,
            r"\mathrm{ELU}(z) = \begin{cases} z & z > 0 \\ e^{z} - 1 & z \le 0 \end{cases}",
            r"\mathrm{ELU}'(z) = \begin{cases} 1 & z > 0 \\ e^{z} & z \le 0 \end{cases}",
        ),
        Activation(
            "softplus", "softplus", _softplus, sigmoid, _softplus_of_output,
            r"\mathrm{softplus}(z) = \ln(1 + e^{z})",
            r"\mathrm{softplus}'(z) = \sigma(z)",
        ),
        Activation(
            "linear", "linear (identity)", _linear, _ones, _ones,
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
# The output layer of exclusive classes, with a temperature T, and of non-exclusive ones (one sigmoid per class).
SOFTMAX_TEMPERATURE_LATEX = r"p_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}"
SIGMOID_PER_CLASS_LATEX = r"q_i = \sigma(z_i) = \frac{1}{1 + e^{-z_i}}"


def softmax(z, axis: int = -1) -> np.ndarray:
    """Softmax of the logits ``z`` along ``axis``: probabilities that sum to 1.

    Shifting by the maximum first leaves the result unchanged (softmax is
    shift-invariant) and keeps every exponent ≤ 0, so no logit overflows.
    """
    z = _floats(z)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z, axis: int = -1) -> np.ndarray:
    """ln softmax(z) along ``axis``, as z − max z − ln Σ e^(z − max z).

    Exact where softmax itself underflows to 0 (ln 0 would be −∞): the
    categorical cross-entropy straight from the logits needs it.
    """
    z = _floats(z)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def layer_function(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """The function a layer applies to its weighted inputs z (a row per example).

    ``"softmax"`` is softmax over each row (an output layer of exclusive
    classes); any other name is the registered activation, element by element.
    """
    return softmax if name == "softmax" else get(name).fn


def naive_softmax(z, axis: int = -1) -> np.ndarray:
    """Softmax straight from the formula, without the max shift.

    Kept only to show on the page why the shift matters: for logits around
    1000, ``exp`` overflows to inf and inf / inf gives NaN.
    """
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z)
        return e / np.sum(e, axis=axis, keepdims=True)
