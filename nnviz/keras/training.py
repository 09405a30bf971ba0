"""One training from start to finish: wait in line, fit live, keep whole epochs, store the run, diagnose, evaluate.

The Keras page hands a :class:`Job` (the prepared table, the model, how to
train it, the run's name) to a student's :class:`Trainings` (kept in the
page's session) and draws what :meth:`Trainings.train` reports: the live
callback while it fits, the line's position while it waits, and at the end an
:class:`Outcome`. Stop (or any click) interrupts the page's script run inside
a redraw; the live callback catches that, the training ends after the current
batch with its whole epochs, the run is stored, and the interrupt is handed
back for the page to re-raise once everything is safe. Importing this module
imports TensorFlow.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from nnviz import curves, tabular
from nnviz.keras import budget
from nnviz.keras import model as km
from nnviz.keras import spec as kspec
from nnviz.keras.jobs import QUEUE, TrainingQueue
from nnviz.keras.runs import RunStore, sanitize


@dataclass(frozen=True)
class Job:
    """One training to run: the prepared table, the network, how to train it, and the run's wanted name."""

    data: str  # the data set's name ("loan_default", "iris", "upload a CSV")
    prepared: tabular.Prepared
    model: kspec.ModelSpec
    train: kspec.TrainSpec
    name: str  # what the student typed (or the page's default); sanitized when stored
    settings: dict = field(default_factory=dict)  # the page's settings, stored with the run
    fills: dict = field(default_factory=dict)  # the missing-value choices, stored with the run

    def config(self, summary: list[dict]) -> dict:
        """What the run folder's config.json says about this training (read back by the loss-curve page)."""
        p = self.prepared
        return {"data": self.data, "target": p.target, "task": p.task, "settings": dict(self.settings),
                "fills": dict(self.fills), "features": list(p.feature_names), "class_names": list(p.class_names),
                "summary": summary, "baseline_loss": tabular.baseline_loss(p.task, p.y_train),
                "code": kspec.code(self.model, self.train)}


@dataclass(frozen=True)
class Outcome:
    """What one finished (or stopped) training left: the stored run, the model, its curves and its test scores."""

    run: str  # the stored run's folder name
    data: str
    model: object  # the trained keras.Model (the weights of its last whole epoch, or the restored best)
    result: km.TrainResult
    diagnosis: curves.Diagnosis
    prepared: tabular.Prepared
    evaluation: tabular.Evaluation | None  # None when there is nothing meaningful to evaluate (see problem)
    output: np.ndarray | None  # the network's output for each test row
    problem: str | None  # why there is no evaluation

    @property
    def task(self) -> str:
        return self.prepared.task

    @property
    def class_names(self) -> tuple[str, ...]:
        return self.prepared.class_names

    @property
    def raw_test(self) -> pd.DataFrame:
        return self.prepared.raw_test

    @property
    def best_epoch(self) -> int | None:
        history = self.result.history
        return curves.best_epoch(history.get("val_loss") or history.get("loss", []))

    def applicant_words(self, row: int) -> str:
        """The loan project's question for test row ``row``: the network's P(Fully Paid), its answer, the truth."""
        paid = float(self.output.reshape(-1)[row])
        actual = self.class_names[int(self.prepared.y_test[row])]
        return (f"The network gives **P(Fully Paid) = {paid:.2f}**: it would say **"
                f"{'yes, will repay' if paid > 0.5 else 'no, likely to default'}**. What really happened: "
                f"**{actual}**.")

    def words(self) -> str:
        """How the training ended, after "Run <name>:": epochs, seconds, a stop, early stopping, restored weights."""
        r = self.result
        words = f"{r.epochs_run} epoch{'s' if r.epochs_run != 1 else ''} in {r.seconds:.1f} s."
        if r.stopped_by_user and r.stop_reason == "time":
            words += (f" Stopped at epoch {r.epochs_run} by the time budget of "
                      f"{budget.minutes(budget.MAX_RUN_SECONDS)} per run; the model trained so far is kept.")
        elif r.stopped_by_user:
            words += f" Stopped at epoch {r.epochs_run}; the model trained so far is kept."
        if r.partial_epoch:
            words += (f" Epoch {r.epochs_run + 1} was cut short, so it was left out: only whole epochs are "
                      f"kept (the weights are those of the end of epoch {r.epochs_run}).")
        if r.early_stopping_epoch:
            words += f" Early stopping ended training at epoch {r.early_stopping_epoch}"
            words += f" and restored the weights of epoch {r.restored_epoch}." if r.restored_epoch else "."
        elif r.restored_epoch:
            words += (f" Early stopping's *restore best weights* put back the weights of epoch "
                      f"{r.restored_epoch}, its best epoch.")
        return words


def progress_words(live: km.LiveCallback) -> str:
    """The status line while a model trains: the epoch, the last loss, the time left or the budget it will hit."""
    epoch = len(live.wall_time)
    words = f"Training… epoch **{epoch} / {live.epochs_planned}**"
    if epoch:
        words += f", loss {live.history['loss'][-1]:.4g}"
    if live.projected_seconds is not None:
        if live.projected_seconds > budget.MAX_RUN_SECONDS:
            words += (f". At this pace all epochs would take {budget.minutes(live.projected_seconds)}: the training "
                      f"stops at the {budget.minutes(budget.MAX_RUN_SECONDS)} budget per run")
        else:
            words += f", about {budget.minutes(max(live.projected_seconds - live.elapsed, 0.0))} left"
    return words


