"""Network playground: a small network learns 2-D data live, every neuron and weight on show."""

import time
import uuid
from dataclasses import dataclass

import streamlit as st

from nnviz import optimizers
from nnviz import playground as pg
from nnviz.charts import playground as charts
from nnviz.ui import playground_canvas as live
from nnviz.ui import presenter, state

PREFIX = "playground"
DATASETS = {
    "circle": "Circle", "xor": "Exclusive or (XOR)", "gaussians": "Two gaussians", "spiral": "Spiral",
    "moons": "Two moons", "blobs": "Gaussian blobs (3–5 classes)", "spiral3": "Three-arm spiral (3 classes)",
    "regression_plane": "Regression: plane", "regression_gaussian": "Regression: gaussians",
    "upload": "My own points (CSV upload)",
}
ACTIVATION_LABELS = {"relu": "ReLU", "tanh": "tanh", "sigmoid": "sigmoid", "linear": "linear"}
COST_LABELS = {"quadratic": "quadratic, tanh output", "cross_entropy": "cross-entropy, sigmoid output"}
# The output layer and its cost, as the page shows them beside the cost control (keys: Trainer.out_act).
COST_FORMULAS = {
    "tanh": r"C = \tfrac12 (y - a)^2,\ a = \tanh z,\ y = \pm 1",
    "sigmoid": r"C = -[y \ln a + (1 - y) \ln (1 - a)],\ a = \sigma(z)",
    "softmax": r"C = -\textstyle\sum_j y_j \ln a_j,\ a = \mathrm{softmax}(z)",
    "linear": r"C = \tfrac12 (y - a)^2,\ a = z",
}


@dataclass(frozen=True)
class Settings:
    dataset: str = "circle"
    noise: int = 0
    train_percent: int = 50
    n_classes: int = 3
    seed: int = 0
    x1: bool = True
    x2: bool = True
    x1_squared: bool = False
    x2_squared: bool = False
    x1_x2: bool = False
    sin_x1: bool = False
    sin_x2: bool = False
    hidden: tuple = (4, 2)
    activation: str = "tanh"
    learning_rate: float = 0.03
    regularization: str = "none"
    regularization_rate: float = 0.0
    batch_size: int = 10
    cost: str = "quadratic"
    optimizer: str = "sgd"
    momentum: float = 0.9
    rho: float = 0.9
    beta_1: float = 0.9
    beta_2: float = 0.999
    layer_activations: tuple = ()
    dropout: float = 0.0
    stop_epoch: int = 0
    patience: int = 0
    discretize: bool = False
    show_test: bool = False
    highlight_wrong: bool = False
    speed: str = "fast"


DEFAULTS = Settings()
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
K = lambda name: state.key(PREFIX, name)  # noqa: E731
SS = st.session_state


@presenter.guarded
def _set_playing(on: bool) -> None:
    SS["playground.playing"] = on
    if on:
        SS.pop("playground.crash", None)
    SS["playground.pace"] = None
    if not on:
        live.leave(SS["playground.session"])


@presenter.guarded
def _change_layers(delta: int) -> None:
    hidden = list(SS[K("hidden")])
    if delta > 0 and len(hidden) < pg.MAX_HIDDEN_LAYERS:
        hidden.append(hidden[-1] if hidden else 4)
    elif delta < 0 and hidden:
        hidden.pop()
    SS[K("hidden")] = tuple(hidden)


@presenter.guarded
def _set_neurons(layer: int) -> None:
    hidden = list(SS[K("hidden")])
    hidden[layer] = int(SS[f"playground.neurons.{layer}"])
    SS[K("hidden")] = tuple(hidden)


@presenter.guarded
def _reset_run() -> None:
    """Start again from the same initial weights (compare settings fairly)."""
    SS["playground.restart"] = True  # the new run clears an earlier crash's message too
    _set_playing(False)


@presenter.guarded
def _same_activation_everywhere() -> None:
    SS[K("layer_activations")] = ()


@presenter.guarded
def _set_layer_activation(layer: int) -> None:
    hidden = SS[K("hidden")]
    acts = list(SS[K("layer_activations")]) or [SS[K("activation")]] * len(hidden)
    acts = (acts + [SS[K("activation")]] * len(hidden))[:len(hidden)]
    acts[layer] = SS[f"playground.layer_act.{layer}"]
    SS[K("layer_activations")] = tuple(acts)


@presenter.guarded
def _regenerate() -> None:
    SS[K("seed")] = int(SS[K("seed")]) + 1


