"""One training through the package's pipeline, with real Keras on small data: queue, fit, store, diagnose,
evaluate; Stop keeps whole epochs and says so; a model over the budget is refused before it waits in line."""

import numpy as np
import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from nnviz import tabular
from nnviz.keras import budget, training
from nnviz.keras import spec as kspec
from nnviz.keras.jobs import QUEUE
from nnviz.keras.runs import RunStore

pytestmark = pytest.mark.tensorflow


def _job(layers="6", epochs=2, name="iris pipeline", data="iris", batch_size=16, **train):
    table = tabular.load(data)
    prepared = tabular.prepare(table.frame, table.target, table.task, tabular.PrepSpec(seed=1))
    model = kspec.ModelSpec(prepared.X_train.shape[1], kspec.parse_layers(layers), prepared.task,
                            len(prepared.class_names))
    spec = kspec.TrainSpec(epochs=epochs, batch_size=batch_size, **train)
    return training.Job(data, prepared, model, spec, name, {"layers": layers}, {})


def _leftovers():
    root = RunStore().root
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".")) if root.is_dir() else []


def test_a_training_is_stored_diagnosed_and_evaluated_on_the_test_split():
    job = _job()
    trainings = training.Trainings()
    drawn = []
    interrupt = trainings.train(job, on_progress=lambda live: drawn.append(training.progress_words(live)),
                                min_interval=0.0)
    outcome = trainings.outcome
    assert interrupt is None and not trainings.training and trainings.problem is None
    assert isinstance(outcome, training.Outcome)
    assert outcome.run == "iris-pipeline" and trainings.runs == ["iris-pipeline"]
    assert outcome.result.epochs_run == 2 and len(outcome.result.history["loss"]) == 2
    assert "Training… epoch **2 / 2**" in drawn[-1]
    assert outcome.words().startswith("2 epochs in ") and "Stopped" not in outcome.words()
    # The run on disk: the job's config and the same history.
    store = RunStore()
    config = store.get(outcome.run).config
    assert config["data"] == "iris" and config["task"] == "multiclass" and config["settings"] == {"layers": "6"}
    assert [row["type"] for row in config["summary"]] == ["Dense", "Dense"] and "keras.Sequential" in config["code"]
    np.testing.assert_allclose(store.history(outcome.run)[0]["loss"], outcome.result.history["loss"], rtol=1e-7)
    # The evaluation is the model's on the 30 test rows (20 % of 150).
    evaluation = outcome.evaluation
    assert outcome.problem is None and evaluation.confusion.sum() == 30 == len(outcome.raw_test)
    expected = tabular.evaluate("multiclass", job.prepared.y_test, outcome.model.predict(job.prepared.X_test,
                                                                                      verbose=0), job.prepared.class_names)
    np.testing.assert_array_equal(evaluation.confusion, expected.confusion)
    assert outcome.diagnosis.kind == "too short"  # two epochs are too few to read
    assert _leftovers() == [] and QUEUE.running is None


def test_stop_in_the_middle_of_an_epoch_keeps_the_whole_epochs_and_says_so():
    # The page's script run is stopped inside a redraw (Streamlit raises StopException there) during epoch 3.
    def redraw(live):
        if len(live.wall_time) == 2 and live.batch_x and live.batch_x[-1] > 2:
            raise StopException()

    trainings = training.Trainings()
    interrupt = trainings.train(_job(epochs=50), on_progress=redraw, min_interval=0.0)
    assert isinstance(interrupt, StopException)  # handed back for the page to re-raise
    outcome = trainings.outcome
    result = outcome.result
    assert result.stopped_by_user and result.partial_epoch and result.epochs_run == 2
    assert len(result.history["loss"]) == 2 == len(RunStore().history(outcome.run)[0]["loss"])
    words = outcome.words()
    assert "Stopped at epoch 2; the model trained so far is kept." in words
    assert "Epoch 3 was cut short, so it was left out: only whole epochs are kept" in words
    assert outcome.evaluation is not None and not trainings.training


def test_a_stop_before_the_first_whole_epoch_keeps_nothing_and_says_why_in_the_next_run():
    def redraw(live):
        if live.batch_x:
            raise StopException()

    trainings = training.Trainings()
    interrupt = trainings.train(_job(epochs=5), on_progress=redraw, min_interval=0.0)
    assert isinstance(interrupt, StopException)
    assert trainings.outcome is None and trainings.runs == [] and RunStore().list() == []
    assert "no whole epoch was trained" in trainings.take_problem()
    assert trainings.take_problem() is None  # said once
    assert _leftovers() == [] and QUEUE.running is None


def test_a_model_over_the_parameter_budget_is_refused_before_it_waits_in_line():
    waited = []
    trainings = training.Trainings()
    job = _job(layers=",".join(["1024"] * 3), epochs=1)
    assert kspec.count_parameters(job.model) > budget.MAX_PARAMETERS
    with pytest.raises(ValueError, match=f"a model here may have at most {budget.MAX_PARAMETERS:,}"):
        trainings.train(job, on_wait=waited.append)
    assert waited == [] and not trainings.training and trainings.outcome is None
    assert RunStore().list() == [] and _leftovers() == [] and QUEUE.running is None


def test_a_diverged_training_is_stored_but_not_evaluated():
    trainings = training.Trainings()
    trainings.train(_job(data="diabetes", layers="32, 16", epochs=4, batch_size=32, optimizer="sgd",
                         learning_rate=3.0, validation_split=0.2))
    outcome = trainings.outcome
    assert outcome.diagnosis.kind == "diverged"
    assert outcome.evaluation is None and "diverged" in outcome.problem
    assert [run.name for run in RunStore().list()] == [outcome.run]


def test_waiting_words_say_the_position_and_the_wait():
    assert training.waiting_words(0) == "Starting…"
    words = training.waiting_words(2)
    assert "number 2 in line" in words and f"about {budget.minutes(2 * budget.MAX_RUN_SECONDS)}" in words
