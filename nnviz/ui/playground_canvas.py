"""The playground's live canvas: a Streamlit v2 component fed batches of frames, and the fair-share governor.

Each fragment tick trains a slice of epochs, takes up to ``MAX_FRAMES``
snapshots (one grid pass each: the output and every neuron's heatmap) and
sends them as one bytes payload; the browser keeps one set of canvases mounted
and plays the frames at 30 frames/s with ``requestAnimationFrame``.

The browser asks for each batch (the component's ``tick`` trigger, which
reruns the fragment) once the last one has arrived and the tick interval the
header names (``next``) has passed, with at most as many frames as its link
carried in time. A timer that asked regardless (``st.fragment(run_every=...)``)
let a slow link fall behind until Streamlit's send queue (500 messages per
connection) overflowed and the student was cut off.

Payload: ``uint32`` (little-endian) header length, the JSON header, then the
binary body: input-feature thumbnails (uint8), the points (float32 x, y;
uint8 label; uint8 flags: 1 = test point, 2 = misclassified), then per frame
the output grid (uint8; for 3–5 classes the winning class then its
probability), the hidden neurons' thumbnails (uint8) and the weights (float32).
Values in [−1, 1] map to 0–255 (orange −1, white 0, blue +1).
"""

from __future__ import annotations

import json
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st
from threadpoolctl import threadpool_limits

from nnviz.charts import palette
from nnviz.playground import FEATURES as _FEATURES
from nnviz.playground import GridPass, Trainer
from nnviz.workslot import SLOT

TICK_SECONDS = 0.33
MAX_FRAMES = 10
MAX_FRAMES_LATE = 45
# Every tick costs Streamlit a fragment run whatever work it carries; a big class ticks less often (with
# more frames per tick), so that overhead does not eat the core.
FAST_SESSIONS = 6
MAX_TICK_SECONDS = 1.5
FRAMES_PER_SECOND = 30
THUMB_STRIDE = 4  # 100 x 100 grid -> 25 x 25 thumbnails
# The colours the canvas draws with: a class's points and region (3–5 classes), and the diverging scale of two
# classes, a regression and every neuron's output (orange −1, white 0, blue +1).
CLASS_COLOURS = (palette.NEGATIVE, palette.POSITIVE, palette.GREEN, palette.VERMILION, palette.PURPLE)
WHITE = palette.DIVERGING[1][1]
# Every header carries these, and the canvas reads them there: one home for each, here.
CONSTANTS = {"frames_per_second": FRAMES_PER_SECOND, "max_frames": MAX_FRAMES_LATE, "first_want": MAX_FRAMES,
             "class_colours": list(CLASS_COLOURS), "negative": palette.NEGATIVE, "positive": palette.POSITIVE,
             "neutral": WHITE, "test_colour": palette.VERMILION}
# One Streamlit process runs Python on one core at a time (the GIL; these matrices are too small for NumPy
# to release it usefully), so the share is of one core per process: `make serve` runs a process per core.
CORES = 1
# Share of a tick one lone session may spend computing, and of a process's core all its sessions may use
# together (CPU time, measured per thread: waiting for the GIL or the compute lock does not count). The
# rest is for Streamlit's own cost per tick (about 14 ms of a fragment rerun outside nnviz's code, measured
# with 30 sessions) and for the students on other pages: 0.7 made their slider p95 up to twice as long.
SOLO_SHARE = 0.55
MACHINE_SHARE = 0.5

# Tiny matrices: BLAS threads only spin and steal the other sessions' core, so each tick runs on one.

