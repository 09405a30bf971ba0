"""Network playground: a small network learns 2-D data live, every neuron and weight on show."""

import dataclasses
import hashlib
import time
import uuid
from dataclasses import dataclass

import numpy as np
import streamlit as st

from nnviz import metrics, optimizers
from nnviz import playground as pg
from nnviz.charts import playground as charts
from nnviz.charts import training as training_charts
from nnviz.ui import chart, crash, settings
from nnviz.ui import live as live_class
from nnviz.ui import offload
from nnviz.ui import upload as uploads
from nnviz.ui import playground_canvas as live_canvas
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
# An uploaded value this large needs weights beyond what the trainer calls blown up: refused at upload, naming
# its column, instead of a run that "diverges" and blames the learning rate.
UPLOAD_LIMIT = pg.DIVERGENCE_LIMIT


@dataclass(frozen=True)
class LayerSizes(settings.Setting):
    """The hidden layers as the neurons in each: at most ``max_layers`` layers of ``low`` to ``high`` neurons.

    Drawn as the network's row: how many layers, + and − buttons, a number box per layer.
    """

    max_layers: int = pg.MAX_HIDDEN_LAYERS
    low: int = 1
    high: int = pg.MAX_NEURONS

    def parse(self, raw: str) -> tuple:
        items = raw.split(",", self.max_layers) if raw.strip() else []
        if len(items) > self.max_layers:
            raise ValueError(f"it lists more than {self.max_layers} layers; at most {self.max_layers} fit")
        return tuple(settings.Number(self.label, 1).parse(item) for item in items)

    def check(self, value) -> tuple:
        if not isinstance(value, (tuple, list)):
            raise ValueError(f"{settings.shown(value)} is not a list of layer sizes")
        if len(value) > self.max_layers:
            raise ValueError(f"it has {len(value)} layers; at most {self.max_layers} fit")
        neurons = settings.Number(self.label, 1, low=self.low, high=self.high, step=1)
        checked = []
        for layer, n in enumerate(value, start=1):
            try:
                checked.append(neurons.check(n))
            except ValueError as err:
                raise ValueError(f"layer {layer}: {err} (neurons in a layer)") from None
        return tuple(checked)

    def encode(self, value) -> str:
        return ",".join(str(n) for n in value)

    def draw(self, where, key: str, **options) -> tuple:
        prefix = key.rsplit(".", 1)[0]
        hidden = tuple(st.session_state[key])
        n = len(hidden)
        then = options.get("on_change")
        cols = where.columns([1.3, 0.5, 0.5] + [1] * max(n, 1), vertical_alignment="bottom")
        cols[0].markdown(f"**Network: {n} hidden layer{'s' if n != 1 else ''}**")
        cols[1].button("+", key=f"{prefix}.add_layer", on_click=_change_layers, args=(key, 1, then),
                       help="Add a hidden layer", disabled=n >= self.max_layers)
        cols[2].button("−", key=f"{prefix}.remove_layer", on_click=_change_layers, args=(key, -1, then),
                       help="Remove the last hidden layer", disabled=n == 0)
        for i, size in enumerate(hidden):
            st.session_state[f"{prefix}.neurons.{i}"] = size
            cols[3 + i].number_input(f"layer {i + 1}", self.low, self.high, step=1, key=f"{prefix}.neurons.{i}",
                                     on_change=_set_neurons, args=(key, i, then),
                                     help="Neurons in this hidden layer")
        return hidden


