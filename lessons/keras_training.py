"""Keras training: the course's project on real data, trained live, stopped, evaluated, and the code to copy."""

import dataclasses
import functools
import hashlib

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from nnviz import tabular
from nnviz.charts import training as charts
from nnviz.keras import budget, training
from nnviz.keras import model as km
from nnviz.keras import spec as kspec
from nnviz.keras.runs import RunStore, sanitize
from nnviz.ui import chart, offload, settings, upload
from nnviz.ui.text import plain

PREFIX = "keras"
UPLOAD = "upload a CSV"
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512)


DATA_LABELS = {**{name: {"loan_default": "loan default (the course project)"}.get(name, name.replace("_", " "))
                  for name in tabular.DATASETS}, UPLOAD: UPLOAD}


@dataclasses.dataclass(frozen=True)
class Settings:
    data: str = settings.choice("loan_default", DATA_LABELS, "Data set")
    # The target's and the plotted feature's options are the table's columns: checked once the table is known.
    target: str = settings.text("", "Target column (what to predict)", max_chars=200)
    task: str = settings.choice("auto", ("auto", *tabular.TASKS), "Task")
    feature: str = settings.text("", "Feature to plot", max_chars=200)
    categorical: str = settings.choice("onehot", {"onehot": "one-hot encode", "drop": "drop"}, "Categorical columns",
                                       widget="radio")
    scaler: str = settings.choice("minmax", ("minmax", "standard", "none"), "Scaling", widget="radio")
    test_fraction: float = settings.slider(0.2, 0.1, 0.5, 0.05, "Test fraction")
    layers: str = settings.text("32, 16", "Hidden layers (units; d0.3 = Dropout(0.3))", max_chars=120)
    activation: str = settings.choice("relu", kspec.ACTIVATIONS, "Hidden activation")
    dropout: float = settings.slider(0.2, 0.0, 0.8, 0.05, "Dropout after each hidden layer")
    optimizer: str = settings.choice("adam", kspec.OPTIMIZERS, "Optimizer")
    learning_rate: float = settings.log_slider(0.001, LEARNING_RATES, "Learning rate η")
    batch_size: int = settings.log_slider(128, BATCH_SIZES, "Batch size")
    epochs: int = settings.slider(20, 1, 300, 1, "Epochs")
    validation_split: float = settings.slider(0.2, 0.0, 0.5, 0.05, "Validation split")
    early_stopping: bool = settings.toggle(True, "Early stopping", widget="checkbox")
    monitor: str = settings.choice("val_loss", kspec.MONITORS, "Monitor")
    patience: int = settings.slider(5, 1, 30, 1, "Patience")
    restore_best: bool = settings.toggle(True, "Restore best weights", widget="checkbox")
    seed: int = settings.number(42, 0, 2**31 - 1, 1, "Seed")
    # Missing-value choices that differ from the page's own: "column=choice;column=choice".
    fills: str = settings.text("", "Missing-value choices", max_chars=2000)


PAGE = settings.Page(PREFIX, Settings)
_OVERFIT = dict(data="breast_cancer", layers="256, 256", dropout=0.0, optimizer="adam", learning_rate=0.001,
                batch_size=16, epochs=60, validation_split=0.3, test_fraction=0.3, early_stopping=False, scaler="minmax")
PRESETS = {
    "Overfitting": _OVERFIT,
    "+ dropout": {**_OVERFIT, "dropout": 0.5},
    "+ early stop": {**_OVERFIT, "early_stopping": True, "patience": 8, "restore_best": True},
    "η too high": dict(data="diabetes", layers="32, 16", dropout=0.0, optimizer="sgd", learning_rate=1.0,
                                   epochs=15, batch_size=32, early_stopping=False, scaler="minmax"),
}


@st.cache_resource(max_entries=8, show_spinner=False)
def _bundled(name: str) -> tabular.Table:
    return tabular.load(name)


# The table is keyed by its source (a bundled name or an upload's file id), not hashed cell by cell.
@st.cache_resource(max_entries=8, show_spinner=False)
def _overview(source: str, _frame: pd.DataFrame, target: str, task: str) -> tabular.Overview:
    # Seconds on a wide uploaded table: in the worker, not the server's interpreter (a bundled set is small).
    return offload.run(tabular.explore, _frame, target, task, here=not source.startswith("upload:"))


