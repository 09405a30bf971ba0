"""Keras training: the course's project on real data, trained live, stopped, evaluated, and the code to copy."""

import dataclasses
import functools
import hashlib
import time
import uuid

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from nnviz import curves, tabular
from nnviz.charts import training as charts
from nnviz.keras import budget
from nnviz.keras import model as km
from nnviz.keras import spec as kspec
from nnviz.keras.jobs import QUEUE
from nnviz.keras.runs import RunStore, sanitize
from nnviz.ui import chart, settings, upload
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
    # The target's options are the table's columns: checked against them when the table is known.
    target: str = settings.text("", "Target column (what to predict)", max_chars=200)
    task: str = settings.choice("auto", ("auto", *tabular.TASKS), "Task")
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
    return tabular.explore(_frame, target, task)


@st.cache_resource(max_entries=8, show_spinner="Preparing the features…")
def _prepare(source: str, _frame: pd.DataFrame, target: str, task: str, spec: tabular.PrepSpec) -> tabular.Prepared:
    return tabular.prepare(_frame, target, task, spec)


@st.cache_resource(max_entries=8, show_spinner=False)
def _parse_fills(text: str) -> dict:
    """"column=choice;column=choice" (the link's form; a column name may hold "=", a choice does not)."""
    pairs = (item.rpartition("=") for item in text.split(";") if "=" in item)
    return {column: choice for column, _, choice in pairs}


# The missing-value analysis of a wide table takes seconds: once per table content and target, for every session.
@st.cache_data(max_entries=16, show_spinner=False)
def _fills(source: str, _frame: pd.DataFrame, target: str) -> dict:
    kinds = tabular.column_kinds(_frame, target)
    return {column: (default, tabular.fill_choices(_frame, target, column, kinds=kinds),
                     100 * _frame[column].isna().mean())
            for column, default in tabular.default_fills(_frame, target).items()}


@st.cache_data(max_entries=16, show_spinner=False)
def _summary(model_spec: kspec.ModelSpec) -> list:
    return km.summary_rows(km.build(model_spec))


# Parsed once per file content (its SHA-256), shared by every session that uploads the same file; a file
# that cannot be read is cached with its message, so a bad upload is not re-read on every widget change.
@st.cache_data(max_entries=8, show_spinner="Reading the CSV…")
def _read_upload(digest: str, name: str, _data: bytes) -> tuple[tabular.Table | None, str | None]:
    try:
        return tabular.read_csv(_data, name), None
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


st.title("Keras training")
st.markdown(
    "The practical half of the course: take a real table, explore it, prepare the features, build a small Keras "
    "network, and train it **live**. The cost being minimised is the mean loss over the training rows, and the "
    "validation rows (never trained on) tell you whether the network learns or memorises."
)
st.latex(r"C(w) = \frac{1}{n}\sum_{i=1}^{n} L\big(y_i, \hat y_i(w)\big), \qquad "
         r"w \leftarrow w - \eta\,\nabla_w C_{\text{batch}}")

PAGE.init()
PAGE.presets_bar(PRESETS)
session_id = st.session_state.setdefault("keras.session", uuid.uuid4().hex)
box = st.session_state.setdefault("keras.box", {})  # this session's trained model, results and run names
box["runs_started"] = box.get("runs_started", 0) + 1  # a training tells whether a new run followed its stop

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
columns = list(table.frame.columns)
if table.target is None:
    if PAGE["target"] not in columns:
        PAGE["target"] = columns[-1]
    right.selectbox(PAGE.declared["target"].label, columns, key=PAGE.key("target"))
    target = PAGE["target"]
else:
    target = table.target
    right.markdown(f"**Target:** {plain(target)}")
detected = table.task or tabular.detect_task(table.frame[target])
PAGE.widget("task", right, format_func=lambda t: f"auto (detected: {detected})" if t == "auto" else t)
chosen_task = PAGE["task"]
task = detected if chosen_task == "auto" else chosen_task
if table.description:
    st.caption(table.description)
try:
    tabular.check_target(table.frame, target, task)
except ValueError as error:
    st.error(plain(error))
    st.stop()
task_note = tabular.task_note(table.frame[target], target, task) if chosen_task == "auto" and not table.task else None
if task_note:
    st.info(plain(task_note))
st.dataframe(table.frame.head(8), hide_index=True, key="keras.head")