@dataclass(frozen=True)
class LayerActivations(settings.Setting):
    """An activation per hidden layer, at most ``max_layers`` (none: the Activation menu's for every layer)."""

    options: dict = dataclasses.field(default_factory=dict)
    max_layers: int = pg.MAX_HIDDEN_LAYERS

    def parse(self, raw: str) -> tuple:
        items = raw.split(",", self.max_layers) if raw.strip() else []
        if len(items) > self.max_layers:
            raise ValueError(f"it lists more than {self.max_layers} layers; at most {self.max_layers} fit")
        return tuple(items)

    def check(self, value) -> tuple:
        if not isinstance(value, (tuple, list)):
            raise ValueError(f"{settings.shown(value)} is not a list of activations")
        if len(value) > self.max_layers:
            raise ValueError(f"it has {len(value)} layers; at most {self.max_layers} fit")
        for name in value:
            if name not in self.options:
                raise ValueError(f"{settings.shown(name)} is not one of: {', '.join(self.options.values())}")
        return tuple(value)

    def encode(self, value) -> str:
        # None chosen is the default, so never in a link: only a message shows it, in words.
        return ",".join(value) if value else "the Activation menu's"

    def draw(self, where, key: str, *, layers: int, fallback: str, **options) -> tuple:
        """One menu per layer (``layers`` of them); a layer without its own choice shows ``fallback``."""
        prefix = key.rsplit(".", 1)[0]
        cols = where.columns(self.max_layers)
        chosen = tuple(st.session_state[key]) or (fallback,) * layers
        for i in range(layers):
            st.session_state[f"{prefix}.layer_act.{i}"] = chosen[i] if i < len(chosen) else fallback
            cols[i].selectbox(f"layer {i + 1}", list(self.options), format_func=self.options.get,
                              key=f"{prefix}.layer_act.{i}", on_change=_set_layer_activation,
                              args=(key, i, layers, fallback, options.get("on_change")))
        return chosen


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
    hidden: tuple = dataclasses.field(
        default=(4, 2), metadata={settings.DECLARATION: LayerSizes("Hidden layers", (4, 2), shared=NEW_RUN)})
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
    layer_activations: tuple = dataclasses.field(default=(), metadata={settings.DECLARATION: LayerActivations(
        "Activation of each hidden layer", (), shared=NEW_RUN, options=ACTIVATION_LABELS)})
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


def _then(callback) -> None:
    if callback is not None:
        callback()


@crash.guarded
def _change_layers(key: str, delta: int, then=None) -> None:
    hidden = list(SS[key])
    if delta > 0 and len(hidden) < pg.MAX_HIDDEN_LAYERS:
        hidden.append(hidden[-1] if hidden else 4)
    elif delta < 0 and hidden:
        hidden.pop()
    SS[key] = tuple(hidden)
    _then(then)


@crash.guarded
def _set_neurons(key: str, layer: int, then=None) -> None:
    hidden = list(SS[key])
    hidden[layer] = int(SS[f"{key.rsplit('.', 1)[0]}.neurons.{layer}"])
    SS[key] = tuple(hidden)
    _then(then)


@crash.guarded
def _set_layer_activation(key: str, layer: int, layers: int, fallback: str, then=None) -> None:
    acts = list(SS[key]) or [fallback] * layers
    acts = (acts + [fallback] * layers)[:layers]
    acts[layer] = SS[f"{key.rsplit('.', 1)[0]}.layer_act.{layer}"]
    SS[key] = tuple(acts)
    _then(then)


@crash.guarded
def _set_playing(on: bool) -> None:
    SS["playground.playing"] = on
    if on:
        SS.pop("playground.crash", None)
    SS["playground.stream"].pace = None
    if not on:
        live_canvas.leave(SS["playground.session"])


@crash.guarded
def _reset_run() -> None:
    """Start again from the same initial weights (compare settings fairly)."""
    SS["playground.restart"] = True  # the new run clears an earlier crash's message too
    _set_playing(False)


@crash.guarded
def _same_activation_everywhere() -> None:
    PAGE["layer_activations"] = ()


@crash.guarded
def _regenerate() -> None:
    seed = PAGE.declared["seed"]
    PAGE["seed"] = int(PAGE["seed"]) + 1 if PAGE["seed"] < seed.high else int(seed.low)


@crash.guarded
def _step() -> None:
    _set_playing(False)
    SS["playground.step"] = True


def _apply_hyper() -> None:
    """Hand the trainer the settings a run takes midway (pg.MIDWAY): it trains on from where it is."""
    trainer = SS.get("playground.trainer")
    if trainer is not None:
        trainer.set_hyper(**pg.Config.from_settings(PAGE.values()).midway())


