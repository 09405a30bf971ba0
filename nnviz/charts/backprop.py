"""Figures of the backpropagation lesson: the network diagram, cost and parameter paths.

Builders take the numbers ``nnviz.network`` computed (weights, z, a, δ,
∂C/∂W) and only draw them: positions, colours and widths. Figures are plain
dicts wrapped by :mod:`nnviz.charts.spec` without run-time validation (the
page redraws up to five of them per edit); the page tests re-validate them.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from nnviz import backprop_lesson as lesson
from nnviz.charts import palette, spec


_TEMPLATES: dict = {}


def _scatter_template() -> dict:
    # The default template (Streamlit's theme inside the app) cut to what scatter plots use:
    # its per-trace-type defaults for every other chart type made each figure's to_dict()
    # and JSON cost ~4 ms instead of ~0.7 ms, on every rerun.
    name = pio.templates.default
    if name not in _TEMPLATES:
        full = pio.templates[name].to_plotly_json() if name else {}
        _TEMPLATES[name] = {"layout": full.get("layout", {}),
                            "data": {"scatter": full.get("data", {}).get("scatter", [])}}
    return _TEMPLATES[name]


def _figure(data: list, title: str, x: str, y: str, height: int = palette.HEIGHT, **layout) -> go.Figure:
    return spec.figure(data, spec.layout(title, x, y, height=height, template=_scatter_template(), **layout))


def _list(values) -> list:
    return [None if v is None else float(v) for v in values]


WIDTH_LEVELS = 6
MAX_EDGE_WIDTH = 9.0
LABELLED_EDGES = 16  # write each edge's number on it only while the diagram stays readable


def _edge_width(level: int) -> float:
    """An edge's width in px for its level (1 … WIDTH_LEVELS) of |w| or |∂C/∂w|."""
    return 0.8 + (MAX_EDGE_WIDTH - 0.8) * level / WIDTH_LEVELS


def _short(value: float) -> str:
    value = float(value)
    if value == 0:
        return "0"
    return f"{value:.3g}" if 1e-3 <= abs(value) < 1e4 else f"{value:.2e}"


def _node_y(n: int) -> np.ndarray:
    return (n - 1) / 2 - np.arange(n)


def _numbers_below(ys: list, i: int, y: float) -> bool:
    """Whether the numbers of layer ``i``'s neuron at height ``y`` go under it: its edges all run level or up.

    A neuron's numbers go on the side no edge leaves from: above a neuron whose edges all run level or down,
    below one whose edges all run level or up. On a phone's narrow drawing the slanted edges are steep, and
    they ran through numbers written on their side.
    """
    around = np.concatenate([ys[k] for k in (i - 1, i + 1) if 0 <= k < len(ys)] or [np.zeros(0)])
    return bool(around.size and np.all(around >= y) and np.any(around > y))


