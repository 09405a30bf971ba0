"""The network playground's Streamlit side: its list settings, its run kept in the session, its live tick.

The page (``lessons/playground.py``) declares the settings and draws the lesson; this module holds what it
hands over: the two settings that are lists (the hidden layers and an activation per layer, each drawn as a
row of widgets), the run in ``st.session_state`` (Play, Pause, Step, Reset, a click that adds a point, a new
run when the data or the network changes), an uploaded CSV read once per content, and one tick of the live
canvas. Every session-state key starts with ``playground.``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
import uuid
from dataclasses import dataclass

import streamlit as st

from nnviz import playground as pg
from nnviz.ui import crash, offload, settings
from nnviz.ui import playground_canvas as live_canvas

SS = st.session_state


# --- the list settings --------------------------------------------------------------------------------------

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


def layer_sizes(default: tuple, label: str, help=None, *, shared=False):
    """A Settings field: the neurons of each hidden layer (:class:`LayerSizes`)."""
    declaration = LayerSizes(label, default, help, shared)
    return dataclasses.field(default=default, metadata={settings.DECLARATION: declaration})


def layer_activations(default: tuple, options: dict, label: str, help=None, *, shared=False):
    """A Settings field: an activation per hidden layer, one of ``options`` (:class:`LayerActivations`)."""
    declaration = LayerActivations(label, default, help, shared, options=options)
    return dataclasses.field(default=default, metadata={settings.DECLARATION: declaration})


# --- the run in the session ---------------------------------------------------------------------------------

def start() -> None:
    """The session's playground state on the page's first run: paused, its own id, no clicked points."""
    SS.setdefault("playground.playing", False)
    SS.setdefault("playground.session", uuid.uuid4().hex)
    SS.setdefault("playground.points", [])
    SS.setdefault("playground.stream", live_canvas.Stream())


@crash.guarded
def set_playing(on: bool) -> None:
    """Play (``on``) or pause; Play clears an earlier crash's message, Pause leaves the playing count."""
    SS["playground.playing"] = on
    if on:
        SS.pop("playground.crash", None)
    SS["playground.stream"].pace = None
    if not on:
        live_canvas.leave(SS["playground.session"])


@crash.guarded
def reset_run() -> None:
    """Start again from the same initial weights (compare settings fairly)."""
    SS["playground.restart"] = True  # the new run clears an earlier crash's message too
    set_playing(False)


@crash.guarded
def step() -> None:
    """Pause and train one epoch in the run this causes."""
    set_playing(False)
    SS["playground.step"] = True


def pause_after_crash(error_id: str) -> None:
    """A crash while playing: pause (instead of repeating it every tick) and keep its message up."""
    if SS["playground.playing"]:
        SS["playground.crash"] = error_id
        set_playing(False)
        st.rerun(scope="app")


@crash.guarded
def add_clicked_point() -> None:
    """A click on the output with a class chosen: add that point to the training set."""
    point = SS["playground.canvas"].get("point")
    if point and point.get("n") != SS.get("playground.last_click"):
        SS["playground.last_click"] = point.get("n")
        label = int(point["label"])
        SS["playground.points"].append((float(point["x"]), float(point["y"]), label))
        SS["playground.trainer"].add_points([[point["x"], point["y"]]], [label])


def apply_hyper(values) -> None:
    """Hand the trainer the settings a run takes midway (pg.MIDWAY): it trains on from where it is."""
    trainer = SS.get("playground.trainer")
    if trainer is not None:
        trainer.set_hyper(**pg.Config.from_settings(values).midway())


def trainer_for(data: pg.Data, config: pg.Config, data_key: tuple) -> pg.Trainer:
    """The session's trainer for this data and network: the current run when neither changed in a way
    :meth:`pg.Trainer.set_hyper` cannot take (it gets the midway settings), else a new run (after Reset, from
    the same initial weights and clicked points); then one epoch if Step asked for it."""
    trainer = SS.get("playground.trainer")
    same_run = (trainer is not None and SS.get("playground.data_key") == data_key
                and not pg.Config.needs_new_run(trainer.config, config))
    if not same_run or SS.pop("playground.restart", False):
        trainer = pg.Trainer(config, data, init_params=trainer.initial_params if same_run else None)
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
        trainer.set_hyper(**config.midway())
    if SS.pop("playground.step", False):
        trainer.run(1)
    return trainer


# --- the controls beside the canvas ------------------------------------------------------------------------

