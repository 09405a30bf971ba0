"""Figures for the network playground: the loss history and a static boundary (the confusion matrix is `training.confusion_matrix`)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnviz.charts import palette

CLASS_COLOURS = (palette.ORANGE, palette.BLUE, palette.GREEN, palette.VERMILION, palette.PURPLE)


def loss_history(epochs, train_loss, test_loss, log_y: bool = False, stopped_at: int | None = None,
                 title: str = "Loss per epoch") -> go.Figure:
    """Train and test loss against the epoch, the lowest test loss marked."""
    fig = go.Figure()
    fig.add_scatter(x=list(epochs), y=list(train_loss), mode="lines", name="train loss",
                    line=dict(color=palette.BLACK, width=2))
    fig.add_scatter(x=list(epochs), y=list(test_loss), mode="lines", name="test loss",
                    line=dict(color=palette.VERMILION, width=2))
    finite = [(loss, epoch) for epoch, loss in zip(epochs, test_loss) if np.isfinite(loss)]
    if finite:  # the best test loss so far, as TensorBoard users look for it (and early stopping keeps)
        best, at = min(finite)
        fig.add_scatter(x=[at], y=[best], mode="markers", name=f"best test loss {best:.4f} (epoch {at:,})",
                        marker=dict(color=palette.VERMILION, size=10, symbol="star"))
    if stopped_at is not None:
        fig.add_vline(x=stopped_at, line=dict(color=palette.GREY, dash="dash"), annotation_text="stopped")
    palette.layout(fig, title, "epoch", "loss", height=340)
    # Three entries do not fit above a half-width chart beside the toolbar: the legend goes under the axis.
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.28, xanchor="left", x=0),
                      margin=dict(b=95))
    if log_y:
        fig.update_yaxes(type="log")
    return fig


def boundary(xs, ys, values, X=None, y=None, n_classes: int = 2, title: str = "Output over the input plane",
             discretize: bool = False) -> go.Figure:
    """A static heatmap of the output in [−1, 1] with the points on it (for exports and pages without the canvas)."""
    z = np.sign(values) if discretize else values
    fig = go.Figure(go.Heatmap(x=xs, y=ys, z=z, zmin=-1, zmax=1, colorscale=palette.DIVERGING, showscale=False))
    if X is not None and len(X):
        for c in range(max(n_classes, 1)):
            mask = np.asarray(y) == c
            fig.add_scatter(x=X[mask, 0], y=X[mask, 1], mode="markers", name=f"class {c}",
                            marker=dict(color=CLASS_COLOURS[c % len(CLASS_COLOURS)], size=6,
                                        line=dict(color="white", width=1)))
    palette.layout(fig, title, "X₁", "X₂", height=420)
    fig.update_yaxes(scaleanchor="x")
    return fig