_CSS = """
.nnviz-pg { font-family: "Source Sans Pro", sans-serif; color: inherit; }  /* the theme's text colour */
.nnviz-pg-stats { display: flex; flex-wrap: wrap; column-gap: 1.4rem; align-items: baseline; margin-bottom: 0.3rem; }
.nnviz-pg-epoch { font-size: 1.6rem; font-weight: 600; font-variant-numeric: tabular-nums; min-width: 9ch; }
.nnviz-pg-loss { font-size: 1rem; font-variant-numeric: tabular-nums; display: flex; flex-wrap: wrap;
  column-gap: 0.9rem; }
.nnviz-pg-loss span { white-space: nowrap; }  /* a number never parts from its name or its % */
.nnviz-pg-status { font-size: 1rem; color: __VERMILION__; font-weight: 600; }
/* The boundary comes first in the page (on top when narrow), the network left of it when there is room. */
.nnviz-pg-row { display: flex; flex-direction: row-reverse; justify-content: flex-end; gap: 1.2rem;
  align-items: flex-start; flex-wrap: wrap; }
.nnviz-pg-net-box { position: relative; max-width: 100%; }
.nnviz-pg-out-box { max-width: 100%; }
/* On a narrow screen (a phone) the canvases shrink to the width there is; clicks and hovers scale with them. */
.nnviz-pg canvas { max-width: 100%; height: auto; }
.nnviz-pg-caption { font-size: 0.85rem; opacity: 0.8; margin-bottom: 0.2rem; max-width: 480px; }
.nnviz-pg-tip { position: absolute; display: none; background: #222; color: #fff; padding: 2px 6px;
  border-radius: 4px; font-size: 0.8rem; pointer-events: none; white-space: nowrap; }
.nnviz-pg-boundary { display: block; cursor: crosshair; }
.nnviz-pg-loss-chart { display: block; margin-top: 6px; }
"""
_CSS = _CSS.replace("__VERMILION__", palette.VERMILION)
_JS = Path(__file__).with_name("playground_canvas.js").read_text().replace("__NNVIZ_CSS__", json.dumps(_CSS))

_component = st.components.v2.component("nnviz_playground_canvas", js=_JS, css=_CSS, isolate_styles=False)


# --- the fair-share governor -----------------------------------------------------------------------

_LOCK = threading.Lock()
# One session trains at a time in a process, and not while a Keras batch runs (nnviz.workslot).
_COMPUTING = SLOT
_PLAYING: dict[str, float] = {}
ALIVE_SECONDS = 5.0  # well over the longest tick period (MAX_TICK_SECONDS, late ticks): a busy class is counted whole


def heartbeat(session: str, now: float | None = None) -> int:
    """Mark ``session`` as playing and return how many sessions are playing now."""
    now = time.monotonic() if now is None else now
    with _LOCK:
        _PLAYING[session] = now
        for other, seen in list(_PLAYING.items()):
            if now - seen > ALIVE_SECONDS:
                del _PLAYING[other]
        return len(_PLAYING)


def leave(session: str) -> None:
    """Forget ``session`` (it paused)."""
    with _LOCK:
        _PLAYING.pop(session, None)


def budget(n_playing: int, tick: float = TICK_SECONDS, cores: int = CORES) -> float:
    """CPU seconds one session may spend per tick when ``n_playing`` sessions share the process."""
    return min(tick * SOLO_SHARE, tick * cores * MACHINE_SHARE / max(1, n_playing))


def tick_interval(n_playing: int) -> float:
    """Seconds between one session's ticks when ``n_playing`` sessions play: 0.33 s up to a few sessions."""
    return min(MAX_TICK_SECONDS, TICK_SECONDS * max(1.0, n_playing / FAST_SESSIONS))


@dataclass
class Pace:
    """One session's tick interval and measured tick period; a tick that comes late means the machine is busy."""

    interval: float = TICK_SECONDS
    period: float | None = None
    last: float | None = None
    deflate: bool = False  # the last batch went compressed (see deflate_for)

    def tick(self, now: float | None = None, link: float = 0.0) -> float:
        """Note a tick starting ``now``; ``link``: seconds of the gap since the last one that the browser's
        link took to bring the last batch (a slow link is not a busy machine: it gets fewer frames, not
        less training)."""
        now = time.monotonic() if now is None else now
        if self.period is None:
            self.period = self.interval
        if self.last is not None:
            gap = min(max(now - self.last - link, self.interval), 2 * MAX_TICK_SECONDS)
            self.period = 0.7 * self.period + 0.3 * gap
        self.last = now
        return self.period

    def plan(self, n_playing: int) -> tuple[float, int]:
        """(seconds of work, frames) for this tick: enough frames to play at 30 frames/s until the next
        tick arrives, and less work when ticks arrive late (the machine is overloaded)."""
        period = self.period or self.interval
        frames = int(min(MAX_FRAMES_LATE, max(1, round(period * FRAMES_PER_SECOND))))
        return budget(n_playing, tick=self.interval) * min(1.0, self.interval / period), frames


