"""Network playground: a small network learns 2-D data live, every neuron and weight on show."""

from dataclasses import dataclass

import streamlit as st

from nnviz import optimizers
from nnviz import playground as pg
from nnviz.charts import playground as charts
from nnviz.charts import training as training_charts
from nnviz.ui import chart, crash, settings
from nnviz.ui import live as live_class
from nnviz.ui import playground_view as view
from nnviz.ui import upload as uploads
from nnviz.ui.text import plain

DATASETS = {
    "circle": "Circle", "xor": "Exclusive or (XOR)", "gaussians": "Two gaussians", "spiral": "Spiral",
    "moons": "Two moons", "blobs": "Gaussian blobs (3–5 classes)", "spiral3": "Three-arm spiral (3 classes)",
    "regression_plane": "Regression: plane", "regression_gaussian": "Regression: gaussians",
    "upload": "My own points (CSV upload)",
}
ACTIVATION_LABELS = {"relu": "ReLU", "tanh": "tanh", "sigmoid": "sigmoid", "linear": "linear"}
COST_LABELS = {"quadratic": "quadratic, tanh output", "cross_entropy": "cross-entropy, sigmoid output"}
SPEEDS = ("fast", "one epoch per frame")
# What the charts after training show, beside them: the loss per epoch is the cost averaged over the points.
LOSS_FORMULA = r"\text{loss} = \frac{1}{n} \sum_{i=1}^{n} C(y_i, a_i)"
ACCURACY_FORMULA = r"\text{accuracy} = \frac{\text{correct}}{\text{total}} = \frac{\sum_i M_{ii}}{\sum_{i,j} M_{ij}}"


# A setting that needs a new network or new data is shared=True (the whole page reruns: a new run, its
# pictures, its history); the training hyper-parameters rerun their own section, and the run goes on; the
# display settings rerun the live canvas beside their own section.
NEW_RUN = True
CANVAS = ("live",)


@dataclass(frozen=True)
class Settings:
    dataset: str = settings.choice("circle", DATASETS, "Data set", shared=NEW_RUN)
    noise: int = settings.slider(0, 0, 50, 5, "Noise", shared=NEW_RUN)
    train_percent: int = settings.slider(50, 10, 90, 10, "Ratio of training to test data (%)", shared=NEW_RUN)
    n_classes: int = settings.slider(3, 2, 5, 1, "Classes", shared=NEW_RUN)
    seed: int = settings.number(0, 0, 10_000, 1, "Seed", shared=NEW_RUN)
    x1: bool = settings.toggle(True, pg.FEATURES["x1"][0], shared=NEW_RUN, widget="checkbox")
    x2: bool = settings.toggle(True, pg.FEATURES["x2"][0], shared=NEW_RUN, widget="checkbox")
    x1_squared: bool = settings.toggle(False, pg.FEATURES["x1_squared"][0], shared=NEW_RUN, widget="checkbox")
    x2_squared: bool = settings.toggle(False, pg.FEATURES["x2_squared"][0], shared=NEW_RUN, widget="checkbox")
    x1_x2: bool = settings.toggle(False, pg.FEATURES["x1_x2"][0], shared=NEW_RUN, widget="checkbox")
    sin_x1: bool = settings.toggle(False, pg.FEATURES["sin_x1"][0], shared=NEW_RUN, widget="checkbox")
    sin_x2: bool = settings.toggle(False, pg.FEATURES["sin_x2"][0], shared=NEW_RUN, widget="checkbox")
    hidden: tuple = view.layer_sizes((4, 2), "Hidden layers", shared=NEW_RUN)
    activation: str = settings.choice("tanh", ACTIVATION_LABELS, "Activation", shared=NEW_RUN)
    learning_rate: float = settings.log_slider(0.03, pg.LEARNING_RATES, "Learning rate η")
    regularization: str = settings.choice("none", pg.REGULARIZATIONS, "Regularisation")
    regularization_rate: float = settings.log_slider(0.0, pg.REGULARIZATION_RATES, "Regularisation rate λ")
    batch_size: int = settings.slider(10, 1, 30, 1, "Batch size")
    cost: str = settings.choice(
        "quadratic", COST_LABELS, "Cost (two classes)", shared=NEW_RUN,
        help="Quadratic is TensorFlow Playground's: a tanh output, class 0 is −1 and class 1 is +1. Cross-entropy "
             "puts a sigmoid (the probability of class 1) on the output; it keeps learning where the quadratic "
             "cost's gradient fades, and punishes confident mistakes without bound.")
    optimizer: str = settings.choice("sgd", optimizers.LABELS, "Optimizer", shared=NEW_RUN)
    momentum: float = settings.slider(0.9, 0.0, 0.99, 0.01, "Momentum μ", shared=NEW_RUN)
    rho: float = settings.slider(0.9, 0.5, 0.999, 0.001, "RMSProp decay ρ", shared=NEW_RUN, format="%.3f")
    beta_1: float = settings.slider(0.9, 0.5, 0.999, 0.001, "Adam β₁", shared=NEW_RUN, format="%.3f")
    beta_2: float = settings.slider(0.999, 0.9, 0.9999, 0.0001, "Adam β₂", shared=NEW_RUN, format="%.4f")
    layer_activations: tuple = view.layer_activations((), ACTIVATION_LABELS, "Activation of each hidden layer",
                                                      shared=NEW_RUN)
    dropout: float = settings.slider(0.0, 0.0, 0.8, 0.05, "Dropout on hidden layers")
    # A new stop rule may end the run or let a stopped one go on: Play's state changes with it.
    stop_epoch: int = settings.number(0, 0, 1_000_000, 100, "Stop at epoch (0 = never)", shared=True)
    patience: int = settings.number(
        0, 0, 100_000, 10, "Patience: stop when test loss has not improved for (epochs, 0 = never)", shared=True)
    discretize: bool = settings.toggle(False, "Discretize output", shared=CANVAS, widget="checkbox")
    show_test: bool = settings.toggle(False, "Show test data", shared=CANVAS, widget="checkbox")
    highlight_wrong: bool = settings.toggle(False, "Highlight misclassified points", shared=CANVAS,
                                            widget="checkbox")
    log_y: bool = settings.toggle(False, "Log scale", widget="checkbox")
    speed: str = settings.choice(
        "fast", SPEEDS, "Speed", shared=CANVAS, widget="radio",
        help="Fast trains as many epochs as this server can share with you; one epoch per frame is "
             "TensorFlow Playground's pace.")


