"""Figures for the Keras project: exploration, live loss curves, evaluation, and runs overlaid."""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from nnviz import curves
from nnviz.charts import palette

METRIC_NAMES = {"loss": "loss", "accuracy": "accuracy", "mae": "mean absolute error"}


def _faint(colour: str, alpha: float = 0.25) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _finite(values) -> list:
    """Plotly JSON has no NaN/inf: non-finite points become gaps."""
    return [float(v) if np.isfinite(v) else None for v in np.asarray(values, dtype=float)]


def _light_layout(title: str, x: str, y: str) -> dict:
    """palette.layout's look as one nested dict, without Plotly's template.

    The live chart is rebuilt up to five times a second while Keras trains; ``template="plotly_white"``
    and ``update_layout(xaxis_title=...)`` cost ~30 ms each per figure, this costs ~1 ms (bench_keras).
    """
    grid = dict(gridcolor=palette.GRID, zerolinecolor=palette.GRID, linecolor=palette.GRID, automargin=True)
    return dict(title=dict(text=title), xaxis=dict(title=dict(text=x), **grid), yaxis=dict(title=dict(text=y), **grid),
                height=palette.HEIGHT, colorway=list(palette.SEQUENCE), margin=dict(l=50, r=20, t=50, b=45),
                legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0))


def live_curves(history: Mapping[str, Sequence[float]], metric: str = "loss", *, epochs: int | None = None,
                batch_x: Sequence[float] = (), batch_values: Sequence[float] = (),
                early_stopping_epoch: int | None = None, best: int | None = None, title: str | None = None) -> go.Figure:
    """Training and validation ``metric`` per epoch (the live chart), with the per-batch loss faint behind."""
    label = METRIC_NAMES.get(metric, metric)
    traces = []
    if metric == "loss" and len(batch_x):
        # NumPy arrays (NaN for gaps): Plotly validates and encodes them at once, lists element by element.
        traces.append(dict(type="scatter", x=np.asarray(batch_x, dtype=float), y=curves.smooth(batch_values, 0.6),
                           mode="lines", name="training loss per batch (smoothed 0.6)",
                           line=dict(color=_faint(palette.BLUE, 0.45), width=1), hoverinfo="skip"))
    train = list(history.get(metric, []))
    val = list(history.get(f"val_{metric}", []))
    x = list(range(1, len(train) + 1))
    traces.append(dict(type="scatter", x=x, y=_finite(train), mode="lines+markers", name=f"training {label}",
                       line=dict(color=palette.BLUE, width=2.5)))
    if val:
        traces.append(dict(type="scatter", x=x[:len(val)], y=_finite(val), mode="lines+markers",
                           name=f"validation {label}", line=dict(color=palette.ORANGE, width=2.5, dash="dash")))
    if best is not None and val and 1 <= best <= len(val) and np.isfinite(val[best - 1]):
        traces.append(dict(type="scatter", x=[best], y=[val[best - 1]], mode="markers", name=f"best epoch ({best})",
                           marker=dict(symbol="star", size=16, color=palette.GREEN)))
    layout = _light_layout(title or f"Training vs validation {label} per epoch", "epoch", label)
    shapes, annotations = [], []
    if early_stopping_epoch:
        shapes.append(dict(type="line", x0=early_stopping_epoch, x1=early_stopping_epoch, y0=0, y1=1, yref="paper",
                           line=dict(color=palette.VERMILION, dash="dot")))
        annotations.append(dict(x=early_stopping_epoch, y=1, yref="paper", xanchor="right", showarrow=False,
                                text=f"early stop (epoch {early_stopping_epoch})"))
    if not train:
        layout["yaxis"]["range"] = [0, 1]
        annotations.append(dict(text="No epochs yet: press Train", x=0.5, y=0.5, xref="paper", yref="paper",
                                showarrow=False, font=dict(size=16)))
    if epochs:
        layout["xaxis"]["range"] = [0.5, epochs + 0.5]
    layout.update(shapes=shapes, annotations=annotations)
    return go.Figure(data=traces, layout=layout)


