"""Keras page: live-update overhead, a math page's rerun after Keras was used, time to first epoch.

Budgets: live updates cost at most 5 % of ``model.fit``
time; a math page reruns in under 50 ms p95 after the Keras page was used.
Each measurement that depends on process state (is TensorFlow imported? was
``gc.freeze()`` called?) runs in a fresh subprocess.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

from bench.common import ROOT, table

REPEAT_FIT = 7
RERUNS = 40


def _subprocess(code: str, env: dict | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=900)
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


OVERHEAD = r"""
import json, statistics, time
from nnviz import tabular
from nnviz.charts import training as charts
from nnviz.keras import model as km, spec as ks
table = tabular.load("loan_default")
p = tabular.prepare(table.frame, table.target, table.task,
                    tabular.PrepSpec(fills=(("mort_acc", "group_mean:total_acc"),)))
spec = ks.ModelSpec(p.X_train.shape[1], ks.parse_layers("32, 16", dropout=0.2), "binary")
train = ks.TrainSpec(epochs=EPOCHS, batch_size=BATCH, validation_split=0.2)
import tempfile
def fit(live, tensorboard=False):
    model = km.compile_model(km.build(spec, seed=1), spec, train)
    callbacks = [] if live is None else [live]
    if tensorboard:  # the page always logs for TensorBoard too
        callbacks.append(km.keras.callbacks.TensorBoard(log_dir=tempfile.mkdtemp(), write_graph=False))
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(p.X_train, p.y_train, validation_split=0.2, batch_size=train.batch_size, epochs=train.epochs,
              callbacks=callbacks, verbose=0)
    return time.perf_counter() - start, time.process_time() - cpu
spent = []
def redraw(live):  # what the page does per update, short of the websocket: build the figure, serialise it
    start = time.perf_counter()
    charts.live_curves(live.history, epochs=live.epochs_planned, batch_x=live.batch_x,
                       batch_values=live.batch_loss).to_json()
    spent[-1] += time.perf_counter() - start
fit(None)  # warm-up (tracing)
plain, with_live, epochs_only, updates, share, tb, tb_live = [], [], [], [], [], [], []
for _ in range(REPEAT):
    tb.append(fit(None, tensorboard=True))
    tb_live.append(fit(km.LiveCallback(redraw, min_interval=0.2), tensorboard=True))
    plain.append(fit(None))
    live = km.LiveCallback(redraw, min_interval=0.2)
    spent.append(0.0)
    with_live.append(fit(live))
    updates.append(live.updates)
    share.append(spent[-1] / with_live[-1][0])
    spent.append(0.0)
    epochs_only.append(fit(km.LiveCallback(redraw, min_interval=0.2, batches=False)))
print(json.dumps({"plain": plain, "live": with_live, "epochs_only": epochs_only, "updates": updates, "share": share,
                  "tb": tb, "tb_live": tb_live}))
"""

FIRST_EPOCH = r"""
import json, time
t0 = time.perf_counter()
from nnviz import tabular
table = tabular.load("loan_default")
p = tabular.prepare(table.frame, table.target, table.task,
                    tabular.PrepSpec(fills=(("mort_acc", "group_mean:total_acc"),)))
t1 = time.perf_counter()
from nnviz.keras import model as km, spec as ks
t2 = time.perf_counter()
spec = ks.ModelSpec(p.X_train.shape[1], ks.parse_layers("32, 16", dropout=0.2), "binary")
first = {}
live = km.LiveCallback(lambda live: first.setdefault("t", time.perf_counter()) if live.wall_time else None,
                       min_interval=0.0)
model = km.build(spec, seed=1)
km.fit(model, spec, ks.TrainSpec(epochs=1, batch_size=128), p.X_train, p.y_train, live=live)
print(json.dumps({"load+prepare": t1 - t0, "import TF/Keras": t2 - t1, "build+first epoch": first["t"] - t2}))
"""

RERUN = r"""
import json, os, threading
import streamlit.config as config
config.set_option("runner.postScriptGC", POST_GC)
from bench.common import apptest_rerun_times
model = None
if USE_KERAS:
    import numpy as np
    from nnviz.keras import model as km, spec as ks
    X = np.random.default_rng(0).normal(size=(200, 8)).astype("float32"); y = (X[:, 0] > 0).astype(int)
    spec = ks.ModelSpec(8, ks.parse_layers("16, 8"), "binary")
    model = km.build(spec, seed=0)   # kept alive, as st.session_state keeps the page's model
    km.fit(model, spec, ks.TrainSpec(epochs=2), X, y)