@st.cache_data(max_entries=4, show_spinner="Reading the CSV…")
def _read_upload(digest: str, _data: bytes) -> tuple:
    """An uploaded CSV read once per content (``digest``, its SHA-256): ``("ok", X, y, task, n_classes)`` or
    ``("refused", message)``, so a file, good or bad, costs nothing on the reruns after its upload."""
    try:
        X, y, task, n_classes = offload.run(pg.parse_csv, _data.decode("utf-8", errors="replace"))
    except ValueError as error:
        return ("refused", str(error))
    for name, column in (("x1", X[:, 0]), ("x2", X[:, 1]), ("label", y)):
        largest = float(np.max(np.abs(column)))
        if largest > UPLOAD_LIMIT:
            return ("refused", f"the column {name} holds values as large as {largest:.3g}; the playground takes "
                               f"values between −{UPLOAD_LIMIT:,.0f} and {UPLOAD_LIMIT:,.0f} (beyond that a "
                               f"network's weights count as blown up): rescale the column")
    return ("ok", X, y, task, n_classes)


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
SS.setdefault("playground.playing", False)
SS.setdefault("playground.session", uuid.uuid4().hex)
SS.setdefault("playground.points", [])
SS.setdefault("playground.stream", live_canvas.Stream())
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
    _apply_hyper()


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
    _apply_hyper()


beyond()
settings_now = PAGE.values()

# --- the data and the trainer ---------------------------------------------------------------------------
upload_digest = None
try:
    if settings_now.dataset == "upload" and upload is not None:
        content = upload.getvalue()
        upload_digest = hashlib.sha256(content).hexdigest()
        read = _read_upload(upload_digest, content)
        if read[0] == "refused":
            raise ValueError(read[1])
        data = pg.split_data(*read[1:], settings_now.train_percent / 100, settings_now.seed, "upload")
    else:
        if settings_now.dataset == "upload":
            st.info("Upload a CSV with a header row x1,x2,label to train on your own points. Meanwhile: the circle.")
        data = pg.make_data("circle" if settings_now.dataset == "upload" else settings_now.dataset,
                            noise=settings_now.noise / 100, train_fraction=settings_now.train_percent / 100,
                            seed=settings_now.seed, n_classes=settings_now.n_classes)
    config = pg.Config.from_settings(settings_now)
    config.validate()
except ValueError as error:
    st.error(plain(error))  # a CSV's headers and cells may be in the message: shown as text
    _set_playing(False)
    PAGE.sync()
    st.stop()

# What makes a new run: new data, or a Config change that Trainer.set_hyper cannot take (pg.Config.needs_new_run).
data_key = (settings_now.dataset, settings_now.noise, settings_now.train_percent, settings_now.n_classes,
            settings_now.seed, upload_digest)
with cost_slot:
    if data.task == "classification" and data.n_classes == 2:
        PAGE.widget("cost")
    else:
        st.markdown("**Cost**: " + ("quadratic (regression)" if data.task == "regression"
                                    else "cross-entropy, softmax output (more than two classes)"))
with cost_formula:
    st.latex(pg.COST_LATEX[pg.output_kind(data.task, data.n_classes, settings_now.cost)[0]])
# In a live class the teacher's Play and Pause become the class's; a follower's copy starts and pauses with them.
live_class.play_along(SS["playground.playing"], SS.get("playground.run"), reset=_reset_run, play=_set_playing)
trainer = SS.get("playground.trainer")
same_run = (trainer is not None and SS.get("playground.data_key") == data_key
            and not pg.Config.needs_new_run(trainer.config, config))
if not same_run or SS.pop("playground.restart", False):
    same_start = same_run
    trainer = pg.Trainer(config, data, init_params=trainer.initial_params if same_start else None)
    SS.pop("playground.crash", None)  # a new run: an earlier crash's message no longer applies
    if SS["playground.points"] and same_run:
        points = SS["playground.points"]
        trainer.add_points([p[:2] for p in points], [p[2] for p in points])
    elif not same_run:
        SS["playground.points"] = []
    SS["playground.trainer"] = trainer
    SS["playground.data_key"] = data_key
    SS["playground.run"] = uuid.uuid4().hex
    SS["playground.stream"] = live_canvas.Stream()
else:
    _apply_hyper()
if SS.pop("playground.step", False):
    trainer.run(1)

