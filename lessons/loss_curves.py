"""Loss curves: stored Keras runs overlaid and smoothed as TensorBoard does, with a diagnosis per run."""

import dataclasses
import functools

import pandas as pd
import streamlit as st

from nnviz import curves
from nnviz.charts import training as charts
from nnviz.keras.runs import RunStore
from nnviz.ui import chart, settings


@dataclasses.dataclass(frozen=True)
class Settings:
    metric: str = settings.choice("loss", ("loss", "accuracy", "mae"), "Metric")
    smoothing: float = settings.slider(0.6, 0.0, 0.99, 0.01, "Smoothing (TensorBoard's weight)")
    log_y: bool = settings.toggle(False, "Log-scale y", widget="checkbox")
    x_axis: str = settings.choice("epoch", ("epoch", "wall time"), "x axis", widget="radio")


PAGE = settings.Page("curves", Settings)
PRESETS = {
    "Raw": {"smoothing": 0.0},
    "Smooth 0.6": {"smoothing": 0.6},
    "Smooth 0.95": {"smoothing": 0.95},
    "Log y": {"log_y": True},
    "Wall time": {"x_axis": "wall time"},
}

st.title("Loss curves")
st.markdown(
    "Every training on the Keras page is stored as a run. Overlay runs to compare them the way TensorBoard "
    "shows them: a noisy curve is smoothed with a debiased exponential moving average, drawn over the faint raw "
    "curve. Smoothing changes how a curve looks, never the model."
)
st.latex(r"s_t = \frac{m_t}{1 - w^{t}}, \qquad m_t = w\, m_{t-1} + (1 - w)\, x_t, \quad m_0 = 0")

PAGE.init()
PAGE.presets_bar(PRESETS)
store = RunStore()
runs = store.list()
if not runs:
    st.info(f"No runs yet in `{store.root}`. Train a model on the [Keras training](/keras_training) page "
            "(or point NNVIZ_RUNS_DIR at a folder of runs).")
    PAGE.sync()
    st.stop()

names = [run.name for run in runs]
box = st.session_state.setdefault("keras.box", {})  # filled by the Keras page: this session's runs
mine = [n for n in box.get("my_runs", []) if n in names]
if "curves.runs" not in st.session_state or not set(st.session_state["curves.runs"]) <= set(names):
    st.session_state["curves.runs"] = (mine or names)[-3:]


@PAGE.section
def overlay() -> None:
    """The chosen runs overlaid, smoothed, with one row per run: the diagnosis and the best epoch."""
    st.multiselect("Runs (from every session, stored on disk)", names, key="curves.runs")
    a, b, c, d = st.columns(4)
    PAGE.widget("metric", a)
    PAGE.widget("smoothing", b)
    PAGE.widget("log_y", c)
    PAGE.widget("x_axis", d, horizontal=True)
    s = PAGE.values()
    chosen = [store.get(name) for name in st.session_state["curves.runs"]]
    drawn, rows = [], []
    for run in chosen:
        history, wall_time = store.history(run.name)
        drawn.append({"name": run.name, "history": history, "wall_time": wall_time,
                      "early_stopping_epoch": run.config.get("early_stopping_epoch")})
        diagnosis = curves.diagnose(history.get("loss", []), history.get("val_loss"),
                                    baseline=run.config.get("baseline_loss"))
        val = history.get("val_loss") or history.get("loss", [])
        best = curves.best_epoch(val)
        rows.append({"run": run.name, "data": run.config.get("data", ""), "epochs": len(wall_time),
                     "best epoch": best, "best val loss" if history.get("val_loss") else "best loss":
                     None if best is None else round(val[best - 1], 4),
                     "early stop": run.config.get("early_stopping_epoch"), "diagnosis": diagnosis.message})
    available = any(s.metric in item["history"] for item in drawn)
    if chosen and not available:
        st.warning(f"None of the chosen runs logged {s.metric!r}; showing the loss.")
    metric = s.metric if available else "loss"
    chart.show(charts.runs_overlay(drawn, metric, s.smoothing, s.log_y, s.x_axis), key="curves.overlay")
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="curves.table")


overlay()
PAGE.sync()

st.subheader("Manage a run")
session = st.session_state.get("keras.session", "")
target = st.selectbox("Run", names, index=len(names) - 1, key="curves.manage")
run = store.get(target)
own = bool(session) and run.config.get("session") == session
a, b, c = st.columns([2, 1, 1])
new_name = a.text_input("New name", key="curves.new_name", placeholder=target, disabled=not own)
if b.button("Rename", key="curves.rename", disabled=not own or not new_name):
    try:
        renamed = store.rename(target, new_name, session)
        box["my_runs"] = [renamed if n == target else n for n in box.get("my_runs", [])]
        st.session_state.pop("curves.runs", None)
        st.rerun()
    except ValueError as error:
        st.error(str(error))
if c.button("Delete", key="curves.delete", disabled=not own):
    try:
        store.delete(target, session)
        st.session_state.pop("curves.runs", None)
        st.rerun()
    except ValueError as error:
        st.error(str(error))
if not own:
    st.caption("Only the session that trained a run may rename or delete it; every run can be downloaded.")
st.download_button("Download as zip", functools.partial(store.zip_bytes, target), file_name=f"{target}.zip",
                   mime="application/zip", key="curves.download")

with st.expander("Open the runs in TensorBoard"):
    st.markdown("Every run folder holds TensorBoard event files written by `keras.callbacks.TensorBoard`. "
                "In a terminal, in the project folder:")
    st.code(f"tensorboard --logdir {store.root}", language="bash")
    st.markdown("then open http://localhost:6006. Its smoothing slider uses the same formula as this page.")

st.markdown("**What to notice:** the best epoch (★) is where the validation loss is lowest. If the validation "
            "curve rises after it while the training curve keeps falling, that is overfitting from that epoch on; "
            "early stopping (dotted line) ends training there. Heavy smoothing hides a divergence's first spike "
            "and shifts the curve to the right: look at the faint raw curve too.")
