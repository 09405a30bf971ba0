"""Keras itself: build a model from a spec, train it with a live callback, store and reload runs.

Importing this module imports TensorFlow (through :func:`nnviz.keras.load`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from nnviz.keras import budget, load
from nnviz.keras.runs import RunStore
from nnviz.keras.spec import ModelSpec, TrainSpec, check_training
from nnviz.workslot import SLOT

keras = load()


def build(spec: ModelSpec, seed: int | None = None) -> "keras.Model":
    """The Sequential model the spec describes (uncompiled); ``seed`` fixes the initial weights."""
    if seed is not None:
        keras.utils.set_random_seed(seed)
    out = spec.output
    layers = [keras.Input(shape=(spec.n_inputs,))]
    for layer in spec.hidden:
        if layer.kind == "dense":
            layers.append(keras.layers.Dense(layer.units, activation=layer.activation))
        else:
            layers.append(keras.layers.Dropout(layer.rate))
    layers.append(keras.layers.Dense(out.units, activation=out.activation))
    return keras.Sequential(layers)


def optimizer(train: TrainSpec):
    """The Keras optimizer of the spec (momentum is SGD with momentum 0.9)."""
    lr = float(train.learning_rate)
    return {
        "adam": lambda: keras.optimizers.Adam(learning_rate=lr),
        "sgd": lambda: keras.optimizers.SGD(learning_rate=lr),
        "momentum": lambda: keras.optimizers.SGD(learning_rate=lr, momentum=0.9),
        "rmsprop": lambda: keras.optimizers.RMSprop(learning_rate=lr),
    }[train.optimizer]()


def compile_model(model, spec: ModelSpec, train: TrainSpec):
    out = spec.output
    model.compile(optimizer=optimizer(train), loss=out.loss, metrics=list(out.metrics))
    return model


def summary_rows(model) -> list[dict]:
    """model.summary() as table rows: layer, type, output shape, parameters."""
    rows = []
    for layer in model.layers:
        shape = tuple(layer.output.shape)
        rows.append({"layer": layer.name, "type": type(layer).__name__,
                     "output shape": str(shape).replace("None", "batch"), "parameters": int(layer.count_params())})
    return rows


class LiveCallback(keras.callbacks.Callback):
    """Keeps the history as training goes and calls ``on_update(self)`` at most every ``min_interval`` s.

    Stop: when ``should_stop()`` turns true, the training has run ``max_seconds``,
    or ``on_update`` raises (Streamlit interrupts a script run that way when Stop
    is clicked), the callback sets ``model.stop_training``; Keras ends after the
    current batch, runs the other callbacks' ``on_train_end`` (TensorBoard closes
    its files) and returns normally. Only whole epochs are kept: an epoch cut
    short is left out of the history (and of TensorBoard's logs and early
    stopping, see :func:`fit`) and the weights go back to the end of the last
    whole epoch. The caught exception is kept in ``interrupt`` for the caller to
    re-raise once the results are safe.

    After the first ``budget.ESTIMATE_BATCHES`` batches, ``projected_seconds``
    holds the whole training's duration at that pace.
    """

    def __init__(self, on_update: Callable[["LiveCallback"], None] | None = None, min_interval: float = 0.2,
                 should_stop: Callable[[], bool] | None = None, batches: bool = True,
                 max_seconds: float | None = None):
        super().__init__()
        self.on_update = on_update
        self.min_interval = min_interval
        self.should_stop = should_stop
        self.max_seconds = max_seconds
        self.batches = batches
        self.history: dict[str, list[float]] = {}
        self.wall_time: list[float] = []
        self.batch_x: list[float] = []  # fractional epoch (epoch 1 ends at 1.0)
        self.batch_loss: list[float] = []  # each batch's own loss (from Keras's running mean within the epoch)
        self._running = 0.0
        self.epochs_planned = 0
        self.steps = 0
        self.batch_size = 0  # set by fit(): with samples, the last (smaller) batch is weighted right
        self.samples = 0
        self.epoch = 0
        self.stopped = False
        self.stop_reason: str | None = None  # "user" (should_stop or an interrupt) or "time" (max_seconds)
        self.partial_epoch = False  # the last epoch was cut short by a stop and is not kept
        self.projected_seconds: float | None = None
        self.interrupt: BaseException | None = None
        self._batches_done = 0  # in the current epoch
        self._kept_weights = None
        self.updates = 0
        self._start = 0.0
        self._last = -math.inf
        self._holding = False

    def on_train_begin(self, logs=None):
        self.epochs_planned = int(self.params.get("epochs") or 0)
        self.steps = int(self.params.get("steps") or 0)
        self._start = time.perf_counter()
        self._kept_weights = self.model.get_weights() if self.model is not None else None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
        self._running = 0.0
        self._batches_done = 0

    def on_train_batch_begin(self, batch, logs=None):
        # One heavy computation at a time in the process (see nnviz.workslot): a batch waits for a playground
        # tick to finish, and the next tick waits for this batch.
        if not self._holding:
            SLOT.acquire()
            self._holding = True

    def _let_go(self) -> None:
        if self._holding:
            self._holding = False
            SLOT.release()

    def on_train_batch_end(self, batch, logs=None):
        self._let_go()
        self._batches_done = batch + 1
        if self.projected_seconds is None and self.epoch == 0 and batch + 1 >= budget.ESTIMATE_BATCHES and self.steps:
            per_batch = (time.perf_counter() - self._start) / (batch + 1)
            self.projected_seconds = per_batch * self.steps * max(self.epochs_planned, 1)
        if self.batches and logs and "loss" in logs:
            # Keras logs the sample-weighted mean over the epoch's batches so far, m_k = (S_(k-1) m_(k-1) + n_k l_k) / S_k
            # with S_k the samples seen, so the batch's own loss is l_k = (S_k m_k - S_(k-1) m_(k-1)) / n_k.
            mean, k = float(logs["loss"]), batch + 1
            seen_before, seen = self._seen(k - 1), self._seen(k)
            self.batch_x.append(self.epoch + k / max(self.steps, k))
            self.batch_loss.append((seen * mean - seen_before * self._running) / max(seen - seen_before, 1e-12))
            self._running = mean
        self._tick()

    def on_epoch_end(self, epoch, logs=None):
        if self.stopped and self.steps and self._batches_done < self.steps:
            self.partial_epoch = True  # stopped in the middle: not a whole epoch, not kept
            return
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(float(value))
        self.wall_time.append(time.perf_counter() - self._start)
        if self.projected_seconds is None or epoch == 0:
            self.projected_seconds = self.wall_time[-1] * max(self.epochs_planned, 1)
        if self.model is not None:
            self._kept_weights = self.model.get_weights()
        self._tick()

    def on_train_end(self, logs=None):
        self._let_go()
        if self.partial_epoch and self._kept_weights is not None and self.model is not None:
            self.model.set_weights(self._kept_weights)  # back to the end of the last whole epoch
        self._update()

    def _seen(self, k: int) -> float:
        """Training samples seen after k batches of the epoch (k when the batch size is unknown)."""
        if self.batch_size and self.samples:
            return float(min(k * self.batch_size, self.samples))
        return float(k)

    @property
    def seconds(self) -> float:
        return self.wall_time[-1] if self.wall_time else 0.0

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self._start if self._start else 0.0

    def _tick(self):
        if self.should_stop is not None and not self.stopped and self.should_stop():
            self._stop()
        if self.max_seconds is not None and not self.stopped and self.elapsed >= self.max_seconds:
            self._stop("time")
        if time.perf_counter() - self._last >= self.min_interval:
            self._update()

    def _stop(self, reason: str = "user"):
        self.stopped = True
        self.stop_reason = self.stop_reason or reason
        if self.model is not None:
            self.model.stop_training = True

    def _update(self):
        self._last = time.perf_counter()
        if self.on_update is None or self.interrupt is not None:
            return
        try:
            self.updates += 1
            self.on_update(self)
        except BaseException as exc:  # Streamlit's StopException / RerunException: stop cleanly, re-raise later
            self.interrupt = exc
            self._stop()


@dataclass
class TrainResult:
    """What a training left behind (also when it was stopped)."""

    history: dict[str, list[float]]
    wall_time: list[float]
    epochs_run: int
    stopped_by_user: bool
    early_stopping_epoch: int | None  # the epoch EarlyStopping ended training at (from 1), if it did
    restored_epoch: int | None  # the epoch whose weights EarlyStopping restored, if it did
    batch_x: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    seconds: float = 0.0
    stop_reason: str | None = None  # "user" or "time" (the run's time budget) when stopped_by_user
    partial_epoch: bool = False  # an epoch cut short by the stop was left out (its weights too)


def _whole_epochs_only(callback_class):
    """``callback_class`` that ignores an epoch a stop cut short (it is not kept, so nothing may log it)."""

    class WholeEpochs(callback_class):
        def __init__(self, live: "LiveCallback", **kwargs):
            super().__init__(**kwargs)
            self._live = live

        def on_epoch_end(self, epoch, logs=None):
            if not self._live.partial_epoch:
                super().on_epoch_end(epoch, logs)

    WholeEpochs.__name__ = callback_class.__name__
    return WholeEpochs


def fit(model, spec: ModelSpec, train: TrainSpec, X: np.ndarray, y: np.ndarray, *,
        live: LiveCallback | None = None, log_dir: Path | None = None,
        max_seconds: float = budget.MAX_RUN_SECONDS) -> TrainResult:
    """Compile and ``model.fit`` with the live callback, EarlyStopping (if set) and TensorBoard (if log_dir).

    A model over ``budget.MAX_PARAMETERS`` is refused; the training stops after
    ``max_seconds`` (the run's share of the class's training slot), keeping its whole epochs.
    """
    check_training(train)
    budget.check_model(model.count_params())
    compile_model(model, spec, train)
    live = live or LiveCallback()
    if live.max_seconds is None:
        live.max_seconds = max_seconds
    live.batch_size = train.batch_size
    live.samples = int(len(X) * (1 - train.validation_split))  # Keras splits validation off the end like this
    callbacks = [live]
    stopper = None
    if train.early_stopping:
        stopper = _whole_epochs_only(keras.callbacks.EarlyStopping)(
            live, monitor=train.monitor, patience=train.patience, restore_best_weights=train.restore_best_weights)
        callbacks.append(stopper)
    if log_dir is not None:
        callbacks.append(_whole_epochs_only(keras.callbacks.TensorBoard)(live, log_dir=str(log_dir),
                                                                         write_graph=False))
    keras.utils.set_random_seed(train.seed)
    start = time.perf_counter()
    try:
        model.fit(X, y, validation_split=train.validation_split, batch_size=train.batch_size, epochs=train.epochs,
                  callbacks=callbacks, verbose=0)
    finally:
        live._let_go()  # a batch that raised never reached on_train_batch_end
    early = restored = None
    if stopper is not None and stopper.stopped_epoch > 0 and not live.stopped:
        early = stopper.stopped_epoch + 1
    # EarlyStopping puts the best epoch's weights back at the end of every training (also one stopped by hand).
    if (stopper is not None and train.restore_best_weights and stopper.best_weights is not None
            and stopper.best_epoch is not None and stopper.best_epoch + 1 != len(live.wall_time)):
        restored = stopper.best_epoch + 1
    return TrainResult(dict(live.history), list(live.wall_time), len(live.wall_time), live.stopped, early, restored,
                       list(live.batch_x), list(live.batch_loss), time.perf_counter() - start,
                       live.stop_reason if live.stopped else None, live.partial_epoch)


def save_run(store: RunStore, staging: Path, name: str, model, result: TrainResult, config: dict,
             pipeline=None, session: str = "") -> str:
    """Save model and preprocessing into the staging folder, then commit it as a run; return the run name."""
    import joblib

    model.save(staging / "model.keras")
    if pipeline is not None:
        joblib.dump(pipeline, staging / "preprocessing.joblib")
    size = sum(f.stat().st_size for f in staging.rglob("*") if f.is_file())
    if size > budget.MAX_RUN_BYTES:
        raise ValueError(f"This run takes {size / 2**20:.0f} MB on disk; a stored run may take at most "
                         f"{budget.MAX_RUN_BYTES // 2**20} MB, so it was not kept. Use a smaller model.")
    config = {**config, "epochs_run": result.epochs_run, "stopped_by_user": result.stopped_by_user,
              "early_stopping_epoch": result.early_stopping_epoch, "restored_epoch": result.restored_epoch,
              "seconds": round(result.seconds, 3)}
    return store.commit(staging, name, config, result.history, result.wall_time, session)


def load_model(store: RunStore, name: str):
    """The trained model of a stored run (our own file, written by :func:`save_run`)."""
    return keras.models.load_model(store.path(name) / "model.keras")


def load_pipeline(store: RunStore, name: str):
    """The fitted preprocessing of a stored run. Only files this app wrote are ever unpickled."""
    import joblib

    return joblib.load(store.path(name) / "preprocessing.joblib")


def predict(model, X: np.ndarray) -> np.ndarray:
    """The network's output for rows of prepared features (probabilities or values)."""
    return np.asarray(model.predict(np.asarray(X, dtype=np.float32), verbose=0))


def predict_rows(model, pipeline, rows) -> np.ndarray:
    """The output for raw table rows (a DataFrame), prepared by the run's fitted pipeline."""
    return predict(model, pipeline.transform(rows))
