"""Figures for the gradient-descent page: steps on a curve, optimizers racing on a contour, the
arrow view of one step, the learning-rate sweep and stochastic paths.

Animations are Plotly frames played by the browser (▶ / ❚❚ and a step slider
inside the figure): no server round trip per frame. Long runs are sampled to at
most ``MAX_FRAMES`` frames so the figure stays small.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib

import numpy as np
import plotly.colors
import plotly.graph_objects as go

from nnviz import descent, optimizers, surfaces
from nnviz.charts import palette, spec

MAX_FRAMES = 30
MAX_FRAMES_1D = 61  # one weight: every step of a default run gets its frame
MAX_TRAIL = 40
COLOURS = {"sgd": palette.BLUE, "momentum": palette.ORANGE, "nesterov": palette.GREEN,
           "adagrad": palette.VERMILION, "rmsprop": palette.PURPLE, "adam": palette.SKY}
# The mini-batch paths: full batch, 1, 8, 32.
BATCH_COLOURS = (COLOURS["sgd"], COLOURS["adagrad"], COLOURS["momentum"], COLOURS["nesterov"])


# Legends sit in a row under the title (the house default puts them over the title's right end), or inside
# a corner the data leave empty when the chart is narrow.
LEGEND_TOP = dict(orientation="h", x=0.0, xanchor="left", y=1.02, yanchor="bottom")
# In rows under the plot (below the axis title), where the page's own background keeps it readable.
LEGEND_BELOW = dict(orientation="h", x=0.0, xanchor="left", y=-0.16, yanchor="top")


def _legend_inside(x: float, y: float) -> dict:
    return dict(orientation="v", x=x, y=y, xanchor="right" if x > 0.5 else "left",
                yanchor="top" if y > 0.5 else "bottom", bgcolor=palette.LEGEND_BG)


def _frame_steps(n_points: int, max_frames: int | None = None) -> list[int]:
    """Which point indices get a frame: all of them for short runs, evenly spaced otherwise (last included)."""
    max_frames = MAX_FRAMES if max_frames is None else max_frames
    if n_points <= max_frames:
        return list(range(n_points))
    return sorted(set(np.linspace(0, n_points - 1, max_frames).round().astype(int).tolist()))


def _sampled(a: np.ndarray, upto: int, most: int = MAX_TRAIL) -> np.ndarray:
    """Points 0 … upto of ``a``, thinned to at most ``most`` (first and last kept)."""
    a = a[: upto + 1]
    if len(a) <= most:
        return a
    keep = np.unique(np.linspace(0, len(a) - 1, most).round().astype(int))
    return a[keep]


def _player(steps: list[int], frame_ms: int, prefix: str = "step ", redraw: bool = False) -> dict:
    """▶ / ❚❚ buttons and a step slider; ``redraw`` for figures with a contour, which a redraw-free
    animation step erases in Plotly.js."""
    play = dict(frame=dict(duration=frame_ms, redraw=redraw), transition=dict(duration=0), fromcurrent=True,
                mode="immediate")
    pause = dict(frame=dict(duration=0, redraw=False), mode="immediate", transition=dict(duration=0))
    jump = dict(frame=dict(duration=0, redraw=redraw), mode="immediate", transition=dict(duration=0))
    return dict(
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=-0.2, xanchor="left", yanchor="top",
                          showactive=False, pad=dict(t=0, r=10),
                          buttons=[dict(label="▶ Play", method="animate", args=[None, play]),
                                   dict(label="❚❚ Pause", method="animate", args=[[None], pause])])],
        sliders=[dict(active=len(steps) - 1, x=0.3, len=0.7, y=-0.15, yanchor="top", pad=dict(t=0),
                      currentvalue=dict(prefix=prefix, font=dict(size=13), xanchor="right"),
                      steps=[dict(label=str(s), method="animate", args=[[str(s)], jump]) for s in steps])],
    )


def _list(a):
    """Numbers for a figure, exactly as computed.

    Long arrays go in Plotly's typed-array form (``{"dtype": "f8", "bdata": base64}``), which is what
    plotly.py would send anyway; built here once, a figure copies and serialises in a fraction of the
    time on every rerun (``go.Figure.to_dict`` deep-copies and re-encodes NumPy arrays each call).
    Short ones stay plain lists.
    """
    a = np.ascontiguousarray(a, dtype=np.float64)
    if a.size < 8:
        return a.tolist()
    out = {"dtype": "f8", "bdata": base64.b64encode(a.tobytes()).decode("ascii")}
    if a.ndim > 1:
        out["shape"] = ", ".join(str(n) for n in a.shape)
    return out


def decode(values) -> np.ndarray:
    """The numbers of a figure property as an array (a plain list or Plotly's typed-array form)."""
    if isinstance(values, dict) and "bdata" in values:
        a = np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]))
        if "shape" in values:
            a = a.reshape([int(n) for n in str(values["shape"]).split(",")])
        return a
    return np.asarray(values, dtype=float)


