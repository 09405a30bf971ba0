"""Keras training: the course's project on real data, trained live, stopped, evaluated, and the code to copy."""

import dataclasses
import functools

import pandas as pd
import streamlit as st

from nnviz import tabular
from nnviz.charts import training as charts
from nnviz.keras import training
from nnviz.keras import spec as kspec
from nnviz.keras.runs import RunStore
from nnviz.ui import chart, settings
from nnviz.ui import keras_view as view
from nnviz.ui.text import plain

PREFIX = "keras"
UPLOAD = view.UPLOAD
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512)
# A preparation choice changes the features the network gets; a model choice changes what Train trains.
PREP, MODEL = ("model", "train"), ("train",)


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
                                       widget="radio", shared=PREP)
    scaler: str = settings.choice("minmax", ("minmax", "standard", "none"), "Scaling", widget="radio", shared=PREP)
    test_fraction: float = settings.slider(0.2, 0.1, 0.5, 0.05, "Test fraction", shared=PREP)
    layers: str = settings.text("32, 16", "Hidden layers (units; d0.3 = Dropout(0.3))", max_chars=120, shared=MODEL)
    activation: str = settings.choice("relu", kspec.ACTIVATIONS, "Hidden activation", shared=MODEL)
    dropout: float = settings.slider(0.2, 0.0, 0.8, 0.05, "Dropout after each hidden layer", shared=MODEL)
    optimizer: str = settings.choice("adam", kspec.OPTIMIZERS, "Optimizer", shared=MODEL)
    learning_rate: float = settings.log_slider(0.001, LEARNING_RATES, "Learning rate η", shared=MODEL)
    batch_size: int = settings.log_slider(128, BATCH_SIZES, "Batch size", shared=MODEL)
    epochs: int = settings.slider(20, 1, 300, 1, "Epochs", shared=MODEL)
    validation_split: float = settings.slider(0.2, 0.0, 0.5, 0.05, "Validation split", shared=MODEL)
    early_stopping: bool = settings.toggle(True, "Early stopping", widget="checkbox", shared=MODEL)
    monitor: str = settings.choice("val_loss", kspec.MONITORS, "Monitor", shared=MODEL)
    patience: int = settings.slider(5, 1, 30, 1, "Patience", shared=MODEL)
    restore_best: bool = settings.toggle(True, "Restore best weights", widget="checkbox", shared=MODEL)
    seed: int = settings.number(42, 0, 2**31 - 1, 1, "Seed", shared=MODEL)
    # Missing-value choices that differ from the page's own: "column=choice;column=choice".
    fills: str = settings.text("", "Missing-value choices", max_chars=2000, shared=PREP)


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


def _column(name: str, options: list, fallback, where) -> str:
    """Draw a setting whose options are this table's columns; a link's value that is none of them is said."""
    if PAGE[name] not in options:
        if linked.pop(name, None) == PAGE[name]:
            link_notes.warning(f"The link asks for **{PAGE.declared[name].label}** {settings.shown(PAGE[name])}, "
                               f"which is not one of this table's columns; {settings.shown(fallback)} is used.")
        PAGE[name] = fallback
    return where.selectbox(PAGE.declared[name].label, options, key=PAGE.key(name))


def _plan() -> view.Plan:
    return view.plan(source, table.frame, target, task, PAGE.values(), view.gaps(source, table.frame, target))


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
# This session's runs, shared with the loss-curve page (it lists them first and renames them in this list).
trainings.runs = st.session_state.setdefault("keras.box", {}).setdefault("my_runs", trainings.runs)

# 1. Data (a new table, target or task changes every section: the whole page reruns) -------------------------
st.header("1. Data")
left, right = st.columns([2, 1])
PAGE.widget("data", left)
data_name = PAGE["data"]
table, source = view.table(data_name)
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


@PAGE.section
def explore() -> None:
    """The data at a glance: class balance, one feature's distribution, missing values, correlations."""
    overview = view.overview(source, table.frame, target, task)
    figures = view.overview_figures(source, target, task, overview)
    with st.expander("Explore the data: class balance, distributions, missing values, correlations", expanded=False):
        st.markdown(overview.words())
        a, b = st.columns(2)
        if figures["balance"] is not None:
            chart.show(figures["balance"], key="keras.balance", where=a)
        if overview.numeric_columns:
            column = _column("feature", overview.numeric_columns, overview.numeric_columns[0], b)
            chart.show(view.histogram(source, table.frame, column, target, task), key="keras.histogram", where=b)
        if figures["missing"] is not None:
            chart.show(figures["missing"], key="keras.missing")
        else:
            st.markdown("No missing values.")
        if figures["correlation"] is not None:
            chart.show(figures["correlation"], key="keras.correlation")


@PAGE.section
def preparation() -> None:
    """Section 2: the missing values, the categories, the scaling and the test split."""
    st.header("2. Prepare the features")
    st.markdown("Fit every step on the training rows only (the test rows stay unseen); scikit-learn's "
                "`ColumnTransformer` fills gaps with `SimpleImputer`, one-hot encodes categories with "
                "`OneHotEncoder`, turns date strings into years and scales numbers to a range the network likes.")
    gaps = view.gaps(source, table.frame, target)
    if gaps:
        st.markdown("**Missing values**, column by column (`group_mean:total_acc` fills a gap with the mean of "
                    "rows sharing the same `total_acc`, as the course does for `mort_acc`): pick a fill in the "
                    "table.")
        view.fills_editor(PAGE, gaps, data_name, [PAGE.fragment_key(name) for name in ("preparation", *PREP)])
    else:
        PAGE["fills"] = ""
    a, b, c = st.columns(3)
    PAGE.widget("categorical", a, horizontal=True)
    PAGE.widget("scaler", b, horizontal=True)
    PAGE.widget("test_fraction", c)


