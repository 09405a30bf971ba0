"""One-hot and multi-hot encoding: class labels turned into target vectors.

A network with one output per class is trained against vectors, not names:
one-hot for exclusive classes (exactly one 1 per row, used with softmax) and
multi-hot for non-exclusive ones (any number of 1s, used with independent
sigmoids).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Encoding:
    """The classes (column order) and the 0/1 matrix, one row per example."""

    classes: tuple[str, ...]
    matrix: np.ndarray


def _clean(label) -> str:
    return str(label).strip()


def one_hot(labels, classes=None) -> Encoding:
    """One row per label with a single 1 in the label's column.

    ``classes`` fixes the column order; by default the classes in order of first appearance.
    """
    labels = [_clean(v) for v in labels]
    labels = [v for v in labels if v]
    if not labels:
        raise ValueError("the class list is empty: type at least one label to encode")
    classes = tuple(dict.fromkeys(labels)) if classes is None else tuple(_clean(c) for c in classes)
    unknown = sorted(set(labels) - set(classes))
    if unknown:
        raise ValueError(f"labels {unknown} are not among the classes {list(classes)}")
    index = {c: i for i, c in enumerate(classes)}
    return Encoding(classes, one_hot_rows([index[v] for v in labels], len(classes)))


def one_hot_rows(indices, n_classes: int) -> np.ndarray:
    """One row per class index with a single 1 in that column: the targets of a softmax output."""
    indices = np.asarray(indices).astype(int).reshape(-1)
    matrix = np.zeros((indices.size, int(n_classes)))
    matrix[np.arange(indices.size), indices] = 1.0
    return matrix


def parse_label_set(text: str, separator: str = ",") -> tuple[str, ...]:
    """The labels of one example written as text, e.g. ``"A, B"`` -> ``("A", "B")``."""
    return tuple(dict.fromkeys(p for p in (_clean(v) for v in str(text).split(separator)) if p))


def multi_hot(label_sets) -> Encoding:
    """One row per example with a 1 in the column of every label it has (classes sorted)."""
    sets = [tuple(_clean(v) for v in s if _clean(v)) for s in label_sets]
    sets = [s for s in sets if s]
    if not sets:
        raise ValueError("the class list is empty: give at least one example with a label")
    classes = tuple(sorted({label for s in sets for label in s}))
    index = {c: i for i, c in enumerate(classes)}
    matrix = np.zeros((len(sets), len(classes)))
    for row, labels in enumerate(sets):
        matrix[row, [index[v] for v in labels]] = 1.0
    return Encoding(classes, matrix)


def parse_numbers(text: str, what: str = "values") -> np.ndarray:
    """Numbers typed as text, separated by commas, e.g. ``"2, 1, 0.1"``."""
    parts = [p.strip() for p in str(text).split(",") if p.strip()]
    if not parts:
        raise ValueError(f"no {what} given: type numbers separated by commas, e.g. 2, 1, 0.1")
    try:
        values = np.array([float(p) for p in parts])
    except ValueError:
        raise ValueError(f"could not read the {what} {text!r}: type numbers separated by commas") from None
    if not np.all(np.isfinite(values)):
        raise ValueError(f"the {what} must be finite numbers")
    return values


def parse_labels(text: str) -> list[str]:
    """Labels typed as text, separated by commas: ``"Red, Green, Blue"``."""
    return [p for p in (_clean(v) for v in str(text).split(",")) if p]


def parse_label_sets(text: str) -> list[tuple[str, ...]]:
    """Examples separated by ``;``, each with comma-separated labels: ``"A,B; A; C,B; B"``."""
    return [parse_label_set(chunk) for chunk in str(text).split(";") if chunk.strip()]