with st.expander("Explore the data: class balance, distributions, missing values, correlations", expanded=False):
    overview = _overview(source, table.frame, target, task)
    st.markdown(f"{overview.n_rows:,} rows, {len(overview.kinds)} feature columns "
                f"({sum(k == 'numeric' for k in overview.kinds.values())} numeric, "
                f"{sum(k == 'category' for k in overview.kinds.values())} categorical, "
                f"{sum(k == 'date' for k in overview.kinds.values())} dates).")
    a, b = st.columns(2)
    if overview.class_counts is not None:
        chart.show(charts.class_balance(overview.class_counts.to_dict()), key="keras.balance", where=a)
    numeric_columns = [c for c, k in overview.kinds.items() if k == "numeric"]
    if numeric_columns:
        column = b.selectbox("Feature to plot", numeric_columns, key="keras.histogram_column")
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
gaps = _fills(source, table.frame, target)
fills = []
fills_key = PAGE.key("fills")
if gaps:
    st.markdown("**Missing values**, column by column (`group_mean:total_acc` fills a gap with the mean of rows "
                "sharing the same `total_acc`, as the course does for `mort_acc`):")
    gap_columns = st.columns(min(len(gaps), 4))
    # The link, a preset or Reset changed the choices since this page last wrote them: they win over the boxes.
    from_settings = st.session_state[fills_key] != st.session_state.get("keras.fills_written")
    asked = _parse_fills(st.session_state[fills_key])
    page_defaults = {}
    for i, (column, (default, choices, percent)) in enumerate(gaps.items()):
        key = f"keras.fill.{data_name}.{column}"
        group = [c for c in choices if c.startswith("group_mean:total_acc")]
        page_defaults[column] = group[0] if group else default
        if key not in st.session_state or from_settings:
            st.session_state[key] = asked[column] if asked.get(column) in choices else page_defaults[column]
        fill = gap_columns[i % len(gap_columns)].selectbox(
            f"{plain(column)} ({percent:.1f} % missing)", choices, key=key)
        fills.append((column, fill))
    written = ";".join(f"{column}={fill}" for column, fill in fills
                       if fill != page_defaults[column] and ";" not in column)
    st.session_state[fills_key] = st.session_state["keras.fills_written"] = written
else:
    st.session_state[fills_key] = st.session_state["keras.fills_written"] = ""
a, b, c = st.columns(3)
PAGE.widget("categorical", a, horizontal=True)
PAGE.widget("scaler", b, horizontal=True)
PAGE.widget("test_fraction", c)

# 3. The model ---------------------------------------------------------------------------------------------
st.header("3. Build the model")
a, b, c = st.columns(3)
for name, column in zip(("layers", "activation", "dropout"), st.columns(3)):
    PAGE.widget(name, column)
for name, column in zip(("optimizer", "learning_rate", "batch_size", "epochs"), st.columns(4)):
    PAGE.widget(name, column)
for name, column in zip(("validation_split", "early_stopping", "monitor", "patience", "restore_best"), st.columns(5)):
    PAGE.widget(name, column)
PAGE.widget("seed")
s = PAGE.sync()

prep_spec = tabular.PrepSpec(tuple(fills), s.categorical, s.scaler, s.test_fraction, s.seed)
try:
    prepared = _prepare(source, table.frame, target, task, prep_spec)
    hidden = kspec.parse_layers(s.layers, s.activation, s.dropout)
    model_spec = kspec.ModelSpec(prepared.X_train.shape[1], hidden, task, len(prepared.class_names))
    train_spec = kspec.TrainSpec(s.optimizer, s.learning_rate, s.batch_size, s.epochs,
                                 s.validation_split, s.early_stopping, s.monitor,
                                 s.patience, s.restore_best, s.seed)
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
over_budget = None
try:
    budget.check_model(n_parameters)
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
typed_name = st.session_state.get("keras.run_name") or ""
try:
    run_name_problem = None
    if typed_name:
        sanitize(typed_name)
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
# Stop, or any click during training, makes Streamlit stop this script run (every st call, even reading
# session_state, then raises StopException) and start the next run at once in another thread (fast reruns).
# The callback catches the exception and ends model.fit cleanly; results go into ``box``, a plain dict in
# session_state filled without calling Streamlit, and the next run waits for the old one to finish.
if box.get("training") and not train_clicked:
    status.info("Stopping the training; the model trained so far is being saved…")
    deadline = time.monotonic() + 120
    while box.get("training") and time.monotonic() < deadline:
        time.sleep(0.05)
results = box.get("result")
if results is None:
    chart.show(charts.live_curves({}, epochs=s.epochs), key="keras.live.empty", where=chart_slot)
    status.markdown("Press **Train**: the loss per epoch appears here as the network learns.")


