"""Reading loss curves: TensorBoard's smoothing, the best epoch, and a diagnosis.

Epochs are counted from 1, as Keras prints them ("Epoch 1/20").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np


def smooth(values: Sequence[float], weight: float) -> np.ndarray:
    """TensorBoard's scalar smoothing: a debiased exponential moving average.

    The same algorithm as TensorBoard's ``classicSmoothing``
    (``tensorboard/webapp/widgets/line_chart_v2/data_transformer.ts``)::

        last = weight * last + (1 - weight) * value      # last starts at 0
        smoothed = last / (1 - weight ** n)               # n = finite values seen so far

    NaN and ±inf are passed through unchanged and skipped by the average, so a
    single bad step never poisons the points after it. A constant series is
    returned as it is (no floating-point noise), as TensorBoard does.

    Parameters
    ----------
    values : sequence of float, shape (n,)
    weight : float in [0, 1); 0 returns the raw values, 0.99 smooths heavily.

    Returns
    -------
    np.ndarray of float, shape (n,)
    """
    weight = float(weight)
    if not math.isfinite(weight) or not 0.0 <= weight < 1.0:
        raise ValueError(f"smoothing weight must be in [0, 1), got {weight}")
    raw = np.asarray(values, dtype=float).ravel()
    if raw.size == 0 or np.all(raw == raw[0]):
        return raw.copy()
    out = raw.copy()
    last = 0.0
    seen = 0
    for i, value in enumerate(raw):
        if not math.isfinite(value):
            continue
        last = last * weight + (1.0 - weight) * value
        seen += 1
        out[i] = last / (1.0 - weight**seen)
    return out


def whole_epochs(history: dict[str, Sequence[float]], wall_time: Sequence[float],
                 epochs: int | None) -> tuple[dict[str, list[float]], list[float]]:
    """A run's history cut to its first ``epochs`` epochs: the whole ones its record counts (None, or a
    record that does not hold a whole number: all).

    An epoch a stop cut short averages only its first batches, so its loss is not comparable with the
    whole epochs' and would show as a jump at the end of the curve; it is neither drawn nor diagnosed.
    """
    whole = isinstance(epochs, int) and not isinstance(epochs, bool)
    n = max(0, min(epochs, len(wall_time))) if whole else len(wall_time)
    return {name: list(values[:n]) for name, values in history.items()}, list(wall_time[:n])


def best_epoch(losses: Sequence[float]) -> int | None:
    """The epoch (counted from 1) with the lowest finite loss; None when there is none."""
    arr = np.asarray(losses, dtype=float).ravel()
    finite = np.isfinite(arr)
    if not finite.any():
        return None
    return int(np.argmin(np.where(finite, arr, np.inf))) + 1


@dataclass(frozen=True)
class Diagnosis:
    """What a pair of loss curves says about a training run."""

    kind: str  # "diverged", "overfitting", "underfitting", "still improving", "good fit", "too short"
    epoch: int | None  # the epoch the diagnosis points at (divergence, start of overfitting, best epoch)
    message: str

    @property
    def verdict(self) -> str:
        """The diagnosis in a few words, for a table cell ("Overfitting from epoch 6"); ``message`` says why."""
        if self.kind == "diverged":
            return f"Diverged at epoch {self.epoch}"
        if self.kind == "overfitting":
            return f"Overfitting from epoch {self.epoch}"
        return self.kind.capitalize()


def diagnose(train_loss: Sequence[float], val_loss: Sequence[float] | None = None, *,
             baseline: float | None = None, overfit_tolerance: float = 0.1,
             underfit_ratio: float = 0.8) -> Diagnosis:
    """Read a run's curves the way the course does.

    Rules, in order:

    * **diverged**: a loss is NaN or inf, the last training loss is more than
      twice the first, or (given ``baseline``) a training loss is more than ten
      times a constant prediction's (the steps are too large: lower the learning rate);
    * **overfitting from epoch k**: the validation loss bottomed out at epoch k
      and ended more than ``overfit_tolerance`` (relative) above that minimum;
    * **underfitting**: the training loss stayed above ``underfit_ratio`` times
      ``baseline`` (the loss of always predicting the average; when no baseline
      is given, the first epoch's loss), so the model learned little;
    * **still improving**: the monitored loss (validation if given) was still
      at its lowest in the last tenth of the epochs (at least the last 2):
      more epochs would help;
    * otherwise a **good fit**: the loss levelled off without overfitting.
    """
    train = np.asarray(train_loss, dtype=float).ravel()
    val = None if val_loss is None else np.asarray(val_loss, dtype=float).ravel()
    if val is not None and val.size == 0:
        val = None
    n = train.size
    if n == 0:
        return Diagnosis("too short", None, "No epochs yet.")
    for name, series in (("training", train), ("validation", val)):
        if series is not None and not np.isfinite(series).all():
            k = int(np.argmin(np.isfinite(series))) + 1
            return Diagnosis("diverged", k, f"Diverged at epoch {k}: the {name} loss became "
                             f"{series[k - 1]}. Lower the learning rate.")
    if n >= 2 and train[-1] > 2.0 * train[0]:
        k = int(np.argmax(train > 2.0 * train[0])) + 1
        return Diagnosis("diverged", k, f"Diverged at epoch {k}: the training loss more than doubled "
                         f"({train[0]:.4g} → {train[k - 1]:.4g}). Lower the learning rate.")
    if baseline is not None and baseline > 0 and train[-1] > 10.0 * baseline:
        k = int(np.argmax(train > 10.0 * baseline)) + 1
        return Diagnosis("diverged", k, f"Diverged at epoch {k}: the training loss ({train[k - 1]:.4g}) is more "
                         f"than ten times a constant prediction's ({baseline:.4g}). Lower the learning rate.")
    if n < 3:
        return Diagnosis("too short", None, f"Only {n} epoch(s): train longer to read the curves.")
    monitored = val if val is not None else train
    best = best_epoch(monitored)
    low = monitored[best - 1]
    if val is not None and best < n and val[-1] - low > overfit_tolerance * abs(low):
        return Diagnosis("overfitting", best, f"Overfitting from epoch {best}: the validation loss was lowest "
                         f"there ({low:.4g}) and rose to {val[-1]:.4g} while the training loss kept falling. "
                         "Use dropout, early stopping or more data.")
    reference = train[0] if baseline is None else float(baseline)
    if reference > 0 and train.min() > underfit_ratio * reference:
        against = "the first epoch's" if baseline is None else "a constant prediction's"
        return Diagnosis("underfitting", None, f"Underfitting: the training loss ({train[-1]:.4g}) is still "
                         f"above {underfit_ratio:.0%} of {against} ({reference:.4g}). Use a bigger model, "
                         "a better learning rate or more epochs.")
    if best > n - max(2, n // 10):
        return Diagnosis("still improving", best, f"Still improving: the loss was lowest at the last epochs "
                         f"(epoch {best} of {n}). Train for more epochs.")
    return Diagnosis("good fit", best, f"Good fit: the loss levelled off; best epoch {best} "
                     f"({low:.4g}), no sign of overfitting.")
