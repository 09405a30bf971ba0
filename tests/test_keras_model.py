"""Real TensorFlow on tiny data: model from spec, seeds, EarlyStopping, Stop, run round trip, TensorBoard logs."""

from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.tensorflow

from nnviz import tabular
from nnviz.keras import budget
from nnviz.keras import model as km
from nnviz.keras import spec as kspec
from nnviz.keras.runs import RunStore

keras = km.keras


def _data(n=96, d=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    return X, y


def test_model_from_spec_has_the_layers_activations_and_parameter_count():
    spec = kspec.ModelSpec(5, kspec.parse_layers("8, d0.25, 4", "tanh"), "binary")
    model = km.build(spec, seed=1)
    kinds = [(type(layer).__name__, getattr(layer, "units", None),
              getattr(getattr(layer, "activation", None), "__name__", None), getattr(layer, "rate", None))
             for layer in model.layers]
    assert kinds == [("Dense", 8, "tanh", None), ("Dropout", None, None, 0.25), ("Dense", 4, "tanh", None),
                     ("Dense", 1, "sigmoid", None)]
    assert model.count_params() == (5 * 8 + 8) + (8 * 4 + 4) + (4 * 1 + 1) == 89
    assert [row["parameters"] for row in km.summary_rows(model)] == [48, 0, 36, 5]
    assert km.summary_rows(model)[0]["output shape"] == "(batch, 8)"


def test_the_shown_keras_code_builds_the_same_model():
    spec = kspec.ModelSpec(5, kspec.parse_layers("6, d0.1, 3", "relu"), "multiclass", 3)
    train = kspec.TrainSpec(optimizer="momentum", learning_rate=0.01, epochs=2, early_stopping=True, patience=1)
    source = kspec.code(spec, train, log_dir="LOGDIR")
    X, y = _data()
    y = y + (X[:, 2] > 1)
    namespace = {"X_train": X, "y_train": y, "X_test": X, "y_test": y}
    import os

    cwd = os.getcwd()
    try:
        os.chdir(os.environ["NNVIZ_RUNS_DIR"].rsplit("/", 1)[0])
        exec(compile(source.replace("model.summary()", ""), "shown_code", "exec"), namespace)
    finally:
        os.chdir(cwd)
    shown = namespace["model"]
    ours = km.compile_model(km.build(spec, seed=42), spec, train)
    assert [l.get_config()["units"] if "units" in l.get_config() else l.get_config()["rate"] for l in shown.layers] == \
        [l.get_config()["units"] if "units" in l.get_config() else l.get_config()["rate"] for l in ours.layers]
    assert shown.count_params() == ours.count_params()
    assert shown.loss == ours.loss == "sparse_categorical_crossentropy"
    assert type(shown.optimizer) is type(ours.optimizer) and float(shown.optimizer.momentum) == 0.9
    # Same seed, same initial weights: the code and the page build the very same network.
    for a, b in zip(km.build(spec, seed=42).get_weights(), shown.get_weights()):
        assert a.shape == b.shape


def test_seeded_fit_is_reproducible_and_another_seed_differs():
    X, y = _data()
    spec = kspec.ModelSpec(5, kspec.parse_layers("8", dropout=0.2), "binary")

    def run(seed):
        model = km.build(spec, seed=seed)
        result = km.fit(model, spec, kspec.TrainSpec(epochs=3, batch_size=16, seed=seed), X, y)
        return result.history, model.get_weights()

    h1, w1 = run(7)
    h2, w2 = run(7)
    h3, _ = run(8)
    assert h1 == h2
    assert all(np.array_equal(a, b) for a, b in zip(w1, w2))
    assert h1["loss"] != h3["loss"]


def test_early_stopping_stops_and_restores_the_best_weights():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 20)).astype(np.float32)
    y = rng.integers(0, 2, 80)  # random labels: the network can only memorise, so validation loss rises
    spec = kspec.ModelSpec(20, kspec.parse_layers("64"), "binary")
    model = km.build(spec, seed=0)
    train = kspec.TrainSpec(learning_rate=0.01, epochs=60, batch_size=16, validation_split=0.25,
                            early_stopping=True, patience=3, restore_best_weights=True, seed=0)
    result = km.fit(model, spec, train, X, y)
    val = result.history["val_loss"]
    best = int(np.argmin(val)) + 1
    assert result.early_stopping_epoch == len(val) < 60
    assert result.early_stopping_epoch == best + 3  # patience 3: three epochs without improvement
    assert result.restored_epoch == best
    X_val, y_val = X[-20:], y[-20:]  # Keras takes the validation split from the end
    loss = model.evaluate(X_val, y_val, verbose=0)[0]
    assert loss == pytest.approx(val[best - 1], rel=1e-4)
    # Without restoring, the weights are the last epoch's.
    model = km.build(spec, seed=0)
    result = km.fit(model, spec, kspec.TrainSpec(**{**train.__dict__, "restore_best_weights": False}), X, y)
    assert result.restored_epoch is None
    assert model.evaluate(X_val, y_val, verbose=0)[0] == pytest.approx(result.history["val_loss"][-1], rel=1e-4)