PAGE = settings.Page("playground", Settings)
NO_FEATURES = {**{name: False for name in pg.FEATURE_NAMES}, "layer_activations": ()}
ALL_FEATURES = {**{name: True for name in pg.FEATURE_NAMES}, "layer_activations": ()}
PLAIN = {"noise": 0, "train_percent": 50, "activation": "tanh", "learning_rate": 0.03, "optimizer": "sgd",
         "regularization": "none", "regularization_rate": 0.0, "dropout": 0.0, "cost": "quadratic"}
PRESETS = {
    "Linear data": {**PLAIN, **NO_FEATURES, "x1": True, "x2": True, "dataset": "gaussians", "hidden": ()},
    "XOR": {**PLAIN, **NO_FEATURES, "x1": True, "x2": True, "dataset": "xor", "hidden": ()},
    "Spiral: depth": {**PLAIN, **ALL_FEATURES, "dataset": "spiral", "hidden": (8, 8, 8)},
    "η too high": {**PLAIN, **NO_FEATURES, "x1": True, "x2": True, "dataset": "regression_plane",
                   "hidden": (4, 2), "learning_rate": 3.0},
    "Overfitting": {**PLAIN, **ALL_FEATURES, "dataset": "circle", "noise": 35, "train_percent": 10,
                    "hidden": (8, 8, 8), "cost": "cross_entropy"},
    "L2 fixes it": {**PLAIN, **ALL_FEATURES, "dataset": "circle", "noise": 35, "train_percent": 10,
                    "hidden": (8, 8, 8), "cost": "cross_entropy", "regularization": "L2", "regularization_rate": 0.03},
}
SS = st.session_state


@crash.guarded
def _same_activation_everywhere() -> None:
    PAGE["layer_activations"] = ()


@crash.guarded
def _regenerate() -> None:
    seed = PAGE.declared["seed"]
    PAGE["seed"] = int(PAGE["seed"]) + 1 if PAGE["seed"] < seed.high else int(seed.low)