@presenter.guarded
def _step() -> None:
    _set_playing(False)
    SS["playground.step"] = True


st.title("Network playground")
st.markdown(
    "A small network learns to separate points in the plane. Press **▶ Play** and watch the output "
    "(the big square), every neuron's output (the small squares) and every weight (the links) change "
    "as gradient descent runs over mini-batches. Change the data, the features, the layers, the "
    "learning rate, and see which problems each network can and cannot solve."
)
st.latex(r"w \leftarrow w - \eta \left( \frac{\partial C}{\partial w} + \lambda \frac{\partial R}{\partial w} \right),"
         r"\qquad R = \sum |w| \ (\mathrm{L1}) \quad\text{or}\quad R = \tfrac12 \sum w^2 \ (\mathrm{L2})")

state.init(PREFIX, DEFAULTS)
# A hand-edited link may hold a value no widget offers: put such a setting back to its default.
CHOICES = {"dataset": list(DATASETS), "activation": pg.HIDDEN_ACTIVATIONS, "regularization": pg.REGULARIZATIONS,
           "cost": pg.COSTS,
           "optimizer": optimizers.NAMES, "learning_rate": pg.LEARNING_RATES,
           "regularization_rate": pg.REGULARIZATION_RATES, "speed": ("fast", "one epoch per frame")}
RANGES = {"noise": (0, 50), "train_percent": (10, 90), "n_classes": (2, 5), "seed": (0, 10_000),
          "batch_size": (1, 30), "dropout": (0.0, 0.8), "stop_epoch": (0, 1_000_000), "patience": (0, 100_000),
          "momentum": (0.0, 0.99), "rho": (0.5, 0.999), "beta_1": (0.5, 0.999), "beta_2": (0.9, 0.9999)}
fixed = [name for name, options in CHOICES.items() if SS[K(name)] not in options]
fixed += [name for name, (low, high) in RANGES.items() if not low <= SS[K(name)] <= high]
fixed += ["hidden"] * (len(SS[K("hidden")]) > pg.MAX_HIDDEN_LAYERS
                       or any(not 1 <= n <= pg.MAX_NEURONS for n in SS[K("hidden")]))
fixed += ["layer_activations"] * any(a not in pg.HIDDEN_ACTIVATIONS for a in SS[K("layer_activations")])
for name in fixed:
    SS[K(name)] = getattr(DEFAULTS, name)
if fixed:
    st.warning(f"The link asked for settings this page does not offer ({', '.join(fixed)}); defaults used instead.")
SS.setdefault("playground.playing", False)
SS.setdefault("playground.session", uuid.uuid4().hex)
SS.setdefault("playground.points", [])
st.caption("Presets: **Linear data**: two gaussians need no hidden layer. **XOR**: no hidden layer fails; add "
           "one, or the X₁X₂ feature. **Spiral: depth**: three layers and every feature. **η too high**: the loss "
           "explodes and training diverges. **Overfitting**: 10 % of a noisy circle to train on, "
           "a big network, cross-entropy: the train loss falls to 0 while the test loss rises. "
           "**L2 fixes it**: the same with L2 regularisation.")
state.presets_bar(PREFIX, DEFAULTS, PRESETS)

# --- the top bar: the training hyper-parameters -------------------------------------------------------
top = st.columns(6)
top[0].select_slider("Learning rate η", options=pg.LEARNING_RATES, key=K("learning_rate"))
top[1].selectbox("Activation", pg.HIDDEN_ACTIVATIONS, format_func=ACTIVATION_LABELS.get, key=K("activation"),
                 on_change=_same_activation_everywhere)
top[2].selectbox("Regularisation", pg.REGULARIZATIONS, key=K("regularization"))
top[3].select_slider("Regularisation rate λ", options=pg.REGULARIZATION_RATES, key=K("regularization_rate"))
top[4].selectbox("Optimizer", optimizers.NAMES, format_func=optimizers.LABELS.get, key=K("optimizer"))
top[5].slider("Batch size", 1, 30, key=K("batch_size"))
# The cost and its formula, filled in once the data is known: the choice is for two classes only.
cost_row = st.columns([1.8, 4.2], vertical_alignment="bottom")
cost_slot, cost_formula = cost_row[0].container(), cost_row[1].container()