def test_stop_flag_ends_training_and_keeps_partial_model_and_history():
    X, y = _data()
    spec = kspec.ModelSpec(5, kspec.parse_layers("8"), "binary")
    model = km.build(spec, seed=0)
    before = [w.copy() for w in model.get_weights()]
    live = km.LiveCallback(should_stop=lambda: len(live.wall_time) >= 3)
    result = km.fit(model, spec, kspec.TrainSpec(epochs=50, batch_size=16), X, y, live=live)
    assert result.stopped_by_user and result.epochs_run == 3
    assert result.history == model.history.history  # the same as Keras's own History
    assert not all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert np.isfinite(km.predict(model, X)).all()


def test_streamlit_stop_raised_in_a_redraw_stops_cleanly_and_is_kept_for_later():
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    X, y = _data()
    spec = kspec.ModelSpec(5, kspec.parse_layers("8"), "binary")
    model = km.build(spec, seed=0)
    calls = []

    def redraw(live):
        calls.append(len(live.wall_time))
        if len(live.wall_time) >= 2:
            raise StopException()  # what Streamlit raises inside st.* calls when Stop is clicked

    live = km.LiveCallback(redraw, min_interval=0.0, batches=False)
    result = km.fit(model, spec, kspec.TrainSpec(epochs=40, batch_size=32), X, y, live=live)
    assert isinstance(live.interrupt, StopException) and result.stopped_by_user
    assert result.epochs_run == 2 and len(result.history["loss"]) == 2 == len(model.history.history["loss"])
    assert max(calls) == 2  # no redraw after the interrupt


def test_live_updates_are_throttled():
    X, y = _data(n=400)
    spec = kspec.ModelSpec(5, kspec.parse_layers("4"), "binary")
    model = km.build(spec, seed=0)
    stamps = []  # the callback's own clock at each update it decided to send (no stopwatch of the test's)
    live = km.LiveCallback(lambda live: stamps.append(live._last), min_interval=0.2)
    result = km.fit(model, spec, kspec.TrainSpec(epochs=15, batch_size=8), X, y, live=live)
    assert len(result.batch_loss) == 15 * 40
    assert live.updates == len(stamps) >= 2
    # Every update but the last (training's end always sends one) came at least min_interval after the one
    # before: a slow machine sends fewer updates, never closer ones.
    gaps = [b - a for a, b in zip(stamps[:-2], stamps[1:-1])]
    assert all(gap >= 0.2 for gap in gaps), min(gaps)


def test_run_folder_round_trips_model_history_and_preprocessing():
    table = tabular.load("iris")
    prepared = tabular.prepare(table.frame, "target", "multiclass", tabular.PrepSpec(seed=1))
    spec = kspec.ModelSpec(4, kspec.parse_layers("6"), "multiclass", 3)
    model = km.build(spec, seed=0)
    store = RunStore()
    staging = store.staging()
    result = km.fit(model, spec, kspec.TrainSpec(epochs=3, batch_size=16), prepared.X_train, prepared.y_train,
                    log_dir=staging / "logs")
    name = km.save_run(store, staging, "iris round trip", model, result, {"data": "iris"}, prepared.pipeline, "me")
    assert name == "iris-round-trip" and [r.name for r in store.list()] == [name]
    reloaded = km.load_model(store, name)
    np.testing.assert_allclose(km.predict(reloaded, prepared.X_test), km.predict(model, prepared.X_test), rtol=1e-6)
    history, wall = store.history(name)
    keras_history = model.history.history
    assert history.keys() == keras_history.keys()
    for metric in history:
        np.testing.assert_allclose(history[metric], keras_history[metric], rtol=1e-7)
    assert len(wall) == 3 and wall == sorted(wall)
    pipeline = km.load_pipeline(store, name)
    np.testing.assert_allclose(pipeline.transform(prepared.raw_test), prepared.X_test, rtol=1e-6)
    config = store.get(name).config
    assert config["epochs_run"] == 3 and config["stopped_by_user"] is False