def _draw(live: km.LiveCallback) -> None:
    epoch = len(live.wall_time)
    words = f"Training… epoch **{epoch} / {live.epochs_planned}**" + (
        f", loss {live.history['loss'][-1]:.4g}" if epoch else "")
    if live.projected_seconds is not None:
        left = max(live.projected_seconds - live.elapsed, 0.0)
        if live.projected_seconds > budget.MAX_RUN_SECONDS:
            words += (f". At this pace all epochs would take {budget.minutes(live.projected_seconds)}: the training "
                      f"stops at the {budget.minutes(budget.MAX_RUN_SECONDS)} budget per run")
        else:
            words += f", about {budget.minutes(left)} left"
    status.markdown(words)
    chart.show(charts.live_curves(live.history, epochs=live.epochs_planned, batch_x=live.batch_x,
                                               batch_values=live.batch_loss), key=f"keras.live.{live.updates}", where=chart_slot)


def _wait(position: int) -> None:
    status.warning(f"Another student's model is training: you are number {position} in line. "
                   f"Each training may use the class's training slot for at most "
                   f"{budget.minutes(budget.MAX_RUN_SECONDS)}, so yours starts within about "
                   f"{budget.minutes(position * budget.MAX_RUN_SECONDS)}, by itself.")


if train_clicked:
    wanted = sanitize(typed_name or f"{data_name}-{s.layers}")
    config = {"data": data_name, "target": target, "task": task, "settings": dataclasses.asdict(s),
              "fills": dict(fills), "features": list(prepared.feature_names),
              "class_names": list(prepared.class_names), "summary": _summary(model_spec),
              "baseline_loss": tabular.baseline_loss(task, prepared.y_train),
              "code": kspec.code(model_spec, train_spec)}
    store = RunStore()
    staging = None  # made once the slot is ours: a folder waiting in line would look abandoned to another server
    committed = False
    live = None
    runs_started = box["runs_started"]
    script_session = get_script_run_ctx().session_id if get_script_run_ctx() else ""
    box.pop("problem", None)
    box["training"] = True
    try:
        with QUEUE.slot(session_id, on_wait=_wait):
            status.markdown("Starting…")
            staging = store.staging()
            model = km.build(model_spec, seed=train_spec.seed)
            live = km.LiveCallback(_draw)
            result = km.fit(model, model_spec, train_spec, prepared.X_train, prepared.y_train, live=live,
                            log_dir=staging / "logs")
        if result.epochs_run == 0:
            raise ValueError("Stopped during the first epoch: no whole epoch was trained, so there is nothing "
                             "to keep. Press Train and let at least one epoch finish.")
        run_name = km.save_run(store, staging, wanted, model, result, config, prepared.pipeline, session_id)
        committed = True
        diagnosis = curves.diagnose(result.history.get("loss", []), result.history.get("val_loss"),
                                    baseline=config["baseline_loss"])
        try:
            if diagnosis.kind == "diverged":
                raise ValueError("The training diverged, so the test-split evaluation would be meaningless: "
                                 "lower the learning rate and train again.")
            output = km.predict(model, prepared.X_test)
            evaluation = tabular.evaluate(task, prepared.y_test, output, prepared.class_names)
            problem = None
        except ValueError as error:
            output, evaluation, problem = None, None, str(error)
        box["result"] = dict(model=model, result=result, run=run_name, evaluation=evaluation, diagnosis=diagnosis,
                             output=output,
                             problem=problem, pipeline=prepared.pipeline, task=task, class_names=prepared.class_names,
                             raw_test=prepared.raw_test, y_test=prepared.y_test, target=target, data=data_name)
        box.setdefault("my_runs", []).append(run_name)
    except ValueError as error:
        if live is None or live.interrupt is None:
            st.error(plain(error))
        else:
            box["problem"] = str(error)  # shown by the next run
    finally:
        box["training"] = False
        if not committed and staging is not None:
            store.discard(staging)
        if live is not None and live.interrupt is not None and box["runs_started"] == runs_started:
            _rerun_stopped_session(script_session)  # the toolbar's Stop: nothing else would show the results
    if live is not None and live.interrupt is not None:  # Stop (or another click): results are safe, go on
        raise live.interrupt

if box.get("problem") and not box.get("training"):
    st.error(plain(box.pop("problem")))