data_col, main_col = st.columns([1, 5])
with data_col:
    st.subheader("Data")
    st.selectbox("Data set", list(DATASETS), format_func=DATASETS.get, key=K("dataset"))
    st.slider("Ratio of training to test data (%)", 10, 90, step=10, key=K("train_percent"))
    st.slider("Noise", 0, 50, step=5, key=K("noise"))
    if SS[K("dataset")] == "blobs":
        st.slider("Classes", 2, 5, key=K("n_classes"))
    st.number_input("Seed", 0, 10_000, step=1, key=K("seed"))
    st.button("⟳ Regenerate", on_click=_regenerate, help="New points (and new initial weights): the seed goes up by one.")
    upload = None
    if SS[K("dataset")] == "upload":
        upload = st.file_uploader(f"CSV with columns x1, x2, label (at most {pg.MAX_UPLOAD_ROWS:,} rows)",
                                  type=["csv"], key="playground.upload")
    st.subheader("Features")
    for name in pg.FEATURE_NAMES:
        st.checkbox(pg.FEATURES[name][0], key=K(name))

with main_col:
    n_layers = len(SS[K("hidden")])
    layer_cols = st.columns([1.3, 0.5, 0.5] + [1] * max(n_layers, 1), vertical_alignment="bottom")
    layer_cols[0].markdown(f"**Network: {n_layers} hidden layer{'s' if n_layers != 1 else ''}**")
    layer_cols[1].button("+", key="playground.add_layer", on_click=_change_layers, args=(1,),
                         help="Add a hidden layer", disabled=n_layers >= pg.MAX_HIDDEN_LAYERS)
    layer_cols[2].button("−", key="playground.remove_layer", on_click=_change_layers, args=(-1,),
                         help="Remove the last hidden layer", disabled=n_layers == 0)
    for i, n in enumerate(SS[K("hidden")]):
        SS[f"playground.neurons.{i}"] = n
        layer_cols[3 + i].number_input(f"layer {i + 1}", 1, pg.MAX_NEURONS, step=1, key=f"playground.neurons.{i}",
                                       on_change=_set_neurons, args=(i,), help="Neurons in this hidden layer")

with st.expander("Beyond TensorFlow Playground: optimizer settings, activation per layer, dropout, stop rules, "
                 "display, speed"):
    opt = st.columns(4)
    name = SS[K("optimizer")]
    takes = optimizers.optimizer_class(name).DEFAULTS
    if "momentum" in takes:
        opt[0].slider("Momentum μ", 0.0, 0.99, step=0.01, key=K("momentum"))
    if "rho" in takes:
        opt[1].slider("RMSProp decay ρ", 0.5, 0.999, step=0.001, key=K("rho"), format="%.3f")
    if "beta_1" in takes:
        opt[2].slider("Adam β₁", 0.5, 0.999, step=0.001, key=K("beta_1"), format="%.3f")
        opt[3].slider("Adam β₂", 0.9, 0.9999, step=0.0001, key=K("beta_2"), format="%.4f")
    if SS[K("hidden")]:
        st.caption("Activation of each hidden layer (the Activation menu above sets them all)")
        acts = st.columns(pg.MAX_HIDDEN_LAYERS)
        chosen = SS[K("layer_activations")] or (SS[K("activation")],) * len(SS[K("hidden")])
        for i in range(len(SS[K("hidden")])):
            SS[f"playground.layer_act.{i}"] = chosen[i] if i < len(chosen) else SS[K("activation")]
            acts[i].selectbox(f"layer {i + 1}", pg.HIDDEN_ACTIVATIONS, format_func=ACTIVATION_LABELS.get,
                              key=f"playground.layer_act.{i}", on_change=_set_layer_activation, args=(i,))
    more = st.columns(4)
    more[0].slider("Dropout on hidden layers", 0.0, 0.8, step=0.05, key=K("dropout"))
    more[1].number_input("Stop at epoch (0 = never)", 0, 1_000_000, step=100, key=K("stop_epoch"))
    more[2].number_input("Patience: stop when test loss has not improved for (epochs, 0 = never)", 0, 100_000,
                         step=10, key=K("patience"))
    more[3].radio("Speed", ["fast", "one epoch per frame"], key=K("speed"),
                  help="Fast trains as many epochs as this server can share with you; one epoch per frame is "
                       "TensorFlow Playground's pace.")
    show = st.columns(3)
    show[0].checkbox("Show test data", key=K("show_test"))
    show[1].checkbox("Discretize output", key=K("discretize"))
    show[2].checkbox("Highlight misclassified points", key=K("highlight_wrong"))

settings = state.sync(PREFIX, DEFAULTS)