@st.cache_resource(max_entries=8, show_spinner="Preparing the features…")
def _prepare(source: str, _frame: pd.DataFrame, target: str, task: str, spec: tabular.PrepSpec) -> tabular.Prepared:
    return offload.run(tabular.prepare, _frame, target, task, spec, here=not source.startswith("upload:"))


# The missing-value analysis of a wide table takes seconds: once per table content and target, for every session.
@st.cache_data(max_entries=16, show_spinner=False)
def _gaps(source: str, _frame: pd.DataFrame, target: str) -> dict:
    return offload.run(tabular.gaps, _frame, target, here=not source.startswith("upload:"))


@st.cache_data(max_entries=16, show_spinner=False)
def _summary(model_spec: kspec.ModelSpec) -> list:
    return km.summary_rows(km.build(model_spec))


# Parsed once per file content (its SHA-256), shared by every session that uploads the same file; a file
# that cannot be read is cached with its message, so a bad upload is not re-read on every widget change.
@st.cache_data(max_entries=8, show_spinner="Reading the CSV…")
def _read_upload(digest: str, name: str, _data: bytes) -> tuple[tabular.Table | None, str | None]:
    try:
        return offload.run(tabular.read_csv, _data, name), None
    except ValueError as error:
        return None, str(error)


def _uploaded_table():
    file = upload.csv_file("CSV file (at most 5 MB, 200 columns, 200,000 rows; nothing in it is executed)",
                           "keras.upload")
    if file is None:
        st.info("Choose a CSV file to continue, or pick a bundled data set.")
        st.stop()
    cache = st.session_state.get("keras.upload_table")
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
        table, problem = _read_upload(digest, file.name, data)
        if problem is not None:
            st.error(plain(problem))
            st.stop()
        cache = (file.file_id, table, digest)
        st.session_state["keras.upload_table"] = cache
    return cache[1]


def _rerun_stopped_session(session_id: str) -> None:
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


def _column(name: str, options: list, fallback, where) -> str:
    """Draw a setting whose options are this table's columns; a link's value that is none of them is said."""
    if PAGE[name] not in options:
        if linked.pop(name, None) == PAGE[name]:
            link_notes.warning(f"The link asks for **{PAGE.declared[name].label}** {settings.shown(PAGE[name])}, "
                               f"which is not one of this table's columns; {settings.shown(fallback)} is used.")
        PAGE[name] = fallback
    return where.selectbox(PAGE.declared[name].label, options, key=PAGE.key(name))


st.title("Keras training")
st.markdown(
    "The practical half of the course: take a real table, explore it, prepare the features, build a small Keras "
    "network, and train it **live**. The cost being minimised is the mean loss over the training rows, and the "
    "validation rows (never trained on) tell you whether the network learns or memorises."
)
st.latex(r"C(w) = \frac{1}{n}\sum_{i=1}^{n} L\big(y_i, \hat y_i(w)\big), \qquad "
         r"w \leftarrow w - \eta\,\nabla_w C_{\text{batch}}")

# The settings whose options are the table's columns, as the link gave them (checked once the table is known).
linked = st.session_state.setdefault("keras.linked", {name: st.query_params[name] for name in ("target", "feature")
                                                      if PAGE.key(name) not in st.session_state
                                                      and name in st.query_params})
PAGE.init()
link_notes = st.container()  # what the link asked for that this table cannot give (said once the table is known)
PAGE.presets_bar(PRESETS)
trainings = st.session_state.setdefault("keras.trainings", training.Trainings())
trainings.script_runs += 1  # a training tells from it whether a new run followed its stop
# This session's runs, shared with the loss-curve page (it lists them first and renames them in this list).
trainings.runs = st.session_state.setdefault("keras.box", {}).setdefault("my_runs", trainings.runs)

