"""Figures built without run-time validation serialise exactly as validated ones."""

import numpy as np
import plotly.graph_objects as go
import pytest

from nnviz.charts import spec


def _example():
    data = [dict(type="scatter", x=[0.0, 1.0], y=[1.0, 0.0], mode="lines", name="line"),
            dict(type="heatmap", z=np.arange(6.0).reshape(2, 3))]
    layout = spec.layout("title", "x₁", "x₂", height=300, margin=dict(b=99), yaxis=dict(range=[0, 1]))
    frames = [dict(name=str(i), traces=[0], data=[dict(type="scatter", x=[0.0, 1.0], y=[i, i])],
                   layout=dict(title=dict(text=f"step {i}"))) for i in range(3)]
    return data, layout, frames


def test_unvalidated_figure_equals_the_validated_one():
    data, layout, frames = _example()
    fast = spec.figure(data, layout, frames).to_dict()
    checked = go.Figure({"data": data, "layout": layout, "frames": frames}).to_dict()
    assert fast["frames"] == checked["frames"]
    assert fast["data"][0] == checked["data"][0]
    assert np.array_equal(fast["data"][1]["z"], checked["data"][1]["z"])
    for name in ("title", "height", "margin", "yaxis", "xaxis", "colorway"):
        assert fast["layout"][name] == checked["layout"][name]
    assert fast["layout"]["margin"] == {"l": 50, "r": 20, "t": 50, "b": 99}


def test_validate_catches_a_typo_the_fast_path_lets_through():
    fig = spec.figure([dict(type="scatter", x=[1], y=[1], linee=dict(width=2))], spec.layout("t", "x", "y"))
    with pytest.raises(ValueError):
        spec.validate(fig)


def test_a_frozen_figure_serialises_once_to_the_same_json_and_refuses_changes():
    import plotly.io as pio

    data, layout, frames = _example()
    plain = spec.figure(data, layout, frames)
    frozen = spec.frozen(spec.figure(*_example()))
    assert isinstance(frozen, go.Figure)
    assert pio.to_json(frozen.to_dict(), validate=False) == pio.to_json(plain.to_dict(), validate=False)
    assert frozen.to_dict() is frozen.to_dict()  # serialised once
    # What Streamlit does with it (Plotly's to_json pops trace uids) leaves the next rerun's JSON unchanged.
    first = pio.to_json(frozen, validate=False)
    assert pio.to_json(frozen, validate=False) == first
    for change in (lambda f: f.update_layout(title="x"), lambda f: f.add_trace(go.Scatter()),
                   lambda f: f.update_traces(opacity=0.5)):
        with pytest.raises(TypeError, match="frozen"):
            change(frozen)
    assert spec.frozen(frozen) is frozen
    # A copy made from it (as presenter mode does) is an ordinary figure again.
    copy = go.Figure(frozen)
    copy.update_layout(title="changed")
    assert frozen.to_dict()["layout"]["title"]["text"] == "title"
