"""Figures for the cost-functions page: cost curves, a batch, the learning slowdown, categorical cross-entropy."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnviz.charts import palette, spec

COLOURS = {"quadratic": palette.BLUE, "cross_entropy": palette.VERMILION}
NAMES = {"quadratic": "quadratic ½(y − a)²", "cross_entropy": "cross-entropy"}


def cost_curves(a, costs: dict, gradients: dict, point_a: float, y: float,
                point_costs: dict, point_gradients: dict) -> go.Figure:
    """C(a) (left) and ∂C/∂a (right) for each cost, with the current output a marked.

    ``point_costs`` / ``point_gradients`` may lack a cost whose value at ``point_a`` is infinite.
    """
    a = np.asarray(a, dtype=float)
    data = []
    for name in costs:
        colour = COLOURS.get(name, palette.GREY)
        data.append(dict(type="scatter", x=a, y=np.asarray(costs[name], dtype=float), mode="lines", name=NAMES.get(name, name),
                         line=dict(color=colour, width=3), legendgroup=name))
        data.append(dict(type="scatter", x=a, y=np.asarray(gradients[name], dtype=float), mode="lines",
                         name=f"∂C/∂a, {NAMES.get(name, name)}", showlegend=False,
                         line=dict(color=colour, width=3), legendgroup=name, xaxis="x2", yaxis="y2"))
        if name in point_costs:
            data.append(dict(type="scatter", x=[point_a], y=[float(point_costs[name])], mode="markers",
                             marker=dict(color=colour, size=13, line=dict(width=1.5, color=palette.BLACK)),
                             showlegend=False, legendgroup=name,
                             hovertemplate=f"a = %{{x:.2f}}<br>C = %{{y:.4f}}<extra>{name}</extra>"))
            data.append(dict(type="scatter", x=[point_a], y=[float(point_gradients[name])], mode="markers",
                             marker=dict(color=colour, size=13, line=dict(width=1.5, color=palette.BLACK)),
                             showlegend=False, legendgroup=name, xaxis="x2", yaxis="y2",
                             hovertemplate=f"a = %{{x:.2f}}<br>∂C/∂a = %{{y:.3f}}<extra>{name}</extra>"))
    target = [dict(type="line", x0=y, x1=y, y0=0, y1=1, yref="paper", xref=axis,
                   line=dict(color=palette.GREEN, dash="dash")) for axis in ("x", "x2")]
    layout = spec.layout(
        f"Cost and its gradient against the output a (target y = {y:.2f}, dashed)", "output a", "cost C",
        height=420, shapes=target, margin=dict(t=80),
        xaxis=dict(domain=[0, 0.46], range=[0, 1]), yaxis=dict(range=[0, 4]),
        xaxis2=dict(domain=[0.54, 1], range=[0, 1], anchor="y2", title=dict(text="output a")),
        yaxis2=dict(range=[-10, 10], anchor="x2", title=dict(text="gradient ∂C/∂a")),
    )
    return spec.figure(data, layout)


def batch(per_example, value: float) -> go.Figure:
    """Each example's ½‖y − a‖² as a bar and the batch cost C (their mean) as a line."""
    per_example = np.asarray(per_example, dtype=float)
    labels = [f"example {i}" for i in range(1, len(per_example) + 1)]
    data = [dict(type="bar", x=labels, y=per_example.tolist(), name="½‖y − a‖²", marker=dict(color=palette.SKY),
                 text=[f"{v:.3f}" for v in per_example], textposition="outside"),
            dict(type="scatter", x=labels, y=[value] * len(labels), mode="lines", name=f"C = mean = {value:.4f}",
                 line=dict(color=palette.VERMILION, width=3, dash="dash"))]
    layout = spec.layout("The batch cost is the average of the examples' costs", "example", "cost",
                         height=340, yaxis=dict(range=[0, max(float(per_example.max()) * 1.3, 0.05)]))
    return spec.figure(data, layout)


def slowdown(runs_by_start: dict) -> go.Figure:
    """Output a and cost per epoch, one column per start, quadratic against cross-entropy.

    ``runs_by_start`` maps a start label to ``{cost name: Run}``.
    """
    data = []
    starts = list(runs_by_start)
    layout_axes = {}
    width = 1.0 / len(starts)
    for col, start in enumerate(starts):
        top, bottom = 2 * col + 1, 2 * col + 2
        x_top, y_top = f"x{top}" if top > 1 else "x", f"y{top}" if top > 1 else "y"
        x_bot, y_bot = f"x{bottom}", f"y{bottom}"
        domain = [col * width + 0.04, (col + 1) * width - 0.04]
        layout_axes[f"xaxis{top}" if top > 1 else "xaxis"] = dict(domain=domain, anchor=y_top,
                                                                  matches=x_bot, showticklabels=False)
        layout_axes[f"yaxis{top}" if top > 1 else "yaxis"] = dict(domain=[0.56, 1], anchor=x_top, range=[0, 1],
                                                                  title=dict(text="output a"))
        layout_axes[f"xaxis{bottom}"] = dict(domain=domain, anchor=y_bot, title=dict(text="epoch"))
        layout_axes[f"yaxis{bottom}"] = dict(domain=[0, 0.44], anchor=x_bot, title=dict(text="cost C"))
        for name, run in runs_by_start[start].items():
            epochs = np.arange(len(run.a))
            label = f"{NAMES.get(name, name)}, η = {run.lr:g}"
            colour = COLOURS.get(name, palette.GREY)
            data.append(dict(type="scatter", x=epochs, y=run.a, mode="lines", name=label,
                             legendgroup=name, showlegend=col == 0, line=dict(color=colour, width=3),
                             xaxis=x_top, yaxis=y_top))
            data.append(dict(type="scatter", x=epochs, y=run.cost, mode="lines", name=label,
                             legendgroup=name, showlegend=False, line=dict(color=colour, width=3),
                             xaxis=x_bot, yaxis=y_bot))
    annotations = [dict(text=f"<b>start {start}</b>", x=(col + 0.5) * width, y=1.02, xref="paper", yref="paper",
                        showarrow=False, yanchor="bottom", font=dict(size=14))
                   for col, start in enumerate(starts)]
    layout = spec.layout("One sigmoid neuron, input 1, target 0: output and cost per epoch", "", "",
                         height=600, annotations=annotations, margin=dict(t=80, b=110),
                         legend=dict(yanchor="top", y=-0.12, xanchor="center", x=0.5), **layout_axes)
    return spec.figure(data, layout)


def categorical(classes, p, y, gradient) -> go.Figure:
    """Softmax outputs p, the one-hot target y and the gradient p − y, class by class."""
    classes = list(classes)
    data = [dict(type="bar", x=classes, y=np.asarray(v).tolist(), name=name, marker=dict(color=colour),
                 text=[f"{t:.3f}" for t in v], textposition="outside")
            for name, v, colour in (("softmax p", p, palette.BLUE), ("target y (one-hot)", y, palette.GREEN),
                                    ("gradient p − y", gradient, palette.VERMILION))]
    layout = spec.layout("Categorical cross-entropy: outputs, target and gradient per class", "class", "value",
                         height=380, barmode="group", yaxis=dict(range=[-1.15, 1.2]))
    return spec.figure(data, layout)