stop = threading.Event()
if TRAINING:
    from nnviz import tabular
    table = tabular.load("loan_default")
    p = tabular.prepare(table.frame, table.target, table.task)
    spec2 = ks.ModelSpec(p.X_train.shape[1], ks.parse_layers("32, 16"), "binary")
    def train():
        m = km.build(spec2, seed=1)
        km.fit(m, spec2, ks.TrainSpec(epochs=1000, batch_size=128), p.X_train, p.y_train,
               live=km.LiveCallback(should_stop=stop.is_set))
    worker = threading.Thread(target=train)
    worker.start()
def temperature(at, i):
    at.slider(key="activations.temperature").set_value(round(0.1 * (i % 45 + 1), 1))
result = apptest_rerun_times("lessons/activations.py", [temperature], repeat=REPEAT)
stop.set()
if TRAINING:
    worker.join()
print(json.dumps(result))
"""


def overhead(epochs: int = 5, batch: int = 128) -> list[dict]:
    code = OVERHEAD.replace("EPOCHS", str(epochs)).replace("BATCH", str(batch)).replace("REPEAT", str(REPEAT_FIT))
    r = _subprocess(code)
    rows = [{"measure": f"(fits below: loan set, {epochs} epochs, batch {batch}, [32, 16] + dropout)", "value": "",
             "detail": ""}]
    for base, key, what in (("tb", "tb_live", "as on the page (both with TensorBoard)"),
                            ("plain", "live", "batch+epoch hooks vs no callback"),
                            ("plain", "epochs_only", "epoch hooks only vs no callback")):
        for i, kind in ((0, "wall"), (1, "CPU")):
            plain = statistics.median(x[i] for x in r[base])
            live = statistics.median(x[i] for x in r[key])
            rows.append({"measure": f"live-update overhead ({kind}), {what}",
                         "value": f"{100 * (live - plain) / plain:+.1f} %",
                         "detail": f"fit {plain:.2f} s without, {live:.2f} s with (medians of {REPEAT_FIT})"})
    rows.append({"measure": "time inside the redraws / fit time", "value": f"{100 * statistics.median(r['share']):.1f} %",
                 "detail": f"{statistics.median(r['updates'])} redraws per fit (throttled to 5/s)"})
    return rows


def first_epoch() -> list[dict]:
    r = _subprocess(FIRST_EPOCH)
    return [{"measure": f"time to first epoch, loan set: {name}", "value": f"{seconds:.2f} s", "detail": "cold process"}
            for name, seconds in r.items()]


def reruns() -> list[dict]:
    rows = []
    variants = [
        ("no Keras (baseline)", False, "1", False, False),
        ("Keras used, gc.freeze, postScriptGC off (shipped)", True, "1", False, False),
        ("Keras used, no gc.freeze, postScriptGC off", True, "0", False, False),
        ("Keras used, gc.freeze, postScriptGC on (Streamlit default)", True, "1", True, False),
        ("Keras used, no gc.freeze, postScriptGC on", True, "0", True, False),
        ("a Keras training running meanwhile (shipped settings)", True, "1", False, True),
    ]
    for name, use_keras, freeze, post_gc, training in variants:
        code = (RERUN.replace("POST_GC", str(post_gc)).replace("USE_KERAS", str(use_keras))
                .replace("TRAINING", str(training)).replace("REPEAT", str(RERUNS)))
        r = _subprocess(code, {"NNVIZ_GC_FREEZE": freeze})
        rows.append({"measure": f"activations rerun: {name}", "value": f"p95 {r['p95_ms']:.0f} ms",
                     "detail": f"median {r['median_ms']:.0f} ms, {r['n']} reruns"})
    return rows


def main() -> None:
    start = time.perf_counter()
    rows = [*overhead(), *first_epoch()]
    print(table(rows, ["measure", "value", "detail"]), flush=True)
    print(table(reruns(), ["measure", "value", "detail"]))
    print(f"({time.perf_counter() - start:.0f} s; 2 cores; anything else running adds noise to absolute times)")


if __name__ == "__main__":
    main()
