"""Loss curves: stored Keras runs overlaid and smoothed as TensorBoard does, with a diagnosis per run."""

import dataclasses
import functools

import pandas as pd
import streamlit as st

from nnviz import curves
from nnviz.charts import training as charts
from nnviz.keras.runs import RunStore
from nnviz.ui import chart, settings

store = RunStore()
names = [run.name for run in store.list()]
MAX_RUNS = 6  # overlaid at once: more curves than this cannot be told apart


@dataclasses.dataclass(frozen=True)
class Settings:
    runs: list = settings.choices([], names, "Runs (from every session, stored on disk)", max_chosen=MAX_RUNS)
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


def _runs_from_link() -> None:
    """Runs a link names that are not stored here (renamed, deleted, another server's) are named in a warning
    and taken out of the link; its other runs are kept, and checked as every setting is."""
    if PAGE.key("runs") in st.session_state or "runs" not in st.query_params:
        return  # this session's own choice wins over a link, as for every setting
    raws = st.query_params.get_all("runs")
    if len(raws) != 1 or len(raws[0]) > settings.LINK_CHARS:
        return  # the link warning of PAGE.init names the problem
    asked = PAGE.declared["runs"].parse(raws[0])
    missing = [name for name in asked if name not in names]
    if not missing:
        return
    kept = [name for name in asked if name in names]
    listed = ", ".join(settings.shown(name) for name in missing[:MAX_RUNS])
    if len(missing) > MAX_RUNS:
        listed += f" and {len(missing) - MAX_RUNS} more"
    st.warning(f"**{PAGE.declared['runs'].label}**: the link names {listed}, but no run of that name is stored "
               "here (renamed or deleted since?); "
               + ("the link's other runs are shown." if kept else "the latest runs are shown instead."))
    if kept:
        st.query_params["runs"] = ",".join(kept)
    else:
        del st.query_params["runs"]


st.title("Loss curves")
st.markdown(
    "Every training on the Keras page is stored as a run. Overlay runs to compare them the way TensorBoard "
    "shows them: a noisy curve is smoothed with a debiased exponential moving average, drawn over the faint raw "
    "curve. Smoothing changes how a curve looks, never the model."
)
st.latex(r"s_t = \frac{m_t}{1 - w^{t}}, \qquad m_t = w\, m_{t-1} + (1 - w)\, x_t, \quad m_0 = 0")

_runs_from_link()
PAGE.init()
PAGE.presets_bar(PRESETS)
if not names:
    st.info(f"No runs yet in `{store.root}`. Train a model on the [Keras training](/keras_training) page "
            "(or point NNVIZ_RUNS_DIR at a folder of runs).")
    PAGE.sync()
    st.stop()

box = st.session_state.setdefault("keras.box", {})  # filled by the Keras page: this session's runs
mine = [n for n in box.get("my_runs", []) if n in names]
# The runs shown: the chosen ones still stored, then this session's runs trained (or renamed) since the page's
# last full run; with none chosen (a first visit, a reset) this session's latest runs, else everyone's.
seen = st.session_state.get("curves.seen")
fresh = [] if seen is None else [n for n in mine if n not in seen]
st.session_state["curves.seen"] = mine
kept = [n for n in PAGE["runs"] if n in names and n not in fresh] + fresh
PAGE["runs"] = (kept or (mine or names)[-3:])[-MAX_RUNS:]


def _ending(config: dict, epochs: int) -> str:
    """How a run's training ended, in words, for its row of the table."""
    if config.get("early_stopping_epoch"):
        return f"early stopping at epoch {config['early_stopping_epoch']}"
    if config.get("stopped_by_user"):
        by = "the time budget" if config.get("stop_reason") == "time" else "hand"
        return f"stopped by {by} at epoch {epochs}"
    return "all epochs run"


@PAGE.section
def overlay() -> None:
    """The chosen runs overlaid, smoothed, with one row per run: the diagnosis and the best epoch."""
    PAGE.widget("runs")
    a, b, c, d = st.columns(4)
    PAGE.widget("metric", a)
    PAGE.widget("smoothing", b)
    PAGE.widget("log_y", c)
    PAGE.widget("x_axis", d, horizontal=True)
    s = PAGE.values()
    drawn, rows, gone, diagnoses = [], [], [], []
    for name in s.runs:
        try:
            run = store.get(name)
            # Whole epochs only: the record's count of them bounds the history read.
            history, wall_time = curves.whole_epochs(*store.history(name), run.config.get("epochs_run"))
        except (OSError, ValueError):  # deleted by its session since this page listed it
            gone.append(name)
            continue
        drawn.append({"name": run.name, "history": history, "wall_time": wall_time,
                      "early_stopping_epoch": run.config.get("early_stopping_epoch")})
        diagnosis = curves.diagnose(history.get("loss", []), history.get("val_loss"),
                                    baseline=run.config.get("baseline_loss"))
        val = history.get("val_loss") or history.get("loss", [])
        best = curves.best_epoch(val)
        rows.append({"run": run.name, "data": run.config.get("data", ""), "epochs": len(wall_time),
                     "best epoch": best, "best val loss" if history.get("val_loss") else "best loss":
                     None if best is None else round(val[best - 1], 4),
                     "how it ended": _ending(run.config, len(wall_time)), "diagnosis": diagnosis.verdict})
        diagnoses.append(f"- {settings.shown(run.name)} — {diagnosis.message}")
    if gone:
        st.caption("No longer stored (deleted since): " + ", ".join(settings.shown(name) for name in gone))
    available = any(s.metric in item["history"] for item in drawn)
    if drawn and not available:
        st.warning(f"None of the chosen runs logged {s.metric!r}; showing the loss.")
    metric = s.metric if available else "loss"
    chart.show(charts.runs_overlay(drawn, metric, s.smoothing, s.log_y, s.x_axis), key="curves.overlay")
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="curves.table")
        # Whole sentences, wrapped to the page's width: a table cell would cut them off at its edge.
        st.container(key="curves_diagnoses").markdown("\n".join(diagnoses))


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
        box["my_runs"] = [renamed if n == target else n for n in box.get("my_runs", [])]  # shown in its place
        st.rerun()
    except ValueError as error:
        st.error(str(error))
if c.button("Delete", key="curves.delete", disabled=not own):
    try:
        store.delete(target, session)
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