# 1. Data --------------------------------------------------------------------------------------------------
st.header("1. Data")
left, right = st.columns([2, 1])
PAGE.widget("data", left)
data_name = PAGE["data"]
if data_name == UPLOAD:
    table = _uploaded_table()
    source = f"upload:{st.session_state['keras.upload_table'][2]}"
else:
    table, source = _bundled(data_name), data_name
for note in table.notes:
    st.warning(plain(note))
if table.target is None:
    target = _column("target", list(table.frame.columns), table.frame.columns[-1], right)
else:
    target = table.target
    right.markdown(f"**Target:** {plain(target)}")
detected = table.task or tabular.detect_task(table.frame[target])
PAGE.widget("task", right, format_func=lambda t: f"auto (detected: {detected})" if t == "auto" else t)
task = detected if PAGE["task"] == "auto" else PAGE["task"]
if table.description:
    st.caption(table.description)
try:
    tabular.check_target(table.frame, target, task)
except ValueError as error:
    st.error(plain(error))
    st.stop()
if PAGE["task"] == "auto" and not table.task and (note := tabular.task_note(table.frame[target], target, task)):
    st.info(plain(note))
st.dataframe(table.frame.head(8), hide_index=True, key="keras.head")

overview = _overview(source, table.frame, target, task)
with st.expander("Explore the data: class balance, distributions, missing values, correlations", expanded=False):
    st.markdown(overview.words())
    a, b = st.columns(2)
    if overview.class_counts is not None:
        chart.show(charts.class_balance(overview.class_counts.to_dict()), key="keras.balance", where=a)
    if overview.numeric_columns:
        column = _column("feature", overview.numeric_columns, overview.numeric_columns[0], b)
        chart.show(charts.histogram(tabular.by_class(table.frame, column, target, task), column),
                   key="keras.histogram", where=b)
    if len(overview.missing):
        chart.show(charts.missing_values(overview.missing.column.tolist(), overview.missing.percent.tolist()),
                   key="keras.missing")
    else:
        st.markdown("No missing values.")
    if overview.correlation.shape[0] > 1:
        chart.show(charts.correlation_heatmap(overview.correlation.to_numpy(), list(overview.correlation.columns)),
                   key="keras.correlation")

# 2. Preparation -------------------------------------------------------------------------------------------
st.header("2. Prepare the features")
st.markdown("Fit every step on the training rows only (the test rows stay unseen); scikit-learn's "
            "`ColumnTransformer` fills gaps with `SimpleImputer`, one-hot encodes categories with `OneHotEncoder`, "
            "turns date strings into years and scales numbers to a range the network likes.")
gaps = _gaps(source, table.frame, target)
fills = {}
if gaps:
    st.markdown("**Missing values**, column by column (`group_mean:total_acc` fills a gap with the mean of rows "
                "sharing the same `total_acc`, as the course does for `mort_acc`):")
    gap_columns = st.columns(min(len(gaps), 4))
    # The link, a preset or Reset changed the choices since this page last wrote them: they win over the boxes.
    from_settings = PAGE["fills"] != st.session_state.get("keras.fills_written")
    asked = tabular.parse_fills(PAGE["fills"])
    for i, (column, (default, choices, percent)) in enumerate(gaps.items()):
        key = f"keras.fill.{data_name}.{column}"
        if key not in st.session_state or from_settings:
            st.session_state[key] = asked[column] if asked.get(column) in choices else default
        fills[column] = gap_columns[i % len(gap_columns)].selectbox(
            f"{plain(column)} ({percent:.1f} % missing)", choices, key=key)
PAGE["fills"] = st.session_state["keras.fills_written"] = tabular.fills_text(
    fills, {column: default for column, (default, _, _) in gaps.items()})
a, b, c = st.columns(3)
PAGE.widget("categorical", a, horizontal=True)
PAGE.widget("scaler", b, horizontal=True)
PAGE.widget("test_fraction", c)

# 3. The model ---------------------------------------------------------------------------------------------
st.header("3. Build the model")
for names in (("layers", "activation", "dropout"), ("optimizer", "learning_rate", "batch_size", "epochs"),
              ("validation_split", "early_stopping", "monitor", "patience", "restore_best")):
    for name, column in zip(names, st.columns(len(names))):
        PAGE.widget(name, column)