st.title("Network playground")
st.markdown(
    "A small network learns to separate points in the plane. Press **▶ Play** and watch the output "
    "(the big square), every neuron's output (the small squares) and every weight (the links) change "
    "as gradient descent runs over mini-batches. Change the data, the features, the layers, the "
    "learning rate, and see which problems each network can and cannot solve."
)
st.latex(r"w \leftarrow w - \eta \left( \frac{\partial C}{\partial w} + \lambda \frac{\partial R}{\partial w} \right),"
         r"\qquad R = \sum |w| \ (\mathrm{L1}) \quad\text{or}\quad R = \tfrac12 \sum w^2 \ (\mathrm{L2})")

PAGE.init()
view.start()
st.caption("Presets: **Linear data**: two gaussians need no hidden layer. **XOR**: no hidden layer fails; add "
           "one, or the X₁X₂ feature. **Spiral: depth**: three layers and every feature. **η too high**: the loss "
           "explodes and training diverges. **Overfitting**: 10 % of a noisy circle to train on, "
           "a big network, cross-entropy: the train loss falls to 0 while the test loss rises. "
           "**L2 fixes it**: the same with L2 regularisation.")
PAGE.presets_bar(PRESETS)


@PAGE.section
def training() -> None:
    """The top bar: the training hyper-parameters (a run goes on with them) and the network's activation and
    optimizer (a new run)."""
    top = st.columns(6)
    PAGE.widget("learning_rate", top[0])
    PAGE.widget("activation", top[1], on_change=_same_activation_everywhere)
    PAGE.widget("regularization", top[2])
    PAGE.widget("regularization_rate", top[3])
    PAGE.widget("optimizer", top[4])
    PAGE.widget("batch_size", top[5])
    view.apply_hyper(PAGE.values())


training()
# The cost and its formula, filled in once the data is known: the choice is for two classes only.
cost_row = st.columns([1.8, 4.2], vertical_alignment="bottom")
cost_slot, cost_formula = cost_row[0].container(), cost_row[1].container()

data_col, main_col = st.columns([1, 5])
with data_col:
    st.subheader("Data")
    PAGE.widget("dataset")
    PAGE.widget("train_percent")
    PAGE.widget("noise")
    if PAGE["dataset"] == "blobs":
        PAGE.widget("n_classes")
    PAGE.widget("seed")
    st.button("⟳ Regenerate", key="playground.regenerate", on_click=_regenerate,
              help="New points (and new initial weights): the seed goes up by one (after 10,000, back to 0).")
    upload = None
    if PAGE["dataset"] == "upload":
        upload = uploads.csv_file(f"CSV with columns x1, x2, label (at most {pg.MAX_UPLOAD_ROWS:,} rows)",
                                  "playground.upload")
    st.subheader("Features")
    for name in pg.FEATURE_NAMES:
        PAGE.widget(name)

with main_col:
    PAGE.widget("hidden")


@PAGE.section
def beyond() -> None:
    """Beyond TensorFlow Playground: the optimizer's own settings, an activation per layer, dropout, stop
    rules, display and speed."""
    with st.expander("Beyond TensorFlow Playground: optimizer settings, activation per layer, dropout, stop rules, "
                     "display, speed"):
        opt = st.columns(4)
        takes = optimizers.optimizer_class(PAGE["optimizer"]).DEFAULTS
        for column, name in zip(opt, ("momentum", "rho", "beta_1", "beta_2")):
            if name in takes:
                PAGE.widget(name, column)
        layers = len(PAGE["hidden"])
        if layers:
            st.caption("Activation of each hidden layer (the Activation menu above sets them all)")
            PAGE.widget("layer_activations", layers=layers, fallback=PAGE["activation"])
        more = st.columns(4)
        for column, name in zip(more, ("dropout", "stop_epoch", "patience")):
            PAGE.widget(name, column)
        PAGE.widget("speed", more[3])
        show = st.columns(3)
        for column, name in zip(show, ("show_test", "discretize", "highlight_wrong")):
            PAGE.widget(name, column)
    view.apply_hyper(PAGE.values())


beyond()
settings_now = PAGE.values()

