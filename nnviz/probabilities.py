"""Class probabilities from logits: softmax for exclusive classes, sigmoids for non-exclusive.

Softmax turns K logits into K probabilities that sum to 1 (exactly one class
is true); a temperature T divides the logits first (T < 1 sharpens, T > 1
flattens). Independent sigmoids give each class its own probability, which need
not sum to 1 (several classes can be true at once).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz import activations, encoding, losses
from nnviz.activations import naive_softmax, sigmoid, softmax

# The pages' names for formulas kept in nnviz.activations and nnviz.losses.
SOFTMAX_T_LATEX = activations.SOFTMAX_TEMPERATURE_LATEX
SIGMOID_LATEX = activations.SIGMOID_PER_CLASS_LATEX
CCE_LATEX = losses.SOFTMAX_CROSSENTROPY_LATEX


def _logits(logits) -> np.ndarray:
    z = np.asarray(logits, dtype=float).reshape(-1)
    if z.size == 0:
        raise ValueError("the class list is empty: add at least one class with a logit")
    if not np.all(np.isfinite(z)):
        raise ValueError("every logit must be a finite number")
    return z


@dataclass(frozen=True)
class ClassProbabilities:
    """Softmax and independent-sigmoid probabilities of the same logits.

    ``chosen`` is the index of the most probable class, or None when several
    classes tie for the top (e.g. identical logits: softmax gives each 1/K).
    """

    logits: np.ndarray
    temperature: float
    softmax: np.ndarray
    sigmoids: np.ndarray
    chosen: int | None


def class_probabilities(logits, temperature: float = 1.0) -> ClassProbabilities:
    """Softmax of logits / T and σ of each logit, with the chosen class."""
    z = _logits(logits)
    if not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"the temperature must be positive, got {temperature:g} (T = 1 is plain softmax)")
    p = softmax(z / temperature)
    top = np.flatnonzero(z == z.max())
    return ClassProbabilities(z, float(temperature), p, sigmoid(z), int(top[0]) if top.size == 1 else None)


@dataclass(frozen=True)
class OverflowDemo:
    """Softmax from the formula and with the max shift, and which exponentials overflowed."""

    exponentials: np.ndarray
    naive: np.ndarray
    stable: np.ndarray
    overflowed: bool


def overflow_demo(logits) -> OverflowDemo:
    """Why softmax subtracts the largest logit: e^1000 is inf in float64, and inf / inf is NaN."""
    z = _logits(logits)
    naive = naive_softmax(z)
    with np.errstate(over="ignore"):
        exponentials = np.exp(z)
    return OverflowDemo(exponentials, naive, softmax(z), bool(not np.all(np.isfinite(naive))))


@dataclass(frozen=True)
class CategoricalCost:
    """−Σ y ln p for softmax outputs p and a one-hot target y, and its gradient p − y."""

    p: np.ndarray
    y: np.ndarray
    cost: float
    gradient: np.ndarray


def categorical_cross_entropy(logits, target: int) -> CategoricalCost:
    """The categorical cross-entropy of softmax(logits) against the one-hot target ``target``.

    The gradient is with respect to the logits z: for softmax followed by
    cross-entropy it simplifies to p − y.
    """
    z = _logits(logits)
    if not 0 <= int(target) < z.size:
        raise ValueError(f"the target class must be one of 0..{z.size - 1}, got {target}")
    y = encoding.one_hot_rows([target], z.size)[0]
    p = softmax(z)
    # From the logits: exact even when p underflows to 0.
    cost = float(losses.softmax_crossentropy(y, z)[0])
    return CategoricalCost(p, y, cost, losses.get("categorical_crossentropy").output_delta(y, p, "softmax"))


MAX_CLASSES = 6


def named_logits(classes, logits) -> tuple[list[str], np.ndarray]:
    """Check that every class has one logit and that there are 2 to 6 classes."""
    classes = [str(c).strip() for c in classes if str(c).strip()]
    z = np.asarray(logits, dtype=float).reshape(-1)
    if not classes:
        raise ValueError("the class list is empty: type class names separated by commas, e.g. Red, Green, Blue")
    if len(classes) != z.size:
        raise ValueError(f"there are {len(classes)} class names but {z.size} logits: give one logit per class")
    if len(set(classes)) != len(classes):
        raise ValueError("two classes have the same name: give every class its own name")
    if not 2 <= len(classes) <= MAX_CLASSES:
        raise ValueError(f"use 2 to {MAX_CLASSES} classes (got {len(classes)}): with one class softmax is always 1")
    return classes, _logits(z)