@dataclass
class Stream:
    """One session's live canvas, kept by the page for the run it shows (a new run, a new Stream).

    ``pace``: its tick interval and period while playing (None when paused: the next Play starts afresh);
    ``epoch_cost`` and ``frame_cost``: running averages of this thread's CPU seconds for one epoch and one
    frame, which size a tick's work before it starts (:func:`play_tick`); ``thumbs``: the grid inputs and
    the input features' thumbnails drawn from them (they change only with the grid).
    """

    pace: Pace | None = None
    epoch_cost: float = 0.002
    frame_cost: float = 0.003
    thumbs: tuple | None = None


# --- frames ------------------------------------------------------------------------------------------

def _quantise(values) -> np.ndarray:
    """Values in [−1, 1] (clipped) as uint8 0–255."""
    return np.rint((np.clip(values, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)


def _mode(trainer: Trainer) -> str:
    if trainer.data.task == "regression":
        return "regression"
    return "multi" if trainer.out_act == "softmax" else "binary"


def encode_frame(trainer: Trainer, grid: GridPass) -> tuple[dict, bytes]:
    """One frame: its header entry and its bytes (output grid, hidden thumbnails, weights)."""
    m = trainer.metrics
    meta = {"epoch": trainer.epoch, "train_loss": _num(m[0]), "test_loss": _num(m[1]),
            "train_acc": _num(m[2]), "test_acc": _num(m[3])}
    if trainer.out_act == "softmax":
        probs = grid.output
        parts = [np.argmax(probs, axis=0).astype(np.uint8).tobytes(),
                 np.rint(np.max(probs, axis=0) * 255).astype(np.uint8).tobytes()]
    elif trainer.out_act == "sigmoid":
        parts = [_quantise(2.0 * grid.output[0] - 1.0).tobytes()]
    else:  # tanh (two classes) and linear (regression) are already on the colour scale [−1, 1]
        parts = [_quantise(grid.output[0]).tobytes()]
    s = THUMB_STRIDE
    for maps in grid.hidden:
        parts.append(_quantise(maps[:, ::s, ::s]).tobytes())
    parts.append(np.concatenate([W.ravel() for W in trainer.W]).astype(np.float32).tobytes())
    return meta, b"".join(parts)


def _num(x) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def text_scale() -> float:
    """How much larger the canvas draws its text: in presenter mode as much as a chart's (12 px ticks become
    21.6 px on screen: the canvas is inside the page's zoom already), else 1."""
    from nnviz.ui import presenter

    return presenter.FONT_SCALE / presenter.ZOOM if presenter.is_on() else 1.0


def capture(trainer: Trainer) -> tuple[dict, bytes]:
    """The current state as one frame (one grid pass)."""
    return encode_frame(trainer, trainer.grid_pass())


def play_tick(trainer: Trainer, seconds: float, max_frames: int = MAX_FRAMES,
              epochs_per_frame: int | None = None, stream: Stream | None = None) -> list[tuple[dict, bytes]]:
    """Train for about ``seconds`` and return up to ``max_frames`` evenly spaced frames.

    ``seconds`` is CPU time. The epoch and frame costs are running averages
    of this thread's CPU time, kept in ``stream``, so a tick sizes its work
    before starting it and never overruns its budget by much, however busy
    the process is (wall-clock costs grow with every other session and
    shrank the work in a feedback loop: 5 epochs/s each for 10 sessions).
    ``epochs_per_frame`` fixes the pace instead (1 = TensorFlow Playground's).
    One session computes at a time (``_COMPUTING``).
    """
    with _COMPUTING, threadpool_limits(1, user_api="blas"):
        return _play_tick(trainer, seconds, max_frames, epochs_per_frame, stream or Stream())


def _play_tick(trainer, seconds, max_frames, epochs_per_frame, stream: Stream):
    frames = max(1, min(max_frames, int(seconds * 0.5 / stream.frame_cost)))
    if epochs_per_frame:
        total = frames * int(epochs_per_frame)
    else:
        total = max(1, int((seconds - frames * stream.frame_cost) / stream.epoch_cost))
        frames = min(frames, total)
    out = []
    done_before = 0
    for i in range(frames):
        goal = round((i + 1) * total / frames)
        start = time.thread_time()
        trained = trainer.run(goal - done_before)
        if trained:
            stream.epoch_cost = 0.8 * stream.epoch_cost + 0.2 * (time.thread_time() - start) / trained
        done_before = goal
        start = time.thread_time()
        out.append(capture(trainer))
        stream.frame_cost = 0.8 * stream.frame_cost + 0.2 * (time.thread_time() - start)
        if trainer.finished:
            break
    return out


def play_frames(trainer: Trainer, stream: Stream, session: str, request: Request,
                one_per_frame: bool = False) -> list[tuple[dict, bytes]]:
    """A playing tick's frames: ``session``'s fair share of the core (it counts as playing, see
    :func:`heartbeat`) trained into at most as many frames as ``request``'s link carries in time;
    ``one_per_frame``: TensorFlow Playground's pace instead of as many epochs as the share holds. The stream's
    pace notes the tick and decides whether the next batch goes compressed."""
    n_playing = heartbeat(session)
    if stream.pace is None:
        stream.pace = Pace(tick_interval(n_playing))
    pace = stream.pace
    pace.interval = tick_interval(n_playing)  # a big class ticks less often
    pace.tick(link=request.link)
    seconds, n_frames = pace.plan(n_playing)
    frames = play_tick(trainer, seconds, max_frames=min(n_frames, request.frames),
                       epochs_per_frame=1 if one_per_frame else None, stream=stream)
    pace.deflate = deflate_for(request, pace.interval, pace.deflate)
    return frames


@dataclass(frozen=True)
class Request:
    """The canvas's request for the next batch (its ``tick`` trigger): its number, the most frames its
    link carries in time, and the seconds its link took for the last batch."""

    n: int | None = None
    frames: int = MAX_FRAMES_LATE
    link: float = 0.0


def asked(value) -> Request:
    """The request in the canvas's ``tick`` trigger value; ``Request()`` when this run was not asked for by
    the canvas (a full run, a click), and bounded defaults for anything malformed."""
    if not isinstance(value, dict):
        return Request()

    def number(x) -> bool:
        return isinstance(x, (int, float)) and not isinstance(x, bool) and np.isfinite(x)

    n, frames, link = value.get("n"), value.get("frames"), value.get("link")
    return Request(n=int(n) if number(n) and n == int(n) else None,
                   frames=int(min(MAX_FRAMES_LATE, max(1, frames))) if number(frames) else MAX_FRAMES_LATE,
                   link=float(min(2 * MAX_TICK_SECONDS, max(0.0, link))) if number(link) else 0.0)


# A link that took more than this share of the tick interval for its last batch gets the next one
# compressed (zlib level 1: 1.5 to 3 times fewer bytes, 0.1–0.3 ms of the server's time per frame); a fast link,
# where the bytes cost nothing, never pays for it. Once compressing, half the share keeps it so (a link
# near the threshold would otherwise alternate, each compressed batch making the link look fast).
DEFLATE_LINK_SHARE = 0.25


def deflate_for(request: Request, interval: float, deflating: bool = False) -> bool:
    """Whether to compress the batch answering ``request``: its link, not the server, is the bottleneck."""
    share = DEFLATE_LINK_SHARE / 2 if deflating else DEFLATE_LINK_SHARE
    return request.n is not None and request.link > share * interval


def payload(trainer: Trainer, frames: list[tuple[dict, bytes]], *, run: str, replace: bool, discretize: bool,
            show_test: bool, highlight_wrong: bool, add_class: int = -1, caption: str = "",
            next_tick: float | None = None, answers: int | None = None, history: bool = True,
            server_ms: float = 0.0, deflate: bool = False, stream: Stream | None = None,
            text_scale: float = 1.0) -> bytes:
    """Everything the browser needs for a batch of frames, as one bytes object.

    ``next_tick``: seconds after its last request that the browser asks for the next batch (None: paused);
    ``answers``: the request this batch answers; ``history``: whether to include the loss history (a
    canvas asking for the next batch already has it); ``server_ms``: the tick's time on the server so far,
    which the browser subtracts from its round trip to see how long its link took; ``deflate``: compress
    the binary part (zlib; the header's offsets count the uncompressed bytes); ``stream``: the session's
    canvas state (its thumbnails of the input features are drawn once per grid). The header also carries
    CONSTANTS, which the canvas reads instead of keeping copies of its own; ``text_scale``: the size of the
    canvas's text (tick labels, the network's labels) over its usual size (see :func:`text_scale`)."""
    data = trainer.data
    Xtr, Xte = data.X_train, data.X_test
    X = np.concatenate([Xtr, Xte]).astype(np.float32)
    if data.task == "regression":
        labels = _quantise(np.concatenate([data.y_train, data.y_test]))
        wrong = np.zeros(len(X), bool)
    else:
        labels = np.concatenate([data.y_train, data.y_test]).astype(np.uint8)
        wrong = np.zeros(len(X), bool)
        if len(X):
            wrong = trainer.predict(np.concatenate([Xtr, Xte])) != labels
    flags = (np.r_[np.zeros(len(Xtr), np.uint8), np.ones(len(Xte), np.uint8)] | (wrong.astype(np.uint8) << 1))
    grid_inputs = trainer.grid_inputs()[3]
    r = int(np.sqrt(len(grid_inputs)))
    stream = stream or Stream()
    if stream.thumbs is None or stream.thumbs[0] is not grid_inputs:  # they change only with the grid
        scale = np.max(np.abs(grid_inputs), axis=0)
        scale[scale == 0] = 1.0
        maps = (grid_inputs / scale).T.reshape(-1, r, r)[:, ::THUMB_STRIDE, ::THUMB_STRIDE]
        stream.thumbs = (grid_inputs, _quantise(maps).tobytes())
    body = [stream.thumbs[1]]
    inputs_len = len(body[0])
    points = X.tobytes() + labels.tobytes() + flags.astype(np.uint8).tobytes()
    body.append(points)
    offset = inputs_len + len(points)
    metas = []
    for meta, blob in frames:
        metas.append({**meta, "offset": offset})
        body.append(blob)
        offset += len(blob)
    h = trainer.history
    step = max(1, len(h.epoch) // 300)
    losses = ([[e, _num(a), _num(b)] for e, a, b in zip(h.epoch[::step], h.train_loss[::step], h.test_loss[::step])]
              if history else None)
    header = {
        "run": run, "replace": replace, "res": r, "thumb": len(range(0, r, THUMB_STRIDE)),
        "extent": list(data.extent), "mode": _mode(trainer), "n_classes": data.n_classes,
        "sizes": list(trainer.sizes), "feature_labels": [_LABELS[f] for f in trainer.config.features],
        "n_hidden": int(sum(trainer.sizes[1:-1])), "n_weights": int(sum(W.size for W in trainer.W)),
        "discretize": bool(discretize), "show_test": bool(show_test), "highlight_wrong": bool(highlight_wrong),
        "add_class": int(add_class), "caption": caption, "stopped": trainer.stop_reason,
        "inputs_offset": 0, "points_offset": inputs_len, "n_points": int(len(X)),
        "frames": metas, "history": losses,
        "next": next_tick, "answers": answers, "server_ms": round(float(server_ms), 1),
        "deflate": bool(deflate), "constants": CONSTANTS, "text_scale": float(text_scale),
    }
    head = json.dumps(header).encode()
    raw = b"".join(body)
    return len(head).to_bytes(4, "little") + head + (zlib.compress(raw, 1) if deflate else raw)


_LABELS = {name: label for name, (label, _) in _FEATURES.items()}


def canvas(data: bytes, key: str, on_point=None):
    """Mount (once) or update the live canvas; returns the component's result (``.point`` after a click).

    ``on_point`` runs before the rerun a click on the output causes; ``st.session_state[key].point``
    then holds ``{"x", "y", "label", "n"}``. While playing, ``st.session_state[key].tick`` holds the
    browser's request for the next batch, ``{"n", "frames"}`` (see :func:`asked`), in the run it caused.
    """
    return _component(data=data, key=key, on_point_change=on_point or (lambda: None), on_tick_change=lambda: None)