results = box.get("result")
if results is not None:
    result = results["result"]
    history = result.history
    best = curves.best_epoch(history.get("val_loss") or history.get("loss", []))
    chart.show(charts.live_curves(history, epochs=len(result.wall_time), batch_x=result.batch_x,
                                               batch_values=result.batch_loss,
                                               early_stopping_epoch=result.early_stopping_epoch, best=best),
                            key="keras.live", where=chart_slot)
    words = (f"Run **{plain(results['run'])}**: {result.epochs_run} epoch{'s' if result.epochs_run != 1 else ''} "
             f"in {result.seconds:.1f} s.")
    if result.stopped_by_user and result.stop_reason == "time":
        words += (f" Stopped at epoch {result.epochs_run} by the time budget of "
                  f"{budget.minutes(budget.MAX_RUN_SECONDS)} per run; the model trained so far is kept.")
    elif result.stopped_by_user:
        words += f" Stopped at epoch {result.epochs_run}; the model trained so far is kept."
    if result.partial_epoch:
        words += (f" Epoch {result.epochs_run + 1} was cut short, so it was left out: only whole epochs are "
                  f"kept (the weights are those of the end of epoch {result.epochs_run}).")
    if result.early_stopping_epoch:
        words += f" Early stopping ended training at epoch {result.early_stopping_epoch}"
        words += (f" and restored the weights of epoch {result.restored_epoch}." if result.restored_epoch else ".")
    elif result.restored_epoch:
        words += (f" Early stopping's *restore best weights* put back the weights of epoch "
                  f"{result.restored_epoch}, its best epoch.")
    status.markdown(words)
    st.info(results["diagnosis"].message)
    metric = next((m for m in ("accuracy", "mae") if m in history), None)
    if metric:
        chart.show(charts.live_curves(history, metric, best=None), key="keras.metric")

    st.header("5. Evaluate on the test split")
    evaluation = results["evaluation"]
    if evaluation is None:
        st.error(results["problem"])
    else:
        st.markdown("  ·  ".join(f"**{name}** {value:.3f}" for name, value in evaluation.metrics.items()))
        if evaluation.task == "regression":
            a, b = st.columns(2)
            chart.show(charts.predicted_vs_actual(evaluation.y_true, evaluation.y_pred), key="keras.pred", where=a)
            chart.show(charts.residuals(evaluation.y_true, evaluation.y_pred), key="keras.residuals", where=b)
        else:
            st.dataframe(evaluation.report.round(3), key="keras.report")
            a, b = st.columns(2)
            chart.show(charts.confusion_matrix(evaluation.confusion, results["class_names"]), key="keras.confusion", where=a)
            if evaluation.roc is not None:
                chart.show(charts.roc_curve(*evaluation.roc), key="keras.roc", where=b)
    if results["data"] == "loan_default" and evaluation is not None:
        st.subheader("Would this new applicant repay?")
        raw = results["raw_test"]
        row = st.number_input("Applicant (a row of the test split the model never saw)", 0, len(raw) - 1,
                              key="keras.applicant")
        applicant = raw.iloc[[row]]
        st.dataframe(applicant, hide_index=True, key="keras.applicant_row")
        paid = float(results["output"].reshape(-1)[row])  # the model's output for this test row
        actual = results["class_names"][int(results["y_test"][row])]
        st.markdown(f"The network gives **P(Fully Paid) = {paid:.2f}**: it would say **"
                    f"{'yes, will repay' if paid > 0.5 else 'no, likely to default'}**. What really happened: "
                    f"**{actual}**.")
    store = RunStore()
    try:
        store.path(results["run"])  # still there? (it may have been deleted on the loss-curve page)
        st.download_button("Download this run (zip: model, history, TensorBoard logs, preprocessing)",
                           functools.partial(store.zip_bytes, results["run"]), file_name=f"{results['run']}.zip",
                           mime="application/zip", key="keras.download")
    except ValueError as error:
        st.warning(plain(error))
    stored = {run.name: run for run in store.list()}
    mine = [name for name in box.get("my_runs", []) if name in stored][-5:]
    if len(mine) > 1:
        overlay = []
        for name in mine:
            history, wall_time = store.history(name)
            overlay.append({"name": name, "history": history, "wall_time": wall_time,
                            "early_stopping_epoch": stored[name].config.get("early_stopping_epoch")})
        chart.show(charts.runs_overlay(overlay, "loss", 0.0), key="keras.my_runs")
    st.markdown("Compare this run with others in the [loss-curve explorer](/loss_curves).")

st.markdown("**What to notice:** the training loss almost always falls; the validation loss is the honest one. "
            "When it turns upward while the training loss keeps falling, the network is memorising (overfitting): "
            "try the presets with dropout and early stopping. A learning rate too high makes the loss explode.")