def waiting_words(position: int) -> str:
    """The status line while another student's model holds the training slot (0: the slot is ours)."""
    if position == 0:
        return "Starting…"
    return (f"Another student's model is training: you are number {position} in line. Each training may use the "
            f"class's training slot for at most {budget.minutes(budget.MAX_RUN_SECONDS)}, so yours starts within "
            f"about {budget.minutes(position * budget.MAX_RUN_SECONDS)}, by itself.")


def _evaluate(model, prepared: tabular.Prepared, diagnosis: curves.Diagnosis):
    """The test split's scores, or why there are none (a diverged training's scores would mean nothing)."""
    if diagnosis.kind == "diverged":
        return None, None, ("The training diverged, so the test-split evaluation would be meaningless: "
                            "lower the learning rate and train again.")
    output = km.predict(model, prepared.X_test)
    try:
        return tabular.evaluate(prepared.task, prepared.y_test, output, prepared.class_names), output, None
    except ValueError as error:
        return None, output, str(error)


def run(job: Job, *, ticket: str, live: km.LiveCallback | None = None,
        on_wait: Callable[[int], None] = lambda position: None, store: RunStore | None = None,
        queue: TrainingQueue = QUEUE, max_seconds: float = budget.MAX_RUN_SECONDS) -> Outcome:
    """Train ``job`` in the class's line, store the run, diagnose its curves and evaluate it on the test split.

    A model over the parameter budget is refused before it waits in line; a
    training that kept no whole epoch, or whose run is too big to store, is
    refused after it. Each refusal is a ``ValueError`` with what to change,
    and leaves nothing in the store. ``live`` (the page's redraws) ends up
    holding the ``interrupt`` of the page's stopped script run, if any.
    """
    budget.check_model(kspec.count_parameters(job.model))
    sanitize(job.name)
    store = store or RunStore()
    staging = None  # made once the slot is ours: a folder waiting in line would look abandoned to another server
    committed = False
    live = km.LiveCallback() if live is None else live
    try:
        with queue.slot(ticket, on_wait=on_wait):
            on_wait(0)
            staging = store.staging()
            model = km.build(job.model, seed=job.train.seed)
            summary = km.summary_rows(model)
            result = km.fit(model, job.model, job.train, job.prepared.X_train, job.prepared.y_train, live=live,
                            log_dir=staging / "logs", max_seconds=max_seconds)
        if result.epochs_run == 0:
            raise ValueError("Stopped during the first epoch: no whole epoch was trained, so there is nothing "
                             "to keep. Press Train and let at least one epoch finish.")
        name = km.save_run(store, staging, job.name, model, result, job.config(summary), job.prepared.pipeline,
                           ticket)
        committed = True
    finally:
        if not committed and staging is not None:
            store.discard(staging)
    diagnosis = curves.diagnose(result.history.get("loss", []), result.history.get("val_loss"),
                                baseline=tabular.baseline_loss(job.prepared.task, job.prepared.y_train))
    evaluation, output, problem = _evaluate(model, job.prepared, diagnosis)
    return Outcome(name, job.data, model, result, diagnosis, job.prepared, evaluation, output, problem)


@dataclass
class Trainings:
    """One student's trainings on the page, kept between the page's script runs (in its session state).

    ``training`` is true while a training runs in some script run of this
    session; the next script run waits for it before drawing (Stop starts a new
    run at once, in another thread). ``script_runs`` counts the page's runs, so
    a training can tell whether a new run followed its interruption.
    """

    ticket: str = field(default_factory=lambda: uuid.uuid4().hex)  # this session in the class's line and runs
    training: bool = False
    outcome: Outcome | None = None
    problem: str | None = None  # a refusal that happened after the script run was interrupted: shown next run
    runs: list[str] = field(default_factory=list)  # the runs this session stored, oldest first
    script_runs: int = 0

    def wait(self, timeout: float = 120.0) -> None:
        """Wait (at most ``timeout`` s) for a training started by an earlier script run to end."""
        deadline = time.monotonic() + timeout
        while self.training and time.monotonic() < deadline:
            time.sleep(0.05)

    def train(self, job: Job, on_progress: Callable[[km.LiveCallback], None] | None = None,
              min_interval: float = 0.2, should_stop: Callable[[], bool] | None = None,
              **options) -> BaseException | None:
        """Run ``job`` (options as :func:`run`), redrawing through ``on_progress`` at most every
        ``min_interval`` s; keep its outcome. ``should_stop()``, asked after every batch, ends the training
        cleanly (whole epochs kept) once it turns true.

        Returns the interrupt of the page's script run (None when it was not
        interrupted), for the page to re-raise. A refusal (``ValueError``) is
        raised while the script run is alive to show it; after an interrupt it
        is kept in ``problem`` for the next script run instead.
        """
        live = km.LiveCallback(on_progress, min_interval=min_interval, should_stop=should_stop)
        self.problem = None
        self.training = True
        try:
            outcome = run(job, ticket=self.ticket, live=live, **options)
            self.outcome = outcome  # before ``training`` turns false: the next script run reads it at once
            self.runs.append(outcome.run)
        except ValueError as error:
            if live.interrupt is None:
                raise
            self.problem = str(error)
        finally:
            self.training = False
        return live.interrupt

    def take_problem(self) -> str | None:
        """The refusal an interrupted training left for this script run to show (once)."""
        problem, self.problem = self.problem, None
        return problem

