"""Classification counts shared by the pages that score a model: one confusion matrix for the playground and Keras."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def confusion_matrix(y_true, y_pred, labels: Sequence) -> np.ndarray:
    """Counts: row = true class, column = predicted class, in the order of ``labels`` (every label listed, even unseen).

    scikit-learn's ``confusion_matrix``, imported when first used so that the playground's NumPy core stays light."""
    from sklearn import metrics
    return metrics.confusion_matrix(np.asarray(y_true), np.asarray(y_pred), labels=list(labels))
