"""Data sets: TensorFlow-Playground-style 2-D generators and scikit-learn's bundled tables.

The 2-D generators follow the original's shapes on the square [−6, 6]²; every
one takes a noise level in percent (0–50, as the original's slider) and a
seed, and returns the same points for the same seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EXTENT = 6.0


@dataclass(frozen=True)
class Dataset2D:
    """Points in the plane: ``X`` is (n, 2); ``y`` holds class indices or regression targets."""

    name: str
    X: np.ndarray
    y: np.ndarray
    task: str  # "classification" or "regression"
    n_classes: int  # 0 for regression


def _circle(n, noise, rng, n_classes):
    radius = 5.0
    r = np.concatenate([rng.uniform(0, radius * 0.5, n // 2), rng.uniform(radius * 0.7, radius, n - n // 2)])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    X += rng.uniform(-radius, radius, (n, 2)) * noise
    # Label by the noiseless radius rule, as the original: inside half the radius is one class.
    y = (np.hypot(X[:, 0], X[:, 1]) < radius * 0.5).astype(int)
    return X, y


def _xor(n, noise, rng, n_classes):
    padding = 0.3
    X = rng.uniform(-5, 5, (n, 2))
    X += np.where(X > 0, padding, -padding)
    X_noisy = X + rng.uniform(-5, 5, (n, 2)) * noise
    y = (X_noisy[:, 0] * X_noisy[:, 1] >= 0).astype(int)
    return X_noisy, y


def _gaussians(n, noise, rng, n_classes):
    variance = 0.5 + noise * 7.5  # noise 0..0.5 maps to variance 0.5..4, as the original
    half = n // 2
    X = np.concatenate([
        rng.normal([2, 2], np.sqrt(variance), (half, 2)),
        rng.normal([-2, -2], np.sqrt(variance), (n - half, 2)),
    ])
    y = np.concatenate([np.ones(half, int), np.zeros(n - half, int)])
    return X, y


def _spiral_arms(n, noise, rng, arms):
    per_arm = [n // arms + (1 if i < n % arms else 0) for i in range(arms)]
    points, labels = [], []
    for arm, count in enumerate(per_arm):
        i = np.arange(count)
        r = i / max(count, 1) * 5
        t = 1.75 * i / max(count, 1) * 2 * np.pi + arm * 2 * np.pi / arms
        xy = np.column_stack([r * np.sin(t), r * np.cos(t)])
        points.append(xy + rng.uniform(-1, 1, (count, 2)) * noise * 5)
        labels.append(np.full(count, arm))
    return np.concatenate(points), np.concatenate(labels)


def _spiral(n, noise, rng, n_classes):
    X, y = _spiral_arms(n, noise, rng, 2)
    return X, 1 - y


def _spiral3(n, noise, rng, n_classes):
    return _spiral_arms(n, noise, rng, 3)


def _moons(n, noise, rng, n_classes):
    half = n // 2
    outer = np.linspace(0, np.pi, half)
    inner = np.linspace(0, np.pi, n - half)
    X = np.concatenate([
        np.column_stack([np.cos(outer), np.sin(outer)]),
        np.column_stack([1 - np.cos(inner), 0.5 - np.sin(inner)]),
    ])
    X = (X - [0.5, 0.25]) * 3.2 + rng.normal(0, 1, (n, 2)) * noise * 2
    y = np.concatenate([np.zeros(half, int), np.ones(n - half, int)])
    return X, y


def _blobs(n, noise, rng, n_classes):
    angles = 2 * np.pi * np.arange(n_classes) / n_classes + np.pi / 2
    centres = 3.5 * np.column_stack([np.cos(angles), np.sin(angles)])
    y = np.arange(n) % n_classes
    X = centres[y] + rng.normal(0, 0.6 + noise * 6, (n, 2))
    return X, y


def _regression_plane(n, noise, rng, n_classes):
    X = rng.uniform(-EXTENT, EXTENT, (n, 2))
    y = (X[:, 0] + X[:, 1]) / (2 * EXTENT) + rng.uniform(-1, 1, n) * noise
    return X, y


def _regression_gaussian(n, noise, rng, n_classes):
    X = rng.uniform(-EXTENT, EXTENT, (n, 2))
    centres = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])
    distance = np.hypot(X[:, None, 0] - centres[None, :, 0], X[:, None, 1] - centres[None, :, 1])
    nearest = np.argmin(distance, axis=1)
    scale = np.clip(1 - distance[np.arange(n), nearest] / 3.0, 0, None)
    y = centres[nearest, 2] * scale + rng.uniform(-1, 1, n) * noise
    return X, y


_GENERATORS = {
    "circle": (_circle, "classification"),
    "xor": (_xor, "classification"),
    "gaussians": (_gaussians, "classification"),
    "spiral": (_spiral, "classification"),
    "moons": (_moons, "classification"),
    "blobs": (_blobs, "classification"),
    "spiral3": (_spiral3, "classification"),
    "regression_plane": (_regression_plane, "regression"),
    "regression_gaussian": (_regression_gaussian, "regression"),
}
NAMES_2D: tuple[str, ...] = tuple(_GENERATORS)
CLASSIFICATION_2D = tuple(n for n, (_, task) in _GENERATORS.items() if task == "classification")
REGRESSION_2D = tuple(n for n, (_, task) in _GENERATORS.items() if task == "regression")


def generate(name: str, n_samples: int = 500, noise: float = 0.0, seed=0, n_classes: int = 3) -> Dataset2D:
    """A 2-D data set by name.

    Parameters
    ----------
    name : one of ``NAMES_2D``
    n_samples : number of points (≥ 2)
    noise : 0 to 0.5, the original's "noise" slider divided by 100
    seed : int or np.random.Generator
    n_classes : classes for ``blobs`` (2–5); ``spiral3`` always has 3
    """
    try:
        fn, task = _GENERATORS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown data set {name!r}; choose one of: {', '.join(_GENERATORS)}") from None
    if int(n_samples) < 2:
        raise ValueError(f"need at least 2 points, got {n_samples}")
    if not 0 <= noise <= 0.5:
        raise ValueError(f"noise must be between 0 and 0.5 (0–50 %), got {noise}")
    if name == "blobs" and not 2 <= n_classes <= 5:
        raise ValueError(f"blobs needs 2 to 5 classes, got {n_classes}")
    rng = np.random.default_rng(seed)
    X, y = fn(int(n_samples), float(noise), rng, int(n_classes))
    if task == "regression":
        return Dataset2D(name, X.astype(float), y.astype(float), task, 0)
    classes = {"blobs": int(n_classes), "spiral3": 3}.get(name, 2)
    return Dataset2D(name, X.astype(float), y.astype(int), task, classes)


def split(X, y, test_fraction: float, seed=0):
    """Shuffle and split into ``X_train, X_test, y_train, y_test`` (test share 0 < f < 1)."""
    from sklearn.model_selection import train_test_split

    if not 0 < test_fraction < 1:
        raise ValueError(f"the test share must be between 0 and 1, got {test_fraction}")
    return train_test_split(np.asarray(X), np.asarray(y), test_size=test_fraction,
                            random_state=_seed_int(seed), shuffle=True)


def _seed_int(seed) -> int:
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(2**31 - 1))
    return int(seed or 0)


@dataclass(frozen=True)
class Tabular:
    """A table that ships with scikit-learn: features, target and names."""

    name: str
    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]  # class names; empty for regression
    task: str  # "binary", "multiclass" or "regression"
    description: str


_TABULAR = {
    "breast_cancer": ("load_breast_cancer", "binary", "Breast cancer Wisconsin: 569 tumours, 30 measurements, malignant or benign."),
    "iris": ("load_iris", "multiclass", "Iris: 150 flowers, 4 measurements, 3 species."),
    "wine": ("load_wine", "multiclass", "Wine: 178 wines, 13 chemical measurements, 3 cultivars."),
    "digits": ("load_digits", "multiclass", "Digits: 1,797 handwritten digits as 8 × 8 pixels, 10 classes."),
    "diabetes": ("load_diabetes", "regression", "Diabetes: 442 patients, 10 baseline variables, disease progression after one year."),
}
TABULAR_NAMES: tuple[str, ...] = tuple(_TABULAR)


def load_tabular(name: str) -> Tabular:
    """One of scikit-learn's bundled data sets (no download) by name."""
    import sklearn.datasets

    try:
        loader, task, description = _TABULAR[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown data set {name!r}; choose one of: {', '.join(_TABULAR)}") from None
    bunch = getattr(sklearn.datasets, loader)()
    target_names = tuple(str(t) for t in getattr(bunch, "target_names", ())) if task != "regression" else ()
    return Tabular(name, np.asarray(bunch.data, float), np.asarray(bunch.target), tuple(map(str, bunch.feature_names)),
                   target_names, task, description)