PAGE.widget("seed")
s = PAGE.sync()

try:
    prepared = _prepare(source, table.frame, target, task,
                        tabular.PrepSpec(tuple(fills.items()), s.categorical, s.scaler, s.test_fraction, s.seed))
    model_spec = kspec.ModelSpec(prepared.X_train.shape[1], kspec.parse_layers(s.layers, s.activation, s.dropout),
                                 task, len(prepared.class_names))
    train_spec = kspec.TrainSpec(s.optimizer, s.learning_rate, s.batch_size, s.epochs, s.validation_split,
                                 s.early_stopping, s.monitor, s.patience, s.restore_best, s.seed)
    kspec.check_training(train_spec)
except ValueError as error:
    st.error(plain(error))
    st.stop()
for note in prepared.notes:
    st.info(plain(note))
st.caption(f"{prepared.X_train.shape[0]:,} training rows and {prepared.X_test.shape[0]:,} test rows, "
           f"{prepared.X_train.shape[1]} features after preparation.")
out = model_spec.output
st.markdown(f"**Output layer:** Dense({out.units}, activation=\"{out.activation}\") with loss `{out.loss}`. {out.why}")
n_parameters = kspec.count_parameters(model_spec)
try:
    budget.check_model(n_parameters)
    over_budget = None
except ValueError as error:
    over_budget = str(error)
# A model over the budget is not built for its summary either (building 7 M weights takes seconds).
summary = pd.DataFrame(_summary(model_spec) if over_budget is None else kspec.summary_rows(model_spec))
st.dataframe(summary, hide_index=True, key="keras.summary")
st.markdown(f"Total parameters: **{summary.parameters.sum():,}**")
with st.expander("The Keras code for this model (copy it)", expanded=True):
    st.code(kspec.code(model_spec, train_spec), language="python", wrap_lines=True)

# 4. Train -------------------------------------------------------------------------------------------------
st.header("4. Train")
estimate = budget.estimate_seconds(n_parameters, int(prepared.X_train.shape[0] * (1 - s.validation_split)),
                                   s.batch_size, s.epochs)
if over_budget:
    st.error(over_budget)
elif (warning := budget.time_warning(estimate, s.epochs)) is not None:
    st.warning(warning)
run_name = st.session_state.get("keras.run_name") or f"{data_name}-{s.layers}"
try:
    sanitize(run_name)
    run_name_problem = None
except ValueError as error:
    run_name_problem = str(error)
a, b, c = st.columns([1, 1, 3])
train_clicked = a.button("Train", type="primary", key="keras.train", width="stretch",
                         disabled=bool(over_budget or run_name_problem))
b.button("Stop", key="keras.stop", width="stretch")  # any click reruns; the rerun stops a training
c.text_input("Run name", key="keras.run_name", placeholder=f"{data_name}-{s.layers}")
if run_name_problem:
    c.error(plain(run_name_problem))
    train_clicked = False  # the name was typed and Train pressed at once: nothing trains under a refused name
status = st.empty()
chart_slot = st.empty()
# Stop, or any click during training, makes Streamlit stop this script run (every st call then raises
# StopException) and start the next at once in another thread; the training ends cleanly with its whole
# epochs, keeps them in ``trainings``, and this next run waits for it before drawing.
if trainings.training and not train_clicked:
    status.info("Stopping the training; the model trained so far is being saved…")
    trainings.wait()
if trainings.outcome is None:
    chart.show(charts.live_curves({}, epochs=s.epochs), key="keras.live.empty", where=chart_slot)
    status.markdown("Press **Train**: the loss per epoch appears here as the network learns.")


def _draw(live: km.LiveCallback) -> None:
    status.markdown(training.progress_words(live))
    chart.show(charts.live_curves(live.history, epochs=live.epochs_planned, batch_x=live.batch_x,
                                  batch_values=live.batch_loss), key=f"keras.live.{live.updates}", where=chart_slot)


def _wait(position: int) -> None:
    (status.warning if position else status.markdown)(training.waiting_words(position))