# ---------------------------------------------------------------------------- one weight
def steps_on_curve(w_grid, c_grid, trajectory, costs, tangents, minima, title: str,
                   y_range: tuple[float, float], frame_ms: int = 350) -> go.Figure:
    """C(w) with the descent drawn on it: every point, the jumps, and the tangent at the current point.

    ``trajectory`` (k + 1,) weights, ``costs`` their C, ``tangents`` (k + 1, 2, 2) as from
    :func:`nnviz.descent.tangents`; ``minima`` a list of (w, C, label).
    The figure opens on the last step; ▶ replays the run from the start.
    """
    w = np.asarray(trajectory, dtype=float)
    c = np.asarray(costs, dtype=float)
    last = len(w) - 1
    steps = _frame_steps(len(w), MAX_FRAMES_1D)

    def path(i):
        return dict(type="scatter", x=_list(w[: i + 1]), y=_list(c[: i + 1]))

    def tangent(i):
        return dict(type="scatter", x=_list(tangents[i][0]), y=_list(tangents[i][1]))

    def head(i):
        return dict(type="scatter", x=[float(w[i])], y=[float(c[i])])

    data = [
        dict(type="scatter", x=_list(w_grid), y=_list(c_grid), mode="lines", name="C(w)",
             line=dict(color=palette.GREY, width=3), hoverinfo="skip"),
        dict(path(last), mode="lines+markers", name="steps", line=dict(color=palette.BLUE, width=1.5),
             marker=dict(size=7, color=palette.BLUE),
             hovertemplate="w=%{x:.4g}<br>C=%{y:.4g}<extra></extra>"),
        dict(tangent(last), mode="lines", name="tangent (slope C′(w))",
             line=dict(color=palette.ORANGE, width=3, dash="dash"), hoverinfo="skip"),
        dict(head(last), mode="markers", name="current w", hoverinfo="skip",
             marker=dict(size=15, color=palette.ORANGE, line=dict(width=2, color=palette.BLACK))),
        dict(type="scatter", x=[m[0] for m in minima], y=[m[1] for m in minima], mode="markers+text",
             text=[m[2] for m in minima], textposition="bottom center", name="minima",
             marker=dict(symbol="star", size=14, color=palette.GREEN, line=dict(width=1, color=palette.BLACK))),
    ]
    frames = [dict(name=str(i), traces=[1, 2, 3], data=[path(i), tangent(i), head(i)],
                   layout=dict(title=dict(text=f"{title}: step {i}, w = {w[i]:.4g}, C = {c[i]:.4g}")))
              for i in steps]
    layout = spec.layout(f"{title}: step {last}, w = {w[last]:.4g}, C = {c[last]:.4g}", "weight w", "cost C(w)",
                         height=520, margin=dict(b=140, t=60),
                         legend=dict(orientation="v", x=0.5, xanchor="center", y=0.99, yanchor="top",
                                     bgcolor=palette.LEGEND_BG),
                         xaxis=dict(range=[float(w_grid[0]), float(w_grid[-1])]),
                         yaxis=dict(range=list(y_range)), **_player(steps, frame_ms))
    return spec.figure(data, layout, frames)


