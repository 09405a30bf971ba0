"""The Keras page's pieces that several of its sections share: the table, its cached analysis and figures, the
plan the settings make of it, the missing-value table, and what a training asks of Streamlit.

A bundled data set is small and worked on here; an upload's reading, analysis and preparation take seconds on a
wide table and run in the worker process (:mod:`nnviz.ui.offload`). Everything is cached by the table's source
(a bundled name, or ``upload:`` and the file's SHA-256), never hashed cell by cell, and shared by every session.
"""

from __future__ import annotations

import dataclasses
import hashlib

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from nnviz import tabular
from nnviz.charts import spec as figures
from nnviz.charts import training as charts
from nnviz.keras import budget, training
from nnviz.keras import model as km
from nnviz.keras import spec as kspec
from nnviz.keras.runs import sanitize
from nnviz.ui import chart, offload, upload
from nnviz.ui.text import plain

UPLOAD = "upload a CSV"
_TABLE = "keras.upload_table"  # (file id, table, digest) of this session's last upload
_WRITTEN, _VERSION = "keras.fills_written", "keras.fills_version"  # the fills the table last wrote; its key's count


def _here(source: str) -> bool:
    return not source.startswith("upload:")


@st.cache_resource(max_entries=8, show_spinner=False)
def bundled(name: str) -> tabular.Table:
    return tabular.load(name)


@st.cache_resource(max_entries=8, show_spinner=False)
def overview(source: str, _frame: pd.DataFrame, target: str, task: str) -> tabular.Overview:
    return offload.run(tabular.explore, _frame, target, task, here=_here(source))


@st.cache_resource(max_entries=8, show_spinner="Preparing the features…")
def prepare(source: str, _frame: pd.DataFrame, target: str, task: str, spec: tabular.PrepSpec) -> tabular.Prepared:
    return offload.run(tabular.prepare, _frame, target, task, spec, here=_here(source))


# The missing-value analysis of a wide table takes seconds: once per table content and target, for every session.
@st.cache_data(max_entries=16, show_spinner=False)
def gaps(source: str, _frame: pd.DataFrame, target: str) -> dict:
    return offload.run(tabular.gaps, _frame, target, here=_here(source))


@st.cache_data(max_entries=16, show_spinner=False)
def summary(model_spec: kspec.ModelSpec) -> list:
    return km.summary_rows(km.build(model_spec))


# Parsed once per file content (its SHA-256), shared by every session that uploads the same file; a file
# that cannot be read is cached with its message, so a bad upload is not re-read on every widget change.
@st.cache_data(max_entries=8, show_spinner="Reading the CSV…")
def read_upload(digest: str, name: str, _data: bytes) -> tuple[tabular.Table | None, str | None]:
    try:
        return offload.run(tabular.read_csv, _data, name), None
    except ValueError as error:
        return None, str(error)


def table(data_name: str) -> tuple[tabular.Table, str]:
    """The chosen table and its source; for an upload, the upload box first (the page stops until a file is read)."""
    if data_name != UPLOAD:
        return bundled(data_name), data_name
    file = upload.csv_file("CSV file (at most 5 MB, 200 columns, 200,000 rows; nothing in it is executed)",
                           "keras.upload")
    if file is None:
        st.info("Choose a CSV file to continue, or pick a bundled data set.")
        st.stop()
    cache = st.session_state.get(_TABLE)
    if cache is None or cache[0] != file.file_id:
        data = file.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        read = st.session_state.setdefault("keras.upload_bytes", {})  # digest -> bytes, this session's uploads
        if digest not in read and sum(read.values()) + len(data) > tabular.MAX_SESSION_UPLOAD_BYTES:
            st.error(f"This page has already read {sum(read.values()) / 1e6:.1f} MB of uploads in this session; "
                     f"the limit is {tabular.MAX_SESSION_UPLOAD_BYTES // 2**20} MB per session. Pick a file "
                     "uploaded before or a bundled data set, or reload the page.")
            st.stop()
        read[digest] = len(data)
        uploaded, problem = read_upload(digest, file.name, data)
        if problem is not None:
            st.error(plain(problem))
            st.stop()
        cache = (file.file_id, uploaded, digest)
        st.session_state[_TABLE] = cache
    return cache[1], f"upload:{cache[2]}"


# Figures that depend on the table alone are built and serialised once (frozen), not on every rerun.
@st.cache_resource(max_entries=8, show_spinner=False)
def overview_figures(source: str, target: str, task: str, _overview: tabular.Overview) -> dict:
    """The class balance, the missing values and the correlations of a table (None where there is nothing)."""
    o = _overview
    return {"balance": None if o.class_counts is None else figures.frozen(charts.class_balance(o.class_counts.to_dict())),
            "missing": figures.frozen(charts.missing_values(o.missing.column.tolist(), o.missing.percent.tolist()))
            if len(o.missing) else None,
            "correlation": figures.frozen(charts.correlation_heatmap(o.correlation.to_numpy(), list(o.correlation.columns)))
            if o.correlation.shape[0] > 1 else None}


