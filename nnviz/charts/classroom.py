"""A live class's charts: the answers gathering on the projector, and a class sweep's results."""

from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go

from nnviz.charts import palette


def answers(options: Sequence[str], counts: Sequence[int], right: str | None = None,
            title: str = "The class's answers") -> go.Figure:
    """One bar per option; once revealed, the right one in green and the others grey."""
    colours = [palette.BLUE if right is None else (palette.GREEN if option == right else palette.GREY)
               for option in options]
    fig = go.Figure(go.Bar(x=list(options), y=list(counts), marker_color=colours, text=list(counts),
                           textposition="outside", cliponaxis=False, hoverinfo="skip"))
    fig = palette.layout(fig, title, "", "students", height=300)
    fig.update_yaxes(rangemode="tozero", dtick=max(1, max(counts, default=0) // 5 or 1))
    fig.update_layout(showlegend=False, margin=dict(l=50, r=20, t=50, b=60))
    return fig


def numbers(values: Sequence[float], right: float | None = None, title: str = "The class's answers") -> go.Figure:
    """Each typed number as a point on a line; once revealed, the right value marked."""
    fig = go.Figure(go.Box(x=list(values), boxpoints="all", jitter=0.5, pointpos=0, name="answers",
                           marker_color=palette.BLUE, line_color=palette.BLUE, hoverinfo="x"))
    if right is not None:
        fig.add_vline(x=right, line_color=palette.GREEN, line_width=3, annotation_text=f"right: {right:g}",
                      annotation_position="top")
    fig = palette.layout(fig, title, "answer", "", height=240)
    fig.update_yaxes(showticklabels=False)
    fig.update_layout(showlegend=False)
    return fig


def sweep(values: Sequence[float], results: Sequence[float | None], x_title: str, y_title: str,
          title: str = "The class sweep", log_x: bool = True) -> go.Figure:
    """Every student's cell: the result against the value they ran (log x unless ``log_x`` is off: seeds);
    diverged runs marked on top."""
    done = [(v, r) for v, r in zip(values, results) if r is not None]
    gone = [v for v, r in zip(values, results) if r is None]
    fig = go.Figure(go.Scatter(x=[v for v, _ in done], y=[r for _, r in done], mode="markers",
                               marker=dict(color=palette.BLUE, size=10), name="a student's run"))
    if gone:
        top = max((r for _, r in done), default=1.0)
        fig.add_trace(go.Scatter(x=gone, y=[top] * len(gone), mode="markers+text", text=["diverged"] * len(gone),
                                 textposition="top center", marker=dict(color=palette.VERMILION, size=12,
                                                                        symbol="x"), name="diverged"))
    fig = palette.layout(fig, title, x_title, y_title)
    if log_x:
        fig.update_xaxes(type="log")
    fig.update_yaxes(type="log")
    return fig


def curve_points(curves: dict[str, Sequence[float | None]], points: Sequence[tuple[str, int]] = (),
                 right: tuple[str, int] | None = None, title: str = "Validation loss per epoch",
                 clickable: bool = False) -> go.Figure:
    """The runs' validation curves; the class's clicks (run, epoch) as points on them, sized by how many chose each.

    ``clickable``: every epoch is a marker a student can click (the curve is named in each point's customdata).
    Once revealed, ``right`` (run, epoch) is circled in green.
    """
    colours = palette.SEQUENCE
    fig = go.Figure()
    for i, (run, values) in enumerate(curves.items()):
        epochs = list(range(1, len(values) + 1))
        fig.add_trace(go.Scatter(x=epochs, y=list(values), name=run, mode="lines+markers" if clickable else "lines",
                                 line=dict(color=colours[i % len(colours)], width=2),
                                 marker=dict(size=7), customdata=[run] * len(epochs),
                                 hovertemplate=f"{_plain(run)}<br>epoch %{{x}}<br>loss %{{y:.4g}}<extra></extra>"))
    counts: dict[tuple[str, int], int] = {}
    for run, epoch in points:
        counts[(run, int(epoch))] = counts.get((run, int(epoch)), 0) + 1
    shown = [(run, epoch, n) for (run, epoch), n in counts.items()
             if run in curves and 1 <= epoch <= len(curves[run]) and curves[run][epoch - 1] is not None]
    if shown:
        fig.add_trace(go.Scatter(
            x=[e for _, e, _ in shown], y=[curves[r][e - 1] for r, e, _ in shown], mode="markers+text",
            text=[str(n) for _, _, n in shown], textposition="top center", name="the class's clicks",
            marker=dict(size=[10 + 4 * min(n, 10) for _, _, n in shown], color=palette.GREY, opacity=0.7,
                        line=dict(color=palette.BLACK, width=1)), hoverinfo="skip"))
    if right is not None and right[0] in curves and 1 <= right[1] <= len(curves[right[0]]):
        fig.add_trace(go.Scatter(x=[right[1]], y=[curves[right[0]][right[1] - 1]], mode="markers",
                                 name="the answer", hoverinfo="skip",
                                 marker=dict(size=24, color="rgba(0,0,0,0)", line=dict(color=palette.GREEN, width=4))))
    fig = palette.layout(fig, title, "epoch", "validation loss", height=320)
    return fig


def _plain(text: str) -> str:
    """A run's name inside a hover template: Plotly's %{…} and HTML tags taken literally."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("%", "&#37;")
            .replace("{", "&#123;").replace("}", "&#125;"))