def cost_per_step(series: list[dict], title: str = "Cost per step", log_y: bool = True,
                  y_title: str = "C − C_min (log scale)") -> go.Figure:
    """One line per run: ``series`` items have ``name``, ``values``, ``colour`` and optional ``diverged_at``.

    A run that diverged ends with a cross and the words "diverged at step k".
    """
    data, annotations = [], []
    for s in series:
        values = np.asarray(s["values"], dtype=float)
        data.append(dict(type="scatter", x=list(range(len(values))), y=_list(values), mode="lines",
                         name=s["name"], line=dict(color=s.get("colour"), width=2),
                         hovertemplate=s["name"] + ": step %{x}, %{y:.4g}<extra></extra>"))
        if s.get("diverged_at") is not None and len(values):
            data.append(dict(type="scatter", x=[len(values) - 1], y=[float(values[-1])], mode="markers",
                             showlegend=False, hoverinfo="skip",
                             marker=dict(symbol="x", size=14, color=palette.VERMILION)))
            # A diverging run climbs to the top right: its note goes to the left of its last point, level
            # with it (above the climbing line), and the legend to the bottom right, which the line leaves empty.
            annotations.append(dict(x=len(values) - 1, y=float(np.log10(values[-1])) if log_y else float(values[-1]),
                                    text=f"{s['name']}: diverged at step {s['diverged_at']}", showarrow=True,
                                    arrowhead=2, ax=-40, ay=0, xanchor="right", arrowcolor=palette.VERMILION,
                                    font=dict(size=12), bordercolor=palette.VERMILION, borderwidth=1,
                                    bgcolor=palette.LEGEND_BG))
    diverged = any(s.get("diverged_at") is not None for s in series)
    layout = spec.layout(title, "step", y_title, height=380, annotations=annotations,
                         legend=_legend_inside(0.99, 0.02 if diverged else 0.99), margin=dict(t=50),
                         yaxis=dict(type="log" if log_y else "linear", exponentformat="power",
                                    dtick=1 if log_y else None))
    return spec.figure(data, layout)


# ---------------------------------------------------------------------------- two weights
def _contour(xs, ys, Z, label: str, opacity: float = 1.0) -> dict:
    return dict(type="contour", x=_list(xs), y=_list(ys), z=_list(Z),
                colorscale="Viridis", reversescale=False, ncontours=25, opacity=opacity,
                contours=dict(coloring="heatmap", showlines=True), line=dict(width=0.5, color="white"),
                colorbar=dict(title=dict(text=label), thickness=12),
                hovertemplate="x=%{x:.3f}<br>y=%{y:.3f}<br>" + label + "=%{z:.3f}<extra></extra>")