def network_diagram(
    sizes,
    weights,
    z,
    a,
    delta=None,
    dW=None,
    new_weights=None,
    highlight=(),
    width_by: str = "weight",
    title: str = "",
    show_legend: bool = True,
    layer_names=None,
    height: int | None = None,
) -> go.Figure:
    """The network drawn layer by layer, with z, a and δ on the nodes.

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, the input first.
    weights : list of (n_l, n_{l-1}) arrays
        One per layer after the input; an edge's colour is its weight's sign.
    z, a : list of 1-D arrays
        Per layer, the input first (``z[0]`` is ignored).
    delta : list, optional
        Per layer after the input (an entry may be None): δ written on the nodes.
    dW : list, optional
        ∂C/∂W per layer; with ``width_by="gradient"`` edge widths follow |∂C/∂w|
        instead of |w|, and the numbers on the edges are the gradients.
    new_weights : list, optional
        The weights after the update step: written on the edges and shown on hover.
    highlight : collection of int
        Lesson layer numbers (input = 1) to ring: what the current step computes.
    show_legend : bool
        The colour legend (positive / negative weight, computed in this step).
    layer_names : list of str, optional
        Axis labels under the layers (default "layer 1 (input)", ..., "layer L (output)").
    height : int, optional
        Figure height in pixels (default: enough for the widest layer).
    """
    sizes = [int(s) for s in sizes]
    n_layers = len(sizes)
    ys = [_node_y(n) for n in sizes]
    weights = [np.asarray(w, dtype=float) for w in weights]
    by_gradient = width_by == "gradient" and dW is not None
    sized = [np.abs(np.asarray(g, dtype=float)) for g in (dW if by_gradient else weights)]
    largest = max((float(np.max(s)) for s in sized), default=0.0) or 1.0
    n_edges = sum(w.size for w in weights)
    groups: dict = {}
    label_x, label_y, label_text, label_edge, hover = [], [], [], [], []
    for i, w in enumerate(weights):
        l = i + 2
        for j in range(w.shape[0]):
            for k in range(w.shape[1]):
                x0, y0, x1, y1 = i, float(ys[i][k]), i + 1, float(ys[i + 1][j])
                level = int(np.ceil(WIDTH_LEVELS * sized[i][j, k] / largest))
                xs, yv = groups.setdefault((bool(w[j, k] >= 0), level), ([], []))
                xs += [x0, x1, None]
                yv += [y0, y1, None]
                # Labels sit near the receiving neuron so crossing edges do not overlap.
                label_x.append(x0 + 0.6 * (x1 - x0))
                label_y.append(y0 + 0.6 * (y1 - y0))
                label_edge.append(((x0, y0), (x1, y1), bool(w[j, k] >= 0), level))
                if new_weights is not None:
                    label_text.append(_short(new_weights[i][j, k]))
                else:
                    label_text.append(_short(dW[i][j, k] if by_gradient else w[j, k]))
                text = f"w<sup>{l}</sup><sub>{j + 1}{k + 1}</sub> = {_short(w[j, k])}"
                if dW is not None:
                    text += f"<br>∂C/∂w = {_short(dW[i][j, k])}"
                if new_weights is not None:
                    text += f"<br>after the update: {_short(new_weights[i][j, k])}"
                hover.append(text)
    data = []
    for (positive, level), (xs, yv) in sorted(groups.items()):
        data.append(dict(
            type="scatter", x=xs, y=yv, mode="lines", hoverinfo="skip", showlegend=False, opacity=0.75,
            line=dict(color=palette.POSITIVE if positive else palette.NEGATIVE, width=_edge_width(level)),
        ))
    labelled = n_edges <= LABELLED_EDGES
    # Each edge's number in a box beside its edge (as text on the edge, the edge ran through it); the
    # invisible markers carry the hover text.
    # A level edge's label at its middle, where the slanted edges from and to its neurons are furthest from
    # it; a slanted one's at 0.8, near its receiving neuron, where two edges crossing between the same pair of
    # neurons are apart (at their middle they meet, and so did labels; at 0.75 they still touched on a phone).
    labels = [spec.edge_label(start, end, text, palette.POSITIVE if positive else palette.NEGATIVE,
                              _edge_width(level), at=0.5 if start[1] == end[1] else 0.8, size=11)
              for text, (start, end, positive, level) in zip(label_text, label_edge)] if labelled else []
    for label, (start, end, _, level) in zip(labels, label_edge):
        if start[1] == end[1] and _numbers_below(ys, int(end[0]), end[1]):
            # Its neurons' numbers under them: the label above the edge, clear of them.
            label.update(yanchor="bottom", yshift=-label["yshift"])
    data.append(dict(
        type="scatter", x=label_x, y=label_y, mode="markers",
        marker=dict(size=8, color="rgba(0,0,0,0)"), hovertext=hover, hoverinfo="text",
        name="∂C/∂w" if by_gradient else "w", showlegend=False,
    ))
    for positive in (True, False):
        data.append(dict(
            type="scatter", x=[None], y=[None], mode="lines",
            name="positive weight" if positive else "negative weight",
            line=dict(color=palette.POSITIVE if positive else palette.NEGATIVE, width=4),
        ))

    node_x, node_y, node_text, node_hover, ring, ring_width, place = [], [], [], [], [], [], []
    for i, n in enumerate(sizes):
        for j in range(n):
            y = float(ys[i][j])
            node_x.append(i)
            node_y.append(y)
            place.append("bottom center" if _numbers_below(ys, i, y) else "top center")
            if i == 0:
                lines = [f"x<sub>{j + 1}</sub> = {_short(a[0][j])}"]
            else:
                lines = [f"z = {_short(z[i][j])}", f"a = {_short(a[i][j])}"]
                if delta is not None and delta[i - 1] is not None:
                    lines.append(f"<b>δ = {_short(delta[i - 1][j])}</b>")
            node_text.append("<br>".join(lines))
            node_hover.append(f"layer {i + 1}, neuron {j + 1}<br>" + "<br>".join(lines))
            lit = (i + 1) in highlight
            ring.append(palette.VERMILION if lit else palette.GREY)
            ring_width.append(4 if lit else 1.5)
    data.append(dict(
        type="scatter", x=node_x, y=node_y, mode="markers", hovertext=node_hover, hoverinfo="text",
        showlegend=False, cliponaxis=False,
        marker=dict(size=26, color="white", line=dict(color=ring, width=ring_width)),
    ))
    # The numbers beside an invisible marker wider than a neuron and its ring: Plotly writes text at a marker's
    # edge, and numbers under a ringed neuron touched the ring.
    data.append(dict(
        type="scatter", x=node_x, y=node_y, mode="markers+text", text=node_text, textposition=place,
        textfont=dict(size=12), hoverinfo="skip", showlegend=False, cliponaxis=False,
        marker=dict(size=40, color="rgba(0,0,0,0)", line=dict(width=0)),
    ))
    if highlight:
        data.append(dict(
            type="scatter", x=[None], y=[None], mode="markers", name="computed in this step",
            marker=dict(size=12, color="white", line=dict(color=palette.VERMILION, width=3)),
        ))
    ticks = list(layer_names) if layer_names is not None else [
        f"layer {i + 1}" + (" (input)" if i == 0 else " (output)" if i == n_layers - 1 else "")
        for i in range(n_layers)]
    top = (max(sizes) - 1) / 2
    below = 0.8 if "bottom center" in place else 0.45  # room for numbers written under the lowest neurons
    # The legend under the drawing: above it, in one row beside the title, it covered the title on a phone
    # and in presenter mode.
    return _figure(
        data, title, "", "", height=height or max(palette.HEIGHT, 110 * max(sizes) + 170 + 60 * show_legend),
        xaxis=dict(tickvals=list(range(n_layers)), ticktext=ticks, showgrid=False, zeroline=False,
                   range=[-0.35, n_layers - 0.65]),
        yaxis=dict(visible=False, range=[-top - below, top + 0.8]), showlegend=show_legend, annotations=labels,
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0.0),
    )