@PAGE.section
def model() -> None:
    """Section 3: the layers and how to train them; the network's summary and its Keras code."""
    st.header("3. Build the model")
    for names in (("layers", "activation", "dropout"), ("optimizer", "learning_rate", "batch_size", "epochs"),
                  ("validation_split", "early_stopping", "monitor", "patience", "restore_best")):
        for name, column in zip(names, st.columns(len(names))):
            PAGE.widget(name, column)
    PAGE.widget("seed")
    try:
        plan = _plan()
    except ValueError as error:
        st.error(plain(error))
        return
    prepared, out = plan.prepared, plan.model.output
    for note in prepared.notes:
        st.info(plain(note))
    st.caption(f"{prepared.X_train.shape[0]:,} training rows and {prepared.X_test.shape[0]:,} test rows, "
               f"{prepared.X_train.shape[1]} features after preparation.")
    st.markdown(f"**Output layer:** Dense({out.units}, activation=\"{out.activation}\") with loss `{out.loss}`. "
                f"{out.why}")
    # A model over the budget is not built for its summary either (building 7 M weights takes seconds).
    summary = pd.DataFrame(view.summary(plan.model) if plan.over_budget is None else kspec.summary_rows(plan.model))
    st.dataframe(summary, hide_index=True, key="keras.summary")
    st.markdown(f"Total parameters: **{summary.parameters.sum():,}**")
    with st.expander("The Keras code for this model (copy it)", expanded=True):
        st.code(kspec.code(plan.model, plan.train), language="python", wrap_lines=True)


@PAGE.section
def train() -> None:
    """Section 4: Train and Stop, the loss growing live, and how the training went."""
    trainings.script_runs += 1  # a training tells from it whether a new run followed its stop
    s = PAGE.values()
    try:
        plan = _plan()
    except ValueError:
        return  # said in section 3
    st.header("4. Train")
    if plan.over_budget:
        st.error(plan.over_budget)
    elif (warning := plan.time_warning()) is not None:
        st.warning(warning)
    run_name = st.session_state.get("keras.run_name") or f"{data_name}-{s.layers}"
    name_problem = view.name_problem(run_name)
    a, b, c = st.columns([1, 1, 3])
    clicked = a.button("Train", type="primary", key="keras.train", width="stretch",
                       disabled=bool(plan.over_budget or name_problem))
    b.button("Stop", key="keras.stop", width="stretch")  # any click reruns; the rerun stops a training
    c.text_input("Run name", key="keras.run_name", placeholder=f"{data_name}-{s.layers}")
    if name_problem:
        c.error(plain(name_problem))
        clicked = False  # the name was typed and Train pressed at once: nothing trains under a refused name
    status = st.empty()
    chart_slot = st.empty()
    # Stop, or any click during training, ends it cleanly with its whole epochs, kept in ``trainings``; a
    # click outside the sections (or the toolbar's Stop) stops this script run instead, and the next run
    # waits for the training to end before drawing.
    if trainings.training and not clicked:
        status.info("Stopping the training; the model trained so far is being saved…")
        trainings.wait()
    if trainings.outcome is None:
        chart.show(view.empty_curves(s.epochs), key="keras.live.empty", where=chart_slot)
        status.markdown("Press **Train**: the loss per epoch appears here as the network learns.")

    if clicked:
        view.train(trainings, training.Job(data_name, plan.prepared, plan.model, plan.train, run_name,
                                           dataclasses.asdict(s), plan.fills), view.Slots(status, chart_slot))
    if not trainings.training and (problem := trainings.take_problem()):
        st.error(plain(problem))
    if (outcome := trainings.outcome) is not None:
        loss, metric = view.outcome_curves(outcome)
        chart.show(loss, key="keras.live", where=chart_slot)
        status.markdown(f"Run **{plain(outcome.run)}**: {outcome.words()}")
        st.info(outcome.diagnosis.message)
        if metric is not None:
            chart.show(metric, key="keras.metric")


@PAGE.section
def evaluation() -> None:
    """Section 5: the trained model on the test split it never saw, and its run to download and compare."""
    if (outcome := trainings.outcome) is None:
        return
    st.header("5. Evaluate on the test split")
    evaluation = outcome.evaluation
    if evaluation is None:
        st.error(outcome.problem)
    else:
        st.markdown("  ·  ".join(f"**{name}** {value:.3f}" for name, value in evaluation.metrics.items()))
        if evaluation.report is not None:
            st.dataframe(evaluation.report.round(3), key="keras.report")
        for column, (formula, figure, key) in zip(st.columns(2), view.evaluation_panels(outcome)):
            column.latex(formula)
            chart.show(figure, key=key, where=column)
    if outcome.data == "loan_default" and evaluation is not None:
        st.subheader("Would this new applicant repay?")
        raw = outcome.raw_test
        row = st.number_input("Applicant (a row of the test split the model never saw)", 0, len(raw) - 1,
                              key="keras.applicant")
        st.dataframe(raw.iloc[[row]], hide_index=True, key="keras.applicant_row")
        st.markdown(outcome.applicant_words(row))
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


explore()
preparation()
model()
train()
evaluation()
PAGE.sync()

st.markdown("**What to notice:** the training loss almost always falls; the validation loss is the honest one. "
            "When it turns upward while the training loss keeps falling, the network is memorising (overfitting): "
            "try the presets with dropout and early stopping. A learning rate too high makes the loss explode.")