def test_tensorboards_own_event_reader_finds_the_scalars():
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util import tensor_util

    X, y = _data()
    spec = kspec.ModelSpec(5, kspec.parse_layers("4"), "binary")
    store = RunStore()
    staging = store.staging()
    model = km.build(spec, seed=0)
    result = km.fit(model, spec, kspec.TrainSpec(epochs=3, batch_size=32), X, y, log_dir=staging / "logs")
    name = km.save_run(store, staging, "tb", model, result, {})
    for folder, metric in (("train", "loss"), ("validation", "val_loss")):
        events = EventAccumulator(str(store.path(name) / "logs" / folder), size_guidance={"tensors": 0})
        events.Reload()
        assert "epoch_loss" in events.Tags()["tensors"]
        logged = [float(tensor_util.make_ndarray(e.tensor_proto)) for e in events.Tensors("epoch_loss")]
        steps = [e.step for e in events.Tensors("epoch_loss")]
        assert steps == [0, 1, 2]
        np.testing.assert_allclose(logged, result.history[metric], rtol=1e-6)


def test_per_batch_losses_are_recovered_from_keras_running_means():
    X, y = _data(n=64)
    spec = kspec.ModelSpec(5, kspec.parse_layers("4"), "binary")
    model = km.build(spec, seed=0)
    # 64 rows, 8 for validation: batches of 20, 20 and 16; the epoch's loss is their sample-weighted mean.
    result = km.fit(model, spec, kspec.TrainSpec(epochs=2, batch_size=20, validation_split=0.125), X, y)
    assert result.batch_x == pytest.approx([1 / 3, 2 / 3, 1.0, 4 / 3, 5 / 3, 2.0])
    for epoch in range(2):
        batches = result.batch_loss[3 * epoch:3 * epoch + 3]
        assert np.average(batches, weights=[20, 20, 16]) == pytest.approx(result.history["loss"][epoch], rel=1e-5)
    # The last batch's loss is the one Keras computes on those rows with the weights of that moment: it must
    # lie within the range of per-sample losses, not be the spike an unweighted recovery gives.
    assert all(0 < loss < 5 for loss in result.batch_loss)


def test_training_takes_the_process_work_slot_batch_by_batch_and_always_gives_it_back():
    import threading

    from nnviz.workslot import SLOT

    X, y = _data()
    spec = kspec.ModelSpec(5, kspec.parse_layers("8"), "binary")
    model = km.build(spec, seed=0)
    live = km.LiveCallback(min_interval=0.0)
    done = []
    with SLOT:  # a playground tick is computing: the training waits before its first batch
        trainer = threading.Thread(target=lambda: done.append(
            km.fit(model, spec, kspec.TrainSpec(epochs=3, batch_size=16), X, y, live=live)))
        trainer.start()
        trainer.join(1.0)
        assert trainer.is_alive() and live.batch_loss == []
    trainer.join(60)
    assert done and done[0].epochs_run == 3 and len(live.batch_loss) == 3 * 5
    assert not SLOT.locked()
    # A fit that fails gives the slot back too.
    bad = kspec.TrainSpec(epochs=2, batch_size=16)
    with pytest.raises(Exception):
        km.fit(model, spec, bad, X, y.astype(str), live=km.LiveCallback())
    assert not SLOT.locked()