def play_controls(trainer: pg.Trainer) -> None:
    """▶ Play or Pause, Step, Reset and, for a classifier, the class a click on the output adds.

    One row that wraps instead of columns that stack: on a phone Play, Step and Reset stay side by side, a
    thumb's reach above the plot.
    """
    buttons = st.container(horizontal=True, gap="small", vertical_alignment="bottom")
    if SS["playground.playing"]:
        buttons.button("Pause", key="playground.pause", on_click=set_playing, args=(False,), type="primary",
                       width=110, icon=":material/pause:")
    else:
        buttons.button("▶ Play", key="playground.play", on_click=set_playing, args=(True,), type="primary",
                       width=110, disabled=trainer.finished)
    buttons.button("Step", icon=":material/skip_next:", key="playground.step_button", on_click=step,
                   width=110, help="Train one epoch", disabled=trainer.finished)
    buttons.button("↺ Reset", key="playground.reset", on_click=reset_run, width=110,
                   help="Start again from the same initial weights")
    if trainer.data.task == "classification":
        buttons.selectbox("Click on the output to add a point of class", [-1, *range(trainer.data.n_classes)],
                          format_func=lambda c: "(off)" if c < 0 else f"class {c}", key="playground.add_class",
                          width=260)


def weight_editor(trainer: pg.Trainer) -> None:
    """One weight w_jk chosen by its layer and neurons, a box for its new value, and Set weight."""
    cols = st.columns(4)
    n_layers = len(trainer.W)
    layer = cols[0].selectbox("Layer", range(n_layers), key="playground.edit_layer",
                              format_func=lambda l: pg.layer_name(l, n_layers))
    j = cols[1].selectbox("To neuron j", range(trainer.W[layer].shape[0]), key="playground.edit_j")
    k = cols[2].selectbox("From neuron k", range(trainer.W[layer].shape[1]), key="playground.edit_k",
                          format_func=lambda k: pg.source_name(trainer.config.features, layer, k))
    value = cols[3].number_input("w_jk", value=float(trainer.W[layer][j, k]), step=0.1, format="%.3f",
                                 key=f"playground.edit_value.{layer}.{j}.{k}.{trainer.epoch}")
    if st.button("Set weight", key="playground.set_weight"):
        trainer.set_weight(layer, j, k, value)
        st.rerun()


# --- the upload ---------------------------------------------------------------------------------------------

@st.cache_data(max_entries=4, show_spinner="Reading the CSV…")
def _read_upload(digest: str, _data: bytes) -> tuple:
    """An uploaded CSV read once per content (``digest``, its SHA-256): ``("ok", X, y, task, n_classes)`` or
    ``("refused", message)``, so a file, good or bad, costs nothing on the reruns after its upload."""
    try:
        return ("ok", *offload.run(pg.read_upload, _data.decode("utf-8", errors="replace")))
    except ValueError as error:
        return ("refused", str(error))


def uploaded_points(upload) -> tuple[str | None, tuple | None]:
    """An uploaded file's SHA-256 and its points ``(X, y, task, n_classes)``, ``(None, None)`` without a file;
    ``ValueError`` with what to fix when the file cannot be used."""
    if upload is None:
        return None, None
    content = upload.getvalue()
    digest = hashlib.sha256(content).hexdigest()
    read = _read_upload(digest, content)
    if read[0] == "refused":
        raise ValueError(read[1])
    return digest, read[1:]


# --- the live canvas, one tick ------------------------------------------------------------------------------

@crash.guarded(on_error=pause_after_crash)
def live_tick(values) -> None:
    """The live canvas, one tick: train a fair share of epochs and send their frames; or show the paused state.

    ``values``: the page's settings now. Paused, the run's numbers follow the canvas; playing, only the
    canvas's (it shows the frame it draws, which a number written here, at the end of the batch it is still
    playing, would run ahead of). One st.empty either way: the run after Play replaces the paused numbers.
    """
    started = time.perf_counter()
    tr = SS["playground.trainer"]
    playing = SS["playground.playing"] and not tr.finished
    # The canvas asks for each batch once the last one has arrived (see nnviz.ui.playground_canvas).
    request = live_canvas.asked((SS.get("playground.canvas") or {}).get("tick"))
    stream = SS["playground.stream"]
    if playing:
        frames = live_canvas.play_frames(tr, stream, SS["playground.session"], request,
                                         one_per_frame=values.speed != "fast")
    else:
        frames = [live_canvas.capture(tr)]
    pace = stream.pace
    blob = live_canvas.payload(
        tr, frames, run=SS["playground.run"], replace=not playing, discretize=values.discretize,
        show_test=values.show_test, highlight_wrong=values.highlight_wrong,
        add_class=SS.get("playground.add_class", -1), caption=pg.output_caption(tr.out_act, values.show_test),
        next_tick=pace.interval if playing and not tr.finished else None, answers=request.n,
        history=request.n is None or not playing, server_ms=1000 * (time.perf_counter() - started),
        deflate=playing and pace.deflate, stream=stream, text_scale=live_canvas.text_scale())
    live_canvas.canvas(blob, key="playground.canvas", on_point=add_clicked_point)
    numbers = st.empty()
    if not playing:
        cols = numbers.container().columns(4)
        for column, (label, value) in zip(cols, pg.scoreboard(tr)):
            column.metric(label, value)
    said = pg.status(tr)
    if said is not None:
        (st.error if said[0] == "error" else st.info)(said[1])
    if SS["playground.playing"] and tr.finished:
        set_playing(False)
        st.rerun(scope="app")
