"""kill -9 during a training, then a restart: finished runs are intact, the interrupted one is never listed
and its staging folder is removed (TensorBoard would list it as a run)."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.tensorflow

ROOT = Path(__file__).resolve().parents[1]

SERVER_STAND_IN = textwrap.dedent("""
    import sys
    import keras
    from nnviz import tabular
    from nnviz.keras import model as km, spec as kspec
    from nnviz.keras.runs import RunStore

    store = RunStore(sys.argv[1])
    table = tabular.load("iris")
    prepared = tabular.prepare(table.frame, "target", "multiclass", tabular.PrepSpec(seed=1))
    spec = kspec.ModelSpec(4, kspec.parse_layers("6"), "multiclass", 3)

    model = km.build(spec, seed=0)
    staging = store.staging()
    result = km.fit(model, spec, kspec.TrainSpec(epochs=2, batch_size=16), prepared.X_train, prepared.y_train,
                    log_dir=staging / "logs")
    km.save_run(store, staging, "finished", model, result, {"data": "iris"}, prepared.pipeline, "s1")
    print("FINISHED", flush=True)

    class Announce(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            print("EPOCH", epoch, flush=True)

    long_run = km.build(spec, seed=1)
    staging = store.staging()
    km.compile_model(long_run, spec, kspec.TrainSpec(epochs=100_000, batch_size=4))
    long_run.fit(prepared.X_train, prepared.y_train, epochs=100_000, batch_size=4, verbose=0,
                 callbacks=[Announce(), keras.callbacks.TensorBoard(log_dir=str(staging / "logs"))])
""")


def test_kill_9_mid_training_leaves_finished_runs_intact_and_hides_the_interrupted_one(tmp_path):
    runs = tmp_path / "runs"
    proc = subprocess.Popen([sys.executable, "-c", SERVER_STAND_IN, str(runs)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        seen = []
        for line in proc.stdout:
            seen.append(line.split()[0])
            if seen.count("EPOCH") >= 2:  # the interrupted run has files on disk by now
                break
        assert seen[0] == "FINISHED", seen
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    assert any(p.name.startswith(".staging-") and any(p.rglob("*")) for p in runs.iterdir())

    # "Restart": a new process reads the folder.
    from nnviz import tabular
    from nnviz.keras import model as km
    from nnviz.keras.runs import RunStore

    store = RunStore(runs)
    assert [run.name for run in store.list()] == ["finished"]
    # The killed training's staging folder is gone, so TensorBoard (which lists hidden folders too) shows
    # only the finished run.
    assert not any(p.name.startswith(".staging-") for p in runs.iterdir())
    from tensorboard.backend.event_processing import io_wrapper

    logdirs = {Path(d).relative_to(runs).parts[0] for d in io_wrapper.GetLogdirSubdirectories(str(runs))}
    assert logdirs == {"finished"}
    history, wall = store.history("finished")
    assert len(history["loss"]) == 2 and len(wall) == 2
    model = km.load_model(store, "finished")
    pipeline = km.load_pipeline(store, "finished")
    table = tabular.load("iris")
    X = pipeline.transform(table.frame.drop(columns="target").head(5))
    assert np.all(np.isfinite(km.predict(model, X)))