@st.cache_resource(max_entries=32, show_spinner=False)
def histogram(source: str, _frame: pd.DataFrame, column: str, target: str, task: str):
    return figures.frozen(charts.histogram(tabular.by_class(_frame, column, target, task), column))


@st.cache_resource(max_entries=32, show_spinner=False)
def empty_curves(epochs: int):
    return figures.frozen(charts.live_curves({}, epochs=epochs))


def fills_editor(page, gaps: dict, data_name: str, rerun: list[str]) -> dict[str, str]:
    """The missing-value choices as one table, a select box in each row's fill; returns the fill of each column.

    The choices live in the page's one ``fills`` setting (text, in the link), which this writes; a link, a
    preset or Reset that changed the setting since starts a fresh table from it. An edit reruns the sections
    ``rerun`` (their fragment keys). A fill a column does not offer is said, and that column's own is used.
    """
    if page["fills"] != st.session_state.get(_WRITTEN):
        st.session_state[_VERSION] = st.session_state.get(_VERSION, 0) + 1
    fills, _ = tabular.chosen_fills(gaps, tabular.parse_fills(page["fills"]))
    edited = st.data_editor(
        tabular.fill_table(gaps, fills), key=f"keras.fills.{data_name}.{st.session_state[_VERSION]}",
        num_rows="fixed", hide_index=True, width="stretch", disabled=["column", "missing", "choices"],
        column_config={"fill": st.column_config.SelectboxColumn("fill", options=tabular.fill_options(gaps),
                                                                required=True, width="medium"),
                       "choices": st.column_config.TextColumn("choices for this column", width="large")},
        on_change=lambda: st.rerun(rerun))
    fills, problems = tabular.chosen_fills(gaps, dict(zip(edited.column, edited.fill)))
    for problem in problems:
        st.warning(plain(problem))
    page["fills"] = st.session_state[_WRITTEN] = tabular.fills_text(
        fills, {column: default for column, (default, _, _) in gaps.items()})
    return fills


def _per_outcome(build):
    """``build(outcome)``, built once per finished training of this session (a model setting's move redraws the
    training section, a new applicant the evaluation) and frozen."""
    def built(outcome):
        memo = st.session_state.setdefault("keras.outcome_figures", {})
        held = memo.get(build.__name__)
        if held is None or held[0] is not outcome:
            held = memo[build.__name__] = (outcome, build(outcome))
        return held[1]
    return built


@_per_outcome
def outcome_curves(outcome) -> tuple:
    """The loss per epoch with the early-stopping and best epochs marked, and the metric per epoch (or None)."""
    result = outcome.result
    loss = charts.live_curves(result.history, epochs=len(result.wall_time), batch_x=result.batch_x,
                              batch_values=result.batch_loss, early_stopping_epoch=result.early_stopping_epoch,
                              best=outcome.best_epoch)
    metric = next((m for m in ("accuracy", "mae") if m in result.history), None)
    return (figures.frozen(loss),
            None if metric is None else figures.frozen(charts.live_curves(result.history, metric, best=None)))


@_per_outcome
def evaluation_panels(outcome) -> tuple:
    """The evaluation's two panels, side by side: (formula with this model's numbers, figure, chart key) each.

    Regression: predicted against actual, and the residuals. Classification: the confusion matrix, and the ROC
    curve when there are two classes.
    """
    evaluation = outcome.evaluation
    formulas = tabular.formulas(evaluation)
    if evaluation.task == "regression":
        panels = [("predicted", charts.predicted_vs_actual(evaluation.y_true, evaluation.y_pred), "keras.pred"),
                  ("residuals", charts.residuals(evaluation.y_true, evaluation.y_pred), "keras.residuals")]
    else:
        panels = [("confusion", charts.confusion_matrix(evaluation.confusion, outcome.class_names), "keras.confusion")]
        if evaluation.roc is not None:
            panels.append(("roc", charts.roc_curve(*evaluation.roc), "keras.roc"))
    return tuple((formulas[name], figures.frozen(figure), key) for name, figure, key in panels)