with main_col:
    # One row that wraps instead of columns that stack: on a phone Play, Step and Reset stay side by side,
    # a thumb's reach above the plot.
    buttons = st.container(horizontal=True, gap="small", vertical_alignment="bottom")
    if SS["playground.playing"]:
        buttons.button("Pause", key="playground.pause", on_click=_set_playing, args=(False,), type="primary",
                       width=110, icon=":material/pause:")
    else:
        buttons.button("▶ Play", key="playground.play", on_click=_set_playing, args=(True,), type="primary",
                       width=110, disabled=trainer.finished)
    buttons.button("Step", icon=":material/skip_next:", key="playground.step_button", on_click=_step, width=110,
                   help="Train one epoch", disabled=trainer.finished)
    buttons.button("↺ Reset", key="playground.reset", on_click=_reset_run, width=110,
                   help="Start again from the same initial weights")
    if data.task == "classification":
        buttons.selectbox("Click on the output to add a point of class", [-1, *range(data.n_classes)],
                          format_func=lambda c: "(off)" if c < 0 else f"class {c}", key="playground.add_class",
                          width=260)


@crash.guarded
def _on_point() -> None:
    """A click on the output with a class chosen: add that point to the training set."""
    point = SS["playground.canvas"].get("point")
    if point and point.get("n") != SS.get("playground.last_click"):
        SS["playground.last_click"] = point.get("n")
        label = int(point["label"])
        SS["playground.points"].append((float(point["x"]), float(point["y"]), label))
        SS["playground.trainer"].add_points([[point["x"], point["y"]]], [label])


def _pause_after_crash(error_id: str) -> None:
    """A crash while playing: pause (instead of repeating it every tick) and keep its message up."""
    if SS["playground.playing"]:
        SS["playground.crash"] = error_id
        _set_playing(False)
        st.rerun(scope="app")


OUTPUT_KINDS = {"tanh": "the network's output (orange −1 = class 0, white 0, blue +1 = class 1)",
                "sigmoid": "the probability of class 1 (orange 0, white ½, blue 1)",
                "softmax": "the most likely class (its colour; paler where the network is less sure)",
                "linear": "the predicted value (orange −1, white 0, blue +1)"}


@crash.guarded(on_error=_pause_after_crash)
def _frames_tick() -> None:
    """The live canvas, one tick: train a fair share of epochs and send their frames; or show the paused state."""
    started = time.perf_counter()
    tr = SS["playground.trainer"]
    s = PAGE.values()
    playing = SS["playground.playing"] and not tr.finished
    # The canvas asks for each batch once the last one has arrived (see nnviz.ui.playground_canvas).
    request = live_canvas.asked((SS.get("playground.canvas") or {}).get("tick"))
    stream = SS["playground.stream"]
    if playing:
        n_playing = live_canvas.heartbeat(SS["playground.session"])
        if stream.pace is None:
            stream.pace = live_canvas.Pace(live_canvas.tick_interval(n_playing))
        pace = stream.pace
        pace.interval = live_canvas.tick_interval(n_playing)  # a big class ticks less often
        pace.tick(link=request.link)
        seconds, n_frames = pace.plan(n_playing)
        per_frame = 1 if s.speed != "fast" else None
        frames = live_canvas.play_tick(tr, seconds, max_frames=min(n_frames, request.frames),
                                       epochs_per_frame=per_frame, stream=stream)
        pace.deflate = live_canvas.deflate_for(request, pace.interval, pace.deflate)
    else:
        frames = [live_canvas.capture(tr)]
    blob = live_canvas.payload(
        tr, frames, run=SS["playground.run"], replace=not playing, discretize=s.discretize, show_test=s.show_test,
        highlight_wrong=s.highlight_wrong, add_class=SS.get("playground.add_class", -1),
        caption=f"Output: {OUTPUT_KINDS[tr.out_act]}; dots are the training points"
        + (", black-ringed dots the test points" if s.show_test else ""),
        next_tick=pace.interval if playing and not tr.finished else None, answers=request.n,
        history=request.n is None or not playing, server_ms=1000 * (time.perf_counter() - started),
        deflate=playing and pace.deflate, stream=stream, text_scale=live_canvas.text_scale())
    live_canvas.canvas(blob, key="playground.canvas", on_point=_on_point)
    # Paused, the run's numbers; playing, only the canvas's (it shows the frame it draws, which a number
    # written here, at the end of the batch it is still playing, would run ahead of). One st.empty either way:
    # the run after Play replaces the paused numbers itself (see the comment above `live` below).
    numbers = st.empty()
    if not playing:
        m = tr.metrics
        cols = numbers.container().columns(4)
        cols[0].metric("Epoch", f"{tr.epoch:,}")
        cols[1].metric("Train loss", f"{m[0]:.4f}")
        cols[2].metric("Test loss", f"{m[1]:.4f}" if m[1] == m[1] else "–")
        if tr.data.task == "classification":
            cols[3].metric("Test accuracy", f"{100 * m[3]:.1f} %" if m[3] == m[3] else "–")
    if tr.diverged_at is not None:
        st.error(f"Training diverged at epoch {tr.diverged_at:,}: the weights blew up. Lower the learning rate "
                 "and press Reset. The pictures show the last finite weights.")
    elif tr.stop_reason:
        st.info(tr.stop_reason.capitalize() + ".")
    if SS["playground.playing"] and tr.finished:
        _set_playing(False)
        st.rerun(scope="app")