def runs_overlay(runs: Sequence[Mapping], metric: str = "loss", weight: float = 0.6, log_y: bool = False,
                 x_axis: str = "epoch") -> go.Figure:
    """Many runs' training (solid) and validation (dashed) curves: smoothed as TensorBoard does, raw faint behind.

    Each run is a mapping with ``name``, ``history``, ``wall_time`` and
    optionally ``early_stopping_epoch``. ``x_axis`` is "epoch" or "wall time".
    The legend, below the plot, names each run once (in its colour; a click hides the run) and keys the
    line styles once, so it stays a line or two for several runs.
    """
    label = METRIC_NAMES.get(metric, metric)
    fig = go.Figure()
    for name, line, marker in (("training (solid)", dict(dash="solid"), None),
                               ("validation (dashed)", dict(dash="dash"), None),
                               ("best epoch (★)", None, dict(symbol="star", size=12))):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers" if marker else "lines", name=name,
                                 line=dict(color=palette.GREY, width=2.5, **(line or {})), marker=marker,
                                 hoverinfo="skip"))
    for i, run in enumerate(runs):
        colour = palette.SEQUENCE[i % len(palette.SEQUENCE)]
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=dict(color=colour, width=6),
                                 name=run["name"], legendgroup=run["name"], hoverinfo="skip"))
        history = run["history"]
        n = len(history.get(metric, []))
        epochs = np.arange(1, n + 1)
        wall = np.asarray(run.get("wall_time", []), dtype=float)[:n]
        xs = epochs if x_axis == "epoch" else wall
        for prefix, dash, kind in (("", "solid", "train"), ("val_", "dash", "validation")):
            values = np.asarray(history.get(prefix + metric, []), dtype=float)
            if not values.size:
                continue
            x = xs[:values.size].tolist()
            if log_y:
                values = np.where(values > 0, values, np.nan)
            fig.add_trace(go.Scatter(x=x, y=_finite(values), mode="lines", line=dict(color=_faint(colour), width=1,
                                     dash=dash), name=f"{run['name']} {kind} (raw)", showlegend=False,
                                     hoverinfo="skip", legendgroup=run["name"]))
            fig.add_trace(go.Scatter(x=x, y=_finite(curves.smooth(values, weight)), mode="lines",
                                     line=dict(color=colour, width=2.5, dash=dash), name=f"{run['name']} {kind}",
                                     showlegend=False, legendgroup=run["name"]))
        monitored = np.asarray(history.get("val_" + metric) or history.get(metric, []), dtype=float)
        best = curves.best_epoch(monitored) if metric != "accuracy" else (
            int(np.nanargmax(monitored)) + 1 if np.isfinite(monitored).any() else None)
        if best is not None:
            fig.add_trace(go.Scatter(x=[xs[best - 1]], y=[float(monitored[best - 1])], mode="markers",
                                     marker=dict(symbol="star", size=15, color=colour, line=dict(color="black", width=1)),
                                     name=f"{run['name']} best epoch {best}", showlegend=False,
                                     legendgroup=run["name"]))
        stop = run.get("early_stopping_epoch")
        if stop and stop <= n:
            fig.add_vline(x=float(xs[stop - 1]), line=dict(color=colour, dash="dot", width=1.5),
                          annotation_text=f"early stop {run['name']}", annotation_position="top left")
    palette.layout(fig, f"{label.capitalize()} per epoch", "epoch" if x_axis == "epoch" else "wall time (s)",
                   label + (" (log scale)" if log_y else ""), height=460)
    # The smoothing on a line of its own: one long title line is cut off on a phone.
    fig.update_layout(title_subtitle_text=f"smoothed ({weight:.2f}) over the raw curve", margin_t=70)
    # The legend below the plot, at the figure's foot: Plotly grows the bottom margin to hold all its rows,
    # however many runs, so it never reaches the title (above, it grew upwards over it).
    fig.update_layout(legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", xanchor="left", x=0))
    if log_y:
        fig.update_yaxes(type="log")
    return fig


def confusion_matrix(matrix: np.ndarray, class_names: Sequence[str], title: str = "Confusion matrix (test split)",
                     height: int | None = None) -> go.Figure:
    """Counts of true (rows) against predicted (columns) classes, the diagonal being the correct answers.

    The one confusion-matrix chart: the Keras page and the playground both draw theirs with it."""
    m = np.asarray(matrix)
    names = [str(c) for c in class_names]
    fig = go.Figure(go.Heatmap(z=m.tolist(), x=names, y=names, colorscale=[[0, "#FFFFFF"], [1, palette.BLUE]],
                               text=m.astype(str).tolist(), texttemplate="%{text}", showscale=False,
                               hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>"))
    palette.layout(fig, title, "predicted class", "true class", height or palette.HEIGHT)
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category")
    return fig


def roc_curve(fpr: np.ndarray, tpr: np.ndarray, auc: float) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance (AUC 0.5)",
                             line=dict(color=palette.GREY, dash="dot")))
    fig.add_trace(go.Scatter(x=np.asarray(fpr).tolist(), y=np.asarray(tpr).tolist(), mode="lines",
                             name=f"model (AUC {auc:.3f})", line=dict(color=palette.BLUE, width=2.5)))
    return palette.layout(fig, f"ROC curve, AUC = {auc:.3f}", "false-positive rate", "true-positive rate")


def predicted_vs_actual(y_true: np.ndarray, y_pred: np.ndarray) -> go.Figure:
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    lo, hi = float(min(y_true.min(), y_pred.min())), float(max(y_true.max(), y_pred.max()))
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name="perfect prediction",
                             line=dict(color=palette.GREY, dash="dot")))
    fig.add_trace(go.Scatter(x=y_true.tolist(), y=y_pred.tolist(), mode="markers", name="test rows",
                             marker=dict(color=palette.BLUE, opacity=0.6)))
    return palette.layout(fig, "Predicted vs actual (test split)", "actual value", "predicted value")