def test_a_stop_in_the_middle_of_an_epoch_keeps_only_the_whole_epochs_and_their_weights():
    X, y = _data()
    spec = kspec.ModelSpec(5, kspec.parse_layers("8"), "binary")
    train = kspec.TrainSpec(epochs=2, batch_size=16, seed=3)
    two = km.build(spec, seed=0)
    whole = km.fit(two, spec, train, X, y)
    # 77 training rows in batches of 16: 5 batches an epoch; stop after the 2nd batch of epoch 3.
    cut = km.build(spec, seed=0)
    live = km.LiveCallback(should_stop=lambda: len(live.batch_loss) >= 12)
    store = RunStore()
    staging = store.staging()
    result = km.fit(cut, spec, kspec.TrainSpec(**{**train.__dict__, "epochs": 50}), X, y, live=live,
                    log_dir=staging / "logs")
    assert result.stopped_by_user and result.stop_reason == "user" and result.partial_epoch
    assert result.epochs_run == 2 and len(result.history["loss"]) == 2 == len(result.wall_time)
    assert result.history["loss"] == whole.history["loss"]
    for a, b in zip(two.get_weights(), cut.get_weights()):  # the weights of the end of epoch 2, not 2.4
        np.testing.assert_array_equal(a, b)
    name = km.save_run(store, staging, "cut", cut, result, {})
    assert store.get(name).config["epochs_run"] == 2 and len(store.history(name)[0]["loss"]) == 2
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(store.path(name) / "logs" / "train"), size_guidance={"tensors": 0})
    events.Reload()
    assert [e.step for e in events.Tensors("epoch_loss")] == [0, 1]  # TensorBoard never saw the cut epoch


def test_a_training_stops_at_its_time_budget_with_whole_epochs():
    X, y = _data(n=400)
    spec = kspec.ModelSpec(5, kspec.parse_layers("8"), "binary")

    def budget_runs_out_after_two_epochs(live):
        # Whatever this machine's speed: the budget is the time spent when epoch 2 ends, so it runs out in epoch 3.
        if len(live.wall_time) == 2 and live.max_seconds > live.elapsed:
            live.max_seconds = live.elapsed

    live = km.LiveCallback(budget_runs_out_after_two_epochs, min_interval=0.0)
    result = km.fit(km.build(spec, seed=0), spec, kspec.TrainSpec(epochs=1000, batch_size=8), X, y, live=live)
    assert result.stopped_by_user and result.stop_reason == "time"
    assert result.epochs_run == 2 == len(result.history["loss"]) and result.partial_epoch  # epoch 3 left out
    assert live.projected_seconds > live.max_seconds  # 1000 epochs would have taken longer


def test_a_model_over_the_parameter_budget_is_refused_before_training():
    X, y = _data()
    units = ",".join(["1024"] * 3)
    spec = kspec.ModelSpec(5, kspec.parse_layers(units), "binary")
    model = km.build(spec, seed=0)
    assert model.count_params() == kspec.count_parameters(spec) > budget.MAX_PARAMETERS
    with pytest.raises(ValueError, match="a model here may have at most"):
        km.fit(model, spec, kspec.TrainSpec(epochs=1), X, y)


def test_the_largest_model_allowed_fits_the_disk_budget_of_a_run():
    # Close to MAX_PARAMETERS: the model file (with Adam's two moments per weight) stays under MAX_RUN_BYTES.
    X, y = _data()
    spec = kspec.ModelSpec(5, kspec.parse_layers("990, 990"), "binary")
    assert 0.98 * budget.MAX_PARAMETERS < kspec.count_parameters(spec) <= budget.MAX_PARAMETERS
    model = km.build(spec, seed=0)
    result = km.fit(model, spec, kspec.TrainSpec(epochs=1, batch_size=64), X, y)
    store = RunStore()
    staging = store.staging()
    name = km.save_run(store, staging, "largest", model, result, {})
    size = sum(f.stat().st_size for f in store.path(name).rglob("*") if f.is_file())
    assert size <= budget.MAX_RUN_BYTES


@pytest.mark.parametrize("asked, pools", [(None, "1 1"), ("3", "3 3")])
def test_tensorflow_gets_one_thread_unless_nnviz_tf_threads_says_otherwise(asked, pools):
    """docs/serving.md: TensorFlow uses one thread per training (NNVIZ_TF_THREADS changes it). A fresh process
    (this one's TensorFlow is initialised already): nnviz.keras.load(), then TensorFlow's own pool sizes."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items()
           if k not in ("NNVIZ_TF_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")}
    if asked is not None:
        env["NNVIZ_TF_THREADS"] = asked
    script = ("import nnviz.keras as k; k.load(); import tensorflow as tf; "
              "print(tf.config.threading.get_intra_op_parallelism_threads(), "
              "tf.config.threading.get_inter_op_parallelism_threads())")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[-2] == pools