# --- the data and the trainer ---------------------------------------------------------------------------
features = tuple(name for name in pg.FEATURE_NAMES if getattr(settings, name))
try:
    if settings.dataset == "upload":
        if upload is None:
            st.info("Upload a CSV with a header row x1,x2,label to train on your own points. Meanwhile: the circle.")
            data = pg.make_data("circle", noise=settings.noise / 100, train_fraction=settings.train_percent / 100,
                                seed=settings.seed)
        else:
            X, y, task, n_classes = pg.parse_csv(upload.getvalue().decode("utf-8", errors="replace"))
            data = pg.split_data(X, y, task, n_classes, settings.train_percent / 100, settings.seed, "upload")
    else:
        data = pg.make_data(settings.dataset, noise=settings.noise / 100, train_fraction=settings.train_percent / 100,
                            seed=settings.seed, n_classes=settings.n_classes)
    layer_acts = tuple(settings.layer_activations)
    if layer_acts:  # per-layer choices, fitted to the current number of layers
        layer_acts = (layer_acts + (settings.activation,) * len(settings.hidden))[:len(settings.hidden)]
    config = pg.Config(features=features, hidden=tuple(settings.hidden), activations=layer_acts or settings.activation,
                       optimizer_options=pg.optimizer_options(settings.optimizer, momentum=settings.momentum,
                                                              rho=settings.rho, beta_1=settings.beta_1,
                                                              beta_2=settings.beta_2),
                       learning_rate=settings.learning_rate, regularization=settings.regularization,
                       regularization_rate=settings.regularization_rate, batch_size=settings.batch_size,
                       optimizer=settings.optimizer, dropout=settings.dropout, stop_epoch=settings.stop_epoch,
                       patience=settings.patience, seed=settings.seed, cost=settings.cost)
    config.validate()
except ValueError as error:
    st.error(str(error))
    _set_playing(False)
    st.stop()

structure = (settings.dataset, settings.noise, settings.train_percent, settings.n_classes, settings.seed, features,
             tuple(settings.hidden), config.hidden_activations(), settings.optimizer, config.optimizer_options,
             settings.cost, upload.file_id if upload is not None else None)
with cost_slot:
    if data.task == "classification" and data.n_classes == 2:
        st.selectbox("Cost (two classes)", pg.COSTS, format_func=COST_LABELS.get, key=K("cost"),
                     help="Quadratic is TensorFlow Playground's: a tanh output, class 0 is −1 and class 1 is +1. "
                          "Cross-entropy puts a sigmoid (the probability of class 1) on the output; it keeps "
                          "learning where the quadratic cost's gradient fades, and punishes confident mistakes "
                          "without bound.")
    else:
        st.markdown("**Cost**: " + ("quadratic (regression)" if data.task == "regression"
                                    else "cross-entropy, softmax output (more than two classes)"))
with cost_formula:
    st.latex(COST_FORMULAS[pg.output_kind(data.task, data.n_classes, settings.cost)[0]])
trainer = SS.get("playground.trainer")
if trainer is None or SS.get("playground.structure") != structure or SS.pop("playground.restart", False):
    same_start = trainer is not None and SS.get("playground.structure") == structure
    trainer = pg.Trainer(config, data, init_params=trainer.initial_params if same_start else None)
    SS.pop("playground.crash", None)  # a new run: an earlier crash's message no longer applies
    if SS["playground.points"] and SS.get("playground.structure") == structure:
        points = SS["playground.points"]
        trainer.add_points([p[:2] for p in points], [p[2] for p in points])
    elif SS.get("playground.structure") != structure:
        SS["playground.points"] = []
    SS["playground.trainer"] = trainer
    SS["playground.structure"] = structure
    SS["playground.run"] = uuid.uuid4().hex
else:
    trainer.set_hyper(learning_rate=config.learning_rate, regularization=config.regularization,
                      regularization_rate=config.regularization_rate, batch_size=config.batch_size,
                      dropout=config.dropout, stop_epoch=config.stop_epoch, patience=config.patience)
if SS.pop("playground.step", False):
    trainer.run(1)

