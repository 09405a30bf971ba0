"""Figures for the perceptron page: the neuron diagram, the input plane, the learning-rule replay."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnviz.charts import palette, spec


def _sign_colour(weight: float) -> str:
    return palette.BLUE if weight >= 0 else palette.VERMILION


def neuron_diagram(x, w, b: float, z: float, out: float, activation: str) -> go.Figure:
    """One neuron drawn as inputs → Σ → f → output, edge width by |w|, colour by sign."""
    x1, x2 = (float(v) for v in x)
    w1, w2 = (float(v) for v in w)
    # The bias input below and right of the others: in line with them, its edge ran through w₂'s label on a phone.
    nodes = {"x1": (0.0, 2.0), "x2": (0.0, 1.0), "1": (1.0, -0.35), "sum": (2.0, 1.0), "out": (3.6, 1.0)}
    biggest = max(abs(w1), abs(w2), abs(b), 1e-9)
    data, annotations = [], []
    for name, weight, label in (("x1", w1, "w₁"), ("x2", w2, "w₂"), ("1", b, "b")):
        (xa, ya), (xb, yb) = nodes[name], nodes["sum"]
        width = 1 + 9 * abs(weight) / biggest
        data.append(dict(type="scatter", x=[xa, xb], y=[ya, yb], mode="lines", hoverinfo="skip",
                         showlegend=False, line=dict(width=width, color=_sign_colour(weight))))
        annotations.append(spec.edge_label((xa, ya), (xb, yb), f"{label} = {weight:.2f}", _sign_colour(weight),
                                           width, at={"x1": 0.35, "x2": 0.47, "1": 0.5}[name], size=14))
    data.append(dict(type="scatter", x=[2.0, 3.6], y=[1.0, 1.0], mode="lines", hoverinfo="skip",
                     showlegend=False, line=dict(width=2, color=palette.GREY)))
    labels = {"x1": f"x₁ = {x1:.2f}", "x2": f"x₂ = {x2:.2f}", "1": "bias input 1",
              "sum": f"z = {z:.2f}<br>f: {activation}", "out": f"a = {out:.3f}"}
    xs, ys = zip(*nodes.values())
    data.append(dict(
        type="scatter", x=list(xs), y=list(ys), mode="markers+text", text=[labels[k] for k in nodes],
        showlegend=False, hoverinfo="skip", textfont=dict(size=14),
        # The inputs' numbers above them and Σ's above and right of it, clear of the edges and of their labels.
        # Beside the inputs, their numbers took the room that w₂'s label needs between x₂ and Σ on a phone,
        # and the label covered x₂.
        textposition=["top center", "top center", "middle left", "top right", "middle right"],
        marker=dict(size=[30, 30, 22, 46, 30], color=["white", "white", "#EEEEEE", palette.SKY, palette.YELLOW],
                    line=dict(width=2, color=palette.BLACK)),
    ))
    # The key on the title's second line, so that the title fits a phone's width; room on both sides for the labels.
    layout = spec.layout("The neuron", "", "", height=300, margin=dict(l=10, r=10, t=65, b=10),
                         annotations=annotations,
                         xaxis=dict(visible=False, range=[-0.7, 5.4]),
                         yaxis=dict(visible=False, range=[-0.6, 2.6]))
    layout["title"]["subtitle"] = dict(text="edge width is |w|, blue positive, red negative")
    return spec.figure(data, layout)


def _points(X, y) -> list:
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    traces = []
    for label, colour, symbol in ((0, palette.NEGATIVE, "circle"), (1, palette.POSITIVE, "square")):
        pick = y == label
        traces.append(dict(type="scatter", x=X[pick, 0].tolist(), y=X[pick, 1].tolist(), mode="markers",
                           name=f"target {label}",
                           marker=dict(color=colour, size=13, symbol=symbol,
                                       line=dict(width=1.5, color=palette.BLACK))))
    return traces


def _square_axes(lo: float, hi: float) -> dict:
    return dict(xaxis=dict(range=[lo, hi], constrain="domain"),
                yaxis=dict(range=[lo, hi], scaleanchor="x", scaleratio=1))


def input_plane(axis, values, line, point, w, b: float, activation: str) -> go.Figure:
    """The neuron's output over the (x₁, x₂) plane, the decision line, and the current input.

    ``values`` is f(z) on the grid ``axis × axis``; ``line`` is a pair of point
    arrays or None (no line when both weights are zero).
    """
    lo, hi = float(axis[0]), float(axis[-1])
    data = [dict(
        # NumPy arrays travel as typed binary arrays: far cheaper than nested lists.
        type="heatmap", x=np.asarray(axis, dtype=float), y=np.asarray(axis, dtype=float),
        z=np.asarray(values, dtype=float), colorscale=palette.DIVERGING, opacity=0.55, zsmooth="best",
        colorbar=dict(title=dict(text="f(z)"), thickness=12),
        hovertemplate="x₁=%{x:.2f}<br>x₂=%{y:.2f}<br>f(z)=%{z:.3f}<extra></extra>",
    )]
    if line is not None:
        data.append(dict(type="scatter", x=list(line[0]), y=list(line[1]), mode="lines",
                         name="w₁x₁ + w₂x₂ + b = 0", line=dict(color=palette.BLACK, width=3)))
    data.append(dict(type="scatter", x=[float(point[0])], y=[float(point[1])], mode="markers", name="input x",
                     marker=dict(symbol="x", size=15, color=palette.PURPLE, line=dict(width=1.5, color=palette.BLACK))))
    layout = spec.layout(f"Input plane: {activation} output for w = ({w[0]:.2f}, {w[1]:.2f}), b = {b:.2f}",
                         "x₁", "x₂", height=460, **_square_axes(lo, hi))
    return spec.figure(data, layout)


def _line_xy(line):
    # No line (zero weights): an empty trace keeps the frames aligned with trace 0.
    return ([], []) if line is None else (np.asarray(line[0]).tolist(), np.asarray(line[1]).tolist())


def learning_replay(X, y, lines, errors, lo: float, hi: float, title: str, frame_ms: int = 500) -> go.Figure:
    """The decision line after each epoch, played by Plotly in the browser (▶ / ❚❚ and a step slider)."""
    labels = ["start"] + [f"epoch {e} ({n} errors)" for e, n in enumerate(errors, start=1)]
    x0, y0 = _line_xy(lines[0])
    data = [dict(type="scatter", x=x0, y=y0, mode="lines", name="decision line",
                 line=dict(color=palette.BLACK, width=3))] + _points(X, y)
    frames = []
    for i, line in enumerate(lines):
        xs, ys = _line_xy(line)
        frames.append(dict(name=str(i), traces=[0], data=[dict(type="scatter", x=xs, y=ys)],
                           layout=dict(title=dict(text=f"{title}: {labels[i]}"))))
    play = dict(frame=dict(duration=frame_ms, redraw=True), transition=dict(duration=0), fromcurrent=True)
    pause = dict(frame=dict(duration=0, redraw=False), mode="immediate", transition=dict(duration=0))
    jump = dict(frame=dict(duration=0, redraw=True), mode="immediate", transition=dict(duration=0))
    layout = spec.layout(
        f"{title}: {labels[0]}", "x₁", "x₂", height=600, margin=dict(b=170), **_square_axes(lo, hi),
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=-0.13, xanchor="left", yanchor="top",
                          showactive=False, pad=dict(t=0, r=10),
                          buttons=[dict(label="▶ Play", method="animate", args=[None, play]),
                                   dict(label="❚❚ Pause", method="animate", args=[[None], pause])])],
        sliders=[dict(active=0, x=0.0, len=1.0, y=-0.24, yanchor="top", pad=dict(t=0),
                      currentvalue=dict(prefix="epoch ", font=dict(size=13)),
                      steps=[dict(label=str(i), method="animate", args=[[str(i)], jump])
                             for i in range(len(lines))])],
    )
    return spec.figure(data, layout, frames)


def errors_per_epoch(errors, n_examples: int, cycle=None, converged=None) -> go.Figure:
    """Misclassified examples in each epoch, with convergence or the first repeat marked."""
    epochs = list(range(1, len(errors) + 1))
    data = [dict(type="bar", x=epochs, y=np.asarray(errors).tolist(), marker=dict(color=palette.VERMILION),
                 name="errors", hovertemplate="epoch %{x}: %{y} errors<extra></extra>")]
    shapes, annotations = [], []
    marks = []
    if converged is not None:
        marks.append((converged, palette.GREEN, f"converged at epoch {converged}"))
    if cycle is not None:
        marks.append((cycle[1], palette.PURPLE, f"epoch {cycle[1]} repeats epoch {cycle[0]}"))
    for x, colour, text in marks:
        shapes.append(dict(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line=dict(color=colour, dash="dash")))
        annotations.append(dict(x=x, y=1, yref="paper", text=text, showarrow=False, xanchor="left",
                                yanchor="bottom", font=dict(size=13), bordercolor=colour, borderwidth=1))
    layout = spec.layout("Misclassified examples per epoch", "epoch", "errors", height=340,
                         shapes=shapes, annotations=annotations,
                         yaxis=dict(range=[0, max(int(n_examples), 1) + 0.5]),
                         margin=dict(t=70))
    return spec.figure(data, layout)
