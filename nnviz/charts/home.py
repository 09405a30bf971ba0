"""Small thumbnails for the course map: one tiny figure per lesson, no axes clutter."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from nnviz.charts import palette

THUMB_HEIGHT = 150


def _thumb(fig: go.Figure, x_title: str = "", y_title: str = "") -> go.Figure:
    # Streamlit's chart theme draws axis titles at 14 px and pads the axes by 8 px, which Plotly's title
    # placement does not count: a title sat among the tick labels. Own sizes, no pad, and automargin, which
    # widens the margins to hold the tick labels and then the title.
    axis = dict(tickfont=dict(size=9), automargin=True)
    fig.update_layout(
        height=THUMB_HEIGHT, margin=dict(l=6, r=6, t=6, b=6, pad=0), showlegend=False,
        template="plotly_white", colorway=list(palette.SEQUENCE),
        xaxis=dict(title=dict(text=x_title, standoff=4, font=dict(size=11)), **axis),
        yaxis=dict(title=dict(text=y_title, standoff=4, font=dict(size=11)), **axis),
        font=dict(size=10),
    )
    return fig


# Where a thumbnail's legend sits: in a corner its curves leave empty.
LEGEND_PLACES = {
    "top left": dict(x=0.01, y=0.99, xanchor="left", yanchor="top"),
    "top right": dict(x=0.99, y=0.99, xanchor="right", yanchor="top"),
    "right": dict(x=0.99, y=0.5, xanchor="right", yanchor="middle"),
}


def lines(x: np.ndarray, ys: Sequence[np.ndarray], names: Sequence[str], x_title: str, y_title: str,
          dashed: Sequence[bool] | None = None, legend: str = "top left") -> go.Figure:
    """Several curves over the same x, the legend (when there are several) at ``legend``, a key of LEGEND_PLACES."""
    fig = go.Figure()
    for i, (y, name) in enumerate(zip(ys, names)):
        dash = "dot" if dashed and dashed[i] else "solid"
        fig.add_trace(go.Scatter(x=x, y=y, name=name, mode="lines", line=dict(width=2, dash=dash)))
    _thumb(fig, x_title, y_title)
    if len(names) > 1:
        fig.update_layout(showlegend=True, legend=dict(**LEGEND_PLACES[legend], bgcolor=palette.LEGEND_BG,
                                                       font=dict(size=9)))
    return fig


def points(X: np.ndarray, labels: np.ndarray, line: tuple[np.ndarray, np.ndarray] | None = None) -> go.Figure:
    """Two-class points in the plane, optionally with a decision line."""
    colours = np.where(np.asarray(labels) > 0, palette.POSITIVE, palette.NEGATIVE)
    fig = go.Figure(go.Scatter(x=X[:, 0], y=X[:, 1], mode="markers",
                               marker=dict(color=colours, size=5, line=dict(width=0.5, color="white"))))
    if line is not None:
        fig.add_trace(go.Scatter(x=line[0], y=line[1], mode="lines", line=dict(color=palette.BLACK, width=2)))
    fig.update_yaxes(scaleanchor="x")
    return _thumb(fig, "x₁", "x₂")


def contour_paths(xs: np.ndarray, ys: np.ndarray, values: np.ndarray,
                  paths: Sequence[np.ndarray]) -> go.Figure:
    """A cost surface as contours with optimizer paths on it."""
    fig = go.Figure(go.Contour(x=xs, y=ys, z=values, showscale=False, colorscale="Blues",
                               reversescale=True, contours=dict(coloring="lines"), ncontours=18))
    for path in paths:
        fig.add_trace(go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines+markers",
                                 marker=dict(size=3), line=dict(width=2)))
    return _thumb(fig, "w₁", "w₂")