def cost_figure(costs, diverged_at=None, title: str = "Cost per step") -> go.Figure:
    """The cost C after each step of gradient descent (step 0 is before any update)."""
    costs = np.asarray(costs, dtype=float)
    data = [dict(type="scatter", x=np.arange(len(costs)), y=costs, name="cost C",
                 mode="lines+markers" if len(costs) <= 60 else "lines", line=dict(color=palette.BLUE))]
    extra = {}
    if diverged_at is not None:
        x = diverged_at - 0.5
        extra["shapes"] = [dict(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper",
                                line=dict(color=palette.VERMILION, dash="dash"))]
        extra["annotations"] = [dict(x=x, y=1, yref="paper", text=f"diverged at step {diverged_at}",
                                     showarrow=False, xanchor="right", bordercolor=palette.VERMILION, borderwidth=1)]
    return _figure(data, title, "step", "cost C", **extra)


def parameter_paths_figure(path, names, title: str = "Every parameter, step by step") -> go.Figure:
    """Each weight and bias (a line each, biases dotted) as gradient descent moves it."""
    path = np.asarray(path, dtype=float)
    steps = np.arange(path.shape[0])
    data = [dict(type="scatter", x=steps, y=path[:, i].copy(), mode="lines", name=name,
                 line=dict(width=1.5, dash="dot" if name.startswith("b") else "solid"))
            for i, name in enumerate(names)]
    return _figure(data, title, "step", "value", showlegend=len(names) <= 16,
                   legend=dict(orientation="v", x=1.02, xanchor="left", y=1, yanchor="top"))