@dataclasses.dataclass(frozen=True)
class Slots:
    """Where a training shows itself while it runs: the status line and the loss chart (two ``st.empty``)."""

    status: object
    chart: object

    def draw(self, live: km.LiveCallback) -> None:
        """The epoch reached and the loss so far, per epoch and per batch."""
        self.status.markdown(training.progress_words(live))
        chart.show(charts.live_curves(live.history, epochs=live.epochs_planned, batch_x=live.batch_x,
                                      batch_values=live.batch_loss), key=f"keras.live.{live.updates}",
                   where=self.chart)

    def wait(self, position: int) -> None:
        """The place in the line; a click (Stop) while waiting leaves the line."""
        if rerun_asked():
            st.stop()
        (self.status.warning if position else self.status.markdown)(training.waiting_words(position))


def train(trainings: training.Trainings, job: training.Job, slots: Slots) -> None:
    """Train ``job`` in this script run, drawn in ``slots``; a click stops it cleanly.

    A click inside a section asks for a rerun that may not interrupt this run: the training stops itself
    (:func:`rerun_asked`). A click outside the sections, or the toolbar's Stop, interrupts the run inside a
    redraw: the training keeps what it trained and the interrupt goes on once the results are safe. A refusal
    is shown as an error.
    """
    started, context = trainings.script_runs, get_script_run_ctx()
    try:
        interrupt = trainings.train(job, on_progress=slots.draw, on_wait=slots.wait, should_stop=rerun_asked)
    except ValueError as error:
        st.error(plain(error))
        return
    if interrupt is not None:
        if trainings.script_runs == started and context is not None:
            rerun_stopped_session(context.session_id)  # the toolbar's Stop: nothing else would show the results
        raise interrupt
    if trainings.outcome is not None and in_section_run():
        st.rerun()  # the whole page, so that the evaluation section shows the new model


@dataclasses.dataclass(frozen=True)
class Plan:
    """What the settings make of the table: the prepared features, the network, how to train it, its size."""

    prepared: tabular.Prepared
    model: kspec.ModelSpec
    train: kspec.TrainSpec
    fills: dict
    n_parameters: int
    over_budget: str | None  # why this network may not be trained (too many weights), else None

    def time_warning(self) -> str | None:
        rows = int(self.prepared.X_train.shape[0] * (1 - self.train.validation_split))
        seconds = budget.estimate_seconds(self.n_parameters, rows, self.train.batch_size, self.train.epochs)
        return budget.time_warning(seconds, self.train.epochs)


def plan(source: str, frame: pd.DataFrame, target: str, task: str, s, gap_columns: dict) -> Plan:
    """The plan for settings ``s`` (the page's Settings); ``ValueError`` in words when they make none."""
    fills, _ = tabular.chosen_fills(gap_columns, tabular.parse_fills(s.fills))
    prepared = prepare(source, frame, target, task,
                       tabular.PrepSpec(tuple(fills.items()), s.categorical, s.scaler, s.test_fraction, s.seed))
    model = kspec.ModelSpec(prepared.X_train.shape[1], kspec.parse_layers(s.layers, s.activation, s.dropout),
                            task, len(prepared.class_names))
    train = kspec.TrainSpec(s.optimizer, s.learning_rate, s.batch_size, s.epochs, s.validation_split,
                            s.early_stopping, s.monitor, s.patience, s.restore_best, s.seed)
    kspec.check_training(train)
    n_parameters = kspec.count_parameters(model)
    try:
        budget.check_model(n_parameters)
        over_budget = None
    except ValueError as error:
        over_budget = str(error)
    return Plan(prepared, model, train, fills, n_parameters, over_budget)


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a run, or None."""
    try:
        sanitize(name)
    except ValueError as error:
        return str(error)
    return None


def rerun_asked() -> bool:
    """Whether the student asked for another run (any click) while this one trains.

    A widget inside a section asks for its section's rerun, which Streamlit does not let interrupt the run
    under way: the training asks this after every batch and stops itself, and the run then ends.
    """
    try:
        from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

        return get_script_run_ctx().script_requests._state is ScriptRequestType.RERUN
    except (AttributeError, ImportError):  # no script run (a test) or a Streamlit without these internals
        return False


def in_section_run() -> bool:
    """Whether this run reruns sections only (the rest of the page, drawn before, stays as it was)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def rerun_stopped_session(session_id: str) -> None:
    """Run the page again for a session whose run the toolbar's Stop ended (no click starts a new run then).

    The page's own Stop button starts a new run, which waits for the training to end and shows the results;
    the Stop in Streamlit's toolbar only ends the current run, and the page would keep showing "Training…".
    This asks Streamlit for a new run with the page's current widget values (what a saved source file does).
    """
    from streamlit import runtime

    try:
        info = runtime.get_instance()._session_mgr.get_active_session_info(session_id)
        if info is not None:
            info.session.request_rerun(info.session._client_state)
    except Exception:  # no server (AppTest) or a Streamlit without these internals: a click shows the results
        pass
