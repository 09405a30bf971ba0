"""Activation curves for the lesson: f(z), f'(z), and where the gradient vanishes.

Where f'(z) is nearly zero the neuron is saturated: a change of its weights
barely changes its output, so gradient descent barely moves them. The sigmoid's
derivative is never more than 0.25 (at z = 0), so every sigmoid layer shrinks
the backpropagated error by at least a factor of four: the vanishing gradient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz import activations as _activations

# σ'(0) = 1/4, the largest slope of the sigmoid.
SIGMOID_PRIME_MAX = float(_activations.get("sigmoid").derivative(0.0))
SATURATION_THRESHOLD = 0.01


@dataclass(frozen=True)
class Curve:
    """An activation sampled on z: values, derivative, saturated intervals."""

    name: str
    label: str
    z: np.ndarray
    f: np.ndarray
    derivative: np.ndarray
    saturated: tuple[tuple[float, float], ...]


def _intervals(z: np.ndarray, mask: np.ndarray) -> tuple[tuple[float, float], ...]:
    out, start = [], None
    for value, flag in zip(z, mask):
        if flag and start is None:
            start = value
        if not flag and start is not None:
            out.append((float(start), float(previous)))
            start = None
        previous = value
    if start is not None:
        out.append((float(start), float(z[-1])))
    return tuple(out)


def curve(name: str, lo: float = -6.0, hi: float = 6.0, n: int = 401,
          threshold: float = SATURATION_THRESHOLD) -> Curve:
    """f and f' of the activation ``name`` on n points of [lo, hi], with |f'| < threshold shaded.

    Functions whose derivative is zero by construction (step, and ReLU for z < 0)
    are flagged too: they pass no gradient there.
    """
    if not hi > lo:
        raise ValueError(f"the z range must go from low to high, got {lo:g} to {hi:g}")
    activation = _activations.get(name)
    z = np.linspace(lo, hi, int(n))
    d = activation.derivative(z)
    return Curve(name, activation.label, z, activation.fn(z), d,
                 _intervals(z, np.abs(d) < threshold))


def response(name: str, x, w: float, b: float) -> np.ndarray:
    """f(w·x + b) over the inputs x: w sets how steep, b where the neuron switches."""
    return _activations.get(name).fn(w * np.asarray(x, dtype=float) + b)


def switch_point(w: float, b: float) -> float | None:
    """The input x where z = w·x + b crosses 0 (None when w = 0: it never does)."""
    # + 0.0 turns −0.0 into 0.0 so the page never shows "x = -0.00".
    return None if w == 0 else -b / w + 0.0