if train_clicked:
    job = training.Job(data_name, prepared, model_spec, train_spec, run_name, dataclasses.asdict(s), fills)
    started, context = trainings.script_runs, get_script_run_ctx()
    try:
        interrupt = trainings.train(job, on_progress=_draw, on_wait=_wait)
    except ValueError as error:
        st.error(plain(error))
        interrupt = None
    if interrupt is not None:  # Stop (or another click): the results are safe, let Streamlit go on
        if trainings.script_runs == started and context is not None:
            _rerun_stopped_session(context.session_id)  # the toolbar's Stop: nothing else would show the results
        raise interrupt

if not trainings.training and (problem := trainings.take_problem()):
    st.error(plain(problem))
outcome = trainings.outcome
if outcome is not None:
    result = outcome.result
    chart.show(charts.live_curves(result.history, epochs=len(result.wall_time), batch_x=result.batch_x,
                                  batch_values=result.batch_loss, early_stopping_epoch=result.early_stopping_epoch,
                                  best=outcome.best_epoch), key="keras.live", where=chart_slot)
    status.markdown(f"Run **{plain(outcome.run)}**: {outcome.words()}")
    st.info(outcome.diagnosis.message)
    if metric := next((m for m in ("accuracy", "mae") if m in result.history), None):
        chart.show(charts.live_curves(result.history, metric, best=None), key="keras.metric")

    st.header("5. Evaluate on the test split")
    evaluation = outcome.evaluation
    if evaluation is None:
        st.error(outcome.problem)
    else:
        st.markdown("  ·  ".join(f"**{name}** {value:.3f}" for name, value in evaluation.metrics.items()))
        formulas = tabular.formulas(evaluation)
        if evaluation.report is not None:
            st.dataframe(evaluation.report.round(3), key="keras.report")
        a, b = st.columns(2)
        if evaluation.task == "regression":
            a.latex(formulas["predicted"])
            chart.show(charts.predicted_vs_actual(evaluation.y_true, evaluation.y_pred), key="keras.pred", where=a)
            b.latex(formulas["residuals"])
            chart.show(charts.residuals(evaluation.y_true, evaluation.y_pred), key="keras.residuals", where=b)
        else:
            a.latex(formulas["confusion"])
            chart.show(charts.confusion_matrix(evaluation.confusion, outcome.class_names), key="keras.confusion",
                       where=a)
            if evaluation.roc is not None:
                b.latex(formulas["roc"])
                chart.show(charts.roc_curve(*evaluation.roc), key="keras.roc", where=b)
    if outcome.data == "loan_default" and evaluation is not None:
        st.subheader("Would this new applicant repay?")
        raw = outcome.raw_test
        row = st.number_input("Applicant (a row of the test split the model never saw)", 0, len(raw) - 1,
                              key="keras.applicant")
        st.dataframe(raw.iloc[[row]], hide_index=True, key="keras.applicant_row")
        paid = float(outcome.output.reshape(-1)[row])  # the model's output for this test row
        actual = outcome.class_names[int(outcome.prepared.y_test[row])]
        st.markdown(f"The network gives **P(Fully Paid) = {paid:.2f}**: it would say **"
                    f"{'yes, will repay' if paid > 0.5 else 'no, likely to default'}**. What really happened: "
                    f"**{actual}**.")
    store = RunStore()
    try:
        store.path(outcome.run)  # still there? (it may have been deleted on the loss-curve page)
        st.download_button("Download this run (zip: model, history, TensorBoard logs, preprocessing)",
                           functools.partial(store.zip_bytes, outcome.run), file_name=f"{outcome.run}.zip",
                           mime="application/zip", key="keras.download")
    except ValueError as error:
        st.warning(plain(error))
    if len(mine := store.overlay(trainings.runs)[-5:]) > 1:
        chart.show(charts.runs_overlay(mine, "loss", 0.0), key="keras.my_runs")
    st.markdown("Compare this run with others in the [loss-curve explorer](/loss_curves).")

st.markdown("**What to notice:** the training loss almost always falls; the validation loss is the honest one. "
            "When it turns upward while the training loss keeps falling, the network is memorising (overfitting): "
            "try the presets with dropout and early stopping. A learning rate too high makes the loss explode.")