# Every full run writes the same places, each conditional part inside one st.empty: the run after Play then
# replaces the paused page's history, matrix and downloads itself, instead of leaving them to the browser's
# clean-up at the run's end, whose message Streamlit drops now and then (a canvas request arriving just as the
# run ends starts a new script runner, and the old runner's last events are ignored).
# The canvas is a keyed fragment named as a section would be (the display settings rerun it: CANVAS), but not
# a section: its ticks change no setting, so they need not write the URL three times a second while playing.
live = st.fragment(_frames_tick, key=PAGE._fragment_key("live"))
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
        with right:
            if trainer.data.task == "classification" and len(trainer.data.X_test):
                predicted = trainer.predict(trainer.data.X_test)
                matrix = metrics.confusion_matrix(trainer.data.y_test, predicted, range(trainer.data.n_classes))
                st.latex(ACCURACY_FORMULA)
                chart.show(training_charts.confusion_matrix(matrix, [f"class {c}" for c in range(trainer.data.n_classes)],
                                                            "Confusion matrix (test points)", height=300),
                           key="playground.confusion")
        downloads = st.columns(2)
        downloads[0].download_button("Download weights (JSON)", trainer.weights_json(), "playground_weights.json",
                                     "application/json", key="playground.download_weights")
        downloads[1].download_button("Download loss history (CSV)", h.to_csv(), "playground_history.csv",
                                     "text/csv", key="playground.download_history")
        with st.expander("Edit a weight by hand"):
            cols = st.columns(4)
            layer = cols[0].selectbox("Layer", range(len(trainer.W)), key="playground.edit_layer",
                                      format_func=lambda l: "output" if l == len(trainer.W) - 1 else f"hidden {l + 1}")
            j = cols[1].selectbox("To neuron j", range(trainer.W[layer].shape[0]), key="playground.edit_j")
            k = cols[2].selectbox(
                "From neuron k", range(trainer.W[layer].shape[1]), key="playground.edit_k",
                format_func=lambda k: pg.FEATURES[trainer.config.features[k]][0] if layer == 0 else str(k))
            value = cols[3].number_input("w_jk", value=float(trainer.W[layer][j, k]), step=0.1, format="%.3f",
                                         key=f"playground.edit_value.{layer}.{j}.{k}.{trainer.epoch}")
            if st.button("Set weight", key="playground.set_weight"):
                trainer.set_weight(layer, j, k, value)
                st.rerun()
PAGE.sync()

st.markdown(
    "**What to notice:** with no hidden layer the boundary is a straight line (XOR defeats it unless you add "
    "the X₁X₂ feature); each neuron of the first hidden layer draws one line and deeper neurons combine them; "
    "a learning rate of 3 or 10 makes the loss jump and can diverge; with little, noisy data the test loss "
    "rises while the train loss falls, and L2 regularisation pulls it back; switch two classes from the quadratic "
    "cost to cross-entropy and a similar boundary shows a higher test loss, because a confident mistake costs "
    "without bound."
)