with main_col:
    buttons = st.columns([1, 1, 1, 2])
    if SS["playground.playing"]:
        buttons[0].button("Pause", key="playground.pause", on_click=_set_playing, args=(False,), type="primary",
                          width="stretch", icon=":material/pause:")
    else:
        buttons[0].button("▶ Play", key="playground.play", on_click=_set_playing, args=(True,), type="primary",
                          width="stretch", disabled=trainer.finished)
    buttons[1].button("Step", icon=":material/skip_next:", key="playground.step_button", on_click=_step, width="stretch",
                      help="Train one epoch", disabled=trainer.finished)
    buttons[2].button("↺ Reset", key="playground.reset", on_click=_reset_run, width="stretch",
                      help="Start again from the same initial weights")
    if data.task == "classification":
        buttons[3].selectbox("Click on the output to add a point of class", [-1, *range(data.n_classes)],
                             format_func=lambda c: "(off)" if c < 0 else f"class {c}", key="playground.add_class")


@presenter.guarded
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


@presenter.guarded(on_error=_pause_after_crash)
def _frames_tick():
    """One tick: train a fair share of epochs and send their frames; or show the paused state."""
    started = time.perf_counter()
    tr = SS["playground.trainer"]
    playing = SS["playground.playing"] and not tr.finished
    # The canvas asks for each batch once the last one has arrived (see nnviz.ui.playground_canvas).
    request = live.asked((SS.get("playground.canvas") or {}).get("tick"))
    if playing:
        n_playing = live.heartbeat(SS["playground.session"])
        if SS.get("playground.pace") is None:
            SS["playground.pace"] = live.Pace(live.tick_interval(n_playing))
        pace = SS["playground.pace"]
        pace.interval = live.tick_interval(n_playing)  # a big class ticks less often
        pace.tick(link=request.link)
        seconds, n_frames = pace.plan(n_playing)
        per_frame = 1 if settings.speed != "fast" else None
        frames = live.play_tick(tr, seconds, max_frames=min(n_frames, request.frames), epochs_per_frame=per_frame)
        pace.deflate = live.deflate_for(request, pace.interval, pace.deflate)
    else:
        frames = [live.capture(tr)]
    kind = {"tanh": "the network's output (orange −1 = class 0, white 0, blue +1 = class 1)",
            "sigmoid": "the probability of class 1 (orange 0, white ½, blue 1)",
            "softmax": "the most likely class (its colour; paler where the network is less sure)",
            "linear": "the predicted value (orange −1, white 0, blue +1)"}[tr.out_act]
    blob = live.payload(tr, frames, run=SS["playground.run"], replace=not playing, discretize=settings.discretize,
                        show_test=settings.show_test, highlight_wrong=settings.highlight_wrong,
                        add_class=SS.get("playground.add_class", -1),
                        caption=f"Output: {kind}; dots are the training points"
                        + (", black-ringed dots the test points" if settings.show_test else ""),
                        next_tick=pace.interval if playing and not tr.finished else None, answers=request.n,
                        history=request.n is None or not playing, server_ms=1000 * (time.perf_counter() - started),
                        deflate=playing and pace.deflate)
    live.canvas(blob, key="playground.canvas", on_point=_on_point)
    m = tr.metrics
    cols = st.columns(4)
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
with main_col:
    crash_slot = st.empty()
    if SS.get("playground.crash"):
        crash_slot.error(presenter.error_message(SS["playground.crash"]))
    st.fragment(_frames_tick)()

# --- after training: the whole history, the confusion matrix, exports, hand-edited weights -------------------
after_slot = st.empty()
if not SS["playground.playing"]:
    with after_slot.container():
        trainer = SS["playground.trainer"]
        left, right = st.columns(2)
        h = trainer.history
        with left:
            log_y = st.checkbox("Log scale", key="playground.log_y")
            st.plotly_chart(charts.loss_history(h.epoch, h.train_loss, h.test_loss, log_y=log_y,
                                                stopped_at=trainer.epoch if trainer.stop_reason else None),
                            key="playground.loss_chart")
        with right:
            if trainer.data.task == "classification" and len(trainer.data.X_test):
                predicted = trainer.predict(trainer.data.X_test)
                matrix = pg.confusion_matrix(trainer.data.y_test, predicted, trainer.data.n_classes)
                st.plotly_chart(charts.confusion(matrix, [f"class {c}" for c in range(trainer.data.n_classes)]),
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

st.markdown(
    "**What to notice:** with no hidden layer the boundary is a straight line (XOR defeats it unless you add "
    "the X₁X₂ feature); each neuron of the first hidden layer draws one line and deeper neurons combine them; "
    "a learning rate of 3 or 10 makes the loss jump and can diverge; with little, noisy data the test loss "
    "rises while the train loss falls, and L2 regularisation pulls it back; switch two classes from the quadratic "
    "cost to cross-entropy and a similar boundary shows a higher test loss, because a confident mistake costs "
    "without bound."
)
