"""Figures for the activation-functions page: curves with derivatives, softmax bars, one neuron's response."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnviz.charts import palette, spec


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def curves(curves, show_derivative: bool = True, sigmoid_peak: float | None = None) -> go.Figure:
    """Each activation f(z) (solid) and f'(z) (dotted), saturation zones shaded in its colour.

    ``curves`` are :class:`nnviz.saturation.Curve` objects.
    """
    data, shapes, annotations = [], [], []
    for i, c in enumerate(curves):
        colour = palette.SEQUENCE[i % len(palette.SEQUENCE)]
        data.append(dict(type="scatter", x=c.z, y=c.f, mode="lines", name=c.label,
                         line=dict(color=colour, width=3), legendgroup=c.name))
        if show_derivative:
            data.append(dict(type="scatter", x=c.z, y=c.derivative, mode="lines",
                             name=f"{c.label}′", line=dict(color=colour, width=2, dash="dot"),
                             legendgroup=c.name))
        for lo, hi in c.saturated:
            shapes.append(dict(type="rect", x0=lo, x1=hi, y0=0, y1=1, yref="paper", layer="below",
                               line=dict(width=0), fillcolor=_rgba(colour, 0.10)))
    if sigmoid_peak is not None and show_derivative:
        annotations.append(dict(x=0, y=sigmoid_peak, text=f"max σ′ = σ′(0) = {sigmoid_peak:g}", showarrow=True,
                                arrowhead=2, ax=-90, ay=-50, font=dict(size=13), bgcolor=palette.LEGEND_BG))
    z = curves[0].z if curves else np.array([-1.0, 1.0])
    # Unbounded functions (ReLU, linear) would flatten the others: show at most −1.5 … 3.
    low = max(-1.5, min(float(c.f.min()) for c in curves) - 0.1) if curves else -1.0
    high = min(3.0, max(float(c.f.max()) for c in curves) + 0.1) if curves else 1.0
    layout = spec.layout("f(z) solid, f′(z) dotted; shaded where f′ ≈ 0 (saturated)",
                         "weighted input z", "f(z) and f′(z)", height=460, shapes=shapes, annotations=annotations,
                         xaxis=dict(range=[float(z[0]), float(z[-1])]), yaxis=dict(range=[low, high]),
                         margin=dict(t=90))
    return spec.figure(data, layout)


def response(x, values: dict, switch_at: float | None, w: float, b: float) -> go.Figure:
    """f(wx + b) as a function of the input x for each chosen activation."""
    data = [dict(type="scatter", x=np.asarray(x, dtype=float), y=np.asarray(v, dtype=float), mode="lines", name=label,
                 line=dict(width=3, color=palette.SEQUENCE[i % len(palette.SEQUENCE)]))
            for i, (label, v) in enumerate(values.items())]
    shapes, annotations = [], []
    if switch_at is not None and float(x[0]) <= switch_at <= float(x[-1]):
        shapes.append(dict(type="line", x0=switch_at, x1=switch_at, y0=0, y1=1, yref="paper",
                           line=dict(color=palette.GREY, dash="dash")))
        annotations.append(dict(x=switch_at, y=1, yref="paper", text=f"z = 0 at x = {switch_at:.2f}",
                                showarrow=False, xanchor="left", yanchor="bottom"))
    layout = spec.layout(f"One neuron: a = f({w:.2f}·x + {b:.2f})", "input x", "activation a", height=380,
                         shapes=shapes, annotations=annotations, margin=dict(t=70))
    return spec.figure(data, layout)


def class_probabilities(classes, softmax, sigmoids, chosen: int | None) -> go.Figure:
    """Softmax (sums to 1) beside independent sigmoids (need not) for the same logits."""
    classes = list(classes)
    colours = [palette.GREY if chosen is None or i != chosen else palette.BLUE for i in range(len(classes))]
    data = [
        dict(type="bar", x=classes, y=np.asarray(softmax).tolist(), name="softmax (exclusive)",
             marker=dict(color=colours), text=[f"{p:.3f}" for p in softmax], textposition="outside",
             xaxis="x", yaxis="y"),
        dict(type="bar", x=classes, y=np.asarray(sigmoids).tolist(), name="sigmoid per class (non-exclusive)",
             marker=dict(color=palette.ORANGE), text=[f"{p:.3f}" for p in sigmoids], textposition="outside",
             xaxis="x2", yaxis="y2"),
    ]
    layout = spec.layout(
        f"Softmax: Σ p = {float(np.sum(softmax)):.3f}      |      Sigmoids: Σ q = {float(np.sum(sigmoids)):.3f}",
        "class", "probability", height=400, showlegend=True, margin=dict(t=90),
        xaxis=dict(domain=[0, 0.46]), yaxis=dict(range=[0, 1.15]),
        xaxis2=dict(domain=[0.54, 1], anchor="y2", title=dict(text="class")),
        yaxis2=dict(range=[0, 1.15], anchor="x2", title=dict(text="probability")),
    )
    return spec.figure(data, layout)