def sensitivity_figure(values, costs, name: str, current: float, cost: float, gradient: float,
                       eps: float) -> go.Figure:
    """C₀ as one parameter moves, its tangent (slope ∂C₀/∂p) and the nudge by ε."""
    values = np.asarray(values, dtype=float)
    span = (values[-1] - values[0]) / 4
    tx = [current - span, current + span]
    data = [
        dict(type="scatter", x=_list(values), y=_list(costs), mode="lines", name="C₀",
             line=dict(color=palette.BLUE, width=3)),
        dict(type="scatter", x=tx, y=[cost + gradient * (t - current) for t in tx], mode="lines",
             name=f"tangent, slope ∂C₀/∂{name} = {_short(gradient)}", line=dict(color=palette.VERMILION, dash="dash")),
        dict(type="scatter", x=[current], y=[cost], mode="markers", name=f"current {name}",
             marker=dict(size=11, color=palette.BLACK)),
        dict(type="scatter", x=[current + eps], y=[cost + gradient * eps], mode="markers",
             name=f"{name} + ε, predicted", marker=dict(size=10, color=palette.ORANGE, symbol="x")),
    ]
    return _figure(data, f"C₀ as {name} moves (the others held)", name, "C₀")


def chain_figure(ch) -> go.Figure:
    """The chain of three single neurons (a :class:`nnviz.backprop_lesson.Chain`) with its z and a."""
    w = [[[ch.params[f"w{l}"]]] for l in (1, 2, 3)]
    return network_diagram(
        (1, 1, 1, 1), w, [None] + [[ch.z[l]] for l in (1, 2, 3)], [[a] for a in ch.a],
        title="The chain: x → neuron 1 → neuron 2 → neuron 3", show_legend=False, height=260,
        layer_names=["input x = a⁽⁰⁾", "neuron 1", "neuron 2", "neuron 3 → C₀"])


def _pass_diagram(w, title: str, **shown) -> go.Figure:
    L = w.n_layers
    return network_diagram(w.net.sizes, w.net.weights, [None] + [w.z(l) for l in range(2, L + 1)],
                           [w.a(l) for l in range(1, L + 1)], title=title, **shown)


def step_figure(w, stage: str) -> go.Figure:
    """The network at one step of the pass (a :class:`nnviz.backprop_lesson.Walkthrough`): what that step knows.

    Forward: z and a. Output error: δᴸ alone. Backpropagate: every δ. Gradients: edge widths follow
    |∂C/∂w|. Update: the new weights on the edges. The layers the step works on are highlighted.
    """
    L, at = w.n_layers, lesson.STAGES.index(stage)
    delta = None
    if at == 1:  # output error: only δᴸ is known yet
        delta = [None] * (L - 2) + [w.delta(L)]
    elif at >= 2:
        delta = [w.delta(l) for l in range(2, L + 1)]
    highlight = {0: range(2, L + 1), 1: (L,), 2: range(2, L), 3: range(2, L + 1), 4: ()}[at]
    return _pass_diagram(w, lesson.STAGE_TITLES[stage], delta=delta, dW=w.grads.dW if at >= 3 else None,
                         new_weights=w.updated.weights if at == 4 else None, highlight=tuple(highlight),
                         width_by="gradient" if at >= 3 else "weight")


def exercise_figure(w) -> go.Figure:
    """The network after its forward pass, for an exercise: its weights, and z and a of every neuron."""
    return _pass_diagram(w, "The network: its weights, and z and a of every neuron")