def _png(rgb: np.ndarray) -> str:
    """An (h, w, 3) uint8 image as a PNG data URI (stdlib only)."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[row].tobytes() for row in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


VIRIDIS = plotly.colors.sequential.Viridis
BANDS = 25


def _viridis_rgb(t: np.ndarray) -> np.ndarray:
    """Viridis colours for values t in [0, 1], as uint8 RGB."""
    stops = np.array([plotly.colors.hex_to_rgb(c) for c in VIRIDIS], dtype=float)
    position = np.clip(t, 0.0, 1.0) * (len(stops) - 1)
    low = np.minimum(position.astype(int), len(stops) - 2)
    frac = (position - low)[..., None]
    return np.round(stops[low] * (1 - frac) + stops[low + 1] * frac).astype(np.uint8)


_BACKGROUNDS: dict = {}


def background(xs, ys, Z, label: str) -> tuple[dict, dict]:
    """The cost map as a banded picture under the plot (a layout image) and a colour bar for it.

    An animated figure cannot keep a contour trace: Plotly.js erases contour and heatmap layers on
    every animation frame, so the race shows the same 25 colour bands as a picture, which frames
    never touch. Returns ``(layout_image, colourbar_trace)``; the same map gives the same (shared,
    not to be mutated) dicts without redrawing the picture, since a new race on an old surface is common.
    """
    Z = np.asarray(Z, dtype=float)
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    key = (label, hashlib.blake2b(b"".join(a.tobytes() for a in (xs, ys, Z)) + str(Z.shape).encode(),
                                  digest_size=16).digest())
    if key not in _BACKGROUNDS:
        if len(_BACKGROUNDS) >= 32:
            _BACKGROUNDS.clear()
        _BACKGROUNDS[key] = _draw_background(xs, ys, Z, label)
    return _BACKGROUNDS[key]


def _draw_background(xs, ys, Z, label: str) -> tuple[dict, dict]:
    lo, hi = float(Z.min()), float(Z.max())
    span = hi - lo if hi > lo else 1.0
    band = np.minimum(np.floor((Z - lo) / span * BANDS), BANDS - 1)
    rgb = _viridis_rgb((band + 0.5) / BANDS)[::-1]  # image rows run top (high y) to bottom
    image = dict(source=_png(np.ascontiguousarray(rgb)), xref="x", yref="y", x=float(xs[0]), y=float(ys[-1]),
                 sizex=float(xs[-1] - xs[0]), sizey=float(ys[-1] - ys[0]), sizing="stretch", layer="below")
    bar = dict(type="scatter", x=[float(xs[0])], y=[float(ys[0])], mode="markers", showlegend=False,
               hoverinfo="skip", marker=dict(size=0.1, opacity=0, color=[lo], cmin=lo, cmax=hi,
                                             colorscale="Viridis", showscale=True,
                                             colorbar=dict(title=dict(text=label), thickness=12)))
    return image, bar


def _marks(minima, saddles) -> list[dict]:
    out = [dict(type="scatter", x=[m[0] for m in minima], y=[m[1] for m in minima], mode="markers",
                name="minimum", hovertemplate="minimum (%{x:.3f}, %{y:.3f})<extra></extra>",
                marker=dict(symbol="star", size=16, color=palette.YELLOW, line=dict(width=1.5, color=palette.BLACK)))]
    if saddles:
        out.append(dict(type="scatter", x=[m[0] for m in saddles], y=[m[1] for m in saddles], mode="markers",
                        name="saddle point", hovertemplate="saddle (%{x:.3f}, %{y:.3f})<extra></extra>",
                        marker=dict(symbol="diamond-open", size=14, color="white", line=dict(width=2))))
    return out


def click_grid(bounds, n: int = 25) -> dict:
    """An invisible lattice of points over the plot: clicking near one selects it (Plotly cannot select
    a point of a contour itself), which the page turns into a new start."""
    (x0, x1), (y0, y1) = bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return dict(type="scatter", x=_list(X.ravel().round(4)), y=_list(Y.ravel().round(4)), mode="markers",
                name="click to start here", showlegend=False,
                marker=dict(size=12, color="rgba(0,0,0,0)"), selected=dict(marker=dict(opacity=0)),
                unselected=dict(marker=dict(opacity=0)),
                hovertemplate="start here: (%{x:.2f}, %{y:.2f})<extra></extra>")


def race(xs, ys, Z, label: str, bounds, minima, saddles, runs: list[dict], title: str,
         clickable: bool = False, frame_ms: int = 120) -> go.Figure:
    """Optimizers racing from one start on a contour map, played by Plotly frames.

    ``runs`` items have ``name``, ``colour``, ``trajectory`` (k + 1, 2) and optional
    ``diverged_at``. Each run's trail grows frame by frame; runs that stop
    early (diverged) stay at their last point.
    """
    (x0, x1), (y0, y1) = bounds
    longest = max((len(r["trajectory"]) for r in runs), default=1)
    steps = _frame_steps(longest)
    image, bar = background(xs, ys, Z, label)
    data = [bar] + _marks(minima, saddles)
    if clickable:
        data.append(click_grid(bounds))
    if runs:
        start = np.asarray(runs[0]["trajectory"][0], dtype=float)
        data.append(dict(type="scatter", x=[float(start[0])], y=[float(start[1])], mode="markers", name="start",
                         marker=dict(symbol="circle", size=13, color="white", line=dict(width=2.5, color=palette.BLACK)),
                         hovertemplate="start (%{x:.3f}, %{y:.3f})<extra></extra>"))

    last = longest - 1
    for r in runs:
        gone = r.get("diverged_at")
        t = np.asarray(r["trajectory"], dtype=float)
        name = r["name"] + (f" (diverged at step {gone})" if gone is not None else "")
        # the whole path, faint, at full resolution; the frames move the racers along it
        data.append(dict(type="scatter", x=_list(t[:, 0]), y=_list(t[:, 1]), mode="lines", name=name,
                         legendgroup=r["name"], line=dict(color=r["colour"], width=1.5), opacity=0.5,
                         hovertemplate=r["name"] + ": (%{x:.3f}, %{y:.3f})<extra></extra>"))

    # All runs in one marker trace (a trail of dots and a big head each), coloured through a stepped
    # colour scale by run number: one trace of numeric arrays per frame keeps the figure light to send.
    n_runs = max(len(runs), 1)
    scale = []
    for k, r in enumerate(runs):
        scale += [[k / n_runs, r["colour"]], [(k + 1) / n_runs, r["colour"]]]

    def racers(i):
        # A fixed number of points per run (a trail of MAX_TRAIL dots ending in a big head), so colours
        # and sizes are set once and each frame carries only x and y.
        xs_, ys_ = [], []
        for r in runs:
            t = np.asarray(r["trajectory"], dtype=float)
            upto = min(i, len(t) - 1)
            pick = np.linspace(0, upto, MAX_TRAIL).round().astype(int)
            xs_.append(t[pick, 0])
            ys_.append(t[pick, 1])
        if not runs:
            return dict(type="scatter", x=[], y=[])
        return dict(type="scatter", x=_list(np.concatenate(xs_)), y=_list(np.concatenate(ys_)))

    index = len(data)
    colours = np.repeat(np.arange(len(runs)) + 0.5, MAX_TRAIL)
    sizes = np.tile(np.r_[np.full(MAX_TRAIL - 1, 5.0), 14.0], len(runs))
    data.append(dict(racers(last), mode="markers", name="racers", showlegend=False, hoverinfo="skip",
                     marker=dict(color=colours, size=sizes, colorscale=scale or None, cmin=0, cmax=n_runs,
                                 showscale=False, line=dict(width=1, color=palette.BLACK))))
    # No layout in the frames: a layout change during a redraw-free animation wipes the contour layer.
    frames = [dict(name=str(i), traces=[index], data=[racers(i)]) for i in steps]
    layout = spec.layout(title, "x (weight 1)", "y (weight 2)", height=640,
                         margin=dict(b=140, t=140), legend=LEGEND_TOP,
                         xaxis=dict(range=[x0, x1], constrain="domain", showgrid=False, zeroline=False),
                         yaxis=dict(range=[y0, y1], showgrid=False, zeroline=False), images=[image],
                         **_player(steps, frame_ms))
    if clickable:
        layout["clickmode"] = "event+select"
        layout["dragmode"] = "pan"
        layout["hovermode"] = "closest"
    return spec.figure(data, layout, frames)


def race_3d(xs, ys, Z, label: str, runs: list[dict], title: str) -> go.Figure:
    """The same race on the 3-D surface (no animation: drag to turn it). ``runs`` items also carry ``shown``,
    the heights of their points on the same scale as ``Z``."""
    data = [dict(type="surface", x=_list(xs), y=_list(ys), z=_list(Z),
                 colorscale="Viridis", opacity=0.85, showscale=True,
                 colorbar=dict(title=dict(text=label), thickness=12))]
    for r in runs:
        t = _sampled(np.asarray(r["trajectory"], dtype=float), len(r["trajectory"]) - 1)
        z = _sampled(np.asarray(r["shown"], dtype=float), len(r["shown"]) - 1)
        data.append(dict(type="scatter3d", x=_list(t[:, 0]), y=_list(t[:, 1]), z=_list(z), mode="lines+markers",
                         name=r["name"], line=dict(color=r["colour"], width=6), marker=dict(size=2.5,
                                                                                          color=r["colour"])))
    layout = spec.layout(title, "", "", height=600, legend=LEGEND_TOP, margin=dict(t=95),
                         scene=dict(xaxis=dict(title=dict(text="x")), yaxis=dict(title=dict(text="y")),
                                    zaxis=dict(title=dict(text=label))))
    return spec.figure(data, layout)


def arrow_view(xs, ys, Z, label: str, arrows, optimizer_label: str, colour: str) -> go.Figure:
    """One step of one optimizer up close: −η∇C, the momentum it carried, and the update actually taken."""
    p = np.asarray(arrows.point, dtype=float)
    vectors = [("−η∇C  (gradient step)", arrows.gradient_step, palette.VERMILION)]
    if arrows.momentum is not None:
        vectors.append(("momentum (memory)", arrows.momentum, palette.PURPLE))
    vectors.append(("actual update", arrows.update, palette.BLACK))
    reach = max([float(np.linalg.norm(v)) for _, v, _ in vectors] + [1e-12])
    half = 1.6 * reach
    data = [dict(_contour(xs, ys, Z, label, opacity=0.8), showscale=False)]
    annotations = []
    for name, v, c in vectors:
        end = p + np.asarray(v, dtype=float)
        annotations.append(dict(x=float(end[0]), y=float(end[1]), ax=float(p[0]), ay=float(p[1]),
                                xref="x", yref="y", axref="x", ayref="y", showarrow=True, arrowhead=3,
                                arrowsize=1.3, arrowwidth=3, arrowcolor=c, text=""))
        # a legend entry per arrow (annotations have none)
        data.append(dict(type="scatter", x=[float(p[0]), float(end[0])], y=[float(p[1]), float(end[1])],
                         mode="lines", name=f"{name}: ({v[0]:.3g}, {v[1]:.3g})",
                         line=dict(color=c, width=3), hoverinfo="skip"))
    data.append(dict(type="scatter", x=[float(p[0])], y=[float(p[1])], mode="markers", name="point before the step",
                     marker=dict(size=12, color=colour, line=dict(width=2, color=palette.BLACK))))
    layout = spec.layout(f"{optimizer_label}, step {arrows.step}: what the step is made of", "x", "y", height=560,
                         annotations=annotations, margin=dict(t=60, r=10, b=150),
                         legend=dict(orientation="v", x=0.0, xanchor="left", y=-0.14, yanchor="top"),
                         xaxis=dict(range=[float(p[0] - half), float(p[0] + half)]),
                         yaxis=dict(range=[float(p[1] - half), float(p[1] + half)], scaleanchor="x", scaleratio=1))
    return spec.figure(data, layout)


def lr_sweep(learning_rates, final_gaps, diverged, title: str, bound: float | None = None,
             y_title: str = "final C − C_min (log scale)") -> go.Figure:
    """Final cost after N steps against the learning rate (both log): the learning-rate range test.

    Diverged learning rates are drawn as red crosses along the top; the first one is marked.
    """
    lr = np.asarray(learning_rates, dtype=float)
    gaps = np.asarray(final_gaps, dtype=float)
    bad = np.asarray(diverged, dtype=bool)
    good = ~bad
    top = float(gaps[good].max()) * 10 if good.any() else 1.0
    data = [dict(type="scatter", x=_list(lr[good]), y=_list(gaps[good]), mode="lines+markers", name="finished",
                 line=dict(color=palette.BLUE, width=2),
                 hovertemplate="η=%{x:.3g}<br>final C − C_min=%{y:.3g}<extra></extra>"),
            dict(type="scatter", x=_list(lr[bad]), y=[top] * int(bad.sum()), mode="markers", name="diverged",
                 marker=dict(symbol="x", size=11, color=palette.VERMILION),
                 hovertemplate="η=%{x:.3g}: diverged<extra></extra>")]
    shapes, annotations = [], []
    if bad.any():
        first = float(lr[np.flatnonzero(bad)[0]])
        shapes.append(dict(type="line", x0=first, x1=first, y0=0, y1=1, yref="paper",
                           line=dict(color=palette.VERMILION, dash="dash")))
        annotations.append(dict(x=np.log10(first), y=1, yref="paper", text=f"diverges from η = {first:.3g}",
                                showarrow=False, xanchor="right", yanchor="bottom", font=dict(size=12),
                                bordercolor=palette.VERMILION, borderwidth=1))
    if bound is not None:
        shapes.append(dict(type="line", x0=bound, x1=bound, y0=0, y1=1, yref="paper",
                           line=dict(color=palette.GREEN, dash="dot")))
        annotations.append(dict(x=np.log10(bound), y=0.0, yref="paper", text=f"2/C'' = {bound:.3g}",
                                showarrow=False, xanchor="left", yanchor="bottom", font=dict(size=12),
                                bordercolor=palette.GREEN, borderwidth=1))
    layout = spec.layout(title, "learning rate η (log scale)", y_title, height=400, shapes=shapes,
                         annotations=annotations, margin=dict(t=70), legend=_legend_inside(0.99, 0.02),
                         xaxis=dict(type="log", exponentformat="power", dtick=1),
                         yaxis=dict(type="log", exponentformat="power", dtick=1))
    return spec.figure(data, layout)


def stochastic_paths(xs, ys, Z, runs: list[dict], minimum, title: str) -> go.Figure:
    """Full-batch and mini-batch descent on the regression cost: ``runs`` items have ``name``, ``colour``,
    ``trajectory`` (k + 1, 2) and optional ``diverged_at``."""
    (x0, x1), (y0, y1) = (float(xs[0]), float(xs[-1])), (float(ys[0]), float(ys[-1]))
    data = [_contour(xs, ys, Z, "C(w, b)"),
            dict(type="scatter", x=[float(minimum[0])], y=[float(minimum[1])], mode="markers",
                 name="least squares", marker=dict(symbol="star", size=16, color=palette.YELLOW,
                                                   line=dict(width=1.5, color=palette.BLACK)))]
    # Drawn last to first so the first run (the full batch, the smoothest path) stays visible on top.
    for rank, r in reversed(list(enumerate(runs))):
        t = np.asarray(r["trajectory"], dtype=float)
        name = r["name"] + (f" (diverged at step {r['diverged_at']})" if r.get("diverged_at") is not None else "")
        data.append(dict(type="scatter", x=_list(t[:, 0]), y=_list(t[:, 1]), mode="lines+markers", name=name,
                         legendrank=1000 + rank,
                         line=dict(color=r["colour"], width=2.5 if rank == 0 else 1.5),
                         marker=dict(size=3, color=r["colour"]),
                         hovertemplate=r["name"] + ": w=%{x:.3f}, b=%{y:.3f}<extra></extra>"))
    # The legend under the plot, on the page's own background: over the dark contour its text was unreadable.
    layout = spec.layout(title, "slope w", "intercept b", height=600, legend=LEGEND_BELOW,
                         margin=dict(t=50, b=120),
                         xaxis=dict(range=[x0, x1], constrain="domain"), yaxis=dict(range=[y0, y1]))
    return spec.figure(data, layout)



# ---------------------------------------------------------------------------- the page's figures from its results
def curve_figures(result: descent.Run) -> tuple[go.Figure, go.Figure]:
    """One weight: the steps of ``result`` on its cost curve, and C − C_min per step."""
    s = surfaces.get(result.surface)
    w_grid, c_grid = surfaces.grid(s.name, 301)
    minima = ([(m[0], s.cost(m), "global minimum") for m in s.minima]
              + [(m[0], s.cost(m), "local minimum") for m in s.local_minima])
    span = (s.bounds[0][1] - s.bounds[0][0]) * 0.06
    curve = steps_on_curve(w_grid, c_grid, result.trajectory[:, 0], result.costs, descent.tangents(result, span),
                           minima, s.short_label, (float(c_grid.min()), float(c_grid.max())))
    per_step = cost_per_step([dict(name="C(w) − C_min", values=descent.cost_gap(result, s), colour=COLOURS["sgd"],
                                   diverged_at=result.diverged_at)], title="Cost per step")
    return curve, per_step


def race_figures(surface: str, runs, show_3d: bool = False) -> tuple[go.Figure, go.Figure]:
    """The optimizers' ``runs`` racing on ``surface`` (a contour map to click, or the 3-D surface), and their
    cost per step."""
    s = surfaces.get(surface)
    xs, ys, Z, label = surfaces.contour_grid(s.name, 61 if show_3d else 201)
    items = [dict(name=optimizers.LABELS[r.optimizer], colour=COLOURS[r.optimizer], trajectory=r.trajectory,
                  diverged_at=r.diverged_at, shown=surfaces.shown_height(s, r.costs), values=descent.cost_gap(r, s))
             for r in runs]
    title = f"{s.label}: the optimizers race"
    if show_3d:
        fig = race_3d(xs, ys, Z, label, items, title)
    else:
        fig = race(xs, ys, Z, label, s.bounds, s.minima, s.saddle_points, items, title, clickable=True)
    return fig, cost_per_step(items, title="Cost per step")


def arrow_figure(result: descent.Run, step: int) -> go.Figure:
    """Step ``step`` of ``result`` up close, on its surface's contour."""
    xs, ys, Z, label = surfaces.contour_grid(result.surface, 81)
    return arrow_view(xs, ys, Z, label, descent.arrows(result, step), optimizers.LABELS[result.optimizer],
                      COLOURS[result.optimizer])


def sweep_figure(result: descent.Sweep, steps: int) -> go.Figure:
    """The range test: final C − C_min after ``steps`` steps against the learning rate."""
    s = surfaces.get(result.surface)
    return lr_sweep(result.learning_rates, descent.sweep_gap(result, s), result.diverged,
                    f"{optimizers.LABELS[result.optimizer]} on {s.label}, {steps} steps")


def stochastic_figures(problem: descent.Regression, paths) -> tuple[go.Figure, go.Figure]:
    """The mini-batch paths on the regression cost, and the full-data cost per update (log scale)."""
    xs, ys, Z = surfaces.sample(problem.surface, 81)
    items = [dict(name=p.label, colour=c, trajectory=p.trajectory, diverged_at=p.diverged_at, values=p.costs)
             for p, c in zip(paths, BATCH_COLOURS)]
    return (stochastic_paths(xs, ys, Z, items, problem.least_squares, "Paths on the cost C(w, b)"),
            cost_per_step(items, title="Full-data cost per update", log_y=True, y_title="C(w, b) (log scale)"))