# --- the data and the trainer ---------------------------------------------------------------------------
try:
    upload_digest, uploaded = view.uploaded_points(upload)  # (None, None) without a file
    if settings_now.dataset == "upload" and upload is None:
        st.info("Upload a CSV with a header row x1,x2,label to train on your own points. Meanwhile: the circle.")
    data = pg.data_from_settings(settings_now, uploaded)
    config = pg.Config.from_settings(settings_now)
    config.validate()
except ValueError as error:
    st.error(plain(error))  # a CSV's headers and cells may be in the message: shown as text
    view.set_playing(False)
    PAGE.sync()
    st.stop()

with cost_slot:
    fixed_cost = pg.fixed_cost(data.task, data.n_classes)
    if fixed_cost is None:
        PAGE.widget("cost")
    else:
        st.markdown(f"**Cost**: {fixed_cost}")
with cost_formula:
    st.latex(pg.COST_LATEX[pg.output_kind(data.task, data.n_classes, settings_now.cost)[0]])
# In a live class the teacher's Play and Pause become the class's; a follower's copy starts and pauses with them.
live_class.play_along(SS["playground.playing"], SS.get("playground.run"), reset=view.reset_run, play=view.set_playing)
# What makes a new run: new data, or a Config change that Trainer.set_hyper cannot take (pg.Config.needs_new_run).
data_key = (settings_now.dataset, settings_now.noise, settings_now.train_percent, settings_now.n_classes,
            settings_now.seed, upload_digest)
trainer = view.trainer_for(data, config, data_key)

with main_col:
    view.play_controls(trainer)


def _frames_tick() -> None:
    """The live canvas, one tick (see view.live_tick)."""
    view.live_tick(PAGE.values())


# Every full run writes the same places, each conditional part inside one st.empty: the run after Play then
# replaces the paused page's history, matrix and downloads itself, instead of leaving them to the browser's
# clean-up at the run's end, whose message Streamlit drops now and then (a canvas request arriving just as the
# run ends starts a new script runner, and the old runner's last events are ignored).
# The canvas is a keyed fragment named as a section would be (the display settings rerun it: CANVAS), but not
# a section: its ticks change no setting, so they need not write the URL three times a second while playing.
live = st.fragment(_frames_tick, key=PAGE.fragment_key("live"))
with main_col:
    crash_slot = st.empty()
    if SS.get("playground.crash"):
        crash_slot.error(crash.error_message(SS["playground.crash"]))
    live()

# --- after training: the whole history, the confusion matrix, exports, hand-edited weights -------------------
after_slot = st.empty()
if not SS["playground.playing"]:
    with after_slot.container():
        trainer = SS["playground.trainer"]
        left, right = st.columns(2)
        h = trainer.history
        with left:
            PAGE.widget("log_y")
            st.latex(LOSS_FORMULA)
            st.latex(pg.COST_LATEX[trainer.out_act])
            chart.show(charts.loss_history(h.epoch, h.train_loss, h.test_loss, log_y=PAGE["log_y"],
                                           stopped_at=trainer.epoch if trainer.stop_reason else None),
                       key="playground.loss_chart")
        matrix = pg.test_confusion(trainer)
        if matrix is not None:
            with right:
                st.latex(ACCURACY_FORMULA)
                chart.show(training_charts.confusion_matrix(matrix, [f"class {c}" for c in range(len(matrix))],
                                                            "Confusion matrix (test points)", height=300),
                           key="playground.confusion")
        downloads = st.columns(2)
        downloads[0].download_button("Download weights (JSON)", trainer.weights_json(), "playground_weights.json",
                                     "application/json", key="playground.download_weights")
        downloads[1].download_button("Download loss history (CSV)", h.to_csv(), "playground_history.csv",
                                     "text/csv", key="playground.download_history")
        with st.expander("Edit a weight by hand"):
            view.weight_editor(trainer)
PAGE.sync()

st.markdown(
    "**What to notice:** with no hidden layer the boundary is a straight line (XOR defeats it unless you add "
    "the X₁X₂ feature); each neuron of the first hidden layer draws one line and deeper neurons combine them; "
    "a learning rate of 3 or 10 makes the loss jump and can diverge; with little, noisy data the test loss "
    "rises while the train loss falls, and L2 regularisation pulls it back; switch two classes from the quadratic "
    "cost to cross-entropy and a similar boundary shows a higher test loss, because a confident mistake costs "
    "without bound."
)