def residuals(y_true: np.ndarray, y_pred: np.ndarray) -> go.Figure:
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    fig = go.Figure(go.Scatter(x=y_pred.tolist(), y=(y_true - y_pred).tolist(), mode="markers", name="residual",
                               marker=dict(color=palette.ORANGE, opacity=0.6)))
    fig.add_hline(y=0, line=dict(color=palette.GREY, dash="dot"))
    return palette.layout(fig, "Residuals: actual − predicted", "predicted value", "residual")


def class_balance(counts: Mapping[str, int]) -> go.Figure:
    names, values = [str(k) for k in counts], [int(v) for v in counts.values()]
    total = max(sum(values), 1)
    fig = go.Figure(go.Bar(x=names, y=values, marker_color=palette.SEQUENCE[:len(names)] if len(names) <= 8
                           else palette.BLUE, text=[f"{100 * v / total:.1f} %" for v in values], textposition="auto"))
    return palette.layout(fig, "Class balance of the target", "class", "rows")


def missing_values(columns: Sequence[str], percent: Sequence[float]) -> go.Figure:
    fig = go.Figure(go.Bar(x=[float(p) for p in percent], y=list(columns), orientation="h", marker_color=palette.VERMILION,
                           text=[f"{p:.1f} %" for p in percent], textposition="auto"))
    fig = palette.layout(fig, "Missing values per column", "missing (% of rows)", "column",
                         height=max(240, 60 + 28 * len(columns)))
    fig.update_yaxes(autorange="reversed")
    return fig


def correlation_heatmap(matrix: np.ndarray, names: Sequence[str]) -> go.Figure:
    z = np.round(np.asarray(matrix, dtype=float), 2)
    fig = go.Figure(go.Heatmap(z=[_finite(row) for row in z], x=list(names), y=list(names), zmin=-1, zmax=1,
                               colorscale=palette.DIVERGING, colorbar=dict(title="r")))
    fig = palette.layout(fig, "Correlations (the target is the last row)", "", "", height=560)
    fig.update_yaxes(autorange="reversed")
    return fig


def histogram(values_by_class: Mapping[str, Sequence[float]], column: str) -> go.Figure:
    """One feature's distribution, split by target class (or one histogram for regression)."""
    fig = go.Figure()
    for i, (name, values) in enumerate(values_by_class.items()):
        values = np.asarray(values, dtype=float)
        fig.add_trace(go.Histogram(x=values[np.isfinite(values)], name=str(name), opacity=0.65,
                                   marker_color=palette.SEQUENCE[i % len(palette.SEQUENCE)]))
    fig.update_layout(barmode="overlay")
    return palette.layout(fig, f"Distribution of {column}", column, "rows")
